"""Title, agency and report year, read from the report's own opening lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TITLE_WORDS = re.compile(r"政府信息公开(?:工作)?(?:年度)?报告|信息公开年度报告|年度报告")
_YEAR = re.compile(r"(20\d\d)\s*年度?")
_SUFFIX = re.compile(r"(?:20\d\d\s*年度?)?\s*(?:关于)?政府信息公开(?:工作)?(?:年度)?报告.*$|(?:20\d\d\s*年度?)?\s*信息公开年度报告.*$")
_LABEL = re.compile(r"^(?:标题|名称)\s*[:：|]\s*")
_AGENCY_STOP = "由与向在和对将及的请,，。、:：(（ "


@dataclass(frozen=True)
class Metadata:
    """What the report says about itself."""

    title: str
    agency: str
    year: int | None


def _clean(line: str) -> str:
    line = _LABEL.sub("", line.strip().lstrip("#| "))
    return re.sub(r"\s*\|.*$", "", line).strip(" #|")


def _title(lines: list[str]) -> tuple[str, int]:
    """The first line that names the report (joined with the line before it when that holds the agency)."""
    for i, raw in enumerate(lines):
        line = _clean(raw)
        if _TITLE_WORDS.search(line) and len(line) < 80:
            agency_part = _SUFFIX.sub("", re.sub(r"^20\d\d\s*年度?", "", line)).strip()
            if not agency_part and i > 0 and 0 < len(_clean(lines[i - 1])) < 30:
                return _clean(lines[i - 1]) + line, i
            return line, i
    return "", -1


def _full_agency(agency: str, text: str) -> str:
    """Prefer the fuller name the report prints: 洪泽区人民政府 -> 淮安市洪泽区人民政府."""
    if not agency:
        return agency
    counts: dict[str, int] = {}
    for m in re.finditer(re.escape(agency), text):
        before = text[max(0, m.start() - 6) : m.start()]
        cut = max(before.rfind(ch) for ch in _AGENCY_STOP)
        prefix = before[cut + 1 :]
        if 2 <= len(prefix) <= 5 and prefix[-1] in "省市县区州盟旗" and re.fullmatch(r"[\u4e00-\u9fff]+", prefix):
            counts[prefix] = counts.get(prefix, 0) + 1
    if counts:
        prefix = max(counts, key=lambda k: (counts[k], -len(k)))
        if not agency.startswith(prefix):
            return prefix + agency
    return agency


def read_metadata(text: str) -> Metadata:
    """Title, agency (发布机关) and report year from the opening lines of the normalised text."""
    lines = [line for line in text[:3000].split("\n") if line.strip()][:25]
    title, _ = _title(lines)
    title = re.sub(r"\s+", "", title)
    year_match = _YEAR.search(title)
    year = int(year_match.group(1)) if year_match else None
    if year is None:
        period = re.search(r"(20\d\d)年1月1日", text[:3000])
        year = int(period.group(1)) if period else None
    agency = _SUFFIX.sub("", title)
    agency = re.sub(r"^20\d\d年度?", "", agency).strip()
    agency = re.sub(r"[（(][^）)]*[）)]$", "", agency)
    return Metadata(title=title, agency=_full_agency(agency, text), year=year)

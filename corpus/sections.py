"""The six standard sections (一、总体情况 … 六、其他需要报告的事项), found inline as well as on their own line."""

from __future__ import annotations

import re

from corpus.models import Section

_SEP = r"\s*[、.．]\s*"
# (numeral, canonical title, pattern of the words after the numeral)
SECTION_PATTERNS: tuple[tuple[str, str, str], ...] = (
    ("一", "一、总体情况", r"总体情况"),
    ("二", "二、主动公开政府信息情况", r"主动公开政府信息(?:情况)?"),
    ("三", "三、收到和处理政府信息公开申请情况", r"收到和处理政府信息公开申请"),
    ("四", "四、政府信息公开行政复议、行政诉讼情况", r"[^\n。]{0,10}?政府信息公开[^\n。]{0,6}?复议"),
    ("五", "五、存在的主要问题及改进情况", r"[^\n。]{0,12}?存在的主要问题"),
    ("六", "六、其他需要报告的事项", r"其他需要报告的事项"),
)


def find_sections(text: str) -> list[Section]:
    """Locate each standard section heading in order; a missing heading is skipped, not guessed."""
    found: list[tuple[str, int]] = []
    pos = 0
    for numeral, title, words in SECTION_PATTERNS:
        match = re.compile(rf"(?<![(（第]){numeral}{_SEP}{words}").search(text, pos)
        if match:
            found.append((title, match.start()))
            pos = match.end()
    sections = []
    for i, (title, start) in enumerate(found):
        end = found[i + 1][1] if i + 1 < len(found) else len(text)
        sections.append(Section(title=title, start=start, end=end))
    return sections


def section_span(sections: list[Section], numeral: str) -> tuple[int, int] | None:
    """The (start, end) of the section whose title starts with this numeral, if found."""
    for section in sections:
        if section.title.startswith(numeral):
            return section.start, section.end
    return None

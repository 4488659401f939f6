"""Text normalisation that citations point into: NFKC, layout line breaks joined, page numbers dropped.

The normalised text is the one text of a report: offsets of sections, pages, cells and chunks all
point into it, and the app shows it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from corpus.loaders import Block
from corpus.models import Page

CJK = r"\u3400-\u9fff"
CJK_PUNCT = r"，。、；：？！“”‘’（）《》【】〔〕…—"
_CJK_GAP = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}])[ \u3000]+(?=[{CJK}{CJK_PUNCT}])")
# Page-number lines as printed by PDF converters: "-3-", "— 3 —", "第 3 页", "3 / 12".
_PAGE_NUMBER = re.compile(r"^\s*(?:[-－—–]\s*\d{1,3}\s*[-－—–]|第\s*\d{1,3}\s*页(?:\s*共\s*\d+\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$")
_SENTENCE_END = "。！？；;!?】」』\""
# A line that starts with a unit continues a figure broken at the line end ("大道 90" / "号").
_UNIT_START = re.compile(r"[号件人万元年月日条个次项份篇家期场名天余户批套台所%]")
_KEY_VALUE = re.compile(r"^[\u4e00-\u9fff]{2,6}\s*[:：]")  # "发布时间: 2021-03-05" in crawler headers
_SECTION_LINE = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十]+[)）])[^。，,;；]{0,28}$")
_HEADING_START = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.]|#|\|)")


@dataclass(frozen=True)
class NormalisedText:
    """Normalised text and the page spans inside it."""

    text: str
    pages: list[Page]


# A broker research report's hidden template markers ([Table_TargetPrice]) drawn over its text, character by
# character: 「[当T前ab价le/_目Ta标r价ge:tP 2r5i0c.e6]7」 is 「当前价/目标价: 250.67」 under [Table_TargetPrice].
_MARKER_SPAN = re.compile(r"\[[^\[\]\n]{0,80}?\]")


def _without_markers(line: str) -> str:
    """The line without interleaved [Table_…] markers: a bracket whose Latin letters spell Table_… loses them."""
    def strip(m: re.Match[str]) -> str:
        span = m.group()
        letters = re.sub(r"[^A-Za-z_]", "", span)
        if not letters.startswith("Table_"):
            return span
        return re.sub(r"[\[\]A-Za-z_]", "", span).strip()
    return _MARKER_SPAN.sub(strip, line) if "[" in line and "T" in line else line


def normalise_line(line: str) -> str:
    """NFKC, spaces inside Chinese words removed, runs of spaces collapsed (tabs kept as cell separators)."""
    line = unicodedata.normalize("NFKC", line).replace("\u00a0", " ")
    line = _without_markers(line)
    line = _CJK_GAP.sub("", line)
    line = re.sub(r" {2,}", " ", line)
    return line.strip(" ")


def _is_row(line: str) -> bool:
    return "|" in line or "\t" in line


def join_layout_lines(lines: list[str]) -> list[str]:
    """Join a line broken by layout with the next one; table rows and headings are never joined."""
    out: list[str] = []
    last = ""  # the previous line as printed; a short one is a label or heading, not wrapped text
    for line in lines:
        prev = out[-1] if out else ""
        if (
            prev
            and len(last) >= 8
            and line
            and not _is_row(prev)
            and not _is_row(line)
            and prev[-1] not in _SENTENCE_END
            and not prev.endswith("报告")  # a title line
            and not (_KEY_VALUE.match(line) and _KEY_VALUE.match(last))
            and not _SECTION_LINE.match(last)
            and not _HEADING_START.match(line)
            and not re.fullmatch(r"[\d\s.%-]+", line)
            and (not re.search(r"[\d%]$", prev) or re.match(_UNIT_START, line))
        ):
            glue = "" if re.match(rf"[{CJK}{CJK_PUNCT}]", line) and re.search(rf"[{CJK}{CJK_PUNCT}]$", prev) else " "
            out[-1] = prev + glue + line
        else:
            out.append(line)
        last = line
    return out


def _text_lines(raw: str) -> list[str]:
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    lines = [normalise_line(line) for line in raw.split("\n")]
    lines = [line for line in lines if not _PAGE_NUMBER.match(line)]
    joined = join_layout_lines(lines)
    # Collapse runs of blank lines to one.
    out: list[str] = []
    for line in joined:
        if line or (out and out[-1]):
            out.append(line)
    return out


def render_row(cells: tuple[str, ...]) -> str:
    """A table row as one line: `| a | b |  | c |` (blank cells stay blank)."""
    return "| " + " | ".join(normalise_line(c.replace("\n", "")) for c in cells) + " |"


def normalise_blocks(blocks: list[Block]) -> NormalisedText:
    """Concatenate blocks into the normalised text, recording where each page starts and ends."""
    parts: list[str] = []
    pos = 0
    page_spans: dict[int, list[int]] = {}
    for block in blocks:
        lines = [render_row(r) for r in block.rows] if block.rows else _text_lines(block.text)
        chunk = "\n".join(lines).strip("\n")
        if not chunk:
            continue
        if parts:
            parts.append("\n")
            pos += 1
        start = pos
        parts.append(chunk)
        pos += len(chunk)
        if block.page is not None:
            span = page_spans.setdefault(block.page, [start, pos])
            span[0], span[1] = min(span[0], start), max(span[1], pos)
    pages = [Page(number=n, start=s, end=e) for n, (s, e) in sorted(page_spans.items())]
    return NormalisedText(text="".join(parts), pages=pages)

"""HTML reports (published web pages) via BeautifulSoup with lxml.

Scripts, styles, forms, navigation, hidden elements and page widgets (breadcrumbs, share and
QR-code boxes) are dropped, and so is a line made only of link text; on a portal page the
article's container is found by where the non-link text sits (link text is navigation), then
widened to take in the title and date lines just around it and every report table. Block
elements become lines of text; each data `<table>` becomes a rows block in document order,
with every cell emitted once, in the row where it starts (so rowspan/colspan cells are not
repeated: each row holds the cells as printed).
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from corpus.limits import check_markup, current_limits
from corpus.loaders import Block
from corpus.loaders.text import decode

_JUNK = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "select", "button", "input", "textarea", "option", "nav", "aside", "footer", "head",
)  # fmt: skip
_BLOCK = frozenset(
    "address article blockquote body center dd div dl dt fieldset figcaption figure form h1 h2 h3 h4 h5 h6 "
    "header hr li main ol p pre section ul table thead tbody tfoot tr td th caption".split()
)
_SELF_CONTAINED = frozenset("div body section article main td th center blockquote".split())
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)
_WS = re.compile(r"\s+")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WIDGET = re.compile(r"breadcrumb|crumb|share|qrcode", re.I)  # class/id of page widgets, not content
_KEYWORD = "政府信息公开"
_TABLE_WORDS = ("政府信息", "申请", "复议", "诉讼", "信息内容")
_WIDEN_TEXT = 0.10  # take in an ancestor while it adds at most 10% more non-link text
_WIDEN_LINKS = 0.05  # ... and holds link text of at most 5% of that (navigation is links)


def load(path: Path) -> list[Block]:
    """Paragraph lines and table rows of the page's main content, in document order."""
    text = decode(path.read_bytes(), str(path))
    check_markup(path, text, current_limits())  # nesting depth (the walk below recurses), no entity declarations
    soup = BeautifulSoup(text, "lxml")
    _strip_junk(soup)
    root = soup.body if soup.body is not None else soup
    walker = _Walker()
    walker.walk(find_content(root))
    return walker.finish()


def _strip_junk(soup: BeautifulSoup) -> None:
    """Remove comments, non-content elements and elements hidden by markup."""
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_JUNK):
        tag.extract()
    for tag in soup.find_all(style=_HIDDEN):
        tag.extract()
    for tag in soup.find_all(hidden=True):
        tag.extract()
    for tag in soup.find_all(class_=_WIDGET) + soup.find_all(id=_WIDGET):
        if tag.find("table") is None:
            tag.extract()


def find_content(root: Tag) -> Tag:
    """The element holding the report: most non-link text, widened to its title and tables."""
    best = _densest(root)
    if best is None:
        return root
    base = _chars(best)
    tables = [
        t
        for t in root.find_all("table")
        if _is_data_table(t) and any(w in t.get_text() for w in _TABLE_WORDS)
    ]
    node = best
    while node is not root and isinstance(node.parent, Tag):
        missing = any(not _inside(t, node) for t in tables)
        if not missing and not _small_addition(node.parent, base):
            break
        node = node.parent
    return node if _KEYWORD in node.get_text() else root


def _densest(root: Tag) -> Tag | None:
    """The element credited with the most non-link text (readability-style scoring)."""
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    for string in root.find_all(string=True):
        if isinstance(string, _SKIPPED_STRINGS) or string.find_parent("a") is not None:
            continue
        size = len(_WS.sub("", str(string)))
        unit = _unit(string) if size else None
        if unit is None:
            continue
        target = unit if unit.name in _SELF_CONTAINED else unit.parent
        for tag, weight in ((target, 1.0), (target.parent if target else None, 0.5)):
            if isinstance(tag, Tag):
                scores[id(tag)] = scores.get(id(tag), 0.0) + weight * size
                tags[id(tag)] = tag
    if not scores:
        return None
    return tags[max(scores, key=lambda k: scores[k])]


def _unit(string: NavigableString) -> Tag | None:
    """The block a piece of text belongs to; text in a data table belongs to the table."""
    table = string.find_parent("table")
    if table is not None and _is_data_table(table):
        return table
    return next((p for p in string.parents if p.name in _BLOCK), None)


def _is_data_table(table: Tag) -> bool:
    """A table with no table inside it holds data; one with nested tables is page layout."""
    return table.find("table") is None


def _inside(tag: Tag, ancestor: Tag) -> bool:
    """True when `ancestor` is one of `tag`'s ancestors."""
    return any(p is ancestor for p in tag.parents)


def _small_addition(tag: Tag, base: int) -> bool:
    """True when `tag` holds little more than `base` characters of plain text and few of links."""
    return _chars(tag) <= (1 + _WIDEN_TEXT) * base and _chars(tag, links=True) <= _WIDEN_LINKS * base


def _chars(tag: Tag, links: bool = False) -> int:
    """Characters (whitespace aside) of `tag`'s text outside links (or, with `links`, inside them)."""
    return sum(
        len(_WS.sub("", str(s)))
        for s in tag.find_all(string=True)
        if not isinstance(s, _SKIPPED_STRINGS) and (s.find_parent("a") is not None) == links
    )


def _latin(char: str) -> bool:
    """True for an ASCII letter or digit."""
    return char.isascii() and char.isalnum()


def join_cell_lines(lines: list[str]) -> str:
    """One cell's lines joined without separator, except a space between two Latin words."""
    out = ""
    for line in (ln.strip() for ln in lines):
        if out and line and _latin(out[-1]) and _latin(line[0]):
            out += " "
        out += line
    return out.strip()


class _Walker:
    """Turns an element tree into text blocks (one line per block element) and rows blocks."""

    def __init__(self, keep_link_lines: bool = False) -> None:
        self.blocks: list[Block] = []
        self.lines: list[str] = []
        self.pieces: list[str] = []
        self.has_plain_text = False  # the pending line has text outside links
        self.keep_link_lines = keep_link_lines

    def walk(self, node: Tag, in_link: bool = False) -> None:
        """Visit `node`'s children in document order."""
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, _SKIPPED_STRINGS):
                    text = _WS.sub(" ", str(child))
                    self.pieces.append(text)
                    self.has_plain_text |= not in_link and bool(text.strip())
            elif isinstance(child, Tag):
                self._visit_tag(child, in_link or child.name == "a")

    def _visit_tag(self, tag: Tag, in_link: bool) -> None:
        if tag.name == "br":
            self._end_line()
        elif tag.name == "table" and _is_data_table(tag):
            self._end_line()
            self._flush()
            self._table(tag)
        elif tag.name in _BLOCK:
            self._end_line()
            self.walk(tag, in_link)
            self._end_line()
        else:
            self.walk(tag, in_link)

    def _table(self, table: Tag) -> None:
        caption = table.find("caption")
        if isinstance(caption, Tag) and caption.get_text(strip=True):
            self.blocks.append(Block(text=caption.get_text(" ", strip=True)))
        rows, spans = [], []
        for tr in table.find_all("tr"):
            if tr.find_parent("table") is table:
                tags = tr.find_all(["td", "th"], recursive=False)
                cells = tuple(_cell_text(c) for c in tags)
                if cells:
                    rows.append(cells)
                    spans.append(tuple((_span(c, "rowspan"), _span(c, "colspan")) for c in tags))
        if rows:
            self.blocks.append(Block(rows=tuple(rows), grid=_grid(rows, spans)))

    def _end_line(self) -> None:
        line = "".join(self.pieces).strip()
        if line and (self.has_plain_text or self.keep_link_lines):
            self.lines.append(line)
        self.pieces = []
        self.has_plain_text = False

    def _flush(self) -> None:
        if self.lines:
            self.blocks.append(Block(text="\n".join(self.lines)))
        self.lines = []

    def finish(self) -> list[Block]:
        """End the pending line and text block; return all blocks."""
        self._end_line()
        self._flush()
        return self.blocks


def _span(cell: Tag, attribute: str) -> int:
    """A cell's rowspan or colspan (1 when absent or not a small positive number)."""
    value = str(cell.get(attribute) or "1").strip()
    return min(int(value), 50) if value.isdigit() and int(value) > 0 else 1


def _grid(rows: list[tuple[str, ...]], spans: list[tuple[tuple[int, int], ...]]) -> tuple[tuple[str | None, ...], ...]:
    """Rows as a grid: a spanned cell's text at its first position, None at the positions it covers."""
    covered: dict[tuple[int, int], bool] = {}
    grid: list[tuple[str | None, ...]] = []
    for r, (cells, row_spans) in enumerate(zip(rows, spans, strict=True)):
        line: list[str | None] = []
        col = 0
        for text, (down, across) in zip(cells, row_spans, strict=True):
            while covered.pop((r, col), False):
                line.append(None)
                col += 1
            line.append(text)
            line.extend([None] * (across - 1))
            for dr in range(1, down):
                for dc in range(across):
                    covered[(r + dr, col + dc)] = True
            col += across
        while covered.pop((r, col), False):
            line.append(None)
            col += 1
        grid.append(tuple(line))
    return tuple(grid)


def _cell_text(cell: Tag) -> str:
    """A cell's text as printed: its lines (paragraphs, <br>) joined without line breaks."""
    walker = _Walker(keep_link_lines=True)
    walker.walk(cell)
    walker._end_line()
    return join_cell_lines(walker.lines)

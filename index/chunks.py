"""Report -> retrieval chunks: section- and sentence-aware Chinese text chunks, and one chunk per table row."""

from __future__ import annotations

import hashlib
import re
from itertools import groupby
from typing import Any

from langchain_core.documents import Document

from corpus.models import Cell, Report

MAX_CHARS = 500
MIN_CHARS = 300
LABEL_CHARS = 20  # a lone line this short, with no sentence end, is a table label or a bare heading
_ENDS = "。！？；!?;”’」』)）"
# A sentence ends at 。！？； (and their NFKC ASCII forms), with any closing quotes or brackets after them.
_SENTENCE = re.compile(r"[^。！？；!?;]+(?:[。！？；!?;]+[”’」』)）]*|$)|[。！？；!?;]+[”’」』)）]*")
Span = tuple[int, int]


def chunk_id(*parts: object) -> str:
    """A content hash naming a chunk, so an unchanged chunk keeps its id across re-indexing."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return digest.hexdigest()[:24]


def chunk_report(report: Report, max_chars: int = MAX_CHARS, min_chars: int = MIN_CHARS) -> list[Document]:
    """Text chunks (exact substrings of `report.text`, never across a section) and one chunk per table row."""
    return text_chunks(report, max_chars, min_chars) + row_chunks(report)


def text_chunks(report: Report, max_chars: int = MAX_CHARS, min_chars: int = MIN_CHARS) -> list[Document]:
    """Section-aware, sentence-aware chunks of the prose: exact substrings of `report.text`."""
    if max_chars < 1 or min_chars > max_chars:
        raise ValueError(
            f"need 1 <= min_chars <= max_chars, got min_chars={min_chars}, max_chars={max_chars}"
        )
    docs = []
    for start, end in _text_spans(report, max_chars, min_chars):
        text = report.text[start:end]
        if not any(ch.isalnum() for ch in text):  # markup left over, e.g. a bare '##'
            continue
        meta = _base_metadata(report, start, end, kind="text")
        docs.append(Document(page_content=text, metadata=meta, id=chunk_id(report.id, start, end, text)))
    return docs


def _base_metadata(report: Report, start: int, end: int, kind: str) -> dict[str, Any]:
    """Metadata every chunk carries: where it comes from, and its span in the report text."""
    return {
        "report_id": report.id,
        "title": report.title,
        "agency": report.agency,
        "year": report.year,
        "section": report.section_at(start),
        "start": start,
        "end": end,
        "page": report.page_at(start),
        "kind": kind,
    }


def _section_spans(report: Report) -> list[Span]:
    """The report text cut at every section start (the text before the first section is a span too)."""
    cuts = sorted(
        {0, len(report.text), *(s.start for s in report.sections if 0 < s.start < len(report.text))}
    )
    return list(zip(cuts, cuts[1:], strict=False))


def _is_table_line(line: str, start: int, end: int, cell_spans: list[Span]) -> bool:
    """A printed table row: pipes or tabs, or a line that a parsed cell was read from (it has a row chunk)."""
    if "|" in line or "\t" in line:
        return True
    return any(c_start < end and start < c_end for c_start, c_end in cell_spans)


def _sentences(text: str, offset: int) -> list[Span]:
    """Sentence spans of one line (whitespace trimmed), as offsets into the report text."""
    spans = []
    for match in _SENTENCE.finditer(text):
        piece = match.group()
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            start = offset + match.start() + lead
            spans.append((start, start + len(stripped)))
    return spans


def _segments(report: Report, start: int, end: int) -> list[list[tuple[Span, bool]]]:
    """Runs of prose sentences inside one section span, cut at table lines.

    Each sentence is flagged when it starts a paragraph: it opens a line and the text before it ended a
    sentence (a line broken by the layout mid-sentence is not a paragraph break).
    """
    text = report.text
    cell_spans = [(c.start, c.end) for c in report.cells if c.end > c.start]
    segments: list[list[tuple[Span, bool]]] = [[]]
    pos = start
    for line in text[start:end].split("\n"):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        if _is_table_line(line, line_start, line_end, cell_spans):
            if segments[-1]:
                segments.append([])
            continue
        for i, span in enumerate(_sentences(line, line_start)):
            previous = segments[-1][-1][0] if segments[-1] else None
            paragraph = i == 0 and (previous is None or text[previous[1] - 1] in _ENDS)
            segments[-1].append((span, paragraph))
    return [s for s in segments if s and not _is_label(text, s)]


def _is_label(text: str, segment: list[tuple[Span, bool]]) -> bool:
    """A segment that is one short line without a sentence end: a table label such as '(三)不予公开'."""
    (start, end), _ = segment[0]
    return len(segment) == 1 and end - start < LABEL_CHARS and text[end - 1] not in _ENDS


def _cut(span: Span, max_chars: int) -> list[Span]:
    """A span longer than `max_chars` cut into consecutive pieces."""
    start, end = span
    return [(i, min(i + max_chars, end)) for i in range(start, end, max_chars)]


def _pack(segment: list[tuple[Span, bool]], max_chars: int, min_chars: int) -> list[Span]:
    """Greedily pack consecutive sentences up to `max_chars`; past `min_chars`, stop at a paragraph."""
    chunks: list[Span] = []
    current: Span | None = None
    for span, paragraph in segment:
        for piece in _cut(span, max_chars):
            if current is not None:
                size, grown = current[1] - current[0], piece[1] - current[0]
                if grown > max_chars or (paragraph and size >= min_chars):
                    chunks.append(current)
                    current = None
            current = piece if current is None else (current[0], piece[1])
    if current is not None:
        chunks.append(current)
    return chunks


def _text_spans(report: Report, max_chars: int, min_chars: int) -> list[Span]:
    """Every text chunk's span, in reading order."""
    spans = []
    for start, end in _section_spans(report):
        for segment in _segments(report, start, end):
            spans.extend(_pack(segment, max_chars, min_chars))
    return spans


def _format_value(cell: Cell) -> str:
    """A cell value as printed in a row chunk ('空' for a blank cell; units other than 件 kept)."""
    if cell.value is None:
        return "空"
    value = cell.value
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return f"{text}{cell.unit}" if cell.unit and cell.unit != "件" else text


def row_sentence(report: Report, table: str, row: str, cells: list[Cell]) -> str:
    """A table row written as one sentence, e.g. '上海市司法局2020年 申请 · 总计: 自然人 111, …, 总计 113'."""
    year = f"{report.year}年" if report.year else ""
    values = ", ".join(f"{c.col} {_format_value(c)}" for c in cells)
    return f"{report.agency}{year} {table} · {row}: {values}".strip()


def row_chunks(report: Report) -> list[Document]:
    """One chunk per parsed table row, in the order the cells were parsed."""
    docs = []
    order = {key: i for i, key in enumerate(dict.fromkeys((c.table, c.row) for c in report.cells))}
    ordered = sorted(report.cells, key=lambda c: order[(c.table, c.row)])
    for (table, row), group in groupby(ordered, key=lambda c: (c.table, c.row)):
        cells = list(group)
        text = row_sentence(report, table, row, cells)
        start = min(c.start for c in cells)
        end = max(c.end for c in cells)
        meta = _base_metadata(report, start, end, kind="row")
        page = next((c.page for c in cells if c.page is not None), None)
        meta.update(table=table, row=row, quote=cells[0].quote, page=page or meta["page"])
        docs.append(Document(page_content=text, metadata=meta, id=chunk_id(report.id, table, row, text)))
    return docs

"""Word .docx reports via python-docx: paragraphs, tables and pictures (read by OCR) in body order.

The body's XML is walked directly so each table sits between the right paragraphs. A merged
cell is one `w:tc` element: a horizontal merge (`w:gridSpan`) is emitted once, and the
continuation cells of a vertical merge (`w:vMerge` without "restart") are left out, so every
row holds the cells as printed, like the PDF and HTML loaders.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from corpus.errors import UnreadableReportError
from corpus.limits import check_pages, check_zip, current_limits
from corpus.loaders import Block

log = logging.getLogger(__name__)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_P, _TBL, _SDT, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:tr"), qn("w:tc")


def load(path: Path) -> list[Block]:
    """Text blocks (runs of consecutive paragraphs), one rows block per table, OCR blocks per picture."""
    document = _open(path)
    blocks: list[Block] = []
    lines: list[str] = []
    pictures: list[tuple[int, bytes]] = []  # (index in blocks where its OCR blocks go, image bytes)
    for element in _content(document.element.body):
        if element.tag == _P:
            lines.append(Paragraph(element, document).text)
            images = _pictures(element, document)
            if images:
                _flush(lines, blocks)
                pictures += [(len(blocks), blob) for blob in images]
            continue
        _flush(lines, blocks)
        rows = _table_rows(element, document)
        if rows:
            blocks.append(Block(rows=rows, grid=_table_grid(element, document)))
    _flush(lines, blocks)
    return _with_pictures(path, blocks, pictures) if pictures else blocks


_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_EMBED = qn("r:embed")
_MIN_PICTURE = 300  # pixels on the longer side: smaller pictures are logos and seals, not tables


def _pictures(paragraph: Any, document: Any) -> list[bytes]:
    """The bytes of each picture embedded in a paragraph."""
    blobs = []
    for blip in paragraph.iter(_BLIP):
        part = document.part.related_parts.get(blip.get(_EMBED))
        if part is not None and getattr(part, "content_type", "").startswith("image/"):
            blobs.append(part.blob)
    return blobs


def _with_pictures(path: Path, blocks: list[Block], pictures: list[tuple[int, bytes]]) -> list[Block]:
    """Insert the OCR blocks of each large-enough picture (a table pasted as an image) where it stands."""
    import hashlib
    import io

    import numpy as np
    from PIL import Image, UnidentifiedImageError

    from corpus.ocr import OCR_VERSION, page_blocks, read_images

    images = []
    for n, (_, blob) in enumerate(pictures):
        try:
            with Image.open(io.BytesIO(blob)) as image:
                if max(image.size) >= _MIN_PICTURE:
                    images.append((n, np.asarray(image.convert("L")), None))
        except (UnidentifiedImageError, OSError):
            log.info("%s: picture %d is not an image OCR can read (skipped)", path, n + 1)
    if not images:
        return blocks
    check_pages(path, len(images), current_limits())  # each picture is OCR'd like a page
    key = hashlib.sha256(path.read_bytes()).hexdigest() + "-" + OCR_VERSION
    reads = read_images(images, key, desc=f"OCR {path.name}")
    out: list[Block] = []
    for i in range(len(blocks) + 1):
        for n, _, _ in images:
            if pictures[n][0] == i:
                out += page_blocks(reads[n], None)
        if i < len(blocks):
            out.append(blocks[i])
    return out


def _open(path: Path) -> Any:
    """Open the document, turning every kind of failure into UnreadableReportError."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        raise UnreadableReportError(
            f"{path}: an old binary Word (.doc) or password-protected file, not a .docx; save it as .docx"
        )
    if not zipfile.is_zipfile(path):
        raise UnreadableReportError(f"{path}: not a .docx file (not a zip archive)")
    check_zip(path, current_limits())  # member count, inflated size (really inflated), XML depth, no DTDs
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        log.debug("python-docx failed on %s", path, exc_info=True)
        raise UnreadableReportError(f"{path}: not a readable .docx ({type(exc).__name__}: {exc})") from exc


def _content(parent: Any) -> Iterator[Any]:
    """Paragraph and table elements of `parent` in order, looking inside content controls."""
    for child in parent.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _content(content)


def _flush(lines: list[str], blocks: list[Block]) -> None:
    """Emit the pending paragraphs as one text block (if any has text) and clear them."""
    if any(line.strip() for line in lines):
        blocks.append(Block(text="\n".join(lines).strip("\n")))
    lines.clear()


def _table_rows(tbl: Any, document: Any) -> tuple[tuple[str, ...], ...]:
    """Rows of a table as printed: one entry per `w:tc`, vertical-merge continuations left out."""
    rows = []
    for tr in _children(tbl, _TR):
        cells = tuple(_cell_text(tc, document) for tc in _children(tr, _TC) if not _continues_merge(tc))
        if cells:
            rows.append(cells)
    return tuple(rows)


def _table_grid(tbl: Any, document: Any) -> tuple[tuple[str | None, ...], ...]:
    """The table as a grid: a cell spanning columns (gridSpan) or continuing a merge above gives None."""
    grid = []
    for tr in _children(tbl, _TR):
        line: list[str | None] = []
        for tc in _children(tr, _TC):
            tc_pr = tc.find(qn("w:tcPr"))
            span = tc_pr.find(qn("w:gridSpan")) if tc_pr is not None else None
            across = int(span.get(qn("w:val"), "1")) if span is not None and span.get(qn("w:val"), "1").isdigit() else 1
            line.append(None if _continues_merge(tc) else _cell_text(tc, document))
            line.extend([None] * (max(across, 1) - 1))
        if line:
            grid.append(tuple(line))
    return tuple(grid)


def _children(parent: Any, tag: str) -> Iterator[Any]:
    """Direct children with `tag`, also those wrapped in content controls or custom XML."""
    for child in parent.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in (_SDT, qn("w:customXml")):
            inner = child.find(qn("w:sdtContent")) if child.tag == _SDT else child
            if inner is not None:
                yield from _children(inner, tag)


def _continues_merge(tc: Any) -> bool:
    """True for a cell that continues a vertical merge begun in a row above."""
    tc_pr = tc.find(qn("w:tcPr"))
    v_merge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
    return v_merge is not None and v_merge.get(qn("w:val"), "continue") != "restart"


def _cell_text(tc: Any, document: Any) -> str:
    """The cell's paragraphs (nested tables included) joined without line breaks, trimmed."""
    parts = [Paragraph(p, document).text for p in tc.iter(_P)]
    return "".join(part.replace("\r", "").replace("\n", "") for part in parts).strip()

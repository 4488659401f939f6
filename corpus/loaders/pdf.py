"""PDF reports via pdfplumber: running text and ruled tables, per page, in vertical order.

A page without a text layer (a scan) is rendered at its image's resolution and read by OCR
(`corpus.ocr`), its tables rebuilt from the ruled grid in the image. A page that has a text layer
but whose table is a picture (county reports paste their tables as images) keeps its text layer;
only the picture is OCR'd, when it is large, has no text over it and shows a ruled grid.

Only drawn rulings count as table borders. These reports (exported from WPS/Word) paint a white,
unstroked rectangle behind every line of prose and behind every table cell; pdfplumber's default
"lines" strategy would turn each page of prose into a one-column table. So the page is filtered
to real rulings (lines, stroked rectangles and curves, thin dark filled bars) before tables are
looked for. A table that runs over a page break has no drawn border at the break; that border is
added back where several vertical rulings stop (or start) at the same height with nothing
closing them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.page import Page
from pdfplumber.table import Table
from pdfplumber.utils import extract_text
from pdfplumber.utils.exceptions import PdfminerException

from corpus.errors import UnreadableReportError
from corpus.limits import check_pages, current_limits
from corpus.loaders import Block
from corpus.loaders.panels import panel_text

log = logging.getLogger(__name__)

TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "edge_min_length": 3,
    "intersection_tolerance": 3,
}
_THIN = 2.0  # a filled rectangle at most this thick is a ruling drawn as a bar
_MIN_RULE = 10.0  # vertical rulings shorter than this do not open or close a table
_ALIGN = 1.5  # rulings ending within this many points of each other end "together"
_CLOSED = 3.0  # a horizontal ruling this close to an open end already closes it
_MIN_CHARS = 10  # a page with fewer text-layer characters than this is a scan
_MAX_DPI = 400.0  # scans are read at their own resolution, but no finer than this
_PICTURE_AREA = 0.08  # a picture covering this share of a text page may be its table (a seal or logo is smaller)
_PICTURE_WIDTH = 0.4  # ... and at least this share of the page's width


@dataclass(frozen=True)
class Picture:
    """A picture on a text page that may hold a table: its box in points and its resolution."""

    x0: float
    top: float
    x1: float
    bottom: float
    dpi: float


def load(path: Path) -> list[Block]:
    """Text blocks and table-row blocks of every page, in reading order; pages are 1-based."""
    _check_signature(path)
    try:
        with pdfplumber.open(path) as pdf:
            if not pdf.pages:
                raise UnreadableReportError(f"{path}: the PDF has no pages")
            check_pages(path, len(pdf.pages), current_limits())
            scanned = {n: _image_dpi(page) for n, page in enumerate(pdf.pages, start=1) if _needs_ocr(page)}
            pictured = {n: p for n, page in enumerate(pdf.pages, start=1) if n not in scanned and (p := _table_pictures(page))}
            plans = {n: _picture_plan(pdf.pages[n - 1], n, regions) for n, regions in pictured.items()}
            pages = [[] if n in scanned or n in plans else _page_blocks(page, n) for n, page in enumerate(pdf.pages, start=1)]
    except UnreadableReportError:
        raise
    except PdfminerException as exc:
        raise _pdf_error(path, exc.args[0] if exc.args else exc) from exc
    except Exception as exc:  # pdfminer raises many kinds of error on damaged files
        log.debug("pdfminer failed on %s", path, exc_info=True)
        raise _pdf_error(path, exc) from exc
    ocr_blocks = _ocr_blocks(path, scanned) if scanned else {}
    if plans:
        ocr_blocks |= _picture_blocks(path, pictured, plans)
    return [b for n, blocks in enumerate(pages, start=1) for b in ocr_blocks.get(n, blocks)]


def _needs_ocr(page: Page) -> bool:
    """A page with (almost) no text layer but an image: a scan to be read by OCR."""
    return len(page.chars) < _MIN_CHARS and bool(page.images)


def _image_dpi(page: Page) -> float:
    """The resolution of the page's largest image (its pixels over its printed width), within limits."""
    best = max(page.images, key=lambda im: float(im["width"]) * float(im["height"]))
    size = best.get("srcsize") or (0, 0)
    width = float(best["x1"]) - float(best["x0"])
    dpi = float(size[0]) * 72 / width if width > 0 and size[0] else 150.0
    return min(max(dpi, 50.0), _MAX_DPI)


def _ocr_blocks(path: Path, pages: dict[int, float]) -> dict[int, list[Block]]:
    """OCR blocks of the scanned pages, each rendered at its image's own resolution."""
    import hashlib

    import pypdfium2

    from corpus.ocr import OCR_VERSION, page_blocks, read_images

    document = pypdfium2.PdfDocument(path)
    try:
        images = []
        for number, dpi in pages.items():
            bitmap = document[number - 1].render(scale=dpi / 72, grayscale=True)
            images.append((number, bitmap.to_numpy().copy(), dpi))
    finally:
        document.close()
    key = hashlib.sha256(path.read_bytes()).hexdigest() + "-" + OCR_VERSION
    reads = read_images(images, key, desc=f"OCR {path.name}")
    return {n: page_blocks(reads[n], n) for n in pages}


def _table_pictures(page: Page) -> list[Picture]:
    """Pictures on a text page that may be its table: large, with no text layer over them (a searchable scan has one)."""
    if len(page.chars) < _MIN_CHARS or not page.images:
        return []
    area = float(page.width) * float(page.height)
    found = []
    for im in page.images:
        x0, top, x1, bottom = (float(im[k]) for k in ("x0", "top", "x1", "bottom"))
        if (x1 - x0) * (bottom - top) < area * _PICTURE_AREA or x1 - x0 < float(page.width) * _PICTURE_WIDTH:
            continue
        over = sum(1 for c in page.chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom)
        if over < _MIN_CHARS:
            size = im.get("srcsize") or (0, 0)
            dpi = float(size[0]) * 72 / (x1 - x0) if size[0] else 150.0
            found.append(Picture(max(x0, 0.0), max(top, 0.0), x1, bottom, min(max(dpi, 50.0), _MAX_DPI)))
    return sorted(found, key=lambda p: p.top)


def _picture_plan(page: Page, number: int, pictures: list[Picture]) -> list[Block | int]:
    """The page in reading order: text bands and ruled text tables as blocks, picture k as the number k."""
    tables = find_tables(page)
    regions: list[tuple[tuple[float, float, float, float], Table | int]] = [(t.bbox, t) for t in tables]
    regions += [((p.x0, p.top, p.x1, p.bottom), k) for k, p in enumerate(pictures)]
    regions.sort(key=lambda r: r[0][1])
    bboxes = [r[0] for r in regions]
    plan: list[Block | int] = []
    for k in range(len(regions) + 1):
        text = _band_text(page, bboxes, k)
        if text.strip():
            plan.append(Block(text=text, page=number))
        if k < len(regions):
            item = regions[k][1]
            if isinstance(item, int):
                plan.append(item)
            elif rows := table_rows(item):
                plan.append(Block(rows=rows, page=number))
    return plan


def _picture_blocks(
    path: Path, pictured: dict[int, list[Picture]], plans: dict[int, list[Block | int]]
) -> dict[int, list[Block]]:
    """The pictured pages with each picture that shows a ruled grid OCR'd in its place (others left out)."""
    import hashlib

    from corpus.ocr import OCR_VERSION, page_blocks, read_images

    crops = _picture_crops(path, pictured)
    key = hashlib.sha256(path.read_bytes()).hexdigest() + "-pictures-" + OCR_VERSION
    ids = {where: n for n, where in enumerate(crops)}
    images = [(ids[where], crop, dpi) for where, (crop, dpi) in crops.items()]
    reads = read_images(images, key, desc=f"OCR {path.name} (pictures)") if images else {}
    out: dict[int, list[Block]] = {}
    for number, plan in plans.items():
        out[number] = []
        for item in plan:
            if isinstance(item, Block):
                out[number].append(item)
            elif (number, item) in ids:
                out[number] += page_blocks(reads[ids[(number, item)]], number)
    return out


def _picture_crops(path: Path, pictured: dict[int, list[Picture]]) -> dict[tuple[int, int], tuple[Any, float]]:
    """(page, picture index) -> the picture rendered at its resolution, for the pictures that show a ruled grid."""
    import pypdfium2

    from corpus.ocr import has_grid

    document = pypdfium2.PdfDocument(path)
    crops = {}
    try:
        for number, pictures in pictured.items():
            dpi = max(p.dpi for p in pictures)
            scale = dpi / 72
            image = document[number - 1].render(scale=scale, grayscale=True).to_numpy()
            for k, p in enumerate(pictures):
                crop = image[int(p.top * scale) : int(p.bottom * scale) + 1, int(p.x0 * scale) : int(p.x1 * scale) + 1]
                if has_grid(crop, dpi):
                    crops[(number, k)] = (crop.copy(), dpi)
    finally:
        document.close()
    return crops


def _check_signature(path: Path) -> None:
    """Refuse files that do not carry the %PDF header near their start."""
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise UnreadableReportError(f"{path}: not a PDF file (no %PDF header)")


def _pdf_error(path: Path, cause: object) -> UnreadableReportError:
    """A one-line error naming the file and what was wrong with it."""
    if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
        return UnreadableReportError(f"{path}: the PDF is encrypted (a password is needed to open it)")
    detail = str(cause).strip().replace("\n", " ") or "damaged file"
    name = type(cause).__name__
    return UnreadableReportError(f"{path}: not a readable PDF ({name}: {detail})")


def _page_blocks(page: Page, number: int) -> list[Block]:
    """Blocks of one page: text runs split at each table, tables as row blocks."""
    tables = sorted(find_tables(page), key=lambda t: t.bbox[1])
    bboxes = [t.bbox for t in tables]
    blocks: list[Block] = []
    for k in range(len(tables) + 1):
        text = _band_text(page, bboxes, k)
        if text.strip():
            blocks.append(Block(text=text, page=number))
        if k < len(tables):
            grid = table_grid(tables[k])
            rows = _printed(grid)
            if rows:
                blocks.append(Block(rows=rows, page=number, grid=grid))
    return blocks


def find_tables(page: Page) -> list[Table]:
    """The ruled tables of a page that have at least two columns."""
    ruled = page.filter(_is_ruling)
    settings = dict(TABLE_SETTINGS, explicit_horizontal_lines=_closing_edges(ruled.edges))
    return [t for t in ruled.find_tables(settings) if any(len(r) > 1 for r in table_rows(t))]


def table_rows(table: Table) -> tuple[tuple[str, ...], ...]:
    """The printed cells of each row; grid positions covered by a merged cell are left out."""
    return _printed(table_grid(table))


def _printed(grid: tuple[tuple[str | None, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """A grid's rows without the positions a merged cell covers (rows left with nothing dropped)."""
    rows = (tuple(c for c in row if c is not None) for row in grid)
    return tuple(row for row in rows if row)


def table_grid(table: Table) -> tuple[tuple[str | None, ...], ...]:
    """The table's grid: every position of every row, None where a merged cell covers it."""
    return tuple(tuple(None if c is None else _cell_text(c) for c in row) for row in table.extract())


def _latin(char: str) -> bool:
    """True for an ASCII letter or digit."""
    return char.isascii() and char.isalnum()


def _cell_text(text: str) -> str:
    """Join the lines of a wrapped cell: no separator, except a space between two Latin words."""
    lines = [ln.strip() for ln in text.split("\n")]
    out = ""
    for line in lines:
        if out and line and _latin(out[-1]) and _latin(line[0]):
            out += " "
        out += line
    return out.strip()


def _is_ruling(obj: dict[str, Any]) -> bool:
    """Keep every object except rectangles/curves that are only backgrounds, not drawn borders."""
    if obj.get("object_type") not in ("rect", "curve"):
        return True
    if obj.get("stroke") and not _is_white(obj.get("stroking_color")):
        return True
    thin = min(float(obj.get("width", 0)), float(obj.get("height", 0))) <= _THIN
    return bool(obj.get("fill")) and thin and not _is_white(obj.get("non_stroking_color"))


def _is_white(color: object) -> bool:
    """True for a white (or near-white) gray, RGB or CMYK colour; patterns count as not white."""
    if isinstance(color, int | float):
        color = (color,)
    if not isinstance(color, Sequence) or isinstance(color, str) or not color:
        return False
    try:
        values = [float(v) for v in color]
    except (TypeError, ValueError):
        return False
    if len(values) == 4:
        return max(values) <= 0.05
    return min(values) >= 0.95


def _closing_edges(edges: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal borders for table ends left open at a page break."""
    edges = list(edges)
    verticals = [e for e in edges if e["orientation"] == "v" and e["bottom"] - e["top"] >= _MIN_RULE]
    horizontals = [e for e in edges if e["orientation"] == "h"]
    added = []
    for key in ("top", "bottom"):
        for group in _aligned(verticals, key):
            y = sum(e[key] for e in group) / len(group)
            x0 = min(e["x0"] for e in group)
            x1 = max(e["x1"] for e in group)
            if not any(
                abs(h["top"] - y) <= _CLOSED and h["x0"] <= x0 + _CLOSED and h["x1"] >= x1 - _CLOSED
                for h in horizontals
            ):
                added.append(_h_edge(x0, x1, y))
    return added


def _aligned(verticals: list[dict[str, Any]], key: str) -> list[list[dict[str, Any]]]:
    """Groups of three or more vertical rulings whose `key` end lies at the same height."""
    groups: list[list[dict[str, Any]]] = []
    for edge in sorted(verticals, key=lambda e: e[key]):
        if groups and edge[key] - groups[-1][-1][key] <= _ALIGN:
            groups[-1].append(edge)
        else:
            groups.append([edge])
    return [g for g in groups if len(g) >= 3]


def _h_edge(x0: float, x1: float, y: float) -> dict[str, Any]:
    """A synthetic horizontal edge in pdfplumber's edge format."""
    return {
        "object_type": "explicit_edge",
        "orientation": "h",
        "x0": x0,
        "x1": x1,
        "top": y,
        "bottom": y,
        "width": x1 - x0,
        "height": 0,
    }


def _band_text(page: Page, bboxes: list[tuple[float, float, float, float]], band: int) -> str:
    """Text of the characters outside every table whose band (tables started above them) is `band`."""

    def keep(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        if any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in bboxes):
            return False
        return sum(1 for b in bboxes if b[1] <= y) == band

    chars = [_on_baseline(c) for c in page.filter(keep).chars]
    return panel_text(chars) or str(extract_text(chars))  # two tables side by side: the left one, then the right


def _on_baseline(char: dict[str, Any]) -> dict[str, Any]:
    """The character with its box set from its baseline, so that a line mixing fonts reads as one line.

    pdfminer places a glyph's box by its font's descent: in 「机关运行经费支出184.65万元」 typeset in FangSong and
    Times New Roman the digits' boxes sit 5 points lower than the Chinese on the same baseline, and a text
    extraction that groups lines by the top of the box puts every figure of a paragraph on a line of its own,
    away from its words. Horizontal text only; rotated or skewed glyphs keep their box.
    """
    matrix = char.get("matrix")
    if not matrix or matrix[1] or matrix[2] or matrix[0] <= 0 or matrix[3] <= 0 or not char.get("upright", True):
        return char
    baseline = char["bottom"] + char["y0"] - matrix[5]  # the baseline measured from the top of the page
    shift = baseline - char["bottom"]
    size = float(char.get("size") or (char["bottom"] - char["top"]))
    moved = dict(char)
    moved["top"], moved["bottom"] = baseline - size, baseline
    moved["doctop"] = char["doctop"] + (baseline - size - char["top"])
    moved["y0"], moved["y1"] = char["y0"] - shift, char["y0"] - shift + size
    return moved

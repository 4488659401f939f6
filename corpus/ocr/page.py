"""One page image read by OCR: deskewed, prose as lines, ruled tables rebuilt cell by cell.

A table cell's number is read from the cell's own pixels (recognition only, on the inked box inside
the cell's borders), never from a page-level text line that may run two cells together. A number
is taken only when it is certain: the crop reads as a clean number with high confidence, the
page-level reading (where there is one) says the same, and the count of glyphs in the cell's ink
matches the count of characters read. Otherwise the cell is `?` and a doubt names it.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import cv2
import numpy as np

from corpus.ocr import evidence, orient
from corpus.ocr.grid import Grid, GridCell, find_grids, line_masks

CONFIDENCE = 0.90  # a cell's crop must read at least this sure
MIN_TEXT_PX = 16  # text lower than this (about 110 dpi for these reports) is below the resolution floor
UNREAD = "?"
_NUMBERISH = re.compile(r"^[\dOoIl|一丨.,\-—\s]{0,12}$")  # digits and what the detector reads them as
_CLEAN_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LOOKALIKE = str.maketrans("oO一丨", "0011")


@dataclass(frozen=True)
class Box:
    """A text line the detector found, with its recognised text and confidence."""

    text: str
    conf: float
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        """Horizontal centre."""
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        """Vertical centre."""
        return (self.y0 + self.y1) / 2


@dataclass
class PageRead:
    """What OCR read on one page: items in vertical order (text or table rows) and warnings."""

    items: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    angle: float = 0.0
    text_px: float = 0.0
    turned: int = 0  # degrees counter-clockwise the page was turned to be upright

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (the OCR cache stores it)."""
        return asdict(self)


THREADS = 0  # onnxruntime threads per engine (0: its default); worker processes set 1


@functools.cache
def engine() -> Any:
    """The rapidocr engine (models ship in the wheel; nothing is downloaded)."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise RuntimeError("OCR needs rapidocr-onnxruntime: pip install rapidocr-onnxruntime") from exc
    kwargs = {"intra_op_num_threads": THREADS, "inter_op_num_threads": THREADS} if THREADS > 0 else {}
    return RapidOCR(**kwargs)


def skew_angle(gray: np.ndarray) -> float:
    """The page's skew in degrees, from its long near-horizontal rulings or text lines (0 if none)."""
    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    width = gray.shape[1]
    lines = cv2.HoughLinesP(binary, 1, math.pi / 1800, threshold=200, minLineLength=width // 4, maxLineGap=4)
    if lines is None:
        return 0.0
    angles, weights = [], []
    for x0, y0, x1, y1 in np.asarray(lines).reshape(-1, 4):
        angle = math.degrees(math.atan2(float(y1 - y0), float(x1 - x0)))
        if abs(angle) < 10:
            angles.append(angle)
            weights.append(math.hypot(float(x1 - x0), float(y1 - y0)))
    if not angles:
        return 0.0
    order = np.argsort(angles)
    cum = np.cumsum(np.asarray(weights)[order])
    return float(np.asarray(angles)[order][np.searchsorted(cum, cum[-1] / 2)])


def deskew(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """The page turned straight, and the angle it was turned by."""
    angle = skew_angle(gray)
    if abs(angle) < 0.15:
        return gray, 0.0
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_CUBIC, borderValue=255), angle


def detect(gray: np.ndarray) -> list[Box]:
    """Every text line on the page with its reading (detection, orientation and recognition)."""
    result, _ = engine()(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR))
    boxes = []
    for quad, text, conf in result or []:
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        boxes.append(Box(str(text), float(conf), min(xs), min(ys), max(xs), max(ys)))
    return boxes


def recognise(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Recognition only, one line per crop (a cell's own pixels)."""
    return [(r.text, r.conf) for r in recognise_chars(crops)]


def recognise_chars(crops: list[np.ndarray]) -> list[evidence.Reading]:
    """Recognition only, one line per crop, with each character's score and position."""
    if not crops:
        return []
    result, _ = engine().text_rec([cv2.cvtColor(c, cv2.COLOR_GRAY2BGR) for c in crops], True)
    return evidence.readings(result)


def has_grid(image: np.ndarray, dpi: float | None = None) -> bool:
    """True when the image shows a ruled table (cheap: line masks only, no OCR)."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if min(gray.shape) < 32:
        return False
    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    return bool(find_grids(binary, max(int((dpi or 150) * 0.15), 10)))


def read_page(image: np.ndarray, dpi: float | None = None) -> PageRead:
    """OCR one page image (grey or colour): straighten it, read its prose and rebuild its ruled tables."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    gray, angle = deskew(gray)
    boxes = detect(gray)
    turns, _ = orient.quarter_turns(gray, [(b.x0, b.y0, b.x1, b.y1) for b in boxes], recognise)
    page = PageRead(angle=round(angle, 2), turned=turns * 90)
    if turns:
        gray = np.ascontiguousarray(np.rot90(gray, turns))
        boxes = detect(gray)
        page.warnings.append(f"the page lay {'upside down' if turns == 2 else 'on its side'}: read turned by {turns * 90}°")
    heights = sorted(b.y1 - b.y0 for b in boxes if len(b.text) >= 2)
    unit = int(heights[len(heights) // 2]) if heights else max(int((dpi or 150) * 0.18), 12)
    page.text_px = float(unit)
    low = unit < MIN_TEXT_PX or (dpi is not None and dpi < 110)
    if low:
        page.warnings.append(
            f"text is {unit} px high{f' ({dpi:.0f} dpi)' if dpi else ''}, below the OCR floor of {MIN_TEXT_PX} px "
            "(about 110 dpi): its table figures are not read; rescan at 150 dpi or more"
        )
    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    grids = find_grids(binary, unit)
    used: set[int] = set()
    for grid in grids:
        inside = [i for i, b in enumerate(boxes) if grid.x0 <= b.cx <= grid.x1 and grid.y0 <= b.cy <= grid.y1]
        used.update(inside)
        rows, doubts, risks = _table_rows(gray, binary, grid, [boxes[i] for i in inside], unit, low)
        if rows:
            page.items.append({"kind": "table", "y": grid.y0, "rows": rows, "doubts": doubts, "risks": risks})
    for y, text in _text_lines([b for i, b in enumerate(boxes) if i not in used], unit):
        page.items.append({"kind": "text", "y": y, "text": text})
    page.items.sort(key=lambda item: item["y"])
    return page


def _text_lines(boxes: list[Box], unit: int) -> list[tuple[float, str]]:
    """Boxes grouped into printed lines (by vertical overlap), each read left to right."""
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b.cy):
        if lines and abs(box.cy - lines[-1][0].cy) < unit * 0.5:
            lines[-1].append(box)
        else:
            lines.append([box])
    out = []
    for line in lines:
        out.append((min(b.y0 for b in line), _join([b.text for b in sorted(line, key=lambda b: b.x0)])))
    return out


def _join(parts: list[str]) -> str:
    """Join pieces of one line: no space, except between two Latin letters or digits."""
    out = ""
    for part in (p.strip() for p in parts):
        if out and part and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            out += " "
        out += part
    return out


def _table_rows(
    gray: np.ndarray, binary: np.ndarray, grid: Grid, boxes: list[Box], unit: int, low: bool
) -> tuple[list[list[str]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Each grid row's printed cells (top-left of merged cells), the cells that could not be read, those at risk."""
    horizontal, vertical = line_masks(binary, unit)
    ink = cv2.subtract(binary, cv2.bitwise_or(horizontal, vertical))
    texts: dict[GridCell, str] = {}
    pending: list[tuple[GridCell, str, np.ndarray, list[tuple[int, int, int, int]], int]] = []
    for cell in grid.cells:
        # A detected line as wide as two cells ran them together: it says nothing about this one.
        own = sorted(
            (
                b
                for b in boxes
                if cell.x0 <= b.cx <= cell.x1 and cell.y0 <= b.cy <= cell.y1 and b.x1 - b.x0 <= (cell.x1 - cell.x0) * 1.2
            ),
            key=lambda b: (b.y0, b.x0),
        )
        page_text = "".join(b.text.strip() for b in own)
        crop_box = _ink_box(ink, cell, unit)
        if crop_box is None:
            texts[cell] = page_text if _CJK.search(page_text) else ""
            continue
        if not _NUMBERISH.match(page_text):
            texts[cell] = page_text
            continue
        x0, y0, x1, y1 = crop_box
        glyphs = evidence.glyph_boxes(ink[y0:y1, x0:x1], unit)
        pad = min(4, x0, y0)
        crop = gray[y0 - pad : y1 + pad, x0 - pad : x1 + pad]
        pending.append((cell, page_text, crop, glyphs, pad))
    doubts_at: dict[GridCell, dict[str, Any]] = {}
    taken: list[tuple[GridCell, evidence.Reading, list[tuple[int, int, int, int]], int, int]] = []
    for (cell, page_text, crop, glyphs, pad), reading in zip(pending, recognise_chars([p[2] for p in pending]), strict=True):
        read, conf = reading.text.strip(), reading.conf
        if _CJK.search(read) and len(read) >= 2:  # a label the detector missed (a header split over lines)
            texts[cell] = page_text or read
            continue
        reason = _doubt(read, conf, page_text, len(glyphs), low)
        if reason is None:
            texts[cell] = read
            taken.append((cell, reading, glyphs, pad, crop.shape[1]))
        else:
            texts[cell] = UNREAD
            doubts_at[cell] = {"read": read, "confidence": round(conf, 3), "page_read": page_text, "reason": reason}
    digits = evidence.Digits.of([(r, g) for _, r, g, _, _ in taken])
    risks_at = {
        cell: {"read": reading.text, "confidence": round(reading.conf, 3), "reason": why}
        for cell, reading, glyphs, pad, width in taken
        if (why := evidence.risk(reading, glyphs, pad, width, digits)) is not None
    }
    return _rows(grid, texts, doubts_at, risks_at)


def _rows(
    grid: Grid, texts: dict[GridCell, str], doubts_at: dict[GridCell, dict[str, Any]], risks_at: dict[GridCell, dict[str, Any]]
) -> tuple[list[list[str]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The grid's non-empty rows, and the unread and the at-risk cells by (row, cell) in those rows."""
    rows: list[list[str]] = []
    doubts: list[dict[str, Any]] = []
    risks: list[dict[str, Any]] = []
    for r in range(grid.n_rows):
        cells = [c for c in grid.cells if c.row == r]
        row = [texts.get(c, "") for c in cells]
        if not any(row):
            continue
        label = next((t for t in row if _CJK.search(t)), "")
        for k, c in enumerate(cells):
            if c in doubts_at:
                doubts.append({"row": len(rows), "cell": k, "label": label, **doubts_at[c]})
            if c in risks_at:
                risks.append({"row": len(rows), "cell": k, "label": label, **risks_at[c]})
        rows.append(row)
    return rows, doubts, risks


def _doubt(read: str, conf: float, page_text: str, glyphs: int, low: bool) -> str | None:
    """Why a cell's reading is not certain, or None when it is.

    Two readings must not disagree: the cell's own crop and the page-level line (where the
    detector found one; `o`/`O` there is the same glyph as `0`, `一` as `1`). The glyphs in the cell's ink
    may be fewer than the characters read only when both readings agree (small digits touch);
    more glyphs than characters means something printed was not read (a row of six zeros read
    as five).
    """
    if low:
        return "page below the resolution floor"
    if not _CLEAN_NUMBER.match(read):
        return f"read 「{read}」, not a number"
    if conf < CONFIDENCE:
        return f"recognition confidence {conf:.2f} below {CONFIDENCE:.2f}"
    page = page_text.replace(" ", "").translate(_LOOKALIKE)
    if page and page != read:
        return f"the cell reads 「{read}」 but the page line reads 「{page_text}」"
    if glyphs > len(read):
        return f"{glyphs} glyphs in the cell's ink but {len(read)} characters read"
    if glyphs < len(read) and not page:
        return f"{glyphs} glyphs in the cell's ink for {len(read)} characters, and no second reading"
    return None


def _ink_box(ink: np.ndarray, cell: GridCell, unit: int) -> tuple[int, int, int, int] | None:
    """The box around the ink inside a cell's borders (specks ignored), or None for a blank cell."""
    inset = 4
    x0, y0, x1, y1 = cell.x0 + inset, cell.y0 + inset, cell.x1 - inset, cell.y1 - inset
    if x1 <= x0 or y1 <= y0:
        return None
    region = ink[y0:y1, x0:x1]
    n, _, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    keep = [s for s in stats[1:] if s[4] >= max(4, unit * unit // 150) or max(s[2], s[3]) >= unit // 5]
    if not keep:
        return None
    left = min(int(s[0]) for s in keep)
    top = min(int(s[1]) for s in keep)
    right = max(int(s[0] + s[2]) for s in keep)
    bottom = max(int(s[1] + s[3]) for s in keep)
    return x0 + left, y0 + top, x0 + right, y0 + bottom

"""How sure a cell's number is beyond its mean confidence: each character's score and the glyphs in its ink.

A cell taken by OCR (clean, confident, confirmed) can still be a near miss: a digit partly lost
(a smudge, a fold, a stamp over it) reads as another digit with a fair score. Such a cell is kept,
but marked *at risk* with the reason; when the table's arithmetic then fails, the risk decides
whether OCR or the printer made the error (`corpus.ocr.certainty`).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

import cv2
import numpy as np

SURE = 0.97  # a character read below this is at risk, unless the page's other copies of it read as low
_BELOW_USUAL = 0.04  # ... in which case, one this far below their median
_SHORT, _TALL = 0.8, 1.25  # a glyph shorter or taller than this share of the page's digits is damaged or smeared
_WIDE = 1.45  # a glyph wider than this share of the page's widest clean digits holds more than one digit


@dataclass(frozen=True)
class Reading:
    """A crop's reading: its text, mean confidence, and each character's score and centre (share of the crop's width)."""

    text: str
    conf: float
    chars: tuple[float, ...] = ()
    centres: tuple[float, ...] = ()


def readings(result: list[tuple[object, ...]]) -> list[Reading]:
    """The output of rapidocr's `text_rec(..., return_word_box=True)` output as `Reading`s.

    Each item is (text, conf, [steps, words, word columns, states, char scores]); a character's
    column is its CTC step, and `steps` is scaled to the crop's own width.
    """
    out = []
    for item in result:
        text, conf = str(item[0]), float(item[1])  # type: ignore[arg-type]
        info = item[2] if len(item) > 2 else None
        if not text or not isinstance(info, list) or len(info) < 5:
            out.append(Reading(text, conf))
            continue
        steps = float(info[0]) or 1.0
        columns = [c for word in info[2] for c in word]
        scores = tuple(float(s) for s in info[4])
        centres = tuple(min((c + 0.5) / steps, 1.0) for c in columns)
        out.append(Reading(text, conf, scores if len(scores) == len(text) else (), centres if len(centres) == len(text) else ()))
    return out


def glyph_boxes(region: np.ndarray, unit: int) -> list[tuple[int, int, int, int]]:
    """The glyphs of a one-line cell, left to right: runs of inked columns (specks ignored), each with its ink's height."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    clean = np.zeros_like(region)
    for i in range(1, n):
        if stats[i][4] >= max(3, unit * unit // 300):
            clean[labels == i] = 1
    columns = clean.any(axis=0)
    edges = np.diff(np.concatenate([[0], columns.astype(np.int8), [0]]))
    boxes = []
    for x0, x1 in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        rows = np.flatnonzero(clean[:, x0:x1].any(axis=1))
        boxes.append((int(x0), int(rows[0]), int(x1), int(rows[-1]) + 1))
    return boxes


@dataclass(frozen=True)
class Digits:
    """The page's clean digits: their typical height, the width of the widest ones (a 0, not a 1), each one's usual score."""

    height: float
    width: float
    scores: dict[str, float]

    @classmethod
    def of(cls, taken: list[tuple[Reading, list[tuple[int, int, int, int]]]]) -> Digits | None:
        """From the readings and glyphs of every cell taken on the page (None when too few to compare with)."""
        heights = [y1 - y0 for _, glyphs in taken for _, y0, _, y1 in glyphs]
        widths = sorted(x1 - x0 for _, glyphs in taken for x0, _, x1, _ in glyphs)
        if len(heights) < 8:
            return None
        by_char: dict[str, list[float]] = {}
        for reading, _ in taken:
            for ch, score in zip(reading.text, reading.chars, strict=False):
                by_char.setdefault(ch, []).append(score)
        scores = {ch: float(median(v)) for ch, v in by_char.items() if len(v) >= 5}
        return cls(float(median(heights)), float(widths[int(len(widths) * 0.9)]), scores)


def risk(reading: Reading, glyphs: list[tuple[int, int, int, int]], pad: int, crop_width: int, digits: Digits | None) -> str | None:
    """Why a taken cell might still be misread, or None.

    A character read less surely than the same digit elsewhere on the page, a glyph unlike its
    neighbours, or a character where the cell has no ink.
    """
    usual = digits.scores if digits else {}
    for ch, score in zip(reading.text, reading.chars, strict=False):
        floor = min(SURE, usual[ch] - _BELOW_USUAL) if ch in usual else SURE
        if score < floor:
            return f"its 「{ch}」 was read at {score:.2f}" + (f", where the page's other 「{ch}」 read at {usual[ch]:.2f}" if ch in usual else "")
    if digits is not None:
        for k, (x0, y0, x1, y1) in enumerate(glyphs):
            if not _SHORT * digits.height <= y1 - y0 <= _TALL * digits.height:
                return f"glyph {k + 1} is {y1 - y0} px high where the page's digits are {digits.height:.0f}"
            if x1 - x0 > _WIDE * digits.width:
                return f"glyph {k + 1} is {x1 - x0} px wide where the page's digits are at most {digits.width:.0f}"
    for ch, centre in zip(reading.text, reading.centres, strict=False):
        x = centre * crop_width - pad
        if glyphs and not any(x0 - pad <= x <= x1 + pad for x0, _, x1, _ in glyphs):
            return f"its 「{ch}」 lies where the cell has no ink"
    return None

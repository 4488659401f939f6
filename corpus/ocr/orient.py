"""Which way up a page is: a scan fed sideways or upside down, a portrait photo of a landscape table.

rapidocr's angle classifier works per text line (0° or 180°) and its detector finds lines at any
angle, so the decision is made for the page: the text lines the detector found are tall when the
page lies on its side, wide when it is upright or upside down; of the two turns left, the one under
which the recogniser reads the page's longest lines most confidently wins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

SAMPLE = 12  # the longest lines of the page that are read under each turn
MARGIN = 0.05  # an upright page is turned over only when upside down reads clearly better
_ELONGATED = 2.0  # a line box this many times longer than high says which way the text runs

Recogniser = Callable[[list[np.ndarray]], list[tuple[str, float]]]
Quad = tuple[float, float, float, float]  # x0, y0, x1, y1 of a detected line, in pixels


def sideways(boxes: Sequence[Quad]) -> bool:
    """True when most of the page's long text lines run vertically (weighted by their length)."""
    tall = wide = 0.0
    for x0, y0, x1, y1 in boxes:
        w, h = x1 - x0, y1 - y0
        if w >= h * _ELONGATED:
            wide += w
        elif h >= w * _ELONGATED:
            tall += h
    return tall > wide


def quarter_turns(gray: np.ndarray, boxes: Sequence[Quad], recognise: Recogniser) -> tuple[int, dict[int, float]]:
    """Counter-clockwise quarter turns (`np.rot90`'s k) that make the page upright, and each turn's score.

    The score of a turn is the recogniser's mean confidence on the page's longest lines turned by it.
    """
    candidates = (1, 3) if sideways(boxes) else (0, 2)
    longest = sorted(boxes, key=lambda b: -max(b[2] - b[0], b[3] - b[1]))[:SAMPLE]
    crops = [gray[int(y0) : int(y1) + 1, int(x0) : int(x1) + 1] for x0, y0, x1, y1 in longest]
    crops = [c for c in crops if min(c.shape) >= 8]
    if not crops:
        return 0, {}
    scores = {}
    for k in candidates:
        reads = recognise([np.ascontiguousarray(np.rot90(c, k)) for c in crops])
        scores[k] = float(np.mean([conf for _, conf in reads]))
    if candidates == (0, 2):
        return (2 if scores[2] > scores[0] + MARGIN else 0), scores
    return max(scores, key=lambda k: scores[k]), scores

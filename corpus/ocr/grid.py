"""Ruled tables found in a page image: line segments by morphology, cells by the borders actually drawn.

The elementary grid is every distinct x of a vertical ruling and y of a horizontal one; two
neighbouring grid cells are one (merged) cell when the border between them is not drawn. A table
cut by a page break has no border where it is cut: the ends of the vertical rulings close it.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

_COVER = 0.6  # share of a border's length that must be inked for the border to exist


@dataclass(frozen=True)
class GridCell:
    """A printed cell: its box in pixels and the grid rows and columns it spans."""

    x0: int
    y0: int
    x1: int
    y1: int
    row: int
    col: int
    rows: int = 1
    cols: int = 1


@dataclass(frozen=True)
class Grid:
    """One ruled table: its bounding box and its cells in reading order (top-left first)."""

    x0: int
    y0: int
    x1: int
    y1: int
    cells: tuple[GridCell, ...]
    n_rows: int


def line_masks(binary: np.ndarray, unit: int) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling masks of an inverted binary image; `unit` ~ one text line high."""
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (unit * 3, 1)))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, unit * 2)))
    # Rulings are one to three pixels thick and may be broken by scanning: close small gaps along them.
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 3)))
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 5)))
    return horizontal, vertical


def _positions(profile: np.ndarray, min_len: int) -> list[int]:
    """Centres of the runs of rows (or columns) whose ruling length reaches `min_len`."""
    hits = np.flatnonzero(profile >= min_len)
    if hits.size == 0:
        return []
    groups = np.split(hits, np.flatnonzero(np.diff(hits) > 2) + 1)
    return [int(g.mean()) for g in groups]


def find_grids(binary: np.ndarray, unit: int) -> list[Grid]:
    """Every ruled table of the page with at least two rows and two columns."""
    horizontal, vertical = line_masks(binary, unit)
    both = cv2.bitwise_or(horizontal, vertical)
    n, _, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    grids = []
    for i in range(1, n):
        x, y, w, h, _ = (int(v) for v in stats[i])
        if w < unit * 6 or h < unit * 2:
            continue
        grid = _grid(horizontal[y : y + h, x : x + w], vertical[y : y + h, x : x + w], x, y, unit)
        if grid is not None:
            grids.append(grid)
    return sorted(grids, key=lambda g: g.y0)


def _grid(horizontal: np.ndarray, vertical: np.ndarray, ox: int, oy: int, unit: int) -> Grid | None:
    h, w = horizontal.shape
    ys = _positions((horizontal > 0).sum(axis=1), unit * 3)
    xs = _positions((vertical > 0).sum(axis=0), unit)
    # Close a table cut by a page break at the ends of its vertical rulings.
    rows_with_vertical = np.flatnonzero((vertical > 0).sum(axis=1) >= 3)
    if rows_with_vertical.size:
        for end in (int(rows_with_vertical[0]), int(rows_with_vertical[-1])):
            if all(abs(end - y) > unit // 2 for y in ys):
                ys.append(end)
    ys.sort()
    if len(ys) < 2 or len(xs) < 3:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def drawn(mask: np.ndarray, fixed: int, lo: int, hi: int, along_x: bool) -> bool:
        lo, hi = lo + 2, hi - 2
        if hi <= lo:
            return True
        band = mask[max(fixed - 3, 0) : fixed + 4, lo:hi] if along_x else mask[lo:hi, max(fixed - 3, 0) : fixed + 4]
        inked = (band > 0).any(axis=0 if along_x else 1)
        return bool(inked.mean() >= _COVER)

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not drawn(vertical, xs[c + 1], ys[r], ys[r + 1], along_x=False):
                parent[find(r * n_cols + c + 1)] = find(r * n_cols + c)
            if r + 1 < n_rows and not drawn(horizontal, ys[r + 1], xs[c], xs[c + 1], along_x=True):
                parent[find((r + 1) * n_cols + c)] = find(r * n_cols + c)
    spans: dict[int, list[int]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            span = spans.setdefault(find(r * n_cols + c), [r, c, r, c])
            span[0], span[1] = min(span[0], r), min(span[1], c)
            span[2], span[3] = max(span[2], r), max(span[3], c)
    cells = sorted(
        (
            GridCell(ox + xs[c0], oy + ys[r0], ox + xs[c1 + 1], oy + ys[r1 + 1], r0, c0, r1 - r0 + 1, c1 - c0 + 1)
            for r0, c0, r1, c1 in spans.values()
        ),
        key=lambda cell: (cell.row, cell.col),
    )
    return Grid(ox + xs[0], oy + ys[0], ox + xs[-1], oy + ys[-1], tuple(cells), n_rows)

"""Two tables printed side by side on one page, read one after the other.

A securities research report ends with its 财务预测表: 资产负债表 on the left half of the page and 利润表 on the right,
each line of text holding a row of both (「流动资产 240803.51 … 营业收入 424060.64 …」). Read line by line, every row
of the right table would end a row of the left one. Where such a page has an empty vertical gutter between two
panels that each hold rows of a label and figures, the characters of the gutter's left are read first, then its right.
"""

from __future__ import annotations

import re
from typing import Any

from pdfplumber.utils import extract_text

_FIGURE = re.compile(r"^-?\d[\d,]*(?:\.\d+)?%?$")
_MIN_ROWS = 5  # lines whose both halves are a label and figures: fewer, and the page is no pair of tables
_LINE = 3.0  # characters whose tops differ by less than this share a line
_OVERLAP = 0.5  # ... or, in a half page, whose heights overlap by this much


def panel_text(chars: list[dict[str, Any]]) -> str | None:
    """The text of two side-by-side tables, the left one's lines first; None where the characters are no such pair."""
    if len(chars) < 200:
        return None
    lines = _lines(chars)
    gutter = _gutter(chars, lines)
    if gutter is None:
        return None
    both = [i for i, line in enumerate(lines) if _row(line, gutter, left=True) and _row(line, gutter, left=False)]
    if len(both) < _MIN_ROWS:
        return None
    first = both[0]
    while first > 0 and _beside(lines[first - 1], gutter):  # the two captions and headers above the first rows
        first -= 1
    top, bottom = lines[first][0]["top"] - 1, lines[both[-1]][-1]["bottom"] + 1
    above = [c for c in chars if c["bottom"] < top]
    inside = [c for c in chars if top <= c["bottom"] and c["top"] <= bottom]
    below = [c for c in chars if c["top"] > bottom]
    # the rest of the page under the pair, too, keeps its halves apart (a 现金流量表 below 主要财务比率)
    halves = [[c for c in inside + below if _centre(c) < gutter], [c for c in inside + below if _centre(c) >= gutter]]
    parts = [str(extract_text(above))] if above else []
    parts += [_text(half) for half in halves if half]
    return "\n".join(p for p in parts if p)


def _text(chars: list[dict[str, Any]]) -> str:
    """A half page's text, a line being the characters whose heights overlap.

    The ratios' labels sit lower than their figures (「毛利率(%)」 5 points under 「17.04 20.21 …」, both 6.5 high):
    grouped by the top of the glyphs they would be two lines, the label under the figures of the row below it.
    """
    lines: list[list[dict[str, Any]]] = []
    bottom = 0.0
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and char["top"] < bottom - _OVERLAP:
            lines[-1].append(char)
            bottom = max(bottom, char["bottom"])
        else:
            lines.append([char])
            bottom = char["bottom"]
    return "\n".join(" ".join(_words(sorted(line, key=lambda c: c["x0"]))) for line in lines)


def _centre(char: dict[str, Any]) -> float:
    return float(char["x0"] + char["x1"]) / 2


def _lines(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The characters in lines, top to bottom, each line left to right."""
    lines: list[list[dict[str, Any]]] = []
    for char in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(lines[-1][0]["top"] - char["top"]) < _LINE:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def _gutter(chars: list[dict[str, Any]], lines: list[list[dict[str, Any]]]) -> float | None:
    """An x in the middle of the text that the fewest lines cross (at most one in twenty); None if none."""
    left, right = min(c["x0"] for c in chars), max(c["x1"] for c in chars)
    best: tuple[int, float] | None = None
    x = left + 0.35 * (right - left)
    while x < left + 0.65 * (right - left):
        crossing = sum(1 for line in lines if any(c["x0"] < x < c["x1"] for c in line))
        if best is None or crossing < best[0]:
            best = (crossing, x)
        x += 2.0
    if best is None or best[0] > len(lines) / 20:
        return None
    return best[1]


def _beside(line: list[dict[str, Any]], gutter: float) -> bool:
    """Whether a line has words on both sides of the gutter and none across it (「资产负债表 单位:百万元 利润表 …」)."""
    sides = {_centre(c) < gutter for c in line if c["text"].strip()}
    return len(sides) == 2 and not any(c["x0"] < gutter < c["x1"] for c in line)


def _row(line: list[dict[str, Any]], gutter: float, *, left: bool) -> bool:
    """Whether one half of a line reads as a table's row: a label, then two figures or more."""
    half = [c for c in line if (_centre(c) < gutter) == left]
    words = _words(half)
    figures = [w for w in words if _FIGURE.match(w)]
    return len(figures) >= 2 and bool(words) and bool(re.search(r"[\u4e00-\u9fffA-Za-z]", words[0]))


def _words(half: list[dict[str, Any]]) -> list[str]:
    """The half line's words, split where the characters are a space apart."""
    words: list[str] = []
    last: dict[str, Any] | None = None
    for char in half:
        if not char["text"].strip():
            last = None  # a space printed as a character ends the word
            continue
        if last is not None and char["x0"] - last["x1"] < 1.5 and words:
            words[-1] += char["text"]
        else:
            words.append(char["text"])
        last = char
    return [w for w in (w.strip() for w in words) if w]


__all__ = ["panel_text"]

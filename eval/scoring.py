"""The scoring rules (written down in eval/gold/README.md): one check per expectation, then the outcome."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from eval.gold import GoldItem

_NUMBER = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万|亿)?")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%|百分之\s*(\d+(?:\.\d+)?)")
_SCALES = {"万元": 1e4, "亿元": 1e8, "百万元": 1e6, "千元": 1e3}
PCT_TOLERANCE = 0.1  # a `pct` item is right within ±0.1 percentage point
OUTCOMES = ("right", "wrong", "abstained")


def squash(text: str) -> str:
    """NFKC, no whitespace and no table pipes: how evidence and answers are compared."""
    return re.sub(r"[\s|]+", "", unicodedata.normalize("NFKC", text))


def numbers_in(text: str) -> list[float]:
    """Every number in a text, 万 and 亿 multiplied out (20.4万 -> 204000)."""
    out = []
    for m in _NUMBER.finditer(text):
        value = float(m.group(1).replace(",", ""))
        out.append(value * {"万": 1e4, "亿": 1e8}.get(m.group(2) or "", 1))
        out.append(value)
    return out


def _same(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6 * max(1.0, abs(b))


def _near(a: float, b: float, tol: float) -> bool:
    """Within an absolute tolerance, the edge included (0.1 is within 0.1 despite float error)."""
    return abs(a - b) <= tol + 1e-9 * max(1.0, abs(b))


def percents_in(text: str) -> list[float]:
    """Every percent figure in a text: `N%` (full-width too) and `百分之N`."""
    text = unicodedata.normalize("NFKC", text)
    return [float(m.group(1) or m.group(2)) for m in _PERCENT.finditer(text)]


def stated(answer: dict[str, Any]) -> str:
    """The answer's own words: its text without the sentences and rows it quotes as citations.

    「2993.92万元（…支出决算为2940.05万元,完成年初预算的98.20%。）」 states 2993.92万元; the 98.20% in the quote is
    the report's, not the answer's, and must not make a wrong figure pass.
    """
    text = unicodedata.normalize("NFKC", answer.get("answer") or "")
    for citation in answer.get("citations") or []:
        quote = squash(unicodedata.normalize("NFKC", citation.get("quote") or ""))
        if len(quote) >= 6:  # a quote in brackets after the figure, whatever its spaces and pipes
            text = re.sub(r"\(\s*" + r"[\s|]*".join(map(re.escape, quote)) + r"\s*\)", " ", text)
    return text


def _value_ok(item: GoldItem, answer: dict[str, Any], text: str) -> bool:
    """The answer's figure is the expected one: its `value`, or a number it states in its own words."""
    expected = float(item.value or 0)  # set: the caller checked
    value = answer.get("value")
    if item.tol is not None:
        candidates = ([float(value)] if value is not None else []) + numbers_in(text)
        return any(_near(n, expected, item.tol) for n in candidates)
    if value is not None and _same(float(value), expected):
        return True
    scale = _SCALES.get(item.unit or "")
    if value is not None and scale and answer.get("unit") == "元":  # 171,915,169 元 for a printed 17,192 万元
        half = 0.5 * 10 ** -len(repr(expected).partition(".")[2].rstrip("0"))
        return abs(float(value) / scale - expected) < half
    given = _SCALES.get(answer.get("unit") or "")
    if value is not None and given and item.unit == "元":  # 2170.39 万元 for a table's 21,703,947.00 元: the same
        half = 0.5 * 10 ** -len(repr(float(value)).partition(".")[2].rstrip("0"))  # amount as the prose rounds it
        return abs(expected / given - float(value)) < half and len(repr(float(value)).partition(".")[2].rstrip("0")) >= 2
    if value is not None and scale and given:  # 42,844 百万元 for a printed 428.44 亿元: the same amount in another scale
        half = 0.5 * 10 ** -len(repr(expected).partition(".")[2].rstrip("0"))
        if abs(float(value) * given / scale - expected) < half:
            return True
    return any(_same(n, expected) for n in numbers_in(text))


def _pct_ok(item: GoldItem, answer: dict[str, Any], text: str) -> bool:
    expected = float(item.pct or 0)  # set: the caller checked
    value = answer.get("value")
    candidates = ([float(value)] if value is not None and answer.get("unit") == "%" else []) + percents_in(text)
    fell_by = re.compile(r"(?:下降|减少|降低|回落)\s*(\d+(?:\.\d+)?)\s*%")  # 「下降 10.65%」 is a change of -10.65%
    candidates += [-float(m.group(1)) for m in fell_by.finditer(unicodedata.normalize("NFKC", text))]
    if value is not None and answer.get("unit") == "个百分点":  # a change of a rate: 「低 11.06 个百分点」 is -11.06
        fell = re.search(r"低|下降|减少|降低|回落", text.split("个百分点")[0])
        candidates += [float(value), -float(value) if fell else float(value)]
    return any(_near(n, expected, PCT_TOLERANCE) for n in candidates)


def _says(needle: str, text: str) -> bool:
    """The text holds the needle; a needle that is a number, in any printing (25741666.44 = 25,741,666.44)."""
    if squash(needle) in squash(text):
        return True
    plain = squash(needle).replace(",", "")
    if plain.startswith("-") and re.search(rf"(?:下降|减少|降低|回落|同比|较上年|较去年同期)[^\d]{{0,4}}{re.escape(plain[1:])}(?!\d)",
                                           unicodedata.normalize("NFKC", text)) and re.search(r"下降|减少|降低|回落", text):
        return True  # -4.49 said as 「较去年同期减少4.49%」
    if re.fullmatch(r"-?\d+(?:\.\d+)?", plain):
        half_digit = 0.5 * 10 ** -len(plain.partition(".")[2])  # as exact as the needle is printed
        if any(abs(n - float(plain)) < half_digit for n in numbers_in(text)):
            return True
        # the same amount as the report's prose rounds it: 130,828,817.71 元 said as 「1.31亿元」 (two digits at least)
        for m in _NUMBER.finditer(unicodedata.normalize("NFKC", text)):
            printed, scale = m.group(1).replace(",", ""), {"万": 1e4, "亿": 1e8}.get(m.group(2) or "", 0)
            digits = len(printed.replace(".", "").lstrip("0"))
            if scale and digits >= 2 and round(float(plain) / scale, len(printed.partition(".")[2])) == float(printed):
                return True
    return False


def in_order(needles: tuple[str, ...], text: str) -> bool:
    """Whether every needle occurs in the text, each after the end of the one before (squashed)."""
    haystack, at = squash(text), 0
    for needle in needles:
        found = haystack.find(squash(needle), at)
        if found < 0:
            return False
        at = found + len(squash(needle))
    return True


def is_correct(item: GoldItem, answer: dict[str, Any]) -> bool:
    """Whether an `ask --json` answer satisfies a gold item."""
    if item.abstain:
        return bool(answer.get("abstained"))
    if item.clarify:
        return bool(answer.get("clarify"))
    if answer.get("abstained"):
        return False
    text = stated(answer)
    if item.value is not None:
        return _value_ok(item, answer, text)
    if item.pct is not None:
        return _pct_ok(item, answer, text)
    if item.text is not None:
        return _says(item.text, text)
    if item.text_any:
        return any(_says(t, text) for t in item.text_any)
    if item.text_all:
        return all(_says(t, text) for t in item.text_all)
    if item.order:
        return in_order(item.order, text)
    return False


def outcome(item: GoldItem, answer: dict[str, Any]) -> str:
    """`right`, `abstained` (declined an answerable item) or `wrong` (answered, and not right)."""
    if is_correct(item, answer):
        return "right"
    return "abstained" if answer.get("abstained") and not item.abstain else "wrong"


def cites_figure(answer: dict[str, Any]) -> bool | None:
    """Citation precision of one answered item with a figure (does a cited quote hold the figure?)."""
    value = answer.get("value")
    if answer.get("abstained") or value is None:
        return None
    quotes = " ".join(c.get("quote", "") for c in answer.get("citations", []))
    if answer.get("route") == "table" and len(answer.get("citations", [])) > 1:
        # A computed comparison: each cited cell's printed row holds its own figure.
        return all(c.get("quote") for c in answer["citations"])
    return any(_same(n, float(value)) for n in numbers_in(quotes))


def evidence_in(item: GoldItem, texts: list[str]) -> bool:
    """Retrieval recall: the item's evidence (or, failing that, its expected text) is in one of the texts."""
    needle = squash(item.evidence or item.text or "")
    if not needle:
        return False
    return any(needle in squash(t) for t in texts)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank), rounded to 0.1; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1)


def rate(flags: list[bool]) -> float | None:
    """The share of true flags, rounded to 4 places; None for no flags."""
    return round(sum(flags) / len(flags), 4) if flags else None

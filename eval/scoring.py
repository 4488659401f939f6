"""The scoring rules (written down in the README): value, text, text_any and abstention items."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from eval.gold import GoldItem

_NUMBER = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万|亿)?")


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


def is_correct(item: GoldItem, answer: dict[str, Any]) -> bool:
    """Whether an `ask --json` answer satisfies a gold item."""
    if item.abstain:
        return bool(answer.get("abstained"))
    if answer.get("abstained"):
        return False
    text = answer.get("answer") or ""
    if item.value is not None:
        value = answer.get("value")
        if value is not None and _same(float(value), float(item.value)):
            return True
        return any(_same(n, float(item.value)) for n in numbers_in(text))
    if item.text is not None:
        return squash(item.text) in squash(text)
    if item.text_any:
        return any(squash(t) in squash(text) for t in item.text_any)
    return False


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

"""The gold set: JSONL items read from `eval/gold/*.jsonl` (or a given file)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus import ReportQAError

GOLD_DIR = Path(__file__).resolve().parent / "gold"
TYPES = ("table", "prose-number", "prose", "compare", "unanswerable")


@dataclass(frozen=True)
class GoldItem:
    """One gold question with what a correct answer must hold."""

    id: str
    question: str
    type: str
    value: float | None = None
    text: str | None = None
    text_any: tuple[str, ...] = ()
    abstain: bool = False
    unit: str | None = None
    evidence: str = ""
    reports: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def _item(data: dict[str, Any], where: str) -> GoldItem:
    try:
        return GoldItem(
            id=data["id"],
            question=data["question"],
            type=data["type"],
            value=data.get("value"),
            text=data.get("text"),
            text_any=tuple(data.get("text_any") or ()),
            abstain=bool(data.get("abstain", False)),
            unit=data.get("unit"),
            evidence=data.get("evidence", ""),
            reports=tuple(data.get("reports") or ()),
        )
    except KeyError as exc:
        raise ReportQAError(f"{where}: gold item lacks the field {exc}") from exc


def load_gold(path: str | Path | None = None) -> list[GoldItem]:
    """Gold items of one JSONL file, or of every file of the shipped gold set."""
    files = [Path(path)] if path else sorted(GOLD_DIR.glob("*.jsonl"))
    if not files or not all(f.exists() for f in files):
        raise ReportQAError(f"gold file not found: {path or GOLD_DIR}")
    items = []
    for file in files:
        for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ReportQAError(f"{file}:{n}: not JSON ({exc.msg})") from exc
                items.append(_item(data, f"{file}:{n}"))
    return items

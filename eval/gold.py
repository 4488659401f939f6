"""The gold set: JSONL items read from `eval/gold/*.jsonl` (or a given file or folder)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus import ReportQAError

GOLD_DIR = Path(__file__).resolve().parent / "gold"
TYPES = ("table", "prose-number", "prose", "compare", "unanswerable")
# What an answer is checked against; `tol` goes with `value` and is not one by itself.
EXPECTATIONS = ("value", "pct", "text", "text_any", "text_all", "order", "abstain", "clarify")
FIELDS = frozenset({*EXPECTATIONS, "id", "question", "type", "kind", "tol", "unit", "evidence", "reports", "history"})


@dataclass(frozen=True)
class GoldItem:
    """One gold question with what a correct answer must hold (exactly one expectation)."""

    id: str
    question: str
    type: str | None = None
    value: float | None = None
    text: str | None = None
    text_any: tuple[str, ...] = ()
    abstain: bool = False
    unit: str | None = None
    evidence: str = ""
    reports: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    kind: str = ""
    pct: float | None = None
    tol: float | None = None
    text_all: tuple[str, ...] = ()
    order: tuple[str, ...] = ()
    clarify: bool = False
    history: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.kind:
            object.__setattr__(self, "kind", self.type or _inferred_kind(self))

    @property
    def expects(self) -> str:
        """The name of the item's expectation (`value`, `pct`, `text`, … or `none`)."""
        for name in EXPECTATIONS:
            value = getattr(self, name)
            if value is not None and value is not False and value != ():
                return name
        return "none"


def _inferred_kind(item: GoldItem) -> str:
    """The kind of an item that names neither `kind` nor `type`."""
    if item.abstain:
        return "unanswerable"
    if item.clarify:
        return "clarify"
    return "table" if item.value is not None or item.pct is not None else "text"


def _number(data: dict[str, Any], key: str, where: str) -> float | None:
    value = data.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ReportQAError(f"{where}: `{key}` must be a number, not {value!r}")
    return value


def _strings(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not value or not all(isinstance(x, str) and x.strip() for x in value):
        raise ReportQAError(f"{where}: `{key}` must be a non-empty list of non-empty strings, not {value!r}")
    return tuple(value)


def _check_expectation(data: dict[str, Any], where: str) -> None:
    """Exactly one expectation; `tol` only with `value`; `abstain`/`clarify` only as `true`."""
    for flag in ("abstain", "clarify"):
        if flag in data and not isinstance(data[flag], bool):
            raise ReportQAError(f"{where}: `{flag}` must be true or false, not {data[flag]!r}")
    found = [k for k in EXPECTATIONS if data.get(k) is not None and data.get(k) is not False]
    if len(found) != 1:
        what = "no expectation" if not found else "several expectations (" + ", ".join(found) + ")"
        raise ReportQAError(f"{where}: gold item has {what}; give exactly one of " + ", ".join(EXPECTATIONS) + " (tol goes with value)")
    tol = _number(data, "tol", where)
    if tol is not None and (found != ["value"] or tol < 0):
        raise ReportQAError(f"{where}: `tol` must be a non-negative number next to `value`, not {tol!r} with {found[0]}")


def _item(data: Any, where: str) -> GoldItem:
    """One validated gold item; every error names the file and line."""
    if not isinstance(data, dict):
        raise ReportQAError(f"{where}: a gold item must be a JSON object, not {type(data).__name__}")
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise ReportQAError(f"{where}: unknown field(s) {', '.join(unknown)}; known fields: {', '.join(sorted(FIELDS))}")
    question = data.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ReportQAError(f"{where}: gold item lacks the field 'question'")
    _check_expectation(data, where)
    for key in ("id", "type", "kind", "text", "unit", "evidence"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise ReportQAError(f"{where}: `{key}` must be a string, not {data[key]!r}")
    return GoldItem(
        id=data.get("id") or where,
        question=question,
        type=data.get("type"),
        kind=data.get("kind") or "",
        value=_number(data, "value", where),
        pct=_number(data, "pct", where),
        tol=_number(data, "tol", where),
        text=data.get("text"),
        text_any=_strings(data, "text_any", where),
        text_all=_strings(data, "text_all", where),
        order=_strings(data, "order", where),
        abstain=bool(data.get("abstain", False)),
        clarify=bool(data.get("clarify", False)),
        unit=data.get("unit"),
        evidence=data.get("evidence") or "",
        reports=_strings(data, "reports", where),
        history=_strings(data, "history", where),
    )


def gold_files(path: str | Path | None) -> list[Path]:
    """The gold files a path names: a `.jsonl` file, or every one in a folder (name order); default the shipped set."""
    where = Path(path) if path else GOLD_DIR
    if where.is_dir():
        files = sorted(where.glob("*.jsonl"))
        if not files:
            raise ReportQAError(f"no gold files (*.jsonl) in {where}")
        return files
    if not where.exists():
        raise ReportQAError(f"gold file not found: {where} (give a .jsonl file or a folder of them)")
    return [where]


def load_gold(path: str | Path | None = None) -> list[GoldItem]:
    """Gold items of one JSONL file, of every `*.jsonl` of a folder, or of the shipped gold set."""
    items: list[GoldItem] = []
    seen: dict[str, str] = {}
    for file in gold_files(path):
        for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{file}:{n}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ReportQAError(f"{where}: not JSON ({exc.msg})") from exc
            item = _item(data, where)
            if item.id in seen:
                raise ReportQAError(f"{where}: id {item.id!r} is already used at {seen[item.id]}")
            seen[item.id] = where
            items.append(item)
    return items


def select_kinds(items: list[GoldItem], kinds: list[str] | None) -> list[GoldItem]:
    """The items of these kinds (all items when none are given); an unknown kind is an error."""
    if not kinds:
        return items
    present = {i.kind for i in items}
    missing = [k for k in kinds if k not in present]
    if missing:
        raise ReportQAError(f"no gold item has kind {', '.join(missing)}; kinds in this gold set: {', '.join(sorted(present))}")
    return [i for i in items if i.kind in kinds]

"""`Result`: what `execute` computed for a `Query` — figures, the value, the formula — and no sentence.

The one value that passes from execute to render: `kind` names what was found (a value, a blank cell, a total
its parts contradict, a rate, a ranking, figures missing …), `figures` are the cited cells' figures in the order
the answer names them, and `facts` holds the kind's other numbers and figures. `render` writes the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qa.answer import Answer, Scope
from qa.cellsql import Figure, plain as _plain
from qa.query import Measure, Query

_FULL_DISCLOSURE, _PARTIAL, _TOTAL = Measure("申请", "予以公开"), Measure("申请", "部分公开"), Measure("申请", "总计")


@dataclass
class Result:
    """A computed answer: its kind, the figures behind it, the value, its unit and formula, and the kind's facts."""

    kind: str
    query: Query
    scope: Scope
    figures: list[Figure] = field(default_factory=list)
    value: float | int | None = None
    unit: str | None = None
    formula: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    parts: list[Result] = field(default_factory=list)  # per_report: one result per report
    answer: Answer | None = None  # check: the audit's findings, already an answer


def measures_read(query: Query) -> list[Measure]:
    """The measures a query's figures are read for, in order (公开率 reads 予以公开, 部分公开 and 总计)."""
    if query.definition == "公开率":
        return [_FULL_DISCLOSURE, _PARTIAL, _TOTAL]
    return list(query.measures) + list(query.denominators) + list(query.minus)


def table_of(query: Query, m: int) -> str:
    """The table the figure of measure `m` comes from."""
    measures = measures_read(query)
    return measures[m].table if m < len(measures) else "申请"


def unit_of(figure: Figure) -> str:
    """A figure's unit as its cells print it (件 when none is printed)."""
    return next((c["unit"] for c in figure.cells if c.get("unit")), None) or "件"


def table_rows(figures: list[Figure], query: Query) -> list[dict[str, Any]]:
    """The cells behind an answer as tidy rows (agency, year, table, row, column, value, unit, report, page, quote)."""
    return [
        {"agency": f.agency, "year": f.year, "table": table_of(query, f.measure), "row": c["row"], "column": c["col"],
         "value": _plain(c["value"]), "unit": c["unit"], "report": f.report_id, "page": c["page"], "quote": c["quote"]}
        for f in figures for c in f.cells
    ]

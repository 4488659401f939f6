"""The answer a user gets: text, the figure, its unit, and where every figure came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qa.query import Query


@dataclass(frozen=True)
class Citation:
    """Where a figure or sentence came from: report, section, quote, offsets, page, table cell."""

    report_id: str
    title: str
    section: str
    quote: str
    start: int
    end: int
    page: int | None = None
    cell: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The citation as in the `ask --json` contract."""
        return {
            "report_id": self.report_id,
            "title": self.title,
            "section": self.section,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "page": self.page,
            "cell": dict(self.cell) if self.cell else None,
        }


@dataclass(frozen=True)
class Scope:
    """What a question was resolved to: reports, agency, year and table row/column (for follow-ups)."""

    report_ids: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    table: str | None = None
    row: str | None = None
    col: str | None = None


@dataclass
class Answer:
    """An answer; `to_dict()` is the `reportqa ask --json` contract."""

    question: str
    answer: str
    value: float | int | None = None
    unit: str | None = None
    abstained: bool = False
    route: str = "text"
    citations: list[Citation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    reason: str | None = None
    scope: Scope = field(default_factory=Scope)
    chart: list[dict[str, Any]] | None = None
    query: Query | None = None  # what a table question was understood as (follow-ups inherit it)
    formula: str | None = None  # a computed figure's arithmetic, every figure in it cited
    clarify: list[str] = field(default_factory=list)  # questions to pick from when the wording has several readings
    findings: list[dict[str, Any]] | None = None  # audit findings of a check question
    rows: list[dict[str, Any]] = field(default_factory=list)  # a table answer as a tidy table (ROW_COLUMNS)
    understood: str | None = None  # the Plan restated (「理解为：…」); what a follow-up inherited is marked

    def to_dict(self) -> dict[str, Any]:
        """The `ask --json` object."""
        data: dict[str, Any] = {
            "question": self.question,
            "answer": self.answer,
            "value": self.value,
            "unit": self.unit,
            "abstained": self.abstained,
            "route": self.route,
            "citations": [c.to_dict() for c in self.citations],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }
        if self.reason:
            data["reason"] = self.reason
        if self.chart:
            data["chart"] = self.chart
        if self.query is not None:
            data["query"] = self.query.to_dict()
        if self.formula:
            data["formula"] = self.formula
        if self.clarify:
            data["clarify"] = list(self.clarify)
        if self.findings is not None:
            data["findings"] = self.findings
        if self.understood:
            data["understood"] = self.understood
        return data


ROW_COLUMNS = ["agency", "year", "table", "row", "column", "value", "unit", "report", "page", "quote"]


def abstain(question: str, reason: str, scope: Scope | None = None) -> Answer:
    """An answer that declines, saying why."""
    return Answer(question=question, answer=f"无法回答：{reason}", abstained=True, route="none", reason=reason, scope=scope or Scope())


def format_number(value: float | int | None) -> str:
    """A figure as printed: integers without decimals, others as given."""
    if value is None:
        return "空"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)  # 9226.592, not %g's 9226.59

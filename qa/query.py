"""The typed query: what a table question was understood to ask, passed from `understand` to `execute`.

One `Query` value per question: the measures (canonical table/row/column keys of the spec), the scope
(agencies, years, all reports, grouping) and the operation. It is shown to the user (`ask --json`'s
`query`), inherited by follow-ups, and given to an LLM as the `query_cells` tool's arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from corpus import QuestionError

OPERATIONS = (
    "value",  # one figure per report in scope
    "sum",  # the figures added (several rows of one report, or one row over several reports)
    "difference",  # second minus first (two rows, columns, reports or years)
    "rate",  # numerator ÷ denominator × 100 (公开率, 占比, 纠错率)
    "growth",  # (this − previous) ÷ previous × 100, year over year
    "multiple",  # this ÷ previous
    "average",  # the figures' mean, or one figure per period (per quarter, month, calendar day)
    "median",  # the middle of the figures of the reports in scope
    "rank",  # reports ordered by the figure (top-N, max, min)
    "trend",  # the figure of each report in scope, in year order
    "count",  # how many reports (agencies, years) the scope holds
    "check",  # the audit findings (勾稽 and prose-vs-table) of the reports in scope
)
PERIODS = {"quarter": 4, "month": 12, "day": 365}  # a day: 365, or 366 in a leap year (the report's own year)


@dataclass(frozen=True)
class Measure:
    """One figure of a report: a table row and column by their canonical keys.

    `row` may be a group ("不予公开", "无法提供", "不予处理", "其他处理", "行政诉讼"), which is the sum
    of its sub-rows; `col` None means the row's default (总计, or the 主动公开 row's main column).
    """

    table: str
    row: str
    col: str | None = None

    def label(self) -> str:
        """How the answer names the figure: 「予以公开 · 总计」."""
        return f"{self.row} · {self.col}" if self.col else self.row

    def to_dict(self) -> dict[str, Any]:
        """The measure as JSON."""
        return {"table": self.table, "row": self.row, "col": self.col}


@dataclass(frozen=True)
class QueryScope:
    """Which reports: agencies and years named (empty: not restricted), or all of them (a report is one agency-year)."""

    agencies: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    all_reports: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The scope as JSON."""
        return {
            "agencies": list(self.agencies),
            "years": list(self.years),
            "all_reports": self.all_reports,
        }


@dataclass(frozen=True)
class Query:
    """A table question as a value: operation, measures, scope and the operation's parameters."""

    op: str = "value"
    measures: tuple[Measure, ...] = ()
    scope: QueryScope = field(default_factory=QueryScope)
    denominator: Measure | None = None  # rate: the figure divided by
    over: tuple[Measure, ...] = ()  # rate: more figures added to the denominator (「÷ (本年新收 + 上年结转)」)
    minus: tuple[Measure, ...] = ()  # sum: figures subtracted from the measures' total (「新收 + 上年结转 − 办结」)
    definition: str | None = None  # rate: which definition (公开率 with or without 部分公开)
    n: int | None = None  # rank: top-N (None: all)
    descending: bool = True  # rank: highest first
    per: str | None = None  # average: "quarter" | "month" (None: the mean over the reports in scope)
    topic: str | None = None  # check: the table asked about (None: every check)
    condition: tuple[str, float] | None = None  # count: only reports whose figure meets it ("<", 50)
    delta: str | None = None  # rank: of the change from the previous year ("difference" | "growth"), not the level
    pooled: bool = False  # rate over several reports: Σ numerators ÷ Σ denominators (else one rate per report)
    claims: tuple[tuple[tuple[Measure, ...], float], ...] = ()  # check: figures the question quotes (a sum of rows)
    as_asked: bool = False  # two agencies or years compared in the order the question names them (scope order)
    signed: bool = False  # difference: the change with its sign (「变化了多少」), not its size (「高了多少」)

    def __post_init__(self) -> None:
        if self.op not in OPERATIONS:
            raise QuestionError(f"unknown operation {self.op!r}; use one of {', '.join(OPERATIONS)}")
        if self.delta is not None and self.delta not in ("difference", "growth"):
            raise QuestionError(f"unknown delta {self.delta!r}; use difference or growth")
        if self.per is not None and self.per not in PERIODS:
            raise QuestionError(f"unknown period {self.per!r}; use one of {', '.join(PERIODS)}")

    @property
    def denominators(self) -> tuple[Measure, ...]:
        """Every figure of a rate's denominator (added together)."""
        return ((self.denominator,) if self.denominator is not None else ()) + self.over

    def with_(self, **changes: Any) -> Query:
        """A copy with some slots replaced (a follow-up)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The `query` object of `ask --json`."""
        data: dict[str, Any] = {
            "op": self.op,
            "measures": [m.to_dict() for m in self.measures],
            "scope": self.scope.to_dict(),
        }
        if self.denominator is not None:
            data["denominator"] = self.denominator.to_dict()
        if self.over:
            data["over"] = [m.to_dict() for m in self.over]
        if self.minus:
            data["minus"] = [m.to_dict() for m in self.minus]
        for key in ("definition", "n", "per", "topic", "delta"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.op == "rank":
            data["descending"] = self.descending
        if self.condition is not None:
            data["condition"] = list(self.condition)
        if self.pooled:
            data["pooled"] = True
        if self.as_asked:
            data["as_asked"] = True
        if self.signed:
            data["signed"] = True
        if self.claims:
            data["claims"] = [{"measures": [m.to_dict() for m in ms], "value": v} for ms, v in self.claims]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Query:
        """A query from its JSON form (the `query_cells` tool's arguments); bad fields raise `QuestionError`."""
        try:
            scope = data.get("scope") or {}
            denominator = data.get("denominator")
            return cls(
                op=data.get("op", "value"),
                measures=tuple(_measure(m) for m in data.get("measures") or ()),
                scope=QueryScope(
                    agencies=tuple(scope.get("agencies") or ()),
                    years=tuple(int(y) for y in scope.get("years") or ()),
                    all_reports=bool(scope.get("all_reports", False)),
                ),
                denominator=_measure(denominator) if denominator else None,
                over=tuple(_measure(m) for m in data.get("over") or ()),
                minus=tuple(_measure(m) for m in data.get("minus") or ()),
                definition=data.get("definition"),
                n=int(data["n"]) if data.get("n") is not None else None,
                descending=bool(data.get("descending", True)),
                per=data.get("per"),
                topic=data.get("topic"),
                condition=_condition(data.get("condition")),
                pooled=bool(data.get("pooled", False)),
                as_asked=bool(data.get("as_asked", False)),
                signed=bool(data.get("signed", False)),
                delta=data.get("delta"),
                claims=tuple((tuple(_measure(m) for m in c["measures"]), float(c["value"])) for c in data.get("claims") or ()),
            )
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise QuestionError(f"not a valid query ({exc}): {data!r}") from exc


def _measure(data: dict[str, Any]) -> Measure:
    if not data.get("table") or not data.get("row"):
        raise QuestionError(f"a measure needs a table and a row: {data!r}")
    return Measure(str(data["table"]), str(data["row"]), data.get("col") or None)


def _condition(data: Any) -> tuple[str, float] | None:
    if data is None:
        return None
    cmp, number = data
    if cmp not in ("<", ">", ">=", "<=", "="):
        raise QuestionError(f"unknown comparison {cmp!r} in a condition; use < <= = >= >")
    return str(cmp), float(number)


def part_of(part: Measure, whole: Measure) -> bool:
    """Whether a measure is a part of another: a sub-row of its group, or its row under one column."""
    if part.table != whole.table:
        return False
    if part.row.startswith(whole.row + "/"):
        return part.col == whole.col or whole.col is None
    return part.row == whole.row and whole.col is None and part.col is not None

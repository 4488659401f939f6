"""`execute`: a `Query` run over the cell database -> a `Result`: figures, the value, the formula, no sentence.

Figures come from one SQL statement (`qa.cellsql`); derived figures (rates, growth, multiples, averages, medians)
are computed from them, each with its formula. A figure that is missing or blank in any report it needs makes
the result `missing` instead of a computation from the rest. The operation is decided here, in `execute`, once;
`qa.render` writes the text. The question is never seen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qa.answer import Answer, Scope, format_number
from qa.audit import Auditor
from qa.cellsql import Figure, pct as _pct, plain as _plain, read_figures
from qa.query import PERIODS, Measure, Query
from qa.result import Result, measures_read, unit_of

LIST_LIMIT = 30  # over thousands of reports an answer names the first of a list and counts the rest
CHART_LIMIT = 50


def listed(items: list[str], sep: str = "；", limit: int = LIST_LIMIT) -> str:
    """`items` joined by `sep`; past `limit`, the first ones and how many more there are."""
    if len(items) <= limit:
        return sep.join(items)
    return sep.join(items[:limit]) + f"{sep}……（另有 {len(items) - limit} 项，见引用与数据表）"


def summed_formula(parts: Figure) -> str:
    """「148 + 1 = 149」: a blank total recomputed from its printed parts (blanks, proven 0, left out)."""
    printed = [format_number(c["value"]) for c in parts.cells if c["value"] is not None]
    return " + ".join(printed or ["0"]) + f" = {format_number(_plain(parts.value or 0))}"


def _days(year: int | None) -> int:
    return 366 if year and year % 4 == 0 and (year % 100 or year % 400 == 0) else 365


def rate_of(figures: list[Figure], query: Query) -> tuple[float, str] | None:
    """A rate and its formula from one report's (or pooled) figures, by the query's definition; None when ÷ 0."""
    if query.definition == "公开率":
        full, partial, total = figures
        if not total.value:
            return None
        if "含部分公开" in (query.topic or ""):
            rate = _pct(((full.value or 0) + (partial.value or 0)) / total.value)
            return rate, f"({format_number(_plain(full.value))} + {format_number(_plain(partial.value))}) ÷ {format_number(_plain(total.value))} = {rate}%"
        rate = _pct((full.value or 0) / total.value)
        return rate, f"{format_number(_plain(full.value))} ÷ {format_number(_plain(total.value))} = {rate}%"
    n, d = len(query.measures), len(query.denominators)
    numerators, denominators, less = figures[:n], figures[n : n + d], figures[n + d :]
    whole = sum(f.value or 0 for f in denominators) - sum(f.value or 0 for f in less)  # 「÷ (复议总计 − 尚未审结)」
    if not whole or not numerators or not denominators:
        return None
    rate = _pct(sum(f.value or 0 for f in numerators) / whole)
    over = " + ".join(format_number(_plain(f.value)) for f in numerators)
    under = " + ".join(format_number(_plain(f.value)) for f in denominators) + "".join(
        f" − {format_number(_plain(f.value))}" for f in less)
    return rate, (f"{'(' + over + ')' if len(numerators) > 1 else over} ÷ "
                  f"{'(' + under + ')' if len(denominators) + len(less) > 1 else under} = {rate}%")


def _in_order(figures: list[Figure], query: Query) -> list[Figure]:
    """Two reports' figures, the one compared last: the first named of two agencies or two years, else the later year.

    「淮安市是洪泽区的几倍」 is 淮安市 ÷ 洪泽区, 「淮安市比洪泽区多多少」 is 淮安市 − 洪泽区: the later (or first named)
    figure is the one compared.
    """
    named = {a: i for i, a in enumerate(query.scope.agencies)}
    if not query.as_asked:
        return figures if len({f.report_id for f in figures}) < len(figures) else sorted(figures, key=lambda f: (f.year or 0))
    if len(figures) == 2 and all(f.agency in named for f in figures) and len({f.agency for f in figures}) == 2:
        return sorted(figures, key=lambda f: -named[f.agency])  # 「司法局2020年是办公厅2019年的几倍」: by agency
    if len({f.report_id for f in figures}) < len(figures):
        return figures  # two rows of one report: in the order the query names them
    years = {y: i for i, y in enumerate(query.scope.years)}
    if query.op in ("multiple", "difference") and len(figures) == 2 and all(f.year in years for f in figures) \
            and len({f.year for f in figures}) == 2:
        return sorted(figures, key=lambda f: -years[f.year or 0])  # 「2023年是2024年的几倍」: 2023 ÷ 2024
    return sorted(figures, key=lambda f: (f.year or 0))


class Executor:
    """Runs queries over a cell database for the reports a catalog put in scope."""

    def __init__(self, db: Any) -> None:
        self.db = db

    def run(self, question: str, query: Query, report_ids: list[str], scope: Scope) -> Answer:
        """`render(execute(query))`: the answer to a query over these reports (ids in scope, already deduplicated)."""
        from qa.render_table import render_result

        return render_result(self.execute(query, report_ids, scope, question), question)

    def execute(self, query: Query, report_ids: list[str], scope: Scope, asked: str = "") -> Result:
        """The figures of a query over these reports and what they compute to (`asked` only labels audit answers)."""
        scope = Scope(tuple(report_ids), scope.agencies, scope.years, *(
            (query.measures[0].table, query.measures[0].row, query.measures[0].col) if query.measures else (None, None, None)))
        if query.op == "check":
            return Result("check", query, scope, answer=Auditor(self.db).check(asked, query, report_ids, scope))
        if query.op == "count" and not query.measures:
            return self._count(query, report_ids, scope)
        ranked = query.op == "rank" and query.denominator is None
        # ties in a ranking in the same order on every asking (and under the union path): year, agency, id
        order = f"v {'DESC' if query.descending else 'ASC'} NULLS LAST, s.year NULLS FIRST, s.agency, s.id" if ranked else ""
        figures = read_figures(self.db, measures_read(query), report_ids, order)
        op = "count_where" if query.op == "count" else query.op
        single = op == "value" and len(figures) == 1  # one blank figure is said as such (`_value`)
        filled = {} if single else self._fill_blanks(query, figures)
        figures = [filled.get(id(f), (f, f))[1] for f in figures]
        handler: Callable[[Query, list[Figure], Scope], Result] = getattr(self, f"_{op}")
        result = handler(query, figures, scope)
        if filled:
            result.facts["summed_blanks"] = [pair for pair in filled.values()]
        return result

    # -- helpers ---------------------------------------------------------------------------------

    def _missing(self, query: Query, figures: list[Figure], scope: Scope) -> Result | None:
        """Figures the answer needs that are not in the reports (unparsed, blank, or a total its parts contradict)."""
        lacking = [f for f in figures if not f.known]
        if not lacking:
            return None
        doubts = {id(f): self.doubt(f) for f in lacking[:6] if f.disputed}
        return Result("missing", query, scope, [f for f in figures if f.known], facts={"lacking": lacking, "doubts": doubts})

    def doubt(self, figure: Figure) -> str:
        """The failed 勾稽 rule that puts a printed total in doubt (「10 + 1 + 0 + 0 = 11, printed 0」)."""
        rows = self.db.execute(
            "SELECT detail FROM checks WHERE report_id = ? AND NOT ok AND rule LIKE '%总计 =%' AND list_contains(?::VARCHAR[], cells[1])",
            [figure.report_id, [f"{c['table']}|{c['row']}|{c['col']}" for c in figure.cells]],
        )
        return "；".join(r[0].split(": ", 2)[-1] for r in rows[:2])

    def _column_sum(self, figure: Figure, measure: Measure) -> Figure | None:
        """A blank (or unread) 总计 of the 申请 table recomputed as the sum of its six applicant columns (勾稽 rule 2).

        A blank among those columns is 0 only where the table proves it: the printed （七）总计 equals the sum of
        every printed applicant cell of the 办理结果 rows, and a count is never negative, so nothing is left for a
        blank (上海市政府办公厅 2019 leaves the 总计 column and every zero blank). An unread row of a group counts
        as 0 on the same proof, so long as some row of the group was read.
        """
        if measure.table != "申请" or measure.col not in (None, "总计") or figure.disputed:
            return None
        [parts] = read_figures(self.db, [Measure("申请", measure.row, "六类申请人之和")], [figure.report_id])
        if parts.disputed or not parts.cells:
            return None
        if parts.known and all(c["value"] is not None for c in parts.cells):
            return parts
        if not self._blanks_are_zero(figure.report_id):
            return None  # a blank among them is not 0: no sum
        return Figure(parts.report_id, parts.agency, parts.year, parts.title, figure.measure, parts.value or 0,
                      [c for c in parts.cells if c["value"] is not None] or parts.cells[:1], True)

    def _blanks_are_zero(self, report_id: str) -> bool:
        """Whether the printed （七）总计 of the 申请 table equals the sum of the applicant cells of its result rows."""
        applicants = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
        outside = ["本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "总计", "结转下年度继续办理"]
        [(total, added)] = self.db.execute(
            "SELECT max(value) FILTER (WHERE row_key = '总计' AND col_key = '总计'), "
            "sum(value) FILTER (WHERE NOT list_contains(?::VARCHAR[], row_key) AND list_contains(?::VARCHAR[], col_key)) "
            "FROM cells WHERE report_id = ? AND tbl = '申请'", [outside, applicants, report_id])
        return total is not None and added is not None and abs(total - added) < 1e-6

    def _fill_blanks(self, query: Query, figures: list[Figure]) -> dict[int, tuple[Figure, Figure]]:
        """Blank or partly unread 申请 totals the table's own arithmetic fills in: id(figure) -> (as read, as summed)."""
        measures = measures_read(query)
        filled: dict[int, tuple[Figure, Figure]] = {}
        for f in figures:
            if f.known or f.disputed or f.measure >= len(measures) or not f.cells:
                continue
            summed = self._column_sum(f, measures[f.measure])
            if summed is not None:
                filled[id(f)] = (f, summed)
        return filled

    def _lower_bound(self, figure: Figure, measure: Measure) -> float | None:
        """The sum of a total's filled-in parts (applicant columns, or 复议/诉讼 results): at least that many."""
        group = {"申请": "六类申请人之和", "复议诉讼": "四类结果之和"}.get(measure.table)
        if group is None or measure.col not in (None, "总计") or not figure.complete:
            return None
        [parts] = read_figures(self.db, [Measure(measure.table, measure.row, group)], [figure.report_id])
        values = [c["value"] for c in parts.cells if c["value"] is not None]
        return float(sum(values)) if parts.complete and values and all(v >= 0 for v in values) else None

    # -- one figure, several figures ----------------------------------------------------------------

    def _value(self, query: Query, figures: list[Figure], scope: Scope) -> Result:
        if len(query.measures) > 1:
            return self._sum(query, figures, scope)
        if len({f.report_id for f in figures}) > 1:
            return self._trend(query, figures, scope)
        [figure] = figures
        parts = self._column_sum(figure, query.measures[0]) if not figure.known and figure.cells else None
        if parts is None and figure.complete and figure.value is None:
            return Result("blank", query, scope, [figure])
        if parts is not None:
            total = parts.value or 0
            formula = summed_formula(parts)
            return Result("blank_summed", query, scope, [parts], total, unit_of(figure), formula, {"blank": figure})
        if figure.disputed and figure.complete and figure.value is not None:
            return Result("disputed", query, scope, [figure], unit=unit_of(figure), facts={"detail": self.doubt(figure)})
        return self._missing(query, figures, scope) or Result("value", query, scope, [figure], figure.value, unit_of(figure))

    def _sum(self, query: Query, figures: list[Figure], scope: Scope) -> Result:
        if (missing := self._missing(query, figures, scope)) is not None:
            return missing
        if query.minus and len({f.report_id for f in figures}) == 1:  # 「新收 + 上年结转 − 办结」: the user's combination
            n = len(query.measures)
            total = sum(f.value or 0 for f in figures[:n]) - sum(f.value or 0 for f in figures[n:])
            formula = " + ".join(format_number(f.value) for f in figures[:n]) + "".join(
                f" − {format_number(f.value)}" for f in figures[n:]) + f" = {format_number(total)}"
            return Result("combination", query, scope, figures, total, unit_of(figures[0]), formula)
        total = sum(f.value or 0 for f in figures)
        formula = listed([format_number(f.value) for f in figures], " + ") + f" = {format_number(total)}"
        return Result("sum", query, scope, figures, total, unit_of(figures[0]), formula)

    def _difference(self, query: Query, figures: list[Figure], scope: Scope) -> Result:
        if (missing := self._missing(query, figures, scope)) is not None:
            return missing
        if query.denominators or query.definition:
            return self._rate_change(query, figures, scope)
        if len(figures) != 2:
            return self._trend(query, figures, scope)
        first, second = _in_order(figures, query)
        diff = (second.value or 0) - (first.value or 0)
        formula = f"{format_number(second.value)} − {format_number(first.value)} = {format_number(diff)}"
        return Result("difference", query, scope, [first, second], diff if query.signed else abs(diff), unit_of(first), formula,
                      {"diff": diff})

    # -- rates ----------------------------------------------------------------------------------------

    def _rate(self, query: Query, figures: list[Figure], scope: Scope) -> Result:
        if len({f.report_id for f in figures}) > 1:
            if query.pooled:
                return self._pooled_rate(query, figures, scope)
            return self._per_report(query, figures, scope, self._rate)
        needed = figures
        if query.definition == "公开率" and "含部分公开" not in (query.topic or ""):
            needed = [figures[0], figures[2]]  # 予以公开 ÷ 总计: 部分公开 is only shown beside it
        if (missing := self._missing(query, needed, scope)) is not None:
            return missing
        computed = rate_of(figures, query)
        if computed is None:
            return Result("zero", query, scope, [figures[-1]])
        rate, formula = computed
        if query.definition == "公开率" and not figures[1].known:
            full, _, total = figures
            return Result("open_rate_without_partial", query, scope, [full, total], rate, "%", formula)
        if query.definition == "公开率":
            full, partial, total = figures
            both = _pct(((full.value or 0) + (partial.value or 0)) / (total.value or 1))
            return Result("open_rate", query, scope, figures, rate, "%", formula,
                          {"primary": _pct((full.value or 0) / (total.value or 1)), "both": both})
        if not figures[: len(query.measures)]:
            return Result("no_numerator", query, scope)
        return Result("rate", query, scope, figures, rate, "%", formula)

    def _rate_change(self, query: Query, figures: list[Figure], scope: Scope) -> Result:
        """A rate of two reports (years or agencies) and its change in percentage points, later minus earlier."""
        by_report = {rid: sorted((f for f in figures if f.report_id == rid), key=lambda f: f.measure)
                     for rid in dict.fromkeys(f.report_id for f in figures)}
        if len(by_report) != 2:
            return Result("not_two", query, scope)
        first, second = sorted(by_report.values(), key=lambda own: (own[0].year or 0))
        rates = [rate_of(first, query), rate_of(second, query)]
        if rates[0] is None or rates[1] is None:
            return Result("zero", query, scope, [(first if rates[0] is None else second)[-1]])
        (r1, f1), (r2, f2) = rates[0], rates[1]
        change = round(r2 - r1, 2)
        formula = f"{r2}% − {r1}% = {format_number(change)} 个百分点"
        return Result("rate_change", query, scope, first + second, change if query.signed else abs(change), "个百分点", formula,
                      {"first": first[0], "second": second[0], "rates": (r1, r2), "formulas": (f1, f2), "change": change})

    def _pooled_rate(self, query: Query, figures: list[Figure], scope: Scope) -> Result:
        """One rate over several reports: every numerator and every denominator added first."""
        if (missing := self._missing(query, figures, scope)) is not None:
            return missing
        width = max(f.measure for f in figures) + 1
        totals = [sum(f.value or 0 for f in figures if f.measure == m) for m in range(width)]
        pooled = [Figure("", "", None, "", m, totals[m]) for m in range(width)]
        computed = rate_of(pooled, query)
        if computed is None:
            return Result("zero", query, scope, [pooled[-1]])
        return Result("pooled_rate", query, scope, figures, computed[0], "%", computed[1])

    # -- two years, periods, the middle ------------------------------------------------------------------

    def _pair(self, query: Query, figures: list[Figure], scope: Scope) -> tuple[Figure, Figure] | Result:
        """The previous and the later figure of a year-over-year question."""
        if (missing := self._missing(query, figures, scope)) is not None:
            return missing
        ordered = _in_order(figures, query)
        if len(ordered) != 2:
            return Result("unpaired", query, scope)
        return ordered[0], ordered[1]

    def _growth(self, query: Query, figures: list[Figure], scope: Scope) -> Result:
        pair = self._pair(query, figures, scope)
        if isinstance(pair, Result):
            return pair
        before, after = pair
        if not before.value:
            return Result("zero", query, scope, [before])
        growth = _pct(((after.value or 0) - (before.value or 0)) / before.value)
        formula = f"({format_number(after.value)} − {format_number(before.value)}) ÷ {format_number(before.value)} = {growth}%"
        return Result("growth", query, scope, [before, after], growth, "%", formula)

    def _multiple(self, query: Query, figures: list[Figure], scope: Scope) -> Result:
        pair = self._pair(query, figures, scope) if len(query.measures) == 1 else (figures[1], figures[0])
        if isinstance(pair, Result):
            return pair
        before, after = pair
        if not before.value:
            return Result("zero", query, scope, [before])
        exact = (after.value or 0) / before.value
        ratio = round(exact, 2) if abs(exact) >= 1 else float(f"{exact:.3g}")  # 0.137倍, not 0.14倍
        formula = f"{format_number(after.value)} ÷ {format_number(before.value)} = {format_number(ratio)}"
        return Result("multiple", query, scope, [before, after], ratio, "倍", formula)

    def _average(self, query: Query, figures: list[Figure], scope: Scope) -> Result:
        if (missing := self._missing(query, figures, scope)) is not None:
            return missing
        days: list[int] = []
        if query.per == "day":
            days = [_days(f.year) for f in figures]
            periods = sum(days)
        else:
            periods = PERIODS[query.per] * len(figures) if query.per else len(figures)
        total = sum(f.value or 0 for f in figures)
        mean = round(total / periods, 2)
        formula = f"({listed([format_number(f.value) for f in figures], ' + ')}) ÷ {periods} = {format_number(mean)}" if len(figures) > 1 \
            else f"{format_number(total)} ÷ {periods} = {format_number(mean)}"
        return Result("average", query, scope, figures, mean, unit_of(figures[0]), formula, {"days": days})

    def _median(self, query: Query, figures: list[Figure], scope: Scope) -> Result:
        """The middle figure of the reports in scope (the mean of the two middle ones for an even count)."""
        if (missing := self._missing(query, figures, scope)) is not None:
            return missing
        ordered = sorted(figures, key=lambda f: f.value or 0)
        values = [f.value or 0 for f in ordered]
        mid = len(values) // 2
        median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
        formula = (f"{format_number(_plain(values[mid]))}" if len(values) % 2 else
                   f"({format_number(_plain(values[mid - 1]))} + {format_number(_plain(values[mid]))}) ÷ 2 = {format_number(_plain(median))}")
        return Result("median", query, scope, ordered, median, unit_of(ordered[0]), formula)

    # -- lists, rankings, counts ---------------------------------------------------------------------------

    def _rank(self, query: Query, figures: list[Figure], scope: Scope) -> Result:
        from qa.ranking import rank, rank_changes, rank_rates

        if query.delta is not None:
            return rank_changes(query, figures, scope)
        if query.denominator is not None or query.definition:
            return rank_rates(query, figures, scope)
        return rank(query, figures, scope) or self._missing(query, figures, scope) or Result("nothing_to_rank", query, scope)

    def _trend(self, query: Query, figures: list[Figure], scope: Scope) -> Result:
        if len(query.measures) > 1 and len({f.report_id for f in figures}) == 1:
            return self._sum(query, figures, scope)
        ordered = sorted(figures, key=lambda f: (f.year or 0, f.agency))
        return Result("trend", query, scope, [f for f in ordered if f.known or (f.disputed and f.value is not None)],
                      unit=unit_of(next((f for f in ordered if f.known), ordered[0])), facts={"all": ordered})

    def _per_report(self, query: Query, figures: list[Figure], scope: Scope,
                    each: Callable[[Query, list[Figure], Scope], Result]) -> Result:
        """A derived figure for each report in scope (「各机关的公开率」)."""
        parts = [each(query, [f for f in figures if f.report_id == rid], scope) for rid in dict.fromkeys(f.report_id for f in figures)]
        return Result("per_report", query, scope, parts=parts)

    def _count(self, query: Query, report_ids: list[str], scope: Scope) -> Result:
        rows = self.db.execute(
            "SELECT agency, count(*), list(year ORDER BY year) FROM reports WHERE list_contains(?::VARCHAR[], id) "
            "GROUP BY agency ORDER BY count(*) DESC, agency",
            [report_ids],
        )
        files = self.db.execute("SELECT count(*) FROM reports")[0][0]
        n = sum(count for _, count, _ in rows)
        return Result("count", query, scope, value=n, unit="份", facts={"rows": rows, "files": files})

    def _count_where(self, query: Query, figures: list[Figure], scope: Scope) -> Result:
        """How many reports' figure meets a condition, and which (「上年结转为零的报告有几份」)."""
        from qa.ranking import count_where

        return count_where(query, figures, scope, lambda f: self._lower_bound(f, query.measures[0]))

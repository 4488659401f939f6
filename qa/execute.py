"""`execute`: a `Query` run over the cell database -> an `Answer` with its figure, formula and a citation per cell.

Figures come from one SQL statement (`qa.cellsql`); derived figures (rates, growth, multiples, averages)
are computed from them and shown as a formula whose every figure is cited. A figure that is missing or
blank in any report it needs makes the answer say so instead of computing from the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qa.answer import Answer, Scope, abstain, format_number
from qa.audit import Auditor
from qa.cellsql import Figure, cite, name, read_figures
from qa.cellsql import pct as _pct
from qa.cellsql import plain as _plain
from qa.query import PERIODS, Measure, Query

_TOTAL = Measure("申请", "总计")
_FULL_DISCLOSURE = Measure("申请", "予以公开")
_PARTIAL = Measure("申请", "部分公开")
# Over thousands of reports an answer names the first of a list and counts the rest (every figure stays cited
# and in `rows`), and a chart holds its first points: 10^4 tied names or bars are read by no one.
LIST_LIMIT = 30
CHART_LIMIT = 50


def listed(items: list[str], sep: str = "；", limit: int = LIST_LIMIT) -> str:
    """`items` joined by `sep`; past `limit`, the first ones and how many more there are."""
    if len(items) <= limit:
        return sep.join(items)
    return sep.join(items[:limit]) + f"{sep}……（另有 {len(items) - limit} 项，见引用与数据表）"


def short_names(figures: list[Figure]) -> tuple[str, Callable[[Figure], str]]:
    """Figures of one agency over several years are named by year, after the agency once."""
    if len({f.agency for f in figures}) == 1 and len({f.year for f in figures}) == len(figures) and all(f.year for f in figures):
        return f"{figures[0].agency}：", lambda f: f"{f.year}年"
    return "", name


def _unit(figure: Figure) -> str:
    return next((c["unit"] for c in figure.cells if c.get("unit")), None) or "件"


class Executor:
    """Runs queries over a cell database for the reports a catalog put in scope."""

    def __init__(self, db: Any) -> None:
        self.db = db

    def run(self, question: str, query: Query, report_ids: list[str], scope: Scope) -> Answer:
        """The answer to a query over these reports (ids in scope, already deduplicated)."""
        if query.op == "check":
            return Auditor(self.db).check(question, query, report_ids, scope)
        if query.op == "count" and not query.measures:
            return self._count(question, query, report_ids, scope)
        measures = list(query.measures) + list(query.denominators)
        if query.definition == "公开率":
            measures = [_FULL_DISCLOSURE, _PARTIAL, _TOTAL]
        ranked = query.op == "rank" and query.denominator is None
        # ties in a ranking in the same order on every asking (and under the union path): year, agency, id
        order = f"v {'DESC' if query.descending else 'ASC'} NULLS LAST, s.year NULLS FIRST, s.agency, s.id" if ranked else ""
        figures = read_figures(self.db, measures, report_ids, order)
        op = "count_where" if query.op == "count" else query.op
        handler: Callable[[str, Query, list[Figure], Scope], Answer] = getattr(self, f"_{op}")
        answer = handler(question, query, figures, scope)
        answer.query = query
        answer.scope = Scope(tuple(report_ids), scope.agencies, scope.years, query.measures[0].table if query.measures else None,
                             query.measures[0].row if query.measures else None, query.measures[0].col if query.measures else None)
        return answer

    # -- helpers ---------------------------------------------------------------------------------

    def _missing(self, question: str, figures: list[Figure], query: Query, scope: Scope) -> Answer | None:
        """An honest refusal when a figure the answer needs is not in the reports (unparsed or blank)."""
        lacking = [f for f in figures if not f.known]
        if not lacking:
            return None
        labels = {i: m.label() for i, m in enumerate(_measures_read(query))}
        what = "；".join(
            f"{name(f)}「{labels.get(f.measure, '')}」"
            f"{'印的总计与其各项之和不符（' + (self._doubt(f) or '见核对结果') + '）' if f.disputed else '一栏为空' if f.complete else '未能从报告中可靠读出'}"
            for f in lacking[:6]
        )
        known = [f for f in figures if f.known]
        listed = "；".join(f"{name(f)} {format_number(f.value)}{_unit(f)}" for f in known[:8])
        text = f"无法给出可靠的数字：{what}" + ("。" if not listed else f"。已读出的：{listed}。")
        answer = abstain(question, f"{what}", scope)
        answer.answer = text
        answer.route = "table"
        answer.citations = [c for f in known for c in cite(f, _table(query, f.measure))]
        answer.rows = table_rows(known, query)
        return answer

    def _answer(self, question: str, text: str, value: float | int | None, unit: str | None, figures: list[Figure],
                query: Query, scope: Scope, formula: str | None = None, chart: bool = False) -> Answer:
        citations = [c for f in figures for c in cite(f, _table(query, f.measure))]
        answer = Answer(question=question, answer=text, value=_plain(value), unit=unit if value is not None else None,
                        route="table", citations=citations, scope=scope, formula=formula)
        if chart:
            _, short = short_names(figures)
            answer.chart = [{"label": short(f), "value": _plain(f.value)} for f in figures][:CHART_LIMIT]
        answer.rows = table_rows(figures, query)
        if formula and value is not None:
            answer.rows.append({"agency": "", "year": None, "table": "计算", "row": text.split("（")[0], "column": formula,
                                "value": _plain(value), "unit": unit, "report": "", "page": None, "quote": ""})
        return answer

    # -- operations ------------------------------------------------------------------------------

    def _value(self, question: str, query: Query, figures: list[Figure], scope: Scope) -> Answer:
        if len(query.measures) > 1:
            return self._sum(question, query, figures, scope)
        if len({f.report_id for f in figures}) > 1:
            return self._trend(question, query, figures, scope)
        [figure] = figures
        measure = query.measures[0]
        if figure.complete and figure.value is None:
            summed = self._column_sum(figure, measure)
            if summed is not None:
                parts, total = summed
                unit = _unit(figure)
                formula = " + ".join(format_number(f) for f in (c["value"] for c in parts.cells)) + f" = {format_number(total)}"
                text = (f"{name(figure)}报告中「{_label(figure, measure)}」一栏为空（未填写）；按六类申请人之和计算为 "
                        f"{format_number(total)}{unit}（{formula}）")
                return self._answer(question, text, total, unit, [parts], query, scope, formula=formula)
            answer = self._answer(question, f"{name(figure)}报告中「{_label(figure, measure)}」一栏为空（未填写）。", None,
                                  None, [figure], query, scope)
            return answer
        if figure.disputed and figure.complete and figure.value is not None:
            # The printed total, said as printed, with the finding that its parts do not add up to it.
            unit = _unit(figure)
            detail = self._doubt(figure)
            text = (f"报告印的是 {format_number(_plain(figure.value))}{unit}（{name(figure)}，{measure.table}表「{_label(figure, measure)}」），"
                    f"但这一总计与其各项之和不符，数据自相矛盾" + (f"：{detail}" if detail else "")
                    + f"。可问「{name(figure)}的{measure.table}表有问题吗？」查看全部核对结果。")
            answer = self._answer(question, text, None, None, [figure], query, scope)
            answer.abstained, answer.reason = True, "表格印的总计与其各项之和不符"
            return answer
        missing = self._missing(question, figures, query, scope)
        if missing is not None:
            return missing
        unit = _unit(figure)
        text = f"{format_number(_plain(figure.value))}{unit}（{name(figure)}，{measure.table}表「{_label(figure, measure)}」）"
        return self._answer(question, text, figure.value, unit, [figure], query, scope)

    def _doubt(self, figure: Figure) -> str:
        """The failed 勾稽 rule that puts a printed total in doubt (「10 + 1 + 0 + 0 = 11, printed 0」)."""
        rows = self.db.execute(
            "SELECT detail FROM checks WHERE report_id = ? AND NOT ok AND rule LIKE '%总计 =%' AND list_contains(?::VARCHAR[], cells[1])",
            [figure.report_id, [f"{c['table']}|{c['row']}|{c['col']}" for c in figure.cells]],
        )
        return "；".join(r[0].split(": ", 2)[-1] for r in rows[:2])

    def _column_sum(self, figure: Figure, measure: Measure) -> tuple[Figure, float] | None:
        """A blank 总计 cell of the 申请 table recomputed as the sum of its six applicant columns (勾稽 rule 2)."""
        if measure.table != "申请" or measure.col not in (None, "总计"):
            return None
        [parts] = read_figures(self.db, [Measure("申请", measure.row, "六类申请人之和")], [figure.report_id])
        if not parts.known or any(c["value"] is None for c in parts.cells):
            return None  # a blank among them is not 0: no sum
        return parts, parts.value or 0

    def _sum(self, question: str, query: Query, figures: list[Figure], scope: Scope) -> Answer:
        missing = self._missing(question, figures, query, scope)
        if missing is not None:
            return missing
        total = sum(f.value or 0 for f in figures)
        unit = _unit(figures[0])
        parts = [f"{self._part(f, query)} {format_number(f.value)}" for f in figures]
        formula = listed([format_number(f.value) for f in figures], " + ") + f" = {format_number(total)}"
        text = f"合计 {format_number(total)}{unit}（{listed(parts)}）"
        return self._answer(question, text, total, unit, figures, query, scope, formula=formula, chart=True)

    def _difference(self, question: str, query: Query, figures: list[Figure], scope: Scope) -> Answer:
        missing = self._missing(question, figures, query, scope)
        if missing is not None:
            return missing
        if query.denominators or query.definition:
            return self._rate_change(question, query, figures, scope)
        if len(figures) != 2:
            return self._trend(question, query, figures, scope)
        first, second = figures
        diff = (second.value or 0) - (first.value or 0)
        unit = _unit(first)
        prefix, short = short_names(figures) if len(query.measures) == 1 else ("", name)
        a, b = (short(first), short(second)) if prefix else (self._part(first, query), self._part(second, query))
        word = "多" if diff >= 0 else "少"
        formula = f"{format_number(second.value)} − {format_number(first.value)} = {format_number(diff)}"
        text = f"{prefix}{b}比{a}{word} {format_number(abs(diff))}{unit}（{a} {format_number(first.value)}{unit}；{b} {format_number(second.value)}{unit}）"
        return self._answer(question, text, abs(diff), unit, figures, query, scope, formula=formula, chart=True)

    def _rate(self, question: str, query: Query, figures: list[Figure], scope: Scope) -> Answer:
        if len({f.report_id for f in figures}) > 1:
            if query.pooled:
                return self._pooled_rate(question, query, figures, scope)
            return self._per_report(question, query, figures, scope, self._rate)
        needed = figures
        if query.definition == "公开率" and "含部分公开" not in (query.topic or ""):
            needed = [figures[0], figures[2]]  # 予以公开 ÷ 总计: 部分公开 is only shown beside it
        missing = self._missing(question, needed, query, scope)
        if missing is not None:
            return missing
        computed = _rate_of(figures, query)
        if computed is None:
            return _zero(question, figures[-1], scope)
        rate, formula = computed
        if query.definition == "公开率" and not figures[1].known:
            full, _, total = figures
            text = (f"{name(full)}公开率 {rate}%（按「予以公开 ÷ 办理结果总计」：{formula}）；"
                    f"部分公开一栏未能读出，含部分公开的公开率无法计算。")
            return self._answer(question, text, rate, "%", [full, total], query, scope, formula=formula)
        if query.definition == "公开率":
            full, partial, total = figures
            primary = _pct((full.value or 0) / (total.value or 1))
            both = _pct(((full.value or 0) + (partial.value or 0)) / (total.value or 1))
            f1 = f"{format_number(full.value)} ÷ {format_number(total.value)} = {primary}%"
            f2 = f"({format_number(full.value)} + {format_number(partial.value)}) ÷ {format_number(total.value)} = {both}%"
            with_partial = "含部分公开" in (query.topic or "")
            text = (
                f"{name(full)}公开率{'（含部分公开）' if with_partial else ''} {rate}%。"
                f"按「予以公开 ÷ 办理结果总计」计算为 {f1}；把部分公开也算作公开，"
                f"按「(予以公开 + 部分公开) ÷ 办理结果总计」计算为 {f2}。"
            )
            return self._answer(question, text, rate, "%", figures, query, scope, formula=formula)
        numerators, denominators = figures[: len(query.measures)], figures[len(query.measures):]
        if not numerators:
            return abstain(question, "没有识别出比率的分子", scope)
        a = " + ".join(self._part(f, query) for f in numerators)
        b = " + ".join(self._part(f, query) for f in denominators)
        a, b = (f"({a})" if len(numerators) > 1 else a), (f"({b})" if len(denominators) > 1 else b)
        text = f"{rate}%（{name(denominators[0])}：{a} ÷ {b}，{formula}）"
        return self._answer(question, text, rate, "%", figures, query, scope, formula=formula)

    def _rate_change(self, question: str, query: Query, figures: list[Figure], scope: Scope) -> Answer:
        """A rate of two reports (years or agencies) and its change in percentage points, later minus earlier."""
        by_report = {rid: sorted((f for f in figures if f.report_id == rid), key=lambda f: f.measure)
                     for rid in dict.fromkeys(f.report_id for f in figures)}
        if len(by_report) != 2:
            return abstain(question, "比较比率的变化需要恰好两份报告（两个年份或两个机关）", scope)
        first, second = sorted(by_report.values(), key=lambda own: (own[0].year or 0))
        rates = [_rate_of(first, query), _rate_of(second, query)]
        if rates[0] is None or rates[1] is None:
            return _zero(question, (first if rates[0] is None else second)[-1], scope)
        (r1, f1), (r2, f2) = rates[0], rates[1]
        change = round(r2 - r1, 2)
        word = "高" if change >= 0 else "低"
        a, b = name(first[0]), name(second[0])
        formula = f"{r2}% − {r1}% = {format_number(change)} 个百分点"
        text = (f"{b}比{a}{word} {format_number(abs(change))} 个百分点（{a}：{f1}；{b}：{f2}）")
        answer = self._answer(question, text, abs(change), "个百分点", first + second, query, scope, formula=formula)
        answer.chart = [{"label": a, "value": r1}, {"label": b, "value": r2}]
        return answer

    def _median(self, question: str, query: Query, figures: list[Figure], scope: Scope) -> Answer:
        """The middle figure of the reports in scope (the mean of the two middle ones for an even count)."""
        missing = self._missing(question, figures, query, scope)
        if missing is not None:
            return missing
        ordered = sorted(figures, key=lambda f: f.value or 0)
        values = [f.value or 0 for f in ordered]
        mid = len(values) // 2
        median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
        unit = _unit(ordered[0])
        formula = (f"{format_number(_plain(values[mid]))}" if len(values) % 2 else
                   f"({format_number(_plain(values[mid - 1]))} + {format_number(_plain(values[mid]))}) ÷ 2 = {format_number(_plain(median))}")
        text = (f"中位数 {format_number(_plain(median))}{unit}（{len(values)} 份报告从小到大："
                f"{listed([f'{name(f)} {format_number(f.value)}' for f in ordered])}；{formula}）")
        return self._answer(question, text, median, unit, ordered, query, scope, formula=formula, chart=True)

    def _pooled_rate(self, question: str, query: Query, figures: list[Figure], scope: Scope) -> Answer:
        """One rate over several reports: every numerator and every denominator added first."""
        missing = self._missing(question, figures, query, scope)
        if missing is not None:
            return missing
        width = max(f.measure for f in figures) + 1
        totals = [sum(f.value or 0 for f in figures if f.measure == m) for m in range(width)]
        pooled = [Figure("", "", None, "", m, totals[m]) for m in range(width)]
        computed = _rate_of(pooled, query)
        if computed is None:
            return _zero(question, pooled[-1], scope)
        rate, formula = computed
        who = listed(list(dict.fromkeys(name(f) for f in figures)), "、")
        text = f"{rate}%（{who}合并计算：{formula}；各项为各报告之和）"
        return self._answer(question, text, rate, "%", figures, query, scope, formula=formula)

    def _pair(self, question: str, query: Query, figures: list[Figure], scope: Scope) -> tuple[Figure, Figure] | Answer:
        """The previous and the later figure of a year-over-year question."""
        missing = self._missing(question, figures, query, scope)
        if missing is not None:
            return missing
        ordered = sorted(figures, key=lambda f: (f.year or 0))
        if len(ordered) != 2:
            return abstain(question, "同比计算需要同一机关相邻两年的报告", scope)
        return ordered[0], ordered[1]

    def _growth(self, question: str, query: Query, figures: list[Figure], scope: Scope) -> Answer:
        pair = self._pair(question, query, figures, scope)
        if isinstance(pair, Answer):
            return pair
        before, after = pair
        if not before.value:
            return _zero(question, before, scope)
        growth = _pct(((after.value or 0) - (before.value or 0)) / before.value)
        formula = f"({format_number(after.value)} − {format_number(before.value)}) ÷ {format_number(before.value)} = {growth}%"
        word = "增长" if growth >= 0 else "下降"
        text = (f"{after.agency}{after.year}年比{before.year}年{word} {abs(growth)}%"
                f"（{before.year}年 {format_number(before.value)}{_unit(before)}，{after.year}年 {format_number(after.value)}{_unit(after)}；{formula}）")
        return self._answer(question, text, growth, "%", [before, after], query, scope, formula=formula, chart=True)

    def _multiple(self, question: str, query: Query, figures: list[Figure], scope: Scope) -> Answer:
        pair = self._pair(question, query, figures, scope) if len(query.measures) == 1 else (figures[1], figures[0])
        if isinstance(pair, Answer):
            return pair
        before, after = pair
        if not before.value:
            return _zero(question, before, scope)
        ratio = round((after.value or 0) / before.value, 2)
        formula = f"{format_number(after.value)} ÷ {format_number(before.value)} = {format_number(ratio)}"
        text = f"{format_number(ratio)}倍（{self._part(after, query)} {format_number(after.value)} ÷ {self._part(before, query)} {format_number(before.value)}）"
        return self._answer(question, text, ratio, "倍", [before, after], query, scope, formula=formula)

    def _average(self, question: str, query: Query, figures: list[Figure], scope: Scope) -> Answer:
        missing = self._missing(question, figures, query, scope)
        if missing is not None:
            return missing
        unit = _unit(figures[0])
        calendar = ""
        if query.per == "day":
            days = [366 if f.year and (f.year % 4 == 0 and (f.year % 100 or f.year % 400 == 0)) else 365 for f in figures]
            periods, word = sum(days), "每天"
            calendar = "；按日历天数计：" + "、".join(f"{f.year}年 {d} 天" for f, d in zip(figures, days, strict=True)) + "，工作日数报告未给出"
        elif query.per:
            periods = PERIODS[query.per] * len(figures)
            word = {"quarter": "每季度", "month": "每月"}[query.per]
        else:
            periods, word = len(figures), "每份报告" if len({f.agency for f in figures}) > 1 else "每年"
        total = sum(f.value or 0 for f in figures)
        mean = round(total / periods, 2)
        formula = f"({listed([format_number(f.value) for f in figures], ' + ')}) ÷ {periods} = {format_number(mean)}" if len(figures) > 1 \
            else f"{format_number(total)} ÷ {periods} = {format_number(mean)}"
        text = f"平均{word} {format_number(mean)}{unit}（{formula}；{listed([f'{name(f)} {format_number(f.value)}' for f in figures])}{calendar}）"
        return self._answer(question, text, mean, unit, figures, query, scope, formula=formula)

    def _rank_rates(self, question: str, query: Query, figures: list[Figure], scope: Scope) -> Answer:
        """Reports ordered by a rate (「哪份年报的公开率最高」), each rate with its formula."""
        rates: list[tuple[list[Figure], tuple[float, str] | None]] = []
        lacking: list[tuple[list[Figure], tuple[float, str] | None]] = []
        for rid in dict.fromkeys(f.report_id for f in figures):
            own = sorted((f for f in figures if f.report_id == rid), key=lambda f: f.measure)
            computed = _rate_of(own, query) if all(f.known for f in own) else None
            (rates if computed is not None else lacking).append((own, computed))
        if not rates:
            return abstain(question, "没有可比较的比率（所需数字未能读出或分母为 0）", scope)
        ordered = sorted(rates, key=lambda x: x[1][0] if x[1] else 0, reverse=query.descending)
        top = ordered[: query.n] if query.n else ordered
        label = "公开率" if query.definition == "公开率" else f"「{query.measures[0].label()}」所占比例"
        word = "最高" if query.descending else "最低"
        ranks = listed([f"{i}. {name(own[0])} {c[1]}" for i, (own, c) in enumerate(top, start=1) if c])
        text = f"{label}{word}的{'是' if len(top) == 1 else f'前{len(top)}名'}：{ranks}"
        if lacking:
            text += f"。注意：{'、'.join(name(own[0]) for own, _ in lacking[:6])}的所需数字未能读出或分母为 0，未参与排名"
        best = top[0][1]
        answer = self._answer(question, text, best[0] if best and len(top) == 1 and not lacking else None, "%",
                              [f for own, _ in top for f in own], query, scope, formula=best[1] if best else None)
        answer.chart = [{"label": name(own[0]), "value": c[0]} for own, c in ordered if c][:CHART_LIMIT]
        return answer

    def _rank_changes(self, question: str, query: Query, figures: list[Figure], scope: Scope) -> Answer:
        """Years ranked by their change from the previous year of the same agency (difference or growth %)."""
        by_key = {(f.agency, f.year): f for f in figures}
        changes: list[tuple[Figure, Figure, float, str]] = []
        lacking: list[Figure] = []
        for (agency, year), after in sorted(by_key.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
            before = by_key.get((agency, (year or 0) - 1))
            if before is None:
                continue
            if not (before.known and after.known) or (query.delta == "growth" and not before.value):
                lacking.append(after)
                continue
            a, b = before.value or 0, after.value or 0
            if query.delta == "growth":
                change = _pct((b - a) / a)
                formula = f"({format_number(_plain(b))} − {format_number(_plain(a))}) ÷ {format_number(_plain(a))} = {change}%"
            else:
                change = b - a
                formula = f"{format_number(_plain(b))} − {format_number(_plain(a))} = {format_number(_plain(change))}"
            changes.append((before, after, change, formula))
        if not changes:
            return abstain(question, "没有相邻两年都能读出的数字", scope)
        ordered = sorted(changes, key=lambda c: c[2], reverse=query.descending)
        top = ordered[: query.n] if query.n else ordered
        unit = "%" if query.delta == "growth" else _unit(top[0][1])
        word = ("增幅" if query.delta == "growth" else "增加") + ("最大" if query.descending else "最小")
        ranks = listed([f"{i}. {name(after)}（比{before.year}年：{formula}）" for i, (before, after, _, formula) in enumerate(top, 1)])
        text = f"「{query.measures[0].label()}」比上一年{word}的是：{ranks}"
        if lacking:
            text += f"。注意：{'、'.join(name(f) for f in lacking[:6])}与上一年的数字未能都读出，未参与比较"
        best = top[0][2] if len(top) == 1 and not lacking else None
        answer = self._answer(question, text, best, unit, [f for b, a, _, _ in top for f in (b, a)], query, scope,
                              formula=top[0][3])
        answer.chart = [{"label": name(after), "value": _plain(change)} for _, after, change, _ in ordered][:CHART_LIMIT]
        return answer

    def _rank(self, question: str, query: Query, figures: list[Figure], scope: Scope) -> Answer:
        if query.delta is not None:
            return self._rank_changes(question, query, figures, scope)
        if query.denominator is not None or query.definition:
            return self._rank_rates(question, query, figures, scope)
        known = [f for f in figures if f.known]
        lacking = [f for f in figures if not f.known]
        if not known:
            return self._missing(question, figures, query, scope) or abstain(question, "没有可比较的数字", scope)
        ordered = sorted(known, key=lambda f: f.value or 0, reverse=query.descending)
        top = ordered[: query.n] if query.n else ordered
        unit = _unit(top[0])
        word = "最多" if query.descending else "最少"
        ranks = listed([f"{i}. {name(f)} {format_number(f.value)}{unit}" for i, f in enumerate(top, start=1)])
        ties = [f for f in ordered[len(top):] if f.value == top[-1].value]
        if len(figures) == 2 and len(top) == 1:  # 「哪个更多」 of two: name the larger, show both
            both = "；".join(f"{name(f)} {format_number(f.value)}{unit}" for f in ordered)
            text = f"{name(top[0])}{'更多' if query.descending else '更少'}：{both}"
        else:
            head = f"「{query.measures[0].label()}」{word}的{'是' if len(top) == 1 else f'前{len(top)}名'}："
            text = head + ranks
        if ties:
            text += f"（与第{len(top)}名并列的还有：{listed([name(f) for f in ties], '、')}）"
        if lacking:
            text += f"。注意：{'、'.join(name(f) for f in lacking[:6])}的该项未能可靠读出，未参与排名"
        answer = self._answer(question, text, top[0].value if len(top) == 1 else None, unit, top, query, scope)
        answer.chart = [{"label": name(f), "value": _plain(f.value)} for f in ordered][:CHART_LIMIT]
        if lacking and len(top) == 1:
            answer.value = None  # the maximum is not certain when some reports could not be read
        return answer

    def _trend(self, question: str, query: Query, figures: list[Figure], scope: Scope) -> Answer:
        if len(query.measures) > 1 and len({f.report_id for f in figures}) == 1:
            return self._sum(question, query, figures, scope)
        ordered = sorted(figures, key=lambda f: (f.year or 0, f.agency))
        unit = _unit(next((f for f in ordered if f.known), ordered[0]))
        same_agency = len({f.agency for f in ordered}) == 1
        label = (lambda f: f"{f.year}年") if same_agency else name
        def shown(f: Figure) -> str:
            if f.known:
                return f"{format_number(_plain(f.value))}{unit}"
            if f.disputed and f.value is not None:  # a list shows what is printed, flagged
                return f"{format_number(_plain(f.value))}{unit}（印的总计，与其各项之和不符）"
            return "未能读出" if not f.complete else "空"

        series = listed([f"{label(f)} {shown(f)}" for f in ordered])
        prefix = f"{ordered[0].agency}「{query.measures[0].label()}」：" if same_agency else f"「{query.measures[0].label()}」："
        shown_figures = [f for f in ordered if f.known or (f.disputed and f.value is not None)]
        answer = self._answer(question, prefix + series, None, None, shown_figures, query, scope)
        answer.chart = [{"label": label(f), "value": _plain(f.value)} for f in ordered if f.known][:CHART_LIMIT]
        if any(not f.known and not (f.disputed and f.value is not None) for f in ordered):
            answer.abstained, answer.reason = True, "部分报告的该项未能可靠读出，列表不完整"
        return answer

    def _per_report(self, question: str, query: Query, figures: list[Figure], scope: Scope,
                    each: Callable[[str, Query, list[Figure], Scope], Answer]) -> Answer:
        """A derived figure for each report in scope (「各机关的公开率」)."""
        answers = [each(question, query, [f for f in figures if f.report_id == rid], scope)
                   for rid in dict.fromkeys(f.report_id for f in figures)]
        text = "；".join(a.answer for a in answers)
        answer = Answer(question=question, answer=text, route="table", scope=scope,
                        citations=[c for a in answers for c in a.citations])
        answer.chart = [{"label": a.answer.split("（")[0], "value": a.value} for a in answers if a.value is not None]
        return answer

    def _count(self, question: str, query: Query, report_ids: list[str], scope: Scope) -> Answer:
        rows = self.db.execute(
            "SELECT agency, count(*), list(year ORDER BY year) FROM reports WHERE list_contains(?::VARCHAR[], id) "
            "GROUP BY agency ORDER BY count(*) DESC, agency",
            [report_ids],
        )
        files = self.db.execute("SELECT count(*) FROM reports")[0][0]
        n = sum(count for _, count, _ in rows)
        years = sorted({y for _, _, ys in rows for y in ys if y})
        by_agency = listed([f"{agency} {count} 份（{'、'.join(f'{y}年' for y in ys if y)}）" for agency, count, ys in rows])
        text = (f"语料中有 {n} 份报告，来自 {len(rows)} 个机关，年份 {'、'.join(str(y) for y in years)}：{by_agency}。"
                f"（共 {files} 个文件，同一份报告的 PDF 与文本版只算一份。）")
        return Answer(question=question, answer=text, value=n, unit="份", route="table", scope=scope, query=query)

    def _count_where(self, question: str, query: Query, figures: list[Figure], scope: Scope) -> Answer:
        """How many reports' figure meets a condition, and which (「上年结转为零的报告有几份」)."""
        cmp, bound = query.condition or (">", 0.0)
        tests = {"<": lambda v: v < bound, "<=": lambda v: v <= bound, "=": lambda v: v == bound,
                 ">=": lambda v: v >= bound, ">": lambda v: v > bound}
        known = [f for f in figures if f.known]
        lacking = [f for f in figures if not f.known]
        decided: list[tuple[Figure, bool]] = []
        for f in lacking:
            # A blank or disputed total still has its parts: their sum is a lower bound that may settle it.
            least = self._lower_bound(f, query.measures[0])
            verdict = None if least is None else _settles(cmp, bound, least)
            if verdict is not None:
                decided.append((f, verdict))
        settled = {id(f) for f, _ in decided}
        lacking = [f for f in lacking if id(f) not in settled]
        hits = sorted((f for f in known if tests[cmp](f.value or 0)), key=lambda f: (f.agency, f.year or 0))
        hits += [f for f, hit in decided if hit]
        word = {"<": "少于", "<=": "不超过", "=": "等于", ">=": "不少于", ">": "大于"}[cmp]
        which = listed([f"{name(f)}（{format_number(f.value) if f.known else '按各项之和判断'}）" for f in hits], "、")
        text = f"「{query.measures[0].label()}」{word} {format_number(bound)} 的报告有 {len(hits)} 份" + (f"：{which}" if hits else "")
        if lacking:
            text += (f"。另有 {len(lacking)} 份报告该项未能可靠读出或印的总计与其各项之和不符"
                     f"（{'、'.join(name(f) for f in lacking[:6])}），未计入")
        answer = self._answer(question, text, len(hits) if not lacking else None, "份", hits, query, scope)
        if lacking:
            answer.abstained, answer.reason = True, "部分报告的该项未能可靠读出，份数不确定"
        return answer

    def _lower_bound(self, figure: Figure, measure: Measure) -> float | None:
        """The sum of a total's filled-in parts (applicant columns, or 复议/诉讼 results): at least that many."""
        group = {"申请": "六类申请人之和", "复议诉讼": "四类结果之和"}.get(measure.table)
        if group is None or measure.col not in (None, "总计") or not figure.complete:
            return None
        [parts] = read_figures(self.db, [Measure(measure.table, measure.row, group)], [figure.report_id])
        values = [c["value"] for c in parts.cells if c["value"] is not None]
        return float(sum(values)) if parts.complete and values and all(v >= 0 for v in values) else None

    @staticmethod
    def _part(figure: Figure, query: Query) -> str:
        """How a figure is named in a formula: by its report when reports differ, else by its row/column."""
        measures = list(query.measures) + list(query.denominators)
        if len(measures) > 1 and figure.measure < len(measures):
            return _label(figure, measures[figure.measure])
        return name(figure)


def _settles(cmp: str, bound: float, least: float) -> bool | None:
    """Whether a figure known only to be at least `least` meets `cmp bound` (None: it cannot be told)."""
    if least > bound and cmp in ("=", "<=") or least >= bound and cmp == "<":
        return False
    if least > bound and cmp == ">" or least >= bound and cmp == ">=":
        return True
    return None


def table_rows(figures: list[Figure], query: Query) -> list[dict[str, Any]]:
    """The cells behind an answer as tidy rows (agency, year, table, row, column, value, unit, report, page, quote)."""
    return [
        {"agency": f.agency, "year": f.year, "table": _table(query, f.measure), "row": c["row"], "column": c["col"],
         "value": _plain(c["value"]), "unit": c["unit"], "report": f.report_id, "page": c["page"], "quote": c["quote"]}
        for f in figures for c in f.cells
    ]


def _rate_of(figures: list[Figure], query: Query) -> tuple[float, str] | None:
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
    n = len(query.measures)
    numerators, denominators = figures[:n], figures[n:]
    whole = sum(f.value or 0 for f in denominators)
    if not whole or not numerators or not denominators:
        return None
    rate = _pct(sum(f.value or 0 for f in numerators) / whole)
    over = " + ".join(format_number(_plain(f.value)) for f in numerators)
    under = " + ".join(format_number(_plain(f.value)) for f in denominators)
    return rate, (f"{'(' + over + ')' if len(numerators) > 1 else over} ÷ "
                  f"{'(' + under + ')' if len(denominators) > 1 else under} = {rate}%")


def _measures_read(query: Query) -> list[Measure]:
    """The measures a query's figures are read for, in order (公开率 reads 予以公开, 部分公开 and 总计)."""
    if query.definition == "公开率":
        return [_FULL_DISCLOSURE, _PARTIAL, _TOTAL]
    return list(query.measures) + list(query.denominators)


def _table(query: Query, m: int) -> str:
    measures = list(query.measures) + list(query.denominators)
    if query.definition == "公开率":
        return "申请"
    return measures[m].table if m < len(measures) else "申请"


def _label(figure: Figure, measure: Measure) -> str:
    """The row and column as the report's cells name them (both template versions map to the measure)."""
    if len(figure.cells) == 1:
        return f"{figure.cells[0]['row']} · {figure.cells[0]['col']}"
    return measure.label() if measure.col else f"{measure.row} · {figure.cells[0]['col'] if figure.cells else '总计'}"


def _zero(question: str, figure: Figure, scope: Scope) -> Answer:
    return abstain(question, f"{name(figure)}的分母为 {format_number(figure.value)}，无法计算比率", scope)

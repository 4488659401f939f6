"""Render a table `Result` as an `Answer`: the sentence, the figure, its formula, a citation per cell, the tidy rows.

The only code that words a computed answer (`qa.render` words the Plans that give no figure). Every kind of
`Result` that `execute` returns has one writer here.
"""

from __future__ import annotations

from collections.abc import Callable

from qa.answer import Answer, abstain, format_number
from qa.cellsql import Figure, cite, name, plain as _plain
from qa.execute import CHART_LIMIT, listed, summed_formula
from qa.query import Measure, Query
from qa.result import Result, measures_read, table_of, table_rows, unit_of

_CMP = {"<": "少于", "<=": "不超过", "=": "等于", ">=": "不少于", ">": "大于"}


def short_names(figures: list[Figure]) -> tuple[str, Callable[[Figure], str]]:
    """Figures of one agency over several years are named by year, after the agency once."""
    if len({f.agency for f in figures}) == 1 and len({f.year for f in figures}) == len(figures) and all(f.year for f in figures):
        return f"{figures[0].agency}：", lambda f: f"{f.year}年"
    return "", name


def _label(figure: Figure, measure: Measure) -> str:
    """The row and column as the report's cells name them (both template versions map to the measure)."""
    if len(figure.cells) == 1:
        return f"{figure.cells[0]['row']} · {figure.cells[0]['col']}"
    return measure.label() if measure.col else f"{measure.row} · {figure.cells[0]['col'] if figure.cells else '总计'}"


def _part(figure: Figure, query: Query) -> str:
    """How a figure is named in a formula: by its report when reports differ, else by its row/column."""
    measures = list(query.measures) + list(query.denominators) + list(query.minus)
    if len(measures) > 1 and figure.measure < len(measures):
        return _label(figure, measures[figure.measure])
    return name(figure)


def _answer(r: Result, question: str, text: str, figures: list[Figure] | None = None, chart: bool = False) -> Answer:
    figures = r.figures if figures is None else figures
    citations = [c for f in figures for c in cite(f, table_of(r.query, f.measure))]
    answer = Answer(question=question, answer=text, value=_plain(r.value), unit=r.unit if r.value is not None else None,
                    route="table", citations=citations, scope=r.scope, formula=r.formula, query=r.query)
    if chart:
        _, short = short_names(figures)
        answer.chart = [{"label": short(f), "value": _plain(f.value)} for f in figures][:CHART_LIMIT]
    answer.rows = table_rows(figures, r.query)
    if r.formula and r.value is not None:
        answer.rows.append({"agency": "", "year": None, "table": "计算", "row": text.split("（")[0], "column": r.formula,
                            "value": _plain(r.value), "unit": r.unit, "report": "", "page": None, "quote": ""})
    return answer


def _declined(r: Result, question: str, reason: str) -> Answer:
    answer = abstain(question, reason, r.scope)
    answer.query = r.query
    return answer


def _missing(r: Result, question: str) -> Answer:
    labels = {i: m.label() for i, m in enumerate(measures_read(r.query))}
    doubts = r.facts["doubts"]

    def why(f: Figure) -> str:
        if f.disputed:
            return f"印的总计与其各项之和不符（{doubts.get(id(f)) or '见核对结果'}）"
        return "一栏为空" if f.complete else "未能从报告中可靠读出"

    what = "；".join(f"{name(f)}「{labels.get(f.measure, '')}」{why(f)}" for f in r.facts["lacking"][:6])
    known = r.figures
    shown = "；".join(f"{name(f)} {format_number(f.value)}{unit_of(f)}" for f in known[:8])
    answer = _declined(r, question, what)
    answer.answer = f"无法给出可靠的数字：{what}" + ("。" if not shown else f"。已读出的：{shown}。")
    answer.route = "table"
    answer.citations = [c for f in known for c in cite(f, table_of(r.query, f.measure))]
    answer.rows = table_rows(known, r.query)
    return answer


def _one(r: Result, question: str) -> Answer:
    [figure], measure = r.figures, r.query.measures[0]
    if r.kind == "blank_summed":
        blank = r.facts["blank"]
        text = (f"{name(blank)}报告中「{_label(blank, measure)}」{_unfilled(blank)}；按六类申请人之和计算为 "
                f"{format_number(r.value)}{r.unit}（{r.formula}）")
        return _answer(r, question, text)
    if r.kind == "blank":
        return _answer(r, question, f"{name(figure)}报告中「{_label(figure, measure)}」一栏为空（未填写）。")
    if r.kind == "disputed":
        # The printed total, said as printed, with the finding that its parts do not add up to it.
        detail = r.facts["detail"]
        text = (f"报告印的是 {format_number(_plain(figure.value))}{r.unit}（{name(figure)}，{measure.table}表「{_label(figure, measure)}」），"
                f"但这一总计与其各项之和不符，数据自相矛盾" + (f"：{detail}" if detail else "")
                + f"。可问「{name(figure)}的{measure.table}表有问题吗？」查看全部核对结果。")
        answer = _answer(r, question, text)
        answer.abstained, answer.reason = True, "表格印的总计与其各项之和不符"
        return answer
    return _answer(r, question, f"{format_number(r.value)}{r.unit}（{name(figure)}，{measure.table}表「{_label(figure, measure)}」）")


def _sum(r: Result, question: str) -> Answer:
    parts = [f"{_part(f, r.query)} {format_number(f.value)}" for f in r.figures]
    return _answer(r, question, f"合计 {format_number(r.value)}{r.unit}（{listed(parts)}）", chart=True)


def _combination(r: Result, question: str) -> Answer:
    n = len(r.query.measures)
    named = " + ".join(f"{_part(f, r.query)} {format_number(f.value)}" for f in r.figures[:n]) + "".join(
        f" − {_part(f, r.query)} {format_number(f.value)}" for f in r.figures[n:])
    return _answer(r, question, f"{format_number(r.value)}{r.unit}（{name(r.figures[0])}：{named}）")


def _difference(r: Result, question: str) -> Answer:
    first, second = r.figures
    prefix, short = short_names(r.figures) if len(r.query.measures) == 1 else ("", name)
    a, b = (short(first), short(second)) if prefix else (_part(first, r.query), _part(second, r.query))
    word, unit = ("多" if r.facts["diff"] >= 0 else "少"), r.unit
    size = format_number(abs(r.facts["diff"]))
    signed = f"；变化 {format_number(r.facts['diff'])}{unit}" if r.query.signed else ""
    text = f"{prefix}{b}比{a}{word} {size}{unit}（{a} {format_number(first.value)}{unit}；{b} {format_number(second.value)}{unit}{signed}）"
    return _answer(r, question, text, chart=True)


def _rate(r: Result, question: str) -> Answer:
    figures, query = r.figures, r.query
    if r.kind == "open_rate_without_partial":
        text = (f"{name(figures[0])}公开率 {r.value}%（按「予以公开 ÷ 办理结果总计」：{r.formula}）；"
                f"部分公开一栏未能读出，含部分公开的公开率无法计算。")
        return _answer(r, question, text)
    if r.kind == "open_rate":
        full, partial, total = figures
        f1 = f"{format_number(full.value)} ÷ {format_number(total.value)} = {r.facts['primary']}%"
        f2 = f"({format_number(full.value)} + {format_number(partial.value)}) ÷ {format_number(total.value)} = {r.facts['both']}%"
        with_partial = "含部分公开" in (query.topic or "")
        text = (f"{name(full)}公开率{'（含部分公开）' if with_partial else ''} {r.value}%。"
                f"按「予以公开 ÷ 办理结果总计」计算为 {f1}；把部分公开也算作公开，"
                f"按「(予以公开 + 部分公开) ÷ 办理结果总计」计算为 {f2}。")
        return _answer(r, question, text)
    n, d = len(query.measures), len(query.denominators)
    numerators, denominators, less = figures[:n], figures[n : n + d], figures[n + d :]
    a = " + ".join(_part(f, query) for f in numerators)
    b = " + ".join(_part(f, query) for f in denominators) + "".join(f" − {_part(f, query)}" for f in less)
    a, b = (f"({a})" if len(numerators) > 1 else a), (f"({b})" if len(denominators) + len(less) > 1 else b)
    return _answer(r, question, f"{r.value}%（{name(denominators[0])}：{a} ÷ {b}，{r.formula}）")


def _rate_change(r: Result, question: str) -> Answer:
    a, b = name(r.facts["first"]), name(r.facts["second"])
    (r1, r2), (f1, f2) = r.facts["rates"], r.facts["formulas"]
    word = "高" if r.facts["change"] >= 0 else "低"
    size = format_number(abs(r.facts["change"]))
    signed = f"，变化 {format_number(r.facts['change'])} 个百分点" if r.query.signed else ""
    answer = _answer(r, question, f"{b}比{a}{word} {size} 个百分点（{a}：{f1}；{b}：{f2}{signed}）")
    answer.chart = [{"label": a, "value": r1}, {"label": b, "value": r2}]
    return answer


def _pooled_rate(r: Result, question: str) -> Answer:
    who = listed(list(dict.fromkeys(name(f) for f in r.figures)), "、")
    return _answer(r, question, f"{r.value}%（{who}合并计算：{r.formula}；各项为各报告之和）")


def _growth(r: Result, question: str) -> Answer:
    before, after = r.figures
    word = "增长" if (r.value or 0) >= 0 else "下降"
    text = (f"{after.agency}{after.year}年比{before.year}年{word} {abs(r.value or 0)}%"
            f"（{before.year}年 {format_number(before.value)}{unit_of(before)}，{after.year}年 {format_number(after.value)}{unit_of(after)}；{r.formula}）")
    return _answer(r, question, text, chart=True)


def _multiple(r: Result, question: str) -> Answer:
    before, after = r.figures
    text = f"{format_number(r.value)}倍（{_part(after, r.query)} {format_number(after.value)} ÷ {_part(before, r.query)} {format_number(before.value)}）"
    return _answer(r, question, text)


def _average(r: Result, question: str) -> Answer:
    figures, per = r.figures, r.query.per
    if per:
        word = {"quarter": "每季度", "month": "每月", "day": "每天"}[per]
    else:
        word = "每份报告" if len({f.agency for f in figures}) > 1 else "每年"
    days = r.facts["days"]
    calendar = ("；按日历天数计：" + "、".join(f"{f.year}年 {d} 天" for f, d in zip(figures, days, strict=True))
                + "，工作日数报告未给出") if days else ""
    shown = listed([f"{name(f)} {format_number(f.value)}" for f in figures])
    return _answer(r, question, f"平均{word} {format_number(r.value)}{r.unit}（{r.formula}；{shown}{calendar}）")


def _median(r: Result, question: str) -> Answer:
    shown = listed([f"{name(f)} {format_number(f.value)}" for f in r.figures])
    text = f"中位数 {format_number(r.value)}{r.unit}（{len(r.figures)} 份报告从小到大：{shown}；{r.formula}）"
    return _answer(r, question, text, chart=True)


def _trend(r: Result, question: str) -> Answer:
    ordered: list[Figure] = r.facts["all"]
    unit = r.unit
    same_agency = len({f.agency for f in ordered}) == 1
    label = (lambda f: f"{f.year}年") if same_agency else name

    def shown(f: Figure) -> str:
        if f.known:
            return f"{format_number(_plain(f.value))}{unit}"
        if f.disputed and f.value is not None:  # a list shows what is printed, flagged
            return f"{format_number(_plain(f.value))}{unit}（印的总计，与其各项之和不符）"
        return "未能读出" if not f.complete else "空"

    series = listed([f"{label(f)} {shown(f)}" for f in ordered])
    first = r.query.measures[0].label()
    prefix = f"{ordered[0].agency}「{first}」：" if same_agency else f"「{first}」："
    answer = _answer(r, question, prefix + series)
    answer.chart = [{"label": label(f), "value": _plain(f.value)} for f in ordered if f.known][:CHART_LIMIT]
    if any(not f.known and not (f.disputed and f.value is not None) for f in ordered):
        answer.abstained, answer.reason = True, "部分报告的该项未能可靠读出，列表不完整"
    return answer


def _per_report(r: Result, question: str) -> Answer:
    answers = [render_result(p, question) for p in r.parts]
    answer = Answer(question=question, answer="；".join(a.answer for a in answers), route="table", scope=r.scope,
                    citations=[c for a in answers for c in a.citations], query=r.query)
    answer.chart = [{"label": a.answer.split("（")[0], "value": a.value} for a in answers if a.value is not None]
    return answer


def _count(r: Result, question: str) -> Answer:
    rows, files = r.facts["rows"], r.facts["files"]
    years = sorted({y for _, _, ys in rows for y in ys if y})
    by_agency = listed([f"{agency} {count} 份（{'、'.join(f'{y}年' for y in ys if y)}）" for agency, count, ys in rows])
    text = (f"语料中有 {r.value} 份报告，来自 {len(rows)} 个机关，年份 {'、'.join(str(y) for y in years)}：{by_agency}。"
            f"（共 {files} 个文件，同一份报告的 PDF 与文本版只算一份。）")
    return Answer(question=question, answer=text, value=_plain(r.value), unit="份", route="table", scope=r.scope, query=r.query)


def _count_where(r: Result, question: str) -> Answer:
    cmp, bound, lacking = r.facts["cmp"], r.facts["bound"], r.facts["lacking"]
    which = listed([f"{name(f)}（{format_number(f.value) if f.known else '按各项之和判断'}）" for f in r.figures], "、")
    hits = len(r.figures)
    text = f"「{r.query.measures[0].label()}」{_CMP[cmp]} {format_number(bound)} 的报告有 {hits} 份" + (f"：{which}" if hits else "")
    if lacking:
        text += (f"。另有 {len(lacking)} 份报告该项未能可靠读出或印的总计与其各项之和不符"
                 f"（{'、'.join(name(f) for f in lacking[:6])}），未计入")
    answer = _answer(r, question, text)
    if lacking:
        answer.abstained, answer.reason = True, "部分报告的该项未能可靠读出，份数不确定"
    return answer


def _rank(r: Result, question: str) -> Answer:
    from qa.render_ranking import rank, rank_changes, rank_rates

    return {"rank": rank, "rank_rates": rank_rates, "rank_changes": rank_changes}[r.kind](r, question, _answer)


_DECLINED = {
    "not_two": "比较比率的变化需要恰好两份报告（两个年份或两个机关）",
    "unpaired": "同比计算需要同一机关相邻两年的报告",
    "no_numerator": "没有识别出比率的分子",
    "no_rates": "没有可比较的比率（所需数字未能读出或分母为 0）",
    "no_changes": "没有相邻两年都能读出的数字",
    "nothing_to_rank": "没有可比较的数字",
}
_WRITERS: dict[str, Callable[[Result, str], Answer]] = {
    "missing": _missing, "combination": _combination, "value": _one, "blank": _one, "blank_summed": _one, "disputed": _one, "sum": _sum,
    "difference": _difference, "rate": _rate, "open_rate": _rate, "open_rate_without_partial": _rate,
    "rate_change": _rate_change, "pooled_rate": _pooled_rate, "growth": _growth, "multiple": _multiple,
    "average": _average, "median": _median, "trend": _trend, "per_report": _per_report, "count": _count,
    "count_where": _count_where, "rank": _rank, "rank_rates": _rank, "rank_changes": _rank,
}


def _unfilled(blank: Figure) -> str:
    """How a total that had to be summed was printed: blank, or (a row of a group) not read at all."""
    return "一栏为空（未填写）" if blank.complete else "有的项未能读出"


def _summed_note(r: Result) -> str:
    """「上海市人民政府办公厅2019年「不予处理」一栏为空（未填写），按六类申请人之和计：…」 for each total so filled."""
    notes = []
    for blank, summed in r.facts.get("summed_blanks", [])[:4]:
        measure = measures_read(r.query)[blank.measure]
        notes.append(f"{name(blank)}「{measure.label()}」{_unfilled(blank)}，按六类申请人之和计：{summed_formula(summed)}")
    return ("（" + "；".join(notes) + "；空栏按 0 计，因表中（七）总计等于印出的各栏之和）") if notes else ""


def render_result(r: Result, question: str) -> Answer:
    """The answer a Result reads as (`question`: the words to echo back in the Answer, never parsed)."""
    if r.kind == "check" and r.answer is not None:
        r.answer.query = r.query
        return r.answer
    if r.kind == "zero":
        figure = r.figures[0]
        return _declined(r, question, f"{name(figure)}的分母为 {format_number(figure.value)}，无法计算比率")
    if r.kind in _DECLINED:
        return _declined(r, question, _DECLINED[r.kind])
    answer = _WRITERS[r.kind](r, question)
    if (note := _summed_note(r)) and not answer.abstained:
        answer.answer += note
    answer.query = r.query
    answer.scope = r.scope
    return answer

"""Questions over any report's own tables: a measure is a printed row label, the column is the period asked.

Used for reports that are not 政府信息公开 reports (annual reports, budgets, statistical bulletins …). A figure
is given only when every word of the question is accounted for — a row label (or its everyday name in
`qa.formulas.SYNONYMS`), a formula of the library, a period or entity word, or a function word; otherwise
`answer_any` returns None and the caller reads the prose (which has its own guards). Two tables that print
different values for the same row and period give no figure: the candidates are listed instead. Which cell a
name and a period mean is `qa.anycells`; this module reads the question's structure and writes the answer.
"""

from __future__ import annotations

import re
from typing import cast

from corpus import Report
from corpus.about import RESEARCH
from corpus.anytables import TableCell
from qa.answer import Answer, Citation, Scope
from qa.anycells import (
    Pick,
    Unclear,
    find_measures,
    growth_cell,
    labels_of,
    levels,
    named,
    operand,
    pick,
    row_and_column,
    without_places,
)
from qa.anyfacts import code_answer, fact_answer, who
from qa.anyratio import one_measure_of_several, share_of_row_total, user_ratio
from qa.formulas import (
    BOTH,
    CHANGE,
    COLUMN_WORDS,
    FORMULAS,
    FUNCTION,
    GROWTH,
    PARENT,
    PRIOR,
    SAID_WITH,
    STATEMENT_NAMED,
    SYNONYMS,
    Formula,
    norm_label,
)
from qa.misspelt import misspelt
from qa.said import unsaid

_CHANGE_WORDS = r"增长|增加|减少|下降|降低|上升|增幅|降幅|涨幅|跌幅|增速|变化|变动|相比|比上年|比去年|较上年|多了|少了|降了|涨了|跌了|同比|环比"
_ASKED_UNIT = re.compile(r"(?:多少|几)\s*(?:百万|千万|万|亿|千)?(元|人|户|家|台|辆|吨|亩|套)")
_QUARTER = re.compile(r"第?([一二三四1-4])\s*季度(?![（(\d])|[Qq]([1-4])(?!\d)")
_QUARTER_HEAD = re.compile(r"第[一二三四]季度")
_NOT_MEANT = re.compile(r"[（(]\s*(?:而)?(?:不是|并非)(?:指)?([\u4e00-\u9fff]{1,12})[）)]")
_SCALE = {"万元": 1e4, "亿元": 1e8, "百万元": 1e6, "千元": 1e3, "千万元": 1e7}






class _AsOf:
    """A research report read as of another year than its own: its columns run over years (2023A, 2024E …)."""

    def __init__(self, report: Report, year: int) -> None:
        self._report, self.year = report, year

    def __getattr__(self, name: str) -> object:
        return getattr(self._report, name)


def as_of(report: Report, years: tuple[int, ...]) -> Report:
    """The report as asked: a research report as of the one year asked of its columns, any other as it is."""
    if report.kind == RESEARCH and len(years) == 1 and years[0] != report.year:
        return cast(Report, _AsOf(report, years[0]))
    return report


def answer_any(question: str, content: str, report: Report) -> Answer | None:
    """The answer from the report's tables, or None when the question is not understood in full."""
    if report.kind == RESEARCH:  # 「国元预测比亚迪2025年…」: a forecast is what its columns (2025E) hold
        content = re.sub(r"(?:财务|盈利)?(?:预测|预计|预期|估计|预估)表?|财务报表|(?:后面|后附|附后|最后|末尾)的?", " ", content)  # 「财务预测表」: the forecast page
    if report.kind in ("部门预算", "部门决算"):  # 「2026年预算的项目支出」: the word names the report (not 「决算数」, a column)
        wholes = sorted((n for n in SYNONYMS if report.kind[-2:] in n and n in content), key=len, reverse=True)
        pattern = "|".join([*map(re.escape, wholes), rf"(?:部门|单位)?{report.kind[-2:]}(?!数)"])  # 「支出总预算」 stays whole
        content = re.sub(pattern, lambda m: m.group() if m.group() in wholes else "", content)
    if _years_compared(question, report):  # 「邮储19年净利润比18年多多少」: the side left after the years is the year before
        content = re.sub(r"(?:比|较)\s*(?=多|少|增加|减少|增长|下降|高|低|降|涨)", "比上年", content, count=1)
    not_meant = _NOT_MEANT.search(content)  # 「手续费及佣金收入（不是净收入）」: the row is read as named, never the one excluded
    content = _NOT_MEANT.sub(" ", content)
    labels = labels_of(report)
    content = STATEMENT_NAMED.sub("", content) if not PARENT.search(content) else content
    own = user_ratio(content, labels)  # the user's own division wins: 「用管理费用除以营业收入，管理费用率是多少」
    formula = own[0] if own else next((f for f in FORMULAS if re.search(f.words, content)), None)
    asked = own[1] if own else re.sub(formula.words, " ", content) if formula else content
    columns = set().union(*(levels(c) for t in report.tables for c in t.columns))
    asked = _QUARTER.sub(lambda m: _quarter_column(m, columns), asked)  # 「三季度」: the column printed 第三季度（7-9月份）
    if len(_QUARTER_HEAD.findall(asked)) == 2:
        asked = re.sub(r"(?:相)?差(?:了|距)?(?=多少|几)|环比", " ", asked)  # 「一季度和四季度…差了多少」: a difference asked
    misread = None
    for naming, words in SAID_WITH.items():  # 「分红方案…每10股派多少现金」: the dividend's own words
        asked = re.sub(words, " ", asked) if re.search(naming, asked) else asked
    measures, rest = find_measures(asked, labels)
    for word, printed in sorted(COLUMN_WORDS.items(), key=lambda w: -len(w[0])):  # 「口蹄疫疫苗卖了多少」: its 销售量
        if word in rest and printed in columns and printed not in rest:  # 「库存量」 says its column (not 库存 + 量)
            rest = rest.replace(word, f" {printed} ")
    printed_units = sorted({u for c in report.table_cells if (u := c.unit) and len(u) > 1 and not u.endswith("元")}, key=len, reverse=True)
    asked_unit = re.search(rf"(?:多少|几)\s*({'|'.join(map(re.escape, printed_units))})", rest) if printed_units else None
    rest = rest.replace(asked_unit.group(0), " ") if asked_unit else rest  # 「销量是多少万毫升」: the unit its row prints
    left = re.findall(r"[\u4e00-\u9fffA-Za-z]+", FUNCTION.sub(" ", without_places(rest, report)))
    if (not measures or not all(word in columns for word in left)) and formula is None:
        fixed, misread = misspelt(asked, labels)  # 「在建工成」: one character a homophone of a printed label's
        if misread is not None:
            measures, rest = find_measures(fixed, labels)
            left = re.findall(r"[\u4e00-\u9fffA-Za-z]+", FUNCTION.sub(" ", without_places(rest, report)))
    if formula is None and not measures:
        return fact_answer(question, content, report) or code_answer(question, content, report)
    if formula is None:  # a text cell whose label explains every word (「投资者关系邮箱」: 投资者 is no row asked)
        fact = fact_answer(question, content, report)
        if fact is not None:
            return fact
    # 「金融机构贷款余额」: a word of three characters or more that the title of the table read says (「金融机构信贷收支
    # 情况」) is what the table is of — checked on the cell picked, not on any table the row is in
    titles = {t.number: t.title for t in report.tables}
    operands = [n for f in ((*(m for m, _ in formula.numerator), formula.denominator) if formula else ())
                for n in (f, *SYNONYMS.get(f, ()))]  # 「金融机构贷存比」: the table of the formula's rows says 金融机构
    titled = [w for w in left if len(w) >= 3 and any(w in titles.get(c.table, "") for n in [*(n for m in measures for n in m),
                                                                                          *operands] for c in labels.get(n, ()))]
    left = [w for w in left if w not in titled]
    if titled:  # read from the tables so titled only (「一般公共预算基本支出」: 基本支出 of the 一般公共预算 table)
        labels = {n: kept for n, cells in labels.items()
                  if (kept := [c for c in cells if all(w in titles.get(c.table, "") for w in titled)])}
    if formula is not None and not own and measures and not all(operand(m, formula) for m in measures):
        # 「冷冻设备和罐式集装箱毛利率」: the rows' own table prints the ratio as a column (毛利率（%）) — read, not computed
        ratio_column = _printed_head(cast(re.Match[str], re.search(formula.words, content)).group(), measures, labels, report)
        if ratio_column is None:
            return None  # 「货币资金的毛利率」: a figure named beside a formula must be one it is computed from
        formula, left = None, [*left, ratio_column]
    if not all(word in columns for word in left):
        return None  # words no element accounts for: the prose may say them
    if formula is None and re.search(r"占|比例|比重|百分比|几成", rest) and not GROWTH.search(content):
        shared = share_of_row_total(measures[0], labels, report, bool(PARENT.search(content))) \
            if len(measures) == 1 and re.search(r"占比|比重", rest) and not re.search(r"占(?!比)", rest) else None
        return _share_answer(question, report, *shared) if shared else None  # 「A占B的比例」 unread: not A's own figure
    if re.search(_CHANGE_WORDS, rest) and not (GROWTH.search(content) or CHANGE.search(content)):
        return None  # 「和2023年相比…下降了百分之几」 in a shape not read: not the level
    hint = tuple(left)  # the rest names a column (「决算数」, 「期末余额」): the column must say it
    measures, named = row_and_column(measures, report, labels)  # 「冷冻设备和罐式集装箱的营业收入」: 营业收入 heads a column
    hint += named
    # a period word outside the rows' names (「年初结转和结余」: 年初 in the row's own name is no period)
    prior = bool(PRIOR.search(rest)) or bool(re.search(r"\d\s*年初", question)) or (report.year is not None and f"{report.year - 1}年" in question
                                             and f"{report.year}年" not in question)
    parent = bool(PARENT.search(content))
    if titled and (GROWTH.search(content) or CHANGE.search(content)):  # (a formula reads the titled tables' rows only)
        return None
    try:
        if formula is not None:
            computed = _formula_answer(question, report, formula, labels, prior, parent, hint)
            rows = find_measures(formula.name, labels)[0] if computed is None and not own and not measures else []
            row = pick(rows[0], labels, report, prior, parent, hint) if len(rows) == 1 else None  # 「流动比率」 printed
            return _values_answer(question, report, [row], prior) if row is not None else _noted(computed, misread)
        quarters = [w for w in hint if _QUARTER_HEAD.match(w)]
        if len(measures) == 1 and len(quarters) == 2:  # 「三季度营收比二季度涨了多少」, 「一季度和四季度…差了多少」
            return _between(question, report, measures[0], labels, parent, hint, quarters, bool(GROWTH.search(content)))
        if GROWTH.search(content) or CHANGE.search(content):
            if len(measures) != 1 or (prior and not PRIOR.search(content)):
                return None  # 「2023年…同比」 asked of a 2024 report: its columns hold 2023 but not the year before it
            growth = bool(GROWTH.search(content))
            changed = _change_answer(question, report, measures[0], labels, parent, growth, hint)
            if changed is None and growth and not prior:  # 「增速」 of a bulletin's row: its printed 比上年增长（%）
                changed = _printed_growth(question, report, measures[0], labels, parent)
            return _noted(changed, misread)
        if len(measures) > 1 and not BOTH.search(content) and not re.search(r"[和、及与]", content):
            return None
        heads = [w for w in hint if w in columns]  # 「口蹄疫疫苗生产量和销售量各是多少」: one row, two columns
        if len(measures) == 1 and len(heads) > 1 and (BOTH.search(content) or re.search(r"[和、及与]", content)):
            picks = [pick(measures[0], labels, report, prior, parent, (*(w for w in hint if w not in heads), h)) for h in heads]
        else:
            picks = [pick(m, labels, report, prior, parent, hint) for m in measures]
    except Unclear as unclear:
        return _unclear_answer(question, report, unclear)
    if any(p is None for p in picks) or any(w not in p.table.title for p in picks if p is not None for w in titled):
        return None
    if not_meant and any(not_meant[1] in p.cell.row for p in picks if p is not None):
        return None
    unit = _ASKED_UNIT.search(question)
    if asked_unit and any(p.cell.unit != asked_unit.group(1) for p in picks if p is not None):
        return None  # 「多少万毫升」 answered in 万头份: not the thing asked
    if unit and any(p.cell.unit and not p.cell.unit.endswith(unit.group(1)) for p in picks if p is not None):
        return None  # 「…分别多少元」 answered with 城镇 1,654,272 人 (户籍人口's row): not the thing asked
    if len({p.cell.unit for p in picks if p is not None}) > 1 and one_measure_of_several(content, report):
        return None  # one measure of two things (「城镇、农村…人均可支配收入各多少」) in two units (人, 元): one misread
    return _noted(_values_answer(question, report, [p for p in picks if p is not None], prior), misread)


def _printed_head(word: str, measures: list[tuple[str, ...]], labels: dict[str, list[TableCell]], report: Report) -> str | None:
    """The column level, as printed, that names the word (「毛利率（%）」 for 毛利率) in a table every measure is a row of."""
    tables = set.intersection(*({c.table for name in m for c in labels.get(name, ())} for m in measures))
    heads = {level for t in report.tables if t.number in tables for c in t.columns for level in map(str.strip, c.split("/"))
             if re.sub(r"[（(]?[%％][）)]?|\s", "", level) == word}
    return re.sub(r"\s", "", next(iter(heads))) if len(heads) == 1 else None


def _years_compared(question: str, report: Report) -> bool:
    """Whether the question names the report's year and then the year before it (「19年…比18年」, 「2019年…较2018年」)."""
    if report.year is None:
        return False
    this, last = (rf"(?<!\d)(?:{y}|{y % 100:02d})\s*年" for y in (report.year, report.year - 1))
    return bool(re.search(rf"{this}.*?(?:比|较)\s*{last}", question))


def _noted(answer: Answer | None, misread: tuple[str, str] | None) -> Answer | None:
    """The answer with the reading of a misspelt word said first (「按「在建工程」理解「在建工成」」)."""
    if answer is None or misread is None:
        return answer
    note = f"（按「{misread[1]}」理解「{misread[0]}」）"
    answer.answer = note + answer.answer
    answer.understood = f"{answer.understood}{note}" if answer.understood else note
    return answer


def _number(value: float) -> str:
    """A figure with thousands separators and the decimals it has (2.102 stays 2.102; at least two, at most six)."""
    if abs(value - round(value)) < 1e-9:
        return f"{value:,.0f}"
    whole, _, decimals = f"{value:,.6f}".partition(".")
    return f"{whole}.{decimals.rstrip('0').ljust(2, '0')}"


def _fmt(value: float, unit: str | None) -> str:
    text = _number(value)
    scale = _SCALE.get(unit or "")
    shown = f"{text} {unit or ''}".rstrip()
    if scale:
        exact = value * scale
        shown += f"（即 {exact:,.0f} 元）" if abs(exact - round(exact)) < 1e-6 else f"（即 {exact:,.2f} 元）"
    return shown


def _cite(report: Report, pick: Pick) -> Citation:
    cell = pick.cell
    row, col = (cell.col, cell.row) if pick.table.transposed else (cell.row, cell.col)  # where it is printed
    return Citation(report.id, report.title, pick.table.title, cell.quote, 0, 0, cell.page,
                    {"table": pick.table.title, "row": row, "col": col})





def _answer(question: str, report: Report, text: str, value: float | None, unit: str | None, picks: list[Pick],
            understood: str, formula: str | None = None) -> Answer:
    return Answer(question=question, answer=text, value=value, unit=unit, route="table", citations=[_cite(report, p) for p in picks],
                  scope=Scope((report.id,), (report.agency,), (report.year,) if report.year else ()), formula=formula,
                  understood=f"理解为：{understood}")


def _in_asked_unit(question: str, value: float, unit: str | None) -> str:
    """「多少万元」 asked of a cell in 元: the figure in the unit asked too, exactly (「（即 17,191.52 万元）」)."""
    asked = re.search(r"(百万元|千万元|万元|亿元)|(?:多少|几)\s*(百万|千万|万|亿)(?=[？?。，,！!呢啊]|$)", question)
    wanted = (asked.group(1) or f"{asked.group(2)}元") if asked else ""  # 「少了多少亿」: in 亿元
    if not asked or unit not in ("元", *_SCALE) or wanted == unit:
        return ""
    converted = value * _SCALE.get(unit or "", 1) / _SCALE[wanted]  # EPS 13.56 元 is no amount in 亿元:
    return f"（即 {converted:,.2f} {wanted}）" if abs(converted) >= 0.01 else ""


def _values_answer(question: str, report: Report, picks: list[Pick], prior: bool) -> Answer:
    parts = [f"{named(p.cell)}为 {_fmt(p.cell.value, p.cell.unit)}{_in_asked_unit(question, p.cell.value, p.cell.unit)}"
             f"（{'，'.join(x for x in (p.table.title, p.cell.col) if x)}）" for p in picks]
    head = f"{who(report)}报告所列{report.year - 1}年：" if prior and report.year else who(report)  # the prior column
    text = head + "；".join(parts)
    first = picks[0].cell
    understood = f"{report.agency}{report.year or ''}年，" + "、".join(f"「{p.table.title}」中「{p.cell.row}」×「{p.cell.col}」"
                                                                        for p in picks)
    return _answer(question, report, text, first.value if len(picks) == 1 else None, first.unit if len(picks) == 1 else None,
                   picks, understood)


def _formula_answer(question: str, report: Report, formula: Formula, labels: dict[str, list[TableCell]], prior: bool,
                    parent: bool, hint: tuple[str, ...]) -> Answer | None:
    def one(measure: str) -> Pick | None:
        names = tuple(x for x in SYNONYMS.get(measure, ()) if x in labels) or (measure,)
        return pick(names, labels, report, prior, parent, hint)

    top = [(one(m), sign) for m, sign in formula.numerator]
    bottom = one(formula.denominator)
    if bottom is None or any(p is None for p, _ in top) or bottom.cell.value == 0:
        return None
    numerator = sum(sign * p.cell.value for p, sign in top if p is not None)
    ratio = numerator / bottom.cell.value
    value = ratio * 100 if formula.percent else ratio
    shown = f"{value:.2f}%" if formula.percent else f"{value:.2f}"
    terms = " ".join(f"{'+' if sign > 0 else '−'} {named(p.cell)} {_fmt(p.cell.value, p.cell.unit)}"
                     for p, sign in top if p is not None).lstrip("+ ")
    arithmetic = f"({terms}) ÷ {named(bottom.cell)} {_fmt(bottom.cell.value, bottom.cell.unit)}"
    arithmetic += " × 100%" if formula.percent else ""
    picks = [p for p, _ in top if p is not None] + [bottom]
    text = f"{who(report)}{formula.name}为 {shown}（{arithmetic} = {shown}）"
    understood = f"{report.agency}{report.year or ''}年{formula.name} = {arithmetic.replace(' × 100%', '')}"
    return _answer(question, report, text, round(value, 4), "%" if formula.percent else None, picks, understood,
                   formula=f"{arithmetic} = {shown}")


def _change_answer(question: str, report: Report, names: tuple[str, ...], labels: dict[str, list[TableCell]], parent: bool,
                   percent_first: bool, hint: tuple[str, ...]) -> Answer | None:
    # 「2024年营收跟2022年比」: the year named, not the year before, is what the change is from
    base = [int(y) for y in re.findall(r"(20\d\d)\s*年", question) if report.year and int(y) < report.year]
    then = cast(Report, _AsOf(report, base[0] + 1)) if len(base) == 1 else report
    now, before = pick(names, labels, report, False, parent, hint), pick(names, labels, then, True, parent, hint)
    if now is None or before is None or now.table.number != before.table.number or \
            (base and not re.match(rf"\s*{base[0]}", before.cell.col)):
        return None
    diff = now.cell.value - before.cell.value
    unit = now.cell.unit
    label = norm_label(now.cell.row)
    growth = diff / abs(before.cell.value) * 100 if before.cell.value else None
    amount = f"{'增加' if diff >= 0 else '减少'} {_fmt(abs(diff), unit)}{_in_asked_unit(question, abs(diff), unit)}"
    rate = f"{'增长' if diff >= 0 else '下降'} {abs(growth):.2f}%" if growth is not None else ""
    arithmetic = f"{_fmt(now.cell.value, unit)}（{now.cell.col}）− {_fmt(before.cell.value, unit)}（{before.cell.col}）"
    head, tail = (rate, amount) if percent_first and rate else (amount, rate)
    since = f"{base[0]}年" if base and report.year and base[0] != report.year - 1 else "上年"  # 「比2017年」, else 「比上年」
    text = f"{who(report)}{label}比{since}{head}（{tail}；{arithmetic}）"
    value, shown_unit = (round(growth, 4), "%") if percent_first and growth is not None else (round(diff, 2), unit)
    understood = f"{report.agency}「{now.table.title}」中「{now.cell.row}」，{now.cell.col} 与 {before.cell.col} 相比"
    return _answer(question, report, text, value, shown_unit, [now, before], understood, formula=arithmetic)


def _share_answer(question: str, report: Report, part: Pick, whole: Pick) -> Answer:
    share = part.cell.value / whole.cell.value * 100
    arithmetic = f"{_fmt(part.cell.value, part.cell.unit)} ÷ {_fmt(whole.cell.value, whole.cell.unit)} × 100%"
    text = f"{who(report)}{named(part.cell)}占{whole.cell.col}的 {share:.2f}%（{arithmetic}）"
    understood = f"{report.agency}「{part.table.title}」中「{part.cell.row}」，{part.cell.col} ÷ {whole.cell.col}"
    return _answer(question, report, text, round(share, 4), "%", [part, whole], understood, formula=arithmetic)


def _quarter_column(m: re.Match[str], columns: set[str]) -> str:
    """A quarter as its column's level (「三季度」, 「Q3」 -> 第三季度), or as asked where no column is a quarter's."""
    n = "一二三四"["一二三四1234".index(m[1] or m[2]) % 4]
    return f" 第{n}季度 " if f"第{n}季度" in columns else m[0]


def _between(question: str, report: Report, names: tuple[str, ...], labels: dict[str, list[TableCell]], parent: bool,
             hint: tuple[str, ...], quarters: list[str], growth: bool) -> Answer | None:
    """One row in two columns of its table, the first named against the second: the difference, or its growth (%)."""
    rest = tuple(h for h in hint if h not in quarters)
    first, second = (pick(names, labels, report, False, parent, (*rest, q)) for q in quarters)
    if first is None or second is None or first.table.number != second.table.number or (growth and not second.cell.value):
        return None
    diff, unit = first.cell.value - second.cell.value, first.cell.unit
    value, shown = (round(diff / abs(second.cell.value) * 100, 4), "%") if growth else (round(diff, 2), unit)
    arithmetic = f"{_fmt(first.cell.value, unit)}（{first.cell.col}）− {_fmt(second.cell.value, unit)}（{second.cell.col}）"
    amount = f"{'多' if diff >= 0 else '少'} {_fmt(abs(diff), unit)}"
    said = f"{'增长' if diff >= 0 else '下降'} {abs(value):.2f}%（{amount}；{arithmetic}）" if growth else f"{amount}（{arithmetic}）"
    text = f"{who(report)}{norm_label(first.cell.row)}：{first.cell.col}比{second.cell.col}{said}"
    understood = f"{report.agency}「{first.table.title}」中「{first.cell.row}」，{first.cell.col} 与 {second.cell.col} 相比"
    return _answer(question, report, text, value, shown, [first, second], understood, formula=arithmetic)


def _printed_growth(question: str, report: Report, names: tuple[str, ...], labels: dict[str, list[TableCell]],
                    parent: bool) -> Answer | None:
    """A row's growth as its table prints it (「比上年增长（%）」: 4.0), where no column holds the year before."""
    chosen = growth_cell(names, labels, report, parent)
    if chosen is None:
        return None
    cell, value = chosen.cell, chosen.cell.value
    printed = next((x.lstrip("-−") for x in re.findall(r"[-−]?\d+(?:\.\d+)?", cell.quote)
                    if abs(abs(float(x.replace("−", "-"))) - abs(value)) < 1e-9), f"{abs(value):g}")
    text = (f"{who(report)}{norm_label(cell.row)}比上年{'增长' if value >= 0 else '下降'} {printed}%"
            f"（{chosen.table.title}，{cell.col}，如表中所印）")
    understood = f"{report.agency}「{chosen.table.title}」中「{cell.row}」×「{cell.col}」"
    return _answer(question, report, text, value, "%", [chosen], understood)


def _unclear_answer(question: str, report: Report, unclear: Unclear) -> Answer:
    listed = "；".join(f"「{p.table.title}」{p.cell.col}：{_fmt(p.cell.value, p.cell.unit)}" for p in unclear.picks[:4])
    text = f"{report.agency}的报告中有几处「{unclear.measure}」，数值不同：{listed}。请指明要哪一张表的"
    answer = _answer(question, report, text, None, None, unclear.picks[:4], f"{report.agency}「{unclear.measure}」（多处，未定）")
    answer.abstained = True
    answer.reason = "同一栏目在几张表中数值不同"
    return answer




__all__ = ["answer_any", "unsaid"]


"""Which cell of a report's own tables a question names: row labels, column heads, periods, entity, table.

A measure is a printed row label (or an everyday name of `qa.formulas.SYNONYMS`), or a column head read on its
table's 合计 row; the column is the period asked (the report's year or the year before), the entity (consolidated
unless 母公司/银行 is asked) and any column word the question says. Two tables that print different values for
the same row and period raise `Unclear`: the caller lists the candidates instead of a figure. Used by
`qa.anyreport`, which reads the question and writes the answer.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from corpus import Report
from corpus.anytables import TableCell, TableInfo
from qa.formulas import FUNCTION, SYNONYMS, Formula, norm_label, short_label
from qa.shortnames import abbreviations

_STATEMENT = re.compile(r"(?:资产负债表|利润表|损益表|现金流量表|收支.{0,6}总表|收入.{0,6}总表)$")
_SUMMARY = re.compile(r"主要会计数据|主要财务指标|财务概要|主要财务数据|会计数据")
_NOT_PERIOD = re.compile(r"利息收入|利息支出|收益率|付息率|增减|变动|比例|占|%|附注|比上年|同比|增长|减少|比较|季度|半年|\d{1,2}月(?!\d{1,2}日)|\d{1,2}[-—]\d{1,2}月")
_CURRENT = re.compile(r"本期|本年|期末|年末|本报告期|决算数|预算数|金额")
_EARLIER = re.compile(r"上期|上年|期初|年初|上年同期")
_OTHER_ENTITY = re.compile(r"母公司|本行|银行(?!股份)")
@dataclass(frozen=True)
class Pick:
    """A cell chosen for a measure: the cell and its table."""

    cell: TableCell
    table: TableInfo


class Unclear(Exception):
    """Two tables (or two rows) print different values for what was asked: no figure, the candidates said."""

    def __init__(self, measure: str, picks: list[Pick]) -> None:
        super().__init__(measure)
        self.measure, self.picks = measure, picks


def row_and_column(measures: list[tuple[str, ...]], report: Report, labels: dict[str, list[TableCell]]
                    ) -> tuple[list[tuple[str, ...]], tuple[str, ...]]:
    """A name that heads a column of the table the other names are rows of is that column, not another row."""
    if len(measures) < 2:
        return measures, ()
    for measure in measures:
        others = [m for m in measures if m is not measure]
        tables = [{c.table for name in m for c in labels.get(name, []) if not heads_total(c, name)} for m in others]
        shared = set.intersection(*tables) if tables else set()
        heads = {level for t in report.tables if t.number in shared for c in t.columns for level in levels(c)}
        named = [name for name in measure if name in heads]
        if named:
            return others, (named[0],)
    return measures, ()


def operand(printed: tuple[str, ...], formula: Formula) -> bool:
    """Whether a measure the question names is one the formula divides (「毛利率（按营业收入和营业成本算）」)."""
    names = [m for m, _ in formula.numerator] + [formula.denominator]
    return any(set(printed) & {name, *SYNONYMS.get(name, ())} for name in names)


_TOTAL_ROWS = ("合计", "总计")
_CODE_LEVELS = re.compile(r"^(?:类|款|项|金额|预算数|决算数|本年|本期)$")


def head(col: str) -> str:
    """The last printed level of a column path that names something (「支出预算 / 项目支出 / 项」 -> 项目支出)."""
    levels = [x.strip() for x in col.split("/") if x.strip() and not _CODE_LEVELS.match(x.strip())]
    return levels[-1] if levels else ""


def heads_total(cell: TableCell, name: str) -> bool:
    """Whether the cell is a total row's value under a column the name heads (「项目支出」 in a 合计 row)."""
    return norm_label(cell.row) in _TOTAL_ROWS and head(cell.col) == name


def named(cell: TableCell) -> str:
    """How the answer names a cell: its row, or its column where the row is a total (「项目支出」, not 「合计」)."""
    row = norm_label(cell.row)
    name = head(cell.col)
    return f"{name}（{row}）" if row in _TOTAL_ROWS and name and name not in _TOTAL_ROWS else row


def one_measure(side: str, labels: dict[str, list[TableCell]]) -> str | None:
    """The one printed row (or everyday name) a side of a division names, with nothing else; None otherwise."""
    found, rest = find_measures(side, labels)
    if len(found) != 1 or re.search(r"[\u4e00-\u9fff]", FUNCTION.sub("", rest)):
        return None
    return found[0][0]


def label_index(cells: Iterable[TableCell]) -> dict[str, list[TableCell]]:
    """Printed row labels -> their cells; a column's name -> its total-row cells, where no row is so named.

    A budget's 「项目支出」 heads a column of 支出预算总表, whose 合计 row holds the department's total.
    """
    cells = list(cells)
    index: dict[str, list[TableCell]] = {}
    for cell in cells:
        for name in {norm_label(cell.row), short_label(norm_label(cell.row))}:
            # a row printed as a period or a change (「年末」, 「2024年」, 「变动」) names no measure
            if len(name) >= 2 and re.search(r"[\u4e00-\u9fffA-Za-z]", FUNCTION.sub("", name)):
                index.setdefault(name, []).append(cell)
    cores: dict[str, list[TableCell]] = {}
    for name, found in index.items():  # 「在职员工的数量合计」 is asked as 「在职员工」: the label without its generic words
        core = label_core(name)
        if core != name and len(core) >= 2 and core not in index:
            cores.setdefault(core, []).extend(found)
    heads: dict[str, list[TableCell]] = {}
    for cell in cells:
        name = head(cell.col)
        # not 「规模」, 「金额」; nor a 收支总表's 「收入」 side, whose 总计 adds the year's carry-over (本年收入合计 is its own row)
        if len(FUNCTION.sub("", name)) >= 2 and name not in index and name not in ("收入", "支出") and heads_total(cell, name):
            heads.setdefault(name, []).append(cell)
    return {**cores, **index, **heads}


_GENERIC = re.compile(r"(?:的|合计|总计|总额|总数|数量|人数|余额)$")


def label_core(label: str) -> str:
    """A label without its trailing generic words: 「在职员工的数量合计」 -> 在职员工, 「负债合计」 -> 负债."""
    core = re.sub(r"^(?:本公司|公司|本集团|本行)的?", "", label)
    core = core.replace("的", "") if len(core) > 4 else core
    while True:
        shorter = _GENERIC.sub("", core)
        if shorter == core or len(shorter) < 2:
            return core
        core = shorter


_INDEXES: dict[int, tuple[list[TableCell], dict[str, list[TableCell]]]] = {}


def labels_of(report: Report) -> dict[str, list[TableCell]]:
    """`label_index` of a report's cells, built once per report (a 200-page report has thousands of labels)."""
    cells = report.table_cells
    hit = _INDEXES.get(id(cells))
    if hit is not None and hit[0] is cells:
        return hit[1]
    index = {**_title_totals(report), **label_index(cells)}
    if len(_INDEXES) >= 64:
        _INDEXES.pop(next(iter(_INDEXES)))
    _INDEXES[id(cells)] = (cells, index)
    return index


def _title_totals(report: Report) -> dict[str, list[TableCell]]:
    """A table's title as the name of its total (「一般公共预算财政拨款支出」: the 合计 of 一般公共预算财政拨款支出决算表).

    Only a one-sided title (not 「收入支出决算总表」) of six characters or more, whose total row has one 合计 value.
    """
    by_table: dict[int, list[TableCell]] = {}
    for cell in report.table_cells:
        if norm_label(cell.row) in _TOTAL_ROWS:
            by_table.setdefault(cell.table, []).append(cell)
    found: dict[str, list[TableCell]] = {}
    for table in report.tables:
        name = re.sub(r"(?:决算|预算)?(?:总|情况|明细)?表$", "", norm_label(table.title or ""))
        if len(name) < 6 or "收入支出" in name or not name.endswith(("支出", "收入", "经费")):
            continue
        totals = by_table.get(table.number, [])
        if len({c.col for c in totals}) > 1:
            totals = [c for c in totals if head(c.col) in _TOTAL_ROWS]
        if len(totals) == 1:
            found[name] = totals
    return found


def find_measures(content: str, labels: dict[str, list[TableCell]]) -> tuple[list[tuple[str, ...]], str]:
    """The measures a question names (longest names first, no overlaps), and the question without them.

    Of two names of one length that overlap (「营业收入同比」: 营业收入, 收入同比), the one starting first wins — on
    every run (a set's order changes with the process's hash seed).
    """
    short = abbreviations(content, labels)
    names = sorted({*SYNONYMS, *labels, *short}, key=lambda n: (-len(n), content.find(n) % (len(content) + 1), n))
    found: list[tuple[int, tuple[str, ...]]] = []
    rest = content
    for name in names:
        at = rest.find(name)
        if at < 0:
            continue
        printed = (tuple(x for x in SYNONYMS.get(name, ()) if x in labels) or ((name,) if name in labels else ())
                   or short.get(name, ()))
        if not printed:
            continue
        found.append((at, printed))
        rest = rest[:at] + "·" * len(name) + rest[at + len(name):]
    return [m for _, m in sorted(found)], rest.replace("·", " ")


def score(table: TableInfo, parent: bool) -> int:
    """How well a table answers: a statement 3, a summary of key figures 2, another table 1, the other entity's 0."""
    title = table.title
    other = bool(_OTHER_ENTITY.search(title)) and "合并" not in title  # 母公司资产负债表, 银行利润表 (the bank alone)
    if other != parent:
        return 0
    if _STATEMENT.search(title):
        return 3
    return 2 if _SUMMARY.search(title) else 1


def column(table: TableInfo, year: int | None, prior: bool, parent: bool, hint: tuple[str, ...] = ()) -> str | None:
    """The value column of the period asked (the report's year, or the year before), the entity and words asked."""
    cols = [c for c in table.columns if c and (not _NOT_PERIOD.search(c) or any(h in levels(c) for h in hint))  # 「毛利率（%）」 named
            and ("平均" not in c or any("平均" in h or "日均" in h for h in hint))]  # 「平均余额」: only when asked
    cols = [c for c in cols if all(h in levels(c) for h in hint)]
    if hint:  # 「基本支出」 is the column ending with it, not its sub-column 「基本支出 / 人员经费」
        ending = [c for c in cols if re.sub(r"\s", "", c.split("/")[-1]) in hint]
        if ending:
            cols = ending
        elif len({re.sub(r"\s", "", c) for c in cols}) > 1:
            return None
    if not parent:
        cols = [c for c in cols if not _OTHER_ENTITY.search(c)] or cols
    else:
        cols = [c for c in cols if _OTHER_ENTITY.search(c)] or cols
    if year is not None:
        target = str(year - 1 if prior else year)
        dated = [c for c in cols if target in c.replace(" ", "") and not (not prior and re.search(r"(?<!\d)1月1日", c))]
        # 「2020年1月1日」 is the opening balance (a restated 期初), not the year-end of 2020
        if dated:
            return dated[0]
        if any(re.search(r"20\d\d", c) for c in cols):
            return None
    worded = [c for c in cols if (_EARLIER if prior else _CURRENT).search(c) and not (not prior and _EARLIER.search(c))]
    if worded:
        return worded[0]
    if len(cols) == 1 and not prior:
        return cols[0]
    return None


def places(report: Report) -> set[str]:
    """The issuer's place names and their parts (上海市普陀区司法局 -> 上海市, 上海, 普陀区, 普陀) and other names."""
    found: set[str] = set()
    for name in (report.agency, *report.names):
        for m in re.finditer(r"[\u4e00-\u9fff]+?(省|自治州|自治区|自治县|市|州|区|县|盟|旗)", name or ""):
            found |= {m.group(), m.group()[: -len(m.group(1))]}
    return {p for p in found if len(p) >= 2} | {n for n in report.names if not n.isdigit()}


def without_places(text: str, report: Report) -> str:
    """The text without the issuer's place names (「黔东南州」, 「普陀」, 「市」): who the report is by, not what is asked."""
    for place in sorted(places(report), key=len, reverse=True):
        text = text.replace(place, " ")
    for end in [m.end() for m in re.finditer(r"局|厅|委|部|办|院|中心|公司|集团|银行", text)]:
        # the longest run ending there that abbreviates the issuer: 「区委社会工作部」, not 「社会工作部」 with 区委 left
        short = next((run for start in range(max(0, end - 14), end - 2)
                      if re.fullmatch(r"[\u4e00-\u9fff]+", run := text[start:end]) and _abbreviates(run, report.agency)), "")
        if short:  # 「规划资源局」 for 上海市普陀区规划和自然资源局
            text = text.replace(short, " ")
    if (party := re.match(r"\s*([区市县州省]委)", text)) and party.group(1) in (report.agency or ""):
        text = text[party.end():]  # 「区委…」 left of 「区委社会工作部」 once 社会工作部 is read as the issuer
    lead = re.match(r"\s*([\u4e00-\u9fff]{2})", text)
    if lead and report.kind == "年度报告" and any(len(n) >= 4 and lead.group(1)[0] == n[0] and lead.group(1)[1] in n[1:]
                                                for n in report.names):
        text = text[: lead.start(1)] + " " + text[lead.end(1):]  # 「平银…」, 「平安…」: the company's own short name
    return re.sub(r"^[\s（(]*[市区州县](?![场域内外级])", " ", text)  # 「市财政局…」 once 财政局 is read as the issuer


def _abbreviates(short: str, name: str) -> bool:
    """Whether a short name is the full name's characters in order, ending as it ends (a Chinese abbreviation)."""
    if len(short) < 3 or not name or short[-1] != name[-1]:
        return False
    at = 0
    for ch in short:
        at = name.find(ch, at) + 1
        if at == 0:
            return False
    return True


@functools.lru_cache(maxsize=65536)
def levels(col: str) -> frozenset[str]:
    """A column path's levels as printed (「收入 / 决算数」 -> 收入, 决算数), each also without its year.

    Whole levels only: 「余额」 is not 「平均余额」.
    """
    levels = {re.sub(r"\s", "", x) for x in col.split("/")}
    levels |= {re.sub(r"^(?:19|20)\d\d年(?:度|末)?", "", x) for x in levels}
    levels |= {m.group() for x in levels if (m := re.match(r"第[一二三四]季度", x))}  # 「第四季度（10-12月份）」: 第四季度
    return frozenset(levels | {FUNCTION.sub("", x) for x in levels})  # 「决算数」 -> 决算 too


def pick(names: tuple[str, ...], labels: dict[str, list[TableCell]], report: Report, prior: bool, parent: bool,
          hint: tuple[str, ...] = ()) -> Pick | None:
    """The cell of the first printed label that has one, from the best table; Unclear when tables disagree."""
    tables = {t.number: t for t in report.tables}
    for name in names:
        cells = labels.get(name, [])
        scored: dict[int, list[Pick]] = {}
        printed: dict[tuple[int, str], list[str]] = {}  # the columns a row has values in (one side of a 收支总表)
        for cell in cells:
            printed.setdefault((cell.table, cell.row), []).append(cell.col)
        for cell in cells:
            table = tables.get(cell.table)
            if table is None:
                continue
            own = replace(table, columns=tuple(c for c in table.columns if c in printed[(cell.table, cell.row)]))
            # a label/value table's one value: in a titled table, with a unit or a count (a column whose head was
            # lost — 「旅游总人数 28.5」, a growth rate — is no value of the year)
            single = not cell.col and len(printed[(cell.table, cell.row)]) == 1 and bool(table.title) and (
                cell.unit is not None or bool(re.search(r"数量|人数", cell.row)))
            if heads_total(cell, name) or single:  # a column's total, or a label/value table's one value:
                if prior or not all(h in levels(cell.col) for h in hint):  # the period is the report's own
                    continue
                if report.year and (dated := re.findall(r"((?:19|20)\d\d)\s*年", cell.col)) and str(report.year) not in dated:
                    continue  # 「2018 年 12 月 31 日 / 不良贷款余额」: another year's column
            elif cell.col != column(own, report.year, prior, parent, hint):
                continue
            rank = score(table, parent)
            if rank:
                scored.setdefault(rank, []).append(Pick(cell, table))
        if not scored:
            continue
        best = scored[max(scored)]
        # 「收入支出决算总表」 over 「财政拨款收入支出决算总表」: a title qualified by words the question did not say
        # (they would have been left over) is not the table asked, when the plain one is there too
        plain = [p for p in best if not any(q.table.title != p.table.title and q.table.title in p.table.title
                                            for q in best)]
        best = plain or best
        # 「个人住房贷款余额」 is the loan's 金额, not its 「不良贷款余额」: a column naming a thing not asked is not the one asked
        best = [p for p in best if not _names_thing(p.cell.col, hint)] or best
        # 「其他社会工作事务支出」 is printed in 收入决算表 too (the income of each item): its 支出 table is cited
        best = [p for p in best if norm_label(name)[-2:] in ("支出", "收入") and norm_label(name)[-2:] in p.table.title] or best
        if len({p.cell.value for p in best}) > 1:
            raise Unclear(name, best)
        return best[0]
    return None


def _names_thing(col: str, hint: tuple[str, ...]) -> bool:
    """Whether a column path names a thing (「不良贷款余额」), not a period or an amount (「2019年12月31日 / 金额」)."""
    for level in col.split("/"):
        level = re.sub(r"\s", "", level)
        if level in hint:
            continue
        bare = FUNCTION.sub("", re.sub(r"(?:19|20)\d\d年?(?:\d{1,2}月\d{1,2}日)?(?:度|末|初)?", "", level))
        if len(re.findall(r"[\u4e00-\u9fff]", _CURRENT.sub("", _EARLIER.sub("", bare)))) >= 2:
            return True
    return False


_GROWTH_COLUMN = re.compile(r"^(?:比上年|比上年同期|同比)?(?:增长|增减|±)(?:率|速度)?[（(]?%[）)]?$|^比上年(?:增长|增减|±)")


def growth_cell(names: tuple[str, ...], labels: dict[str, list[TableCell]], report: Report, parent: bool) -> Pick | None:
    """The cell of a row's printed growth column (a bulletin's 「比上年增长（%）」), if the tables agree on one value."""
    tables = {t.number: t for t in report.tables}
    found = [c for name in names for c in labels.get(name, ())
             if _GROWTH_COLUMN.search(head(c.col).replace(" ", "")) and c.table in tables and score(tables[c.table], parent) > 0]
    if not found or len({c.value for c in found}) != 1:
        return None
    return Pick(found[0], tables[found[0].table])

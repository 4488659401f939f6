"""The table route: answer from a parsed cell (or cells, for comparisons), citing each one."""

from __future__ import annotations

import re

from langchain_core.tools import tool

from corpus import Cell, Report
from corpus.table_spec import ACTIVE_2019, ACTIVE_2021
from qa.answer import Answer, Citation, Scope, format_number
from qa.lexicon import RowTerm, default_col, match_col

# Column names of the two 主动公开 template versions that mean the same figure.
_COL_EQUIVALENT = {
    "本年制发件数": "本年新制作数量",
    "本年新制作数量": "本年制发件数",
    "现行有效件数": "对外公开总数量",
    "对外公开总数量": "现行有效件数",
    "本年处理决定数量": "处理决定数量",
    "处理决定数量": "本年处理决定数量",
}
_ROW_EQUIVALENT = {"规范性文件": "行政规范性文件", "行政规范性文件": "规范性文件"}
_ACTIVE_ROWS = {spec.key for spec in ACTIVE_2019 + ACTIVE_2021}
_LAWSUIT_ROWS = ("行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉")


def cite_cell(report: Report, cell: Cell) -> Citation:
    """A citation of one table cell: its printed row as the quote, its row and column as the cell."""
    return Citation(
        report_id=report.id,
        title=report.title,
        section=report.section_at(cell.start),
        quote=cell.quote,
        start=cell.start,
        end=cell.end,
        page=cell.page,
        cell={"table": cell.table, "row": cell.row, "col": cell.col},
    )


def find_cell(report: Report, table: str, row: str, col: str) -> Cell | None:
    """The cell, trying the other template version's names of the same row and column."""
    for r in (row, _ROW_EQUIVALENT.get(row, row)):
        for c in (col, _COL_EQUIVALENT.get(col, col)):
            cell = report.cell(table, r, c)
            if cell is not None:
                return cell
    return None


def read_figure(report: Report, table: str, row: str, col: str) -> tuple[float | int | None, list[Cell]] | None:
    """A figure and the cells it comes from (行政诉讼 alone adds its two rows); None when not parsed."""
    if table == "复议诉讼" and row == "行政诉讼":
        cells = [find_cell(report, table, r, col) for r in _LAWSUIT_ROWS]
        if any(c is None for c in cells):
            return None
        found = [c for c in cells if c is not None]
        values = [c.value for c in found]
        total = None if all(v is None for v in values) else sum(v or 0 for v in values)
        return total, found
    cell = find_cell(report, table, row, col)
    if cell is not None:
        return cell.value, [cell]
    # A group row (不予公开, 无法提供, 不予处理, or the 2021 template's 其他处理) is the sum of its parts.
    parts = [c for c in report.cells if c.table == table and c.col == col and c.row.startswith(row + "/")]
    if not parts:
        return None
    values = [c.value for c in parts]
    return (None if all(v is None for v in values) else sum(v or 0 for v in values)), parts


def resolve_col(question: str, term: RowTerm, report: Report) -> str:
    """The column a question asks for in this report, or the row's default."""
    version = report.versions.get(term.table)
    return match_col(question, term.table, term.row, version) or default_col(term.table, term.row, version)


def _unit(cells: list[Cell]) -> str | None:
    return cells[0].unit if cells else None


def label(report: Report) -> str:
    """How an answer names a report: agency and year."""
    return f"{report.agency}{report.year or ''}年" if report.year else report.agency or report.id


def single_answer(question: str, report: Report, term: RowTerm, col: str, scope: Scope) -> Answer | None:
    """The figure of one cell of one report."""
    figure = read_figure(report, term.table, term.row, col)
    if figure is None:
        return None
    value, cells = figure
    unit = _unit(cells) or "件"
    if value is None:
        text = f"{label(report)}报告中「{term.row} · {col}」一栏为空（未填写）。"
    else:
        text = f"{format_number(value)}{unit}（{label(report)}，{term.table}表「{term.row}」·「{col}」）"
    return Answer(
        question=question,
        answer=text,
        value=value,
        unit=unit if value is not None else None,
        route="table",
        citations=[cite_cell(report, c) for c in cells],
        scope=Scope(tuple(r for r in (report.id,)), (report.agency,), (report.year,) if report.year else (), term.table, term.row, col),
    )


_DIFF = re.compile(r"比.{0,12}(?:多|少)|多了|少了|增加|减少|增长|下降|变化|差(?:了|多少)|相差|差距")
_WHICH = re.compile(r"哪(?:个|家|一|年)|谁")
_SUM = re.compile(r"合计|一共|总共|加起来|共计|之和")


def compare_answer(question: str, reports: list[Report], term: RowTerm, scope: Scope) -> Answer | None:
    """Differences, which is larger, sums or a trend of one figure across reports, every cell cited."""
    figures = []
    for report in sorted(reports, key=lambda r: (r.year or 0, r.agency)):
        col = resolve_col(question, term, report)
        figure = read_figure(report, term.table, term.row, col)
        if figure is None or figure[0] is None:
            return None
        figures.append((report, col, figure[0], figure[1]))
    citations = [cite_cell(r, c) for r, _, _, cells in figures for c in cells]
    unit = _unit(figures[0][3]) or "件"
    # One agency over several years reads better as years ("2024年比2023年多74件").
    same_agency = len({r.agency for r, _, _, _ in figures}) == 1 and all(r.year for r, _, _, _ in figures)
    agency_prefix = f"{figures[0][0].agency}：" if same_agency else ""

    def name(report: Report) -> str:
        return f"{report.year}年" if same_agency else label(report)

    listed = "；".join(f"{name(r)} {format_number(v)}{unit}" for r, _, v, _ in figures)
    chart = [{"label": name(r), "value": v} for r, _, v, _ in figures]
    value: float | int | None = None
    if _SUM.search(question):
        value = sum(v for _, _, v, _ in figures if v is not None)
        text = f"{agency_prefix}合计 {format_number(value)}{unit}（{listed}）"
    elif _DIFF.search(question) and len(figures) == 2:
        (r1, _, v1, _), (r2, _, v2, _) = figures
        assert v1 is not None and v2 is not None
        value = v2 - v1
        word = "多" if value >= 0 else "少"
        text = f"{agency_prefix}{name(r2)}比{name(r1)}{word} {format_number(abs(value))}{unit}（{listed}）"
        value = abs(value) if re.search(r"少", question) and value < 0 else value
    elif _WHICH.search(question):
        want_less = bool(re.search(r"少|低", question))
        pick = (min if want_less else max)(figures, key=lambda f: f[2] or 0)
        text = f"{agency_prefix}{name(pick[0])}{'更少' if want_less else '更多'}：{listed}"
        value = pick[2]
    else:
        text = agency_prefix + listed
    return Answer(
        question=question,
        answer=text,
        value=value,
        unit=unit if value is not None else None,
        route="table",
        citations=citations,
        scope=scope,
        chart=chart,
    )


def combine_answer(question: str, report: Report, figures: list[tuple[str, float | int | None, list[Cell]]], scope: Scope) -> Answer | None:
    """Sum of several rows, or the difference of two columns, of one report ("予以公开和部分公开合计")."""
    if any(v is None for _, v, _ in figures) or len(figures) < 2:
        return None
    cells = [c for _, _, cs in figures for c in cs]
    unit = _unit(cells) or "件"
    listed = "；".join(f"{name} {format_number(v)}{unit}" for name, v, _ in figures)
    if _DIFF.search(question) and len(figures) == 2:
        value: float | int = abs((figures[0][1] or 0) - (figures[1][1] or 0))
        text = f"相差 {format_number(value)}{unit}（{label(report)}：{listed}）"
    else:
        value = sum(v or 0 for _, v, _ in figures)
        text = f"合计 {format_number(value)}{unit}（{label(report)}：{listed}）"
    return Answer(question=question, answer=text, value=value, unit=unit, route="table",
                  citations=[cite_cell(report, c) for c in cells], scope=scope,
                  chart=[{"label": name, "value": v} for name, v, _ in figures])


def lookup_cell_value(reports: list[Report], agency: str, year: int, row: str, col: str = "总计") -> dict[str, object]:
    """Plain-function form of the lookup tool: the cell of the report of `agency` and `year`."""
    table = "复议诉讼" if row.startswith(("行政复议", "行政诉讼")) else "主动公开" if row in _ACTIVE_ROWS else "申请"
    for report in reports:
        if report.year == year and (agency in report.agency or report.agency in agency):
            figure = read_figure(report, table, row, col)
            if figure is not None:
                value, cells = figure
                return {"value": value, "unit": _unit(cells), "citations": [cite_cell(report, c).to_dict() for c in cells]}
    return {"value": None, "error": f"no parsed cell for {agency} {year} {row} {col}"}


def make_lookup_tool(reports: list[Report]):  # noqa: ANN201 - a LangChain tool object
    """The `lookup_table_cell` LangChain tool over these reports, for an LLM agent to call."""

    @tool
    def lookup_table_cell(agency: str, year: int, row: str, col: str = "总计") -> dict[str, object]:
        """Look up one cell of the standard tables of a 政府信息公开工作年度报告.

        Args:
            agency: the agency as named in the report, e.g. "上海市司法局" or "淮安市洪泽区人民政府".
            year: the report year, e.g. 2020.
            row: a canonical row key, e.g. "结转下年度继续办理", "本年新收政府信息公开申请数量",
                "不予公开/属于行政查询事项", "行政复议", "行政许可".
            col: a canonical column: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计
                (申请 table); 结果维持, 结果纠正, 其他结果, 尚未审结, 总计 (复议诉讼); 本年处理决定数量 … (主动公开).

        Returns the printed value (null for a blank cell) with its citation: the printed row as quote and the page.

        """
        return lookup_cell_value(reports, agency, year, row, col)

    return lookup_table_cell

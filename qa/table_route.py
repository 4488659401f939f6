"""The `lookup_table_cell` tool: one cell of one report, read from the parsed `Report`, with its citation.

Questions are answered by `qa.execute` over the cell database; this is the narrow tool an LLM agent can call.
"""

from __future__ import annotations

from langchain_core.tools import tool

from corpus import Cell, Report
from corpus.table_spec import ACTIVE_2019, ACTIVE_2021
from qa.answer import Citation
from qa.cellsql import COL_EQUIVALENT, ROW_EQUIVALENT

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
    for r in (row, ROW_EQUIVALENT.get(row, row)):
        for c in (col, COL_EQUIVALENT.get(col, col)):
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


def _unit(cells: list[Cell]) -> str | None:
    return cells[0].unit if cells else None


def label(report: Report) -> str:
    """How an answer names a report: agency and year."""
    return f"{report.agency}{report.year or ''}年" if report.year else report.agency or report.id


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

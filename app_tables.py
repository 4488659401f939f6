"""The app's view of any report's own tables: a cited cell, its row, the list of a report's tables, one table."""

from __future__ import annotations

import html

import pandas as pd

from corpus import Report
from corpus.anytables import TableCell


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value - round(value)) < 1e-9 else f"{value:,.2f}"


def generic_cell(report: Report, cell: dict[str, str]) -> TableCell | None:
    """The cell of one of the report's tables with this title, row label and column path (None if absent)."""
    titles = {t.number: t.title for t in report.tables}
    return next((c for c in report.table_cells if titles.get(c.table) == cell["table"] and c.row == cell["row"]
                 and c.col == cell["col"]), None)


def generic_row(report: Report, cell: dict[str, str]) -> str:
    """A cited row of any table as a small HTML table, the cited column highlighted ('' when not found)."""
    found = generic_cell(report, cell)
    if found is None:
        return ""
    row = [c for c in report.table_cells if c.table == found.table and c.row == found.row]
    head = "".join(f"<th>{html.escape(c.col)}</th>" for c in row)
    body = "".join(f"<td><mark>{_number(c.value)}</mark></td>" if c.col == found.col else f"<td>{_number(c.value)}</td>"
                   for c in row)
    unit = f"（单位：{html.escape(found.unit)}）" if found.unit else ""
    return (f"<table class='row-view'><tr><th>{html.escape(cell['table'])}{unit}</th>{head}</tr>"
            f"<tr><th>{html.escape(found.row)}</th>{body}</tr></table>")


def tables_frame(report: Report | None) -> pd.DataFrame:
    """Every table of a report, in reading order: number, title, pages, unit, value columns, rows."""
    columns = ["序号", "表格", "页码", "单位", "数值列", "行数"]
    if report is None:
        return pd.DataFrame([], columns=columns)
    rows = [(t.number, t.title or f"表{t.number}", "、".join(str(p) for p in t.pages), t.unit or "",
             " | ".join(t.columns), t.rows) for t in report.tables if t.columns]
    return pd.DataFrame(rows, columns=columns)


def table_view(report: Report | None, number: int | float | str | None) -> pd.DataFrame:
    """One table of a report, rows × columns as printed (a blank is '')."""
    if report is None or number in (None, ""):
        return pd.DataFrame([])
    wanted = int(float(number))
    cells = [c for c in report.table_cells if c.table == wanted]
    rows = list(dict.fromkeys(c.row for c in cells))
    cols = list(dict.fromkeys(c.col for c in cells))
    grid = {(c.row, c.col): _number(c.value) for c in cells}
    return pd.DataFrame([[row] + [grid.get((row, col), "") for col in cols] for row in rows], columns=["项目", *cols])


__all__ = ["generic_cell", "generic_row", "table_view", "tables_frame"]

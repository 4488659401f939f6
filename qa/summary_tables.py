"""The table cells a summary lays beside the sentences it quotes: the topic's measures and the tables titled with it.

「简单说说平安银行2024年的经营业绩」 quotes the report's sentences (`qa.summary`) and adds the 营业收入 and 净利润
of its own tables (主要会计数据, the report's year) — the figures a reader looks for first, as printed; 「研发投入
情况」 adds the rows of the table titled 研发投入情况表 (研发人员的数量 is printed there only). Each cell is the one a
table question would read (`qa.anycells.pick`: the report's year, the consolidated entity, none where two tables
disagree); nothing is computed. A 政府信息公开 report has no such tables to lay out (its own are typed).
"""

from __future__ import annotations

import re

from corpus import Report
from corpus.about import DISCLOSURE, RESEARCH
from corpus.anytables import TableCell, TableInfo
from qa.answer import Citation
from qa.anycells import Pick, Unclear, column, find_measures, labels_of, named, one_measure, pick
from qa.formulas import norm_label

_MEASURES = 6  # cells of the topic's measures laid out at most
_TABLES = 2  # tables titled with the topic
_ROWS = 6  # rows of each
_COLUMNS = 5  # values of a row of several columns


def table_lines(topic: str, words: list[str], report: Report) -> list[tuple[str, Citation]]:
    """(line, citation) for each cell laid beside a summary of the topic: its measures, then its titled tables."""
    if report.kind in ("", DISCLOSURE) or not report.tables:
        return []
    labels = labels_of(report)
    out: list[tuple[str, Citation]] = []
    seen: set[tuple[int, str, str]] = set()
    for word in words:  # 业绩: 营业收入, 净利润 — each as the table question 「营业收入是多少」 reads it
        measure = one_measure(word, labels)  # the word names the row whole (not 「现金」 inside 现金股利)
        if len(out) >= _MEASURES or measure is None:
            continue
        try:
            found = pick(find_measures(measure, labels)[0][0], labels, report, False, False)
        except Unclear:
            continue  # two tables print two values: no one figure to lay out
        if found is not None and _key(found.cell) not in seen:
            seen.add(_key(found.cell))
            out.append((f"{_title(found.table)}{named(found.cell)}（{_period(found.cell)}）：{_value(found.cell)}",
                        _cite(report, found)))
    wanted = [w for w in {topic, *words} if len(w) >= 3 and w in topic]  # the topic's own words, not its measures
    titled = [t for t in report.tables if t.title and any(w in norm_label(t.title) for w in wanted)]
    for table in titled[:_TABLES]:
        out += _rows(report, table, seen)
    return out


def _rows(report: Report, table: TableInfo, seen: set[tuple[int, str, str]]) -> list[tuple[str, Citation]]:
    """A titled table's rows in the report's year (a label/value table's one value; a row's columns otherwise)."""
    # a research report's forecast runs over years (2024E, 2025E, 2026E): every year it prints
    year_column = column(table, report.year, False, False) if report.kind != RESEARCH else None
    cells = [c for c in report.table_cells if c.table == table.number and _key(c) not in seen
             and (c.col == year_column if year_column is not None else True)]
    rows: dict[str, list[TableCell]] = {}
    for cell in cells:
        if not any(c.col == cell.col for c in rows.get(cell.row, [])):  # a table printed on two pages: once
            rows.setdefault(cell.row, []).append(cell)
    out: list[tuple[str, Citation]] = []
    for row, found in list(rows.items())[:_ROWS]:
        values = "；".join(f"{_column(c)} {_value(c)}".strip() for c in found[:_COLUMNS])
        seen.update(_key(c) for c in found)
        out.append((f"{_title(table)}{norm_label(row)}：{values}", _cite(report, Pick(found[0], table))))
    return out


def _title(table: TableInfo) -> str:
    return f"「{table.title}」" if table.title else f"表{table.number}："


def _key(cell: TableCell) -> tuple[int, str, str]:
    return cell.table, cell.row, cell.col


def _column(cell: TableCell) -> str:
    return re.sub(r"\s+", "", cell.col.split("/")[-1]) if cell.col else ""


def _period(cell: TableCell) -> str:
    return re.sub(r"\s+", "", cell.col) or "本期"


def _value(cell: TableCell) -> str:
    value = f"{cell.value:,.6f}".rstrip("0").rstrip(".")  # every printed decimal (0.355 is not 0.36)
    return f"{value} {cell.unit}" if cell.unit and cell.unit != "%" else f"{value}%" if cell.unit == "%" else value


def _cite(report: Report, found: Pick) -> Citation:
    cell = found.cell
    row, col = (cell.col, cell.row) if found.table.transposed else (cell.row, cell.col)
    return Citation(report.id, report.title, found.table.title, cell.quote, 0, 0, cell.page,
                    {"table": found.table.title, "row": row, "col": col})


__all__ = ["table_lines"]

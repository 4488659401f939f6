"""A `Query`'s measures compiled to one parameterised SQL statement over the cell database.

Each measure becomes a cell pattern (table, the row keys of both template versions, a group prefix, the
column keys of both versions); the statement returns, per report in scope and measure, the sum of the
matching cells, how many matched and the cells themselves (for citations). Every value is a `?`
parameter: a question containing `'; DROP TABLE` is just text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corpus.table_spec import OTHER_2021, REVIEW_ROWS
from qa.answer import Citation
from qa.lexicon import ACTIVE_DEFAULT
from qa.query import Measure

# Column names of the two 主动公开 template versions that mean the same figure.
COL_EQUIVALENT = {
    "本年制发件数": "本年新制作数量",
    "本年新制作数量": "本年制发件数",
    "现行有效件数": "对外公开总数量",
    "对外公开总数量": "现行有效件数",
    "本年处理决定数量": "处理决定数量",
    "处理决定数量": "本年处理决定数量",
}
ROW_EQUIVALENT = {"规范性文件": "行政规范性文件", "行政规范性文件": "规范性文件"}
# Group rows: the sum of their sub-rows, and how many sub-rows a complete group has (by template version).
_GROUPS: dict[str, set[int]] = {
    "不予公开": {8},
    "无法提供": {3},
    "不予处理": {5},
    "其他处理": {1, len(OTHER_2021)},  # the 2019 template's one row, or the 2021 template's three
    "行政诉讼": {len(REVIEW_ROWS) - 1},
}
_NEVER = "\x00"  # a prefix no row key starts with
# Column groups: 法人或其他组织 is the five columns printed under that heading.
_COL_GROUPS: dict[str, tuple[str, ...]] = {
    "法人或其他组织": ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"),
    "六类申请人之和": ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"),  # 总计 when it is blank
    "四类结果之和": ("结果维持", "结果纠正", "其他结果", "尚未审结"),  # a 复议诉讼 总计 its parts contradict
    "已审结": ("结果维持", "结果纠正", "其他结果"),  # the cases decided: 总计 without 尚未审结
}


@dataclass(frozen=True)
class CellPattern:
    """The cells one measure reads in any report, and how many of them make a complete figure."""

    table: str
    rows: tuple[str, ...]
    prefix: str
    cols: tuple[str, ...]
    complete: frozenset[int]


def pattern(measure: Measure) -> CellPattern:
    """The cell pattern of a measure: equivalent row/column names of both template versions, groups."""
    row = measure.row
    width = 1
    cols: tuple[str, ...]
    if measure.col in _COL_GROUPS:
        cols = _COL_GROUPS[measure.col]
        width = len(cols)
    elif measure.col is not None:
        cols = tuple(dict.fromkeys((measure.col, COL_EQUIVALENT.get(measure.col, measure.col))))
    elif measure.table == "主动公开":
        base = "规范性文件" if row == "行政规范性文件" else row
        cols = tuple(dict.fromkeys(c for v in ("2021", "2019") if (c := ACTIVE_DEFAULT.get((v, base)))))
    else:
        cols = ("总计",)
    if row in _GROUPS:
        exact = (row,) if row == "其他处理" else ()
        return CellPattern(measure.table, exact, row + "/", cols, frozenset(n * width for n in _GROUPS[row]))
    rows = tuple(dict.fromkeys((row, ROW_EQUIVALENT.get(row, row))))
    return CellPattern(measure.table, rows, _NEVER, cols, frozenset({width}))


@dataclass
class Figure:
    """One measure of one report as the database gives it: the sum, and the cells it is made of."""

    report_id: str
    agency: str
    year: int | None
    title: str
    measure: int
    value: float | None
    cells: list[dict[str, Any]] = field(default_factory=list)
    complete: bool = True

    @property
    def disputed(self) -> bool:
        """A printed total that its own parts do not add up to (a failed 勾稽 rule): not a basis for arithmetic."""
        return any(c.get("disputed") for c in self.cells)

    @property
    def known(self) -> bool:
        """Parsed completely, not blank, and not a total its parts contradict."""
        return self.complete and self.value is not None and not self.disputed


def _matches(i: int | None = None) -> str:
    """A cell matching a pattern's table, row (or row prefix) and columns: the CASE branch (i) or the filter."""
    test = (
        "c.tbl = ? AND (list_contains(?::VARCHAR[], c.row_key) OR starts_with(c.row_key, ?)) "
        "AND list_contains(?::VARCHAR[], c.col_key)"
    )
    return f"WHEN {test} THEN {i}" if i is not None else f"({test})"


# Above this many reports in scope the cells are joined with the scope; below, tested against its list.
JOIN_SCOPE = 5000


def figures_statement(patterns: list[CellPattern], report_ids: list[str], order: str = "") -> tuple[str, list[object]]:
    """The SQL of a figures query and its parameters, in placeholder order.

    Cells are filtered by the patterns and the scope before anything is computed on them, and a large scope
    is joined rather than searched: over 4·10^6 cells (22,000 reports) a ranking's statement went from 80 to
    50 ms and the corpus total from 430 to 270 ms; one report's figure takes 4.6 ms (`bench/bench_scale.py`).
    """
    # a cell may belong to several measures (「无法提供中不掌握的占多少」: a sub-row and its group): one row each
    cases = ", ".join(f"CASE {_matches(i)} END" for i in range(len(patterns)))
    wanted = " OR ".join(_matches() for _ in patterns)
    joined = len(report_ids) > JOIN_SCOPE
    branch: list[object] = []
    for p in patterns:
        branch += [p.table, list(p.rows), p.prefix, list(p.cols)]
    # the scope, each CASE branch, each filter, and the scope again where it is searched rather than joined
    params = [report_ids, *branch, *branch] + ([] if joined else [report_ids])
    sql = f"""
WITH ids AS (SELECT unnest(?::VARCHAR[]) AS id
), scope AS (
  SELECT id, agency, year, title FROM reports WHERE id IN (SELECT id FROM ids)
), doubt AS (
  -- the total a failed 勾稽 rule computes (its first cell): printed, but it does not add up
  SELECT DISTINCT report_id, cells[1] AS key FROM checks
  WHERE NOT ok AND report_id IN (SELECT id FROM ids) AND rule LIKE '%总计 =%'
), hit AS (
  -- the cells a measure names, then whether each is disputed
  SELECT c.*, unnest([{cases}]) AS m,
         EXISTS (SELECT 1 FROM doubt d WHERE d.report_id = c.report_id AND d.key = c.tbl || '|' || c.row_key || '|' || c.col_key) AS disputed
  FROM cells c WHERE ({wanted}) AND {"c.report_id IN (SELECT id FROM ids)" if joined else "list_contains(?::VARCHAR[], c.report_id)"}
)
SELECT s.id, s.agency, s.year, s.title, h.m, SUM(h.value) AS v, COUNT(h.value) AS nv, COUNT(h.m) AS n,
       list({{'table': h.tbl, 'row': h.row_key, 'col': h.col_key, 'value': h.value, 'unit': h.unit, 'quote': h.quote,
              'page': h.page, 'start': h.start_off, 'end': h.end_off, 'section': h.section, 'disputed': h.disputed}}
            ORDER BY h.start_off, h.tbl, h.row_key, h.col_key) FILTER (WHERE h.m IS NOT NULL) AS cells
FROM scope s LEFT JOIN hit h ON h.report_id = s.id AND h.m IS NOT NULL
GROUP BY s.id, s.agency, s.year, s.title, h.m
ORDER BY {order or "s.year NULLS FIRST, s.agency, s.id"}, h.m
"""
    return sql, params


def read_figures(db: Any, measures: list[Measure], report_ids: list[str], order: str = "") -> list[Figure]:
    """Every measure of every report in scope, one SQL statement; a report lacking a measure is incomplete."""
    patterns = [pattern(m) for m in measures]
    rows = db.execute(*figures_statement(patterns, report_ids, order))
    figures: list[Figure] = []
    seen: dict[str, set[int]] = {}
    meta: dict[str, tuple[str, int | None, str]] = {}
    for rid, agency, year, title, m, value, n_values, n_cells, cells in rows:
        meta[rid] = (agency, year, title)
        if m is None:
            continue
        seen.setdefault(rid, set()).add(m)
        p = patterns[m]
        complete = n_cells in p.complete
        if complete and p.rows and p.prefix != _NEVER and n_cells < max(p.complete):
            # 「其他处理」: one cell is the 2019 template's own row, never one of the 2021 template's sub-rows alone
            complete = all(c["row"] in p.rows for c in cells or [])
        figures.append(
            Figure(rid, agency, year, title, m, value if n_values else None, list(cells or []), complete)
        )
    for rid, (agency, year, title) in meta.items():
        for m in range(len(patterns)):
            if m not in seen.get(rid, set()):
                figures.append(Figure(rid, agency, year, title, m, None, [], complete=False))
    first = {rid: i for i, rid in enumerate(meta)}  # the statement's report order, then the measures in order
    return sorted(figures, key=lambda f: (first[f.report_id], f.measure))


def cite(figure: Figure, table: str) -> list[Citation]:
    """One citation per cell a figure is made of."""
    return [
        Citation(
            report_id=figure.report_id,
            title=figure.title,
            section=c["section"] or "",
            quote=c["quote"],
            start=int(c["start"]),
            end=int(c["end"]),
            page=c["page"],
            cell={"table": table, "row": c["row"], "col": c["col"]},
        )
        for c in figure.cells
    ]


def name(figure: Figure) -> str:
    """How an answer names a report: agency and year."""
    return f"{figure.agency}{figure.year}年" if figure.year else figure.agency or figure.report_id


def pct(x: float) -> float:
    """A share as a percentage with two decimals (0.44655 -> 44.66)."""
    return round(x * 100, 2)


def plain(value: float | int | None) -> float | int | None:
    """A figure as printed: 3050.0 -> 3050, 9226.592 stays."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value

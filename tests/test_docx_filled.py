"""A real DOCX template filled with a real report's figures parses to exactly those cells."""

from __future__ import annotations

import json
from pathlib import Path

import docx

from corpus import read_report
from corpus.table_spec import OTHER_2021, REQUEST_COLS, REQUEST_ROWS, REVIEW_COLS, REVIEW_ROWS

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "corpus/reports/docx/blank_template_2021_format.docx"
EXPECTED = ROOT / "tests/fixtures/expected/012_shuyang_county_gov_2025.json"
ACTIVE_ROWS = {2: "规章", 3: "行政规范性文件", 6: "行政许可", 9: "行政处罚", 10: "行政强制", 13: "行政事业性收费"}


def _value_cells(row: docx.table._Row) -> list[docx.table._Cell]:
    """The distinct cells of a row (python-docx repeats a merged cell in every grid position)."""
    seen, out = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            out.append(cell)
    return out


def _fill(path: Path, cells: dict) -> None:
    document = docx.Document(str(TEMPLATE))
    active, requests, review = document.tables
    for index, key in ACTIVE_ROWS.items():
        values = list(cells["主动公开"][key].values())
        for cell, value in zip(_value_cells(active.rows[index])[-len(values) :], values, strict=True):
            cell.text = str(value)
    keys = [r.key for r in REQUEST_ROWS if r.key != "其他处理"]
    assert set(OTHER_2021) <= set(keys)
    for index, key in enumerate(keys, start=3):
        row = cells["申请"][key]
        for cell, col in zip(_value_cells(requests.rows[index])[-7:], REQUEST_COLS, strict=True):
            cell.text = "" if row[col] is None else str(row[col])
    line = [cells["复议诉讼"][r][c] for r in REVIEW_ROWS for c in REVIEW_COLS]
    for cell, value in zip(_value_cells(review.rows[3]), line, strict=True):
        cell.text = str(value)
    document.save(str(path))


def test_filled_template_parses_to_every_cell_it_was_given(tmp_path):
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))["cells"]
    path = tmp_path / "filled.docx"
    _fill(path, expected)
    report = read_report(path)
    parsed = {(c.table, c.row, c.col): c.value for c in report.cells}
    want = {(t, r, c): v for t, rows in expected.items() for r, cols in rows.items() for c, v in cols.items()}
    assert parsed == want
    assert report.versions == {"主动公开": "2021", "申请": "2021", "复议诉讼": "standard"}
    assert all(c.ok for c in report.checks)

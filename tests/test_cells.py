from __future__ import annotations

import contextlib
import csv
import dataclasses
import json
import logging
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import openpyxl
import pytest

import cli
import index.cells as cells_module
from corpus import Report, ReportQAError, read_report
from index import CorpusIndex, FakeEmbeddings
from index.cells import EXPORT_COLUMNS, CellDB, ExportError, write_table

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "corpus" / "reports"
EXPECTED = ROOT / "tests" / "fixtures" / "expected"
TXT_011 = "txt/011_huaian_city_gov_2024.txt"
PDF_011 = "pdf/huaian_city_2024_szfgs2024.pdf"
TXT_000 = "txt/000_shanghai_justice_bureau_2020.txt"
BLANK = "docx/blank_template_2021_format.docx"
HOSTILE = "'; DROP TABLE cells; --"
CELL_SQL = "SELECT value FROM cells WHERE report_id = ? AND tbl = ? AND row_key = ? AND col_key = ?"


def load(*names: str) -> dict[str, Report]:
    return {name: read_report(REPORTS / name, root=REPORTS) for name in names}


@pytest.fixture(scope="module")
def bundled() -> dict[str, Report]:
    return load(TXT_011, PDF_011, TXT_000, BLANK)


@pytest.fixture
def db(bundled: dict[str, Report]) -> CellDB:
    cells = CellDB.open(None)
    cells.sync(bundled, {rid: "h1" for rid in bundled})
    return cells


def snapshot(db: CellDB) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], int]:
    reports = db.execute("SELECT id, hash, n_cells FROM reports ORDER BY id")
    cells = db.execute(
        "SELECT report_id, count(*), count(value), sum(value) FROM cells GROUP BY 1 ORDER BY 1"
    )
    [(checks,)] = db.execute("SELECT count(*) FROM checks")
    return reports, cells, checks


def expected_of(
    reports: dict[str, Report], hashes: dict[str, str]
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], int]:
    rows = sorted((rid, hashes[rid], len(r.cells)) for rid, r in reports.items())
    cells = []
    for rid, r in sorted(reports.items()):
        values = [float(c.value) for c in r.cells if c.value is not None]
        cells.append((rid, len(r.cells), len(values), sum(values) if values else None))
    return rows, cells, sum(len(r.checks) for r in reports.values())


# -- contents -------------------------------------------------------------------------------------


def test_cells_of_huaian_2024_equal_the_hand_read_values(db: CellDB) -> None:
    assert db.execute(CELL_SQL, [TXT_011, "申请", "予以公开", "总计"]) == [(1362.0,)]
    assert db.execute(CELL_SQL, [TXT_011, "申请", "部分公开", "总计"]) == [(454.0,)]
    expected = json.loads((EXPECTED / "011_huaian_city_gov_2024.json").read_text(encoding="utf-8"))["cells"]
    stored = {
        (t, r, c): v
        for t, r, c, v in db.execute(
            "SELECT tbl, row_key, col_key, value FROM cells WHERE report_id = ?", [TXT_011]
        )
    }
    wanted = {
        (t, r, c): v for t, rows in expected.items() for r, cols in rows.items() for c, v in cols.items()
    }
    assert {k: stored.get(k) for k in wanted} == wanted


def test_report_row_keeps_metadata_versions_and_counts(db: CellDB, bundled: dict[str, Report]) -> None:
    [row] = db.rows("SELECT * FROM reports WHERE id = ?", [PDF_011])
    assert row == {
        "id": PDF_011, "agency": "淮安市人民政府", "year": 2024, "title": bundled[PDF_011].title,
        "source": bundled[PDF_011].source, "version_active": "2021", "version_requests": "2021", "hash": "h1",
        "n_cells": 200, "has_pages": True, "canonical": True,
    }  # fmt: skip


def test_cells_keep_quote_page_offsets_and_section(db: CellDB) -> None:
    [row] = db.rows(
        "SELECT quote, page, start_off, end_off, section, unit FROM cells "
        "WHERE report_id = ? AND tbl = ? AND row_key = ? AND col_key = ?",
        [PDF_011, "申请", "予以公开", "总计"],
    )
    assert "1362" in str(row["quote"]) and isinstance(row["page"], int) and row["page"] >= 1
    assert row["section"] == "三、收到和处理政府信息公开申请情况" and row["unit"] == "件"
    assert isinstance(row["start_off"], int) and row["start_off"] < row["end_off"]


def test_printed_blanks_are_null(db: CellDB) -> None:
    [(blanks, total)] = db.execute(
        "SELECT count(*) - count(value), count(*) FROM cells WHERE report_id = ?", [BLANK]
    )
    assert total > 100 and blanks == total  # the blank template prints no figure at all


def test_checks_are_stored_with_their_cells(db: CellDB, bundled: dict[str, Report]) -> None:
    [(n,)] = db.execute("SELECT count(*) FROM checks WHERE report_id = ?", [TXT_011])
    assert n == len(bundled[TXT_011].checks)
    rows = db.rows(
        "SELECT rule, ok, cells FROM checks WHERE report_id = ? AND list_contains(cells, ?)",
        [TXT_011, "申请|总计|自然人"],
    )
    assert rows and all(r["ok"] for r in rows)


# -- canonical twins -------------------------------------------------------------------------------


def test_exactly_one_twin_is_canonical_the_one_with_pages(db: CellDB) -> None:
    rows = db.execute(
        "SELECT id, canonical FROM reports WHERE agency = ? AND year = ? ORDER BY id",
        ["淮安市人民政府", 2024],
    )
    assert rows == [(PDF_011, True), (TXT_011, False)]


def test_twin_with_more_cells_wins_and_a_report_without_agency_never_does(bundled: dict[str, Report]) -> None:
    fewer = dataclasses.replace(bundled[PDF_011], cells=bundled[PDF_011].cells[:-1])
    db = CellDB.open(None)
    db.sync(
        {PDF_011: fewer, TXT_011: bundled[TXT_011], BLANK: bundled[BLANK]},
        {PDF_011: "a", TXT_011: "a", BLANK: "a"},
    )
    assert dict(db.execute("SELECT id, canonical FROM reports")) == {
        PDF_011: False,
        TXT_011: True,
        BLANK: False,
    }


def test_deleting_the_canonical_twin_promotes_the_other(db: CellDB, bundled: dict[str, Report]) -> None:
    rest = {rid: r for rid, r in bundled.items() if rid != PDF_011}
    assert db.sync(rest, {rid: "h1" for rid in rest}) == 1
    assert db.execute("SELECT canonical FROM reports WHERE id = ?", [TXT_011]) == [(True,)]


# -- incremental sync -----------------------------------------------------------------------------


def test_sync_adds_replaces_and_deletes_until_the_db_equals_the_reports(bundled: dict[str, Report]) -> None:
    db = CellDB.open(None)
    first = {rid: bundled[rid] for rid in (TXT_011, TXT_000)}
    hashes = {rid: f"h-{rid}" for rid in first}
    assert db.sync(first, hashes) == 2
    assert snapshot(db) == expected_of(first, hashes)
    assert db.sync(first, hashes) == 0  # unchanged hashes: nothing rewritten

    changed = dataclasses.replace(bundled[TXT_000], cells=bundled[TXT_000].cells[:10])
    second = {TXT_000: changed, BLANK: bundled[BLANK]}  # TXT_011 deleted, TXT_000 changed, BLANK added
    hashes = {TXT_000: "h-new", BLANK: f"h-{BLANK}"}
    assert db.sync(second, hashes) == 3
    assert snapshot(db) == expected_of(second, hashes)
    assert db.execute("SELECT n_cells FROM reports WHERE id = ?", [TXT_000]) == [(10,)]


def test_sync_needs_a_hash_for_every_report(bundled: dict[str, Report]) -> None:
    with pytest.raises(ValueError, match="no content hash"):
        CellDB.open(None).sync({TXT_011: bundled[TXT_011]}, {})


def test_syncing_200_reports_of_250_cells_is_three_bulk_inserts(
    bundled: dict[str, Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not timed (a loaded machine makes any bound flaky): the speed comes from one INSERT per table per
    # batch of reports instead of a statement per row, and that is what is pinned.
    base = bundled[TXT_011]
    many = {
        f"r{i}": dataclasses.replace(base, id=f"r{i}", cells=base.cells + base.cells[:50]) for i in range(200)
    }
    db = CellDB.open(None)
    inserts: list[tuple[str, int]] = []
    real = cells_module._insert
    monkeypatch.setattr(cells_module, "_insert", lambda cur, table, rows: inserts.append((table, len(rows))) or real(cur, table, rows))
    db.sync(many, {rid: "h" for rid in many})
    assert [t for t, _ in inserts] == ["reports", "cells", "checks", "about", "tables", "table_cells", "facts"]
    assert inserts[1] == ("cells", 200 * 250)
    assert db.execute("SELECT count(*) FROM cells") == [(200 * 250,)]


# -- queries --------------------------------------------------------------------------------------


def test_a_hostile_parameter_is_only_a_value(db: CellDB) -> None:
    assert db.execute("SELECT * FROM cells WHERE report_id = ?", [HOSTILE]) == []
    assert db.rows("SELECT * FROM reports WHERE agency = ?", [HOSTILE]) == []
    assert db.execute("SELECT count(*) > 0 FROM cells") == [(True,)]


def test_queries_run_concurrently_from_threads(db: CellDB) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        results = list(
            pool.map(lambda _: db.execute(CELL_SQL, [TXT_011, "申请", "予以公开", "总计"]), range(64))
        )
    assert results == [[(1362.0,)]] * 64


# -- opening --------------------------------------------------------------------------------------


HOLDER = (
    "import duckdb, sys\nconn = duckdb.connect(sys.argv[1])\nprint('ready', flush=True)\nsys.stdin.read()\n"
)


@contextlib.contextmanager
def held(path: Path) -> Iterator[None]:
    """Another process holding the DuckDB file open (until the block ends)."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as holder:
        assert holder.stdin is not None and holder.stdout is not None
        try:
            assert holder.stdout.readline().strip() == "ready"
            yield
        finally:
            holder.stdin.close()
            holder.wait(timeout=30)


def test_a_file_held_by_another_process_gives_an_in_memory_db_that_still_answers(
    tmp_path: Path, bundled: dict[str, Report], caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "cells.duckdb"
    CellDB.open(path).close()
    with held(path):
        with caplog.at_level(logging.INFO, logger="index.cells"):
            db = CellDB.open(path)
        assert db.path is None and "held by another process" in caplog.text
        assert db.sync(bundled, {rid: "h" for rid in bundled}) == len(bundled)
        assert db.execute(CELL_SQL, [TXT_011, "申请", "部分公开", "总计"]) == [(454.0,)]


def test_the_index_falls_back_to_memory_while_another_process_holds_its_db(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REPORTS / TXT_011, corpus / "a.txt")
    index = CorpusIndex.open(corpus, FakeEmbeddings(), tmp_path / "home", progress=False)
    index.close()
    with held(index.path / "cells.duckdb"):
        other = CorpusIndex.open(corpus, FakeEmbeddings(), tmp_path / "home", progress=False)
        assert other.cells.path is None
        assert other.cells.execute(CELL_SQL, ["a.txt", "申请", "予以公开", "总计"]) == [(1362.0,)]


def test_a_file_of_another_schema_version_is_rebuilt(tmp_path: Path, bundled: dict[str, Report]) -> None:
    path = tmp_path / "cells.duckdb"
    with CellDB.open(path) as db:
        db.sync(bundled, {rid: "h" for rid in bundled})
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", ["0"])
    with CellDB.open(path) as db:
        assert db.path == path and db.execute("SELECT count(*) FROM reports") == [(0,)]
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'") != [("0",)]


def test_a_corrupt_file_is_replaced(tmp_path: Path, bundled: dict[str, Report]) -> None:
    path = tmp_path / "cells.duckdb"
    path.write_bytes(b"this is not a duckdb file" * 100)
    with CellDB.open(path) as db:
        assert db.path == path and db.sync(bundled, {rid: "h" for rid in bundled}) == len(bundled)


# -- the index keeps it in step -------------------------------------------------------------------


def test_the_index_keeps_its_cell_db_in_step_and_heals_a_stale_one(tmp_path: Path) -> None:
    corpus, home = tmp_path / "corpus", tmp_path / "home"
    corpus.mkdir()
    shutil.copy(REPORTS / TXT_011, corpus / "a.txt")
    index = CorpusIndex.open(corpus, FakeEmbeddings(), home, progress=False)
    assert (index.path / "cells.duckdb").exists() and index.cells.path == index.path / "cells.duckdb"
    assert index.cells.execute("SELECT id FROM reports") == [("a.txt",)]

    shutil.copy(REPORTS / TXT_000, corpus / "b.txt")
    index.update()
    assert index.cells.execute("SELECT id FROM reports ORDER BY id") == [("a.txt",), ("b.txt",)]
    (corpus / "a.txt").unlink()
    index.update()
    assert index.cells.execute("SELECT DISTINCT report_id FROM cells") == [("b.txt",)]

    index.cells.sync({}, {})  # as if a crash came between the snapshot and the DB sync
    index.close()
    again = CorpusIndex.load(corpus, FakeEmbeddings(), home, progress=False)
    assert again.cells.execute("SELECT id FROM reports") == [("b.txt",)]
    again.close()


# -- export ---------------------------------------------------------------------------------------


def find(rows: list[dict[str, object]], report: str, row: str, col: str) -> dict[str, object]:
    [hit] = [
        r for r in rows if (r["report"], r["table"], r["row"], r["column"]) == (report, "申请", row, col)
    ]
    return hit


def test_csv_export_is_utf8_with_bom_and_reads_back(db: CellDB, tmp_path: Path) -> None:
    path = db.export(tmp_path / "cells.csv", "csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == EXPORT_COLUMNS
        rows: list[dict[str, object]] = list(reader)
    [(n,)] = db.execute("SELECT count(*) FROM cells")
    assert len(rows) == n
    hit = find(rows, TXT_011, "予以公开", "总计")
    assert (hit["value"], hit["agency"], hit["year"], hit["canonical"]) == (
        "1362",
        "淮安市人民政府",
        "2024",
        "false",
    )
    assert find(rows, PDF_011, "部分公开", "总计")["canonical"] == "true"


def test_export_rows_follow_agency_year_report_and_the_spec_order(db: CellDB, tmp_path: Path) -> None:
    with open(db.export(tmp_path / "cells.csv", "csv"), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["report"] for r in rows[:1]] == [TXT_000]  # 上海市司法局 sorts before 淮安市人民政府
    assert rows[-1]["report"] == BLANK  # no agency: last
    mine = [r for r in rows if r["report"] == PDF_011]
    tables = list(dict.fromkeys(r["table"] for r in mine))
    assert tables == ["主动公开", "申请", "复议诉讼"]
    requests = list(dict.fromkeys(r["row"] for r in mine if r["table"] == "申请"))
    assert requests[:3] == ["本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "予以公开"]
    assert requests[-2:] == ["总计", "结转下年度继续办理"]
    cols = [r["column"] for r in mine if r["row"] == "予以公开"]
    assert cols == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def test_xlsx_export_has_a_bold_header_and_numbers_as_numbers(db: CellDB, tmp_path: Path) -> None:
    path = db.export(tmp_path / "cells.xlsx", "xlsx")
    sheet = openpyxl.load_workbook(path, read_only=False).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header == EXPORT_COLUMNS and sheet.cell(row=1, column=1).font.bold
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)]
    hit = find(rows, TXT_011, "予以公开", "总计")
    assert hit["value"] == 1362 and isinstance(hit["value"], int) and hit["year"] == 2024


def test_parquet_export_reads_back_with_duckdb(db: CellDB, tmp_path: Path) -> None:
    path = db.export(tmp_path / "cells.parquet", "parquet")
    conn = duckdb.connect()
    names = [d[0] for d in conn.execute("SELECT * FROM read_parquet(?) LIMIT 0", [str(path)]).description]
    assert names == EXPORT_COLUMNS
    got = conn.execute(
        'SELECT value, canonical FROM read_parquet(?) WHERE report = ? AND "table" = ? AND "row" = ? AND "column" = ?',
        [str(path), TXT_011, "申请", "部分公开", "总计"],
    ).fetchall()
    assert got == [(454.0, False)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_write_table_round_trips_a_small_table(tmp_path: Path, fmt: str) -> None:
    rows = [("淮安市人民政府", 2024, 1362, 44.66, True), ("上海市司法局", 2020, None, None, False)]
    path = write_table(["agency", "year", "value", "rate", "ok"], rows, tmp_path / f"t.{fmt}", fmt)
    if fmt == "csv":
        with open(path, encoding="utf-8-sig", newline="") as handle:
            assert list(csv.reader(handle))[1:] == [
                ["淮安市人民政府", "2024", "1362", "44.66", "True"],
                ["上海市司法局", "2020", "", "", "False"],
            ]
    elif fmt == "xlsx":
        sheet = openpyxl.load_workbook(path).active
        assert (
            sheet is not None
            and sheet["C2"].value == 1362
            and sheet["D2"].value == 44.66
            and sheet["C3"].value is None
        )
    else:
        assert duckdb.connect().execute("SELECT * FROM read_parquet(?)", [str(path)]).fetchall() == [
            ("淮安市人民政府", 2024, 1362, 44.66, True), ("上海市司法局", 2020, None, None, False),
        ]  # fmt: skip


def test_an_unknown_format_is_a_clear_reportqa_error(tmp_path: Path, db: CellDB) -> None:
    with pytest.raises(ExportError, match="unknown export format 'xls': use one of csv, xlsx, parquet"):
        write_table(["a"], [(1,)], tmp_path / "t.xls", "xls")
    with pytest.raises(ReportQAError):
        db.export(tmp_path / "t.json", "json")
    assert not list(tmp_path.glob("t.*"))


def test_an_unwritable_target_is_an_export_error_and_leaves_no_file(db: CellDB, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="cannot write"):
        db.export(tmp_path / "missing" / "cells.csv", "csv")
    assert not list(tmp_path.rglob("*.tmp"))


# -- the command ----------------------------------------------------------------------------------


@pytest.fixture
def small_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    corpus = tmp_path / "corpus"
    for name in (TXT_011, PDF_011):
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPORTS / name, corpus / name)
    monkeypatch.setattr("index.make_embeddings", lambda settings, **kw: FakeEmbeddings())
    monkeypatch.chdir(tmp_path)
    return corpus


def test_cli_export_writes_the_default_file_and_a_summary_line(
    small_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["export", "--corpus", str(small_corpus), "--format", "csv"]) == 0
    target = tmp_path / "reportqa-cells.csv"
    assert f"400 cells of 2 reports → {target}" in capsys.readouterr().err
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows: list[dict[str, object]] = list(csv.DictReader(handle))
    assert len(rows) == 400 and find(rows, TXT_011, "予以公开", "总计")["value"] == "1362"
    assert {r["report"]: r["canonical"] for r in rows} == {TXT_011: "false", PDF_011: "true"}


def test_cli_export_to_a_named_xlsx_file(small_corpus: Path, tmp_path: Path) -> None:
    assert cli.main(["export", "--corpus", str(small_corpus), "--format", "xlsx", "-o", "out/all.xlsx"]) == 2
    (tmp_path / "out").mkdir()
    assert cli.main(["export", "--corpus", str(small_corpus), "--format", "XLSX", "-o", "out/all.xlsx"]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "out" / "all.xlsx").active
    assert sheet is not None and sheet.max_row == 401


def test_cli_export_errors_are_one_line_and_exit_2(
    small_corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["export", "--corpus", str(small_corpus), "--format", "xls"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "reportqa: error: 无法导出：格式应为 csv、xlsx 或 parquet，且目标位置可写"
        "（unknown export format 'xls': use one of csv, xlsx, parquet）\n"
    )  # Chinese first; the library's detail in （…）
    assert cli.main(["export", "--corpus", str(small_corpus / "nope"), "--format", "csv"]) == 2
    assert "no such corpus directory" in capsys.readouterr().err


def test_too_many_rows_for_an_xlsx_sheet_is_an_export_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("index.cells.XLSX_MAX_ROWS", 3)
    with pytest.raises(ExportError, match="do not fit an xlsx sheet: use csv or parquet"):
        write_table(["n"], [(1,), (2,), (3,)], tmp_path / "t.xlsx", "xlsx")
    assert list(tmp_path.iterdir()) == []

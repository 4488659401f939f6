"""Every cell of the real reports against the values read by eye (tests/fixtures/expected/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus import read_report

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = sorted((ROOT / "tests" / "fixtures" / "expected").glob("*.json"))
LEGIBLE = {
    "000_shanghai_justice_bureau_2020", "001_shanghai_gov_general_office_2019", "009_huaian_hongze_district_gov_2023",
    "010_huaian_hongze_district_gov_2024", "011_huaian_city_gov_2024", "012_shuyang_county_gov_2025",
    "015_shuyang_county_development_reform_bureau_2023", "hongze_2023_hzq2023_working", "hongze_2024_hzq2024_working",
    "huaian_city_2024_szfgs2024", "pingtan_2024",
}


def _expected_cells(data: dict) -> dict[tuple[str, str, str], object]:
    return {
        (table, row, col): value
        for table, rows in data["cells"].items()
        for row, cols in rows.items()
        for col, value in cols.items()
    }


def _parsed(data: dict) -> dict[tuple[str, str, str], object]:
    report = read_report(ROOT / "corpus" / "reports" / data["source"])
    return {(c.table, c.row, c.col): c.value for c in report.cells}


@pytest.mark.parametrize("path", [p for p in EXPECTED if p.stem in LEGIBLE], ids=lambda p: p.stem)
def test_legible_report_has_every_cell_exactly(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))
    expected, parsed = _expected_cells(data), _parsed(data)
    for table in ("申请", "复议诉讼"):
        want = {k: v for k, v in expected.items() if k[0] == table}
        got = {k: v for k, v in parsed.items() if k[0] == table}
        assert got == want, f"{table}: differs"
    active = {k: v for k, v in expected.items() if k[0] == "主动公开"}
    assert {k: parsed.get(k) for k in active} == active


@pytest.mark.parametrize("path", [p for p in EXPECTED if p.stem not in LEGIBLE], ids=lambda p: p.stem)
def test_crawler_dumps_and_garbled_conversions_have_no_wrong_number(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))
    expected, parsed = _expected_cells(data), _parsed(data)
    unknown = {tuple(k.split("|")) for k in data.get("unknown", [])}
    wrong = {k: (v, expected.get(k)) for k, v in parsed.items() if k in expected and expected[k] != v}
    # A printed blank read as null claims no number; a number in an unknown cell would be a guess.
    guessed = {k: v for k, v in parsed.items() if k in unknown and v is not None}
    assert not wrong, f"wrong numbers: {wrong}"
    assert not guessed, f"cells parsed that cannot be read with certainty: {guessed}"


def test_pdf_and_its_pdftotext_twin_agree():
    for pdf, txt in (
        ("pdf/hongze_2023_hzq2023_working.pdf", "txt/009_huaian_hongze_district_gov_2023.txt"),
        ("pdf/hongze_2024_hzq2024_working.pdf", "txt/010_huaian_hongze_district_gov_2024.txt"),
        ("pdf/huaian_city_2024_szfgs2024.pdf", "txt/011_huaian_city_gov_2024.txt"),
    ):
        a = read_report(ROOT / "corpus" / "reports" / pdf)
        b = read_report(ROOT / "corpus" / "reports" / txt)
        assert {(c.table, c.row, c.col): c.value for c in a.cells} == {(c.table, c.row, c.col): c.value for c in b.cells}
        assert all(c.page is not None for c in a.cells)


def test_pdf_cells_keep_their_page_and_printed_row():
    report = read_report(ROOT / "corpus/reports/pdf/huaian_city_2024_szfgs2024.pdf")
    cell = report.cell("申请", "不予公开/属于行政查询事项", "总计")
    assert cell is not None and cell.page is not None
    assert "行政查询事项" in cell.quote and str(cell.value) in cell.quote


def test_seed_report_cell_matches_the_contract_example():
    report = read_report(ROOT / "corpus/reports/txt/000_shanghai_justice_bureau_2020.txt")
    cell = report.cell("申请", "结转下年度继续办理", "总计")
    assert cell.value == 5 and cell.page is None
    assert cell.quote == "四、结转下年度继续办理 5 0 0 0 0 0 5"
    assert report.text[cell.start : cell.end].startswith("四、结转下年度继续办理")
    assert (report.agency, report.year) == ("上海市司法局", 2020)


def test_blank_cells_are_null_not_zero():
    report = read_report(ROOT / "corpus/reports/txt/001_shanghai_gov_general_office_2019.txt")
    assert report.cell("申请", "予以公开", "总计").value is None
    assert report.cell("申请", "予以公开", "自然人").value == 258


def test_an_active_table_printed_as_loose_lines_and_a_later_markdown_block_is_read():
    """txt/013 (上海市科委 2024): 「行政许可 97」 … printed as lines under a caption numbered 一、, the 规章 /
    规范性文件 rows in a markdown table after them; every 主动公开 cell read by eye is read."""
    data = json.loads((ROOT / "tests" / "fixtures" / "expected" / "013_shanghai_stcsm_kewei_2024.json").read_text(encoding="utf-8"))
    expected, parsed = _expected_cells(data), _parsed(data)
    active = {k: v for k, v in expected.items() if k[0] == "主动公开"}
    assert len(active) == 10 and {k: parsed.get(k) for k in active} == active

"""Normalised text and the metadata a report states about itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import read_report
from corpus.loaders import Block
from corpus.metadata import read_metadata
from corpus.normalize import normalise_blocks

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "corpus" / "reports"


def test_layout_line_breaks_are_joined_and_page_numbers_dropped():
    raw = "如对本报告有疑问，请与淮安市洪\n泽区人民政府办公室联系（地址：洪泽湖大道 90\n号）。\n\n                 -3-\n三 、本 年 度办 理 结果"
    text = normalise_blocks([Block(text=raw)]).text
    assert "淮安市洪泽区人民政府办公室" in text and "洪泽湖大道 90 号" in text
    assert "-3-" not in text
    assert "三、本年度办理结果" in text  # spaces inside Chinese words collapsed


def test_table_rows_stay_on_their_own_lines_and_headings_are_not_joined():
    raw = "五、存在的主要问题及改进情况\n2023 年，工作取得一定成效\n| 规章 | 0 | 0 | 0 |"
    lines = normalise_blocks([Block(text=raw)]).text.split("\n")
    assert lines == ["五、存在的主要问题及改进情况", "2023 年,工作取得一定成效", "| 规章 | 0 | 0 | 0 |"]


def test_pages_are_spans_of_the_normalised_text():
    result = normalise_blocks([Block(text="第一页", page=1), Block(rows=(("a", "1"),), page=2)])
    assert [(p.number, result.text[p.start : p.end]) for p in result.pages] == [(1, "第一页"), (2, "| a | 1 |")]


@pytest.mark.parametrize(
    ("name", "agency", "year"),
    [
        ("txt/000_shanghai_justice_bureau_2020.txt", "上海市司法局", 2020),
        ("txt/001_shanghai_gov_general_office_2019.txt", "上海市人民政府办公厅", 2019),
        ("txt/003_pingtan_zonghe_shiyanqu_2020.txt", "平潭综合实验区", 2020),
        ("txt/009_huaian_hongze_district_gov_2023.txt", "淮安市洪泽区人民政府", 2023),  # title says 洪泽区人民政府
        ("txt/012_shuyang_county_gov_2025.txt", "沐阳县人民政府", 2025),  # as printed (OCR of 沭阳)
        ("txt/013_shanghai_stcsm_kewei_2024.txt", "上海市科委", 2024),
        ("txt/015_shuyang_county_development_reform_bureau_2023.txt", "沭阳县发展和改革局", 2023),
        ("pdf/huaian_city_2024_szfgs2024.pdf", "淮安市人民政府", 2024),
        ("html/pingtan_2024.html", "平潭综合实验区", 2024),
    ],
)
def test_agency_and_year_are_read_from_the_report_itself(name, agency, year):
    report = read_report(REPORTS / name)
    assert (report.agency, report.year) == (agency, year)
    assert report.title.endswith("报告") and str(year) in report.title


def test_sidecar_overrides_what_the_report_says(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text((REPORTS / "txt/000_shanghai_justice_bureau_2020.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "r.txt.meta.json").write_text('{"agency": "上海市司法局（试）", "year": 2021}', encoding="utf-8")
    report = read_report(path)
    assert (report.agency, report.year) == ("上海市司法局（试）", 2021)


def test_metadata_of_a_text_without_title_is_empty_not_guessed():
    meta = read_metadata("MEMO\nthe printer is out of toner")
    assert (meta.agency, meta.year) == ("", None)

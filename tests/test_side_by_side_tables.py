"""A research report read as cells: its 财务预测表 (tables side by side on one page) and its cover (rating, prices).

国元证券's initiation report on BYD (../shared/reports/other/), p.37: 资产负债表 left, 利润表 right, 现金流量表 under the
balance sheet and 主要财务比率 under the income statement; figures in 百万元 as printed, read from the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import Report
from corpus.anytables import _joined, _text_grid
from corpus.reader import read_report

SHARED = Path(__file__).resolve().parents[2] / "shared" / "reports"
REPORT = SHARED / "other" / "guoyuan_securities_byd_2024_initiation_report.pdf"


@pytest.fixture(scope="module")
def byd() -> Report:
    if not REPORT.is_file():
        pytest.skip("../shared/reports is not beside this checkout")
    return read_report(REPORT)


def _cell(report: Report, title: str, row: str, col: str) -> tuple[float, str | None]:
    numbers = {t.number for t in report.tables if t.title == title and 37 in t.pages}
    found = [c for c in report.table_cells if c.table in numbers and c.row == row and c.col == col]
    assert len(found) == 1, (title, row, col, found)
    return found[0].value, found[0].unit


def test_the_four_tables_of_the_forecast_page_are_each_their_own(byd: Report) -> None:
    titles = [t.title for t in byd.tables if 37 in t.pages]
    assert titles == ["资产负债表", "现金流量表", "利润表", "主要财务比率"]
    assert all(t.columns == ("2022", "2023", "2024E", "2025E", "2026E") for t in byd.tables if 37 in t.pages)


@pytest.mark.parametrize(("title", "row", "col", "value", "unit"), [
    ("资产负债表", "资产总计", "2023", 679547.67, "百万元"),  # 「单位:百 万元」 printed spaced
    ("资产负债表", "负债合计", "2023", 529085.56, "百万元"),
    ("资产负债表", "少数股东权益", "2026E", 18655.90, "百万元"),  # its label printed lower than its figures
    ("利润表", "营业成本", "2023", 480558.35, "百万元"),
    ("利润表", "营业收入", "2026E", 1244738.04, "百万元"),  # printed 「1 244738.04」, one number in two pieces
    ("现金流量表", "经营活动现金流", "2022", 140837.66, "百万元"),
    ("主要财务比率", "毛利率(%)", "2023", 20.21, "%"),  # 「毛利率(%)」 5 points under 「17.04 20.21 …」
    ("主要财务比率", "净利率(%)", "2023", 4.99, "%"),
    ("主要财务比率", "资产负债率(%)", "2023", 77.86, "%"),
    ("主要财务比率", "流动比率", "2024E", 0.67, None),  # a ratio: never the 百万元 of the income statement
])
def test_each_row_is_read_whole_under_its_own_table(byd: Report, title: str, row: str, col: str, value: float,
                                                    unit: str | None) -> None:
    assert _cell(byd, title, row, col) == (value, unit)


def test_a_row_of_one_figure_too_many_is_joined_only_where_one_number_was_split() -> None:
    assert _joined(["424060.64", "602315.35", "829666.51", "1050036.14", "1", "244738.04"], 5)[-1] == "1244738.04"
    assert _joined(["1", "2", "3", "4", "5", "6"], 5) == []  # no piece before a long number: not joined, left out
    header = ["会计年度 2022 2023 2024E 2025E 2026E"]
    body = ["营业收入 1 2 3 4 5 6", "营业成本 10 20 30 40 50", "研发费用 11 21 31 41 51", "管理费用 12 22 32 42 52"]
    grid = _text_grid(header, body)
    assert ["营业收入", "", "", "", "", ""] in grid  # its figures left out, never shifted under the wrong years
    assert ["营业成本", "10", "20", "30", "40", "50"] in grid


def test_a_research_reports_cover_gives_its_rating_prices_and_authors(byd: Report) -> None:
    """p.1: 「买入 | 首次推荐」, 「当前价/目标价: 250.67 元/315.90元」, 「目标期限: 6个月」, 「分析师杨为敩」,
    「执业证书编号 S0020521060001」."""
    facts = {f.label: f.value for f in byd.facts if f.page == 1 and f.table == 0}
    assert facts["投资评级"] == "买入" and facts["目标期限"] == "6个月"
    assert facts["分析师"] == "杨为敩" and facts["执业证书编号"] == "S0020521060001"
    prices = {c.row: (c.value, c.unit) for c in byd.table_cells if c.page == 1 and c.quote.startswith("当前价/目标价")}
    assert prices == {"当前价": (250.67, "元"), "目标价": (315.90, "元")}


def test_the_upside_to_the_target_price_is_a_formula_over_the_two_printed_prices(byd: Report) -> None:
    from qa.anyreport import answer_any

    answer = answer_any("比亚迪目标价较当前价有多少上涨空间", "目标价较当前价有多少上涨空间", byd)
    assert answer is not None and round(answer.value or 0, 2) == 26.02 and answer.unit == "%", answer
    assert "315.90" in (answer.formula or "") and "250.67" in (answer.formula or "")

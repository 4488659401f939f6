"""Execute alone: a `Query` over a small cell database of three real reports -> figures, formula, cited cells.

The reports are 淮安市人民政府 2024 and 淮安市洪泽区人民政府 2023 and 2024 (txt/009-011); every expected value is
worked out by hand from their printed cells (tests/fixtures/expected/009-011), the arithmetic in each test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import read_report
from index.cells import CellDB
from qa.answer import Scope
from qa.execute import Executor
from qa.query import Measure, Query, QueryScope

ROOT = Path(__file__).resolve().parent.parent
FILES = {"hz23": "txt/009_huaian_hongze_district_gov_2023.txt", "hz24": "txt/010_huaian_hongze_district_gov_2024.txt",
         "ha24": "txt/011_huaian_city_gov_2024.txt"}
NEW, CARRIED, TOTAL = (Measure("申请", "本年新收政府信息公开申请数量"), Measure("申请", "上年结转政府信息公开申请数量"),
                       Measure("申请", "总计"))


@pytest.fixture(scope="module")
def executor() -> Executor:
    reports = [read_report(ROOT / "corpus" / "reports" / path) for path in FILES.values()]
    db = CellDB.open(None)
    db.sync({r.id: r for r in reports}, {r.id: r.id for r in reports})
    return Executor(db)


def run(executor: Executor, query: Query, *names: str):  # noqa: ANN201
    ids = [read_report(ROOT / "corpus" / "reports" / FILES[n]).id for n in names]
    return executor.run("q", query, ids, Scope(tuple(ids)))


def test_a_sub_row_over_its_own_group(executor):
    # 淮安 2024 不予公开: 2 + 31 + 5 + 6 + 8 + 12 + 9 + 105 = 178; 属于国家秘密 2: 2 ÷ 178 = 1.12%
    answer = run(executor, Query(op="rate", measures=(Measure("申请", "不予公开/属于国家秘密"),),
                                 denominator=Measure("申请", "不予公开")), "ha24")
    assert (answer.value, answer.unit, answer.formula) == (1.12, "%", "2 ÷ 178 = 1.12%")
    assert len(answer.citations) == 1 + 8  # the sub-row's cell, and each of the group's eight


def test_a_denominator_that_is_a_sum_of_rows(executor):
    # 淮安 2024: 办理结果总计 3050 ÷ (本年新收 3119 + 上年结转 34) = 3050 ÷ 3153 = 96.73%
    answer = run(executor, Query(op="rate", measures=(TOTAL,), denominator=NEW, over=(CARRIED,)), "ha24")
    assert (answer.value, answer.formula) == (96.73, "3050 ÷ (3119 + 34) = 96.73%")


def test_a_rate_change_between_two_years_in_points(executor):
    # 洪泽 予以公开 ÷ 总计: 2023 0 ÷ 21 = 0.0%, 2024 50 ÷ 95 = 52.63%: 52.63 points higher
    answer = run(executor, Query(op="difference", measures=(Measure("申请", "予以公开"),), denominator=TOTAL), "hz23", "hz24")
    assert (answer.value, answer.unit) == (52.63, "个百分点")
    assert answer.formula == "52.63% − 0.0% = 52.63 个百分点"


def test_the_disclosure_rate_with_partial_changes_in_points(executor):
    # (予以公开 + 部分公开) ÷ 总计: 2023 (0 + 4) ÷ 21 = 19.05%; 2024 (50 + 9) ÷ 95 = 62.11%: 43.06 points
    query = Query(op="difference", measures=(Measure("申请", "予以公开"),), denominator=TOTAL, definition="公开率",
                  topic="含部分公开")
    answer = run(executor, query, "hz23", "hz24")
    assert answer.value == 43.06


def test_an_average_per_calendar_day_says_which_calendar(executor):
    # 淮安 2024 本年新收 3119 ÷ 366 (2024 is a leap year) = 8.52
    answer = run(executor, Query(op="average", measures=(NEW,), per="day"), "ha24")
    assert (answer.value, answer.formula) == (8.52, "3119 ÷ 366 = 8.52")
    assert "2024年 366 天" in answer.answer and "工作日数报告未给出" in answer.answer


@pytest.mark.parametrize(("ids", "median"), [(("hz23", "hz24", "ha24"), 95), (("hz24", "ha24"), 1607)])
def test_the_median_of_the_reports_in_scope(executor, ids, median):
    # 本年新收: 洪泽 2023 21, 洪泽 2024 95, 淮安 2024 3119; of two, (95 + 3119) ÷ 2 = 1607
    answer = run(executor, Query(op="median", measures=(NEW,)), *ids)
    assert answer.value == median and "中位数" in answer.answer


def test_a_ratio_of_two_columns_in_the_order_asked(executor):
    # 淮安 2024 本年新收: 自然人 3001 ÷ 法人或其他组织 (53 + 0 + 0 + 61 + 4 = 118) = 25.43
    query = Query(op="multiple", measures=(Measure("申请", NEW.row, "自然人"), Measure("申请", NEW.row, "法人或其他组织")))
    answer = run(executor, query, "ha24")
    assert (answer.value, answer.unit) == (25.43, "倍")


def test_the_denominators_round_trip_through_json():
    query = Query(op="rate", measures=(TOTAL,), denominator=NEW, over=(CARRIED,))
    assert Query.from_dict(query.to_dict()) == query
    assert query.to_dict()["over"] == [CARRIED.to_dict()]


def test_the_users_combination_of_figures(executor):
    # 淮安 2024: 本年新收 3119 + 上年结转 34 − 办理结果总计 3050 = 103 (the printed 结转下年度继续办理 is 103 too)
    answer = run(executor, Query(op="sum", measures=(NEW, CARRIED), minus=(TOTAL,)), "ha24")
    assert (answer.value, answer.formula) == (103, "3119 + 34 − 3050 = 103")


def test_two_years_divided_in_the_order_asked(executor):
    # 洪泽 本年新收 2023 21 ÷ 2024 95 = 0.221 (「2023年是2024年的几倍」: under 1, three figures); not asked in an
    # order: the later ÷ the earlier
    query = Query(op="multiple", measures=(NEW,), scope=QueryScope((), (2023, 2024)), as_asked=True)
    assert run(executor, query, "hz23", "hz24").value == 0.221
    assert run(executor, query.with_(as_asked=False), "hz23", "hz24").value == 4.52


def test_a_denominator_less_a_figure(executor):
    # 淮安 2024 行政复议: 结果纠正 64 ÷ (总计 351 − 尚未审结 37) = 64 ÷ 314 = 20.38% (printed row: 72 64 178 37 351)
    review = Measure("复议诉讼", "行政复议")
    answer = run(executor, Query(op="rate", measures=(Measure("复议诉讼", "行政复议", "结果纠正"),), denominator=review,
                                 minus=(Measure("复议诉讼", "行政复议", "尚未审结"),)), "ha24")
    assert (answer.value, answer.unit, answer.formula) == (20.38, "%", "64 ÷ (351 − 37) = 20.38%")
    assert "结果纠正 ÷ (行政复议 · 总计 − 行政复议 · 尚未审结)" in answer.answer

"""A figure of the year before (or of the year's start) worked back from a report's sentence of its change.

Real reports; every expected figure is the printed figure less (or plus) the printed change, computed by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import Report
from corpus.reader import read_report
from qa.prior import from_change

ANY = Path(__file__).parent / "fixtures" / "any"


@pytest.fixture(scope="module")
def zhoukou() -> Report:
    return read_report(ANY / "zhoukou_2023_statistical_bulletin.pdf")


@pytest.fixture(scope="module")
def qiandongnan() -> Report:
    return read_report(ANY / "qiandongnan_2023_statistical_bulletin.pdf")


@pytest.fixture(scope="module")
def finance() -> Report:
    return read_report(ANY / "shanghai_finance_bureau_2025_unit_budget.pdf")


def test_the_year_before_is_this_years_figure_less_its_stated_increase(qiandongnan: Report) -> None:
    """「年末户籍人口489.93万人,比上年末增加0.33万人。」: 2022年末 489.93 − 0.33 = 489.60 万人."""
    answer = from_change("黔东南2022年末户籍人口是多少万人？", "户籍人口是多少万人", qiandongnan, 2022, False)
    assert answer is not None and (answer.value, answer.unit) == (489.6, "万人"), answer
    assert answer.formula == "489.93 − 0.33 = 489.6" and "比上年末增加0.33万人" in answer.citations[0].quote


def test_a_rate_is_worked_back_by_its_points(zhoukou: Report) -> None:
    """「常住人口城镇化率45.31%,比上年提高1.01 个百分点」: 2022 45.31 − 1.01 = 44.30%."""
    answer = from_change("周口2022年的常住人口城镇化率是多少", "常住人口城镇化率是多少", zhoukou, 2022, False)
    assert answer is not None and (answer.value, answer.unit) == (44.3, "%"), answer


def test_the_start_of_the_year_is_its_end_less_the_change_since(zhoukou: Report) -> None:
    """「年末全市金融机构本外币各项存款余额 5625.03 亿元,比年初增加 586.96 亿元」: 年初 5038.07 亿元, not 住户存款's."""
    answer = from_change("周口2023年初金融机构本外币存款余额是多少", "年初金融机构本外币存款余额是多少", zhoukou, 2023, True)
    assert answer is not None and (answer.value, answer.unit) == (5038.07, "亿元"), answer


def test_a_decrease_is_added_back(finance: Report) -> None:
    """p.6 「财政拨款收入17,192万元,比2024年预算减少990万元」: the 2024 budget 17,192 + 990 = 18,182 万元."""
    answer = from_change("上海市财政局2024年的财政拨款收入预算是多少", "财政拨款收入预算是多少", finance, 2024, False)
    assert answer is not None and (answer.value, answer.unit) == (18182, "万元"), answer


@pytest.mark.parametrize(("content", "year"), [
    ("地区生产总值是多少", 2022),  # 「比上年增长4.8%」: a percentage gives no exact figure
    ("户籍人口是多少", 2021),  # two years before: the sentence says nothing of it
    ("航天发射次数是多少", 2022),  # a thing the report never says
])
def test_no_figure_where_the_report_states_no_amount_of_change(zhoukou: Report, content: str, year: int) -> None:
    assert from_change(content, content, zhoukou, year, False) is None

"""A summary asked of one report: what is asked to be summed up, and the report's own sentences quoted for it.

Real reports (tests/fixtures/any/); the figures expected were read from the printed pages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import Report
from corpus.reader import read_report
from qa.answer import Scope
from qa.summary import summarise, summary_topic

ANY = Path(__file__).parent / "fixtures" / "any"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "reports"


@pytest.mark.parametrize(("content", "topic"), [
    ("简单总结下经营业绩", "经营业绩"),
    ("简单说说外贸进出口情况。", "外贸进出口"),
    ("资产质量怎么样，简要说说", "资产质量"),
    ("财政收支情况概括一下", "财政收支"),
    ("三公经费预算构成，简单说下", "三公经费预算构成"),
    ("业绩概述", "业绩"),
])
def test_a_summary_question_names_its_topic(content: str, topic: str) -> None:
    assert summary_topic(content) == topic


@pytest.mark.parametrize("content", [
    "三公经费花了多少，简单说下",  # a figure asked: 多少
    "营业收入是多少",
    "税收收入占一般公共预算收入的比重",
    "收支总计为什么比上年涨了那么多",  # a reason, not a summary
])
def test_a_figure_or_a_reason_asked_is_no_summary(content: str) -> None:
    assert summary_topic(content) is None


@pytest.fixture(scope="module")
def sifang() -> Report:
    return read_report(ANY / "sifang_tech_2019_annual_report.pdf")


@pytest.fixture(scope="module")
def pingan() -> Report:
    if not (SHARED / "annual").is_dir():
        pytest.skip("../shared/reports is not beside this checkout")
    return read_report(SHARED / "annual" / "ping_an_bank_2024_annual_report.pdf")


@pytest.fixture(scope="module")
def finance() -> Report:
    return read_report(ANY / "shanghai_finance_bureau_2025_unit_budget.pdf")


def test_a_budgets_three_public_expenses_summed_up_from_its_sentences(finance: Report) -> None:
    """p.21: 「2025年“三公”经费预算数为346.30万元,与2024年预算持平。其中:(一)因公出国(境)费288.70万元…」."""
    answer = summarise("说说上海市财政局2025年三公经费预算情况", "三公经费预算", finance, [], Scope())
    # the report's own sentences, quoted and cited: no figure computed or restated, so no value of its own
    assert not answer.abstained and answer.value is None and "摘录原句" in answer.answer and "未作计算" in answer.answer
    for printed in ("346.30万元", "288.70万元", "32.20万元"):
        assert printed in answer.answer
    assert all(c.page == 21 for c in answer.citations) and len(answer.citations) >= 3
    assert "是与市级财政有经费领拨关系" not in answer.answer  # the glossary's definition of 三公经费 is no summary


def test_a_topic_the_report_never_speaks_of_is_no_answer(finance: Report) -> None:
    answer = summarise("概括一下上海市财政局2025年的航天发射情况", "航天发射", finance, [], Scope())
    assert answer.abstained and "航天发射" in answer.answer


def test_a_summary_of_things_named_one_by_one_says_which_it_did_not_find(finance: Report) -> None:
    answer = summarise("说说三公经费预算和航天发射情况", "三公经费预算和航天发射", finance, [], Scope())
    assert answer.abstained and "「航天发射」" in answer.answer and "三公经费预算」" not in answer.answer


def test_a_contact_sentence_about_another_company_is_not_the_issuers() -> None:
    """平安银行 2024 prints a shareholder's profile: 「深圳市盈中泰投资有限公司成立于…,注册地址: 深圳市宝安区…」."""
    from qa.text_route import _other_company

    bank = Report(id="pab.pdf", source="pab.pdf", text="", agency="平安银行股份有限公司", year=2024, names=["平安银行"])
    shareholder = "深圳市盈中泰投资有限公司成立于2001年12月29日,注册地址: 深圳市宝安区福永街道龙翔北路龙翔山庄B46栋102室"
    assert _other_company(shareholder, bank) == "深圳市盈中泰投资有限公司"
    assert _other_company("平安银行股份有限公司注册地址为深圳市罗湖区深南东路5047号", bank) is None


def test_a_dividend_plan_is_the_years_own_not_last_years_or_a_half_years(sifang: Report, pingan: Report) -> None:
    """四方科技 2019 p.2: 「公司2019年度利润分配预案是:…每10股派发现金红利1.88元(含税),每10股以资本公积金转增4.8股」,
    never p.20's 2018 dividend (「2018年年度股东大会…每10股派发现金红利2.00元」); 平安银行 2024 p.1 states the year's
    6.08 with its interim 2.46 and final 3.62, beating the sentences of one half (「2024年中期利润分配方案…2.46元」)."""
    answer = summarise("四方科技2019年度的利润分配预案是怎么安排的", "利润分配预案", sifang, [], Scope())
    assert "1.88元" in answer.answer and "4.8股" in answer.answer and "2.00元" not in answer.answer, answer.answer
    answer = summarise("平安银行2024年度分红是怎么安排的", "分红", pingan, [], Scope())
    assert all(f in answer.answer for f in ("6.08元", "2.46元", "3.62元")), answer.answer
    assert "4,774百万元" not in answer.answer  # the interim dividend paid, one half of the year


def test_a_statistical_bulletins_economy_is_its_main_indicators() -> None:
    """周口 2023: GDP growth 4.8% (p.1), 社会消费品零售总额 1954.60亿元 (p.7), 居民人均可支配收入 23102元 (p.10)."""
    zhoukou = read_report(ANY / "zhoukou_2023_statistical_bulletin.pdf")
    answer = summarise("简单总结一下周口市2023年经济运行情况", "经济运行", zhoukou, [], Scope())
    assert all(f in answer.answer for f in ("4.8%", "1954.60", "23102")), answer.answer
    assert len(answer.citations) <= 6


def test_a_table_row_read_as_text_is_no_sentence_of_a_summary(pingan: Report) -> None:
    """平安银行 2024 p.136 「1. 将净利润调节为经营活动的现金流量净利润 44,508 46,455…」 is a statement's rows."""
    answer = summarise("简单总结一下平安银行2024年的经营业绩", "经营业绩", pingan, [], Scope())
    assert "10.9%" in answer.answer and "1.06%" in answer.answer and "44,508 46,455" not in answer.answer, answer.answer

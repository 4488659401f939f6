"""The planner alone: a question and a fake catalog in, a Plan out (no index, no embeddings, no database).

The questions are worded the way the blind writers and the issue's examples word them; each test pins one
mechanism: a denominator the user names, the user's formula, the order of a ratio, a rate's change in points,
per-period averages, a median, a sum two follow-ups build, the coverage rule, and false premises named.
"""

from __future__ import annotations

import pytest

from corpus import Report
from qa.answer import Answer, Scope
from qa.plan import Planner
from qa.query import Measure, Query, QueryScope
from qa.render import restate
from qa.scope import Catalog
from qa.understand import Understander

NEW_ROW, CARRIED_ROW = Measure("申请", "本年新收政府信息公开申请数量"), Measure("申请", "上年结转政府信息公开申请数量")
AGENCIES = (("淮安市人民政府", 2024), ("淮安市洪泽区人民政府", 2023), ("淮安市洪泽区人民政府", 2024),
            ("沭阳县发展和改革局", 2023), ("平潭综合实验区", 2024), ("上海市科委", 2024))


@pytest.fixture(scope="module")
def planner() -> Planner:
    reports = [Report(id=f"r{i}", source=f"r{i}.txt", text="", agency=a, year=y) for i, (a, y) in enumerate(AGENCIES)]
    return Planner(Catalog(reports), Understander(None))


def _table(planner: Planner, question: str, history: list[Answer] | None = None) -> Query:
    plan = planner.plan(question, history or [])
    assert plan.kind == "table", (plan.kind, plan.unexplained, plan.reason)
    assert plan.query is not None
    return plan.query


def test_a_named_denominator_divides_by_that_group_not_by_the_total(planner):
    query = _table(planner, "淮安市2024年不予公开的申请里，涉及国家秘密的占多少？")
    assert query.op == "rate"
    assert query.measures == (Measure("申请", "不予公开/属于国家秘密"),)
    assert query.denominators == (Measure("申请", "不予公开"),)


def test_b_is_what_share_of_a_divides_b_by_a(planner):
    query = _table(planner, "淮安市2024年部分公开是予以公开的百分之几？")
    assert query.measures == (Measure("申请", "部分公开"),) and query.denominators == (Measure("申请", "予以公开"),)


def test_the_users_own_formula_is_the_definition(planner):
    query = _table(planner, "淮安市2024年办结率（办理结果总计÷(本年新收+上年结转)）是多少？")
    assert query.op == "rate" and query.measures == (Measure("申请", "总计"),)
    assert query.denominators == (Measure("申请", "本年新收政府信息公开申请数量"),
                                  Measure("申请", "上年结转政府信息公开申请数量"))


def test_a_ratio_keeps_the_order_asked(planner):
    query = _table(planner, "淮安市2024年新收申请里，自然人的数量是法人或其他组织的多少倍？")
    assert query.op == "multiple"
    assert [m.col for m in query.measures] == ["自然人", "法人或其他组织"]


def test_a_rate_change_between_years_is_a_difference_in_points(planner):
    plan = planner.plan("洪泽区予以公开占办理结果总计的比例，2024年比2023年提高了几个百分点？", [])
    assert plan.kind == "table" and plan.query is not None
    assert plan.query.op == "difference" and plan.query.denominators == (Measure("申请", "总计"),)
    assert plan.years == (2024, 2023) and plan.query.as_asked  # in the order asked: 2024 compared with 2023


@pytest.mark.parametrize(("question", "per"), [("淮安市2024年平均每天收到多少件申请？", "day"),
                                               ("淮安市2024年平均一天收到几件申请？", "day"),
                                               ("淮安市2024年平均每个月收到多少件申请？", "month")])
def test_per_period_averages(planner, question, per):
    query = _table(planner, question)
    assert query.op == "average" and query.per == per


def test_working_days_are_not_modelled_so_there_is_no_figure(planner):
    plan = planner.plan("淮安市2024年每个工作日平均收到多少件申请？", [])
    assert plan.kind == "partial" and "工作日" in plan.unexplained


def test_a_median_over_the_reports_of_a_year(planner):
    plan = planner.plan("2024年所有年报里，本年新收申请数的中位数是多少？", [])
    assert plan.kind == "table" and plan.query is not None and plan.query.op == "median"
    assert {r.year for r in plan.reports} == {2024} and len(plan.reports) == 4


@pytest.mark.parametrize(("question", "left"), [
    ("洪泽区2024年行政诉讼里几件是一审？", "审"),
    ("淮安市2024年平均每周收到多少件申请？", "每周"),
    ("淮安市2024年通过网络提交的予以公开的申请有几件？", "网络"),
])
def test_a_question_with_a_word_no_element_explains_gets_no_figure(planner, question, left):
    plan = planner.plan(question, [])
    assert plan.kind in ("partial", "text"), plan.kind
    if plan.kind == "partial":
        assert any(left in w or w in left for w in plan.unexplained), plan.unexplained


def test_an_agency_the_corpus_lacks_is_named_with_what_it_holds(planner):
    plan = planner.plan("洪泽区财政局2024年收到多少件申请？", [])
    assert plan.kind == "abstain" and plan.reason is not None
    assert "洪泽区财政局" in plan.reason and "淮安市洪泽区人民政府" in plan.reason


def test_a_name_one_character_off_another_county_is_a_reading_to_confirm(planner):
    plan = planner.plan("泗阳县发改局2023年收到几件信息公开申请？", [])
    assert plan.kind == "clarify" and plan.reason is not None and "泗阳县发改局" in plan.reason
    assert plan.choices == ["沭阳县发展和改革局2023年收到几件信息公开申请？"]


def test_a_comparison_whose_other_year_is_missing_says_which(planner):
    plan = planner.plan("淮安市2024年比2023年多收了多少件申请？", [])
    assert plan.kind == "abstain" and plan.reason is not None and "2023" in plan.reason


def _said(query: Query, agencies: tuple[str, ...], years: tuple[int, ...]) -> Answer:
    return Answer(question="", answer="", query=query.with_(scope=QueryScope(agencies, years)),
                  scope=Scope(("r0",), agencies, years))


def test_a_follow_up_that_extends_adds_to_the_earlier_figure_and_says_what_it_inherited(planner):
    first = _said(Query(measures=(Measure("申请", "本年新收政府信息公开申请数量"),)), ("淮安市人民政府",), (2024,))
    plan = planner.plan("再把上年结转的也算上呢？", [first])
    assert plan.kind == "table" and plan.query is not None and plan.query.op == "sum"
    assert plan.query.measures == (Measure("申请", "本年新收政府信息公开申请数量"), Measure("申请", "上年结转政府信息公开申请数量"))
    assert restate(plan) == ("理解为：淮安市人民政府（沿用上文）2024年（沿用上文），"
                             "申请表「本年新收政府信息公开申请数量」 + 申请表「上年结转政府信息公开申请数量」")


def test_a_new_question_with_its_own_wider_scope_is_not_narrowed_by_the_last(planner):
    first = _said(Query(measures=(Measure("申请", "本年新收政府信息公开申请数量"),)), ("淮安市人民政府",), (2024,))
    plan = planner.plan("2024年申请量前三的机关是哪些？", [first])
    assert plan.kind == "table" and plan.query is not None and plan.query.op == "rank" and plan.query.n == 3
    assert plan.agencies == () and len(plan.reports) == 4


def test_the_restatement_names_scope_measure_and_operation(planner):
    plan = planner.plan("淮安市2024年不予公开的申请里，涉及国家秘密的占多少？", [])
    assert restate(plan) == "理解为：淮安市人民政府2024年，申请表「不予公开/属于国家秘密」 ÷ 申请表「不予公开」"


def test_the_users_sum_and_difference_of_named_figures(planner):
    query = _table(planner, "帮我算一下淮安市2024年：新收申请 + 上年结转 − 本年办结总数 = ?")
    assert query.op == "sum" and query.measures == (NEW_ROW, CARRIED_ROW) and query.minus == (Measure("申请", "总计"),)


def test_two_years_are_divided_in_the_order_asked(planner):
    plan = planner.plan("洪泽区2023年新收申请数是2024年的几倍？", [])
    assert plan.query is not None and plan.query.op == "multiple" and plan.query.as_asked
    assert plan.years == (2023, 2024)


def test_a_subtraction_in_the_users_denominator_is_computed(planner):
    """「纠正数/(复议总数−尚未审结)」: the denominator less a figure (淮安市 2024: 64 ÷ (351 − 37) = 20.38%)."""
    query = _table(planner, "淮安市2024年行政复议的纠错率，按 纠正数/(复议总数−尚未审结) 算是多少？")
    review = Measure("复议诉讼", "行政复议")
    assert query.op == "rate" and query.measures == (Measure("复议诉讼", "行政复议", "结果纠正"),)
    assert query.denominator == review and query.minus == (Measure("复议诉讼", "行政复议", "尚未审结"),)
    plan = planner.plan("平潭2024年复议纠错率，就是结果纠正÷(复议总计−尚未审结)，多少？", [])
    assert plan.kind == "table" and plan.query is not None and plan.query.minus


def test_a_subtraction_in_the_users_numerator_is_said_not_approximated(planner):
    plan = planner.plan("淮安市2024年行政复议的纠错率，按 (纠正数−尚未审结)/复议总数 算是多少？", [])
    assert plan.kind == "partial" and plan.unexplained == ("−",)


def test_the_users_formula_after_its_lead_in_words_and_its_name(planner):
    """「定义是 A÷B」, 「用 A÷B 算」, 「公开比例（A+B）÷总计」: the side is what follows the lead-in, or the group."""
    query = _table(planner, "淮安市2024年办结率是多少，定义是（七）总计÷（本年新收+上年结转）")
    assert query.measures == (Measure("申请", "总计"),) and query.denominators == (NEW_ROW, CARRIED_ROW)
    query = _table(planner, "平潭2024年不予公开率，用不予公开合计÷办理结果总计算")
    assert query.measures == (Measure("申请", "不予公开"),) and query.denominators == (Measure("申请", "总计"),)
    query = _table(planner, "洪泽区2024年公开比例（予以公开+部分公开）÷总计是多少")
    assert query.measures == (Measure("申请", "予以公开"), Measure("申请", "部分公开"))
    assert query.denominators == (Measure("申请", "总计"),)
    plan = planner.plan("洪泽区2024年货币资金（予以公开+部分公开）÷总计是多少", [])
    assert plan.kind == "partial" and "货币资金" in plan.unexplained

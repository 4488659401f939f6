"""Cells whose unit is a column of their own, budget items' paragraphs as two figures, and questions no figure answers.

Real reports (tests/fixtures/any/, the bundled disclosure txt, ../shared/reports/ where a fixture lacks the page);
every expected figure was read off the printed page and, where divided or subtracted, computed by hand.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpus import Report, Settings
from corpus.reader import read_report
from index import FakeEmbeddings
from qa.anyreport import answer_any, as_of
from qa.parts import completed_parts, diff_parts
from qa.shortnames import abbreviations

ROOT = Path(__file__).resolve().parents[1]
ANY = ROOT / "tests" / "fixtures" / "any"
TXT = ROOT / "corpus" / "reports" / "txt"
SHARED = ROOT.parent / "shared" / "reports"


@pytest.fixture(scope="module")
def sifang() -> Report:
    return read_report(ANY / "sifang_tech_2019_annual_report.pdf")


def test_a_unit_column_is_each_rows_unit_not_its_name(sifang: Report) -> None:
    """四方科技 2019 p12 (2)产销量情况分析表: 「冷冻设备 台 482 504 25 -2.23 1.41 -46.81」 — 台 is the unit, 冷冻设备 the row."""
    [table] = [t for t in sifang.tables if t.title == "产销量情况分析表"]
    cells = {(c.row, c.col): (c.value, c.unit) for c in sifang.table_cells if c.table == table.number}
    assert cells[("冷冻设备", "生产量")] == (482, "台")
    assert cells[("罐式集装箱", "销售量")] == (6942, "台")
    assert cells[("罐式集装箱", "库存量")] == (2712, "台")
    assert cells[("冷冻设备", "库存量比上年增减（%）")] == (-46.81, "%")
    assert not any(row == "台" for row, _ in cells)


@pytest.mark.parametrize(("content", "expected"), [
    ("冷冻设备和罐式集装箱各卖了多少台", [504, 6942]),  # two rows, the 销售量 column of each
    ("冷冻设备生产量和销售量分别多少台", [482, 504]),  # one row, two columns
    ("罐式集装箱库存量是多少", [2712]),  # 「库存量」 says its column whole (not 库存 + a stray 量)
])
def test_a_product_asked_by_its_row_and_the_columns_named(sifang: Report, content: str, expected: list[float]) -> None:
    answer = answer_any("q", content, sifang)
    assert answer is not None and not answer.abstained, content
    assert len(answer.citations) == len(expected) and all(c.cell and c.cell["table"] == "产销量情况分析表" for c in answer.citations)
    shown = answer.answer.replace(",", "")
    assert all(f"{v:g} 台" in shown for v in expected), answer.answer


@pytest.mark.parametrize("content", [
    "整体毛利率多少？用营业收入和营业成本算",  # how the user computes it, said after the question
    "算一下的综合毛利率（用营业收入和营业成本）",
])
def test_the_ingredients_the_user_names_are_the_formulas_own(sifang: Report, content: str) -> None:
    """合并利润表 2019: (1,175,301,034.32 − 903,236,584.52) ÷ 1,175,301,034.32 = 23.15%; 「用货币资金算」 is no 毛利率."""
    answer = answer_any("q", content, sifang)
    assert answer is not None and answer.unit == "%" and round(answer.value or 0, 2) == 23.15, answer
    assert answer_any("q", "用货币资金算的毛利率", sifang) is None


def test_a_ratio_of_two_rows_named_by_the_user_in_brackets(sifang: Report) -> None:
    """「A和B的比值（成本率）」: 903,236,584.52 ÷ 1,175,301,034.32 = 76.85% — the name in brackets is the division's name."""
    answer = answer_any("q", "营业成本和营业收入的比值（成本率）是多少", sifang)
    assert answer is not None and answer.unit == "%" and round(answer.value or 0, 2) == 76.85, answer


def test_a_label_shortened_after_its_qualifier_is_still_that_label() -> None:
    """平安银行 2024 关键指标: 「发放贷款和垫款本金总额」 and 「吸收存款本金」 (and its 合计 row, the same measure)."""
    labels = ["发放贷款和垫款本金总额", "发放贷款和垫款本金", "吸收存款本金", "吸收存款本金合计", "本金或利息逾期90天以上贷款"]
    assert abbreviations("贷款本金总额", labels)["贷款本金总额"] == ("发放贷款和垫款本金总额",)
    assert abbreviations("存款本金", labels)["存款本金"] == ("吸收存款本金",)


def test_a_budget_items_spending_is_divided_by_its_own_budget_never_the_departments() -> None:
    assert completed_parts("事业运行（项）决算是全年预算的百分之多少") == ("事业运行决算是多少", "事业运行全年预算是多少")
    assert completed_parts("“事业运行”支出完成全年预算的比例是多少") == ("事业运行支出是多少", "事业运行全年预算是多少")
    assert completed_parts("支出完成全年预算的比例是多少") == ()  # no item named: the department's rate, as printed
    assert diff_parts("的信息化建设预算比执行数多了多少万元", "") == ("信息化建设预算多少万元", "信息化建设执行数多少万元")


@pytest.fixture(scope="module")
def social_work(tmp_path_factory: pytest.TempPathFactory):
    from qa import Assistant

    tmp = tmp_path_factory.mktemp("social_work")
    corpus = tmp / "corpus"
    corpus.mkdir()
    shutil.copy(ANY / "shanghai_putuo_social_work_dept_2024_final_accounts.pdf", corpus)
    assistant = Assistant.from_corpus(corpus, settings=Settings(home=tmp / "home", corpus=corpus),
                                      embeddings=FakeEmbeddings(), progress=False)
    yield assistant
    assistant.index.close()


def test_an_items_completion_is_its_decided_spending_over_its_budget(social_work) -> None:
    """p18: 「2、一般公共服务支出(类)社会工作事务(款)事业运行(项)。… 全年预算为 17.68 万元,支出决算为 11.31 万元」:
    11.31 ÷ 17.68 = 63.97% (the paragraph prints no rate); 行政运行's paragraph prints its own 98.69%, which is read."""
    answer = social_work.ask("普陀社工部事业运行（项）2024年决算是全年预算的百分之多少")
    assert (answer.value, answer.unit) == (63.97, "%") and answer.formula == "11.31 ÷ 17.68 × 100% = 63.97%", answer.answer
    answer = social_work.ask("普陀区社会工作部行政运行支出2024年完成全年预算的百分之多少？")
    assert (answer.value, answer.unit) == (98.69, "%"), answer.answer


@pytest.fixture(scope="module")
def disclosure(tmp_path_factory: pytest.TempPathFactory):
    from qa import Assistant

    tmp = tmp_path_factory.mktemp("disclosure")
    corpus = tmp / "corpus"
    (corpus / "txt").mkdir(parents=True)
    for name in ("000_shanghai_justice_bureau_2020.txt", "007_pingtan_zonghe_shiyanqu_2024.txt",
                 "013_shanghai_stcsm_kewei_2024.txt", "011_huaian_city_gov_2024.txt", "003_pingtan_zonghe_shiyanqu_2020.txt",
                 "004_pingtan_zonghe_shiyanqu_2021.txt", "005_pingtan_zonghe_shiyanqu_2022.txt",
                 "012_shuyang_county_gov_2025.txt", "015_shuyang_county_development_reform_bureau_2023.txt",
                 "001_shanghai_gov_general_office_2019.txt"):
        shutil.copy(TXT / name, corpus / "txt")
    assistant = Assistant.from_corpus(corpus, settings=Settings(home=tmp / "home", corpus=corpus),
                                      embeddings=FakeEmbeddings(), progress=False)
    yield assistant
    assistant.index.close()


def test_the_rest_of_a_whole_is_no_one_sentences_figure(disclosure) -> None:
    """上海市司法局 2020: 「当面申请 6 件,网络申请 96 件,信函申请 16 件」 — 「不是走网络的」 is not the 96 beside 网络."""
    answer = disclosure.ask("上海司法局2020年不是走网络的申请有多少件")
    assert answer.value != 96 and "96件" not in answer.answer.split("（")[0], answer.answer


def test_a_figure_counted_in_another_unit_than_the_whole_named_is_not_a_part_of_it(disclosure) -> None:
    """平潭 2024: 218 件 applications by applicant only; 「网上调查51期」 counts surveys, not applications."""
    answer = disclosure.ask("平潭24年那218件申请里有多少是网上提交的")
    assert answer.value is None and "51" not in answer.answer, answer.answer


def test_a_kind_asked_is_answered_by_no_count(disclosure) -> None:
    """上海市科委 2024: no 行政诉讼 at all (0); 「那起…判的什么结果」 asks a kind, which the count 0 件 is not."""
    answer = disclosure.ask("市科委24年那起信息公开行政诉讼最后判的什么结果")
    assert answer.value is None and "什么结果" in answer.answer, answer.answer


@pytest.mark.parametrize(("question", "value", "unit"), [
    # 沭阳县 2025: 「全年累计整改不规范描述22处、失效链接43处、各类错误信息83处」: 22 + 43 + 83 (what they are of said once)
    ("沭阳县政府网站2025年巡检整改的不规范描述、失效链接、错误信息，总共多少处", 148, "处"),
    # the same sentence: 整改 is asked of, not a question about the report's own problems (its section 五)
    ("沭阳县2025年一共整改了多少处失效链接？", 43, "处"),
    # 平潭 2024: 「全年通过门户网站开展民意征集53期、网上调查51期」: 合起来 is a sum, never the one figure 51
    ("平潭2024年门户网站上的民意征集和网上调查合起来搞了多少期？", 104, "期"),
    # 平潭 2020: 「汇聚数据8232万条」 — counted in 万条, asked in 条
    ("平潭2020年大数据汇聚，对接16个部门以后一共汇聚了多少条数据", 8232, "万条"),
    # 平潭 2022 「全区共主动公开政府信息14571条」 − 2021 「全年主动公开我区各级单位政府信息2645条」, years said short
    ("平潭主动公开信息条数22年比21年多出多少条？", 11926, "条"),
])
def test_prose_figures_asked_in_the_words_people_use(disclosure, question: str, value: float, unit: str) -> None:
    answer = disclosure.ask(question)
    assert (answer.value, answer.unit) == (value, unit), answer.answer


def test_a_share_of_the_row_named_before_is_over_that_rows_total(disclosure) -> None:
    """淮安市 2024 表四: 行政诉讼 结果纠正 4 + 1 = 5 of 总计 26 + 20 = 46: 「纠正的占诉讼总数」 after 「结果被纠正的有几件」
    is 5 ÷ 46 = 10.87%, never the column carried over as its own whole (5 ÷ 5)."""
    history = []
    for question in ("淮安市2024年信息公开行政诉讼有多少件？", "结果被纠正的有几件？"):
        history.append(disclosure.ask(question, history=list(history)))
    assert history[-1].value == 5, history[-1].answer
    answer = disclosure.ask("纠正的占诉讼总数百分之几", history=history)
    assert (answer.value, answer.unit) == (10.87, "%") and "5 ÷ 46" in answer.answer, answer.answer


def test_the_forecast_page_named_by_its_printed_name() -> None:
    """国元证券 BYD p37 「财务预测表」 (its heading printed over an English one, unreadable): 研发费用 39,574.95 ÷ 营业收入
    602,315.35 (2023, 百万元) = 6.57%."""
    report = SHARED / "other" / "guoyuan_securities_byd_2024_initiation_report.pdf"
    if not report.is_file():
        pytest.skip("../shared/reports is not beside this checkout")
    byd = as_of(read_report(report), (2023,))
    answer = answer_any("根据国元的财务预测表，比亚迪2023年研发费用率是多少", "根据的财务预测表，研发费用率是多少", byd)
    assert answer is not None and answer.unit == "%" and round(answer.value or 0, 2) == 6.57, answer


@pytest.fixture(scope="module")
def research(tmp_path_factory: pytest.TempPathFactory):
    from qa import Assistant

    report = SHARED / "other" / "guoyuan_securities_byd_2024_initiation_report.pdf"
    if not report.is_file():
        pytest.skip("../shared/reports is not beside this checkout")
    tmp = tmp_path_factory.mktemp("research")
    corpus = tmp / "corpus"
    corpus.mkdir()
    shutil.copy(report, corpus)
    assistant = Assistant.from_corpus(corpus, settings=Settings(home=tmp / "home", corpus=corpus),
                                      embeddings=FakeEmbeddings(), progress=False)
    yield assistant
    assistant.index.close()


@pytest.mark.parametrize(("question", "value", "unit", "columns"), [
    # 利润表 营业收入 (百万元): 2022 424,060.64; 2023 602,315.35; 2024E 829,666.51; 2025E 1,050,036.14
    ("比亚迪2023年营收比2022年多了多少（百万元）", 178254.71, "百万元", "2023 与 2022"),
    ("国元证券预测比亚迪2025年营业收入比2024年增长多少", 26.56, "%", "2025E 与 2024E"),  # not the report's own 2024 vs 2023
])
def test_two_years_of_a_research_reports_columns_are_compared_as_asked(research, question: str, value: float, unit: str,
                                                                       columns: str) -> None:
    answer = research.ask(question)
    assert answer.value is not None and round(answer.value, 2) == value and answer.unit == unit, answer.answer
    assert columns in (answer.understood or ""), answer.understood


def test_a_rows_printed_numbering_is_no_bracket_of_the_users_formula(disclosure) -> None:
    """淮安市 2024 表三: (予以公开 1362 + 部分公开 454) ÷ （七）总计 3050 = 59.54%; 「（一）至（七）」 stays as written."""
    from qa.normalise import normalise

    assert "÷总计" in normalise("（予以公开+部分公开）÷（七）总计") and normalise("（一）至（七）") == "（一）至（七）"
    answer = disclosure.ask("淮安市2024年的公开率我按（予以公开+部分公开）÷（七）总计来算，是多少？")
    assert (answer.value, answer.unit) == (59.54, "%"), answer.answer


def test_a_total_the_text_states_otherwise_is_asked_back_with_both_readings(disclosure) -> None:
    """上海市人民政府办公厅 2019: 无法提供 left blank, its cells add up to 337; the text says 「…无法提供265件」."""
    answer = disclosure.ask("上海市政府办公厅2019年因为本机关不掌握等原因无法提供的有多少件")
    assert answer.value is None and "337" in answer.answer and "265" in answer.answer
    assert len(answer.clarify) == 2 and disclosure.ask(answer.clarify[1]).value == 265, answer.clarify


def test_a_change_from_a_year_named_is_from_that_years_column() -> None:
    """邮储银行 2019 主要财务数据 (人民币百万元): 营业收入 2019 276,809; 2018 260,995; 2017 224,572 —
    「比2017年增长了百分之多少」 is 276,809 ÷ 224,572 − 1 = 23.26%, never the year before's 6.06%."""
    psbc = read_report(ANY / "psbc_2019_annual_report_converted.html")
    answer = answer_any("邮储营收2019年比2017年增长了百分之多少", "营收比增长了百分之多少", psbc)
    assert answer is not None and answer.unit == "%" and round(answer.value or 0, 2) == 23.26, answer
    answer = answer_any("邮储营收2019年比2018年增长了百分之多少", "营收比增长了百分之多少", psbc)
    assert answer is not None and round(answer.value or 0, 2) == 6.06, answer


def test_a_research_reports_legal_pages_are_never_its_answer(research) -> None:
    """国元证券 p38 (投资评级说明, 分析师声明, 法律声明, 免责条款): 「…并非作为…投资建议或要约邀请」 is no 投资建议."""
    answer = research.ask("国元证券这篇报告对比亚迪的投资建议是什么？")
    assert "并非作为" not in answer.answer and "本公司建议客户" not in answer.answer, answer.answer
    assert all((c.page or 0) < 38 for c in answer.citations), answer.citations


@pytest.fixture(scope="module")
def annual(tmp_path_factory: pytest.TempPathFactory):
    from qa import Assistant

    tmp = tmp_path_factory.mktemp("annual")
    corpus = tmp / "corpus"
    corpus.mkdir()
    for name in ("sifang_tech_2019_annual_report.pdf", "psbc_2019_annual_report_converted.html"):
        shutil.copy(ANY / name, corpus)
    assistant = Assistant.from_corpus(corpus, settings=Settings(home=tmp / "home", corpus=corpus),
                                      embeddings=FakeEmbeddings(), progress=False)
    yield assistant
    assistant.index.close()


@pytest.mark.parametrize(("question", "value"), [
    # 邮储 2019: 「每10股普通股派发人民币2.102元」 (2019年度), not 「经2019年5月30日召开的2018年度股东大会…1.937元」
    ("邮储2019年度每10股派多少钱", 2.102),
    # 四方科技 2019: 「公司2019年度利润分配预案是:…每10股派发现金红利1.88元」, not 2018年度's 2.00 paid in 2019
    ("四方科技2019年每10股派发现金红利多少", 1.88),
])
def test_a_figure_of_another_years_accounts_is_not_the_years(annual, question: str, value: float) -> None:
    answer = annual.ask(question)
    assert answer.value is None or answer.value == value, answer.answer
    assert "1.937" not in answer.answer and "2.00元(含税),预计" not in answer.answer, answer.answer

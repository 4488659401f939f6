"""Two things asked together, each in the words its report prints; changes between two years' reports; budget kinds.

Real reports (tests/fixtures/any/, ../shared/reports/ where a fixture lacks the report, the bundled disclosure txt);
every expected figure was read off the printed page and, where added, divided or subtracted, computed by hand.
The questions are the kinds blind round 15 and any-report set 11 asked, in other words where the mechanism allows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpus import Settings
from index import FakeEmbeddings

ROOT = Path(__file__).resolve().parents[1]
ANY = ROOT / "tests" / "fixtures" / "any"
TXT = ROOT / "corpus" / "reports" / "txt"
SHARED = ROOT.parent / "shared" / "reports"
PLANNING = SHARED / "budget" / "shanghai_putuo_planning_resources_bureau_2024_final_accounts.pdf"
FINANCE = SHARED / "budget" / "shanghai_putuo_finance_bureau_2024_final_accounts.pdf"
JUSTICE = SHARED / "budget" / "shanghai_putuo_justice_bureau_2026_dept_budget.pdf"
BYD = SHARED / "other" / "guoyuan_securities_byd_2024_initiation_report.pdf"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory):
    from qa import Assistant

    tmp = tmp_path_factory.mktemp("others")
    corpus = tmp / "corpus"
    corpus.mkdir()
    for name in ("qiandongnan_2016_statistical_bulletin.docx", "qiandongnan_2023_statistical_bulletin.pdf",
                 "shanghai_putuo_social_work_dept_2024_final_accounts.pdf", "psbc_2019_annual_report_converted.html",
                 "sifang_tech_2019_annual_report.pdf"):
        shutil.copy(ANY / name, corpus)
    for path in (PLANNING, FINANCE, JUSTICE, BYD):
        if path.exists():
            shutil.copy(path, corpus)
    assistant = Assistant.from_corpus(corpus, settings=Settings(home=tmp / "home", corpus=corpus),
                                      embeddings=FakeEmbeddings(), progress=False)
    yield assistant
    assistant.index.close()


def test_a_change_between_two_years_prose_is_shown_in_the_unit_printed(reports) -> None:
    """黔东南 2016 七: 「全年全州共接待旅游总人数6704.11万人次」; 2023 p16: 「全年全州旅游接待总人数7883.48万人次」 —
    7883.48 − 6704.11 = 1179.37 万人次 (held as 11,793,700 人次, the contract's plain number), never 「11793700万人次」."""
    answer = reports.ask("黔东南旅游接待总人数2023年比2016年多了多少万人次？")
    assert answer.answer.startswith("2023年比2016年多 1179.37万人次（7883.48 − 6704.11 = 1179.37）"), answer.answer
    assert (answer.value, answer.unit) == (11793700, "万人次") and "11793700万人次" not in answer.answer


def test_a_year_whose_bulletin_prints_the_figure_in_a_table_only_is_read_from_the_cell(reports) -> None:
    """黔东南 2016 十一: 「城镇居民人均可支配收入25282元」; 2023: 40867 元 — (40867 ÷ 25282 − 1) × 100% = 61.64%.
    「涨了百分之多少」 over 「从2016年到2023年」 is the change between the two, not either year's printed growth."""
    answer = reports.ask("黔东南城镇居民人均可支配收入从2016年到2023年涨了百分之多少？")
    assert (answer.value, answer.unit) == (61.64, "%"), answer.answer
    assert "9.1" not in str(answer.value) and not answer.abstained


def test_a_note_on_how_to_count_is_no_word_to_find(reports) -> None:
    """「（按现价总量算）」: from the two levels (地区生产总值939.05亿元, 全州生产总值1329.65亿元): +390.6亿元, +41.60%."""
    answer = reports.ask("黔东南州2023年GDP和2016年比增长了多少（按现价总量算）？")
    assert answer.value == 390.6 and "增长 41.60%" in answer.answer, answer.answer


def test_a_specific_budget_kind_is_read_only_where_it_is_named(reports) -> None:
    """社工部 2024 p18: 「一般公共预算财政拨款支出年初预算为 0 万元,全年预算为 321.02 万元,支出决算为 307.82 万元」 —
    全年预算数 is 321.02, never the 「一般公共预算财政拨款支出 307.82 万元」 of a sentence naming no kind; the
    difference is 13.2, not 307.82 − 307.82 = 0."""
    answer = reports.ask("社会工作部2024年一般公共预算全年预算数是多少")
    assert (answer.value, answer.unit) == (321.02, "万元"), answer.answer
    answer = reports.ask("社会工作部2024年一般公共预算全年预算数比支出决算数多出多少万元？")
    assert (answer.value, answer.unit) == (13.2, "万元"), answer.answer


def test_a_users_division_named_with_a_hedge_and_a_change_since_a_year_printed_in_a_column(reports) -> None:
    """邮储 2019 主要财务数据: 客户贷款总额 4,974,186, 客户存款 9,314,066 (百万元) → 53.41%; 营业收入 276,809 (2019),
    224,572 (2017) → 23.26% (「累计」 over the years between names no column)."""
    answer = reports.ask("邮储银行2019年末存贷比大概多少？客户贷款总额除以客户存款")
    assert round(answer.value or 0, 2) == 53.41 and answer.unit == "%", answer.answer
    answer = reports.ask("邮储银行2019年营业收入较2017年累计增长了多少？")
    assert round(answer.value or 0, 2) == 23.26 and "224,572" in answer.answer, answer.answer


def test_sold_in_everyday_words_reads_the_sales_column(reports) -> None:
    """四方科技 2019 p12 产销量情况分析表: 「罐式集装箱 台 7,490 6,942 2,712」 — 销售量 6,942 (卖出去, 售出)."""
    for question in ("四方科技19年罐式集装箱一共卖出去多少台？", "四方科技2019年罐式集装箱售出多少台"):
        answer = reports.ask(question)
        assert (answer.value, answer.unit) == (6942, "台"), answer.answer


def test_an_items_completion_rate_and_a_share_of_a_whole_stated_with_its_parts(reports) -> None:
    """普陀财政局 2024 p22: 信息化建设(项) 「年初预算为135.90万元,支出决算为135.25万元」 → 99.52%; 规划资源局 2024 p27:
    「政府采购金额…为 2319.21 万元,其中:货物采购金额 122.43 万元、工程采购金额 1387.72 万元…」 → 59.84%."""
    if not (PLANNING.exists() and FINANCE.exists()):
        pytest.skip("needs ../shared/reports/budget")
    answer = reports.ask("普陀财政局信息化建设项目2024年完成年初预算的比例是多少？")
    assert (answer.value, answer.unit) == (99.52, "%"), answer.answer
    answer = reports.ask("普陀规划资源局2024年政府采购里工程采购占多少比例？")
    assert (answer.value, answer.unit) == (59.84, "%"), answer.answer
    # p24 城乡社区规划与管理(项): 「年初预算为 3110.14 万元,支出决算为 2739.56 万元」 — 「决算占年初预算多少」: 88.08%
    answer = reports.ask("普陀区规划资源局城乡社区规划与管理（项）24年决算占年初预算多少")
    assert (answer.value, answer.unit) == (88.08, "%"), answer.answer


def test_a_departments_spending_against_its_budget_never_takes_a_part_of_it(reports) -> None:
    """规划资源局 2024 p21: 「一般公共预算财政拨款支出年初预算为 10210.34 万元,支出决算为 9746.50 万元」 and 「一般公共
    预算财政拨款支出 9746.50 万元,主要用于…」 — 9746.50 − 10210.34: 少 463.84; never the 「…财政拨款基本支出 5377.64 万元」
    (基本支出 and 项目支出 make up the 支出) nor 「预算支出」 for 「年初预算」."""
    if not PLANNING.exists():
        pytest.skip("needs ../shared/reports/budget")
    answer = reports.ask("规划资源局2024年一般公共预算财政拨款支出比年初预算少花了多少？")
    assert answer.value == 463.84 and "少 463.84万元" in answer.answer and "5377.64" not in answer.answer, answer.answer
    answer = reports.ask("规划资源局2024年一般公共预算财政拨款基本支出是多少")
    assert answer.value == 5377.64, answer.answer


def test_a_budget_items_code_is_no_count(reports) -> None:
    """普陀司法局 2026 p8: 「公共安全支出(204类)司法(06款)基层司法业务(04项)2170.39万元」 — the item's amount, never
    「4项」 read from its code."""
    if not JUSTICE.exists():
        pytest.skip("needs ../shared/reports/budget")
    answer = reports.ask("普陀司法局2026年基层司法业务和普法宣传分别安排多少万元？")
    assert "：2170.39万元" in answer.answer and "：124.29万元" in answer.answer and "：4项" not in answer.answer, answer.answer
    answer = reports.ask("普陀司法局2026年基层司法业务有多少万")
    assert answer.value == 2170.39, answer.answer


def test_two_things_asked_each_are_not_answered_with_one(reports) -> None:
    """国元 比亚迪 p11: 「其中王朝渠道约1807家, 海洋网约1528家」 — asked 「王朝网和海洋网…分别有多少家」, one figure (1528)
    answers neither in full: no figure, the one read shown."""
    if not BYD.exists():
        pytest.skip("needs ../shared/reports/other")
    answer = reports.ask("截至2024年6月1日，比亚迪王朝网和海洋网的渠道分别有多少家？")
    assert answer.value is None or ("1807" in answer.answer and "1528" in answer.answer), answer.answer


def test_a_summarys_key_facts_are_the_topics_own_measures(reports) -> None:
    """黔东南 2023 p16: 「全年全州旅游接待总人数7883.48万人次…实现旅游总收入876.71亿元」 for 旅游业 (not a chart's stray
    「旅游总收入 37.1」); 普陀财政局 2024 p21: 「…完成年初预算的98.20%」 for 支出决算执行情况."""
    answer = reports.ask("黔东南2023年旅游业表现如何？")
    assert "7883.48" in answer.answer and "876.71" in answer.answer, answer.answer
    if FINANCE.exists():
        answer = reports.ask("简要说下普陀区财政局2024年支出决算执行情况")
        assert "98.20%" in answer.answer and answer.value is None, answer.answer


@pytest.fixture(scope="module")
def disclosure(tmp_path_factory: pytest.TempPathFactory):
    from qa import Assistant

    tmp = tmp_path_factory.mktemp("disclosure")
    corpus = tmp / "corpus"
    corpus.mkdir()
    for name in ("000_shanghai_justice_bureau_2020.txt", "001_shanghai_gov_general_office_2019.txt",
                 "007_pingtan_zonghe_shiyanqu_2024.txt", "011_huaian_city_gov_2024.txt",
                 "012_shuyang_county_gov_2025.txt", "013_shanghai_stcsm_kewei_2024.txt"):
        shutil.copy(TXT / name, corpus)
    assistant = Assistant.from_corpus(corpus, settings=Settings(home=tmp / "home", corpus=corpus),
                                      embeddings=FakeEmbeddings(), progress=False)
    yield assistant
    assistant.index.close()


def test_a_share_in_points_with_nothing_compared_is_a_percentage(disclosure) -> None:
    """淮安市 2024 表三: 法律服务机构 61 of 本年新收 3119 → 1.96% (「占几个点」 compares no two years)."""
    answer = disclosure.ask("淮安市2024年新收的3119件申请中，法律服务机构提的占几个点")
    assert (answer.value, answer.unit) == (1.96, "%"), answer.answer


def test_parts_asked_in_other_words_than_printed(disclosure) -> None:
    """上海市司法局 2020: 「当面申请 6 件,网络申请 96 件,信函申请 16 件」 (网上提交的申请 ÷ 信函 = 6 倍); 「刑案总数 41066
    件」, 「民案总数 5134 件」 (刑事案件 + 民事案件 = 46200, never the 法律援助总数 46200 + 5134); 平潭 2024: 「开展民意
    征集53期、网上调查51期」 (网上民意征集 + 网上调查 = 104)."""
    answer = disclosure.ask("市司法局20年网上提交的申请是信函的几倍")
    assert (answer.value, answer.unit) == (6, "倍"), answer.answer
    answer = disclosure.ask("上海2020年法律援助里刑事案件和民事案件加起来一共多少件")
    assert answer.value == 46200 and "41066 + 5134" in answer.answer, answer.answer
    answer = disclosure.ask("平潭2024年网上民意征集和网上调查总共搞了多少期")
    assert (answer.value, answer.unit) == (104, "期"), answer.answer


def test_a_listing_of_things_is_read_where_all_of_them_are_listed(disclosure) -> None:
    """上海市政府办公厅 2019: 「刊登政府规章、规范性文件等112件,部门规范性文件45件,政策解读83件」 → 240; never the
    「发布政策解读共132件」 of another sentence for the first of them (东西 names nothing)."""
    answer = disclosure.ask("2019年上海市政府公报刊登的东西：规章规范性文件等、部门规范性文件、政策解读，总共多少件")
    assert answer.value == 240 and "112 + 45 + 83" in answer.answer, answer.answer


def test_a_users_division_of_two_things_the_prose_states(disclosure) -> None:
    """上海市科委 2024: 「“上海科技”微信公众号共编发文章 1640 篇,其中原创文章 294 篇」 → 294 ÷ 1640 = 17.93%."""
    answer = disclosure.ask("上海科委公众号24年的原创占比，原创文章数/编发文章总数")
    assert (answer.value, answer.unit) == (17.93, "%"), answer.answer


def test_an_average_over_one_month_written_out(disclosure) -> None:
    """上海市科委 2024: 「直播 118 场」 — 「平均一个月播几场」 (normalised to 1个月) is 118 ÷ 12 = 9.83 场 a month."""
    answer = disclosure.ask("上海科技直播24年平均一个月播几场")
    assert (answer.value, answer.unit) == (9.83, "场"), answer.answer


def test_a_figure_the_user_states_is_the_one_averaged(disclosure) -> None:
    """沭阳县 2025 一、(二): 「全县全年共受理政府信息公开申请 749 件」 — 「全年受理749件…平均每天多少件」 is 749 ÷ 365 =
    2.05, not the table's 本年新收 713 ÷ 365."""
    answer = disclosure.ask("沐阳县2025年全年受理749件信息公开申请，按天算平均每天多少件？")  # the OCR'd name
    assert (answer.value, answer.unit) == (2.05, "件"), answer.answer


def test_who_makes_up_a_stated_figure_is_no_ranking(disclosure) -> None:
    """淮安市 2024: 行政复议 结果纠正 64 — 「那64件分别是哪些部门的」 asks departments the report does not list: no figure."""
    answer = disclosure.ask("淮安市24年复议被纠正的那64件分别是哪些部门的")
    assert answer.abstained and answer.value is None, answer.answer


def test_a_three_character_abbreviation_of_a_departments_name(reports) -> None:
    """「社工部」 is 中共上海市普陀区委社会工作部 (社会, 工作, 部 — one character of each word); 「司法局」, printed whole in
    上海市司法局, is its name's end, no abbreviation (read as the name itself elsewhere)."""
    from qa.names import in_order

    assert in_order("社工部", "中共上海市普陀区委社会工作部")
    assert not in_order("司法局", "上海市司法局") and not in_order("社工委", "中共上海市普陀区委社会工作部")
    answer = reports.ask("社工部2024年一般公共预算财政拨款支出全年预算是多少")
    assert (answer.value, answer.unit) == (321.02, "万元"), answer.answer

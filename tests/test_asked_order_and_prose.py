"""Over the whole bundled corpus (fake embeddings): two agencies divided in the order asked, a multiple under 1
with three figures, a prose difference asked with a verb (「少发了多少」), a share the prose does not print.

Every expected figure is read from the printed reports: 000 上海市司法局 2020 本年新收 118, 001 上海市人民政府办公厅
2019 本年新收 859; 006 平潭 2023 「全年发布政策解读117篇」, 007 平潭 2024 「全年发布政策文件解读96篇」.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import Settings
from index import FakeEmbeddings
from qa import Assistant

REPORTS = Path(__file__).resolve().parent.parent / "corpus" / "reports"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = Settings(home=tmp_path_factory.mktemp("home"), corpus=REPORTS)
    return Assistant.from_corpus(REPORTS, settings=settings, embeddings=FakeEmbeddings(), progress=False)


def test_two_agencies_are_divided_in_the_order_named_even_when_one_name_starts_the_other(assistant):
    # 「上海市」 (an alias of 上海市人民政府办公厅) starts 「上海市司法局」: the office is named second
    answer = assistant.ask("上海市司法局2020年的新收申请量是上海市政府办公厅2019年的多少倍")
    assert (answer.value, answer.unit) == (0.137, "倍") and answer.formula == "118 ÷ 859 = 0.137"
    answer = assistant.ask("上海市政府办公厅2019年的新收申请量是上海市司法局2020年的多少倍")
    assert answer.value == 7.28 and answer.formula == "859 ÷ 118 = 7.28"


def test_a_prose_difference_asked_with_a_verb_is_computed(assistant):
    answer = assistant.ask("平潭2024年发布的政策解读比2023年少发了多少篇？")
    assert (answer.value, answer.unit, answer.abstained) == (21, "篇", False)
    assert answer.answer.startswith("2024年比2023年少 21篇")


def test_a_share_the_prose_does_not_print_is_computed_from_its_two_figures_not_answered_with_a_count(assistant):
    # 015: 「共审核发布各类公开政府信息249条」, 「政府网站信息185条」 — the share is no printed figure: 185 ÷ 249
    answer = assistant.ask("沭阳县发展和改革局2023年发布的信息里，政府网站信息占比是多少？")
    assert (answer.value, answer.unit, answer.formula) == (74.3, "%", "185 ÷ 249 × 100% = 74.3%")


def test_words_that_only_say_how_to_show_or_name_the_report_leave_no_word_unexplained(assistant):
    """「2025年报里」, 「市科委」's 市, 「×100」, 「用百分数表示」, 「保留两位」, 「加一块」, 「还剩」: no figure is lost to them.

    012 沭阳 2025 行政复议 纠正 10, 总计 61 (10 ÷ 61 = 16.39%); 行政处罚 693957; 011 淮安 2024 新收 3119 (÷ 366);
    007 平潭 2025 复议 36 + 诉讼 9 = 45; 014 上海市政府办公厅 2025 结转下年度 293.
    """
    assert assistant.ask("沭阳县2025年报里行政处罚决定数量是多少？").value == 693957
    answer = assistant.ask("沭阳县2025年行政复议 纠正数/复议总数×100 是多少")
    assert (answer.value, answer.unit) == (16.39, "%")
    assert assistant.ask("淮安市2024年平均每天新收多少件信息公开申请（保留两位）").value == 8.52
    assert assistant.ask("平潭2025年因为信息公开引发的复议和诉讼加一块一共多少起").value == 45
    assert assistant.ask("上海市政府办公厅2025年没办完、要转到下一年的申请还剩多少件？").value == 293


def test_a_change_asked_with_bian_le_is_signed(assistant):
    """平潭 公开率（含部分公开）: 2023 (22 + 20) ÷ 81 = 51.85%, 2024 (71 + 29) ÷ 218 = 45.87%: 变了 −5.98 个百分点."""
    answer = assistant.ask("平潭依申请公开的公开率（予以公开加部分公开占办结数），2024年比2023年变了几个百分点")
    assert (answer.value, answer.unit) == (-5.98, "个百分点")


def test_a_part_of_a_named_sum_and_a_container_described_in_brackets(assistant):
    """005 平潭 2022: 予以公开 21, 部分公开 9: 9 ÷ (21 + 9) = 30.0%. 000 司法局 2020 不予公开 9 (第三方 4): the
    bracket lists what the 9 hold, so 4 ÷ 9 is meant, never (2 + 4 + 1 + 2) ÷ 9 = 100%."""
    answer = assistant.ask("平潭2022年予以公开和部分公开这两类加起来，部分公开占多少比例")
    assert (answer.value, answer.formula) == (30.0, "9 ÷ (21 + 9) = 30.0%")
    described = assistant.ask("上海司法局2020年不予公开那几件中（国家秘密、第三方权益、内部事务、过程性这些），保护第三方合法权益的占多少？")
    assert described.value != 100.0 and (described.abstained or described.value == 44.44)


def test_the_figure_whose_clause_names_most_of_the_question(assistant):
    """010 洪泽 2024: 「在政府网站平台主动发布各类政府信息 2428 条,公开政府常务会议 7 期,解读信息发布 7 条」: 2428 ÷ 12."""
    answer = assistant.ask("洪泽区2024年在政府网站平均每个月发布多少条信息")
    assert answer.value == 202.33 and "2428 ÷ 12" in (answer.formula or answer.answer)


def test_a_prose_figure_compared_between_years_reads_each_report_without_the_comparison(assistant):
    """005 平潭 2022 「2022年全区共主动公开政府信息14571条」, 006 2023 「…13561条」: 14571 − 13561 = 1010."""
    answer = assistant.ask("平潭23年主动公开信息比22年少了多少条")
    assert (answer.value, answer.unit, answer.abstained) == (1010, "条", False)
    assert answer.answer.startswith("2023年比2022年少 1010条") and "相减" in (answer.understood or "")


def test_a_sum_of_rows_the_table_does_not_read_is_added_from_the_prose(assistant):
    """014 上海市政府办公厅 2025: 表二's 规章 / 行政规范性文件 rows are garbled (two cells for three columns), the
    prose says 「全年主动公开市政府规章 22 件、市政府及市政府办公厅行政规范性文件 34 件」: 22 + 34 = 56."""
    answer = assistant.ask("上海市府办2025年主动公开的市政府规章和行政规范性文件一共多少件")
    assert (answer.value, answer.abstained) == (56, False) and answer.formula == "22 + 34 = 56"
    assert "表格中的栏目未能可靠读出" in (answer.understood or "")


def test_a_prose_figure_asked_of_no_agency_or_year_asks_which_report(assistant):
    """「那个实验区」 names no agency and no year: 平潭's seven reports each print their own count (7700 in 2025) —
    which one is asked back, the reports whose name shares the question's 「实验区」 offered."""
    answer = assistant.ask("那个实验区主动公开了多少条信息")
    assert answer.value is None and answer.clarify and all(c.startswith("平潭综合实验区") for c in answer.clarify)


def test_clauses_of_a_listing_sentence_are_read_with_the_one_before_and_numbers_in_names_need_not_be_printed(assistant):
    """013 市科委 2024: 「“上海科技”视频号共制作并发布短视频 584 条,…;直播 118 场,…」 — 直播 is the 视频号's;
    000 司法局 2020: 「热线接听数为817238人次…;网络咨询接答数110665人次」 (no 12348 in either clause)."""
    answer = assistant.ask("市科委2024年视频号直播，平均每月播几场")
    assert (answer.value, answer.abstained) == (9.83, False) and answer.formula == "118 ÷ 12 = 9.83"
    answer = assistant.ask("上海司法局2020年12348热线接听人次是网络咨询接答人次的几倍")
    assert (answer.value, answer.abstained) == (7.38, False)
    answer = assistant.ask("上海市政务公开工作平台是2019年几月几号上线的？")
    assert answer.abstained or "4月9日" in answer.answer


def test_a_denominator_named_in_brackets_is_the_shares_denominator_and_never_ignored(assistant):
    """010 洪泽区 2024 表三: 予以公开 50, 本年新收 95, 办理结果总计 95 (50 ÷ 95 = 52.63%). A bracket naming the
    denominator is read as 「占X的」; one that contradicts a denominator already named gives no figure."""
    answer = assistant.ask("洪泽区24年新收的那些申请里，予以公开的占百分之多少（分母用新收数）")
    assert (answer.value, answer.unit) == (52.63, "%") and "本年新收" in (answer.understood or "")
    answer = assistant.ask("洪泽区2024年予以公开占新收的百分之多少（分母用总计）")
    assert answer.value is None and "分母用总计" in answer.answer


def test_a_figure_the_question_states_about_the_whole_is_checked_against_the_report(assistant):
    """011 淮安市 2024 表四: 行政诉讼 直接起诉 26 + 复议后起诉 20 = 46; 20 ÷ 46 = 43.48%. 「一共46件」 agrees; a
    stated 50 does not, and the answer says so (the share is the report's)."""
    answer = assistant.ask("淮安市2024年信息公开行政诉讼一共46件，其中复议后起诉的占多少")
    assert (answer.value, answer.unit) == (43.48, "%") and "与报告一致" in (answer.understood or "")
    answer = assistant.ask("淮安市2024年信息公开行政诉讼一共50件，其中复议后起诉的占多少")
    assert answer.value == 43.48 and "报告表中的数字与此不同" in answer.answer and "与报告不符" in (answer.understood or "")


def test_a_share_asked_within_the_last_answer_divides_by_it(assistant):
    """014 上海市政府办公厅 2025 表三: 不予公开 20, of which 属于国家秘密 4 — 「这里面…占多少」 after the 20 is 4 ÷ 20,
    not 4 ÷ 办理结果总计 1191."""
    first = assistant.ask("上海市府办2025年不予公开一共多少件？")
    answer = assistant.ask("这里面属于国家秘密的占多少", history=[first])
    assert (answer.value, answer.unit) == (20.0, "%") and "4 ÷ 20" in answer.answer


def test_a_group_read_in_part_is_no_figure_of_the_group(assistant):
    """013 市科委 2024: of 其他处理's three 2021-template sub-rows only 「其他」 (4) is read; 其他处理 is not 4 — the
    prose says 「其他处理 14 件」."""
    answer = assistant.ask("市科委2024年其他处理多少件")
    assert answer.value in (None, 14) and answer.value != 4
    answer = assistant.ask("市科委2024年其他处理占比，按 其他处理÷（新收+上年结转）")
    assert answer.value is None or answer.value == pytest.approx(38.89, abs=0.01)


def test_a_share_of_the_last_prose_figure_divides_the_part_by_that_figure(assistant):
    """上海市司法局 2020: 「共办理行政审批12176件」, then 「律师类行政审批11687件…公证类行政审批37件」. Never the
    「14.41% 涉及律师事务所及律师信息」 of another sentence (a share of applications, not of 行政审批)."""
    first = assistant.ask("上海司法局2020年公共法律服务中心办了多少件行政审批")
    assert first.value == 12176
    lawyers = assistant.ask("律师类的占比多少", history=[first])
    assert (lawyers.value, lawyers.unit) == (95.98, "%") and lawyers.formula == "11687 ÷ 12176 × 100% = 95.98%"
    assert "沿用上文" in (lawyers.understood or "")
    notaries = assistant.ask("公证类占多少", history=[first, lawyers])  # still of the 12176, not of the 95.98%
    assert (notaries.value, notaries.unit) == (0.3, "%") and notaries.formula == "37 ÷ 12176 × 100% = 0.3%"


def test_how_a_share_changed_and_a_ranking_asked_in_everyday_words(assistant):
    # 平潭 复议: 2024 纠正 1 of 7 (14.29%), 2025 纠正 3 of 36 (8.33%); 「怎么变的」 asks the change, no word left over
    answer = assistant.ask("平潭行政复议里被纠正的占比，24年到25年怎么变的，差几个百分点")
    assert (answer.value, answer.unit) == (5.96, "个百分点") and "低" in answer.answer
    # 行政复议 总计: 淮安市 2024 351, 沭阳县 2025 61, 洪泽区 2024 2 — 「排个序」 is a ranking
    ranked = assistant.ask("淮安市政府2024、洪泽区2024、沭阳县政府2025这三家的信息公开行政复议数量排个序")
    assert not ranked.abstained
    said = ranked.answer
    assert said.index("351件") < said.index("61件") < said.index(" 2件")


@pytest.mark.parametrize(("question", "value", "formula_part"), [
    # 洪泽区: 2023 无法提供 13 of 总计 21 (61.9%), 2024 32 of 95 (33.68%); the user's own formula, then the change
    ("洪泽区无法提供的占比（无法提供÷办理总计）24年较23年变动几个百分点", -28.22, "32 ÷ 95 = 33.68%"),  # 变动: signed
    # 平潭: 2024 (71 + 29) ÷ 218 = 45.87%, 2025 (33 + 38) ÷ 148 = 47.97%; 「，除以」 inside the brackets is one formula
    ("平潭的公开率（予以公开+部分公开，除以办理结果总计）2025年比2024年高了几个百分点", 2.1, "(33 + 38) ÷ 148 = 47.97%"),
])
def test_a_rate_the_user_defines_compared_between_two_years(assistant, question, value, formula_part):
    answer = assistant.ask(question)
    assert (answer.value, answer.unit) == (value, "个百分点") and formula_part in answer.answer


@pytest.mark.parametrize(("question", "value", "said"), [
    # 平潭's prose: 2021 「主动公开…政府信息2645条」, 2022 「共主动公开政府信息14571条」, 2023 13561条, 2024 10407条
    ("平潭2022年主动公开的信息条数是2021年的多少倍", 5.51, "14571 ÷ 2645 = 5.51"),  # in the order asked
    ("平潭主动公开的信息量，2024年比2023年少了多少条", 3154, "10407 − 13561"),  # 信息量: the amount of 信息, generic
    ("平潭2024年主动公开的政府信息，按季度平均每季多少条？", 2601.75, "10407 ÷ 4 = 2601.75"),
])
def test_prose_figures_of_two_years_or_a_years_per_quarter(assistant, question, value, said):
    answer = assistant.ask(question)
    assert answer.value == value and said in answer.answer, answer.answer


def test_a_multiple_of_two_years_with_one_year_in_words_only_is_no_figure(assistant):
    # 洪泽区 2023's report says what it did on its website, never how many items it published
    answer = assistant.ask("洪泽区2024年主动发布的政府信息条数是2023年的几倍？")
    assert answer.abstained and answer.value is None


def test_the_yearly_mean_of_a_prose_figure_over_four_reports(assistant):
    # 平潭 主动公开政府信息: 2021 2645条, 2022 14571条, 2023 13561条, 2024 10407条 — each from its own report
    answer = assistant.ask("平潭2021—2024年主动公开政府信息条数的年均值是多少")
    assert answer.value == 10296 and answer.formula == "(2645 + 14571 + 13561 + 10407) ÷ 4 = 10296"
    assert "平均" in (answer.understood or "")


def test_one_character_that_tells_two_figures_of_a_sentence_apart_is_read(assistant):
    # 006 平潭 2023: 「全年开展季度通报3次、月通报7次」 — 月 is dropped from the words, 「月通报」 still anchors 7
    assert assistant.ask("平潭2023年月通报开展了几次").value == 7
    assert assistant.ask("平潭2023年季度通报开展了几次").value == 3
    answer = assistant.ask("平潭23年季度通报和月通报一共开展了几次")
    assert (answer.value, answer.formula) == (10, "3 + 7 = 10")
    # 012 沭阳县 2025: 「累计开展办前主动沟通 49 次」, 「全年发出催办提示 84 次」, with 「两项」 between them and the total
    answer = assistant.ask("沭阳县2025年办前主动沟通和催办提示，两项加起来多少次？")
    assert (answer.value, answer.formula) == (133, "49 + 84 = 133")


def test_a_multiple_of_two_counts_in_their_own_measure_words(assistant):
    # 013 上海市科委 2024: 「共编发文章 1640 篇」, 「共制作并发布短视频 584 条」: 1640 ÷ 584 = 2.81
    answer = assistant.ask("上海科委公众号24年编发的文章数，是视频号短视频条数的几倍")
    assert (answer.value, answer.unit, answer.formula) == (2.81, "倍", "1640 ÷ 584 = 2.81")
    assert assistant.ask("上海科委2024年公众号编发了多少篇文章").value == 1640  # 「多少篇文章」: 篇 counts, 文章 is the word


def test_a_turn_that_only_moves_the_year_asks_the_last_prose_question_again(assistant):
    # 005/006/007 平潭: 「主动公开政府信息14571条」 (2022), 13561条 (2023), 「主动公开各类政府信息10407条」 (2024)
    first = assistant.ask("平潭22年主动公开了多少条政府信息")
    second = assistant.ask("23年呢", history=[first])
    third = assistant.ask("再往后一年呢？", history=[first, second])
    assert (first.value, second.value, third.value) == (14571, 13561, 10407)
    assert "2024年" in (third.understood or "")


def test_several_years_listed_with_one_year_word_and_a_group_asked_as_its_items_added(assistant):
    # 平潭 「政策解读」: 2023 117篇, 2024 96篇 (「政策文件解读」), 2025 82篇 → 295; 平潭 2025 其他处理 8 + 2 + 1 = 11
    answer = assistant.ask("平潭23、24、25三年一共发布了多少篇政策解读")
    assert (answer.value, answer.formula) == (295, "117 + 96 + 82 = 295")
    assert assistant.ask("平潭25年“其他处理”几项加总是多少").value == 11


def test_a_place_named_only_reads_the_prose_of_its_agency_that_has_the_year(assistant):
    # 「上海」 alone is 上海市人民政府办公厅, which has no 2020 or 2024 report; 上海市司法局 2020: 「12348上海法网服务
    # 1006782人次」, 上海市科委 2024: 「微信公众号目前关注人数达 1016823 人」. A table question stays a false premise.
    answer = assistant.ask("2020年12348上海法网一共服务了多少人次？")
    assert answer.value == 1006782 and "上海市司法局2020年" in (answer.understood or "")
    assert assistant.ask("上海科技公众号2024年关注人数到多少了").value == 1016823
    answer = assistant.ask("上海市政府办公厅2024年新闻发布会开了几场")
    assert answer.abstained and "语料中没有上海市人民政府办公厅2024年的报告" in answer.answer


def test_documents_counted_in_pian_are_printed_in_jian(assistant):
    # 001: 「通过“中国上海”门户网站发布政策解读共132件」, asked 「多少篇」
    assert assistant.ask("19年上海市政府办公厅在中国上海网站上一共发了多少篇政策解读").value == 132


def test_a_part_of_a_whole_the_user_states_with_its_figure(assistant):
    # 011 淮安 2024: 予以公开 1362 ÷ 总计 3050 = 44.66% (「办结的3050件」 is the report's 总计: said to agree)
    answer = assistant.ask("淮安市2024年办结的3050件申请里，直接予以公开的占多少比例")
    assert (answer.value, answer.formula) == (44.66, "1362 ÷ 3050 = 44.66%")
    assert "与报告一致" in (answer.understood or "")
    # 014 上海市政府办公厅 2025: 「按新收算」 after the share asked is its denominator: 513 ÷ 1295 = 39.61%
    answer = assistant.ask("上海市府办2025年新收的1295件里头，答复“本机关不掌握”的占几成？按新收算")
    assert (answer.value, answer.formula) == (39.61, "513 ÷ 1295 = 39.61%")
    # of the prose: 015 沭阳县发改局 2023 「共审核发布各类公开政府信息249条」, 「政府网站信息185条」: 185 ÷ 249
    answer = assistant.ask("沭阳县发改局2023年发布的249条信息里，政府网站信息占百分之多少")
    assert (answer.value, answer.formula) == (74.3, "185 ÷ 249 × 100% = 74.3%")
    # 013 上海市科委 2024: 「网站全年累计发布信息 2139 条,其中动态类信息发布 1744 条」, with no 其中 in the question
    assert assistant.ask("市科委2024年“上海科技”网站一共发了2139条信息，动态类的占比多少？").value == 81.53


def test_two_agencies_each_with_its_own_year_and_names_after_bi(assistant):
    # 011 淮安 2024 本年新收 3119, 009 洪泽区 2023 21: 3119 ÷ 21 = 148.52, 3119 − 21 = 3098 (洪泽区 2024 is not asked)
    answer = assistant.ask("淮安市2024年新收申请量是洪泽区2023年的多少倍")
    assert (answer.value, answer.unit) == (148.52, "倍")
    assert assistant.ask("淮安市政府2024年受理的信息公开申请比洪泽区2023年多出多少件？").value == 3098
    # 「比市科委」: 市 after 比 is the name's (not a place 「收申请比市」); 000 118 − 013 34 = 84
    assert assistant.ask("上海市司法局2020年新收申请比市科委2024年多多少件").value == 84


def test_who_of_two_has_more_or_fewer(assistant):
    # 2024 本年新收: 平潭 218, 洪泽区 95
    assert assistant.ask("2024年平潭和洪泽区，谁新收的信息公开申请多？").answer.startswith("平潭综合实验区2024年更多")
    assert assistant.ask("2024年平潭和洪泽区，谁新收的信息公开申请少？").answer.startswith("淮安市洪泽区人民政府2024年更少")
    # 「比一比」, 「年间」, 「按表三的…来算」 are how people talk, not measures
    assert assistant.ask("平潭2019-2025年间新收申请最少的是哪一年").answer.startswith("「本年新收政府信息公开申请数量」最少的是：1. 平潭综合实验区2020年 21件")
    assert assistant.ask("按表三的本年新收来算，洪泽区2024年的申请是2023年的几倍").value == 4.52


def test_a_turn_that_names_another_scope_or_row(assistant):
    # 000 上海市司法局 2020 本年新收 118, 001 上海市人民政府办公厅 2019 859; 012 沭阳县 2025 行政许可 517645
    first = assistant.ask("上海市司法局2020年新收了多少政府信息公开申请？")
    assert assistant.ask("换成上海市政府办公厅2019年呢？", history=[first]).value == 859
    first = assistant.ask("沭阳县人民政府2025年行政处罚决定多少件？")
    assert assistant.ask("换成行政许可呢", history=[first]).value == 517645
    # a prose figure, then 「那X收了多少」 (那 is no part of the place): 012 「收取信息处理费共计380元」
    first = assistant.ask("淮安市人民政府2024年收取信息处理费多少元？")
    assert assistant.ask("那沭阳县政府2025年收了多少", history=[first]).value == 380


def test_the_thing_counted_must_be_in_the_sentence_and_words_jieba_glues(assistant):
    # 006 平潭 2023 says 「新开设1个政务新媒体」 and nothing of 粉丝: no figure for the fans
    answer = assistant.ask("平潭2023年政务新媒体粉丝总数多少")
    assert answer.value is None and "粉丝" in answer.answer
    # 013: 「视频号共制作并发布短视频 584 条」: 584 ÷ 12 = 48.67 (jieba cut 「视频号发」 as 视频|号发)
    answer = assistant.ask("市科委2024年视频号平均每月发几条短视频")
    assert (answer.value, answer.formula) == (48.67, "584 ÷ 12 = 48.67")


def test_a_lawsuit_after_review_in_the_words_people_use(assistant):
    # 010 洪泽区 2024 复议后起诉 2 0 1 0 3; 011 淮安 2024 复议后起诉 结果纠正 1; 012 沭阳县 2025 行政复议 尚未审结 15
    assert assistant.ask("洪泽区2024年经过复议之后又去法院起诉的有几件？").value == 3
    assert assistant.ask("洪泽区2024年信息公开行政诉讼里，先复议再起诉的有几件").value == 3
    answer = assistant.ask("洪泽区2024年先复议、复议完又去法院起诉的那些案子里，“其他结果”的有几件？")
    assert answer.value == 1 and answer.citations[0].cell == {"table": "复议诉讼", "row": "行政诉讼/复议后起诉", "col": "其他结果"}
    assert assistant.ask("淮安市人民政府2024年，经复议后再起诉的行政诉讼里，结果被纠正的有几件？").value == 1
    assert assistant.ask("沭阳县2025年信息公开方面的行政复议，还没审结的有几件").value == 15
    assert assistant.ask("平潭24年以“属于三类内部事务信息”为由不予公开的有几件").value == 32  # 「24年以」 is 2024


def test_a_period_or_a_share_asked_of_the_last_prose_figure(assistant):
    # 007 平潭 2024 「主动公开各类政府信息10407条」: 10407 ÷ 366 = 28.43 (2024 has 366 days)
    first = assistant.ask("平潭2024年主动公开了多少条政府信息？")
    answer = assistant.ask("那平均每天公开多少条？", history=[first])
    assert (answer.value, answer.formula) == (28.43, "10407 ÷ 366 = 28.43")
    # 015 沭阳县发改局 2023 「共审核发布各类公开政府信息249条」, 「政府网站信息185条」
    first = assistant.ask("沭阳县发改局2023年一共发布了多少条公开政府信息？")
    assert assistant.ask("政府网站信息占了多大比例？", history=[first]).value == 74.3


def test_problems_are_read_under_their_heading_when_the_section_title_was_lost(assistant):
    # 013 上海市科委 2024 lost 「五、存在的主要问题…」 in conversion; its intro sentence lists the report's parts
    # (「…存在的主要问题及改进情况…」) and is no answer; the problem is under 「（一）主要问题」
    answer = assistant.ask("上海市科委2024年年报自己承认存在啥主要问题")
    assert "报告全文包括" not in answer.answer
    assert answer.abstained or "机构改革" in answer.answer


def test_a_synonym_the_report_prints_and_the_counted_word_after_you(assistant):
    # 000 上海市司法局 2020: 「当面申请 6 件，网络申请 96 件」 — asked 「网上申请」
    assert assistant.ask("司法局2020年网上申请有几件").value == 96
    # 「刑案有多少件」 is not the 「法律援助总数 46200 件」 of the sentence about the container
    answer = assistant.ask("上海司法局2020年全市法律援助里，刑案有多少件")
    assert answer.value in (None, 41066)
    # 012 沭阳县 2025 「收取信息处理费共计380元,其中民政局1件」: 「那笔」 points back, it is no word to find
    assert "民政局" in assistant.ask("沭阳县2025年收的那笔信息处理费是哪个部门收的？").answer


def test_a_part_only_the_prose_states_over_the_tables_row(assistant):
    # 014 上海市政府办公厅 2025: 其他处理 43 + 0 + 276 = 319 in the table; the text 「其他处理 319 件（26.78%，含申请人
    # 主动撤回 157 件）」: 157 ÷ 319 = 49.22%
    answer = assistant.ask("上海市政府办公厅2025年其他处理的申请里，申请人主动撤回的占几成（百分比）")
    assert (answer.value, answer.formula) == (49.22, "157 ÷ 319 = 49.22%")


def test_a_share_of_two_prose_figures_of_a_disclosure_report(assistant):
    # 000: 「律师类行政审批11687件(其中律师类10582件,律所类1039件…)」: 1039 ÷ 11687 = 8.89%
    answer = assistant.ask("上海市司法局2020年办的律师类行政审批中，律所类占几个百分比")
    assert (answer.value, answer.formula) == (8.89, "1039 ÷ 11687 × 100% = 8.89%")
    # 「网上申请占受理总数118件的百分比」: the whole stated after 占, the part in the report's word (网络申请 96 件)
    answer = assistant.ask("上海司法局2020年网上申请占受理总数118件的百分比")
    assert (answer.value, answer.formula) == (81.36, "96 ÷ 118 × 100% = 81.36%")


def test_the_whole_named_between_zai_and_li_and_a_table_said_as_biao_li(assistant):
    # 011 淮安 2024: 复议后起诉 20 ÷ 行政诉讼 46 = 43.48% (「复议后起诉的在诉讼总数里」: 起诉 ends the row, 诉讼总数 is the whole)
    answer = assistant.ask("淮安市2024年的信息公开行政诉讼，复议后起诉的在诉讼总数里占几成（给百分比）")
    assert (answer.value, answer.formula) == (43.48, "20 ÷ 46 = 43.48%")
    assert assistant.ask("淮安市2024年办结的申请里（按表里总计3050算），予以公开的占百分之几？").value == 44.66


def test_a_sum_of_two_prose_things_left_over_by_a_table_reading_is_both_added(assistant):
    # 011 淮安 2024 「全年新增公开市政府规章 1 件、市政府及市政府办政策性文件 11 件」: 1 + 11, never 11 alone
    answer = assistant.ask("淮安市2024年新公开的市政府规章和市政府及市政府办政策性文件加起来多少件")
    assert answer.value in (None, 12) and answer.value != 11


def test_a_span_of_two_digit_years_is_every_year_of_it(assistant):
    # 平潭 行政许可 本年处理决定数量: 2022 10690, 2023 2629, 2024 4529, 2025 2418 → (…) ÷ 4 = 5066.5
    answer = assistant.ask("平潭22到25年行政许可处理决定一年平均多少件")
    assert answer.value == 5066.5


def test_everyday_period_and_group_words_and_a_year_moved_after_a_table_reading(assistant):
    # 011 淮安 2024 新收 3119 ÷ 12 = 259.92; 001 府办 2019 859 ÷ 12 = 71.58 (「一个月」 normalised to 「1个月」)
    assert assistant.ask("淮安市政府24年新收的信息公开申请，平均下来每个月多少件").value == 259.92
    assert assistant.ask("19年上海市政府办公厅收到的信息公开申请，一个月平均多少件").value == 71.58
    assert assistant.ask("沭阳县25年“无法提供”这一大类总共多少件？").value == 113  # 012: 111 + 2 + 0
    # 「那上一年呢」 after a table reading: the same cell, the year before (005 平潭 2022 行政处罚 2113)
    first = assistant.ask("平潭23年行政处罚多少件")
    answer = assistant.ask("那上一年呢", history=[first])
    assert answer.value == 2113 and "2022年" in (answer.understood or "")


def test_a_whole_stated_without_yi_gong_and_the_part_of_its_kind(assistant):
    # 000: 「今年全市办理法律援助总数 46200 件」, 「刑案总数 41066 件」: 41066 ÷ 46200 = 88.89%
    answer = assistant.ask("上海司法局2020年全市法律援助46200件，刑案占了多少")
    assert (answer.value, answer.formula) == (88.89, "41066 ÷ 46200 × 100% = 88.89%")
    # 「办了12176件行政审批，这里面律师类的」 is 律师类行政审批 11687, not the 律师类 10582 printed inside it
    answer = assistant.ask("司法局2020年办了12176件行政审批，这里面律师类的占多少")
    assert (answer.value, answer.formula) == (95.98, "11687 ÷ 12176 × 100% = 95.98%")


@pytest.mark.parametrize(("question", "value"), [
    ("平潭24年行政处罚比25年多几件", 456),  # 007 表二 行政处罚 1100 − 008 644: 「比25年多」 is a year, not 「25年多」
    ("沭阳县政府25年现行有效规范性文件比沭阳发改局23年多几件", 14),  # 012 现行有效 32 − 015 18, each with its year
    ("平潭21-25这五年行政许可平均每年多少件", 4511.8),  # (2293 + 10690 + 2629 + 4529 + 2418) ÷ 5
])
def test_two_digit_years_after_bi_and_in_a_counted_span(assistant, question: str, value: float) -> None:
    answer = assistant.ask(question)
    assert answer.value == value, answer.answer


def test_a_channel_of_the_requests_is_read_from_the_prose_never_another_channels_figure(assistant):
    """000 上海市司法局 2020: 「共受理政府信息公开申请 118 件…其中,当面申请 6 件,网络申请 96 件,信函申请 16 件」;
    「网络咨询接答数110665人次」 is no request."""
    answer = assistant.ask("上海司法局2020年网络申请是多少")
    assert (answer.value, answer.unit) == (96, "件"), answer.answer
    share = assistant.ask("上海司法局2020年新收的申请里，网络申请占多少")  # the prose's 96 ÷ the table's 本年新收 118
    assert (share.value, share.unit) == (81.36, "%"), share.answer
    first = assistant.ask("上海司法局2020年信息公开申请收了几件")
    assert first.value == 118, first.answer
    narrowed = assistant.ask("其中信函寄来的呢", history=[first])  # a part of them only the prose states
    assert (narrowed.value, narrowed.unit) == (16, "件"), narrowed.answer


def test_two_prose_things_added_though_the_table_has_one_of_them(assistant):
    """011 淮安市 2024: 「全年新增公开市政府规章 1 件、市政府及市政府办政策性文件 11 件」."""
    answer = assistant.ask("淮安24年新增公开的市政府规章和政策性文件加起来几件")
    assert answer.value == 12, answer.answer


def test_what_is_added_to_the_years_new_requests_is_last_years_carry_over(assistant):
    """014 上海市政府办公厅 2025 表三: 新收 1295 + 上年结转 189 − 办结（七）总计 1191 = 293 (the report's 结转下年度 293)."""
    for asked in ("上海市府办25年新收加结转减去办结的，还剩几件", "上海市府办25年受理总量（新收+结转）减去办结的，还剩几件没办完"):
        answer = assistant.ask(asked)
        assert answer.value == 293, answer.answer
        assert answer.understood.endswith("申请表「本年新收政府信息公开申请数量」 + 申请表「上年结转政府信息公开申请数量」 − 申请表「总计」")


def test_a_count_printed_without_its_unit_right_after_its_name(assistant):
    """013 上海市科委 2024: 「“上海科技”视频号共制作并发布短视频 584 条,累计观看量 1924252 次,粉丝数 54373」: the fans
    are 54373 (printed without a unit), never the 584 videos."""
    answer = assistant.ask("上海科委视频号粉丝数是多少")
    assert answer.value == 54373, answer.answer


def test_a_received_count_the_text_states_otherwise_is_asked_back(assistant):
    """010 洪泽区 2024: the table's 本年新收 95, the text's 「区政府办代表区政府受理政府信息公开申请 17 件」: no figure,
    both laid out; 沭阳县 2025's 受理 749 = 713 + 36 is one of the table's readings (given with the sum beside it)."""
    answer = assistant.ask("洪泽区24年受理了多少件信息公开申请")
    assert answer.value is None and answer.abstained and "95" in answer.answer and "17" in answer.answer
    shuyang = assistant.ask("沭阳县政府2025年受理了多少件申请")
    assert shuyang.value == 713 and "749" in shuyang.answer


def test_a_share_whose_whole_is_read_as_its_part_gives_no_figure(assistant):
    """淮安市 2024: 行政诉讼 总计 46, 结果纠正 5. After 「结果被纠正的有几件」, 「纠正的占诉讼总数百分之几」 had carried the
    column 结果纠正 into the whole too (5 ÷ 5 = 100%): a part divided by itself is no share understood."""
    first = assistant.ask("淮安市2024年信息公开行政诉讼有多少件？")
    second = assistant.ask("结果被纠正的有几件？", history=[first])
    assert second.value == 5, second.answer
    share = assistant.ask("纠正的占诉讼总数百分之几", history=[first, second])
    assert share.value != 100 and (share.abstained or round(share.value or 0, 2) == 10.87), share.answer


@pytest.mark.parametrize("question", ["沭阳的依申请公开数量是多少", "沭阳收到了几件申请"])
def test_one_name_for_two_agencies_is_asked_back(assistant, question):
    """「沭阳」: the place of 沭阳县发展和改革局 and, one character off, of the OCR'd 沐阳县人民政府 (012)."""
    answer = assistant.ask(question)
    assert answer.value is None and "沐阳县人民政府2025年" in answer.answer and "沭阳县发展和改革局2023年" in answer.answer

"""A whole the user names as a sum of rows, and 「收到」 read both ways as the reports' own text reads it.

Over the whole bundled corpus (fake embeddings). Every expected figure is read off the printed tables and text:
000 上海市司法局 2020 表三 予以公开 69, 部分公开 5 (its text: 「“同意公开和部分公开”的 74 件」); 005 平潭 2022 本年新收 74,
上年结转 1, text 「全区收到政府信息公开申请75件」; 010 洪泽区 2024 本年新收 95, text 「区政府办代表区政府受理政府信息公开
申请 17 件」; 008 淮安市 2024 本年新收 3119, text 「全市共受理政府信息公开申请 3119 件」.
The questions are the kinds blind round 15 asked, in other words where the mechanism allows.
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


@pytest.mark.parametrize("question", [
    "上海司法局2020年予以公开和部分公开里部分公开的占百分之多少",
    "上海市司法局2020年，同意公开和部分公开当中，部分公开占几成",
])
def test_a_part_of_a_whole_named_as_two_rows_is_divided_by_their_sum(question, assistant):
    """5 ÷ (69 + 5) = 6.76% — never the 公开率 over 办理结果总计 ((69 + 5) ÷ 113 = 65.49%) the words are near."""
    answer = assistant.ask(question)
    assert (answer.value, answer.unit) == (6.76, "%"), answer.answer
    assert "5 ÷ (69 + 5)" in answer.answer


def test_a_whole_the_user_states_is_checked_against_the_sum_of_its_rows(assistant):
    """「…一共74件，这74件里面部分公开的占」: 74 is 69 + 5, the report's own — said so, no warning; a 75 is warned of."""
    answer = assistant.ask("上海司法局2020年“同意公开和部分公开”一共74件，这74件里面部分公开的占百分之多少")
    assert answer.value == 6.76 and "与此不同" not in answer.answer
    assert "与报告一致" in (answer.understood or "")
    wrong = assistant.ask("上海司法局2020年予以公开和部分公开一共75件，其中部分公开的占多少")
    assert wrong.value == 6.76 and "报告表中的数字与此不同" in wrong.answer


def test_received_that_the_text_states_as_new_and_carried_is_laid_out_both_ways(assistant):
    """平潭 2022: 「收到」 75 in the text is 本年新收 74 + 上年结转 1 — the row's figure, the sum beside it, both offered."""
    answer = assistant.ask("平潭22年一共收到多少件申请")
    assert answer.value == 74 and "75" in answer.answer and "74 + 1" in answer.answer
    assert len(answer.clarify) == 2
    plain = assistant.ask("平潭2022年新收了多少件申请")  # 新收 is the table's own word: one reading
    assert plain.value == 74 and not plain.clarify and "75" not in plain.answer


def test_received_that_the_text_states_as_neither_reading_is_laid_beside_the_tables(assistant):
    """洪泽区 2024: the text's 17 (「区政府办代表区政府受理…17 件」) is neither 95 nor 95 + 0. Asked 「收到」, the table's
    本年新收 95 leads with the text's 17 beside it, both offered; asked with the text's own word 「受理」, no figure."""
    answer = assistant.ask("洪泽区2024年收到多少信息公开申请")
    assert answer.value == 95 and not answer.abstained and len(answer.clarify) == 2
    assert "受理政府信息公开申请 17 件" in answer.answer
    accepted = assistant.ask("洪泽区2024年受理了多少件信息公开申请")
    assert accepted.value is None and accepted.abstained and "95" in accepted.answer and "17" in accepted.answer


def test_received_that_the_text_states_as_the_table_does_is_one_figure(assistant):
    """淮安市 2024: the text's 受理 3119 is the table's 本年新收: one figure, nothing asked back."""
    answer = assistant.ask("淮安市2024年收到多少申请")
    assert answer.value == 3119 and not answer.clarify and not answer.abstained


def test_a_column_every_item_row_has_named_without_its_row_is_asked_back(assistant):
    """上海市司法局 2020 表二: 本年处理决定数量 of 行政许可 18557, 其他对外管理服务事项 10703, 行政处罚 7, 行政强制 0 —
    「处理决定数量是多少」 names no item: each laid out with its figure, no one figure given."""
    answer = assistant.ask("上海司法局2020年处理决定数量是多少")
    assert answer.value is None and answer.abstained
    assert all(f in answer.answer for f in ("18557", "10703", "行政处罚", "行政强制"))
    assert "上海市司法局2020年行政许可本年处理决定数量是多少？" in answer.clarify
    named = assistant.ask("上海司法局2020年行政处罚的处理决定数量是多少")
    assert named.value == 7


def test_a_decision_issued_per_day_is_the_items_decisions_over_the_days(assistant):
    """沭阳县 2025 表二: 行政许可 本年处理决定数量 517645; 「平均一天要出多少个处理决定」: 517645 ÷ 365 = 1418.21."""
    answer = assistant.ask("沭阳县2025年行政许可平均一天要出多少个处理决定")
    assert answer.value == 1418.21, answer.answer


def test_counts_printed_before_the_nouns_they_count_are_each_their_nouns(assistant):
    """000 上海市司法局 2020: 「配套出台 12 份政策保障文件、9 份行业指引、9 份法律指引和指导意见」 — the 政策保障文件 are
    the 12 before them (the first reading took the 9 after them); three listed and added: 12 + 9 + 9 = 30."""
    assert assistant.ask("上海司法局2020年政策保障文件一共多少份").value == 12
    assert assistant.ask("上海司法局2020年行业指引多少份").value == 9
    total = assistant.ask("上海司法局2020年为疫情出的政策保障文件、行业指引、法律指引，加起来一共多少份")
    assert (total.value, total.unit) == (30, "份") and "12 + 9 + 9" in total.answer


def test_a_users_formula_with_a_hyphen_subtracts(assistant):
    """淮安市 2024 行政复议: 结果纠正 64, 总计 351, 尚未审结 37 — 「纠正÷(总计-尚未审结)」 is 64 ÷ (351 − 37) = 20.38%
    (a plain hyphen was taken for an operation not computed)."""
    answer = assistant.ask("淮安市2024年行政复议的纠错率，按 纠正÷(总计-尚未审结) 来算")
    assert (answer.value, answer.unit) == (20.38, "%"), answer.answer
    assert "64 ÷ (351 − 37)" in answer.answer


def test_a_users_formula_whose_numerator_is_one_of_the_denominators_terms(assistant):
    """淮安市 2024 行政复议: 结果维持 72, 结果纠正 64, 其他结果 178 — 纠正/(维持+纠正+其他结果) = 64 ÷ 314 = 20.38%."""
    answer = assistant.ask("淮安市2024年复议被纠正的比例，用 结果纠正/(维持+纠正+其他结果) 算")
    assert answer.value == 20.38 and "64 ÷ (72 + 64 + 178)" in answer.answer, answer.answer


def test_a_bare_total_over_the_requests_is_the_requests_own_total(assistant):
    """上海市人民政府办公厅 2025 表三: 办理结果总计 1191, 本年新收 1295, 上年结转 189 — 「总计/(新收+上年结转)」:
    1191 ÷ 1484 = 80.26%."""
    answer = assistant.ask("上海市政府办公厅2025年的办结率，就是 总计/(新收+上年结转)")
    assert answer.value == 80.26 and "1191 ÷ (1295 + 189)" in answer.answer, answer.answer


def test_a_users_formula_then_a_comparison_of_years(assistant):
    """平潭 2022 表三: 予以公开 21, 部分公开 9, 总计 75; 2023: 22, 20, 81 — (21+9)/75 = 40%, (22+20)/81 = 51.85%:
    11.85 个百分点 higher (the year after the formula had been read as a part of its denominator)."""
    answer = assistant.ask("平潭2023年的（予以公开+部分公开）/办理总计 比2022年高了多少个百分点")
    assert (answer.value, answer.unit) == (11.85, "个百分点"), answer.answer


def test_a_rate_that_fell_asked_with_diao(assistant):
    """平潭 2024 表三: 予以公开 71 of 总计 218 (32.57%); 2025: 33 of 148 (22.30%) — 「掉了几个点」: 10.27 个百分点 lower."""
    answer = assistant.ask("平潭予以公开占办理结果总计的比例，25年跟24年比掉了几个点")
    assert (answer.value, answer.unit) == (10.27, "个百分点"), answer.answer


def test_a_prose_figures_change_on_the_year_before_asked_in_percent(assistant):
    """平潭 2022 「全区共主动公开政府信息14571条」, 2023 「…13561条」, 2024 「…主动公开各类政府信息10407条」:
    「同比增减了百分之多少」 is (10407 ÷ 13561 − 1) = −23.26%; 「同比变化了百分之多少」 of 2023 is −6.93%, never the
    amount (−1010 条) where a percentage is asked."""
    answer = assistant.ask("平潭2024年主动公开政府信息条数同比增减了百分之多少")
    assert (answer.value, answer.unit) == (-23.26, "%"), answer.answer
    changed = assistant.ask("平潭23年主动公开的信息条数同比变化了百分之多少")
    assert (changed.value, changed.unit) == (-6.93, "%"), changed.answer

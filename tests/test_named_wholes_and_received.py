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


def test_received_that_the_text_states_as_neither_reading_gives_no_figure(assistant):
    """洪泽区 2024: the text's 17 (what the office received for the district) is neither 95 nor 95 + 0: asked back."""
    answer = assistant.ask("洪泽区2024年收到多少信息公开申请")
    assert answer.value is None and answer.abstained and answer.clarify
    assert "95" in answer.answer and "17" in answer.answer


def test_received_that_the_text_states_as_the_table_does_is_one_figure(assistant):
    """淮安市 2024: the text's 受理 3119 is the table's 本年新收: one figure, nothing asked back."""
    answer = assistant.ask("淮安市2024年收到多少申请")
    assert answer.value == 3119 and not answer.clarify and not answer.abstained

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


def test_a_share_the_prose_does_not_print_is_not_answered_with_a_count(assistant):
    answer = assistant.ask("沭阳县发展和改革局2023年发布的信息里，政府网站信息占比是多少？")
    assert answer.abstained and "%" not in answer.answer.split("：")[0]

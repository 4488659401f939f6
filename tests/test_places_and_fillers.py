"""Places as people name them: a province bare, a place in brackets after its agency, a count of a place's reports.

The bundled disclosure reports (corpus/reports): 上海 has three agencies' reports (办公厅 2019 and 2025, 司法局 2020,
科委 2024), 淮安 two (淮安市人民政府 2024, 洪泽区 2023 and 2024); no agency's name says 江苏. Blind round 17 asked
these in these words; the figures were read off the printed tables.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import Settings
from index import FakeEmbeddings

REPORTS = Path(__file__).resolve().parents[1] / "corpus" / "reports"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory):
    from qa import Assistant

    settings = Settings(home=tmp_path_factory.mktemp("home"), corpus=REPORTS)
    return Assistant.from_corpus(REPORTS, settings=settings, embeddings=FakeEmbeddings(), progress=False)


def test_a_province_no_agency_names_is_no_count_of_every_report(assistant):
    """「江苏的年报你这有几份」 was answered 16 (every report): 江苏 was not read at all — a wrong figure."""
    answer = assistant.ask("江苏的年报你这有几份")
    assert answer.abstained and answer.value is None
    assert "江苏" in answer.answer


def test_a_count_of_a_places_reports_counts_every_agency_of_it(assistant):
    """上海: 办公厅 2019, 2025, 司法局 2020, 科委 2024 — 4, not the two of its government's office alone."""
    assert assistant.ask("上海的年报有几份").value == 4
    assert assistant.ask("库里淮安的年报（市里加区里）有几份").value == 3
    assert assistant.ask("上海市司法局的报告有几份").value == 1  # an agency named is that agency's


def test_a_place_in_brackets_after_its_agency(assistant):
    """「市政府办公厅（上海）」 is 上海市人民政府办公厅 (2025: 本年新收 1295); its name was left in the question and the
    prose answered 「公文公开属性审查 166 件」 — a wrong figure."""
    answer = assistant.ask("市政府办公厅（上海）2025年收到多少件申请")
    assert answer.value == 1295


def test_that_part_is_no_word_of_the_question(assistant):
    """淮安市 2024 申请表: 不予公开 / 属于行政查询事项 105 — 「依申请那块」 says where, not what."""
    assert assistant.ask("淮安市24年依申请那块，因为属于行政查询事项不予公开的有几件？").value == 105


def test_a_change_asked_after_a_prose_figure_is_the_last_figures(assistant):
    """平潭 2023 「全区共主动公开政府信息13561条」, 2024 「全年主动公开各类政府信息10407条」: after the two turns,
    「同比变化百分之多少」 is the last figure's change on the year before: (10407 ÷ 13561 − 1) = −23.26%."""
    first = assistant.ask("平潭2023年主动公开政府信息多少条？")
    second = assistant.ask("那2024年呢？", history=[first])
    answer = assistant.ask("同比变化百分之多少", history=[first, second])
    assert answer.value == pytest.approx(-23.26, abs=0.005)
    assert "沿用上文" in (answer.understood or "")

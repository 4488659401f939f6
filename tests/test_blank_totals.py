"""Totals a table leaves blank, filled in by the table's own arithmetic; report references by path.

上海市人民政府办公厅 2019 (txt/001) prints the 总计 column of its 办理结果 rows blank, and every zero blank too;
its （七）总计 805 equals the sum of the printed applicant cells (767 + 35 + 2 + 1), so a blank is 0 and a
row's total is its applicant cells added. 2025 (txt/014) prints every total. Expected values by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import read_report
from corpus.errors import UnknownReportError
from index.cells import CellDB
from qa.answer import Scope
from qa.execute import Executor
from qa.query import Measure, Query
from qa.scope import Catalog

ROOT = Path(__file__).resolve().parent.parent
FILES = ("txt/001_shanghai_gov_general_office_2019.txt", "txt/014_shanghai_gov_general_office_2025.txt",
         "txt/013_shanghai_stcsm_kewei_2024.txt")
TOTAL = Measure("申请", "总计")


@pytest.fixture(scope="module")
def reports():  # noqa: ANN201
    return [read_report(ROOT / "corpus" / "reports" / path) for path in FILES]


@pytest.fixture(scope="module")
def executor(reports) -> Executor:
    db = CellDB.open(None)
    db.sync({r.id: r for r in reports}, {r.id: r.id for r in reports})
    return Executor(db)


def test_a_group_whose_totals_are_blank_is_summed_from_its_applicant_cells(executor, reports):
    # 2019 不予公开: 国家秘密 14, 三类内部事务 5, 四类过程性 3 + 1, 行政查询 10 + 2 = 35 (the text: 不予公开35件)
    # 35 ÷ 805 = 4.35%; 2025: 4 + 0 + 1 + 0 + 9 + 1 + 0 + 5 = 20, 20 ÷ 1191 = 1.68%; 1.68 − 4.35 = −2.67 points
    ids = [reports[0].id, reports[1].id]
    query = Query(op="difference", measures=(Measure("申请", "不予公开"),), denominator=TOTAL, signed=True)
    answer = executor.run("q", query, ids, Scope(tuple(ids)))
    assert (answer.value, answer.unit) == (-2.67, "个百分点")
    assert "35 ÷ 805 = 4.35%" in answer.answer and "20 ÷ 1191 = 1.68%" in answer.answer
    assert "一栏为空（未填写），按六类申请人之和计" in answer.answer and "空栏按 0 计" in answer.answer


def test_one_blank_total_is_said_blank_and_summed(executor, reports):
    # 2019 不予处理: 信访举报投诉 148 + 1, 重复申请 5 + 4 = 158 (the text: 不予处理158件)
    answer = executor.run("q", Query(op="value", measures=(Measure("申请", "不予处理"),)), [reports[0].id], Scope((reports[0].id,)))
    assert answer.value == 158
    assert "一栏为空（未填写）；按六类申请人之和计算为 158件" in answer.answer


def test_blanks_are_not_zero_where_the_printed_total_does_not_prove_it(executor, reports):
    # 科委 2024 reads some rows of its 申请 table unlabelled: the sum of what was read is not its 总计 35,
    # so an unread 部分公开 stays unknown instead of becoming 0
    answer = executor.run("q", Query(op="rate", measures=(Measure("申请", "部分公开"),), denominator=TOTAL),
                          [reports[2].id], Scope((reports[2].id,)))
    assert answer.value is None and answer.abstained


def test_reports_are_named_by_id_or_by_a_path_ending_in_one(reports):
    catalog = Catalog(reports)
    assert catalog.report_ids(["reports/txt/001_shanghai_gov_general_office_2019.txt"]) == [reports[0].id]
    assert catalog.report_ids([reports[1].id]) == [reports[1].id]
    with pytest.raises(UnknownReportError, match="语料中没有报告「txt/999.txt」"):
        catalog.report_ids(["txt/999.txt"])


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    import shutil

    from corpus import Settings
    from index import FakeEmbeddings
    from qa import Assistant

    corpus = tmp_path_factory.mktemp("corpus")
    (corpus / "txt").mkdir()
    shutil.copy(ROOT / "corpus" / "reports" / FILES[0], corpus / FILES[0])
    settings = Settings(home=tmp_path_factory.mktemp("home"), corpus=corpus)
    return Assistant.from_corpus(corpus, settings=settings, embeddings=FakeEmbeddings(), progress=False)


def test_a_summed_total_the_text_states_otherwise_gives_both_and_no_figure(assistant):
    # 无法提供: 252 + 12 + 1 (不掌握) + 44 + 3 + 25 = 337 in the table; the text: 「因本机关不掌握等原因无法提供265件」
    answer = assistant.ask("上海市政府办公厅2019年因本机关不掌握等原因无法提供的申请有多少件？")
    assert answer.value is None
    assert "表格与正文说法不一" in answer.answer and "337件" in answer.answer
    assert "「因本机关不掌握等原因无法提供265件」" in answer.answer
    # 不予处理: 148 + 1 + 5 + 4 = 158, and the text says 「不予处理158件」: the figure
    answer = assistant.ask("上海市政府办公厅2019年不予处理一共多少件")
    assert answer.value == 158 and "一栏为空（未填写）" in answer.answer

"""The landing line says what the corpus holds, and its example questions are drawn from it and answered."""

from __future__ import annotations

import pytest
from app_server import copy_reports

from corpus import Settings
from index import FakeEmbeddings
from qa import Assistant
from qa.overview import corpus_overview, example_questions

NAMES = ["txt/000_shanghai_justice_bureau_2020.txt", "txt/009_huaian_hongze_district_gov_2023.txt",
         "txt/010_huaian_hongze_district_gov_2024.txt", "docx/blank_template_2021_format.docx"]  # fmt: skip


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    tmp = tmp_path_factory.mktemp("overview")
    corpus = copy_reports(NAMES, tmp / "corpus")
    return Assistant.from_corpus(corpus, settings=Settings(home=tmp / "home", corpus=corpus), embeddings=FakeEmbeddings(),
                                 progress=False)  # fmt: skip


def test_the_landing_line_names_kinds_issuers_and_years(assistant: Assistant) -> None:
    assert corpus_overview(assistant.index.reports) == (
        "语料共 4 份：政府信息公开工作年度报告 3 份，空白模板 1 份（不作答）；"
        "发布机关：淮安市洪泽区人民政府、上海市司法局；年份 2020–2024。"
    )
    assert corpus_overview({}) == "语料中还没有报告：请在「上传」页加入一份。"


def test_the_examples_come_from_the_corpus_and_are_answered(assistant: Assistant) -> None:
    examples = example_questions(assistant.index.reports)
    assert examples == [
        "淮安市洪泽区人民政府2024年收到多少件申请？",
        "淮安市洪泽区人民政府2024年比2023年多收了多少件申请？",
        "淮安市洪泽区人民政府2024年公开率是多少？",
        "上海市司法局2020年有多少件申请没有答复？",
        "有没有哪份报告的数据自相矛盾？",
    ]
    answers = [assistant.ask(q) for q in examples]
    assert [a.abstained for a in answers] == [False] * 5
    assert [a.value for a in answers[:4]] == [95, 74, 52.63, 5]

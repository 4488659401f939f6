"""The app's `/ask` endpoint under concurrent use, and uploads (unit level): exact values, readable refusals.

Expected values were read from the reports with `reportqa parse FILE`.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from app_server import REPORTS, AppServer, copy_reports, start_app

from corpus import Settings
from index import CorpusIndex, FakeEmbeddings
from qa.auth import session_principal
from qa.workspace import Workspaces

log = logging.getLogger(__name__)
SHANGHAI = "txt/000_shanghai_justice_bureau_2020.txt"
HONGZE_2023 = "pdf/hongze_2023_hzq2023_working.pdf"
HONGZE_2024 = "pdf/hongze_2024_hzq2024_working.pdf"
HUAIAN_2024 = "pdf/huaian_city_2024_szfgs2024.pdf"

# question -> (value, unit, report id of the first citation, cited row or None for a text answer)
QUESTIONS: dict[str, tuple[float | int, str, str, str | None]] = {
    "上海市司法局2020年有多少件申请没有答复？": (5, "件", SHANGHAI, "结转下年度继续办理"),
    "上海市司法局2020年收到多少件申请？": (118, "件", SHANGHAI, "本年新收政府信息公开申请数量"),
    "上海市司法局2020年企业提出了多少件申请？": (2, "件", SHANGHAI, "本年新收政府信息公开申请数量"),
    "上海市司法局2020年热线满意率是多少？": (98.69, "%", SHANGHAI, None),
    "洪泽区2024年收到多少件申请？": (95, "件", HONGZE_2024, "本年新收政府信息公开申请数量"),
    "洪泽区2023年收到多少件申请？": (21, "件", HONGZE_2023, "本年新收政府信息公开申请数量"),
    "洪泽区2024年比2023年多收了多少件申请？": (74, "件", HONGZE_2023, "本年新收政府信息公开申请数量"),
    "洪泽区2023年部分公开了几件？": (4, "件", HONGZE_2023, "部分公开"),
    "洪泽区2024年因本机关不掌握相关政府信息无法提供的有几件？": (
        31,
        "件",
        HONGZE_2024,
        "无法提供/本机关不掌握相关政府信息",
    ),
    "淮安市2024年因属于行政查询事项不予公开的有几件？": (105, "件", HUAIAN_2024, "不予公开/属于行政查询事项"),
    "淮安市2024年予以公开的有多少件？": (1362, "件", HUAIAN_2024, "予以公开"),
    "淮安市2024年行政复议总计多少件？": (351, "件", HUAIAN_2024, "行政复议"),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    tmp = tmp_path_factory.mktemp("api")
    app = start_app(
        copy_reports([SHANGHAI, HONGZE_2023, HONGZE_2024, HUAIAN_2024], tmp / "corpus"), tmp / "home"
    )
    log.info("app started in %.1f s", app.start_seconds)
    yield app
    app.stop()


@pytest.fixture
def client(server: AppServer):  # noqa: ANN201 - gradio_client is imported lazily
    from gradio_client import Client

    return Client(server.url, analytics_enabled=False, verbose=False, download_files=False)


def test_ask_is_the_only_public_endpoint(client) -> None:
    assert list(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == ["/ask"]


def test_twelve_concurrent_questions_are_all_answered_exactly(client) -> None:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(QUESTIONS)) as pool:
        results = dict(
            zip(QUESTIONS, pool.map(lambda q: client.predict(q, api_name="/ask"), QUESTIONS), strict=True)
        )
    log.info("12 concurrent questions answered in %.2f s", time.perf_counter() - started)
    for question, (value, unit, report_id, row) in QUESTIONS.items():
        data = results[question]
        assert data["question"] == question
        assert (data["value"], data["unit"], data["abstained"]) == (value, unit, False), (
            question,
            data["answer"],
        )
        first = data["citations"][0]
        assert first["report_id"] == report_id, question
        assert (first["cell"] or {}).get("row") == row, question
    assert (
        results["上海市司法局2020年热线满意率是多少？"]["citations"][0]["quote"].count("热线满意率98.69%")
        == 1
    )
    assert [c["report_id"] for c in results["洪泽区2024年比2023年多收了多少件申请？"]["citations"]] == [
        HONGZE_2023,
        HONGZE_2024,
    ]
    assert results["洪泽区2024年比2023年多收了多少件申请？"]["chart"] == [
        {"label": "2023年", "value": 21},
        {"label": "2024年", "value": 95},
    ]


def test_ask_declines_an_agency_the_corpus_lacks_and_an_empty_question(client) -> None:
    data = client.predict("北京市2024年收到多少件申请？", api_name="/ask")
    assert (data["abstained"], data["value"], data["citations"]) == (True, None, [])
    assert "北京市" in data["answer"]
    empty = client.predict("   ", api_name="/ask")
    assert empty["abstained"] is True and empty["reason"].startswith("问题是空的")


# -- uploads, unit level ----------------------------------------------------------------------------------------


@pytest.fixture
def spaces(tmp_path: Path) -> Workspaces:
    settings = Settings(home=tmp_path / "home", corpus=copy_reports([SHANGHAI], tmp_path / "corpus"))
    return Workspaces.open(settings.corpus, settings, FakeEmbeddings())


def _saved_report_ids(folder: Path, home: Path) -> list[str]:
    return sorted(CorpusIndex.load(folder, FakeEmbeddings(), home, progress=False).reports)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("scan.txt", bytes(range(256)) * 16, "不是文本"),
        ("scan.pdf", bytes(range(256)) * 16, "PDF 文件已损坏或不是 PDF"),
        ("empty.md", b"", "文件是空的"),
        ("notes.txt", "会议纪要：今天讨论了午餐安排。".encode(), "政府信息公开工作年度报告"),
        ("tool.exe", b"MZ\x90\x00", "不支持"),
    ],
)
def test_a_bad_upload_is_refused_in_chinese_and_leaves_the_index_as_it_was(
    spaces: Workspaces, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    from app import add_upload

    who = session_principal("s", "one")
    before = sorted(spaces.assistant_for(who).index.reports)
    bad = tmp_path / "incoming" / name
    bad.parent.mkdir()
    bad.write_bytes(content)
    ok, message = add_upload(spaces, who, bad)
    assert not ok
    assert name in message and reason in message and str(bad.parent) not in message
    assert not re.search(r"[A-Za-z]{4,}", message.replace(name, "")), message  # Chinese, no library English
    assert sorted(spaces.assistant_for(who).index.reports) == before
    folder = spaces.root / "users" / who.key
    assert not folder.exists() or list(folder.iterdir()) == []
    assert _saved_report_ids(folder, spaces.settings.home) == []
    assert spaces.assistant_for(who).ask("上海市司法局2020年有多少件申请没有答复？").value == 5


def test_an_uploaded_report_can_be_asked_about_at_once_and_not_added_twice(spaces: Workspaces) -> None:
    from app import add_upload

    who = session_principal("s", "one")
    question = "淮安市2024年因属于行政查询事项不予公开的有几件？"
    assert spaces.assistant_for(who).ask(question).abstained
    ok, message = add_upload(spaces, who, REPORTS / "txt/011_huaian_city_gov_2024.txt")
    assert ok, message
    assert "淮安市人民政府" in message and "仅你可见" in message and "共 2 份" in message
    answer = spaces.assistant_for(who).ask(question)
    assert (answer.value, answer.citations[0].report_id) == (105, "011_huaian_city_gov_2024.txt")
    folder = spaces.root / "users" / who.key
    assert _saved_report_ids(folder, spaces.settings.home) == ["011_huaian_city_gov_2024.txt"]
    again, message = add_upload(spaces, who, REPORTS / "txt/011_huaian_city_gov_2024.txt")
    assert not again and "已在语料中" in message
    shared, message = add_upload(spaces, who, REPORTS / SHANGHAI)
    assert not shared and "已在语料中（txt/000_shanghai_justice_bureau_2020.txt）" in message

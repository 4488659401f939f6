"""The app's pure helpers: answer markdown with highlighted figures, source view, frames; and the app's wiring."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from app_server import ROOT, copy_reports

from corpus import ReportQAError, Settings
from index import FakeEmbeddings
from qa import Assistant
from qa.workspace import Workspaces

SHANGHAI = "txt/000_shanghai_justice_bureau_2020.txt"
SESSION = SimpleNamespace(username=None, session_hash="format-test")  # what Gradio passes as gr.Request


@pytest.fixture(scope="module")
def spaces(tmp_path_factory: pytest.TempPathFactory) -> Workspaces:
    tmp = tmp_path_factory.mktemp("format")
    corpus = copy_reports(
        [
            SHANGHAI,
            "txt/009_huaian_hongze_district_gov_2023.txt",
            "txt/010_huaian_hongze_district_gov_2024.txt",
        ],
        tmp / "corpus",
    )
    settings = Settings(home=tmp / "home", corpus=corpus)
    return Workspaces.open(corpus, settings, FakeEmbeddings())


@pytest.fixture(scope="module")
def assistant(spaces: Workspaces) -> Assistant:
    return spaces.shared


def test_a_table_answer_shows_the_figure_and_the_cited_cell_highlighted(assistant: Assistant) -> None:
    from app import answer_markdown, source_html

    answer = assistant.ask("上海市司法局2020年有多少件申请没有答复？")
    text = answer_markdown(answer, assistant.index.reports)
    assert text.startswith("**5件**")
    assert "行「结转下年度继续办理」 · 列「总计」：<mark>5件</mark>" in text
    assert "《2020年上海市司法局政府信息公开工作年度报告》" in text and "<ol><li>" in text
    source = source_html(answer, 0, assistant.index.reports)
    assert "<td><mark>5</mark></td>" in source  # the row, its 总计 column highlighted
    assert "<mark>四、结转下年度继续办理\t\t5" in source  # the printed row highlighted in the report text


def test_a_text_answer_highlights_the_figure_inside_its_quote(assistant: Assistant) -> None:
    from app import answer_markdown, source_html

    answer = assistant.ask("上海市司法局2020年热线满意率是多少？")
    assert "热线满意率<mark>98.69%</mark>" in answer_markdown(answer, assistant.index.reports)
    source = source_html(answer, 0, assistant.index.reports)
    assert "热线满意率<strong>98.69%</strong>" in source
    citation = answer.citations[0]
    context = assistant.index.reports[citation.report_id].text[citation.start - 300 : citation.start]
    assert context[-40:].replace("\n", "") in source.replace("\n", "")


def test_a_declined_answer_has_no_sources(assistant: Assistant) -> None:
    from app import answer_markdown, citation_choices

    answer = assistant.ask("北京市2024年收到多少件申请？")
    assert answer_markdown(answer, assistant.index.reports) == (
        "*无法回答：语料中没有「北京市」的报告；语料中有：上海市司法局、淮安市洪泽区人民政府*")
    assert citation_choices(answer) == []


def test_a_comparison_gives_a_chart_frame_and_numbered_citations(assistant: Assistant) -> None:
    from app import chart_frame, citation_choices

    answer = assistant.ask("洪泽区2024年比2023年多收了多少件申请？")
    frame = chart_frame(answer)
    assert frame is not None and list(frame.columns) == ["报告", "数值"]
    assert frame["数值"].tolist() == [21, 95]
    assert [label[:4] for label, _ in citation_choices(answer)] == ["[1] ", "[2] "]


def test_report_frames_list_reports_and_rebuild_tables_from_cells(assistant: Assistant) -> None:
    from app import audit_markdown, reports_frame, table_frame

    reports = assistant.index.reports
    listing = reports_frame(reports)
    assert listing["报告"].tolist() == sorted(reports)
    assert listing.loc[listing["报告"] == SHANGHAI, "单元格"].item() == len(reports[SHANGHAI].cells)
    table = table_frame(reports[SHANGHAI], "申请")
    assert list(table.columns) == [
        "项目",
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
    assert table.set_index("项目").loc["结转下年度继续办理", "总计"] == "5"
    assert table_frame(None, "申请").empty
    assert "项检查通过" in audit_markdown(reports[SHANGHAI])


def test_build_app_serves_ask_with_four_concurrent_calls(spaces: Workspaces) -> None:
    from app import build_app

    demo = build_app(spaces)
    assert demo._queue.default_concurrency_limit == 4
    public = [fn.api_name for fn in demo.fns.values() if fn.api_visibility == "public"]
    assert public == ["ask"]
    upload = [fn for fn in demo.fns.values() if fn.concurrency_id == "upload"]
    assert upload and all(fn.concurrency_limit == 1 for fn in upload if fn.name == "upload")  # a queue of its own


def test_the_queue_and_the_rest_threads_follow_the_settings(spaces: Workspaces, monkeypatch: pytest.MonkeyPatch) -> None:
    import anyio
    from fastapi.testclient import TestClient

    from app import build_app, build_server

    monkeypatch.setenv("REPORTQA_CONCURRENCY", "6")
    monkeypatch.setenv("REPORTQA_QUEUE_SIZE", "9")
    demo = build_app(spaces)
    assert (demo._queue.default_concurrency_limit, demo._queue.max_size) == (6, 9)
    server = build_server(spaces)

    @server.get("/threads-probe")
    async def probe() -> dict[str, float]:
        return {"threads": anyio.to_thread.current_default_thread_limiter().total_tokens}

    server.router.routes.insert(0, server.router.routes.pop())  # before the chat mounted at /
    with TestClient(server) as client:
        assert client.get("/threads-probe").json() == {"threads": 6}
    monkeypatch.setenv("REPORTQA_CONCURRENCY", "zero")
    with pytest.raises(ReportQAError, match="REPORTQA_CONCURRENCY"):
        build_app(spaces)


def test_importing_app_turns_gradio_analytics_off_before_gradio_loads() -> None:
    code = "import os, app, gradio.analytics as a; print(os.environ['GRADIO_ANALYTICS_ENABLED'], a.analytics_enabled())"
    env = {k: v for k, v in os.environ.items() if k != "GRADIO_ANALYTICS_ENABLED"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert out.stdout.split() == ["False", "False"]


def test_chat_follow_ups_inherit_scope_and_the_filter_restricts_reports(spaces: Workspaces) -> None:
    from app import Handlers

    h = Handlers(spaces)
    chat, box, answers, *_ = h.respond("洪泽区2024年收到多少件申请？", [], [], None, SESSION)
    chat, box, answers, chart, cite, source, clarify, download, _ = h.respond("那2023年呢？", chat, answers, None, SESSION)
    assert (box, [a.value for a in answers]) == ("", [95, 21])
    assert [m["role"] for m in chat] == ["user", "assistant"] * 2 and chat[-1]["content"].startswith(
        "**21件**"
    )
    assert "<mark>" in source and not chart.visible and cite.choices and not clarify.visible
    assert download.visible
    csv_file = Path(h.answer_file(answers[-1]) or "")
    assert csv_file.read_text(encoding="utf-8-sig").splitlines()[1].startswith("淮安市洪泽区人民政府,2023,申请")
    assert csv_file.name == "reportqa-answer.csv" and csv_file.parent.parent == h.downloads.root
    _, _, only_shanghai, *_ = h.respond("洪泽区2024年收到多少件申请？", [], [], [SHANGHAI], SESSION)
    assert only_shanghai[-1].abstained


def test_a_share_shows_its_formula_and_an_ambiguous_word_offers_choices(spaces: Workspaces) -> None:
    from app import Handlers

    h = Handlers(spaces)
    chat, *_ = h.respond("洪泽区2024年公开率是多少？", [], [], None, SESSION)
    assert "计算：50 ÷ 95 = 52.63%" in chat[-1]["content"]
    chat, box, answers, chart, cite, source, clarify, download, _ = h.respond("洪泽区2024年结转了多少件？", [], [], None, SESSION)
    assert clarify.visible and len(clarify.choices) == 2 and answers[-1].abstained


def test_downloads_are_deleted_after_their_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each download has its own folder in one per-process folder; one past its time goes at the next look (a minute)."""
    import os
    import time

    import app
    from app import Downloads

    downloads = Downloads(kept_s=600)
    old, recent = downloads.folder(), downloads.folder()
    (old / "a.csv").write_text("x")
    os.utime(old, (0, 0))
    assert downloads.folder().is_dir() and old.exists()  # not looked for again within the minute
    later = time.time() + 61
    monkeypatch.setattr(app.time, "time", lambda: later)
    newest = downloads.folder()
    assert not old.exists() and recent.is_dir() and newest.is_dir() and newest.parent == downloads.root


def test_an_empty_question_shows_a_chinese_notice_under_the_box_and_asks_nothing(spaces: Workspaces) -> None:
    from app import Handlers
    from qa.messages import EMPTY_QUESTION

    h = Handlers(spaces)
    chat, box, answers, *_, notice = h.respond("   ", [], [], None, SESSION)
    assert (chat, box, answers, notice.value, notice.visible) == ([], "   ", [], f"⚠ {EMPTY_QUESTION}", True)
    *_, notice = h.respond("洪泽区2024年收到多少件申请？", [], [], None, SESSION)
    assert notice.visible is False  # the next question hides it again


def test_a_ranking_chart_keeps_the_rank_order_not_the_alphabet(spaces: Workspaces) -> None:
    from app import Handlers

    _, _, answers, chart, *_ = Handlers(spaces).respond("收到申请数量前三的是哪些？", [], [], None, SESSION)
    ranked = ["上海市司法局2020年", "淮安市洪泽区人民政府2024年", "淮安市洪泽区人民政府2023年"]  # 118, 95, 21
    assert [p["label"] for p in answers[-1].chart] == ranked and sorted(ranked) != ranked
    assert chart.visible and chart.sort == ranked

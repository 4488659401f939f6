"""The MCP server end to end with the `mcp` SDK's own client: `reportqa mcp` over stdio, and over HTTP.

The figures the tools return must equal the Python API's (`Assistant.ask`, `assistant.query_tool`,
`assistant.lookup_tool`), each with its citations. Values were read with `reportqa parse FILE`.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from app_server import ROOT, copy_reports, free_port

from corpus import Settings
from index import FakeEmbeddings
from qa import Assistant
from qa.service import list_reports

SHANGHAI = "txt/000_shanghai_justice_bureau_2020.txt"
HONGZE_2023 = "pdf/hongze_2023_hzq2023_working.pdf"
HONGZE_2024 = "pdf/hongze_2024_hzq2024_working.pdf"
TOOLS = ["ask", "query_cells", "lookup_table_cell", "list_reports", "audit"]
QUESTIONS = ["上海市司法局2020年有多少件申请没有答复？", "洪泽区2024年的公开率是多少？", "北京市2024年收到多少件申请？"]
RANK = {"measures": [{"table": "申请", "row": "本年新收政府信息公开申请数量"}], "op": "rank", "all_reports": True, "n": 2}
RATE = {"measures": [{"table": "申请", "row": "予以公开"}], "op": "rate", "definition": "公开率",
        "agencies": ["洪泽区"], "years": [2024]}  # fmt: skip
LOOKUP = {"agency": "上海市司法局", "year": 2020, "row": "结转下年度继续办理"}
Session = Any  # mcp.ClientSession, imported lazily


def _env(home: Path) -> dict[str, str]:
    return {
        "REPORTQA_FAKE_EMBEDDINGS": "1", "REPORTQA_HOME": str(home), "HF_HUB_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1", "PYTHONPATH": str(ROOT),
    }  # fmt: skip


def _command() -> list[str]:
    """The installed `reportqa` entry point of this environment (else `python -m cli`)."""
    script = shutil.which("reportqa", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "cli"]


def _structured(result: Any) -> Any:
    """A tool result's structured content, checked against its text form (for clients without it)."""
    assert not result.is_error, result.content
    assert json.loads(result.content[0].text) == result.structured_content
    return result.structured_content


async def _session_calls(session: Session) -> dict[str, Any]:
    tools = (await session.list_tools()).tools
    out: dict[str, Any] = {"tools": {t.name: t for t in tools}}
    out["ask"] = [_structured(await session.call_tool("ask", {"question": q})) for q in QUESTIONS]
    follow = {"question": "那2023年呢？", "history": ["洪泽区2024年收到多少件申请？"]}
    out["follow"] = _structured(await session.call_tool("ask", follow))
    out["empty"] = _structured(await session.call_tool("ask", {"question": "  "}))
    out["rank"] = _structured(await session.call_tool("query_cells", RANK))
    out["rate"] = _structured(await session.call_tool("query_cells", RATE))
    out["lookup"] = _structured(await session.call_tool("lookup_table_cell", LOOKUP))
    out["reports"] = _structured(await session.call_tool("list_reports", {}))
    out["audit"] = _structured(await session.call_tool("audit", {"report": HONGZE_2023}))
    out["audit_all"] = _structured(await session.call_tool("audit", {}))
    out["audit_unknown"] = _structured(await session.call_tool("audit", {"report": "txt/nope.txt"}))
    return out


async def _over_stdio(corpus: Path, home: Path, calls: Callable[[Session], Awaitable[Any]]) -> Any:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    command = _command()
    params = StdioServerParameters(
        command=command[0], args=[*command[1:], "mcp", "--corpus", str(corpus)], env=_env(home), cwd=ROOT
    )
    with open(home.parent / "mcp-stdio.log", "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            return await calls(session)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_reports([SHANGHAI, HONGZE_2023, HONGZE_2024], tmp_path_factory.mktemp("mcp") / "corpus")


@pytest.fixture(scope="module")
def assistant(corpus: Path) -> Assistant:
    settings = Settings(home=corpus.parent / "python-home", corpus=corpus)
    return Assistant.from_corpus(corpus, settings=settings, embeddings=FakeEmbeddings(), progress=False)


@pytest.fixture(scope="module")
def stdio(corpus: Path) -> dict[str, Any]:
    """Every call of these tests, made in one `reportqa mcp` session over stdio."""
    return asyncio.run(asyncio.wait_for(_over_stdio(corpus, corpus.parent / "stdio-home", _session_calls), 180))


def _untimed(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "timings_ms"}


def test_mcp_lists_the_five_tools_with_their_arguments(stdio: dict[str, Any]) -> None:
    tools = stdio["tools"]
    assert list(tools) == TOOLS
    assert set(tools["ask"].input_schema["properties"]) == {"question", "history", "reports"}
    assert tools["ask"].input_schema["required"] == ["question"]
    query = tools["query_cells"].input_schema["properties"]
    assert {"measures", "op", "agencies", "years", "all_reports", "denominator", "definition", "n", "per",
            "condition", "pooled", "descending"} == set(query)  # fmt: skip
    assert "公开率" in tools["query_cells"].description  # the docstring of qa/tools.py, reused
    assert tools["lookup_table_cell"].input_schema["required"] == ["agency", "year", "row"]
    assert set(tools["audit"].input_schema["properties"]) == {"report"}


def test_mcp_ask_equals_the_python_api_answer(stdio: dict[str, Any], assistant: Assistant) -> None:
    for question, data in zip(QUESTIONS, stdio["ask"], strict=True):
        assert _untimed(data) == _untimed(assistant.ask(question).to_dict()), question
    unanswered, rate, beijing = stdio["ask"]
    assert (unanswered["value"], unanswered["unit"]) == (5, "件")
    assert unanswered["citations"][0]["quote"] == "四、结转下年度继续办理 5 0 0 0 0 0 5"
    assert (rate["value"], rate["unit"], rate["formula"]) == (52.63, "%", "50 ÷ 95 = 52.63%")
    assert len(rate["citations"]) >= 2
    assert (beijing["abstained"], beijing["citations"]) == (True, [])
    assert (stdio["empty"]["abstained"], stdio["empty"]["value"]) == (True, None)
    assert "empty" in stdio["empty"]["reason"]


def test_mcp_ask_follow_up_inherits_from_history(stdio: dict[str, Any], assistant: Assistant) -> None:
    first = assistant.ask("洪泽区2024年收到多少件申请？")
    expected = assistant.ask("那2023年呢？", history=[first]).to_dict()
    assert _untimed(stdio["follow"]) == _untimed(expected)
    assert (stdio["follow"]["value"], stdio["follow"]["citations"][0]["report_id"]) == (21, HONGZE_2023)


def test_mcp_query_cells_equals_the_langchain_tool(stdio: dict[str, Any], assistant: Assistant) -> None:
    assert stdio["rank"] == assistant.query_tool.invoke(RANK)
    assert stdio["rate"] == assistant.query_tool.invoke(RATE)
    assert "1. 上海市司法局2020年 118件" in stdio["rank"]["answer"]
    assert [c["report_id"] for c in stdio["rank"]["citations"]][:2] == [SHANGHAI, HONGZE_2024]
    assert (stdio["rate"]["value"], stdio["rate"]["formula"]) == (52.63, "50 ÷ 95 = 52.63%")
    cited = {(c["cell"]["row"], c["cell"]["col"]) for c in stdio["rate"]["citations"]}
    assert ("予以公开", "总计") in cited


def test_mcp_lookup_table_cell_is_one_cited_cell(stdio: dict[str, Any], assistant: Assistant) -> None:
    assert stdio["lookup"] == assistant.lookup_tool.invoke(LOOKUP)
    assert stdio["lookup"]["value"] == 5
    [citation] = stdio["lookup"]["citations"]
    assert citation["cell"] == {"table": "申请", "row": "结转下年度继续办理", "col": "总计"}


def test_mcp_list_reports_and_audit_cite_their_cells(stdio: dict[str, Any], assistant: Assistant) -> None:
    assert stdio["reports"] == {"reports": list_reports(assistant), "count": 3}
    audit = stdio["audit"]
    assert audit["count"] == 2 and {f["report"] for f in audit["findings"]} == {HONGZE_2023}
    review = audit["findings"][0]
    assert "10 + 1 + 0 + 0 = 11, printed 0" in review["detail"]
    assert {c["cell"]["col"] for c in review["citations"]} == {"总计", "结果维持", "结果纠正", "其他结果", "尚未审结"}
    assert all(c["report_id"] == HONGZE_2023 and c["quote"] for c in review["citations"])
    assert stdio["audit_all"]["count"] == sum(1 for r in assistant.index.reports.values() for f in r.checks if not f.ok)
    assert stdio["audit_unknown"]["count"] == 0 and "txt/nope.txt" in stdio["audit_unknown"]["error"]


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.fixture
def http_server(corpus: Path) -> Iterator[str]:
    port = free_port()
    home = corpus.parent / "http-home"
    home.mkdir(exist_ok=True)
    log = home / "mcp-http.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [*_command(), "mcp", "--http", "--port", str(port), "--corpus", str(corpus)],
            cwd=ROOT, env={**os.environ, **_env(home)}, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not _listening(port):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def test_mcp_over_streamable_http_answers_like_stdio(http_server: str, stdio: dict[str, Any]) -> None:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def calls() -> tuple[list[str], Any]:
        async with streamable_http_client(http_server) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            names = [t.name for t in (await session.list_tools()).tools]
            return names, _structured(await session.call_tool("lookup_table_cell", LOOKUP))

    names, lookup = asyncio.run(asyncio.wait_for(calls(), 120))
    assert names == TOOLS
    assert lookup == stdio["lookup"]


def test_reportqa_mcp_on_a_missing_corpus_is_one_line_and_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cli import main

    assert main(["mcp", "--corpus", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("reportqa: error:") and "nowhere" in err and err.count("\n") == 1

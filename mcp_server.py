"""The MCP server (`reportqa mcp`): the corpus as tools for desktop AI assistants and agent frameworks.

Tools: `ask`, `query_cells`, `lookup_table_cell`, `list_reports`, `audit` — each figure with its citations.
Over stdio by default (the client starts `reportqa mcp`), or streamable HTTP on 127.0.0.1 with `--http`.
`REPORTQA_FAKE_EMBEDDINGS=1` swaps in `index.FakeEmbeddings`, as for the app (tests only).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus import ReportQAError, Settings
from qa import Answer, Assistant, service
from qa.auth import UserStore

if TYPE_CHECKING:
    from mcp.server import MCPServer

log = logging.getLogger(__name__)
HTTP_PATH = "/mcp"
INSTRUCTIONS = (
    "Questions over 政府信息公开工作年度报告 (Chinese government information-disclosure annual reports). "
    "Every figure is copied from a parsed table cell or a quoted sentence and comes with its citations; "
    "quote them. `ask` takes a question in Chinese; `query_cells` computes from the standard tables; "
    "`lookup_table_cell` reads one cell; `list_reports` names the reports; `audit` lists failed checks. "
    "An answer with abstained=true means the corpus does not hold it: say so, do not guess."
)


def _function(tool: Any) -> Callable[..., Any]:
    """The plain function behind a LangChain `@tool`: its signature and docstring become the MCP tool's."""
    from langchain_core.tools import StructuredTool

    if not isinstance(tool, StructuredTool) or tool.func is None:
        raise TypeError(f"{tool!r} is not a LangChain @tool over a plain function")
    return tool.func


def build_mcp(assistant: Assistant) -> MCPServer:
    """An MCP server whose tools answer from `assistant`; the LangChain tools are reused as they are."""
    from mcp.server import MCPServer

    server: MCPServer = MCPServer("reportqa", instructions=INSTRUCTIONS, log_level="WARNING")

    def ask(question: str, history: list[str] | None = None, reports: list[str] | None = None) -> dict[str, Any]:
        """Answer a question about the reports, in Chinese: the `reportqa ask --json` object.

        Args:
            question: e.g. "洪泽区2024年比2023年多收了多少件申请？".
            history: earlier questions of the conversation, oldest first (a follow-up such as
                "那2023年呢？" inherits agency, year, row and column from them).
            reports: answer only from these report ids (see list_reports); all when omitted.

        Returns answer, value, unit, abstained, route and citations (report, section, quote, offsets,
        page, table cell), with query, formula, clarify, chart or reason where they apply.

        """
        try:
            return service.ask_conversation(assistant, question, history, reports).to_dict()
        except ReportQAError as exc:
            return Answer(str(question), f"无法回答：{exc}", abstained=True, route="none", reason=str(exc)).to_dict()

    def list_reports() -> dict[str, Any]:
        """The reports of the corpus: id, agency, year, title, template versions, cell count, failed checks."""
        listed = service.list_reports(assistant)
        return {"reports": listed, "count": len(listed)}

    def audit(report: str | None = None) -> dict[str, Any]:
        """Failed checks (勾稽关系 of the tables, prose vs table) of one report id, or of every report.

        Each finding has its rule, a readable detail with the figures, and the citations of its cells.
        """
        try:
            return service.audit(assistant, report)
        except ReportQAError as exc:
            return {"findings": [], "count": 0, "error": str(exc)}

    server.add_tool(ask)
    server.add_tool(_function(assistant.query_tool), name="query_cells")  # qa/tools.py: its arguments are the Query
    server.add_tool(_function(assistant.lookup_tool), name="lookup_table_cell")  # qa/table_route.py
    server.add_tool(list_reports)
    server.add_tool(audit)
    return server


def open_assistant(corpus: str | Path | None = None) -> Assistant:
    """The assistant over `corpus` (default: the configured one), building or updating its index."""
    from index import FakeEmbeddings

    settings = Settings.from_env()
    fake = os.environ.get("REPORTQA_FAKE_EMBEDDINGS") == "1"
    directory = Path(corpus) if corpus else settings.corpus
    return Assistant.from_corpus(directory, settings=settings, embeddings=FakeEmbeddings() if fake else None)


def basic_auth(app: Any, users: UserStore) -> Any:
    """An ASGI app that answers 401 to HTTP requests without a user's HTTP Basic credentials (`REPORTQA_AUTH`)."""
    import base64
    import binascii

    async def guarded(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            scheme, _, value = headers.get("authorization", "").partition(" ")
            try:
                name, _, password = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                name = password = ""
            if scheme.lower() != "basic" or users.verify(name, password) is None:
                body = '{"error": "需要登录：请用 HTTP Basic 提供用户名和密码（REPORTQA_AUTH 中的账号）"}'.encode()
                await send({"type": "http.response.start", "status": 401, "headers": [
                    (b"content-type", b"application/json"), (b"www-authenticate", b'Basic realm="reportqa"')]})  # fmt: skip
                await send({"type": "http.response.body", "body": body})
                return
        await app(scope, receive, send)

    return guarded


def run(corpus: str | Path | None = None, http: bool = False, port: int = 8000) -> None:
    """Serve the tools over stdio until the client closes it, or over streamable HTTP on 127.0.0.1:`port`.

    Over HTTP with `REPORTQA_AUTH` set, every request needs the HTTP Basic credentials of a user of that file.
    """
    users = UserStore.from_env()  # a broken users file fails before the index is opened
    server = build_mcp(open_assistant(corpus))
    if not http:
        server.run("stdio")
        return
    log.warning("MCP server at http://127.0.0.1:%d%s (streamable HTTP%s)", port, HTTP_PATH,
                ", logins from " + str(users.path) if users else "")  # fmt: skip
    if users is None:
        server.run("streamable-http", host="127.0.0.1", port=port, streamable_http_path=HTTP_PATH)
        return
    import uvicorn

    app = server.streamable_http_app(streamable_http_path=HTTP_PATH, host="127.0.0.1")
    uvicorn.run(basic_auth(app, users), host="127.0.0.1", port=port, log_level="warning")

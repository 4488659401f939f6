"""The REST API (FastAPI) over one `Assistant`, served beside the web chat by `python app.py`.

Routes: `POST /api/ask`, `GET /api/reports`, `GET /api/reports/{id}/cells`, `GET /api/export`; the OpenAPI
schema at `/api/openapi.json` and its page at `/api/docs` (Swagger UI from files bundled by
`fastapi-offline`: the page makes no request outside the machine). Errors are JSON: `{"error": "…"}`.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask

from corpus import ReportQAError
from corpus.errors import UnknownReportError
from qa import Assistant
from qa.service import ask_conversation, list_reports, report_cells

log = logging.getLogger(__name__)
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
DESCRIPTION = """Exact, cited answers from 政府信息公开工作年度报告. Every figure comes with its citations
(report, section, quote, offsets, page, table cell). A report id contains slashes (`txt/000_….txt`):
put it in the path as it is, or percent-encoded (`txt%2F000_….txt`); both name the same report."""


class AskRequest(BaseModel):
    """A question, the earlier questions of its conversation, and optionally the reports to answer from."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="the question, in Chinese", examples=["洪泽区2024年收到多少件申请？"])
    history: list[str] = Field(
        default_factory=list,
        description="earlier questions of the conversation, oldest first; they are asked first, so a "
        "follow-up such as 「那2023年呢？」 inherits agency, year, row and column",
        examples=[["洪泽区2024年收到多少件申请？"]],
    )
    reports: list[str] | None = Field(
        default=None, description="answer only from these report ids (GET /api/reports); all when omitted"
    )


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def _invalid(_: Request, exc: Exception) -> JSONResponse:
    """A request that does not fit the schema: 422 with one readable line, and pydantic's details."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    parts = [f"{'.'.join(str(p) for p in e['loc'] if p not in ('body', 'query', 'path'))}: {e['msg']}" for e in errors]
    return _error(422, "请求参数不正确：" + "；".join(parts), detail=errors)


def _refused(_: Request, exc: Exception) -> JSONResponse:
    """A library error: 404 for an unknown report, 400 for anything else the caller can fix."""
    return _error(404 if isinstance(exc, UnknownReportError) else 400, str(exc))


def _failed(_: Request, exc: Exception) -> JSONResponse:
    """Anything unexpected: logged with its traceback here, a 500 without internals for the caller."""
    log.error("REST request failed", exc_info=exc)
    return _error(500, "服务器内部错误，请稍后再试（详情见服务器日志）")


def build_api(assistant: Assistant) -> FastAPI:
    """The FastAPI app with the `/api` routes over `assistant` (mount the web chat on it afterwards)."""
    api = FastAPIOffline(
        docs_url="/api/docs",
        redoc_url=None,
        title="reportqa",
        description=DESCRIPTION,
        version="1",
        openapi_url="/api/openapi.json",
        swagger_ui_oauth2_redirect_url="/api/docs/oauth2-redirect",
        swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from validator.swagger.io
        static_url="/api/docs-static",
    )
    api.add_exception_handler(RequestValidationError, _invalid)
    api.add_exception_handler(ReportQAError, _refused)
    api.add_exception_handler(Exception, _failed)

    @api.post("/api/ask", summary="Answer a question (the `reportqa ask --json` object)")
    def ask(request: AskRequest) -> dict[str, Any]:
        """The answer with its value, unit, citations and, where they apply, query, formula, clarify, chart."""
        return ask_conversation(assistant, request.question, request.history, request.reports).to_dict()

    @api.get("/api/reports", summary="The reports of the corpus")
    def reports() -> dict[str, Any]:
        """Each report's id, agency, year, title, source, template versions, cell count and failed checks."""
        listed = list_reports(assistant)
        return {"reports": listed, "count": len(listed)}

    @api.get("/api/reports/{report_id:path}/cells", summary="Every parsed table cell of one report")
    def cells(report_id: str) -> dict[str, Any]:
        """The report's summary and its cells (table, row, col, value, unit, quote, page, offsets, section).

        `report_id` as listed by `/api/reports`, slashes included (or percent-encoded); unknown: 404.
        """
        return report_cells(assistant, report_id)

    @api.get("/api/export", summary="Every cell of the corpus as one tidy table (a file)")
    def export(
        fmt: Literal["csv", "xlsx", "parquet"] = Query(alias="format", description="csv (UTF-8 with BOM), xlsx or parquet"),
    ) -> FileResponse:
        """The cell database as `reportqa export` writes it: one row per cell, agency and year first."""
        folder = Path(tempfile.mkdtemp(prefix="reportqa-export-"))
        try:
            path = assistant.index.cells.export(folder / f"reportqa-cells.{fmt}", fmt)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return FileResponse(
            path, media_type=MEDIA_TYPES[fmt], filename=path.name,
            background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
        )  # fmt: skip

    return api

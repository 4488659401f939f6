"""The REST API (FastAPI) over the corpus and each user's uploads, served beside the web chat by `python app.py`.

Routes: `POST /api/ask`, `GET /api/reports`, `POST /api/reports` (upload), `GET /api/reports/{id}/cells`,
`POST /api/reports/{id}/publish`, `POST /api/reports/{id}/reject`, `DELETE /api/reports/{id}`, `GET /api/uploads`,
`GET /api/documents`, `GET /api/export`, and `GET|PATCH|DELETE /api/conversations[/{id}[/markdown]]`; the OpenAPI schema at
`/api/openapi.json` and its page at `/api/docs` (Swagger UI from files bundled by `fastapi-offline`: the
page makes no request outside the machine). Errors are JSON: `{"error": "…"}` in Chinese (with `limit`
and `setting` for a file refused by an input limit). With `REPORTQA_AUTH` set every data route needs
HTTP Basic credentials from the users file; without it, `X-ReportQA-Client: TOKEN` names whose uploads
a client sees (none: the anonymous client's).
"""

from __future__ import annotations

import base64
import binascii
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
from fastapi import Depends, FastAPI, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask

from corpus import ReportQAError
from corpus.errors import UnknownReportError, UnreadableReportError
from qa.auth import Principal, UserStore, session_principal
from qa.conversations import to_markdown
from qa.documents import list_documents, upload_of
from qa.messages import user_message, validation_zh, warning_zh
from qa.service import (
    MAX_HISTORY,
    ServeSettings,
    any_tables,
    ask_conversation,
    list_reports,
    report_cells,
    report_summary,
)
from qa.workspace import PermissionDenied, UploadError, Workspaces, safe_filename

log = logging.getLogger(__name__)
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
DESCRIPTION = """Exact, cited answers from 政府信息公开工作年度报告. Every figure comes with its citations
(report, section, quote, offsets, page, table cell). A report id contains slashes (`txt/000_….txt`):
put it in the path as it is, or percent-encoded (`txt%2F000_….txt`); both name the same report. Uploads
(`POST /api/reports`) are private to their user until an administrator publishes them."""
CLIENT_HEADER = "X-ReportQA-Client"


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
    conversation: str | None = Field(
        default=None,
        description="save the question and its answer: `new` starts a conversation, an id (GET /api/conversations) "
        "continues one, whose earlier questions are then the history; the answer carries the id as `conversation`",
    )


class RenameRequest(BaseModel):
    """A conversation's new title."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(description="the new title (at most 100 characters are kept)", examples=["洪泽区收件"])


OWNER = "whose upload, by user name (`bob`; the key `u-bob` works too): admins; default yours"
Owner = Annotated[str | None, Query(description=OWNER)]


class LoginRequired(ReportQAError):
    """A data route called without valid credentials while logins are on."""


def _error(status: int, text: str, **extra: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Basic realm="reportqa", charset="UTF-8"'} if status == 401 else None
    return JSONResponse({"error": text, **extra}, status_code=status, headers=headers)


def _invalid(_: Request, exc: Exception) -> JSONResponse:
    """A request that does not fit the schema: 422 with one readable line, and pydantic's details."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    shown = [validation_zh(e) for e in errors]
    # pydantic's `loc` and `type` stay (scripts key on them); `msg` is the Chinese reason; the input is not echoed.
    detail = [{"loc": list(e.get("loc", ())), "type": e.get("type"), "msg": zh} for e, zh in zip(errors, shown, strict=True)]
    return _error(422, "请求参数不正确：" + "；".join(shown), detail=detail)


def _status(exc: Exception, limit: str | None) -> int:
    """The HTTP status of a library error."""
    if isinstance(exc, LoginRequired):
        return 401
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, UnknownReportError):
        return 404
    if isinstance(exc, UploadError):
        return 409
    if limit == "file_size":
        return 413
    return 422 if isinstance(exc, UnreadableReportError) else 400


def _refused(_: Request, exc: Exception) -> JSONResponse:
    """A library error as JSON: its Chinese message, and for a refused file the limit and its setting."""
    if isinstance(exc, LoginRequired):
        return _error(401, "需要登录：请用 HTTP Basic 提供用户名和密码（REPORTQA_AUTH 中的账号）")
    if isinstance(exc, PermissionDenied):
        return _error(403, exc.message_zh)
    shown = user_message(exc, "REST request")
    extra = {"limit": shown.limit, "setting": shown.setting} if shown.limit else {}
    return _error(_status(exc, shown.limit), shown.text, **extra)


def _failed(_: Request, exc: Exception) -> JSONResponse:
    """Anything unexpected: logged with its traceback here, a 500 without internals for the caller."""
    log.error("REST request failed", exc_info=exc)
    return _error(500, "服务器内部错误，请稍后再试（详情见服务器日志）")


def _credentials(request: Request) -> tuple[str, str] | None:
    """The (name, password) of an HTTP Basic `Authorization` header, or None."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        name, sep, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (name, password) if sep else None


def principal(request: Request) -> Principal:
    """Who calls: a verified login (`REPORTQA_AUTH`), or with logins off the client's token."""
    users: UserStore | None = request.app.state.users
    if users is None:
        return session_principal("c", request.headers.get(CLIENT_HEADER))
    given = _credentials(request)
    found = users.verify(*given) if given else None
    if found is None:
        raise LoginRequired("missing or wrong credentials")
    return found


Who = Annotated[Principal, Depends(principal)]


def build_api(spaces: Workspaces, users: UserStore | None = None, serving: ServeSettings | None = None) -> FastAPI:
    """The FastAPI app with the `/api` routes (mount the web chat on it afterwards)."""
    serving = serving or ServeSettings.from_env()
    uploads = anyio.CapacityLimiter(serving.upload_concurrency)  # uploads never take the question threads

    async def threads() -> None:  # the questions' thread pool: REPORTQA_CONCURRENCY threads
        anyio.to_thread.current_default_thread_limiter().total_tokens = serving.concurrency

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
        on_startup=[threads],
    )
    api.add_exception_handler(RequestValidationError, _invalid)
    api.add_exception_handler(ReportQAError, _refused)
    api.add_exception_handler(Exception, _failed)
    api.state.users = users

    @api.post("/api/ask", summary="Answer a question (the `reportqa ask --json` object)")
    def ask(request: AskRequest, who: Who) -> dict[str, Any]:
        """The answer with its value, unit, citations and, where they apply, query, formula, clarify, chart."""
        assistant = spaces.assistant_for(who)
        saved, history = request.conversation, request.history
        if saved and saved != "new" and not history:
            history = [t["question"] for t in spaces.conversations.get(who.key, saved)["turns"]][-MAX_HISTORY:]
        answer = ask_conversation(assistant, request.question, history, request.reports).to_dict()
        if saved:
            continued = None if saved == "new" else saved
            answer["conversation"] = spaces.conversations.append(who.key, continued, request.question, answer)
        return answer

    @api.get("/api/conversations", summary="This user's saved conversations, most recent first")
    def conversations(who: Who) -> dict[str, Any]:
        """Each conversation's id, title, created and updated (Unix seconds) and its number of questions."""
        listed = spaces.conversations.list(who.key)
        return {"conversations": listed, "count": len(listed)}

    @api.get("/api/conversations/{conversation_id}", summary="One conversation: its questions and answers")
    def conversation(conversation_id: str, who: Who) -> dict[str, Any]:
        """`{"id", "title", "created", "updated", "turns": [{"question", "answer"}]}`; another user's: 404."""
        return spaces.conversations.get(who.key, conversation_id)

    @api.get("/api/conversations/{conversation_id}/markdown", summary="One conversation as a Markdown file")
    def conversation_markdown(conversation_id: str, who: Who) -> Response:
        """Each question, its answer, formula and numbered citations (report, section, page, cell, quote)."""
        text = to_markdown(spaces.conversations.get(who.key, conversation_id))
        disposition = f'attachment; filename="reportqa-conversation-{conversation_id}.md"'
        return Response(text, media_type="text/markdown; charset=utf-8", headers={"Content-Disposition": disposition})

    @api.patch("/api/conversations/{conversation_id}", summary="Rename a conversation")
    def rename(conversation_id: str, request: RenameRequest, who: Who) -> dict[str, Any]:
        """The conversation with its new title; a blank title is a 400."""
        renamed = spaces.conversations.rename(who.key, conversation_id, request.title)
        return {k: renamed[k] for k in ("id", "title", "created", "updated")} | {"turns": len(renamed["turns"])}

    @api.delete("/api/conversations/{conversation_id}", summary="Delete a conversation")
    def forget(conversation_id: str, who: Who) -> dict[str, Any]:
        """Gone for good; another user's or an unknown id: 404."""
        spaces.conversations.delete(who.key, conversation_id)
        return {"deleted": conversation_id}

    @api.get("/api/reports", summary="The reports this user may query")
    def reports(who: Who) -> dict[str, Any]:
        """Each report's id, agency, year, title, file name, versions, cells, failed checks and visibility.

        `visibility` is `corpus`, `published`, or `private` (an upload of this user's that only they see).
        """
        listed = [{**r, "visibility": spaces.visibility(who, r["id"])} for r in list_reports(spaces.assistant_for(who))]
        return {"reports": listed, "count": len(listed)}

    @api.post("/api/reports", summary="Upload a report (private to this user until published)", status_code=201)
    async def upload(file: Annotated[UploadFile, File(description="PDF, DOCX, HTML, TXT, MD or an image")],
                     who: Who) -> dict[str, Any]:  # fmt: skip
        """Read and index the file for this user: its id, agency, year, cell count and the parser's warnings.

        Refused files (unreadable, unsupported, over a limit, already in the corpus) are JSON errors with a
        Chinese message and, for a limit, its name and setting; nothing is kept.
        """
        name = safe_filename(file.filename or "upload")
        folder = Path(tempfile.mkdtemp(prefix="reportqa-upload-"))
        try:
            staged = folder / name
            with open(staged, "wb") as out:
                while chunk := await file.read(1 << 20):
                    out.write(chunk)
            added = await anyio.to_thread.run_sync(spaces.add_upload, who, staged, name, limiter=uploads)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        warnings = [warning_zh(w) for w in added.warnings]  # corpus/ writes them in English
        return {**report_summary(added.report), "warnings": warnings, "visibility": "private"}

    @api.get("/api/uploads", summary="Uploads not yet published (an admin with a login sees everyone's)")
    def pending(who: Who) -> dict[str, Any]:
        """Each pending upload's owner and summary."""
        found = [{**report_summary(r), "owner": owner} for owner, r in spaces.pending(who)]
        return {"uploads": found, "count": len(found)}

    @api.post("/api/reports/{report_id:path}/publish", summary="Publish an upload to the shared corpus (admins)")
    def publish(report_id: str, who: Who, owner: Owner = None) -> dict[str, Any]:
        """Move the upload into the shared uploads: from now on every user is answered from it (its new id)."""
        report = spaces.publish(who, report_id, owner)
        return {**report_summary(report), "visibility": "published"}

    @api.post("/api/reports/{report_id:path}/reject", summary="Decline to publish an upload (admins)")
    def reject(report_id: str, who: Who, owner: Annotated[str, Query(description=OWNER)]) -> dict[str, Any]:
        """The upload stays its owner's (`private`) and leaves the list of uploads waiting to be published."""
        report = spaces.reject(who, report_id, owner)
        return {**report_summary(report), "visibility": "private"}

    @api.delete("/api/reports/{report_id:path}", summary="Delete an upload (its owner, or an admin)")
    def delete(report_id: str, who: Who, owner: Owner = None) -> dict[str, Any]:
        """Withdraw a pending upload or delete a published one: the file and its chunks, vectors and cells go.

        Its owner may; an administrator may delete anyone's (`?owner=NAME` for an unpublished one). Reports of the
        configured corpus are not deleted over REST (403).
        """
        report = spaces.delete(who, report_id, owner)
        return {"deleted": report.id, "title": report.title}

    @api.get("/api/documents", summary="Every document this user may see, with owner, visibility and parse status")
    def documents(
        who: Who,
        visibility: Literal["corpus", "published", "pending", "private"] | None = None,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> dict[str, Any]:
        """Uploads first (an admin with a login sees everyone's), then published reports, then the corpus.

        Each: id, title, source, owner (user name), visibility, kind, template, issuer, year, cells, figures,
        unparsed_rows, failed_checks, warnings and findings (in Chinese), reviewed_by.
        """
        found, total = list_documents(spaces, who, visibility, offset, limit)
        return {"documents": found, "count": len(found), "total": total}

    @api.get("/api/reports/{report_id:path}/cells", summary="Every parsed table cell of one report")
    def cells(report_id: str, who: Who, owner: Owner = None) -> dict[str, Any]:
        """The report's summary and its cells (table, row, col, value, unit, quote, page, offsets, section).

        `report_id` as listed by `/api/reports`, slashes included (or percent-encoded); unknown: 404. With
        `?owner=bob` an administrator previews bob's upload before publishing or rejecting it (with its warnings).
        """
        if owner:
            report = upload_of(spaces, who, report_id, owner)
            cells = [{**c.to_dict(), "section": report.section_at(c.start)} for c in report.cells]
            return {"report": report_summary(report), "cells": cells, **any_tables(report),
                    "warnings": [warning_zh(w) for w in report.warnings]}
        return report_cells(spaces.assistant_for(who), report_id)

    @api.get("/api/export", summary="Every cell this user may query as one tidy table (a file)")
    def export(
        who: Who,
        fmt: Literal["csv", "xlsx", "parquet"] = Query(alias="format", description="csv (UTF-8 with BOM), xlsx or parquet"),
    ) -> FileResponse:
        """The cell database as `reportqa export` writes it: one row per cell, agency and year first."""
        folder = Path(tempfile.mkdtemp(prefix="reportqa-export-"))
        try:
            path = spaces.assistant_for(who).index.cells.export(folder / f"reportqa-cells.{fmt}", fmt)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return FileResponse(
            path, media_type=MEDIA_TYPES[fmt], filename=path.name,
            background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
        )  # fmt: skip

    return api

"""What the REST API and the MCP server serve over one `Assistant`: plain, JSON-ready dicts.

Both edges call these, so a figure reaches a script, a desktop assistant and the web chat the same way,
always with its citations.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from corpus import QuestionError, Report
from corpus.errors import ReportQAError, UnknownReportError
from qa.table_route import cite_cell

if TYPE_CHECKING:
    from qa.answer import Answer
    from qa.assistant import Assistant

MAX_HISTORY = 20  # earlier questions re-asked per request: each costs a full answer


def _positive(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ReportQAError(f"{name}={raw!r} is not a positive whole number; unset it to use the default {default}")
    return int(raw)


@dataclass(frozen=True)
class ServeSettings:
    """Questions answered at once (Gradio queue workers, REST threads) and how many may wait in the queue."""

    concurrency: int = 4
    queue_size: int = 256
    upload_concurrency: int = 1

    @classmethod
    def from_env(cls) -> ServeSettings:
        """`REPORTQA_CONCURRENCY` (default 4) and `REPORTQA_QUEUE_SIZE` (default 256)."""
        return cls(_positive("REPORTQA_CONCURRENCY", cls.concurrency), _positive("REPORTQA_QUEUE_SIZE", cls.queue_size))


def ask_conversation(
    assistant: Assistant, question: str, history: list[str] | None = None, reports: list[str] | None = None
) -> Answer:
    """Answer `question` after the earlier questions of its conversation, asked first in order.

    Each earlier question is asked with the answers before it, as the chat and `reportqa eval` do, so a
    follow-up (「那2023年呢？」) inherits what it does not say.
    """
    if len(history or []) > MAX_HISTORY:
        raise QuestionError(f"the history holds {len(history or [])} questions; send at most the last {MAX_HISTORY}")
    answers: list[Answer] = []
    for earlier in history or []:
        answers.append(assistant.ask(earlier, history=list(answers) or None, reports=reports))
    return assistant.ask(question, history=answers or None, reports=reports)


def report_summary(report: Report) -> dict[str, Any]:
    """One report as listed: id, agency, year, title, source (its file name: no server path), versions, cells."""
    return {
        "id": report.id,
        "agency": report.agency,
        "year": report.year,
        "title": report.title,
        "source": PurePosixPath(str(report.source).replace("\\", "/")).name or report.id,
        "versions": dict(report.versions),
        "cells": report.cell_count(),  # from the index's metadata: listing reports reads none of them
        "failed_checks": report.failed_count(),
    }


def list_reports(assistant: Assistant) -> list[dict[str, Any]]:
    """Every report of the assistant's index, by id."""
    return [report_summary(r) for r in sorted(assistant.index.reports.values(), key=lambda r: r.id)]


def get_report(assistant: Assistant, report_id: str) -> Report:
    """The report with this id, or `UnknownReportError` naming the way to list them."""
    report = assistant.index.reports.get(report_id)
    if report is None:
        raise UnknownReportError(f"语料中没有报告「{report_id}」：可用的报告 id 见 GET /api/reports 或 list_reports")
    return report


def report_cells(assistant: Assistant, report_id: str) -> dict[str, Any]:
    """A report's summary and every parsed cell of it (the `parse --json` cells), each with its section."""
    report = get_report(assistant, report_id)
    cells = [{**c.to_dict(), "section": report.section_at(c.start)} for c in report.cells]
    return {"report": report_summary(report), "cells": cells, **any_tables(report)}


def any_tables(report: Report) -> dict[str, Any]:
    """Every table of a report (any kind): `tables`, `table_cells` by printed row and column, `facts`."""
    return {"kind": report.kind, "tables": [asdict(t) for t in report.tables],
            "table_cells": [asdict(c) for c in report.table_cells], "facts": [asdict(f) for f in report.facts]}


def _finding_citations(report: Report, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Citations of the cells a finding names ("table|row|col" keys); cells not parsed are left out."""
    found = []
    for key in keys:
        table, _, rest = key.partition("|")
        row, _, col = rest.partition("|")
        cell = report.cell(table, row, col)
        if cell is not None:
            found.append(cite_cell(report, cell).to_dict())
    return found


def audit(assistant: Assistant, report_id: str | None = None) -> dict[str, Any]:
    """The failed checks (勾稽关系, prose vs table) of one report or of all, each with its cited cells."""
    reports = [get_report(assistant, report_id)] if report_id else sorted(
        assistant.index.reports.values(), key=lambda r: r.id
    )
    findings = [
        {"report": r.id, "rule": f.rule, "detail": f.detail, "cells": list(f.cells),
         "citations": _finding_citations(r, f.cells)}
        for r in reports
        for f in r.checks
        if not f.ok
    ]  # fmt: skip
    return {"findings": findings, "count": len(findings)}

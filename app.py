"""The web chat over a corpus of reports (Gradio 6, Chinese UI): `python app.py` or `reportqa serve`.

The same server answers the REST API of `api.py` under `/api` (OpenAPI page: `/api/docs`); the chat is
mounted beside it at `/` and keeps its Gradio endpoint `/ask`.

Environment: the `REPORTQA_*` settings, `GRADIO_SERVER_PORT` (default 7860), `GRADIO_SERVER_NAME`
(default 127.0.0.1), and `REPORTQA_FAKE_EMBEDDINGS=1`, which swaps the embedding model for
`index.FakeEmbeddings` so that tests start in seconds (never for real use: retrieval is then crude).
The app makes no request outside the machine: analytics are off and the theme's fonts are bundled.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported: no telemetry, no version check

import gradio as gr  # noqa: E402
import pandas as pd  # noqa: E402

from app_conversations import ConversationsPanel, conversations_panel, question_message  # noqa: E402
from app_documents import DocumentsTab, documents_tab  # noqa: E402
from app_tables import generic_cell, generic_row, table_view, tables_frame  # noqa: E402
from corpus import Report, ReportQAError, Settings  # noqa: E402
from qa import Answer, Citation  # noqa: E402
from qa.auth import Principal, UserStore, session_principal  # noqa: E402
from qa.documents import document_entry  # noqa: E402
from qa.messages import EMPTY_QUESTION, finding_zh, message, warning_zh  # noqa: E402
from qa.overview import corpus_overview, example_questions  # noqa: E402
from qa.service import ServeSettings  # noqa: E402
from qa.workspace import UPLOAD_SUFFIXES, PermissionDenied, Workspaces, safe_filename  # noqa: E402

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger(__name__)
TABLES = (("主动公开", "表二 主动公开政府信息情况"), ("申请", "表三 收到和处理政府信息公开申请情况"),
          ("复议诉讼", "表四 政府信息公开行政复议、行政诉讼情况"))  # fmt: skip
EXAMPLES = [  # for a corpus whose reports name no agency or year (otherwise qa.overview draws them from it)
    "上海市司法局2020年有多少件申请没有答复？",
    "洪泽区2024年比2023年多收了多少件申请？",
    "淮安市2024年因属于行政查询事项不予公开的有几件？",
    "上海市司法局2020年热线满意率是多少？",
    "2024年申请量前三的机关是哪些？",
    "淮安市人民政府2024年公开率是多少？",
    "有没有哪份报告的数据自相矛盾？",
]
SCROLL_JS = """() => {  /* bring the cited passage of the source view into sight */ const m = document.querySelector('#source .source-text mark');
  if (m) { m.closest('.source-text').scrollTop = Math.max(0, m.offsetTop - 60); } }"""
# After an answer: its first line (the figure) at the top of the chat and of the screen, not its last source — the
# Chatbot's own autoscroll (off) went to the bottom of a long answer, so at 390 px the figure was off-screen.
HEADLINE_JS = """() => { setTimeout(() => { const rows = document.querySelectorAll('#chat .message-row');
  const last = rows[rows.length - 1]; if (!last) { return; }
  let box = last.parentElement;  /* the chat's scrolling box: its top at the answer's first line */
  while (box && box !== document.body && !(box.scrollHeight > box.clientHeight + 1
         && getComputedStyle(box).overflowY !== 'visible')) { box = box.parentElement; }
  if (box && box !== document.body) { box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top; }
  const top = last.getBoundingClientRect().top;  /* the page moves only when that line is off-screen */
  if (top < 0 || top > window.innerHeight - 80) { window.scrollBy(0, top - 8); } }, 50); }"""
CONTEXT = 300  # characters of report text shown either side of a citation
ROUTES = {"table": "表格", "text": "正文", "none": "未作答"}
FILES_KEPT_S = 86400  # downloads offered (ours and Gradio's copies, uploads' copies) are deleted after a day
PROGRESS = gr.Progress(track_tqdm=True)  # Gradio passes a live progress bar to a parameter with this default
CSS = """
mark { background: #ffe066; color: inherit; padding: 0 2px; border-radius: 2px; }
.sources ol { margin: 0.3em 0 0 1.2em; padding: 0; } .sources li { margin-bottom: 0.5em; }
.quote { color: #555; } .meta { color: #888; font-size: 0.85em; }
.source-text { position: relative; white-space: pre-wrap; line-height: 1.7; max-height: 340px; overflow: auto; font-size: 14px;
  border: 1px solid #e5e7eb; border-radius: 6px; padding: 10px; }
.source-text mark strong { color: #b00020; }
.formula { font-family: monospace; background: #f3f4f6; padding: 4px 8px; border-radius: 4px; }
.understood { color: #4b5563; font-size: 0.9em; border-left: 3px solid #9ca3af; padding-left: 6px; }
table.row-view { border-collapse: collapse; margin: 6px 0; font-size: 13px; }
table.row-view td, table.row-view th { border: 1px solid #ddd; padding: 2px 6px; text-align: center; }
"""


# -- formatting: pure functions from answers and reports to markdown, HTML and data frames ------------------


# Characters that HTML or Markdown would read as markup, written as numeric entities: report text, titles,
# quotes, file names and agency names come from uploaded files and render as the letters they are.
_INERT = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'`*_[](){}#!|~:$\\"})


def safe_text(text: object) -> str:
    """Untrusted text for a Markdown or HTML component: every markup character as an entity (renders inert)."""
    return str(text).translate(_INERT)


def _num(value: float | int | None) -> str:
    """A figure as printed: integers without decimals, blank as ''."""
    if value is None:
        return ""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def report_label(report: Report) -> str:
    """How menus name a report: agency, year and file name (two files may hold the same report)."""
    who = report.agency or report.title or report.id
    return f"{who} {report.year or '?'}年 · {Path(report.id).name}"


def figures_of(answer: Answer) -> list[str]:
    """The figure of an answer as it may be printed in a quote: the plain value and the answer's own digits."""
    found = [_num(answer.value)] if answer.value is not None else []
    printed = re.match(r"-?[\d.,]+(?:万|亿)?", answer.answer)
    if printed and printed.group(0) not in found:
        found.append(printed.group(0))
    return [f for f in found if f]


def highlight(text: str, figures: list[str], tag: str = "mark") -> str:
    """`text` as HTML with the first occurrence of a figure (not part of a longer number) wrapped in `tag`."""
    for figure in figures:
        match = re.search(rf"(?<![\d.]){re.escape(figure)}(?!\.?\d)%?", text)
        if match:
            before, hit, after = text[: match.start()], match.group(0), text[match.end() :]
            return f"{safe_text(before)}<{tag}>{safe_text(hit)}</{tag}>{safe_text(after)}"
    return safe_text(text)


def _cell_value(report: Report | None, citation: Citation) -> str | None:
    """The printed value of a cited table cell, or None for a text citation."""
    if not citation.cell or report is None:
        return None
    cell = report.cell(citation.cell["table"], citation.cell["row"], citation.cell["col"])
    if cell is None:  # a cell of any table (an annual report's, a budget's): by its table title, row and column
        found = generic_cell(report, citation.cell)
        return "" if found is None else _num(found.value) + (f" {found.unit}" if found.unit else "")
    return "" if cell is None else _num(cell.value) + (cell.unit or "")


def _source_item(citation: Citation, report: Report | None, figures: list[str]) -> str:
    """One numbered source: title, section, page, then the table cell or the quote, figure highlighted."""
    where = " · ".join(p for p in (citation.section, f"第{citation.page}页" if citation.page else "") if p)
    head = f"<b>《{safe_text(citation.title or citation.report_id)}》</b> <span class='meta'>{safe_text(where)}</span>"
    value = _cell_value(report, citation)
    if citation.cell and value is not None:
        cell = citation.cell
        what = f"{cell['table']}表 · 行「{cell['row']}」 · 列「{cell['col']}」"
        body = f"{safe_text(what)}：<mark>{safe_text(value or '空')}</mark>"
        return f"<li>{head}<br>{body}<br><span class='quote'>原表：{safe_text(citation.quote)}</span></li>"
    return f"<li>{head}<br><span class='quote'>「{highlight(citation.quote, figures)}」</span></li>"


def answer_markdown(answer: Answer, reports: dict[str, Report]) -> str:
    """The chat message of an answer: the figure in bold, its wording, the formula, then the numbered sources."""
    understood = f"\n\n<div class='understood'>{safe_text(answer.understood)}</div>" if answer.understood else ""
    if answer.abstained and not answer.citations:
        shown = understood if answer.understood and answer.understood not in answer.answer else ""
        return f"*{safe_text(answer.answer)}*{shown}"
    head, sep, rest = answer.answer.partition("（")
    text = safe_text(answer.answer).replace("\n", "<br>")
    if answer.value is not None and not answer.abstained:
        text = f"**{safe_text(head)}**{sep}{safe_text(rest)}".replace("\n", "<br>")
    if answer.formula:
        text += f"\n\n<div class='formula'>计算：{safe_text(answer.formula)}（每个数字的出处见下）</div>"
    text += understood
    if not answer.citations:
        return text
    figures = figures_of(answer)
    items = "".join(_source_item(c, reports.get(c.report_id), figures) for c in answer.citations)
    took = f"{ROUTES.get(answer.route, answer.route)} · {answer.timings_ms.get('total', 0):.0f} ms"
    return f"{text}\n\n<div class='sources'><b>来源</b><ol>{items}</ol><span class='meta'>{took}</span></div>"


def citation_choices(answer: Answer | None) -> list[tuple[str, int]]:
    """Radio choices for the citations of an answer: (label, index)."""
    if answer is None:
        return []
    choices = []
    for i, c in enumerate(answer.citations, 1):
        what = f"{c.cell['row']} · {c.cell['col']}" if c.cell else c.section
        if c.cell and c.cell["table"] not in {table for table, _ in TABLES}:  # a table of any report: say which
            what = f"{c.cell['table']} · {what}"
        choices.append((f"[{i}] {c.title or c.report_id} · {what}", i - 1))
    return choices


def _row_table(report: Report, cell: dict[str, str]) -> str:
    """A cited table row as a small HTML table, the cited column highlighted."""
    cells = [c for c in report.cells if c.table == cell["table"] and c.row == cell["row"]]
    if not cells:
        return generic_row(report, cell)
    head = "".join(f"<th>{safe_text(c.col)}</th>" for c in cells)
    marked = {True: "<td><mark>{}</mark></td>", False: "<td>{}</td>"}
    body = "".join(marked[c.col == cell["col"]].format(safe_text(_num(c.value))) for c in cells)
    return f"<table class='row-view'><tr><th>{safe_text(cell['table'])}</th>{head}</tr><tr><th>{safe_text(cell['row'])}</th>{body}</tr></table>"


def source_html(answer: Answer, index: int, reports: dict[str, Report]) -> str:
    """The report text around a citation (its quote highlighted), and for a table cell its whole row."""
    if not 0 <= index < len(answer.citations):
        return ""
    citation = answer.citations[index]
    report = reports.get(citation.report_id)
    if report is None:
        return f"<p>报告 {safe_text(citation.report_id)} 已不在索引中。</p>"
    if citation.cell and generic_cell(report, citation.cell) is not None and citation.end == 0:
        where = f"第{citation.page}页" if citation.page else ""
        title = f"<p><b>《{safe_text(report.title or report.id)}》</b> · {safe_text(where)}</p>"
        return f"{title}{generic_row(report, citation.cell)}<div class='source-text'>原表：{safe_text(citation.quote)}</div>"
    start, end, text = citation.start, citation.end, report.text
    quote = highlight(text[start:end], [] if citation.cell else figures_of(answer), "strong")
    context = f"{safe_text(text[max(0, start - CONTEXT) : start])}<mark>{quote}</mark>{safe_text(text[end : end + CONTEXT])}"
    where = " · ".join(p for p in (citation.section, f"第{citation.page}页" if citation.page else "") if p)
    title = f"<p><b>《{safe_text(report.title or report.id)}》</b> · {safe_text(where)}</p>"
    row = _row_table(report, citation.cell) if citation.cell else ""
    return f"{title}{row}<div class='source-text'>…{context}…</div>"


def chart_frame(answer: Answer | None) -> pd.DataFrame | None:
    """A comparison answer's figures as a two-column frame for the bar chart, or None."""
    if answer is None or not answer.chart:
        return None
    return pd.DataFrame([(str(p["label"]), p["value"]) for p in answer.chart], columns=["报告", "数值"])


def reports_frame(reports: dict[str, Report]) -> pd.DataFrame:
    """One row per report of the index: id, agency, year, title, template versions, cells, failed checks."""
    columns = ["报告", "机关", "年份", "标题", "模板版本", "单元格", "未通过检查"]
    versions = {r.id: " · ".join(f"{t} {v}" for t, v in r.versions.items()) for r in reports.values()}
    failed = {r.id: r.failed_count() for r in reports.values()}  # from the index's metadata: no report is read
    rows = [
        (r.id, r.agency, r.year or "", r.title, versions[r.id], r.cell_count(), failed[r.id])
        for r in reports.values()
    ]
    return pd.DataFrame(sorted(rows), columns=columns)


def table_frame(report: Report | None, table: str) -> pd.DataFrame:
    """One standard table of a report, rows × columns as printed; a blank cell is ''."""
    cells = [c for c in report.cells if c.table == table] if report else []
    rows = list(dict.fromkeys(c.row for c in cells))
    cols = list(dict.fromkeys(c.col for c in cells))
    grid = {(c.row, c.col): _num(c.value) for c in cells}
    values = [[row] + [grid.get((row, col), "") for col in cols] for row in rows]
    return pd.DataFrame(values, columns=["项目", *cols])


def audit_markdown(report: Report | None) -> str:
    """The failed checks and warnings of a report, as a markdown list."""
    if report is None:
        return ""
    failed = [c for c in report.checks if not c.ok]
    passed = len(report.checks) - len(failed)
    lines = [f"**{safe_text(report.title or report.id)}**：{passed} 项检查通过，{len(failed)} 项未通过"]
    lines += [f"- ✗ {safe_text(finding_zh(c.detail))}" for c in failed]
    lines += [f"- ⚠ {safe_text(warning_zh(w))}" for w in report.warnings]
    return "\n".join(lines)


# -- uploads -------------------------------------------------------------------------------------------------


def add_upload(spaces: Workspaces, who: Principal, path: str | Path, name: str | None = None) -> tuple[bool, str]:
    """Add an uploaded file to the user's private uploads; the Chinese status line (nothing changes on failure)."""
    shown = safe_filename(name or Path(path).name)
    try:
        added = spaces.add_upload(who, path, name)
    except Exception as exc:  # the message names the file and why; the detail goes to the log
        return False, f"未能加入「{shown}」：{message(exc, f'upload {shown}')}。语料和索引保持不变。"
    report = added.report
    total = len(spaces.assistant_for(who).index.reports)
    entry = document_entry(report, "pending", who.key, {})
    problems = [f"{n} {what}" for n, what in ((entry["unparsed_rows"], "行未能解析"), (entry["failed_checks"], "项检查未通过")) if n]
    status = f"注意：{'，'.join(problems)}（详见「文档」页）。" if problems else ""
    return True, (
        f"已加入《{report.title or report.id}》（{report.agency or '机关未知'} {report.year or '?'}年，"
        f"{len(report.cells)} 个表格单元格），仅你可见，现在可以提问。{status}你可查询的报告共 {total} 份。"
    )


# -- the app ---------------------------------------------------------------------------------------------------


class Downloads:
    """The files the app offers for download, each in a folder of its own within one folder of this process.

    A file keeps the name the browser saves it under; folders older than `FILES_KEPT_S` are deleted, and all of
    them at exit, so a server running for months does not fill its disk one CSV at a time.
    """

    def __init__(self, kept_s: float = FILES_KEPT_S) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="reportqa-downloads-"))
        self.kept_s = kept_s
        self._swept = 0.0  # when folders past their time were last looked for
        atexit.register(shutil.rmtree, self.root, True)

    def folder(self) -> Path:
        """A new folder for one download; at most once a minute, older ones past their time are deleted first."""
        now = time.time()
        if now - self._swept >= min(60.0, self.kept_s):
            self._swept = now
            for old in self.root.iterdir():
                if now - old.stat().st_mtime > self.kept_s:
                    shutil.rmtree(old, ignore_errors=True)
        return Path(tempfile.mkdtemp(dir=self.root))


class Handlers:
    """The event handlers of the app; each call is answered over the reports its user may see."""

    def __init__(self, spaces: Workspaces, users: UserStore | None = None) -> None:
        self.spaces = spaces
        self.users = users
        self.downloads = Downloads()
        self.documents = DocumentsTab(spaces, self.who, audit_markdown, safe_text)
        self.conversations = ConversationsPanel(spaces, spaces.conversations, self.who, answer_markdown, safe_text,
                                                self.downloads.folder, logins=users is not None)  # fmt: skip

    def who(self, request: gr.Request | None) -> Principal:
        """The logged-in user (with logins on), else the browser session."""
        if self.users is not None:
            found = self.users.principal(str(getattr(request, "username", "") or ""))
            if found is None:
                raise PermissionDenied("not logged in", "请先登录")
            return found
        return session_principal("s", getattr(request, "session_hash", None))

    def whoami(self, request: gr.Request) -> str:
        """Who is logged in, for the line beside 「退出登录」."""
        return f"已登录：**{safe_text(self.who(request).name)}**"

    def reports(self, request: gr.Request | None) -> dict[str, Report]:
        """The reports this user may see now."""
        return dict(self.spaces.assistant_for(self.who(request)).index.reports)

    def report_choices(self, reports: dict[str, Report]) -> list[tuple[str, str]]:
        """Menu choices (label, report id) for every report."""
        return [(report_label(r), r.id) for r in sorted(reports.values(), key=lambda r: r.id)]

    def ask_api(self, question: str, request: gr.Request) -> dict[str, Any]:
        """The `/ask` endpoint: one question in, the `ask --json` object out."""
        try:
            return self.spaces.assistant_for(self.who(request)).ask(question).to_dict()
        except Exception as exc:
            text = message(exc, "ask")
            return Answer(str(question), f"无法回答：{text}", abstained=True, route="none", reason=text).to_dict()

    def respond(
        self, text: str, chat: list[Any], answers: list[Answer], only: list[str] | None, request: gr.Request
    ) -> tuple[Any, ...]:
        """Ask one chat question with the earlier answers as history; update chart, citations and source view."""
        chat = list(chat or [])
        skip = (gr.skip(),) * 5
        hidden = gr.Markdown(visible=False)
        if not text or not text.strip():
            # A notice under the question box, not gr.Warning: Gradio 6 titles every toast "Warning", in English.
            return chat, text, answers, *skip, gr.Markdown(f"⚠ {EMPTY_QUESTION}", visible=True)
        asked = question_message(text, safe_text)
        try:
            assistant = self.spaces.assistant_for(self.who(request))
            answer = assistant.ask(text, history=answers, reports=list(only or []) or None)
            reports = dict(assistant.index.reports)
        except Exception as exc:
            reply = {"role": "assistant", "content": f"*无法回答：{safe_text(message(exc, 'ask'))}*"}
            return [*chat, asked, reply], "", answers, *skip, hidden
        frame, choices = chart_frame(answer), citation_choices(answer)
        reply = {"role": "assistant", "content": answer_markdown(answer, reports)}
        order = None if frame is None else list(frame["报告"])  # the answer's order (a ranking's), not Vega's A–Z
        chart = gr.BarPlot(value=frame, visible=frame is not None, y_title=answer.unit or "数值", sort=order)
        cite = gr.Radio(choices=choices, value=0 if choices else None, visible=bool(choices))
        clarify = gr.Radio(choices=list(answer.clarify), value=None, visible=bool(answer.clarify))
        download = gr.DownloadButton(value=self.answer_file(answer), visible=bool(answer.rows))
        return ([*chat, asked, reply], "", [*answers, answer], chart, cite, source_html(answer, 0, reports), clarify,
                download, hidden)  # fmt: skip

    def answer_file(self, answer: Answer) -> str | None:
        """The cells behind a table answer as a CSV file for the download button (None without cells)."""
        if not answer.rows:
            return None
        from index.cells import write_table
        from qa.answer import ROW_COLUMNS

        folder = self.downloads.folder()
        rows = [[r.get(c) for c in ROW_COLUMNS] for r in answer.rows]
        return str(write_table(ROW_COLUMNS, rows, folder / "reportqa-answer.csv", "csv"))

    def report_file(self, report_id: str | None, request: gr.Request) -> Any:
        """Every cell of one report as a CSV file, for the report browser's download button."""
        report = self.reports(request).get(report_id or "")
        if report is None:
            return gr.DownloadButton(visible=False)
        from index.cells import write_table

        columns = ["table", "row", "column", "value", "unit", "page", "quote"]
        rows = [[c.table, c.row, c.col, c.value, c.unit, c.page, c.quote] for c in report.cells]
        folder = self.downloads.folder()
        name = re.sub(r"[^\w.-]+", "_", Path(report.id).stem) + "-cells.csv"
        return gr.DownloadButton(value=str(write_table(columns, rows, folder / name, "csv")), visible=bool(rows))

    def show_source(self, index: int | None, answers: list[Answer], request: gr.Request) -> str:
        """The source view of the last answer's citation number `index`."""
        if index is None or not answers:
            return ""
        return source_html(answers[-1], int(index), self.reports(request))

    def open_report(self, choice: str | None, request: gr.Request) -> tuple[Any, ...]:
        """A document of the 文档 tab in the 报告 tab (its tables, checks and cells)."""
        return self.documents.open(choice, self.reports, request)

    def show_report(self, report_id: str | None, request: gr.Request) -> tuple[Any, ...]:
        """The three tables, the audit findings and the list of every table of one report."""
        report = self.reports(request).get(report_id or "")
        return (*(table_frame(report, table) for table, _ in TABLES), audit_markdown(report), tables_frame(report))

    def show_table(self, report_id: str | None, number: float | None, request: gr.Request) -> Any:
        """One of the report's tables, as printed."""
        return table_view(self.reports(request).get(report_id or ""), number)

    def lists(self, request: gr.Request) -> tuple[Any, ...]:
        """What depends on the user: the report list, both report menus, and the uploads they may publish."""
        who = self.who(request)
        reports = self.reports(request)
        menu = gr.Dropdown(choices=self.report_choices(reports))
        pending = [(f"{key} · {report_label(r)}", f"{key}|{r.id}") for key, r in self.spaces.pending(who)]
        publish = gr.Dropdown(choices=pending, value=None, visible=who.admin)
        return reports_frame(reports), menu, menu, publish, gr.Button(visible=who.admin)

    def upload(self, path: str | None, request: gr.Request, progress: gr.Progress = PROGRESS) -> tuple[Any, ...]:
        """Add an uploaded file to the user's uploads; refresh lists and menus; clear the file widget."""
        if not path:
            return ("", *(gr.skip(),) * 5, None)
        progress(0.2, desc="读取并索引报告…")
        name = Path(path).name
        ok, text = add_upload(self.spaces, self.who(request), path, name)
        return (f"✅ {safe_text(text)}" if ok else f"❌ {safe_text(text)}", *self.lists(request), None)

    def publish(self, choice: str | None, request: gr.Request) -> tuple[Any, ...]:
        """Publish a pending upload to the shared corpus (admins; without logins, one's own)."""
        if not choice:
            return ("请先选择要发布的报告。", *(gr.skip(),) * 5)
        owner, _, report_id = choice.partition("|")
        try:
            report = self.spaces.publish(self.who(request), report_id, owner)
        except Exception as exc:
            return (f"❌ 未能发布：{safe_text(message(exc, 'publish'))}", *(gr.skip(),) * 5)
        shown = safe_text(f"《{report.title or report.id}》")
        return (f"✅ 已发布{shown}到共享语料，所有用户都可以查询。", *self.lists(request))


def _chat_tab(
    h: Handlers, choices: list[tuple[str, str]], examples: list[str]
) -> tuple[gr.Dropdown, gr.BrowserState, gr.Dropdown]:
    """The chat tab: conversation, examples, report filter, saved conversations, chart, citations and source view."""
    answers = gr.State([])
    conversation = gr.State(None)  # the saved conversation's id (None until its first answer)
    browser = gr.BrowserState(None, storage_key="reportqa-browser")  # names this browser's conversations
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="对话", height=560, elem_id="chat", buttons=["copy"], autoscroll=False)
            with gr.Row():
                question = gr.Textbox(placeholder=examples[0], show_label=False, scale=5, elem_id="question")
                send = gr.Button("提问", variant="primary", scale=1, elem_id="send")
            notice = gr.Markdown(visible=False, elem_id="notice")
            gr.Examples(examples, inputs=question, label="示例问题（点击填入，取自语料中的报告）")
            only = gr.Dropdown(choices, multiselect=True, label="只在这些报告中回答（不选为全部报告）")
            clear = gr.Button("新对话", size="sm", elem_id="new-conversation")
            conv = conversations_panel()
        with gr.Column(scale=2):
            chart = gr.BarPlot(
                elem_id="chart",
                x="报告",
                y="数值",
                visible=False,
                label="对比",
                x_label_angle=-20,
                height=260,
                y_lim=[0, None],
            )
            clarify = gr.Radio(label="你是想问：（点选即提问）", choices=[], visible=False, elem_id="clarify")
            download = gr.DownloadButton("下载本答案的数据（CSV）", visible=False, size="sm", elem_id="download")
            cite = gr.Radio(label="出处（选择查看原文）", choices=[], visible=False, elem_id="citations")
            source = gr.HTML(elem_id="source")
    outputs = [chatbot, question, answers, chart, cite, source, clarify, download, notice]
    asking: dict[str, Any] = {"api_visibility": "private", "concurrency_id": "ask"}
    private: dict[str, Any] = {"api_visibility": "private"}
    c, saved = h.conversations, conv["export"]
    for event in (send.click, question.submit, clarify.input):
        box = clarify if event == clarify.input else question
        asked = event(h.respond, [box, chatbot, answers, only], outputs, **asking)
        asked.then(None, js=SCROLL_JS).then(None, js=HEADLINE_JS)
        asked.then(c.save, [answers, conversation, browser], [conversation, conv["pick"], saved], **private)
    cite.input(h.show_source, [cite, answers], source, **asking).then(None, js=SCROLL_JS)
    # 「新对话」 and the chat's own 🗑 both start a new conversation: screen, context and saved id alike.
    for event in (clear.click, chatbot.clear):
        event(_new_conversation, None, [*outputs, conversation, saved], **private)
    conv["pick"].input(c.open, [conv["pick"], conversation, browser], [chatbot, answers, conversation, conv["status"]],
                       **asking).then(
        c.export, [conv["pick"], browser], saved, **private
    )
    conv["rename"].click(c.rename, [conv["pick"], conv["title"], browser], [conv["status"], conv["pick"]], **private)
    conv["delete"].click(c.delete, [conv["pick"], conversation, browser], [conv["status"], conv["pick"], conversation],
                         **private)  # fmt: skip
    return only, browser, conv["pick"]


def _new_conversation() -> tuple[Any, ...]:
    """Everything of the chat back to empty: messages, context (the answers), chart, citations, saved id."""
    return ([], "", [], gr.BarPlot(visible=False), gr.Radio(choices=[], visible=False), "",
            gr.Radio(choices=[], visible=False), gr.DownloadButton(visible=False), gr.Markdown(visible=False), None,
            gr.DownloadButton(visible=False))  # fmt: skip


def _upload_tab(h: Handlers) -> tuple[gr.File, gr.Markdown, gr.Dropdown, gr.Button]:
    """The upload tab: the file drop, its status, and (for admins) the uploads waiting to be published."""
    gr.Markdown(f"上传一份年度报告（{' '.join(UPLOAD_SUFFIXES)}）。它只对你可见，加入索引后即可提问；"
                "管理员发布后才进入所有人可查询的共享语料。")  # fmt: skip
    # No `file_types`: Gradio would refuse other files with an English message; add_upload refuses them in Chinese.
    upload = gr.File(label="报告文件", elem_id="upload")
    status = gr.Markdown(elem_id="upload-status")
    pending = gr.Dropdown([], label="待发布的上传报告", visible=False, elem_id="pending")
    publish = gr.Button("发布到共享语料", visible=False, size="sm", elem_id="publish")
    return upload, status, pending, publish


def build_app(spaces: Workspaces, users: UserStore | None = None, serving: ServeSettings | None = None) -> gr.Blocks:
    """The Blocks app: chat, report browser, upload (private, then published), and the `/ask` API endpoint."""
    h = Handlers(spaces, users)
    serving = serving or ServeSettings.from_env()
    shared = dict(spaces.shared.index.reports)
    with gr.Blocks(title="政府信息公开年报问答 · reportqa", analytics_enabled=False,
                   delete_cache=(3600, FILES_KEPT_S)) as demo:
        with gr.Row():
            gr.Markdown(
                "## 政府信息公开年报问答\n每个数字都抄自报告的表格或原文，并注明出处；语料里没有的，就说没有。\n\n"
                + safe_text(corpus_overview(shared)), elem_id="overview",
            )  # fmt: skip
            whoami = gr.Markdown(elem_id="whoami", visible=users is not None)
            # Gradio's own /logout ends this browser's login only (all_session=false), then shows the login page.
            gr.Button("退出登录", link="/logout?all_session=false", size="sm", scale=0, elem_id="logout",
                      visible=users is not None)  # fmt: skip
        with gr.Tabs() as tabs:
            with gr.Tab("问答", id="chat"):
                only, browser, conversations = _chat_tab(h, h.report_choices(shared), example_questions(shared) or EXAMPLES)
            with gr.Tab("报告", id="reports"):
                listing = gr.Dataframe(reports_frame(shared), interactive=False, label="可查询的报告", elem_id="reports")
                pick = gr.Dropdown(h.report_choices(shared), value=None, label="选择报告查看表格和检查结果", elem_id="pick")
                audit = gr.Markdown(elem_id="reports-audit")
                cells_file = gr.DownloadButton("下载该报告的全部表格数据（CSV）", visible=False, size="sm", elem_id="report-download")
                frames = [gr.Dataframe(interactive=False, label=name, wrap=True) for _, name in TABLES]
                tables = gr.Dataframe(interactive=False, label="报告中的全部表格（年报、决算、统计公报等的表格也在此）", wrap=True,
                                      elem_id="report-tables")
                number = gr.Number(label="查看第几个表格（序号）", precision=0, elem_id="table-number")
                table = gr.Dataframe(interactive=False, label="所选表格", wrap=True, elem_id="report-table")
                pick.change(h.show_report, pick, [*frames, audit, tables], api_visibility="private")
                number.change(h.show_table, [pick, number], table, api_visibility="private")
                pick.change(h.report_file, pick, cells_file, api_visibility="private")
            with gr.Tab("上传", id="upload"):
                upload, status, pending, publish = _upload_tab(h)
            with gr.Tab("文档", id="documents"):
                docs = documents_tab(h.documents)
        lists = [listing, pick, only, pending, publish]
        private: dict[str, Any] = {"api_visibility": "private"}
        documents = [docs["table"], docs["pick"]]
        upload.upload(h.upload, upload, [status, *lists, upload], **private,
                      concurrency_id="upload", concurrency_limit=1).then(h.documents.refresh, None, documents, **private)  # fmt: skip
        publish.click(h.publish, pending, [status, *lists], **private, concurrency_id="upload").then(
            h.documents.refresh, None, documents, **private
        )
        for action, button in docs["buttons"].items():
            button.click(getattr(h.documents, action), docs["pick"], [docs["status"], *documents], **private,
                         concurrency_id="upload").then(h.lists, None, lists, **private)  # fmt: skip
        docs["pick"].change(h.documents.preview, docs["pick"], docs["preview"], **private)
        docs["view"].click(h.open_report, docs["pick"], [docs["status"], tabs, pick], **private)
        demo.load(h.lists, None, lists, **private).then(h.documents.refresh, None, documents, **private)
        demo.load(h.conversations.browser_id, browser, browser, **private).then(
            h.conversations.menu, browser, conversations, **private
        )
        if users is not None:
            demo.load(h.whoami, None, whoami, **private)
        with gr.Row(visible=False):  # the `/ask` API: one string in, the `ask --json` object out
            api_question, api_answer = gr.Textbox(), gr.JSON()
            gr.Button().click(h.ask_api, api_question, api_answer, api_name="ask", concurrency_id="ask")
    demo.queue(default_concurrency_limit=serving.concurrency, max_size=serving.queue_size)
    return demo


def build_server(
    spaces: Workspaces, host: str = "127.0.0.1", port: int = 7860, users: UserStore | None = None
) -> FastAPI:
    """One FastAPI app: the REST API under `/api` (see `api.py`) and the web chat mounted at `/`."""
    from api import build_api

    serving = ServeSettings.from_env()
    server = build_api(spaces, users, serving)  # its routes come first: the chat is mounted after them
    auth = (lambda name, password: users.verify(name, password) is not None) if users is not None else None
    return gr.mount_gradio_app(
        server, build_app(spaces, users, serving), path="/", server_name=host, server_port=port,
        show_error=False, theme=gr.themes.Soft(), css=CSS, auth=auth,
        auth_message="请用管理员为你开设的账号登录（政府信息公开年报问答）",
    )  # fmt: skip


def _stop_on_signals() -> None:
    """SIGTERM and SIGINT end the process through `SystemExit(128 + signal)`, so `atexit` cleans up.

    uvicorn shuts down gracefully on both, then raises the signal again under the handler that was there before
    it started: Python's default for SIGTERM kills the process without running `atexit`, which left the download
    folder and its CSVs in /tmp. A handler here covers startup (index building) too.
    """

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, stop)


def serve(port: int | None = None) -> int:
    """Open (building on first start) the index of the configured corpus and serve app and API until stopped."""
    import uvicorn

    from index import FakeEmbeddings

    if threading.current_thread() is threading.main_thread():
        _stop_on_signals()
    settings = Settings.from_env()
    users = UserStore.from_env()
    fake = os.environ.get("REPORTQA_FAKE_EMBEDDINGS") == "1"
    log.info("opening corpus %s%s", settings.corpus, " with fake embeddings (tests only)" if fake else "")
    spaces = Workspaces.open(settings.corpus, settings, FakeEmbeddings() if fake else None)
    log.info("%d reports; uploads go to %s; logins %s", len(spaces.shared.index.reports), spaces.root,
             f"from {users.path}" if users else "off (each browser session is its own user)")  # fmt: skip
    host = os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1"
    port = port or int(os.environ.get("GRADIO_SERVER_PORT") or 7860)
    server = build_server(spaces, host, port, users)
    log.info("serving the chat at http://%s:%d/ and the REST API at http://%s:%d/api/docs", host, port, host, port)
    uvicorn.run(server, host=host, port=port, log_level="warning")
    return 0


def main() -> None:
    """`python app.py`: serve, turning library errors into one line and exit status 2."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for name in (log.name, "corpus", "index", "qa"):  # progress of our own layers, not of faiss or httpx
        logging.getLogger(name).setLevel(logging.INFO)
    try:
        serve()
    except ReportQAError as exc:
        sys.stderr.write(f"reportqa: error: {exc}\n")
        raise SystemExit(2) from exc


if __name__ == "__main__":
    main()

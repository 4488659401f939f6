"""The web chat's 文档 tab: each document the user may see, its owner, visibility, kind and parse status.

Preview, publish, reject (admins), withdraw and delete: the REST API's actions (`qa/documents.py`, `qa/workspace.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr
import pandas as pd

from corpus import Report
from qa.auth import Principal
from qa.documents import list_documents, owner_key
from qa.messages import message
from qa.workspace import Workspaces

VISIBILITY_ZH = {"corpus": "语料", "published": "已发布", "pending": "待审核", "private": "仅上传者可见（已退回）"}
COLUMNS = ["标题", "文件", "上传者", "状态", "类型", "发布机关", "年份", "单元格", "未解析的行", "未通过的检查"]
SHOWN = 300  # documents listed (each is read for its warnings): uploads and published first, then the corpus
ACTIONS_ZH = {"publish": "发布", "reject": "退回", "delete": "删除"}


def documents_frame(documents: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per document, in the order listed (uploads first)."""
    rows = [
        (d["title"] or d["id"], d["source"], d["owner"] or "", VISIBILITY_ZH[d["visibility"]], d["kind"],
         d["issuer"] or "", d["year"] or "", d["cells"], d["unparsed_rows"], d["failed_checks"])
        for d in documents
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def document_choice(document: dict[str, Any]) -> tuple[str, str]:
    """A menu entry: the label a person reads, and `visibility|owner key|id` (what an action needs)."""
    owner = owner_key(document["owner"]) if document["owner"] and document["visibility"] in ("pending", "private") else ""
    who = f" · {document['owner']}" if document["owner"] else ""
    label = f"{VISIBILITY_ZH[document['visibility']]}{who} · {document['title'] or document['id']} · {document['source']}"
    return label, f"{document['visibility']}|{owner}|{document['id']}"


class DocumentsTab:
    """The tab's handlers, over the app's workspaces and its way of telling who asks."""

    def __init__(
        self,
        spaces: Workspaces,
        who: Callable[[Any], Principal],
        show: Callable[[Report | None], str],
        safe: Callable[[str], str],
    ) -> None:
        """`who` tells the user of a request, `show` renders a report's checks, `safe` makes untrusted text inert."""
        self.spaces, self.who, self.show, self.safe = spaces, who, show, safe

    def refresh(self, request: gr.Request) -> tuple[Any, Any]:
        """The table of documents and the menu to pick one."""
        documents, total = list_documents(self.spaces, self.who(request), limit=SHOWN)
        label = f"文档（共 {total} 份）" if total <= SHOWN else f"文档（共 {total} 份，显示前 {SHOWN} 份：上传的在前）"
        frame = gr.Dataframe(documents_frame(documents), label=label)
        return frame, gr.Dropdown(choices=[document_choice(d) for d in documents], value=None)

    def _report(self, visibility: str, owner: str, report_id: str) -> Report | None:
        if visibility in ("pending", "private"):
            return self.spaces.own_reports(owner).get(report_id)
        return (self.spaces.published.reports if visibility == "published" else self.spaces.base.reports).get(report_id)

    def preview(self, choice: str | None, request: gr.Request) -> str:
        """A document's parse status (checks, warnings) before it is published: what an admin reviews."""
        if not choice:
            return ""
        visibility, owner, report_id = choice.split("|", 2)
        who = self.who(request)
        if owner and owner != who.key and not (who.admin and who.logged_in):
            return "没有权限查看这份上传的报告。"
        return self.show(self._report(visibility, owner, report_id)) or "这份报告已不在索引中。"

    def act(self, action: str, choice: str | None, request: gr.Request) -> tuple[Any, ...]:
        """Publish, reject or delete the chosen document; the status line in Chinese, then the refreshed lists."""
        if not choice:
            return ("请先选择一份文档。", gr.skip(), gr.skip())
        visibility, owner, report_id = choice.split("|", 2)
        who = self.who(request)
        try:
            if action == "publish":
                report = self.spaces.publish(who, report_id, owner or None)
            elif action == "reject":
                report = self.spaces.reject(who, report_id, owner)
            else:
                report = self.spaces.delete(who, report_id, owner if visibility in ("pending", "private") else None)
        except Exception as exc:
            return (f"❌ 未能{ACTIONS_ZH[action]}：{self.safe(message(exc, action))}", gr.skip(), gr.skip())
        done = {"publish": "已发布到共享语料，所有用户都可以查询", "reject": "已退回：仍只对上传者可见",
                "delete": "已删除：不会再从它回答"}[action]  # fmt: skip
        return (f"✅ {self.safe(f'《{report.title or report.id}》')}{done}。", *self.refresh(request))


    # One method per button: Gradio passes `gr.Request` only to a parameter it sees annotated (not through partial).

    def publish(self, choice: str | None, request: gr.Request) -> tuple[Any, ...]:
        """The 发布 button."""
        return self.act("publish", choice, request)

    def reject(self, choice: str | None, request: gr.Request) -> tuple[Any, ...]:
        """The 退回 button."""
        return self.act("reject", choice, request)

    def delete(self, choice: str | None, request: gr.Request) -> tuple[Any, ...]:
        """The 删除 button."""
        return self.act("delete", choice, request)

    def open(self, choice: str | None, visible: Callable[[Any], dict[str, Report]], request: gr.Request) -> tuple[Any, ...]:
        """The 在报告页查看 button: the 报告 tab with the chosen report picked, or why not (the status line)."""
        if not choice:
            return ("请先选择一份文档。", gr.skip(), gr.skip())
        report_id = choice.split("|", 2)[2]
        if report_id not in visible(request):
            return ("这份报告还不在你可查询的报告里（待审核的上传只对上传者可见）：请在本页预览。", gr.skip(), gr.skip())
        return ("", gr.Tabs(selected="reports"), gr.Dropdown(value=report_id))


def documents_tab(tab: DocumentsTab) -> dict[str, Any]:
    """The tab's components (call inside `gr.Tab`); the caller wires their events to the other lists."""
    gr.Markdown("每份文档的上传者、状态和解析情况。上传者可以撤回或删除自己的上传；管理员可以预览、发布、退回或删除。")
    table = gr.Dataframe(documents_frame([]), interactive=False, label="文档", elem_id="documents", wrap=True)
    pick = gr.Dropdown([], label="选择一份文档", elem_id="document-pick")
    with gr.Row():
        buttons = {action: gr.Button(text, size="sm", elem_id=f"document-{action}") for action, text in ACTIONS_ZH.items()}
        view = gr.Button("在报告页查看", size="sm", elem_id="document-open")
    status = gr.Markdown(elem_id="document-status")
    preview = gr.Markdown(elem_id="document-preview")
    return {"table": table, "pick": pick, "buttons": buttons, "view": view, "status": status, "preview": preview}

"""The chat's saved conversations (`qa/conversations.py`): listed, reopened, renamed, deleted, exported as Markdown.

With logins a conversation belongs to the user (`u-NAME`); without, to the browser, named by a random id that
Gradio's `BrowserState` keeps in the browser's local storage (`b-ID`), so a reload finds the conversations again.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

import gradio as gr

from corpus import Report
from qa import Answer
from qa.auth import Principal
from qa.conversations import ConversationStore, to_markdown
from qa.messages import message
from qa.workspace import Workspaces

SHOWN_CHARS = 300  # a longer question is shown folded in the chat (it is asked whole)
_BROWSER = re.compile(r"^[0-9a-f]{16}$")
NOBODY = "b-none"  # a browser whose id is not known yet (asked before the page finished loading): nothing is saved


def question_message(text: str, safe: Callable[[str], str]) -> dict[str, str]:
    """The chat message of a question; a very long one shows its first `SHOWN_CHARS` characters and its length."""
    if len(text) <= SHOWN_CHARS:
        return {"role": "user", "content": safe(text)}
    return {"role": "user", "content": f"{safe(text[:SHOWN_CHARS])}…（问题共 {len(text)} 字，只显示前 {SHOWN_CHARS} 字）"}


class ConversationsPanel:
    """Handlers of the conversation list beside the chat."""

    def __init__(  # noqa: PLR0913 - the app's collaborators, each a field so tests pass their own
        self,
        spaces: Workspaces,
        store: ConversationStore,
        who: Callable[[Any], Principal],
        render: Callable[[Answer, dict[str, Report]], str],
        safe: Callable[[str], str],
        folder: Callable[[], Any],
        logins: bool,
    ) -> None:
        """`render` writes an answer's chat message, `safe` makes text inert, `folder` gives a download folder."""
        self.spaces, self.store, self.who, self.render, self.safe, self.folder = spaces, store, who, render, safe, folder
        self.logins = logins

    def owner(self, browser: str | None, request: gr.Request) -> str:
        """Whose conversations: the logged-in user's, else this browser's."""
        if self.logins:
            return self.who(request).key
        return f"b-{browser}" if browser and _BROWSER.match(browser) else NOBODY

    @staticmethod
    def browser_id(browser: str | None) -> str:
        """The id of this browser, made once (kept by `gr.BrowserState`)."""
        return browser if browser and _BROWSER.match(browser) else secrets.token_hex(8)

    def menu(self, browser: str | None, request: gr.Request, value: str | None = None) -> Any:
        """The list of saved conversations, most recent first."""
        owner = self.owner(browser, request)
        listed = [] if owner == NOBODY else self.store.list(owner)
        choices = [(f"{c['title']}（{c['turns']} 问）", c["id"]) for c in listed]
        return gr.Dropdown(choices=choices, value=value)

    def save(
        self, answers: list[Answer], conversation: str | None, browser: str | None, request: gr.Request
    ) -> tuple[Any, Any, Any]:
        """Save the answers not saved yet to the current conversation (a new one at its first answer).

        The list and the export file are renewed in the same step, so the download always holds the last answer.
        """
        owner = self.owner(browser, request)
        if owner == NOBODY:  # never one shared folder for every browser without an id
            return conversation, gr.skip(), gr.skip()
        saved = 0
        if conversation:
            try:
                saved = len(self.store.get(owner, conversation)["turns"])
            except Exception:  # deleted meanwhile: the next answers start a new conversation
                conversation, saved = None, 0
        for answer in answers[saved:]:
            conversation = self.store.append(owner, conversation, answer.question, answer.to_dict())
        return conversation, self.menu(browser, request, conversation), self.export(conversation, browser, request)

    def open(
        self, conversation: str | None, current: str | None, browser: str | None, request: gr.Request
    ) -> tuple[Any, ...]:
        """Reopen a conversation: its questions asked again in order, so a follow-up inherits what it did.

        The one already open is left as it is: saving an answer sets the menu to it, and that must never bring back
        the chat as it was saved while the next question is being answered.
        """
        if not conversation or conversation == current:
            return (gr.skip(),) * 4
        try:
            saved = self.store.get(self.owner(browser, request), conversation)
            assistant = self.spaces.assistant_for(self.who(request))
        except Exception as exc:
            return gr.skip(), gr.skip(), gr.skip(), f"❌ {self.safe(message(exc, 'open conversation'))}"
        reports = dict(assistant.index.reports)
        chat: list[dict[str, str]] = []
        answers: list[Answer] = []
        for turn in saved["turns"]:
            answer = assistant.ask(turn["question"], history=list(answers) or None)
            answers.append(answer)
            chat += [question_message(turn["question"], self.safe), {"role": "assistant", "content": self.render(answer, reports)}]
        return chat, answers, conversation, f"已打开「{self.safe(saved['title'])}」，可以接着问。"

    def rename(self, conversation: str | None, title: str, browser: str | None, request: gr.Request) -> tuple[Any, Any]:
        """Give the chosen conversation a title."""
        if not conversation:
            return "请先选择一个对话。", gr.skip()
        try:
            done = self.store.rename(self.owner(browser, request), conversation, title)
        except Exception as exc:
            return f"❌ 未能改名：{self.safe(message(exc, 'rename conversation'))}", gr.skip()
        return f"已改名为「{self.safe(done['title'])}」。", self.menu(browser, request, conversation)

    def delete(self, conversation: str | None, current: str | None, browser: str | None, request: gr.Request) -> tuple[Any, ...]:
        """Delete the chosen conversation; if it is the one open, the next answer starts a new one."""
        if not conversation:
            return "请先选择一个对话。", gr.skip(), gr.skip()
        try:
            self.store.delete(self.owner(browser, request), conversation)
        except Exception as exc:
            return f"❌ 未能删除：{self.safe(message(exc, 'delete conversation'))}", gr.skip(), gr.skip()
        return "已删除这个对话。", self.menu(browser, request), None if current == conversation else current

    def export(self, conversation: str | None, browser: str | None, request: gr.Request) -> Any:
        """The chosen conversation as a Markdown file (questions, answers, formulas, numbered citations)."""
        if not conversation:
            return gr.DownloadButton(visible=False)
        saved = self.store.get(self.owner(browser, request), conversation)
        path = self.folder() / f"reportqa-conversation-{conversation}.md"
        path.write_text(to_markdown(saved), encoding="utf-8")
        return gr.DownloadButton(value=str(path), visible=True)


def conversations_panel() -> dict[str, Any]:
    """The components of the conversation list (call inside a layout); the app wires their events."""
    with gr.Accordion("历史对话", open=False, elem_id="conversations"):
        pick = gr.Dropdown([], label="打开一个保存的对话", elem_id="conversation-pick")
        with gr.Row():
            title = gr.Textbox(show_label=False, placeholder="新的标题", scale=3, elem_id="conversation-title")
            rename = gr.Button("改名", size="sm", scale=1, elem_id="conversation-rename")
            delete = gr.Button("删除", size="sm", scale=1, elem_id="conversation-delete")
        export = gr.DownloadButton("导出为 Markdown", visible=False, size="sm", elem_id="conversation-export")
        status = gr.Markdown(elem_id="conversation-status")
    return {"pick": pick, "title": title, "rename": rename, "delete": delete, "export": export, "status": status}

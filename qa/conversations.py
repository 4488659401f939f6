"""Saved conversations: listed, reopened, renamed, deleted and exported as Markdown with the citations.

Each user's (with logins) or browser's (without) questions and their answers.
One JSON file per conversation under `REPORTQA_HOME/conversations/<owner key>/<id>.json`, written atomically:
`{"id", "title", "created", "updated", "turns": [{"question", "answer": <the ask --json object>}]}`. A conversation
is reopened by asking its questions again in order (so a follow-up inherits as it did), while the saved answers
are what the list and the export show.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from corpus.errors import ReportQAError, UnknownReportError

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,80}$")
_ID = re.compile(r"^[0-9a-f]{16}$")
TITLE_CHARS = 40
MAX_TITLE = 100


class ConversationError(ReportQAError):
    """A change to a conversation that is refused (a blank title); its message is Chinese."""

    @property
    def message_zh(self) -> str:
        """The message as the user reads it."""
        return str(self)


class UnknownConversation(UnknownReportError):
    """No conversation of this owner has that id (a 404 over REST); its message is Chinese."""

    @property
    def message_zh(self) -> str:
        """The message as the user reads it."""
        return str(self)


def title_of(question: str) -> str:
    """A conversation's first title: its first question, shortened."""
    text = " ".join(question.split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"


class ConversationStore:
    """Conversations on disk, by owner key (`u-NAME` with logins, `b-BROWSER` without)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()

    def _folder(self, owner: str) -> Path:
        if not _KEY.match(owner):
            raise UnknownConversation(f"没有用户「{owner}」的对话")
        return self.root / owner

    def _path(self, owner: str, conversation_id: str) -> Path:
        if not _ID.match(conversation_id or ""):
            raise UnknownConversation(f"没有这个对话「{conversation_id}」")
        return self._folder(owner) / f"{conversation_id}.json"

    def list(self, owner: str) -> list[dict[str, Any]]:
        """The owner's conversations, most recently updated first: id, title, created, updated, turns (a count)."""
        folder = self._folder(owner)
        found = []
        for path in folder.glob("*.json") if folder.is_dir() else []:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            found.append({k: data[k] for k in ("id", "title", "created", "updated")} | {"turns": len(data["turns"])})
        return sorted(found, key=lambda c: (c["updated"], c["id"]), reverse=True)

    def get(self, owner: str, conversation_id: str) -> dict[str, Any]:
        """One conversation with its turns."""
        path = self._path(owner, conversation_id)
        try:
            return dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise UnknownConversation(f"没有这个对话「{conversation_id}」") from exc

    def append(self, owner: str, conversation_id: str | None, question: str, answer: dict[str, Any]) -> str:
        """Add a turn (a new conversation when `conversation_id` is None or gone); the conversation's id."""
        with self._lock:
            try:
                data = self.get(owner, conversation_id) if conversation_id else None
            except UnknownConversation:
                data = None
            now = time.time()
            if data is None:
                data = {"id": secrets.token_hex(8), "title": title_of(question), "created": now, "turns": []}
            data["turns"].append({"question": question, "answer": {k: v for k, v in answer.items() if k != "timings_ms"}})
            data["updated"] = now
            self._write(owner, data)
            return str(data["id"])

    def rename(self, owner: str, conversation_id: str, title: str) -> dict[str, Any]:
        """Give a conversation a title of one's own (blank: refused; long: shortened)."""
        title = " ".join(str(title).split())[:MAX_TITLE]
        if not title:
            raise ConversationError("标题不能为空")
        with self._lock:
            data = self.get(owner, conversation_id)
            data["title"] = title
            self._write(owner, data)
        return data

    def delete(self, owner: str, conversation_id: str) -> None:
        """Delete a conversation for good."""
        path = self._path(owner, conversation_id)
        with self._lock:
            if not path.exists():
                raise UnknownConversation(f"没有这个对话「{conversation_id}」")
            path.unlink()

    def _write(self, owner: str, data: dict[str, Any]) -> None:
        path = self._path(owner, str(data["id"]))
        path.parent.mkdir(parents=True, exist_ok=True)
        staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        staged.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(staged, path)


def _citation_line(n: int, citation: dict[str, Any]) -> str:
    """One source as a Markdown list item: report, section, page, table cell, and the quote."""
    where = [f"《{citation.get('title') or citation.get('report_id')}》"]
    where += [str(citation["section"])] if citation.get("section") else []
    where += [f"第{citation['page']}页"] if citation.get("page") else []
    cell = citation.get("cell")
    if cell:
        where.append(f"{cell['table']}表 · 行「{cell['row']}」 · 列「{cell['col']}」")
    return f"{n}. {' · '.join(where)}：「{citation.get('quote', '')}」"


def to_markdown(conversation: dict[str, Any]) -> str:
    """The conversation as a Markdown document: each question, its answer, the formula and the numbered sources."""
    created = time.strftime("%Y-%m-%d %H:%M", time.localtime(conversation["created"]))
    lines = [f"# {conversation['title']}", "", f"对话开始于 {created}，共 {len(conversation['turns'])} 个问题。"]
    for n, turn in enumerate(conversation["turns"], 1):
        answer = turn["answer"]
        lines += ["", f"## {n}. {turn['question']}", "", str(answer.get("answer", ""))]
        if answer.get("formula"):
            lines += ["", f"计算：{answer['formula']}"]
        if answer.get("understood"):
            lines += ["", f"> {answer['understood']}"]
        citations = answer.get("citations") or []
        if citations:
            lines += ["", "来源：", ""] + [_citation_line(i, c) for i, c in enumerate(citations, 1)]
    return "\n".join(lines) + "\n"

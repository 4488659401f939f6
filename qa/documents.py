"""Documents as a team manages them: each report's owner, visibility, kind and parse status; review decisions.

An upload is `pending` (waiting for an administrator) from the moment it is indexed for its owner, `private`
once an administrator rejected it (its owner still asks it), `published` once one published it; the
configured corpus is `corpus`. Who uploaded a published report and who rejected an upload are kept in one
small JSON file, `REPORTQA_HOME/uploads/review.json`, next to the folders they describe.
"""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from corpus import Report
from corpus.errors import ReportQAError, UnknownReportError
from qa.messages import finding_zh, warning_zh

if TYPE_CHECKING:
    from qa.auth import Principal
    from qa.workspace import Workspaces

VISIBILITIES = ("corpus", "published", "pending", "private")
KIND_REPORT = "政府信息公开工作年度报告"
KIND_TEMPLATE = "空白模板（没有数字）"
KIND_OTHER = "其他文件（没有标准表格）"
_KEYED = re.compile(r"^(?:[usc]-.+|anonymous)$")


class UploadError(ReportQAError):
    """An upload that is refused before it is read (a copy is already there); its message is Chinese."""

    @property
    def message_zh(self) -> str:
        """The message as the user reads it."""
        return str(self)


class PermissionDenied(ReportQAError):
    """An action this user may not take (publishing another user's upload without being an admin).

    `str()` is the English detail for the log; `message_zh` says who may do it.
    """

    def __init__(self, message: str, message_zh: str = "没有权限：只有管理员可以发布上传的报告") -> None:
        super().__init__(message)
        self.message_zh = message_zh

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (str(self), self.message_zh))
_UNPARSED_ROW = re.compile(r"row left unparsed|table left unparsed")  # corpus/tables.py's wording (a contract)


def owner_key(name: str) -> str:
    """The folder key of an owner named by user name (`bob` → `u-bob`); a key (`u-bob`, `s-…`, `c-…`) stays."""
    return name if _KEYED.match(name) else f"u-{name}"


def owner_name(key: str | None) -> str | None:
    """How an owner is shown: the user name of a login (`u-bob` → `bob`), else the session's key."""
    if key is None:
        return None
    return key[2:] if key.startswith("u-") else key


def is_blank_template(report: Report) -> bool:
    """A form with the standard tables and not one figure in them (the bundled 格式模板): never an answer's source."""
    return bool(report.cells) and all(cell.value is None for cell in report.cells)


def report_kind(report: Report) -> str:
    """The kind of document, in Chinese: a disclosure report, a blank template, or another file."""
    if is_blank_template(report):
        return KIND_TEMPLATE
    kind = getattr(report, "kind", None)  # where corpus/ reads the kind from the report itself
    if isinstance(kind, str) and kind:
        return kind
    return KIND_REPORT if report.cells else KIND_OTHER


def document_entry(report: Report, visibility: str, owner: str | None, review: dict[str, Any]) -> dict[str, Any]:
    """One document as `GET /api/documents` lists it; warnings and failed checks in Chinese."""
    failed = [c for c in report.checks if not c.ok]
    issuer = getattr(report, "issuer", None) or report.agency or None
    return {
        "id": report.id,
        "title": report.title,
        "source": PurePosixPath(str(report.source).replace("\\", "/")).name or report.id,
        "owner": owner_name(owner),
        "visibility": visibility,
        "kind": report_kind(report),
        "template": is_blank_template(report),
        "issuer": issuer,
        "year": report.year,
        "cells": len(report.cells),
        "figures": sum(1 for c in report.cells if c.value is not None),
        "unparsed_rows": sum(1 for w in report.warnings if _UNPARSED_ROW.search(w)),
        "failed_checks": len(failed),
        "warnings": [warning_zh(w) for w in report.warnings],
        "findings": [finding_zh(c.detail) for c in failed],
        "reviewed_by": review.get("by"),
    }


class ReviewBook:
    """Review decisions by place (`users/<key>/<id>`, `shared/<id>`): who uploaded, published or rejected what."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self._entries: dict[str, dict[str, Any]] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._entries = {}

    def get(self, place: str) -> dict[str, Any]:
        """The decision recorded for a place (empty: none)."""
        with self._lock:
            return dict(self._entries.get(place, {}))

    def set(self, place: str, entry: dict[str, Any]) -> None:
        """Record a decision, written at once (atomically)."""
        with self._lock:
            self._entries[place] = dict(entry)
            self._save()

    def drop(self, place: str) -> None:
        """Forget a place (its file was deleted or moved)."""
        with self._lock:
            if self._entries.pop(place, None) is not None:
                self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        staged = self.path.with_name(f".{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        staged.write_text(json.dumps(self._entries, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(staged, self.path)


def list_documents(
    spaces: Workspaces, who: Principal, visibility: str | None = None, offset: int = 0, limit: int = 100
) -> tuple[list[dict[str, Any]], int]:
    """The documents this user may see, uploads first (theirs; an administrator's: everyone's), and the total.

    Only the page asked for is read in full (warnings and checks live in each report's body).
    """
    listed: list[tuple[Report, str, str | None, dict[str, Any]]] = []
    for key in spaces.user_keys(who):
        for report in sorted(spaces.own_reports(key).values(), key=lambda r: r.id):
            review = spaces.review.get(f"users/{key}/{report.id}")
            listed.append((report, "private" if review.get("rejected") else "pending", key, review))
    for report in sorted(spaces.published.reports.values(), key=lambda r: r.id):
        review = spaces.review.get(f"shared/{report.id}")
        listed.append((report, "published", review.get("owner"), review))
    listed += [(r, "corpus", None, {}) for r in sorted(spaces.base.reports.values(), key=lambda r: r.id)]
    chosen = [item for item in listed if visibility is None or item[1] == visibility]
    return [document_entry(*item) for item in chosen[offset : offset + limit]], len(chosen)


def upload_of(spaces: Workspaces, who: Principal, report_id: str, owner: str) -> Report:
    """An unpublished upload, for its owner or for an administrator's preview (before publishing or rejecting)."""
    key = owner_key(owner)
    if key != who.key and not (who.admin and who.logged_in):
        raise PermissionDenied(f"{who.key} may not preview {report_id} of {key}", "没有权限：只有管理员可以预览别人上传的报告")
    report = spaces.own_reports(key).get(report_id)
    if report is None:
        raise UnknownReportError(f"没有待发布的上传报告「{report_id}」")
    return report

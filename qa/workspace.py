"""Who sees which reports: the shared corpus, uploads published to it, and each user's private uploads.

Layout under `REPORTQA_HOME/uploads/`: `users/<key>/` holds one user's (or session's) uploads, indexed
on its own; `shared/` holds the uploads an admin published, indexed on its own too. The configured corpus
is only read. A user is answered over `UnionIndex([corpus, shared, own])`; a user without uploads by the
shared assistant. An upload or a publish builds a fresh index of the one folder it changes and then
swaps the assistant, so questions never wait for it (and are never answered from a half-updated index).

Uploads, publishes, rejections and deletions run one at a time on a writer thread of lower CPU priority
(`qa.writer`).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus import Report, Settings, UnreadableReportError, content_hash, report_files, safe_filename
from corpus.errors import CorpusError, UnknownReportError, UnsupportedFormatError
from qa.assistant import Assistant
from qa.auth import Principal
from qa.conversations import ConversationStore
from qa.documents import PermissionDenied, ReviewBook, UploadError, is_blank_template, owner_key
from qa.union import UnionIndex
from qa.writer import Writer, written

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

    from index import CorpusIndex

log = logging.getLogger(__name__)
UPLOAD_SUFFIXES = (".pdf", ".docx", ".html", ".txt", ".md", ".png", ".jpg", ".jpeg", ".tif", ".tiff")  # images: OCR
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,80}")


@dataclass
class Space:
    """One user's uploads: their index (None without uploads) and the assistant over shared + own."""

    folder: Path
    own: CorpusIndex | None = None
    assistant: Assistant | None = None
    generation: int = -1
    loaded: bool = False  # the folder's index was opened (or found empty) once
    lock: threading.Lock = field(default_factory=threading.Lock)  # held only to read or swap the fields
    uploading: threading.Lock = field(default_factory=threading.Lock)  # one upload or publish at a time


@dataclass(frozen=True)
class Added:
    """An upload that was indexed: the report, whose it is, and the parser's warnings."""

    report: Report
    owner: str
    warnings: list[str]


class Workspaces:
    """The shared assistant and one assistant per user with uploads; uploads, publishing, visibility."""

    def __init__(self, base: CorpusIndex, settings: Settings, llm: BaseChatModel | None = None) -> None:
        from index import CorpusIndex

        self.base, self.settings, self.llm = base, settings, llm
        self.root = Path(settings.home) / "uploads"
        self.shared_dir = self.root / "shared"
        self.shared_dir.mkdir(parents=True, exist_ok=True)
        self.published = CorpusIndex.open(self.shared_dir, base.embeddings, settings.home, progress=False)
        self.published.close_cells()  # its rows are read into each union; the file stays free for publishing
        self._lock = threading.Lock()  # the table of spaces and the shared assistant's swap
        self._publishing = threading.Lock()
        self.writer = Writer()
        self._spaces: OrderedDict[str, Space] = OrderedDict()  # least recently used first
        self._base_hashes: dict[str, str] | None = None
        self.review = ReviewBook(self.root / "review.json")
        self.conversations = ConversationStore(Path(settings.home) / "conversations")  # the app's and REST's
        self.generation = 0
        self.shared = self._build([self.base, self.published])

    @classmethod
    def open(cls, corpus: Path, settings: Settings, embeddings: Embeddings | None = None) -> Workspaces:
        """Open (building on first use) the shared corpus's index and the published uploads' index."""
        assistant = Assistant.from_corpus(corpus, settings=settings, embeddings=embeddings)
        return cls(assistant.index, settings, assistant.llm)

    def _build(self, parts: list[CorpusIndex]) -> Assistant:
        """An assistant over the parts (the shared corpus alone needs no union)."""
        parts = [parts[0], *(p for p in parts[1:] if p.reports)]
        index: Any = parts[0] if len(parts) == 1 else UnionIndex(parts)
        assistant = Assistant(index, llm=self.llm)
        if getattr(self, "shared", None) is not None:
            assistant.understander = self.shared.understander  # the row descriptions are embedded once
        return assistant

    # -- whose reports -------------------------------------------------------------------------------

    def _space(self, key: str) -> Space:
        """The space of a user key (`u-NAME`, `s-SESSION`, `c-TOKEN`, `anonymous`): a folder name, never a path."""
        if not _KEY.fullmatch(key):
            raise UnknownReportError(f"没有用户「{key}」的上传")
        with self._lock:
            space = self._spaces.get(key)
            if space is None:
                space = self._spaces[key] = Space(self.root / "users" / key)
            self._spaces.move_to_end(key)
            self._close_idle()
            return space

    def _close_idle(self) -> None:
        """Forget the least recently used spaces beyond `Settings.open_workspaces` (call with the table's lock).

        A space holds a user's open index and their assistant over a union of indexes; everything in it is on
        disk, so a forgotten space is opened again when its user comes back. One in use (a question reading it,
        an upload or publish) is kept; an assistant already handed out keeps answering until it is dropped.
        """
        for key in list(self._spaces)[: max(0, len(self._spaces) - self.settings.open_workspaces)]:
            space = self._spaces[key]
            if space.uploading.acquire(blocking=False):
                try:
                    if space.lock.acquire(blocking=False):
                        del self._spaces[key]
                        space.lock.release()
                finally:
                    space.uploading.release()

    def _own_index(self, space: Space) -> CorpusIndex | None:
        """The user's index, opened once when the folder holds files (e.g. after a restart); call with the lock."""
        if not space.loaded and space.folder.is_dir() and any(report_files(space.folder)):
            from index import CorpusIndex

            space.own = CorpusIndex.open(space.folder, self.base.embeddings, self.settings.home, progress=False)
            space.own.close_cells()
        space.loaded = True
        return space.own

    def assistant_for(self, who: Principal) -> Assistant:
        """The assistant that answers this user: shared reports plus their own uploads."""
        space = self._space(who.key)
        with space.lock:
            own = self._own_index(space)
            if own is None or not own.reports:
                return self.shared
            if space.assistant is None or space.generation != self.generation:
                space.assistant = self._build([self.base, self.published, own])
                space.generation = self.generation
            return space.assistant

    def visibility(self, who: Principal, report_id: str) -> str:
        """`corpus`, `published` or `private` (an upload of this user's not yet published)."""
        own = self._space(who.key).own
        if own is not None and report_id in own.reports:
            return "private"
        return "published" if report_id in self.published.reports else "corpus"

    def pending(self, who: Principal) -> list[tuple[str, Report]]:
        """Uploads not yet published, as (owner key, report): an admin with a login sees everyone's."""
        keys = [who.key]
        users = self.root / "users"
        if who.admin and who.logged_in and users.is_dir():
            keys = sorted(p.name for p in users.iterdir() if p.is_dir())
        found = []
        for key in keys:
            space = self._space(key)
            with space.lock:
                own = self._own_index(space)
            mine = sorted((own.reports if own else {}).values(), key=lambda r: r.id)
            found += [(key, r) for r in mine if not self.review.get(f"users/{key}/{r.id}").get("rejected")]
        return found

    # -- uploads -------------------------------------------------------------------------------------

    def _duplicate(self, digest: str, who: Principal) -> str | None:
        """Where a file with this content already is, among the reports this user sees."""
        if self._base_hashes is None:
            root = Path(self.base.corpus_dir)
            self._base_hashes = {content_hash(p): p.relative_to(root).as_posix() for p in report_files(root)}
        folders = [self.shared_dir, self._space(who.key).folder]
        for folder in folders:
            for path in report_files(folder) if folder.is_dir() else []:
                if content_hash(path) == digest:
                    return path.name
        return self._base_hashes.get(digest)

    def _free_name(self, folder: Path, name: str, taken: set[str]) -> Path:
        """`folder/name`, or `name-2`, `name-3` … when a file or a report id of that name exists."""
        stem, suffix = Path(name).stem, Path(name).suffix
        target, n = folder / name, 1
        while target.exists() or target.name in taken:
            n += 1
            target = folder / f"{stem}-{n}{suffix}"
        return target

    @written
    def add_upload(self, who: Principal, path: str | Path, name: str | None = None) -> Added:
        """Copy a file into the user's folder and index it there; on failure nothing is left behind."""
        source = Path(path)
        name = safe_filename(name or source.name)
        if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise UnsupportedFormatError(f"{name}: unsupported file type; upload one of {' '.join(UPLOAD_SUFFIXES)}")
        where = self._duplicate(content_hash(source), who)
        if where is not None:
            raise UploadError(f"「{name}」已在语料中（{where}）")
        space = self._space(who.key)
        with space.uploading:  # questions meanwhile are answered from the index as it was
            with space.lock:
                space.folder.mkdir(parents=True, exist_ok=True)
                target = self._free_name(space.folder, name, self._visible_ids(space))
                staged = Path(tempfile.mkstemp(dir=self.root, prefix=".incoming-")[1])
                try:
                    shutil.copyfile(source, staged)
                    os.replace(staged, target)
                finally:
                    staged.unlink(missing_ok=True)
            report = self._index_upload(space, target)
        log.info("user %s uploaded %s", who.key, report.id)
        return Added(report, who.key, list(report.warnings))

    def _index_upload(self, space: Space, target: Path) -> Report:
        """Index the user's folder afresh with `target` in it and swap it in; a refused file is removed again."""
        from index import CorpusIndex

        fresh = CorpusIndex.load(space.folder, self.base.embeddings, self.settings.home, progress=False)
        try:
            report = fresh.add_file(target)
            if not report.cells and not report.sections and not report.table_cells:
                raise UnreadableReportError(f"{target.name}: 看起来不是一份报告：没有读到任何表格，"
                                            "也没有政府信息公开工作年度报告的标准章节（一、总体情况 …）")
            if is_blank_template(report):  # answered from, its blank cells would read as 「未填写」 figures
                raise UnreadableReportError(f"{target.name}: 这是一份空白模板：表格中没有任何数字，不加入语料")
        except BaseException:
            target.unlink(missing_ok=True)
            fresh.update()  # forget the refused file again
            raise
        finally:
            fresh.close_cells()
        with space.lock:
            space.own, space.assistant = fresh, None
        return report

    def _visible_ids(self, space: Space) -> set[str]:
        """The report ids a space's user sees now (called with the space's lock held)."""
        own = self._own_index(space)
        return set(self.shared.index.reports) | set(own.reports if own else ())

    # -- publishing ----------------------------------------------------------------------------------

    def _taken_for_publish(self, space: Space, report_id: str) -> set[str]:
        """Names a published file must not take: shared report ids and every other upload's file name."""
        taken = set(self.shared.index.reports)
        users = self.root / "users"
        for folder in users.iterdir() if users.is_dir() else []:
            if folder.is_dir():
                taken |= {p.name for p in folder.iterdir() if folder != space.folder or p.name != report_id}
        return taken

    @written
    def publish(self, who: Principal, report_id: str, owner: str | None = None) -> Report:
        """Move an upload into the shared uploads (admins; without logins, one's own); returns it as published."""
        from index import CorpusIndex

        owner = owner_key(owner) if owner else who.key
        if not who.admin or (owner != who.key and not who.logged_in):
            raise PermissionDenied(f"user {who.name} may not publish {report_id}: only an administrator may")
        space = self._space(owner)
        with self._publishing, space.uploading:  # questions meanwhile are answered as before the publish
            with space.lock:
                own = self._own_index(space)
            if own is None or report_id not in own.reports:
                raise UnknownReportError(f"没有待发布的上传报告「{report_id}」")
            target = self._free_name(self.shared_dir, Path(report_id).name, self._taken_for_publish(space, report_id))
            os.replace(space.folder / report_id, target)
            published = CorpusIndex.load(self.shared_dir, self.base.embeddings, self.settings.home, progress=False)
            published.update()
            if target.name not in published.reports:
                os.replace(target, space.folder / report_id)
                published.update()
                published.close_cells()
                raise CorpusError(f"{target.name}: published but not indexed ({published.skipped.get(target.name)})")
            fresh_own = CorpusIndex.load(space.folder, self.base.embeddings, self.settings.home, progress=False)
            fresh_own.update()
            fresh_own.close_cells()
            shared = self._build([self.base, published])
            with self._lock:
                self.published, self.shared = published, shared
                self.generation += 1
            with space.lock:
                space.own, space.assistant = fresh_own, None
        self.review.drop(f"users/{owner}/{report_id}")
        self.review.set(f"shared/{target.name}", {"owner": owner, "by": who.name})
        log.info("%s published %s of %s as %s", who.key, report_id, owner, target.name)
        return published.reports[target.name]

    # -- review, withdrawal, deletion ----------------------------------------------------------------------------

    def user_keys(self, who: Principal) -> list[str]:
        """Whose uploads this user may see: everyone's for an administrator with a login, else their own."""
        users = self.root / "users"
        if who.admin and who.logged_in and users.is_dir():
            return sorted(p.name for p in users.iterdir() if p.is_dir())
        return [who.key]

    def own_reports(self, key: str) -> dict[str, Report]:
        """The uploads of one user key, not yet published."""
        space = self._space(key)
        with space.lock:
            own = self._own_index(space)
        return dict(own.reports) if own is not None else {}

    @written
    def reject(self, who: Principal, report_id: str, owner: str) -> Report:
        """An administrator declines to publish an upload: it stays its owner's, private, off the pending list."""
        key = owner_key(owner)
        if not (who.admin and who.logged_in):
            raise PermissionDenied(f"user {who.name} may not reject {report_id}", "没有权限：只有管理员可以退回上传的报告")
        report = self.own_reports(key).get(report_id)
        if report is None:
            raise UnknownReportError(f"没有待发布的上传报告「{report_id}」")
        self.review.set(f"users/{key}/{report_id}", {"rejected": True, "by": who.name})
        log.info("%s rejected %s of %s", who.key, report_id, key)
        return report

    @written
    def delete(self, who: Principal, report_id: str, owner: str | None = None) -> Report:
        """Delete an upload: its owner (pending, private or published by them) or an administrator with a login.

        The file goes, and the index of its folder is updated without it (chunks, vectors, BM25, cells), then
        swapped in: no answer comes from it afterwards. Reports of the configured corpus are not deleted here.
        """
        key = owner_key(owner) if owner else who.key
        manager = who.admin and who.logged_in
        if report_id in self.own_reports(key):
            if key != who.key and not manager:
                raise PermissionDenied(f"{who.key} may not delete {report_id} of {key}", "没有权限：只能删除自己上传的报告")
            report = self._delete_upload(self._space(key), report_id)
            self.review.drop(f"users/{key}/{report_id}")
        elif report_id in self.published.reports and owner is None:
            uploader = self.review.get(f"shared/{report_id}").get("owner")
            if uploader != who.key and not manager:
                raise PermissionDenied(f"{who.key} may not delete {report_id}", "没有权限：只有上传者或管理员可以删除已发布的报告")
            report = self._delete_published(report_id)
            self.review.drop(f"shared/{report_id}")
        elif report_id in self.base.reports:
            raise PermissionDenied(f"{report_id} is in the configured corpus", "语料目录中的报告不能在这里删除：请在服务器上移除文件")
        else:
            raise UnknownReportError(f"没有可删除的报告「{report_id}」")
        log.info("%s deleted %s (%s)", who.key, report_id, key)
        return report

    def _delete_upload(self, space: Space, report_id: str) -> Report:
        """Remove a file from a user's folder and swap in the folder's index without it."""
        from index import CorpusIndex

        with space.uploading:
            with space.lock:
                report = self._own_index(space).reports[report_id]  # type: ignore[union-attr]
            (space.folder / report_id).unlink(missing_ok=True)
            fresh = CorpusIndex.load(space.folder, self.base.embeddings, self.settings.home, progress=False)
            fresh.update()
            fresh.close_cells()
            with space.lock:
                space.own, space.assistant = fresh, None
        return report

    def _delete_published(self, report_id: str) -> Report:
        """Remove a published file and swap in the shared uploads' index (and every user's union) without it."""
        from index import CorpusIndex

        with self._publishing:
            report = self.published.reports[report_id]
            (self.shared_dir / report_id).unlink(missing_ok=True)
            published = CorpusIndex.load(self.shared_dir, self.base.embeddings, self.settings.home, progress=False)
            published.update()
            published.close_cells()
            shared = self._build([self.base, published])
            with self._lock:
                self.published, self.shared = published, shared
                self.generation += 1
        return report

"""One persisted, incrementally updated index per corpus directory: parsed reports, FAISS store, BM25.

Layout under `<home>/indexes/<hash of the corpus path>/`: `CURRENT` names the live snapshot directory,
which holds `manifest.json` (content hash and chunk ids per file, embedding model), `reports.json`
(parsed reports) and `store/` (`faiss.index`, `docs.json`). A save writes a new snapshot beside the
live one and then switches `CURRENT` with `os.replace`, so a crash leaves the previous index loadable.
Beside the snapshots, `cells.duckdb` holds every cell (derived data: re-synced by content hash on open).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from tqdm import tqdm

from corpus.collection import report_files
from corpus.errors import CorpusError, RefusedFileError, UnreadableReportError
from corpus.limits import current_limits
from corpus.models import Report, report_from_state, report_to_state
from corpus.reader import content_hash, parser_version, read_report, report_id
from corpus.settings import Limits, Settings
from corpus.worker import parse_files
from index.bm25 import BM25Retriever
from index.cells import CellDB
from index.chunks import row_chunks, text_chunks
from index.embeddings import embedding_name
from index.hybrid import HybridRetriever
from index.milvus_store import MilvusStore
from index.vector_backend import load_store, make_store

log = logging.getLogger(__name__)
INDEX_FORMAT = 1  # bump when chunking or the snapshot layout changes: every index is then rebuilt
EMBED_BATCH = 128
POINTER = "CURRENT"
SNAPSHOT_PREFIX = "snapshot-"
CELLS_FILE = "cells.duckdb"


class IndexSummary(NamedTuple):
    """What one `update` did: totals after it, report counts by outcome, and how long it took."""

    reports: int
    chunks: int
    added: int
    replaced: int
    removed: int
    unchanged: int
    seconds: float


def index_dir(corpus_dir: Path, home: Path) -> Path:
    """Where the index of a corpus directory lives: a short hash of its absolute path under `home`."""
    key = hashlib.sha256(str(Path(corpus_dir).resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(home) / "indexes" / key


def file_hash(path: Path) -> str:
    """The content hash of a report file, and of its `.meta.json` sidecar when it has one."""
    sidecar = path.with_name(path.name + ".meta.json")
    digest = content_hash(path)
    return f"{digest}+{content_hash(sidecar)}" if sidecar.exists() else digest


class CorpusIndex:
    """The parsed reports, chunk store and BM25 index of one corpus directory, kept in step with its files."""

    def __init__(self, corpus_dir: Path, embeddings: Embeddings, home: Path, progress: bool = True) -> None:
        self.corpus_dir = Path(corpus_dir).resolve()
        self.embeddings = embeddings
        self.home = Path(home)
        self.progress = progress
        self.path = index_dir(self.corpus_dir, self.home)
        self.model_name = embedding_name(embeddings)
        self.reports: dict[str, Report] = {}
        self.skipped: dict[str, str] = {}  # report id -> why the file could not be read
        self.errors: dict[str, UnreadableReportError] = {}  # report id -> its error, for files read by this process
        # FAISS files in the snapshot, or a Milvus collection (REPORTQA_VECTOR_STORE)
        self.store = make_store(Settings.from_env(), embeddings, self.path)
        self._files: dict[str, dict[str, Any]] = {}  # report id -> {"hash", "chunks"} or {"hash", "error"}
        self._bm25: BM25Retriever | None = None
        self._cells: CellDB | None = None
        self._cells_lock = threading.Lock()

    @classmethod
    def load(cls, corpus_dir: Path, embeddings: Embeddings, home: Path, progress: bool = True) -> CorpusIndex:
        """The index as last saved (empty if none, or if it was built with another model or format)."""
        index = cls(corpus_dir, embeddings, home, progress)
        with index._lock(exclusive=False):
            index._load_snapshot()
        return index

    @classmethod
    def open(cls, corpus_dir: Path, embeddings: Embeddings, home: Path, progress: bool = True) -> CorpusIndex:
        """Load the saved index and bring it up to date with the corpus directory."""
        index = cls.load(corpus_dir, embeddings, home, progress)
        summary = index.update()
        log.info("index of %s: %s", index.corpus_dir, summary)
        return index

    @property
    def bm25(self) -> BM25Retriever:
        """BM25 over every chunk (rebuilt after loading or updating: it is not persisted)."""
        if self._bm25 is None:
            rows = [d for report in self.reports.values() for d in row_chunks(report)]
            self._bm25 = BM25Retriever.from_documents(self.store.documents() + rows)
        return self._bm25

    @property
    def cells(self) -> CellDB:
        """The cell database at `<index>/cells.duckdb`, opened (and synced with `reports`) on first use."""
        with self._cells_lock:
            if self._cells is None:
                self.path.mkdir(parents=True, exist_ok=True)
                db = CellDB.open(self.path / CELLS_FILE)
                db.sync(self.reports, self._cell_hashes())
                self._cells = db
            return self._cells

    def close(self) -> None:
        """Close the cell database (the index itself holds no open files)."""
        with self._cells_lock:
            if self._cells is not None:
                self._cells.close()
                self._cells = None

    def retriever(self, k: int = 5, fetch_k: int = 20) -> BaseRetriever:
        """A hybrid dense + BM25 retriever over this index (on Milvus, Milvus fuses the two itself)."""
        if isinstance(self.store, MilvusStore):
            return self.store.retriever(k=k, fetch_k=fetch_k)
        return HybridRetriever(store=self.store, bm25=self.bm25, k=k, fetch_k=fetch_k)

    def add_file(self, path: Path) -> Report:
        """Index one more file already copied into the corpus directory (an incremental `update`)."""
        path = Path(path).resolve()
        if not path.is_relative_to(self.corpus_dir):
            raise CorpusError(
                f"{path} is not inside the corpus directory {self.corpus_dir}; copy it there first"
            )
        rid = report_id(path, self.corpus_dir)
        self.update()
        if rid in self.reports:
            return self.reports[rid]
        if rid in self.errors:
            raise self.errors[rid]  # as raised: a `RefusedFileError` keeps its limit, value and setting
        reason = self.skipped.get(rid, "not a supported report file (or hidden)")
        raise UnreadableReportError(f"{path}: {reason}")

    def update(self) -> IndexSummary:
        """Re-read changed and new files, drop deleted ones, skip unchanged ones; save if anything changed.

        Changed files are parsed first, in worker processes within the input limits (`corpus.worker`),
        and only then is the index lock taken and memory changed: questions are answered from the
        index as it was while files parse, and a refused file leaves the rest of the index as it was.
        """
        started = time.perf_counter()
        limits = current_limits()
        root = self.corpus_dir if self.corpus_dir.is_dir() else self.corpus_dir.parent
        current = {report_id(p, root): (p, file_hash(p)) for p in report_files(self.corpus_dir)}
        changed = [rid for rid, (_, h) in current.items() if _stale(self._files.get(rid, {}), h, limits)]
        by_path = {current[rid][0]: rid for rid in changed}
        parsed = parse_files(list(by_path), root, self.progress, reader=read_report, limits=limits)
        outcomes = {by_path[p]: outcome for p, outcome in parsed}
        with self._lock(exclusive=True):
            gone = [rid for rid in self._files if rid not in current]
            was_indexed = {rid for rid in gone + changed if "chunks" in self._files.get(rid, {})}
            for rid in gone + changed:
                self._forget(rid)
            chunks: list[Document] = []
            for rid in changed:
                docs = self._read(rid, outcomes[rid], current[rid][1], limits)
                chunks.extend(docs or [])
            self._embed(chunks)
            indexed_now = {rid for rid in changed if rid in self.reports}
            summary = IndexSummary(
                reports=len(self.reports),
                chunks=len(self.store),
                added=len(indexed_now - was_indexed),
                replaced=len(indexed_now & was_indexed),
                removed=len(was_indexed - indexed_now),
                unchanged=sum(1 for rid in current if rid not in changed and rid in self.reports),
                seconds=0.0,
            )
            if gone or changed or not (self.path / POINTER).exists():
                self._save()
            self._sync_cells()
        self._bm25 = None
        return summary._replace(seconds=time.perf_counter() - started)

    def _sync_cells(self) -> None:
        """Bring the cell database in step with `reports` (after the snapshot: a crash between heals on open)."""
        was_open = self._cells is not None
        db = self.cells  # opening syncs
        if was_open:
            db.sync(self.reports, self._cell_hashes())

    def _cell_hashes(self) -> dict[str, str]:
        """Each report's file hash with the parser's version: a new parser rewrites every report's cells."""
        return {rid: f"{self._files[rid]['hash']}@{_format()}" for rid in self.reports}

    def _forget(self, rid: str) -> None:
        """Drop a report, its chunks and its skip note from memory."""
        entry = self._files.pop(rid, {})
        self.store.delete(list(entry.get("chunks", [])))
        self.reports.pop(rid, None)
        self.skipped.pop(rid, None)

    def _read(self, rid: str, outcome: Report | Exception, digest: str, limits: Limits) -> list[Document] | None:
        """Chunk one parsed file; an unreadable or refused one is noted in `skipped` (the rest still index).

        A refusal remembers the limits it was refused under: with other limits the file is tried again.
        """
        if isinstance(outcome, Exception):
            reason = str(outcome) if isinstance(outcome, UnreadableReportError) else f"{type(outcome).__name__}: {outcome}"
            log.warning("skipped %s: %s", rid, reason)
            self.skipped[rid] = reason
            self._files[rid] = {"hash": digest, "error": reason}
            if isinstance(outcome, RefusedFileError):
                self._files[rid]["limits"] = _limits_key(limits)
            if isinstance(outcome, UnreadableReportError):
                self.errors[rid] = outcome
            return None
        report = outcome
        self.errors.pop(rid, None)
        # Table-row chunks are found by BM25 (exact labels and figures) and answered from cells; only
        # text chunks are embedded, which keeps the first build as fast as a plain recipe's.
        docs = text_chunks(report)
        if isinstance(self.store, MilvusStore):  # Milvus runs BM25 itself: row chunks go in (not embedded)
            docs += row_chunks(report)
        self.reports[rid] = report
        self._files[rid] = {"hash": digest, "chunks": [d.id for d in docs]}
        return docs

    def _embed(self, docs: list[Document]) -> None:
        """Embed and store chunks in batches, with a progress bar."""
        with tqdm(
            total=len(docs), desc="embedding chunks", unit="chunk", disable=not self.progress or not docs
        ) as bar:
            for i in range(0, len(docs), EMBED_BATCH):
                batch = docs[i : i + EMBED_BATCH]
                self.store.add_documents(batch)
                bar.update(len(batch))

    # -- persistence -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _lock(self, exclusive: bool) -> Iterator[None]:
        """An advisory file lock on the index directory (POSIX; without fcntl, no locking)."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            yield
            return
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / "lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _load_snapshot(self) -> None:
        """Read the live snapshot into memory; a stale or broken one is left for `update` to replace."""
        pointer = self.path / POINTER
        if not pointer.exists():
            return
        snapshot = self.path / pointer.read_text(encoding="utf-8").strip()
        try:
            manifest = json.loads((snapshot / "manifest.json").read_text(encoding="utf-8"))
            if manifest.get("format") != _format() or manifest.get("embedding_model") != self.model_name:
                log.info(
                    "index %s was built with %s (format %s); rebuilding with %s (format %s)",
                    snapshot, manifest.get("embedding_model"), manifest.get("format"), self.model_name, _format(),
                )  # fmt: skip
                return
            states = json.loads((snapshot / "reports.json").read_text(encoding="utf-8"))
            store = load_store(self.store, snapshot / "store", self.embeddings)
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            log.warning("index %s is unreadable (%s); rebuilding it", snapshot, exc)
            return
        self.store = store
        self._files = manifest["files"]
        if isinstance(store, MilvusStore) and store.needs_repair():
            # a crash cut a write to the collection short: it is put back in step with the manifest
            for rid in store.reconcile(self._files):
                self._files.pop(rid)  # re-read by the next update
                states.pop(rid, None)
        self.reports = {rid: report_from_state(state) for rid, state in states.items()}
        self.skipped = {rid: e["error"] for rid, e in self._files.items() if "error" in e}

    def _save(self) -> None:
        """Write a new snapshot, switch `CURRENT` to it atomically, then remove older snapshots."""
        self.path.mkdir(parents=True, exist_ok=True)
        snapshot = self.path / f"{SNAPSHOT_PREFIX}{time.time_ns():x}-{os.getpid()}"
        snapshot.mkdir()
        try:
            self._write_snapshot(snapshot)
            _fsync_tree(snapshot)
            staged = self.path / f"{POINTER}.tmp"
            with open(staged, "w", encoding="utf-8") as handle:
                handle.write(snapshot.name)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(staged, self.path / POINTER)
        except BaseException:
            shutil.rmtree(snapshot, ignore_errors=True)
            raise
        for old in self.path.glob(f"{SNAPSHOT_PREFIX}*"):
            if old != snapshot:  # the previous snapshot, and any a killed process left half-written
                shutil.rmtree(old, ignore_errors=True)
        log.debug("saved index snapshot %s", snapshot)

    def _write_snapshot(self, snapshot: Path) -> None:
        """The manifest, the parsed reports and the store, into a fresh directory."""
        manifest = {
            "format": _format(),
            "corpus": str(self.corpus_dir),
            "embedding_model": self.model_name,
            "files": self._files,
        }
        _write_json(snapshot / "manifest.json", manifest)
        _write_json(snapshot / "reports.json", {rid: report_to_state(r) for rid, r in self.reports.items()})
        self.store.save(snapshot / "store")


def _limits_key(limits: Limits) -> str:
    """The limits a file was refused under (the worker count aside)."""
    return json.dumps({k: v for k, v in dataclasses.asdict(limits).items() if k != "parse_workers"}, sort_keys=True)


def _stale(entry: dict[str, Any], digest: str, limits: Limits) -> bool:
    """True when a file must be (re)parsed: new, changed, or refused under other limits than these."""
    return entry.get("hash") != digest or ("limits" in entry and entry["limits"] != _limits_key(limits))


def _format() -> str:
    """The index format and the parser's version: a change to either rebuilds every index."""
    return f"{INDEX_FORMAT}-{parser_version()}"


def _write_json(path: Path, obj: object) -> None:
    """Write UTF-8 JSON."""
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")


def _fsync_tree(folder: Path) -> None:
    """Flush every file of a snapshot to disk before it is made live."""
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())

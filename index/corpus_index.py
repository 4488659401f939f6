"""One persisted, incrementally updated index per corpus directory: parsed reports, FAISS store, BM25.

Layout under `<home>/indexes/<hash of the corpus path>/`: `manifest.sqlite` (content hash and chunk ids
per file, each report's metadata and parsed state, the embedding model, the store and BM25 versions),
`store/` and `bm25/` (append-only segments with numbered state files: `index.segments`) and
`cells.duckdb` (every cell, derived data: re-synced by content hash on open). Opening reads the
manifest's metadata and memory-maps the segments; a report's text is read when first used. An update
writes new segments and new state files, then commits the manifest in one SQLite transaction, then
removes what no version needs: a process killed at any point leaves the previous index loadable.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from tqdm import tqdm

from corpus.collection import report_files
from corpus.errors import CorpusError, RefusedFileError, UnreadableReportError
from corpus.limits import current_limits
from corpus.models import Report
from corpus.reader import content_hash, parser_version, read_report, report_id
from corpus.settings import Limits, Settings
from corpus.worker import parse_files
from index.bm25 import BM25Index, BM25Retriever
from index.cells import CellDB
from index.chunks import row_chunks, text_chunks
from index.embed_cache import CachedEmbeddings
from index.embeddings import embedding_name, passage_embeddings
from index.hybrid import HybridRetriever
from index.manifest import Manifest, ReportShelf
from index.milvus_store import MilvusStore
from index.vector_backend import load_store, make_store

log = logging.getLogger(__name__)
INDEX_FORMAT = 2  # bump when chunking or the layout changes: every index is then rebuilt
EMBED_BATCH = 128
# A large update is parsed, embedded and committed in batches (at most MAX_BATCHES, each at least BUILD_BATCH
# reports): its memory is one batch's, and a build cut short keeps the batches it committed.
BUILD_BATCH = 1000
MAX_BATCHES = 8  # each batch writes one segment of each index; fewer than MAX_SEGMENTS, so a build merges none
MANIFEST_FILE = "manifest.sqlite"
STORE_DIR = "store"
BM25_DIR = "bm25"
CELLS_FILE = "cells.duckdb"
REPAIR_HASH = "repair"  # a report whose chunks a crash tore (Milvus): matches no file, so it is read again
_OLD_LAYOUT = ("CURRENT", "snapshot-*")  # format 1: whole snapshots, removed at the first save


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

    def __init__(
        self,
        corpus_dir: Path,
        embeddings: Embeddings,
        home: Path,
        progress: bool = True,
        settings: Settings | None = None,
    ) -> None:
        """`settings` picks the passage store (`vector_store`, `milvus_*`); None reads `REPORTQA_*`."""
        self.corpus_dir = Path(corpus_dir).resolve()
        self.embeddings = embeddings
        self.home = Path(home)
        self.progress = progress
        self.path = index_dir(self.corpus_dir, self.home)
        self.model_name = embedding_name(embeddings)
        self.reports: ReportShelf = ReportShelf(None)  # lazy: metadata now, text and cells on first use
        self.skipped: dict[str, str] = {}  # report id -> why the file could not be read
        self.errors: dict[str, UnreadableReportError] = {}  # report id -> its error, for files read by this process
        # FAISS segments in the index directory, or a Milvus collection (`Settings.vector_store`)
        self.store = make_store(settings or Settings.from_env(), passage_embeddings(embeddings), self.path)
        self._files: dict[str, dict[str, Any]] = {}  # report id -> {"hash", "chunks"} or {"hash", "error"}
        self._bm25: BM25Retriever | None = None
        self._sparse = BM25Index()
        self._manifest: Manifest | None = None
        self._committed = False  # whether the manifest holds this index (False: the next save replaces it)
        self._cells: CellDB | None = None
        self._cells_lock = threading.Lock()

    @classmethod
    def load(
        cls,
        corpus_dir: Path,
        embeddings: Embeddings,
        home: Path,
        progress: bool = True,
        settings: Settings | None = None,
    ) -> CorpusIndex:
        """The index as last saved (empty if none, or if it was built with another model or format)."""
        index = cls(corpus_dir, embeddings, home, progress, settings)
        with index._lock(exclusive=False):
            index._load_manifest()
        return index

    @classmethod
    def open(
        cls,
        corpus_dir: Path,
        embeddings: Embeddings,
        home: Path,
        progress: bool = True,
        settings: Settings | None = None,
    ) -> CorpusIndex:
        """Load the saved index and bring it up to date with the corpus directory."""
        index = cls.load(corpus_dir, embeddings, home, progress, settings)
        summary = index.update()
        log.info("index of %s: %s", index.corpus_dir, summary)
        return index

    @property
    def bm25(self) -> BM25Retriever:
        """BM25 over every chunk, text and table rows (persisted in segments, memory-mapped)."""
        if self._bm25 is None:
            self._bm25 = BM25Retriever(index=self._sparse)
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

    def close_cells(self) -> None:
        """Close the cell database file only (reopened on next use): another connection may then take it."""
        with self._cells_lock:
            if self._cells is not None:
                self._cells.close()
                self._cells = None

    def close(self) -> None:
        """Close the cell database, the manifest and the segment files (the index is not usable after)."""
        self.close_cells()
        self.store.close()
        if self._manifest is not None:
            self._manifest.close()
            self._manifest = None

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
        Thousands of changed files go in batches (`build_batches`), each parsed, written and committed
        before the next is parsed: memory holds one batch, and a build cut short keeps what it committed.
        """
        started = time.perf_counter()
        limits = current_limits()
        root = self.corpus_dir if self.corpus_dir.is_dir() else self.corpus_dir.parent
        current = {report_id(p, root): (p, file_hash(p)) for p in report_files(self.corpus_dir)}
        changed = [rid for rid, (_, h) in current.items() if _stale(self._files.get(rid, {}), h, limits)]
        counts = {"added": 0, "replaced": 0, "removed": 0}
        batches = build_batches(changed)
        for k, batch in enumerate(batches):
            by_path = {current[rid][0]: rid for rid in batch}
            parsed = parse_files(list(by_path), root, self.progress, reader=read_report, limits=limits)
            outcomes = {by_path[p]: outcome for p, outcome in parsed}
            with self._lock(exclusive=True):
                gone = [rid for rid in self._files if rid not in current] if k == 0 else []
                of_build = len(changed) / len(batch) if k == 0 and batch else 0.0
                for key, n in self._write(gone, batch, outcomes, current, limits, of_build).items():
                    counts[key] += n
        summary = IndexSummary(
            reports=len(self.reports),
            chunks=len(self.store),
            unchanged=sum(1 for rid in current if rid not in changed and rid in self.reports),
            seconds=0.0,
            **counts,
        )
        self._bm25 = None
        return summary._replace(seconds=time.perf_counter() - started)

    def _write(
        self, gone: list[str], changed: list[str], outcomes: Mapping[str, Report | Exception],
        current: dict[str, tuple[Path, str]], limits: Limits, of_build: float = 1.0,
    ) -> dict[str, int]:  # fmt: skip
        """Under the write lock: drop `gone`, index the parsed `changed`, commit, sync cells; counts by outcome.

        `of_build`: how many times this batch the whole update is (for the first batch; 0 for the others).
        """
        was_indexed = {rid for rid in gone + changed if "chunks" in self._files.get(rid, {})}
        for rid in gone + changed:
            self._forget(rid)
        chunks: list[Document] = []
        for rid in changed:
            docs = self._read(rid, outcomes[rid], current[rid][1], limits)
            chunks.extend(docs or [])
        self._embed(chunks, of_build)
        indexed_now = {rid for rid in changed if rid in self.reports}
        if not isinstance(self.store, MilvusStore):  # Milvus runs BM25 itself: no local BM25 segments
            self._sparse.add(chunks + [d for rid in indexed_now for d in row_chunks(self.reports[rid])])
        if gone or changed or not self._committed:
            self._save(gone, changed)
        self._sync_cells()
        if self._manifest is not None:
            self.reports.settle(self._manifest)  # parsed reports leave memory once written
        return {"added": len(indexed_now - was_indexed), "replaced": len(indexed_now & was_indexed),
                "removed": len(was_indexed - indexed_now)}  # fmt: skip

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
        self._sparse.delete_reports([rid])
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

    def _embed(self, docs: list[Document], of_build: float = 1.0) -> None:
        """Embed and store chunks in batches, with a progress bar (a vector cache is filled first, by length).

        `of_build`: how many times these chunks the whole update embeds (the first of its batches says, for the
        warning a long build gets; the others pass 0).
        """
        if isinstance(self.store.embeddings, CachedEmbeddings):  # each distinct chunk embedded once, then hits
            texts = [d.page_content for d in docs if d.metadata.get("kind") != "row"]  # rows: BM25 only
            self.store.embeddings.fill(texts, progress=self.progress, of_build=of_build)
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

    def _load_manifest(self) -> None:
        """Open the manifest and the store and BM25 versions it names; a stale or broken one is left for `update`."""
        path = self.path / MANIFEST_FILE
        if not path.exists():
            return
        try:
            manifest = Manifest(path)
            meta = manifest.meta()
            if meta.get("format") != _format() or meta.get("embedding_model") != self.model_name:
                log.info(
                    "index %s was built with %s (format %s); rebuilding with %s (format %s)",
                    self.path, meta.get("embedding_model"), meta.get("format"), self.model_name, _format(),
                )  # fmt: skip
                manifest.close()
                return
            store = load_store(self.store, self.path / STORE_DIR, passage_embeddings(self.embeddings), meta["store_version"])
            sparse = BM25Index.load(self.path / BM25_DIR, meta["bm25_version"])
            files, shelf = manifest.files(), manifest.shelf()
        except (OSError, ValueError, KeyError, TypeError, RuntimeError, sqlite3.DatabaseError) as exc:
            log.warning("index %s is unreadable (%s); rebuilding it", self.path, exc)
            return
        self.store, self._sparse, self._manifest, self._committed = store, sparse, manifest, True
        self._files = files
        self.reports = shelf
        if isinstance(store, MilvusStore) and store.needs_repair():
            # a crash cut a write to the collection short: it is put back in step with the manifest, and a
            # report left with chunks missing is forgotten here and re-read (or dropped) by the next update
            for rid in store.reconcile(files):
                files[rid] = {"hash": REPAIR_HASH, "chunks": []}
                shelf.pop(rid, None)
        self.skipped = {rid: e["error"] for rid, e in self._files.items() if "error" in e}

    def _save(self, gone: list[str], changed: list[str]) -> None:
        """Write the new segments, commit the manifest in one transaction, then drop unused files."""
        self.path.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": _format(),
            "corpus": str(self.corpus_dir),
            "embedding_model": self.model_name,
            "store_version": self.store.save(self.path / STORE_DIR),
            "bm25_version": self._sparse.save(self.path / BM25_DIR),
        }
        manifest = self._manifest or self._open_manifest()
        manifest.commit(
            meta,
            self._files if not self._committed else {rid: self._files[rid] for rid in changed if rid in self._files},
            dict(self.reports.fresh),
            gone + [rid for rid in changed if rid not in self.reports.fresh],
            clear=not self._committed,
        )
        self._manifest, self._committed = manifest, True
        self.store.prune()
        self._sparse.prune()
        for pattern in _OLD_LAYOUT:
            for old in self.path.glob(pattern):
                shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
        log.debug("saved index %s (store %s, bm25 %s)", self.path, meta["store_version"], meta["bm25_version"])

    def _open_manifest(self) -> Manifest:
        """The manifest file, opened; an unreadable one is replaced (its index is being rebuilt anyway)."""
        path = self.path / MANIFEST_FILE
        try:
            return Manifest(path)
        except sqlite3.DatabaseError as exc:
            log.warning("manifest %s is unreadable (%s); writing a new one", path, exc)
            for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                stale.unlink(missing_ok=True)
            return Manifest(path)


def build_batches(changed: list[str]) -> list[list[str]]:
    """`changed` in at most MAX_BATCHES equal batches of at least BUILD_BATCH reports (one batch when fewer).

    Always at least one batch, possibly empty: an update with nothing changed still drops deleted files.
    """
    count = max(1, min(MAX_BATCHES, len(changed) // BUILD_BATCH))
    size = -(-len(changed) // count) if changed else 0
    return [changed[i : i + size] for i in range(0, len(changed), size)] if changed else [[]]


def _limits_key(limits: Limits) -> str:
    """The limits a file was refused under (the worker count aside)."""
    return json.dumps({k: v for k, v in dataclasses.asdict(limits).items() if k != "parse_workers"}, sort_keys=True)


def _stale(entry: dict[str, Any], digest: str, limits: Limits) -> bool:
    """True when a file must be (re)parsed: new, changed, or refused under other limits than these."""
    return entry.get("hash") != digest or ("limits" in entry and entry["limits"] != _limits_key(limits))


def _format() -> str:
    """The index format and the parser's version: a change to either rebuilds every index."""
    return f"{INDEX_FORMAT}-{parser_version()}"

"""The index manifest in SQLite: each file's hash and chunk ids, each report's metadata and parsed state.

Opening reads the file table and the reports' metadata columns only; a report's text, sections, pages,
cells and checks are decoded when first used (`ReportShelf`, a mapping of `LazyReport`s with a small
cache). Every update is one transaction, so a process killed mid-update leaves the previous manifest,
which names the store and BM25 versions it was written with.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

from corpus.models import LazyReport, Report, report_from_state, report_to_state

CACHED_REPORTS = 64  # parsed reports kept in memory (a text answer reads a dozen at most)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (rid TEXT PRIMARY KEY, hash TEXT, error TEXT, chunks TEXT, limits TEXT);
CREATE TABLE IF NOT EXISTS reports (
    rid TEXT PRIMARY KEY, source TEXT, title TEXT, agency TEXT, year INTEGER, versions TEXT,
    n_cells INTEGER, has_pages INTEGER, failed INTEGER, state BLOB, about TEXT);
"""


class Manifest:
    """One SQLite file: `meta` (format, model, store and BM25 versions), `files` and `reports`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(_SCHEMA)
        columns = {row[1] for row in self._conn.execute("PRAGMA table_info(reports)")}
        if "about" not in columns:  # a manifest written before reports had a kind and other names
            self._conn.execute("ALTER TABLE reports ADD COLUMN about TEXT")

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()

    def meta(self) -> dict[str, str]:
        """The `meta` table as a dict (empty for a new manifest)."""
        with self._lock:
            return dict(self._conn.execute("SELECT key, value FROM meta").fetchall())

    def files(self) -> dict[str, dict[str, Any]]:
        """Report id -> {"hash", "chunks"} for an indexed file, {"hash", "error"} for a skipped one.

        A file refused by an input limit also has "limits": those in force then (raised, it is read again).
        """
        with self._lock:
            rows = self._conn.execute("SELECT rid, hash, error, chunks, limits FROM files").fetchall()
        files: dict[str, dict[str, Any]] = {}
        for rid, digest, error, chunks, limits in rows:
            entry = {"hash": digest, "error": error} if error is not None else {"hash": digest, "chunks": json.loads(chunks)}
            files[rid] = entry | ({"limits": limits} if limits is not None else {})
        return files

    def shelf(self) -> ReportShelf:
        """Every report, lazily (metadata now, the rest on first use)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT rid, source, title, agency, year, versions, n_cells, has_pages, failed, about FROM reports ORDER BY rowid"
            ).fetchall()
        shelf = ReportShelf(self)
        for rid, source, title, agency, year, versions, n_cells, has_pages, failed, about in rows:
            shelf.put_lazy(LazyReport(
                rid, source, title, agency, year, json.loads(versions), shelf.body, n_cells, bool(has_pages), failed,
                json.loads(about) if about else None,
            ))  # fmt: skip
        return shelf

    def load_report(self, rid: str) -> Report:
        """The whole parsed report, decoded from its row."""
        with self._lock:
            found = self._conn.execute("SELECT state FROM reports WHERE rid = ?", [rid]).fetchone()
        if found is None:
            raise KeyError(f"report {rid!r} is not in the manifest {self.path}")
        return report_from_state(json.loads(zlib.decompress(found[0])))

    def commit(
        self,
        meta: dict[str, str],
        files: dict[str, dict[str, Any]],
        reports: dict[str, Report],
        dropped: list[str],
        clear: bool = False,
    ) -> None:
        """In one transaction: set `meta`, drop ids, upsert these files and reports (`clear` empties first)."""
        with self._lock:
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                if clear:
                    cur.execute("DELETE FROM files")
                    cur.execute("DELETE FROM reports")
                cur.executemany("DELETE FROM files WHERE rid = ?", [[r] for r in dropped])
                cur.executemany("DELETE FROM reports WHERE rid = ?", [[r] for r in dropped])
                cur.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(meta.items()))
                cur.executemany(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                    [(rid, e["hash"], e.get("error"), None if "error" in e else json.dumps(e["chunks"]), e.get("limits"))
                     for rid, e in files.items()],
                )  # fmt: skip
                cur.executemany("INSERT OR REPLACE INTO reports (rid, source, title, agency, year, versions, n_cells, has_pages, "
                                "failed, state, about) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                [_report_row(r) for r in reports.values()])  # fmt: skip
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            finally:
                cur.close()


def _report_row(report: Report) -> tuple[object, ...]:
    state = zlib.compress(json.dumps(report_to_state(report), ensure_ascii=False).encode("utf-8"), 1)
    failed = sum(1 for f in report.checks if not f.ok)
    return (report.id, report.source, report.title, report.agency, report.year, json.dumps(report.versions),
            len(report.cells), int(bool(report.pages)), failed, state, json.dumps(_about(report), ensure_ascii=False))  # fmt: skip


def _about(report: Report) -> dict[str, object]:
    """What a catalog needs before the body is read: the kind of report and the issuer's other names."""
    return {"kind": report.kind, "names": list(report.names)}


class ReportShelf(MutableMapping[str, Report]):
    """Report id -> `Report`: lazy ones from the manifest, whole ones parsed since (until `settle`)."""

    def __init__(self, manifest: Manifest | None) -> None:
        self._manifest = manifest
        self._lazy: dict[str, LazyReport] = {}
        self._fresh: dict[str, Report] = {}
        self._cache: OrderedDict[str, Report] = OrderedDict()
        self._lock = threading.Lock()

    def put_lazy(self, report: LazyReport) -> None:
        """Add a report known by its metadata."""
        self._lazy[report.id] = report

    def body(self, rid: str) -> Report:
        """The whole report behind a lazy one (cached: the few in use stay decoded)."""
        with self._lock:
            if rid in self._cache:
                self._cache.move_to_end(rid)
                return self._cache[rid]
        if self._manifest is None:
            raise KeyError(rid)
        report = self._manifest.load_report(rid)
        with self._lock:
            self._cache[rid] = report
            while len(self._cache) > CACHED_REPORTS:
                self._cache.popitem(last=False)
        return report

    def __getitem__(self, rid: str) -> Report:
        if rid in self._fresh:
            return self._fresh[rid]
        return self._lazy[rid]

    def __setitem__(self, rid: str, report: Report) -> None:
        self._fresh[rid] = report

    def __delitem__(self, rid: str) -> None:
        fresh, lazy = self._fresh.pop(rid, None), self._lazy.pop(rid, None)
        with self._lock:
            self._cache.pop(rid, None)
        if fresh is None and lazy is None:
            raise KeyError(rid)

    def __iter__(self) -> Iterator[str]:
        yield from self._lazy
        yield from (rid for rid in self._fresh if rid not in self._lazy)

    def __len__(self) -> int:
        return len(self._lazy) + sum(1 for rid in self._fresh if rid not in self._lazy)

    @property
    def fresh(self) -> dict[str, Report]:
        """Reports parsed since the manifest was read (not yet written)."""
        return self._fresh

    def settle(self, manifest: Manifest) -> None:
        """After a commit: the fresh reports become lazy ones read from `manifest` (memory stays small)."""
        self._manifest = manifest
        for rid, report in self._fresh.items():
            self._lazy[rid] = LazyReport(
                rid, report.source, report.title, report.agency, report.year, dict(report.versions), self.body,
                report.cell_count(), bool(report.pages), report.failed_count(), _about(report),
            )  # fmt: skip
            with self._lock:
                self._cache[rid] = report
        self._fresh = {}
        with self._lock:
            while len(self._cache) > CACHED_REPORTS:
                self._cache.popitem(last=False)


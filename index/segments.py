"""Append-only segments of documents, shared by the vector store and BM25: written once, read by row, tombstoned.

A segment is a folder `seg-…/` holding `docs.jsonl` (one `[id, text, metadata]` line per row), `offsets.npy`
(where each line starts) and `reports.json` + `codes.npy` (the report id of each row, as a code), read
through memory maps so opening a segment costs nothing per row. A `SegmentLog` names the live segments
and the deleted rows in numbered `state-<n>.json` files: a save writes new segments and a new state and
never touches older files, so a process killed mid-save leaves every earlier state loadable.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Iterable, Sequence, Sized
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from langchain_core.documents import Document

DOCS_FILE = "docs.jsonl"
STATE_PREFIX = "state-"
SEGMENT_PREFIX = "seg-"
Filter = dict[str, Any]


def matches(metadata: dict[str, Any], filter: Filter | None) -> bool:
    """True if metadata equals every filter value, or is one of it where the value is a list, tuple or set."""
    if not filter:
        return True
    for key, wanted in filter.items():
        value = metadata.get(key)
        if isinstance(wanted, list | tuple | set | frozenset):
            if value not in wanted:
                return False
        elif value != wanted:
            return False
    return True


def new_segment_name() -> str:
    """A segment name no other process or save will pick (time and process id)."""
    return f"{SEGMENT_PREFIX}{time.time_ns():x}-{os.getpid()}"


class DocSegment:
    """The documents of one segment: in memory while being filled, then on disk and read row by row."""

    def __init__(self, name: str, docs: list[Document] | None = None) -> None:
        self.name = name
        self._docs: list[Document] | None = docs if docs is not None else []
        self._folder: Path | None = None
        self._offsets: np.ndarray | None = None
        self._handle: Any = None
        self._lock = threading.Lock()
        self._reports: list[str] = []
        self._code_of: dict[str, int] = {}
        self._codes: np.ndarray | list[int] = []
        self._metas: list[dict[str, Any]] | None = None
        for doc in self._docs:
            self._note_report(doc)

    def __len__(self) -> int:
        return len(self._docs) if self._docs is not None else len(self._codes)

    @property
    def on_disk(self) -> bool:
        """Whether the segment has been written (and is now read from its files)."""
        return self._folder is not None

    def _note_report(self, doc: Document) -> None:
        rid = str(doc.metadata.get("report_id", ""))
        code = self._code_of.setdefault(rid, len(self._reports))
        if code == len(self._reports):
            self._reports.append(rid)
        assert isinstance(self._codes, list)
        self._codes.append(code)

    def append(self, docs: Sequence[Document]) -> None:
        """Add rows to a segment that is still in memory."""
        if self._docs is None:
            raise ValueError(f"segment {self.name} is written already; add to a new segment")
        for doc in docs:
            self._docs.append(doc)
            self._note_report(doc)

    def get(self, row: int) -> Document:
        """The document at a row (a fresh object: callers may annotate it)."""
        if self._docs is not None:
            doc = self._docs[row]
            return Document(page_content=doc.page_content, metadata=dict(doc.metadata), id=doc.id)
        assert self._offsets is not None
        with self._lock:
            self._handle.seek(int(self._offsets[row]))
            line = self._handle.readline()
        doc_id, text, meta = json.loads(line)
        return Document(page_content=text, metadata=meta, id=doc_id)

    def documents(self) -> Iterable[tuple[int, Document]]:
        """Every row with its document, in order."""
        for row in range(len(self)):
            yield row, self.get(row)

    def report_mask(self, report_ids: Iterable[str]) -> np.ndarray:
        """A boolean mask of the rows whose report id is one of these."""
        codes = [self._code_of[r] for r in report_ids if r in self._code_of]
        return np.isin(np.asarray(self._codes), np.asarray(codes, dtype=np.int64))

    def filter_mask(self, filter: Filter | None) -> np.ndarray | None:
        """Rows passing a metadata filter (None: no filter); `report_id` is answered from the codes."""
        if not filter:
            return None
        mask = np.ones(len(self), dtype=bool)
        rest = {k: v for k, v in filter.items() if k != "report_id"}
        if "report_id" in filter:
            wanted = filter["report_id"]
            wanted = wanted if isinstance(wanted, list | tuple | set | frozenset) else [wanted]
            mask &= self.report_mask(str(w) for w in wanted)
        if rest:
            mask &= np.fromiter((matches(m, rest) for m in self._metadatas()), dtype=bool, count=len(self))
        return mask

    def _metadatas(self) -> list[dict[str, Any]]:
        """Every row's metadata (read once from disk for a filter on another key than `report_id`)."""
        if self._docs is not None:
            return [d.metadata for d in self._docs]
        if self._metas is None:
            self._metas = [doc.metadata for _, doc in self.documents()]
        return self._metas

    def ids(self) -> list[str]:
        """Every row's document id, in order."""
        if self._docs is not None:
            return [str(d.id) for d in self._docs]
        assert self._folder is not None
        return list(json.loads((self._folder / "ids.json").read_text(encoding="utf-8")))

    def write(self, folder: Path) -> None:
        """Write the rows into `folder` (created), then read them from there."""
        folder.mkdir(parents=True, exist_ok=True)
        offsets = np.zeros(len(self), dtype=np.int64)
        with open(folder / DOCS_FILE, "wb") as out:
            for row, doc in self.documents():
                offsets[row] = out.tell()
                line = json.dumps([doc.id, doc.page_content, doc.metadata], ensure_ascii=False)
                out.write(line.encode("utf-8") + b"\n")
        (folder / "ids.json").write_text(json.dumps(self.ids()), encoding="utf-8")
        np.save(folder / "offsets.npy", offsets)
        np.save(folder / "codes.npy", np.asarray(self._codes, dtype=np.int32))
        (folder / "reports.json").write_text(json.dumps(self._reports, ensure_ascii=False), encoding="utf-8")
        self.close()
        self._attach(folder)

    @classmethod
    def open(cls, folder: Path) -> DocSegment:
        """A written segment, memory-mapped."""
        segment = cls(folder.name)
        segment._attach(folder)
        return segment

    def _attach(self, folder: Path) -> None:
        self._folder = folder
        self._docs = None
        self._offsets = np.load(folder / "offsets.npy", mmap_mode="r")
        self._codes = np.load(folder / "codes.npy", mmap_mode="r")
        self._reports = json.loads((folder / "reports.json").read_text(encoding="utf-8"))
        self._code_of = {rid: i for i, rid in enumerate(self._reports)}
        if len(self._offsets) != len(self._codes):
            raise ValueError(f"{folder}: {len(self._offsets)} offsets but {len(self._codes)} report codes")
        self._handle = open(folder / DOCS_FILE, "rb")  # noqa: SIM115 - held open for reads, closed by close()

    def close(self) -> None:
        """Close the docs file (a written segment cannot be read afterwards)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None


@dataclass
class SegmentState:
    """Which segments are live and which of their rows are deleted, as of one numbered save."""

    generation: int = 0
    segments: list[str] = field(default_factory=list)
    dead: dict[str, list[int]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


class SegmentLog:
    """The numbered state files of a folder of segments: write a new one, read one, prune the rest."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def generations(self) -> list[int]:
        """The numbers of the state files present, ascending."""
        found = []
        for path in self.folder.glob(f"{STATE_PREFIX}*.json"):
            try:
                found.append(int(path.stem[len(STATE_PREFIX) :]))
            except ValueError:
                continue
        return sorted(found)

    def read(self, generation: int | None = None) -> SegmentState:
        """The state of a generation (the newest when None); a folder without any is an empty state."""
        if generation is None:
            present = self.generations()
            if not present:
                return SegmentState()
            generation = present[-1]
        data = json.loads((self.folder / f"{STATE_PREFIX}{generation:08d}.json").read_text(encoding="utf-8"))
        return SegmentState(
            generation=int(data["generation"]),
            segments=list(data["segments"]),
            dead={k: list(v) for k, v in data["dead"].items()},
            extra=dict(data.get("extra", {})),
        )

    def write(self, state: SegmentState) -> None:
        """Write a state file durably (its segments must be on disk already)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for name in state.segments:
            fsync_tree(self.folder / name)
        payload = {"generation": state.generation, "segments": state.segments, "dead": state.dead,
                   "extra": state.extra}  # fmt: skip
        write_durably(self.folder / f"{STATE_PREFIX}{state.generation:08d}.json", json.dumps(payload))

    def commit(self, segments: list[str], dead: dict[str, set[int]], extra: dict[str, Any] | None = None) -> int:
        """Write the next state naming `segments` (on disk already) and their deleted rows; its generation."""
        generation = max(self.generations(), default=0) + 1
        rows = {name: sorted(r) for name, r in dead.items() if r}
        self.write(SegmentState(generation=generation, segments=segments, dead=rows, extra=extra or {}))
        return generation

    def prune(self, keep: int) -> None:
        """Remove every state file but `keep`, and every segment it does not name."""
        live = set(self.read(keep).segments)
        for gen in self.generations():
            if gen != keep:
                (self.folder / f"{STATE_PREFIX}{gen:08d}.json").unlink(missing_ok=True)
        for path in self.folder.glob(f"{SEGMENT_PREFIX}*"):
            if path.name not in live:
                shutil.rmtree(path, ignore_errors=True)


def write_durably(path: Path, text: str) -> None:
    """Write a small file aside, flush it to disk, then rename it into place."""
    staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(staged, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(staged, path)


def fsync_tree(folder: Path) -> None:
    """Flush every file under a folder to disk."""
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


T = TypeVar("T", bound=Sized)
MAX_SEGMENTS = 12  # more than this: the smallest segments are merged into one (never a much larger one with them)
DEAD_SHARE = 0.25  # more deleted rows than this share: every segment is merged, dropping them


def merge_plan(segments: list[T], dead_rows: int) -> tuple[list[T], list[T]] | None:
    """Which segments to merge and which to keep as they are, or None when no merge is due.

    Too many segments: the smallest are merged, taking the next smallest while it is at most twice the rows
    taken so far — the small segments of single uploads merge together, and the large segments of a batched
    first build are not rewritten for them (a write stays proportional to what it adds).
    """
    rows = sum(len(s) for s in segments)
    if rows and dead_rows > DEAD_SHARE * rows:
        return segments, []
    if len(segments) > MAX_SEGMENTS:
        ordered = sorted(segments, key=len)
        taken = ordered[:2]
        for seg in ordered[2:]:
            if len(seg) > 2 * sum(len(t) for t in taken):
                break
            taken.append(seg)
        return taken, [s for s in segments if not any(s is t for t in taken)]
    return None


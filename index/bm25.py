"""BM25 over jieba tokens as a LangChain retriever: exact terms, labels, numbers and names.

Okapi BM25 as bm25s scores it (Lucene variant, k1 = 1.5, b = 0.75), over append-only segments: each
segment stores its postings as numpy arrays (term hashes sorted, offsets, document rows, term counts,
document lengths) that are memory-mapped when loaded, and its documents as `index.segments` rows.
Document frequencies and the mean length are summed over segments at query time, so adding a report
writes one small segment and leaves the others as they were; deletes are tombstones until a merge.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from index.segments import DocSegment, Filter, SegmentLog, merge_plan, new_segment_name

log = logging.getLogger(__name__)
K1, B = 1.5, 0.75
_ARRAYS = ("terms", "starts", "rows", "tfs", "lengths")


def tokenize(text: str) -> list[str]:
    """Tokens of jieba's search mode, lowercased; whitespace and punctuation dropped, numbers kept ('98.69%').

    jieba cuts each run of its word characters on its own, so runs are cut once and cached: table labels
    and boilerplate recur in every report (the same tokens as cutting the whole text, several times faster).
    """
    import jieba

    tokens: list[str] = []
    for block in jieba.re_han_default.split(text):
        if not block:
            continue
        tokens.extend(_block_tokens(block) if jieba.re_han_default.fullmatch(block) else block)
    return [t for t in (t.strip().lower() for t in tokens) if any(ch.isalnum() for ch in t)]


@functools.lru_cache(maxsize=1 << 18)
def _block_tokens(block: str) -> tuple[str, ...]:
    """The search-mode words (jieba) of one run of word characters."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary loading at INFO on every first use
    return tuple(jieba.lcut_for_search(block))


def term_hash(term: str) -> int:
    """A stable 63-bit hash of a term (the same in every process, unlike `hash`)."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little") >> 1


class _Postings:
    """One segment's inverted index: for term i (by sorted hash), rows[starts[i]:starts[i+1]] and their counts."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.terms, self.starts = arrays["terms"], arrays["starts"]
        self.rows, self.tfs, self.lengths = arrays["rows"], arrays["tfs"], arrays["lengths"]
        self.total_length = float(np.sum(self.lengths, dtype=np.float64))

    @classmethod
    def build(cls, token_lists: Iterable[list[str]]) -> _Postings:
        """Postings of documents given as token lists (row = position)."""
        vocab: dict[str, int] = {}
        term_ids: list[np.ndarray] = []
        doc_rows: list[np.ndarray] = []
        counts: list[np.ndarray] = []
        lengths: list[int] = []
        for row, tokens in enumerate(token_lists):
            tally = Counter(vocab.setdefault(t, len(vocab)) for t in tokens)
            term_ids.append(np.fromiter(tally.keys(), dtype=np.int64, count=len(tally)))
            counts.append(np.fromiter(tally.values(), dtype=np.float32, count=len(tally)))
            doc_rows.append(np.full(len(tally), row, dtype=np.int32))
            lengths.append(len(tokens))
        hashes = np.fromiter((term_hash(t) for t in vocab), dtype=np.int64, count=len(vocab))
        ids = np.concatenate(term_ids) if term_ids else np.zeros(0, dtype=np.int64)
        keys = hashes[ids] if len(ids) else ids
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        terms, first = np.unique(keys, return_index=True)
        starts = np.append(first, len(keys)).astype(np.int64)
        return cls({
            "terms": terms.astype(np.int64),
            "starts": starts,
            "rows": (np.concatenate(doc_rows) if doc_rows else np.zeros(0, dtype=np.int32))[order],
            "tfs": (np.concatenate(counts) if counts else np.zeros(0, dtype=np.float32))[order],
            "lengths": np.asarray(lengths, dtype=np.float32),
        })  # fmt: skip

    def save(self, folder: Path) -> None:
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name))

    @classmethod
    def open(cls, folder: Path) -> _Postings:
        return cls({name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in _ARRAYS})

    def spans(self, hashes: np.ndarray) -> list[tuple[int, int] | None]:
        """For each query term hash, its postings span, or None when the segment lacks the term."""
        if not len(self.terms):
            return [None] * len(hashes)
        pos = np.searchsorted(self.terms, hashes)
        out: list[tuple[int, int] | None] = []
        for h, p in zip(hashes.tolist(), pos.tolist(), strict=True):
            found = p < len(self.terms) and int(self.terms[p]) == h
            out.append((int(self.starts[p]), int(self.starts[p + 1])) if found else None)
        return out


class _Segment:
    def __init__(self, docs: DocSegment, postings: _Postings) -> None:
        self.docs, self.postings = docs, postings

    @property
    def name(self) -> str:
        return self.docs.name

    def __len__(self) -> int:
        return len(self.docs)


class BM25Index:
    """BM25 over segments of documents: add, delete by report, search with a metadata filter, save, load."""

    def __init__(self) -> None:
        self._segments: list[_Segment] = []
        self._dead: dict[str, set[int]] = {}
        self._folder: Path | None = None
        self._generation = 0

    def __len__(self) -> int:
        return sum(len(s) for s in self._segments) - sum(len(d) for d in self._dead.values())

    @property
    def segments(self) -> list[str]:
        """The names of the live segments, oldest first."""
        return [s.name for s in self._segments]

    def add(self, docs: Sequence[Document]) -> None:
        """Index documents as one new segment (tokenized here)."""
        if not docs:
            return
        postings = _Postings.build(tokenize(d.page_content) for d in docs)
        self._segments.append(_Segment(DocSegment(new_segment_name(), list(docs)), postings))

    def delete_reports(self, report_ids: Iterable[str]) -> None:
        """Tombstone every document of these reports."""
        wanted = list(report_ids)
        if not wanted:
            return
        for seg in self._segments:
            rows = np.flatnonzero(seg.docs.report_mask(wanted))
            if len(rows):
                self._dead.setdefault(seg.name, set()).update(rows.tolist())

    def documents(self) -> list[Document]:
        """Every live document, in insertion order (reads them all)."""
        dead = self._dead
        return [d for s in self._segments for r, d in s.docs.documents() if r not in dead.get(s.name, ())]

    def search(self, query: str, k: int, filter: Filter | None = None) -> list[tuple[Document, float]]:
        """The top `k` documents sharing a token with the query, best first, with their scores."""
        hashes = np.asarray([term_hash(t) for t in tokenize(query)], dtype=np.int64)
        if not len(hashes) or not self._segments:
            return []
        spans = [seg.postings.spans(hashes) for seg in self._segments]
        total_docs = sum(len(s) for s in self._segments)
        avg_length = sum(s.postings.total_length for s in self._segments) / max(total_docs, 1)
        idf = []
        for t in range(len(hashes)):
            df = sum(span[1] - span[0] for per in spans if (span := per[t]) is not None)
            idf.append(math.log(1 + (total_docs - df + 0.5) / (df + 0.5)))
        hits: list[tuple[float, _Segment, int]] = []
        for seg, per in zip(self._segments, spans, strict=True):
            hits += self._segment_hits(seg, per, idf, avg_length, filter, k)
        hits.sort(key=lambda hit: (-hit[0], self._segments.index(hit[1]), hit[2]))
        return [(seg.docs.get(row), score) for score, seg, row in hits[:k]]

    def _segment_hits(
        self,
        seg: _Segment,
        spans: list[tuple[int, int] | None],
        idf: list[float],
        avg_length: float,
        filter: Filter | None,
        k: int,
    ) -> list[tuple[float, _Segment, int]]:
        """The best `k` rows of one segment with a positive score."""
        p = seg.postings
        scores = np.zeros(len(seg), dtype=np.float32)
        for span, weight in zip(spans, idf, strict=True):
            if span is None:
                continue
            rows = np.asarray(p.rows[span[0] : span[1]])
            tf = np.asarray(p.tfs[span[0] : span[1]])
            norm = K1 * ((1 - B) + B * p.lengths[rows] / avg_length)
            scores[rows] += (weight * tf / (tf + norm)).astype(np.float32)
        mask = seg.docs.filter_mask(filter)
        if mask is not None:
            scores[~mask] = 0.0
        dead = self._dead.get(seg.name)
        if dead:
            scores[np.fromiter(dead, dtype=np.int64)] = 0.0
        positive = np.flatnonzero(scores > 0)
        if len(positive) > k:
            positive = positive[np.argpartition(-scores[positive], k - 1)[:k]]
        return [(float(scores[r]), seg, int(r)) for r in positive.tolist()]

    # -- persistence -------------------------------------------------------------------------------

    def _merge(self) -> None:
        """Merge segments when there are too many, or too many dead rows (re-tokenizes the merged ones)."""
        plan = merge_plan(self._segments, sum(len(d) for d in self._dead.values()))
        if plan is None:
            return
        merged, kept = plan
        docs = [d for s in merged for r, d in s.docs.documents() if r not in self._dead.get(s.name, ())]
        for seg in merged:
            self._dead.pop(seg.name, None)
        self._segments = kept
        self.add(docs)
        log.info("merged %d BM25 segments into one of %d documents", len(merged), len(docs))

    def save(self, directory: str | Path) -> str:
        """Write the segments not yet in `directory` and a new state file; returns its version."""
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        self._merge()
        for seg in self._segments:
            target = folder / seg.name
            if seg.docs.on_disk and (target / "terms.npy").exists():
                continue
            if seg.docs.on_disk:
                raise ValueError(f"segment {seg.name} belongs to {self._folder}; save there")
            seg.docs.write(target)
            seg.postings.save(target)
        generation = SegmentLog(folder).commit(self.segments, self._dead)
        self._folder, self._generation = folder, generation
        return str(generation)

    def prune(self) -> None:
        """Remove the files of every other version than the last saved or loaded one."""
        if self._folder is not None and self._generation:
            SegmentLog(self._folder).prune(self._generation)

    @classmethod
    def load(cls, directory: str | Path, version: str | None = None) -> BM25Index:
        """Open a version written by `save` (the newest when None), postings memory-mapped."""
        folder = Path(directory)
        state = SegmentLog(folder).read(int(version) if version else None)
        index = cls()
        index._folder, index._generation = folder, state.generation
        for name in state.segments:
            docs, postings = DocSegment.open(folder / name), _Postings.open(folder / name)
            if len(postings.lengths) != len(docs):
                raise ValueError(f"{folder / name}: {len(postings.lengths)} lengths but {len(docs)} documents")
            index._segments.append(_Segment(docs, postings))
        index._dead = {name: set(rows) for name, rows in state.dead.items()}
        return index


class BM25Retriever(BaseRetriever):
    """BM25 (`BM25Index`) as a LangChain retriever; score in `metadata['score']`.

    Only documents sharing at least one token with the query are returned. Pass `filter={...}` to
    `invoke` to keep documents whose metadata match (equality, or membership for a list value).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    index: BM25Index
    k: int = 5
    _docs: list[Document] | None = PrivateAttr(default=None)

    def model_post_init(self, context: Any, /) -> None:
        """Check `k`."""
        if self.k < 1:
            raise ValueError(f"k must be at least 1, got {self.k}")

    @classmethod
    def from_documents(cls, documents: list[Document], k: int = 5) -> BM25Retriever:
        """A retriever over these documents (indexed in memory) returning the top `k`."""
        index = BM25Index()
        index.add(list(documents))
        return cls(index=index, k=k)

    @property
    def documents(self) -> list[Document]:
        """Every indexed document (read once; for tests and small corpora)."""
        if self._docs is None:
            self._docs = self.index.documents()
        return self._docs

    def search(self, query: str, k: int | None = None, filter: Filter | None = None) -> list[Document]:
        """The top `k` documents (default `self.k`), best first, with `metadata['score']`."""
        k = self.k if k is None else k
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        results = []
        for doc, score in self.index.search(query, k, filter):
            doc.metadata["score"] = score
            results.append(doc)
        return results

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        filter: Filter | None = None,
        k: int | None = None,
    ) -> list[Document]:
        """LangChain's entry point (`invoke(query, filter=..., k=...)`)."""
        return self.search(query, k=k, filter=filter)

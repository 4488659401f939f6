"""A narrow LangChain `VectorStore` on faiss-cpu: exact cosine search, metadata filters, segmented persistence.

Vectors live in append-only segments (`index.segments`): each save writes only the segment added since the
last one (one `IndexFlatIP` file, memory-mapped when loaded, and its documents as JSON lines), and a delete
is a tombstone in the numbered state file. Small segments are merged when there are many, and everything
when a quarter of the rows are dead, so adding one report to ten thousand writes a few kilobytes.
Nothing is ever unpickled. The interface the index uses is `add_documents`, `delete`,
`similarity_search_with_score` (with a metadata filter), `save` (returns a version), `load` and `prune`.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import VectorStore

from index.segments import DocSegment, Filter, SegmentLog, matches, merge_plan, new_segment_name

__all__ = ["FaissStore", "Filter", "matches"]

log = logging.getLogger(__name__)
TIE_MARGIN = 8  # extra neighbours asked of each segment so that ties at the k-th place are ordered
INDEX_FILE = "vectors.faiss"


class _Segment:
    """One segment's vectors (a faiss flat inner-product index, row = position) and documents."""

    def __init__(self, docs: DocSegment, index: Any) -> None:
        self.docs = docs
        self.index = index

    @property
    def name(self) -> str:
        return self.docs.name

    def __len__(self) -> int:
        return len(self.docs)


class ScoredVectorStore(VectorStore):
    """A vector store whose searches all come from `similarity_search_with_score_by_vector` (FAISS, Milvus)."""

    @property
    def embeddings(self) -> Embeddings:
        """The model queries are embedded with."""
        raise NotImplementedError

    def similarity_search_with_score_by_vector(
        self, embedding: list[float], k: int = 4, filter: Filter | None = None
    ) -> list[tuple[Document, float]]:
        """The `k` documents most similar to a vector that pass the metadata filter, with cosine scores."""
        raise NotImplementedError

    def similarity_search_with_score(
        self, query: str, k: int = 4, filter: Filter | None = None, **kwargs: Any
    ) -> list[tuple[Document, float]]:
        """The `k` documents most similar to a query, with cosine scores."""
        return self.similarity_search_with_score_by_vector(self.embeddings.embed_query(query), k, filter)

    def similarity_search(
        self, query: str, k: int = 4, filter: Filter | None = None, **kwargs: Any
    ) -> list[Document]:
        """The `k` documents most similar to a query."""
        return [doc for doc, _ in self.similarity_search_with_score(query, k, filter)]

    def similarity_search_by_vector(
        self, embedding: list[float], k: int = 4, filter: Filter | None = None, **kwargs: Any
    ) -> list[Document]:
        """The `k` documents most similar to a vector."""
        return [doc for doc, _ in self.similarity_search_with_score_by_vector(embedding, k, filter)]


class FaissStore(ScoredVectorStore):
    """Documents and their L2-normalised vectors in faiss flat indexes; scores are cosine similarities."""

    def __init__(self, embeddings: Embeddings) -> None:
        self._embeddings = embeddings
        self._segments: list[_Segment] = []
        self._dead: dict[str, set[int]] = {}  # segment name -> deleted rows
        self._where: dict[str, tuple[str, int]] | None = None  # document id -> (segment, row), built on use
        self._dim: int | None = None
        self._folder: Path | None = None  # where the on-disk segments are
        self._generation = 0

    @property
    def embeddings(self) -> Embeddings:
        """The embedding model the store was built with."""
        return self._embeddings

    def __len__(self) -> int:
        return sum(len(s) for s in self._segments) - sum(len(d) for d in self._dead.values())

    @property
    def segments(self) -> list[str]:
        """The names of the live segments, oldest first."""
        return [s.name for s in self._segments]

    def documents(self) -> list[Document]:
        """Every stored document, in insertion order (reads them all: for tests and small stores)."""
        return [doc for seg in self._segments for row, doc in seg.docs.documents() if not self._is_dead(seg, row)]

    @property
    def ids(self) -> list[str]:
        """Every stored document id, in insertion order."""
        return list(self._locations())

    def _is_dead(self, seg: _Segment, row: int) -> bool:
        return row in self._dead.get(seg.name, ())

    def _locations(self) -> dict[str, tuple[str, int]]:
        """Document id -> (segment, row) of every live document (read from the segments once)."""
        if self._where is None:
            where: dict[str, tuple[str, int]] = {}
            for seg in self._segments:
                dead = self._dead.get(seg.name, set())
                for row, doc_id in enumerate(seg.docs.ids()):
                    if row not in dead:
                        where[doc_id] = (seg.name, row)
            self._where = where
        return self._where

    def _vectors(self, texts: list[str]) -> np.ndarray:
        """Embed and L2-normalise (faiss inner product is then cosine)."""
        matrix = np.asarray(self.embeddings.embed_documents(texts), dtype=np.float32)
        if matrix.ndim != 2 or len(matrix) != len(texts):
            raise ValueError(
                f"the embeddings returned {matrix.shape} for {len(texts)} texts; expected (n, dim)"
            )
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return np.ascontiguousarray(matrix / np.where(norms == 0, 1.0, norms))

    def _open_segment(self, dim: int) -> _Segment:
        """The segment being filled (the newest if it is still in memory, else a new one)."""
        import faiss

        if self._dim is None:
            self._dim = dim
        elif self._dim != dim:
            raise ValueError(f"vectors of dimension {dim} cannot go into an index of dimension {self._dim}")
        if self._segments and not self._segments[-1].docs.on_disk:
            return self._segments[-1]
        segment = _Segment(DocSegment(new_segment_name()), faiss.IndexFlatIP(dim))
        self._segments.append(segment)
        return segment

    def add_texts(
        self,
        texts: Iterable[str],
        metadatas: list[dict[str, Any]] | None = None,
        *,
        ids: list[str] | None = None,
        **kwargs: Any,
    ) -> list[str]:
        """Embed and add texts; an id already stored is replaced. Returns the ids."""
        texts = list(texts)
        metadatas = metadatas if metadatas is not None else [{} for _ in texts]
        ids = ids if ids is not None else [uuid.uuid4().hex for _ in texts]
        if not len(texts) == len(metadatas) == len(ids):
            raise ValueError(
                f"got {len(texts)} texts, {len(metadatas)} metadatas and {len(ids)} ids; need as many"
            )
        if len(set(ids)) != len(ids):
            raise ValueError("ids must be unique within one call")
        if not texts:
            return []
        vectors = self._vectors(texts)
        segment = self._open_segment(vectors.shape[1])
        self.delete([i for i in ids if i in self._locations()])
        first = len(segment)
        segment.index.add(vectors)
        segment.docs.append(
            [Document(page_content=t, metadata=dict(m), id=i) for t, m, i in zip(texts, metadatas, ids, strict=True)]
        )
        where = self._locations()
        for offset, doc_id in enumerate(ids):
            where[doc_id] = (segment.name, first + offset)
        return ids

    def add_documents(self, documents: list[Document], **kwargs: Any) -> list[str]:
        """Add documents, keeping their ids (or the `ids` keyword, or fresh ones)."""
        ids = kwargs.pop("ids", None) or [d.id or uuid.uuid4().hex for d in documents]
        return self.add_texts(
            [d.page_content for d in documents], [d.metadata for d in documents], ids=ids, **kwargs
        )

    def delete(self, ids: list[str] | None = None, **kwargs: Any) -> bool | None:
        """Remove documents by id (unknown ids are ignored): a tombstone until the next merge."""
        if not ids:
            return True
        where = self._locations()
        for doc_id in ids:
            found = where.pop(doc_id, None)
            if found is not None:
                self._dead.setdefault(found[0], set()).add(found[1])
        return True

    def get_by_ids(self, ids: Sequence[str], /) -> list[Document]:
        """The stored documents with these ids (unknown ids are skipped)."""
        where = self._locations()
        by_name = {s.name: s for s in self._segments}
        return [by_name[where[i][0]].docs.get(where[i][1]) for i in ids if i in where]

    def similarity_search_with_score_by_vector(
        self, embedding: list[float], k: int = 4, filter: Filter | None = None
    ) -> list[tuple[Document, float]]:
        """The `k` most similar documents (cosine) that pass the metadata filter, over every segment."""
        import faiss

        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        query = np.asarray([embedding], dtype=np.float32)
        query /= max(float(np.linalg.norm(query)), 1e-12)
        hits: list[tuple[float, int, int, _Segment]] = []
        for at, seg in enumerate(self._segments):
            if not len(seg):
                continue
            mask = seg.docs.filter_mask(filter)
            dead = self._dead.get(seg.name)
            if dead:
                mask = np.ones(len(seg), dtype=bool) if mask is None else mask.copy()
                mask[np.fromiter(dead, dtype=np.int64)] = False
            params = None
            if mask is not None:
                if not mask.any():
                    continue
                bits = np.packbits(mask, bitorder="little")
                selector = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits))  # kept alive with `bits`
                params = faiss.SearchParameters()
                params.sel = selector
            # a few more than k: FAISS breaks ties (twins' equal vectors) in no fixed order, so equal scores
            # are ordered here by segment and row — the order of insertion, however the segments are cut
            scores, rows = seg.index.search(query, min(k + TIE_MARGIN, len(seg)), params=params)
            hits += [(s, at, r, seg) for s, r in zip(scores[0].tolist(), rows[0].tolist(), strict=True) if r >= 0]
        hits.sort(key=lambda hit: (-hit[0], hit[1], hit[2]))
        return [(seg.docs.get(row), score) for score, _, row, seg in hits[:k]]

    def _select_relevance_score_fn(self) -> Callable[[float], float]:
        """Cosine similarity in [-1, 1] mapped to a relevance in [0, 1]."""
        return lambda score: (score + 1.0) / 2.0

    @classmethod
    def from_texts(
        cls,
        texts: list[str],
        embedding: Embeddings,
        metadatas: list[dict[str, Any]] | None = None,
        *,
        ids: list[str] | None = None,
        **kwargs: Any,
    ) -> FaissStore:
        """A new store holding these texts."""
        store = cls(embedding)
        store.add_texts(texts, metadatas, ids=ids)
        return store

    # -- persistence -------------------------------------------------------------------------------

    def _merge(self) -> None:
        """Merge segments when there are too many or too many dead rows (the merged one is written at save)."""
        plan = merge_plan(self._segments, sum(len(d) for d in self._dead.values()))
        if plan is None:
            return
        merged, kept = plan
        import faiss

        assert self._dim is not None
        target = _Segment(DocSegment(new_segment_name()), faiss.IndexFlatIP(self._dim))
        for seg in merged:
            live = [r for r in range(len(seg)) if not self._is_dead(seg, r)]
            if live:
                target.index.add(np.ascontiguousarray(seg.index.reconstruct_n(0, len(seg))[live]))
                target.docs.append([seg.docs.get(r) for r in live])
            self._dead.pop(seg.name, None)
        log.info("merged %d vector segments into one of %d rows", len(merged), len(target))
        self._segments = kept + [target]
        self._where = None

    def save(self, directory: str | Path) -> str:
        """Write the segments not yet in `directory` and a new state file; returns its version.

        Files of earlier versions are left as they were (see `prune`).
        """
        import faiss

        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        self._merge()
        for seg in self._segments:
            target = folder / seg.name
            if seg.docs.on_disk and (target / INDEX_FILE).exists():
                continue
            if seg.docs.on_disk:  # saved elsewhere before: copy its files
                assert self._folder is not None
                shutil.copytree(self._folder / seg.name, target, dirs_exist_ok=True)
                continue
            seg.docs.write(target)
            faiss.write_index(seg.index, str(target / INDEX_FILE))
        generation = SegmentLog(folder).commit(self.segments, self._dead, {"dim": self._dim})
        self._folder, self._generation = folder, generation
        return str(generation)

    def prune(self) -> None:
        """Remove the files of every other version than the last saved or loaded one."""
        if self._folder is not None and self._generation:
            SegmentLog(self._folder).prune(self._generation)

    @classmethod
    def load(cls, directory: str | Path, embeddings: Embeddings, version: str | None = None) -> FaissStore:
        """Open a version written by `save` (the newest when None), vectors memory-mapped."""
        import faiss

        folder = Path(directory)
        state = SegmentLog(folder).read(int(version) if version else None)
        store = cls(embeddings)
        store._folder, store._generation = folder, state.generation
        store._dim = state.extra.get("dim")
        flags = faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY
        for name in state.segments:
            docs = DocSegment.open(folder / name)
            index = faiss.read_index(str(folder / name / INDEX_FILE), flags)
            if index.ntotal != len(docs):
                raise ValueError(f"{folder / name}: {index.ntotal} vectors but {len(docs)} documents")
            store._segments.append(_Segment(docs, index))
        store._dead = {name: set(rows) for name, rows in state.dead.items()}
        return store

    def close(self) -> None:
        """Close the segments' files."""
        for seg in self._segments:
            seg.docs.close()

"""A narrow LangChain `VectorStore` on faiss-cpu: exact cosine search, metadata filters, JSON persistence."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import VectorStore

log = logging.getLogger(__name__)
INDEX_FILE = "faiss.index"
DOCS_FILE = "docs.json"
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


class FaissStore(VectorStore):
    """Documents and their vectors in a faiss `IndexIDMap2(IndexFlatIP)`; vectors are L2-normalised.

    Scores are cosine similarities. Ids and metadata persist as JSON beside `faiss.index`, never pickled.
    """

    def __init__(self, embeddings: Embeddings) -> None:
        self._embeddings = embeddings
        self._index: Any = None  # faiss.IndexIDMap2, created at the first add (the dimension is known then)
        self._docs: dict[int, Document] = {}  # faiss id -> document
        self._ids: dict[str, int] = {}  # document id -> faiss id
        self._next = 0

    @property
    def embeddings(self) -> Embeddings:
        """The embedding model the store was built with."""
        return self._embeddings

    def __len__(self) -> int:
        return len(self._docs)

    def documents(self) -> list[Document]:
        """Every stored document, in insertion order."""
        return list(self._docs.values())

    @property
    def ids(self) -> list[str]:
        """Every stored document id, in insertion order."""
        return list(self._ids)

    def _vectors(self, texts: list[str]) -> np.ndarray:
        """Embed and L2-normalise (faiss inner product is then cosine)."""
        matrix = np.asarray(self.embeddings.embed_documents(texts), dtype=np.float32)
        if matrix.ndim != 2 or len(matrix) != len(texts):
            raise ValueError(
                f"the embeddings returned {matrix.shape} for {len(texts)} texts; expected (n, dim)"
            )
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return np.ascontiguousarray(matrix / np.where(norms == 0, 1.0, norms))

    def _ensure_index(self, dim: int) -> Any:
        """The faiss index, created for `dim` on first use; a dimension mismatch is an error."""
        import faiss

        if self._index is None:
            self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        elif self._index.d != dim:
            raise ValueError(
                f"vectors of dimension {dim} cannot go into an index of dimension {self._index.d}"
            )
        return self._index

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
        self.delete([i for i in ids if i in self._ids])
        faiss_ids = np.arange(self._next, self._next + len(texts), dtype=np.int64)
        self._ensure_index(vectors.shape[1]).add_with_ids(vectors, faiss_ids)
        self._next += len(texts)
        for fid, doc_id, text, meta in zip(faiss_ids.tolist(), ids, texts, metadatas, strict=True):
            self._docs[fid] = Document(page_content=text, metadata=dict(meta), id=doc_id)
            self._ids[doc_id] = fid
        return ids

    def add_documents(self, documents: list[Document], **kwargs: Any) -> list[str]:
        """Add documents, keeping their ids (or the `ids` keyword, or fresh ones)."""
        ids = kwargs.pop("ids", None) or [d.id or uuid.uuid4().hex for d in documents]
        return self.add_texts(
            [d.page_content for d in documents], [d.metadata for d in documents], ids=ids, **kwargs
        )

    def delete(self, ids: list[str] | None = None, **kwargs: Any) -> bool | None:
        """Remove documents by id (unknown ids are ignored)."""
        import faiss

        if not ids:
            return True
        faiss_ids = [self._ids.pop(i) for i in ids if i in self._ids]
        if faiss_ids:
            self._index.remove_ids(faiss.IDSelectorBatch(np.asarray(faiss_ids, dtype=np.int64)))
            for fid in faiss_ids:
                del self._docs[fid]
        return True

    def get_by_ids(self, ids: Sequence[str], /) -> list[Document]:
        """The stored documents with these ids (unknown ids are skipped)."""
        return [self._docs[self._ids[i]] for i in ids if i in self._ids]

    def similarity_search_with_score_by_vector(
        self, embedding: list[float], k: int = 4, filter: Filter | None = None
    ) -> list[tuple[Document, float]]:
        """The `k` most similar documents (cosine) that pass the metadata filter; over-fetches when filtering."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        total = len(self._docs)
        if total == 0:
            return []
        query = np.asarray([embedding], dtype=np.float32)
        query /= max(float(np.linalg.norm(query)), 1e-12)
        fetch = min(total, k if not filter else max(4 * k, 64))
        while True:
            scores, fids = self._index.search(query, fetch)
            hits = [
                (self._docs[fid], float(score))
                for fid, score in zip(fids[0].tolist(), scores[0].tolist(), strict=True)
                if fid >= 0 and matches(self._docs[fid].metadata, filter)
            ]
            if len(hits) >= k or fetch >= total:
                return [(_copy(doc), score) for doc, score in hits[:k]]
            fetch = min(total, fetch * 4)

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

    def save(self, directory: str | Path) -> None:
        """Write `faiss.index` and `docs.json` (ids, contents, metadata) into a directory."""
        import faiss

        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        docs = list(self._docs.items())
        payload = {
            "dim": None if self._index is None else int(self._index.d),
            "next": self._next,
            "faiss_ids": [fid for fid, _ in docs],
            "ids": [doc.id for _, doc in docs],
            "contents": [doc.page_content for _, doc in docs],
            "metadatas": [doc.metadata for _, doc in docs],
        }
        if self._index is not None:
            faiss.write_index(self._index, str(folder / INDEX_FILE))
        (folder / DOCS_FILE).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path, embeddings: Embeddings) -> FaissStore:
        """Read a store written by `save` (JSON and a faiss index only: nothing is unpickled)."""
        import faiss

        folder = Path(directory)
        payload = json.loads((folder / DOCS_FILE).read_text(encoding="utf-8"))
        store = cls(embeddings)
        store._next = int(payload["next"])
        if payload["dim"] is not None:
            store._index = faiss.read_index(str(folder / INDEX_FILE))
            if store._index.ntotal != len(payload["ids"]):
                raise ValueError(
                    f"{folder}: faiss.index holds {store._index.ntotal} vectors but docs.json {len(payload['ids'])}"
                )
        rows = zip(
            payload["faiss_ids"], payload["ids"], payload["contents"], payload["metadatas"], strict=True
        )
        for fid, doc_id, text, meta in rows:
            store._docs[fid] = Document(page_content=text, metadata=meta, id=doc_id)
            store._ids[doc_id] = fid
        return store


def _copy(doc: Document) -> Document:
    """A copy callers may annotate (scores in metadata) without touching the stored document."""
    return Document(page_content=doc.page_content, metadata=dict(doc.metadata), id=doc.id)

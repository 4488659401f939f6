"""BM25 over jieba tokens (bm25s) as a LangChain retriever: exact terms, labels, numbers and names."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from index.store import Filter, matches

log = logging.getLogger(__name__)


def tokenize(text: str) -> list[str]:
    """Tokens of jieba's search mode, lowercased; whitespace and punctuation dropped, numbers kept ('98.69%')."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary loading at INFO on every first use
    tokens = (t.strip().lower() for t in jieba.lcut_for_search(text))
    return [t for t in tokens if any(ch.isalnum() for ch in t)]


class BM25Retriever(BaseRetriever):
    """Okapi BM25 (bm25s, Lucene variant) over a list of documents; score in `metadata['score']`.

    Only documents sharing at least one token with the query are returned. Pass `filter={...}` to
    `invoke` to keep documents whose metadata match (equality, or membership for a list value).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    documents: list[Document]
    k: int = 5
    _bm25: Any = PrivateAttr(default=None)

    def model_post_init(self, context: Any, /) -> None:
        """Tokenize the documents and build the index (fast: rebuilt on every load instead of persisted)."""
        if self.k < 1:
            raise ValueError(f"k must be at least 1, got {self.k}")
        if not self.documents:
            return
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG

        bm25 = bm25s.BM25()
        bm25.index([tokenize(d.page_content) for d in self.documents], show_progress=False)
        self._bm25 = bm25

    @classmethod
    def from_documents(cls, documents: list[Document], k: int = 5) -> BM25Retriever:
        """A retriever over these documents returning the top `k`."""
        return cls(documents=list(documents), k=k)

    def scores(self, query: str, filter: Filter | None = None) -> np.ndarray:
        """The BM25 score of every document for a query (0 where filtered out or sharing no token)."""
        scores = np.zeros(len(self.documents), dtype=np.float32)
        tokens = tokenize(query)
        if self._bm25 is None or not tokens:
            return scores
        ids = self._bm25.get_tokens_ids(tokens)
        if not ids:
            return scores
        scores = np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)
        if filter:
            mask = np.fromiter((matches(d.metadata, filter) for d in self.documents), dtype=bool)
            scores = np.where(mask, scores, 0.0).astype(np.float32)
        return scores

    def search(self, query: str, k: int | None = None, filter: Filter | None = None) -> list[Document]:
        """The top `k` documents (default `self.k`), best first, with `metadata['score']`."""
        k = self.k if k is None else k
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        scores = self.scores(query, filter)
        positive = np.flatnonzero(scores > 0)
        top = positive[np.argsort(-scores[positive], kind="stable")][:k]
        results = []
        for i in top.tolist():
            doc = self.documents[i]
            meta = {**doc.metadata, "score": float(scores[i])}
            results.append(Document(page_content=doc.page_content, metadata=meta, id=doc.id))
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

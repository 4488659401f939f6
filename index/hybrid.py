"""Dense (FAISS) and sparse (BM25) retrieval fused by reciprocal rank into one LangChain retriever."""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, model_validator

from index.bm25 import BM25Retriever
from index.store import FaissStore, Filter

RRF_K = 60


def reciprocal_rank_fusion(rankings: list[list[Document]], k: int = RRF_K) -> list[tuple[Document, float]]:
    """Documents of several best-first rankings by sum of 1 / (k + rank); the first copy of each doc is kept."""
    fused: dict[str, tuple[Document, float]] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            key = doc.id or doc.page_content
            first, score = fused.get(key, (doc, 0.0))
            fused[key] = (first, score + 1.0 / (k + rank))
    return sorted(fused.values(), key=lambda pair: pair[1], reverse=True)


class FusedRetriever(BaseRetriever):
    """A retriever returning the top `k` of rankings `fetch_k` deep fused by reciprocal rank (`rrf_k`)."""

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    k: int = 5
    fetch_k: int = 20
    rrf_k: int = RRF_K

    @model_validator(mode="after")
    def _check_sizes(self) -> FusedRetriever:
        """`k` and `fetch_k` must be positive, and `fetch_k` at least `k`."""
        if not 1 <= self.k <= self.fetch_k:
            raise ValueError(f"need 1 <= k <= fetch_k, got k={self.k}, fetch_k={self.fetch_k}")
        return self

    def depths(self, k: int | None) -> tuple[int, int]:
        """How many to return (`k` overrides the retriever's own) and how deep each ranking is read."""
        top = self.k if k is None else k
        return top, max(self.fetch_k, top)


class HybridRetriever(FusedRetriever):
    """Top `k` of dense and BM25 results (each `fetch_k` deep) fused by reciprocal rank; `metadata['rrf']`.

    `invoke(query, filter={...})` applies the same metadata filter to both retrievers.
    """

    store: FaissStore
    bm25: BM25Retriever

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        filter: Filter | None = None,
        k: int | None = None,
    ) -> list[Document]:
        """Fuse the two rankings for a query (`k` overrides the retriever's own)."""
        top, fetch = self.depths(k)
        dense = []
        for doc, score in self.store.similarity_search_with_score(query, k=fetch, filter=filter):
            doc.metadata["dense_score"] = score
            dense.append(doc)
        sparse = self.bm25.search(query, k=fetch, filter=filter)
        bm25_scores = {doc.id: doc.metadata.pop("score") for doc in sparse}
        for doc in sparse:
            doc.metadata["bm25_score"] = bm25_scores[doc.id]
        results = []
        for doc, score in reciprocal_rank_fusion([dense, sparse], self.rrf_k)[:top]:
            if doc.id in bm25_scores:  # a dense hit that BM25 found too carries both scores
                doc.metadata["bm25_score"] = bm25_scores[doc.id]
            doc.metadata["rrf"] = score
            results.append(doc)
        return results

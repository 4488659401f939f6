from __future__ import annotations

import pytest
from langchain_core.documents import Document

from index import BM25Retriever, FaissStore, FakeEmbeddings, HybridRetriever
from index.hybrid import reciprocal_rank_fusion

DOCS = [
    Document(
        page_content="本年新收政府信息公开申请118件", metadata={"report_id": "a", "year": 2023}, id="new"
    ),
    Document(
        page_content="因属于行政查询事项不予公开2件", metadata={"report_id": "a", "year": 2024}, id="query"
    ),
    Document(page_content="结转下年度继续办理5件", metadata={"report_id": "b", "year": 2024}, id="carry"),
    Document(page_content="热线满意率98.69%", metadata={"report_id": "c", "year": 2020}, id="hotline"),
]


@pytest.fixture
def hybrid() -> HybridRetriever:
    store = FaissStore(FakeEmbeddings())
    store.add_documents(DOCS)
    return HybridRetriever(store=store, bm25=BM25Retriever.from_documents(DOCS), k=2, fetch_k=4)


def test_reciprocal_rank_fusion_ranks_documents_found_by_both_first() -> None:
    a, b, c = (Document(page_content=x, id=x) for x in "abc")
    fused = reciprocal_rank_fusion([[a, b], [c, b]])
    assert [d.id for d, _ in fused] == ["b", "a", "c"]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 62)
    assert fused[1][1] == pytest.approx(1 / 61)


def test_hybrid_returns_top_k_with_rrf_scores(hybrid: HybridRetriever) -> None:
    docs = hybrid.invoke("行政查询事项不予公开")
    assert [d.id for d in docs][0] == "query" and len(docs) == 2
    assert docs[0].metadata["rrf"] >= docs[1].metadata["rrf"] > 0
    assert "dense_score" in docs[0].metadata and "bm25_score" in docs[0].metadata


def test_hybrid_applies_the_filter_kwarg_to_both_retrievers(hybrid: HybridRetriever) -> None:
    docs = hybrid.invoke("行政查询事项不予公开", filter={"report_id": ["b", "c"]})
    assert {d.metadata["report_id"] for d in docs} <= {"b", "c"} and docs
    assert [d.id for d in hybrid.invoke("申请", filter={"year": 2023})] == ["new"]


def test_hybrid_k_kwarg_overrides_the_default(hybrid: HybridRetriever) -> None:
    assert len(hybrid.invoke("件", k=4)) == 4


def test_hybrid_leaves_stored_documents_unannotated(hybrid: HybridRetriever) -> None:
    hybrid.invoke("结转")
    assert all("rrf" not in d.metadata for d in hybrid.store.documents())
    assert all("score" not in d.metadata for d in DOCS)


def test_k_larger_than_fetch_k_is_rejected(hybrid: HybridRetriever) -> None:
    with pytest.raises(ValueError, match="k <= fetch_k"):
        HybridRetriever(store=hybrid.store, bm25=hybrid.bm25, k=5, fetch_k=3)

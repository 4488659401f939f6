from __future__ import annotations

import pytest
from langchain_core.documents import Document

from index import BM25Retriever
from index.bm25 import tokenize

DOCS = [
    Document(page_content="本年新收政府信息公开申请118件", metadata={"year": 2023}, id="new"),
    Document(page_content="因属于行政查询事项不予公开2件", metadata={"year": 2024}, id="query"),
    Document(page_content="结转下年度继续办理5件", metadata={"year": 2024}, id="carry"),
    Document(page_content="热线满意率98.69%", metadata={"year": 2020}, id="hotline"),
]


@pytest.fixture(scope="module")
def bm25() -> BM25Retriever:
    return BM25Retriever.from_documents(DOCS, k=2)


def test_tokens_drop_punctuation_and_whitespace_and_keep_numbers() -> None:
    tokens = tokenize("热线满意率 98.69%，共118件！ABC")
    assert "98.69%" in tokens and "118" in tokens and "abc" in tokens
    assert not [t for t in tokens if not t.strip() or t in "，！%"]


def test_query_for_a_label_returns_its_document_first(bm25: BM25Retriever) -> None:
    assert [d.id for d in bm25.invoke("行政查询事项")] == ["query"]
    assert bm25.invoke("结转下年度继续办理")[0].id == "carry"


def test_query_for_a_number_finds_it(bm25: BM25Retriever) -> None:
    assert [d.id for d in bm25.invoke("98.69%")] == ["hotline"]
    assert [d.id for d in bm25.invoke("118件申请")][0] == "new"


def test_scores_are_in_metadata_best_first(bm25: BM25Retriever) -> None:
    docs = bm25.invoke("申请不予公开")
    scores = [d.metadata["score"] for d in docs]
    assert len(docs) == 2 and scores == sorted(scores, reverse=True) and scores[-1] > 0
    assert "score" not in DOCS[0].metadata


def test_filter_kwarg_keeps_matching_metadata(bm25: BM25Retriever) -> None:
    assert [d.id for d in bm25.invoke("申请公开", filter={"year": 2023})] == ["new"]
    assert [d.id for d in bm25.invoke("件", filter={"year": [2020, 2024]})] == ["carry", "query"]
    assert bm25.invoke("行政查询事项", filter={"year": 2023}) == []


def test_k_kwarg_overrides_the_default(bm25: BM25Retriever) -> None:
    assert len(bm25.invoke("件", k=3)) == 3


def test_query_sharing_no_token_returns_nothing(bm25: BM25Retriever) -> None:
    assert bm25.invoke("天气预报") == []
    assert bm25.invoke("，。！") == []


def test_empty_corpus_returns_nothing() -> None:
    assert BM25Retriever.from_documents([]).invoke("申请") == []


def test_k_below_one_is_rejected() -> None:
    with pytest.raises(ValueError, match="k must be at least 1"):
        BM25Retriever.from_documents(DOCS, k=0)

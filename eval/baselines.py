"""Baselines scored side by side: the plain LangChain recipe and BM25 alone."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

from langchain_core.documents import Document
from tqdm import tqdm

from eval.gold import GoldItem
from eval.scoring import evidence_in, percentile, rate, squash


class Baseline(Protocol):
    """A retriever that returns the texts of its top k for a question."""

    name: str

    def search(self, question: str, k: int, reports: list[str] | None) -> list[str]:
        """Texts of the top k chunks (restricted to these report ids when given)."""
        ...


def plain_chunks(index: Any) -> list[Document]:
    """RecursiveCharacterTextSplitter(500, 50) over each report's text, as the plain recipe does."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
    docs = []
    for rid, report in sorted(index.reports.items()):
        for n, chunk in enumerate(splitter.split_text(report.text)):
            docs.append(Document(page_content=chunk, metadata={"report_id": rid}, id=f"{rid}#{n}"))
    return docs


@dataclass
class PlainRecipe:
    """RecursiveCharacterTextSplitter(500, 50) + a flat FAISS index + the same embedding model, top k."""

    store: Any
    name: str = "plain LangChain recipe"

    def search(self, question: str, k: int, reports: list[str] | None) -> list[str]:
        """Dense top k."""
        docs = self.store.similarity_search(question, k=k, filter={"report_id": reports} if reports else None)
        return [d.page_content for d in docs]


@dataclass
class BM25Alone:
    """BM25 over jieba tokens of the same plain chunks, top k."""

    retriever: Any
    name: str = "BM25 alone"

    def search(self, question: str, k: int, reports: list[str] | None) -> list[str]:
        """Sparse top k."""
        docs = self.retriever.search(question, k=k, filter={"report_id": reports} if reports else None)
        return [d.page_content for d in docs]


def build_baselines(index: Any, progress: bool = True) -> list[Baseline]:
    """Both baselines over a corpus index's reports (the plain recipe embeds its own chunks)."""
    from index import BM25Retriever, FaissStore

    docs = plain_chunks(index)
    store = FaissStore(index.embeddings)
    store.add_documents(docs, ids=[d.id for d in docs if d.id])
    return [PlainRecipe(store), BM25Alone(BM25Retriever.from_documents(docs))]


def _baseline_checks(item: GoldItem) -> bool:
    """Whether a retriever's top k can be checked for the item: not abstain, clarify, conversation or order items."""
    return not (item.abstain or item.clarify or item.history or item.order)


def _contains(needle: str, texts: list[str]) -> bool:
    return any(squash(needle) in squash(t) for t in texts)


def _baseline_hit(item: GoldItem, texts: list[str]) -> bool:
    """Best case: the evidence, the expected figure or the expected strings are in the top k."""
    if evidence_in(item, texts):
        return True
    figure = item.value if item.value is not None else item.pct
    if figure is not None and any(_figure_text(figure) in t for t in texts):
        return True
    if item.text_all:
        return all(_contains(x, texts) for x in item.text_all)
    return any(_contains(x, texts) for x in (item.text, *item.text_any) if x)


def score_baseline(baseline: Baseline, items: list[GoldItem], k: int, progress: bool) -> dict[str, Any]:
    """The best any answerer could do with the baseline's top k: the evidence or the figure is in it."""
    by_type: dict[str, list[bool]] = {}
    by_kind: dict[str, list[bool]] = {}
    latencies = []
    for item in tqdm(items, desc=baseline.name, unit="q", disable=not progress):
        if not _baseline_checks(item):
            continue  # a retriever cannot abstain, ask back or follow a conversation
        started = time.perf_counter()
        texts = baseline.search(item.question, k, list(item.reports) or None)
        latencies.append((time.perf_counter() - started) * 1000)
        hit = _baseline_hit(item, texts)
        if item.type:
            by_type.setdefault(item.type, []).append(hit)
        by_kind.setdefault(item.kind, []).append(hit)
    flat = [x for v in by_kind.values() for x in v]
    return {
        "n": len(flat),
        "accuracy_answerable": rate(flat),
        "by_type": {t: rate(v) for t, v in by_type.items()},
        "by_kind": {t: rate(v) for t, v in by_kind.items()},
        "latency_ms": {"p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95)},
        "note": "best case: counted correct when the evidence or the expected figure is in the top k; "
        "unanswerable, clarify, conversation (history) and order items excluded",
    }


def _figure_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"

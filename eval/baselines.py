"""Baselines scored side by side: the plain LangChain recipe and BM25 alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from langchain_core.documents import Document


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

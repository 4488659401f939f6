"""Indexing and retrieval for reportqa."""

from index.bm25 import BM25Retriever
from index.chunks import chunk_report
from index.corpus_index import CorpusIndex, IndexSummary
from index.embeddings import FakeEmbeddings, SentenceTransformerEmbeddings, make_embeddings
from index.hybrid import HybridRetriever
from index.store import FaissStore

__all__ = [
    "BM25Retriever",
    "CorpusIndex",
    "FaissStore",
    "FakeEmbeddings",
    "HybridRetriever",
    "IndexSummary",
    "SentenceTransformerEmbeddings",
    "chunk_report",
    "make_embeddings",
]

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import index


def test_index_public_api_is_pinned() -> None:
    assert sorted(index.__all__) == [
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


def test_importing_index_loads_no_heavy_dependency() -> None:
    code = (
        "import sys, index; "
        "print(','.join(m for m in ('faiss', 'torch', 'sentence_transformers', 'bm25s', 'jieba') if m in sys.modules))"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""

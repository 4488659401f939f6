"""Run by tests/test_milvus_store.py: update a Milvus-backed index, and stall halfway through one insert.

Usage: `python milvus_worker.py CORPUS HOME SIGNAL INSERTS` (REPORTQA_VECTOR_STORE names the Milvus). After
INSERTS complete inserts, the next one writes half its chunks, then SIGNAL says "stalled" and the process
waits to be killed; "finished" there means the update ran to its end (the test then fails).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from index import CorpusIndex, FakeEmbeddings, corpus_index as corpus_index_module
from index.milvus_store import MilvusStore


def main(corpus: Path, home: Path, signal: Path, inserts: int) -> None:
    """Open (and so update) the index with inserts of 16 chunks, the last one cut in half."""
    corpus_index_module.EMBED_BATCH = 16
    original = MilvusStore.add_texts
    calls = 0

    def stalling(self: MilvusStore, texts: Any, metadatas: Any = None, *, ids: Any = None, **kw: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls <= inserts:
            return original(self, texts, metadatas, ids=ids, **kw)
        half = len(list(texts)) // 2
        original(self, list(texts)[:half], list(metadatas)[:half], ids=list(ids)[:half])
        signal.write_text("stalled", encoding="utf-8")
        time.sleep(600)

    MilvusStore.add_texts = stalling  # type: ignore[method-assign]
    CorpusIndex.open(corpus, FakeEmbeddings(), home, progress=False)
    signal.write_text("finished", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))

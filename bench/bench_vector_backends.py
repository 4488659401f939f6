"""The passage store's own cost, FAISS vs Milvus Lite (embedded `.db`, and serving over gRPC), side by side.

    HF_HUB_OFFLINE=1 PYTHONPATH=. .venv/bin/python bench/bench_vector_backends.py [--repeat 5]

The bundled corpus is indexed with the fake embedder (so embedding time, the same for every store, does
not hide the store's), then reopened, then asked the same hybrid retrieval questions (k=5, fetch_k=20).
Prints a markdown table and writes bench/results/vector_backends.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
RESULTS = ROOT / "bench" / "results" / "vector_backends.json"
QUESTIONS = [
    "热线满意率",
    "上海市司法局政府信息公开受理点的地址",
    "法律援助总数",
    "沭阳县政府门户网站主动公开政府信息条数",
    "因属于行政查询事项不予公开",
    "行政复议被纠错",
    "政府信息公开工作存在的主要问题及改进情况",
    "依申请公开 答复",
]


def run(store: str, home: Path, repeat: int) -> dict[str, Any]:
    """Build, reopen and query one backend; seconds and milliseconds."""
    from corpus.collection import BUNDLED_CORPUS
    from index import CorpusIndex, FakeEmbeddings

    os.environ["REPORTQA_VECTOR_STORE"] = store
    started = time.perf_counter()
    index = CorpusIndex.open(BUNDLED_CORPUS, FakeEmbeddings(), home, progress=False)
    build = time.perf_counter() - started
    started = time.perf_counter()
    index = CorpusIndex.open(BUNDLED_CORPUS, FakeEmbeddings(), home, progress=False)
    reopen = time.perf_counter() - started
    retriever = index.retriever(k=5, fetch_k=20)
    retriever.invoke(QUESTIONS[0])  # warm-up: jieba's dictionary, connections
    times = []
    for _ in range(repeat):
        for question in QUESTIONS:
            started = time.perf_counter()
            retriever.invoke(question)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "build_s": round(build, 2),
        "reopen_s": round(reopen, 3),
        "query_p50_ms": round(statistics.median(times), 1),
        "query_p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "chunks": len(index.store),
        "queries": len(times),
    }


def main() -> None:
    """Run the three backends in one process, one after the other."""
    from milvus_server import MilvusLiteServer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds over the questions")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        results["faiss"] = run("faiss", base / "faiss", args.repeat)
        results["milvus-lite .db"] = run(str(base / "passages.db"), base / "db", args.repeat)
        with MilvusLiteServer(base / "server") as server:
            results["milvus-lite gRPC"] = run(server.uri, base / "grpc", args.repeat)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print("| store | build (s) | reopen (s) | hybrid query p50 / p95 (ms) | chunks |")
    print("|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['build_s']} | {r['reopen_s']} | {r['query_p50_ms']} / {r['query_p95_ms']} | {r['chunks']} |")


if __name__ == "__main__":
    main()

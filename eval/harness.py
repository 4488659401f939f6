"""Run the gold set through reportqa and the baselines; compute the metrics of the README table."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

from eval.baselines import Baseline, build_baselines
from eval.gold import TYPES, GoldItem
from eval.scoring import cites_figure, evidence_in, is_correct


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1)


def _rate(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


@dataclass
class EvalResult:
    """Per-item outcomes and the metrics computed from them."""

    k: int
    items: list[dict[str, Any]] = field(default_factory=list)
    baselines: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The `reportqa eval --json` object."""
        items = self.items
        by_type = {
            t: {"n": len(group), "accuracy": _rate([i["correct"] for i in group])}
            for t in TYPES
            if (group := [i for i in items if i["type"] == t])
        }
        values = [i for i in items if i["kind"] == "value"]
        cited = [c for i in items if (c := i["cites_figure"]) is not None]
        recall = [i["retrieved"] for i in items if i["retrieved"] is not None]
        latencies = [i["answer"]["timings_ms"].get("total", 0.0) for i in items]
        by_route: dict[str, list[float]] = {}
        for i in items:
            by_route.setdefault(i["answer"]["route"], []).append(i["answer"]["timings_ms"].get("total", 0.0))
        return {
            "n": len(items),
            "k": self.k,
            "accuracy": _rate([i["correct"] for i in items]),
            "value_accuracy": _rate([i["correct"] for i in values]),
            "abstention_accuracy": _rate([i["answer"]["abstained"] == (i["type"] == "unanswerable") for i in items]),
            "citation_precision": _rate(cited),
            "recall_at_k": _rate(recall),
            "latency_ms": {"p50": _percentile(latencies, 0.5), "p95": _percentile(latencies, 0.95)},
            "latency_ms_by_route": {r: {"p50": _percentile(v, 0.5), "p95": _percentile(v, 0.95), "n": len(v)} for r, v in by_route.items()},
            "by_type": by_type,
            "baselines": self.baselines,
            "items": [{k: v for k, v in i.items() if k != "kind"} for i in items],
        }


def _kind(item: GoldItem) -> str:
    return "abstain" if item.abstain else "value" if item.value is not None else "text"


def _retrieval_hit(assistant: Any, item: GoldItem) -> bool | None:
    """Whether the evidence is in reportqa's top k (prose items; tables and comparisons answer from cells)."""
    if item.type not in ("prose", "prose-number") or not item.evidence:
        return None
    docs = assistant.retrieve(item.question, reports=list(item.reports) or None)
    return evidence_in(item, [d.page_content + " " + str(d.metadata.get("quote", "")) for d in docs])


def run_eval(assistant: Any, items: list[GoldItem], k: int = 5, baselines: bool = True, progress: bool = True) -> EvalResult:
    """Ask every gold question (each restricted to its `reports`), score it, and score the baselines."""
    result = EvalResult(k=k)
    for item in tqdm(items, desc="reportqa", unit="q", disable=not progress):
        answer = assistant.ask(item.question, reports=list(item.reports) or None).to_dict()
        result.items.append(
            {
                "id": item.id,
                "type": item.type,
                "kind": _kind(item),
                "correct": is_correct(item, answer),
                "cites_figure": cites_figure(answer),
                "retrieved": _retrieval_hit(assistant, item),
                "answer": answer,
            }
        )
    if baselines:
        for baseline in build_baselines(assistant.index, progress=progress):
            result.baselines[baseline.name] = score_baseline(baseline, items, k, progress)
    return result


def score_baseline(baseline: Baseline, items: list[GoldItem], k: int, progress: bool) -> dict[str, Any]:
    """The best any answerer could do with the baseline's top k: the evidence or the figure is in it."""
    outcomes: dict[str, list[bool]] = {}
    latencies = []
    for item in tqdm(items, desc=baseline.name, unit="q", disable=not progress):
        if item.abstain:
            continue  # a retriever cannot abstain; scored on answerable items only
        started = time.perf_counter()
        texts = baseline.search(item.question, k, list(item.reports) or None)
        latencies.append((time.perf_counter() - started) * 1000)
        hit = evidence_in(item, texts)
        if not hit and item.value is not None:
            hit = any(_figure_text(item.value) in t for t in texts)
        if not hit and (item.text or item.text_any):
            hit = any(evidence_in(GoldItem("", "", "", evidence=x), texts) for x in (item.text, *item.text_any) if x)
        outcomes.setdefault(item.type, []).append(hit)
    flat = [x for v in outcomes.values() for x in v]
    return {
        "accuracy_answerable": _rate(flat),
        "by_type": {t: _rate(v) for t, v in outcomes.items()},
        "latency_ms": {"p50": _percentile(latencies, 0.5), "p95": _percentile(latencies, 0.95)},
        "note": "best case: counted correct when the evidence or the expected figure is in the top k; unanswerable items excluded",
    }


def _figure_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"

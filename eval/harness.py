"""Run the gold set through reportqa and the baselines; compute the metrics of the README table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

from eval.baselines import build_baselines, score_baseline
from eval.gold import TYPES, GoldItem
from eval.scoring import OUTCOMES, cites_figure, evidence_in, is_correct, outcome, percentile, rate


def _latency(item: dict[str, Any]) -> float:
    """The scored question's own time (for a conversation, its last question only)."""
    return float(item["answer"].get("timings_ms", {}).get("total", 0.0))


def _latencies(group: list[dict[str, Any]], with_n: bool = True) -> dict[str, Any]:
    values = [_latency(i) for i in group]
    stats: dict[str, Any] = {"p50": percentile(values, 0.5), "p95": percentile(values, 0.95)}
    return {**stats, "n": len(values)} if with_n else stats


def _grouped(items: list[dict[str, Any]], key: Callable[[dict[str, Any]], str | None]) -> dict[str, list[dict[str, Any]]]:
    """Items by a key (None: left out), the five types first in their order, then others as they first appear."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for i in items:
        if (name := key(i)) is not None:
            groups.setdefault(name, []).append(i)
    rank = {t: n for n, t in enumerate(TYPES)}
    return dict(sorted(groups.items(), key=lambda kv: rank.get(kv[0], len(TYPES))))


def _counts(group: list[dict[str, Any]]) -> dict[str, int]:
    return {o: sum(i["outcome"] == o for i in group) for o in OUTCOMES}


def _share(count: int, n: int) -> float | None:
    return round(count / n, 4) if n else None


def _clarified(group: list[dict[str, Any]]) -> int:
    """Of the items not right, how many were asked back about (a clarification with choices, no figure)."""
    return sum(i["outcome"] == "abstained" and bool(i["answer"].get("clarify")) for i in group)


def _by_kind_row(group: list[dict[str, Any]]) -> dict[str, Any]:
    """One kind's row: how many items, each outcome's count, accuracy, wrong rate and latency.

    `clarified` counts the abstentions that asked back with choices (they are also in `abstained`).
    """
    counts, n = _counts(group), len(group)
    return {
        "n": n,
        **counts,
        "clarified": _clarified(group),
        "accuracy": _share(counts["right"], n),
        "wrong_rate": _share(counts["wrong"], n),
        "latency_ms": _latencies(group, with_n=False),
    }


@dataclass
class EvalResult:
    """Per-item outcomes and the metrics computed from them."""

    k: int
    items: list[dict[str, Any]] = field(default_factory=list)
    baselines: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The `reportqa eval --json` object."""
        items, n = self.items, len(self.items)
        figures = [i for i in items if i["_expects"] in ("value", "pct")]
        cited = [c for i in items if (c := i["cites_figure"]) is not None]
        recall = [i["retrieved"] for i in items if i["retrieved"] is not None]
        plain = [i for i in items if i["_expects"] != "clarify"]  # asking back is neither an answer nor an abstention
        by_kind = _grouped(items, lambda i: i["kind"])
        return {
            "n": n,
            "k": self.k,
            "accuracy": rate([i["outcome"] == "right" for i in items]),
            **{o: {"count": c, "rate": _share(c, n)} for o, c in _counts(items).items()},
            "clarified": {"count": _clarified(items), "rate": _share(_clarified(items), n)},
            "wrong_items": [{"id": i["id"], "question": i["answer"].get("question"), "answer": i["answer"].get("answer"),
                             "understood": i["answer"].get("understood")} for i in items if i["outcome"] == "wrong"],
            "value_accuracy": rate([i["correct"] for i in figures]),
            "abstention_accuracy": rate([i["answer"]["abstained"] == (i["_expects"] == "abstain") for i in plain]),
            "citation_precision": rate(cited),
            "recall_at_k": rate(recall),
            "latency_ms": _latencies(items, with_n=False),
            "latency_ms_by_route": {r: _latencies(g) for r, g in _grouped(items, lambda i: i["answer"]["route"]).items()},
            "latency_ms_by_kind": {kind: _latencies(g) for kind, g in by_kind.items()},
            "by_kind": {kind: _by_kind_row(g) for kind, g in by_kind.items()},
            "by_type": {
                t: {"n": len(g), "accuracy": rate([i["correct"] for i in g])}
                for t, g in _grouped(items, lambda i: i["type"]).items()
            },
            "baselines": self.baselines,
            "items": [{k: v for k, v in i.items() if not k.startswith("_")} for i in items],
        }


def _retrieval_hit(assistant: Any, item: GoldItem) -> bool | None:
    """Whether the evidence is in reportqa's top k (prose items; tables and comparisons answer from cells)."""
    if (item.type or item.kind) not in ("prose", "prose-number") or not item.evidence or item.history:
        return None
    docs = assistant.retrieve(item.question, reports=list(item.reports) or None)
    return evidence_in(item, [d.page_content + " " + str(d.metadata.get("quote", "")) for d in docs])


def ask_item(assistant: Any, item: GoldItem) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Ask a conversation's earlier questions in order, each with the Answers so far, then the item's own.

    Returns the scored (last) answer and the earlier ones, as `ask --json` objects.
    """
    reports = list(item.reports) or None
    history: list[Any] = []
    for question in item.history:
        history.append(assistant.ask(question, history=list(history) or None, reports=reports))
    answer = assistant.ask(item.question, history=list(history) or None, reports=reports)
    return answer.to_dict(), [a.to_dict() for a in history]


def score_item(item: GoldItem, answer: dict[str, Any], earlier: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One row of `items`: the item's kind and outcome and the answer it was scored on (earlier ones too)."""
    row: dict[str, Any] = {
        "id": item.id,
        "type": item.type,
        "kind": item.kind,
        "outcome": outcome(item, answer),
        "correct": is_correct(item, answer),
        "cites_figure": cites_figure(answer),
        "retrieved": None,
        "answer": answer,
        "_expects": item.expects,
    }
    if earlier:
        row["history"] = earlier
    return row


def run_eval(assistant: Any, items: list[GoldItem], k: int = 5, baselines: bool = True, progress: bool = True) -> EvalResult:
    """Ask every gold question (each restricted to its `reports`), score it, and score the baselines."""
    result = EvalResult(k=k)
    for item in tqdm(items, desc="reportqa", unit="q", disable=not progress):
        answer, earlier = ask_item(assistant, item)
        row = score_item(item, answer, earlier)
        row["retrieved"] = _retrieval_hit(assistant, item)
        result.items.append(row)
    if baselines:
        for baseline in build_baselines(assistant.index, progress=progress):
            result.baselines[baseline.name] = score_baseline(baseline, items, k, progress)
    return result

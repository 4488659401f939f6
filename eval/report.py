"""The tables printed by `reportqa eval`: outcomes per kind, then reportqa vs the baselines per type."""

from __future__ import annotations

from typing import Any


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _share(count: int, n: int) -> str:
    return _pct(count / n if n else None)


def _row(cells: list[Any]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def kind_table(result: dict[str, Any]) -> list[str]:
    """Per kind: n, right, wrong and abstained shares, and p50 latency; then all items."""
    lines = [_row(["kind", "n", "right", "wrong", "abstained", "of which clarified", "p50 ms"]), _row(["---"] * 7)]
    for kind, row in result["by_kind"].items():
        n = row["n"]
        shares = [_share(row[o], n) for o in ("right", "wrong", "abstained", "clarified")]
        lines.append(_row([kind, n, *shares, row["latency_ms"]["p50"]]))
    n = result["n"]
    right, wrong, abstained, clarified = (_share(result[o]["count"], n) for o in ("right", "wrong", "abstained", "clarified"))
    lines.append(_row(["**all**", n, f"**{right}**", wrong, abstained, clarified, result["latency_ms"]["p50"]]))
    return lines


def wrong_lines(result: dict[str, Any]) -> list[str]:
    """Every wrong item: its question, the answer given, and what the question was understood as."""
    wrong = result.get("wrong_items", [])
    if not wrong:
        return ["wrong answers: none"]
    lines = [f"wrong answers ({len(wrong)}):"]
    for item in wrong:
        lines.append(f"- {item['id']}: {item['question']}")
        lines.append(f"  answered: {(item['answer'] or '')[:200]}")
        lines.append(f"  {item['understood'] or '（无理解记录）'}")
    return lines


def type_table(result: dict[str, Any]) -> list[str]:
    """Per type (items that have one): reportqa's accuracy and each baseline's best case, side by side."""
    if not result["by_type"] and not result["baselines"]:
        return []
    names = list(result["baselines"])
    lines = [_row(["type", "n", "reportqa", *names]), _row(["---"] * (3 + len(names)))]
    for t, row in result["by_type"].items():
        base = ["n/a" if t == "unanswerable" else _pct(result["baselines"][n]["by_type"].get(t)) for n in names]
        lines.append(_row([t, row["n"], _pct(row["accuracy"]), *base]))
    base_all = [_pct(result["baselines"][n]["accuracy_answerable"]) + " (answerable)" for n in names]
    lines.append(_row(["**all**", result["n"], f"**{_pct(result['accuracy'])}**", *base_all]))
    return lines


def metrics_lines(result: dict[str, Any]) -> list[str]:
    """The other metrics in one line, then latency per route."""
    lines = [
        f"value accuracy {_pct(result['value_accuracy'])} · abstention accuracy {_pct(result['abstention_accuracy'])} · "
        f"citation precision {_pct(result['citation_precision'])} · recall@{result['k']} {_pct(result['recall_at_k'])} · "
        f"latency p50 {result['latency_ms']['p50']} ms, p95 {result['latency_ms']['p95']} ms"
    ]
    for route, lat in result.get("latency_ms_by_route", {}).items():
        lines.append(f"  {route} route: p50 {lat['p50']} ms, p95 {lat['p95']} ms (n={lat['n']})")
    return lines


def format_table(result: dict[str, Any]) -> str:
    """Markdown: the per-kind outcome table, the per-type table with baselines, the metrics, every wrong answer."""
    blocks = [kind_table(result), type_table(result), metrics_lines(result), wrong_lines(result)]
    return "\n\n".join("\n".join(block) for block in blocks if block)

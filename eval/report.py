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
    lines = [_row(["kind", "n", "right", "wrong", "abstained", "p50 ms"]), _row(["---"] * 6)]
    for kind, row in result["by_kind"].items():
        n = row["n"]
        shares = [_share(row[o], n) for o in ("right", "wrong", "abstained")]
        lines.append(_row([kind, n, *shares, row["latency_ms"]["p50"]]))
    n = result["n"]
    right, wrong, abstained = (_share(result[o]["count"], n) for o in ("right", "wrong", "abstained"))
    lines.append(_row(["**all**", n, f"**{right}**", wrong, abstained, result["latency_ms"]["p50"]]))
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
    """Markdown: the per-kind outcome table, the per-type table with baselines, then the metrics."""
    blocks = [kind_table(result), type_table(result), metrics_lines(result)]
    return "\n\n".join("\n".join(block) for block in blocks if block)

"""The side-by-side table printed by `reportqa eval`."""

from __future__ import annotations

from typing import Any

from eval.gold import TYPES


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def format_table(result: dict[str, Any]) -> str:
    """A markdown table: reportqa vs each baseline, per type, then the other metrics."""
    lines: list[str] = []
    print = lines.append  # noqa: A001 - collect the lines the table is made of
    names = list(result["baselines"])
    print("| type | n | reportqa | " + " | ".join(names) + " |")
    print("|---|---|---|" + "---|" * len(names))
    for t in TYPES:
        row = result["by_type"].get(t)
        if not row:
            continue
        base = [_pct(result["baselines"][n]["by_type"].get(t)) if t != "unanswerable" else "n/a" for n in names]
        print(f"| {t} | {row['n']} | {_pct(row['accuracy'])} | " + " | ".join(base) + " |")
    base_all = [_pct(result["baselines"][n]["accuracy_answerable"]) + " (answerable)" for n in names]
    print(f"| **all** | {result['n']} | **{_pct(result['accuracy'])}** | " + " | ".join(base_all) + " |")
    print("")
    print(f"value accuracy {_pct(result['value_accuracy'])} · abstention accuracy {_pct(result['abstention_accuracy'])} · "
          f"citation precision {_pct(result['citation_precision'])} · recall@{result['k']} {_pct(result['recall_at_k'])} · "
          f"latency p50 {result['latency_ms']['p50']} ms, p95 {result['latency_ms']['p95']} ms")
    for route, lat in result.get("latency_ms_by_route", {}).items():
        print(f"  {route} route: p50 {lat['p50']} ms, p95 {lat['p95']} ms (n={lat['n']})")
    return "\n".join(lines)

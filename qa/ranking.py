"""Execute, for questions over many reports: rankings (of a figure, a rate, a change), and counts under a condition.

Each returns a `Result` (the order, the ties, the reports that could not be read); `qa.render_table` writes it.
"""

from __future__ import annotations

from collections.abc import Callable

from qa.answer import Scope, format_number
from qa.cellsql import Figure, pct as _pct, plain as _plain
from qa.query import Query
from qa.result import Result, unit_of

_TESTS: dict[str, Callable[[float, float], bool]] = {
    "<": lambda v, b: v < b, "<=": lambda v, b: v <= b, "=": lambda v, b: v == b, ">=": lambda v, b: v >= b, ">": lambda v, b: v > b,
}


def rank(query: Query, figures: list[Figure], scope: Scope) -> Result | None:
    """Reports ordered by a figure; None when no figure could be read (the caller says which are missing)."""
    known = [f for f in figures if f.known]
    lacking = [f for f in figures if not f.known]
    if not known:
        return None
    ordered = sorted(known, key=lambda f: f.value or 0, reverse=query.descending)
    top = ordered[: query.n] if query.n else ordered
    ties = [f for f in ordered[len(top):] if f.value == top[-1].value]
    value = top[0].value if len(top) == 1 and not lacking else None  # the maximum is not certain when some are unread
    return Result("rank", query, scope, top, value, unit_of(top[0]),
                  facts={"ordered": ordered, "ties": ties, "lacking": lacking, "two": len(figures) == 2})


def rank_rates(query: Query, figures: list[Figure], scope: Scope) -> Result:
    """Reports ordered by a rate (「哪份年报的公开率最高」), each rate with its formula."""
    from qa.execute import rate_of

    rates: list[tuple[list[Figure], tuple[float, str]]] = []
    lacking: list[list[Figure]] = []
    for rid in dict.fromkeys(f.report_id for f in figures):
        own = sorted((f for f in figures if f.report_id == rid), key=lambda f: f.measure)
        computed = rate_of(own, query) if all(f.known for f in own) else None
        (rates.append((own, computed)) if computed is not None else lacking.append(own))
    if not rates:
        return Result("no_rates", query, scope)
    ordered = sorted(rates, key=lambda x: x[1][0], reverse=query.descending)
    top = ordered[: query.n] if query.n else ordered
    best = top[0][1]
    value = best[0] if len(top) == 1 and not lacking else None
    return Result("rank_rates", query, scope, [f for own, _ in top for f in own], value, "%", best[1],
                  facts={"ordered": ordered, "top": top, "lacking": lacking})


def rank_changes(query: Query, figures: list[Figure], scope: Scope) -> Result:
    """Years ranked by their change from the previous year of the same agency (difference or growth %)."""
    by_key = {(f.agency, f.year): f for f in figures}
    changes: list[tuple[Figure, Figure, float, str]] = []
    lacking: list[Figure] = []
    for (agency, year), after in sorted(by_key.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        before = by_key.get((agency, (year or 0) - 1))
        if before is None:
            continue
        if not (before.known and after.known) or (query.delta == "growth" and not before.value):
            lacking.append(after)
            continue
        a, b = before.value or 0, after.value or 0
        if query.delta == "growth":
            change = _pct((b - a) / a)
            formula = f"({format_number(_plain(b))} − {format_number(_plain(a))}) ÷ {format_number(_plain(a))} = {change}%"
        else:
            change = b - a
            formula = f"{format_number(_plain(b))} − {format_number(_plain(a))} = {format_number(_plain(change))}"
        changes.append((before, after, change, formula))
    if not changes:
        return Result("no_changes", query, scope)
    ordered = sorted(changes, key=lambda c: c[2], reverse=query.descending)
    top = ordered[: query.n] if query.n else ordered
    unit = "%" if query.delta == "growth" else unit_of(top[0][1])
    value = top[0][2] if len(top) == 1 and not lacking else None
    return Result("rank_changes", query, scope, [f for b, a, _, _ in top for f in (b, a)], value, unit, top[0][3],
                  facts={"ordered": ordered, "top": top, "lacking": lacking})


def settles(cmp: str, bound: float, least: float) -> bool | None:
    """Whether a figure known only to be at least `least` meets `cmp bound` (None: it cannot be told)."""
    if least > bound and cmp in ("=", "<=") or least >= bound and cmp == "<":
        return False
    if least > bound and cmp == ">" or least >= bound and cmp == ">=":
        return True
    return None


def count_where(query: Query, figures: list[Figure], scope: Scope,
                lower_bound: Callable[[Figure], float | None]) -> Result:
    """How many reports' figure meets a condition, and which; a blank or disputed total may be settled by its parts."""
    cmp, bound = query.condition or (">", 0.0)
    known = [f for f in figures if f.known]
    decided: list[tuple[Figure, bool]] = []
    lacking: list[Figure] = []
    for f in (f for f in figures if not f.known):
        least = lower_bound(f)  # a blank or disputed total still has its parts: their sum is a lower bound
        verdict = None if least is None else settles(cmp, bound, least)
        (lacking.append(f) if verdict is None else decided.append((f, verdict)))
    hits = sorted((f for f in known if _TESTS[cmp](f.value or 0, bound)), key=lambda f: (f.agency, f.year or 0))
    hits += [f for f, hit in decided if hit]
    return Result("count_where", query, scope, hits, len(hits) if not lacking else None, "份",
                  facts={"cmp": cmp, "bound": bound, "lacking": lacking})

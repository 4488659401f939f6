"""Split a row whose cells a converter ran together ("6000017") — only when exactly one split fits.

Crawler dumps of web pages (平潭 txt/002…008) print every cell of a table row as one digit string.
Each token must be cut into numbers without leading zeros; the table's arithmetic (a row's 总计
is the sum of its parts) must hold. If no split or more than one split fits, the row is unreadable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

Constraint = Callable[[list[int]], bool]

_LIMIT = 2  # stop once two solutions are known: the row is ambiguous


def _cuts(token: str, parts: int) -> Iterator[list[int]]:
    """Every way to cut a digit string into `parts` numbers without leading zeros."""
    if parts == 1:
        if token == "0" or not token.startswith("0"):
            yield [int(token)]
        return
    for i in range(1, len(token) - parts + 2):
        head = token[:i]
        if head != "0" and head.startswith("0"):
            break
        for rest in _cuts(token[i:], parts - 1):
            yield [int(head), *rest]


def _splits(tokens: list[str], n: int) -> Iterator[list[int]]:
    if not tokens:
        if n == 0:
            yield []
        return
    first, rest = tokens[0], tokens[1:]
    least_after = len(rest)
    most_after = sum(len(t) for t in rest)
    for k in range(1, len(first) + 1):
        if not least_after <= n - k <= most_after:
            continue
        for head in _cuts(first, k):
            for tail in _splits(rest, n - k):
                yield head + tail


def unique_split(tokens: list[str], n: int, fits: Constraint) -> list[int] | None:
    """The one way to cut `tokens` into `n` numbers that satisfies `fits`, or None (none or several)."""
    if not tokens or not all(t.isdigit() for t in tokens):
        return None
    if not len(tokens) <= n <= sum(len(t) for t in tokens):
        return None
    found: list[list[int]] = []
    for values in _splits(tokens, n):
        if fits(values):
            found.append(values)
            if len(found) >= _LIMIT:
                return None
    return found[0] if found else None


def row_total_fits(values: list[int]) -> bool:
    """The last number is the sum of the others (a 申请 row: six applicant columns and 总计)."""
    return sum(values[:-1]) == values[-1]


def review_fits(values: list[int]) -> bool:
    """Three groups of five, each 维持+纠正+其他+尚未审结 = 总计 (the 复议诉讼 line)."""
    return all(row_total_fits(values[i : i + 5]) for i in range(0, 15, 5))


def no_constraint(values: list[int]) -> bool:
    """No arithmetic links the cells: only a split with one possible cut is certain."""
    return True

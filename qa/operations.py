"""The operation a question asks for, read from its wording: the closed vocabulary of arithmetic words.

Rows and columns are open vocabulary (lexicon, then the semantic matcher); operations are few and
their words are few: 率/占比 is a rate, 同比/增幅 growth, 几倍 a multiple, 平均 an average, 前N/最多
a ranking, 历年/每年 a trend, 合计/一共 a sum, 比…多 a difference, 矛盾/对得上 a check.
"""

from __future__ import annotations

from dataclasses import dataclass

from qa.vocabulary import (
    OP_ALL as _ALL,
    OP_AVERAGE as _AVERAGE,
    OP_CHECK as _CHECK,
    OP_CONDITION as _CONDITION,
    OP_COUNT as _COUNT,
    OP_DAY as _DAY,
    OP_DIFF as _DIFF,
    OP_EXTREME,
    OP_GROWTH as _GROWTH,
    OP_HOW_MUCH_MORE,
    OP_LOW as _LOW,
    OP_MEDIAN as _MEDIAN,
    OP_MONTH as _MONTH,
    OP_MULTIPLE as _MULTIPLE,
    OP_ORDERED as _ORDERED,
    OP_QUARTER as _QUARTER,
    OP_RANK as _RANK,
    OP_RATE as _RATE,
    OP_SUM as _SUM,
    OP_TOP_N as _TOP_N,
    OP_TREND as _TREND,
    OP_VS_LAST_YEAR as _VS_LAST_YEAR,
    OP_WHICH_REPORTS as _WHICH_REPORTS,
    OP_WHO as _WHO,
    OP_YEAR_RANGE as _YEAR_RANGE,
)


@dataclass(frozen=True)
class Operation:
    """What a question asks to do with its figures, and the words that said so (removed before row matching)."""

    op: str
    n: int | None = None
    condition: tuple[str, float] | None = None
    descending: bool = True
    per: str | None = None
    words: tuple[str, ...] = ()


def detect(content: str, n_measures: int, n_reports: int) -> Operation:
    """The operation of a question (its content, scope names removed), given how many rows and reports it names."""
    words = tuple(m.group() for p in (_RATE, _GROWTH, _MULTIPLE, _AVERAGE, _RANK, _TREND, _SUM, _DIFF, _TOP_N, _CHECK)
                  for m in p.finditer(content))
    if _CHECK.search(content):
        return Operation("check", words=words)
    ranked = bool(_TOP_N.search(content) or _ORDERED.search(content))
    if n_measures and _WHICH_REPORTS.search(content) and (cond := condition(content)) is not None and cond[0] == "=":
        return Operation("count", condition=cond, words=words)  # 「哪份报告一件予以公开都没有」: list them
    if n_measures and _SUM.search(content) and _COUNT.search(content):
        return Operation("sum", words=words)  # 「几家单位予以公开的合计多少件」
    extreme = n_measures and (OP_EXTREME.search(content) or _AVERAGE.search(content))  # 「几份报告里哪家最少」, 「…平均每家」
    if (_COUNT.search(content) or (not n_measures and _WHO.search(content))) and not ranked and not extreme:
        return Operation("count", condition=condition(content) if n_measures else None, words=words)
    if n_reports == 2 and OP_HOW_MUCH_MORE.search(content):
        return Operation("difference", words=words)  # 「谁多？多多少」 of two: the difference, naming the larger
    if _GROWTH.search(content):
        return Operation("growth", words=words)
    if _MULTIPLE.search(content):
        return Operation("multiple", words=words)
    if _MEDIAN.search(content):
        return Operation("median", words=words)
    if _AVERAGE.search(content):
        per = "quarter" if _QUARTER.search(content) else "month" if _MONTH.search(content) else \
            "day" if _DAY.search(content) else None
        return Operation("average", per=per, words=words)
    if _RATE.search(content):
        return Operation("rate", words=words)
    top = _TOP_N.search(content)
    if top or ranked or _RANK.search(content):
        n = int(top.group(1)) if top else None if _ORDERED.search(content) else 1
        return Operation("rank", n=n, descending=not _LOW.search(content), words=words)
    if _VS_LAST_YEAR.search(content) and not _RATE.search(content):
        return Operation("difference", words=words)
    if _DIFF.search(content) and (n_measures == 2 or n_reports == 2):
        return Operation("difference", words=words)
    if _SUM.search(content) and (n_measures > 1 or n_reports != 1):
        return Operation("sum", words=words)
    if _TREND.search(content):
        return Operation("trend", words=words)
    return Operation("value", words=words)


def condition(content: str) -> tuple[str, float] | None:
    """The condition a count or list question puts on its figure (None: every report counts)."""
    for pattern, cmp in _CONDITION:
        m = pattern.search(content)
        if m:
            number = next((g for g in m.groups() if g), None) if m.groups() else None
            return cmp, float(number) if number is not None else 0.0
    return None


def wants_all(content: str) -> bool:
    """Whether a question is about every report (rankings, 所有机关) rather than one it fails to name."""
    return bool(_ALL.search(content))


def asks_sum(content: str) -> bool:
    """Whether a question asks for a total (合计, 一共, 加起来 …)."""
    return bool(_SUM.search(content))


def ranks(content: str) -> bool:
    """Whether a question orders reports (top-N, 最高, 从高到低) — also when its figure is a rate."""
    return bool(_TOP_N.search(content) or _ORDERED.search(content) or _RANK.search(content))


def versus_last_year(content: str) -> bool:
    """「比上年多了多少」: the figure is compared with the same agency's previous year."""
    return bool(_VS_LAST_YEAR.search(content))


def year_range(question: str) -> tuple[int, ...]:
    """Every year of a range written 2020-2022年, 2020到2022, 2020至2022 (empty when there is none)."""
    m = _YEAR_RANGE.search(question)
    if not m:
        return ()
    a, b = sorted((int(m.group(1)), int(m.group(2))))
    return tuple(range(a, b + 1)) if b - a <= 30 else ()

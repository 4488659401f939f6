"""Render rankings: of a figure, of a rate, of a change from the year before — the order, ties, and what was unread."""

from __future__ import annotations

from collections.abc import Callable

from qa.answer import Answer, format_number
from qa.cellsql import name, plain as _plain
from qa.execute import CHART_LIMIT, listed
from qa.result import Result

Writer = Callable[..., Answer]


def rank(r: Result, question: str, answer_of: Writer) -> Answer:
    """「…最多的前3名：1. … 2. …」, or of two 「…更多：A；B」; ties and unread reports said."""
    top, ordered, ties, lacking = r.figures, r.facts["ordered"], r.facts["ties"], r.facts["lacking"]
    unit, descending = r.unit, r.query.descending
    word = "最多" if descending else "最少"
    ranks = listed([f"{i}. {name(f)} {format_number(f.value)}{unit}" for i, f in enumerate(top, start=1)])
    if r.facts["two"] and len(top) == 1:  # 「哪个更多」 of two: name the larger, show both
        both = "；".join(f"{name(f)} {format_number(f.value)}{unit}" for f in ordered)
        text = f"{name(top[0])}{'更多' if descending else '更少'}：{both}"
    else:
        text = f"「{r.query.measures[0].label()}」{word}的{'是' if len(top) == 1 else f'前{len(top)}名'}：" + ranks
    if ties:
        text += f"（与第{len(top)}名并列的还有：{listed([name(f) for f in ties], '、')}）"
    if lacking:
        text += f"。注意：{'、'.join(name(f) for f in lacking[:6])}的该项未能可靠读出，未参与排名"
    answer = answer_of(r, question, text)
    answer.unit = unit if len(top) == 1 else None  # said even when unread reports leave the maximum open
    answer.chart = [{"label": name(f), "value": _plain(f.value)} for f in ordered][:CHART_LIMIT]
    return answer


def rank_rates(r: Result, question: str, answer_of: Writer) -> Answer:
    """Reports ordered by a rate, each with its formula."""
    top, ordered, lacking = r.facts["top"], r.facts["ordered"], r.facts["lacking"]
    label = "公开率" if r.query.definition == "公开率" else f"「{r.query.measures[0].label()}」所占比例"
    word = "最高" if r.query.descending else "最低"
    ranks = listed([f"{i}. {name(own[0])} {c[1]}" for i, (own, c) in enumerate(top, start=1)])
    text = f"{label}{word}的{'是' if len(top) == 1 else f'前{len(top)}名'}：{ranks}"
    if lacking:
        text += f"。注意：{'、'.join(name(own[0]) for own in lacking[:6])}的所需数字未能读出或分母为 0，未参与排名"
    answer = answer_of(r, question, text)
    answer.chart = [{"label": name(own[0]), "value": c[0]} for own, c in ordered][:CHART_LIMIT]
    return answer


def rank_changes(r: Result, question: str, answer_of: Writer) -> Answer:
    """Years ordered by their change from the previous year."""
    top, ordered, lacking = r.facts["top"], r.facts["ordered"], r.facts["lacking"]
    word = ("增幅" if r.query.delta == "growth" else "增加") + ("最大" if r.query.descending else "最小")
    ranks = listed([f"{i}. {name(after)}（比{before.year}年：{formula}）" for i, (before, after, _, formula) in enumerate(top, 1)])
    text = f"「{r.query.measures[0].label()}」比上一年{word}的是：{ranks}"
    if lacking:
        text += f"。注意：{'、'.join(name(f) for f in lacking[:6])}与上一年的数字未能都读出，未参与比较"
    answer = answer_of(r, question, text)
    answer.chart = [{"label": name(after), "value": _plain(change)} for _, after, change, _ in ordered][:CHART_LIMIT]
    return answer

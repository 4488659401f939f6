"""An amount a head the user asks worked out: 「人均社会消费品零售额（按年末常住人口算）」 — two prose figures, one over the other.

The amount (元, 万元, 亿元) and the people (人, 万人, 万人次) are each read from their own sentence, which must say
its noun whole; the answer is in 元 a head, with the division shown.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qa.answer import Answer, format_number
from qa.formulas import FUNCTION

if TYPE_CHECKING:
    from qa.plan import Plan

# 「人均社会消费品零售额（按年末常住人口算）」, 「游客人均花费（旅游总收入/旅游总人数）」: an amount per head worked out
# the way the user says — two prose figures, the amount over the people
_PER_HEAD = re.compile(r"人均(?P<x>[\u4e00-\u9fff]{2,14}?)(?=大概|大约|约|是|有|为|多少|几|[（(，,？?]|$)")
_PER_BY = re.compile(r"(?:按|用|以)照?(?P<b>[\u4e00-\u9fff]{2,10}?(?:人口|人数|人次))数?来?(?:算|计算|测算|折算)")
_PER_SPLIT = re.compile(r"[（(](?P<a>[\u4e00-\u9fff]{2,14}?)\s*(?:/|÷|除以)\s*(?P<b>[\u4e00-\u9fff]{2,14}?(?:人口|人数|人次))[)）]")
_MONEY = {"元": 1.0, "千元": 1e3, "万元": 1e4, "百万元": 1e6, "亿元": 1e8}
_HEADS = {"人": 1.0, "万人": 1e4, "人次": 1.0, "万人次": 1e4, "亿人次": 1e8}


def per_capita_parts(content: str) -> tuple[str, str] | None:
    """「人均X」 with the people to divide by said (「按年末常住人口算」, 「（旅游总收入/旅游总人数）」): X and the people."""
    head = _PER_HEAD.search(content)
    if head is None:
        return None
    split = _PER_SPLIT.search(content)
    if split:
        return f"{split.group('a')}是多少", f"{split.group('b')}是多少"
    by = _PER_BY.search(content)
    return (f"{head.group('x')}是多少", f"{by.group('b')}是多少") if by else None


def as_printed_total(part: str, text: str) -> str:
    """「社会消费品零售额是多少」 as its report prints it: 社会消费品零售总额 (the noun with 总, where only that is printed)."""
    noun = part.removesuffix("是多少")
    if noun in text:
        return part
    printed = [f"{noun[:i]}总{noun[i:]}" for i in range(len(noun)) if f"{noun[:i]}总{noun[i:]}" in text]
    return f"{printed[0]}是多少" if len(printed) == 1 else part


def per_capita(plan: Plan, answers: list[Answer]) -> Answer | None:
    """An amount (元, 万元, 亿元) over a number of people (人, 万人, 万人次), in 元 a head; None in other units.

    Each figure's sentence must say its noun whole (「社会消费品零售总额」, not 「城镇消费品零售额」, a part of it).
    """
    from qa.clause import MULTIPLIER
    from qa.said import said_in

    amount, people = answers
    if amount.value is None or not people.value or amount.unit not in _MONEY or people.unit not in _HEADS:
        return None
    for part, answer in zip(plan.parts, answers, strict=True):
        noun = FUNCTION.sub("", part.removesuffix("是多少"))
        if not said_in(noun, re.sub(r"\s", "", "".join(c.quote for c in answer.citations))):
            return None
    heads = people.value * (1 if people.unit in MULTIPLIER else _HEADS[people.unit])  # 万人次 is read in 人次 already
    value = round(amount.value * _MONEY[amount.unit] / heads, 2)
    unit = "元/" + people.unit.lstrip("万亿")
    printed = people.value / MULTIPLIER.get(people.unit, 1)
    formula = f"{format_number(amount.value)}{amount.unit} ÷ {format_number(printed)}{people.unit} = {format_number(value)}{unit}"
    text = f"{format_number(value)}{unit}（{formula}）：" + "；".join(f"{p}：{a.answer}" for p, a in zip(plan.parts, answers, strict=True))
    return Answer(question=plan.asked, answer=text, value=value, unit=unit, route="text", formula=formula,
                  citations=[c for a in answers for c in a.citations], scope=plan.scope)


__all__ = ["as_printed_total", "per_capita", "per_capita_parts"]

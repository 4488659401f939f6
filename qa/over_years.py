"""A prose figure over several years of one agency, each year read from its own report, then put together as asked.

The sum (「2023到2025年一共发布了多少篇」), the mean, a change or a multiple between two years, the year with the most
or the least (「哪一年主动公开的信息条数最多」); a year whose report does not say the figure leaves the answer open —
the years found are listed and nothing is computed from the rest.
"""

from __future__ import annotations

import re

from corpus import Report
from qa.answer import Answer, format_number
from qa.clause import as_printed
from qa.operations import asks_sum
from qa.plan import Plan
from qa.text_words import TEXT_AMOUNT_OR_RATE
from qa.vocabulary import (
    MOST,
    OP_AVERAGE,
    OP_MULTIPLE,
    TEXT_ASKS_DIFF,
    TEXT_ASKS_SHARE,
    TEXT_COMPARISON,
    TEXT_GROWTH_ASKED,
    WHICH_YEAR,
)


def over_years(plan: Plan, found: list[tuple[Report, Answer]], lacking: list[Report]) -> Answer:
    """Each year's answer (in year order), put together as the question asks."""
    multiple = bool(OP_MULTIPLE.search(plan.content))
    listed = "；".join(f"{r.year}年：{a.answer}" for r, a in found)
    values = [a.value for _, a in found]
    units = {a.unit for _, a in found}
    unit = next(iter(units)) if len(units) == 1 else None

    def shown(value: float | None) -> str:  # 6704.11万人次 is held as 67041100
        return as_printed(value, unit)

    answer = Answer(question=plan.asked, answer=listed, route="text", citations=[c for _, a in found for c in a.citations])
    if OP_AVERAGE.search(plan.content) and all(v is not None for v in values) and len(units) == 1 and not lacking:
        mean = round(sum(v or 0 for v in values) / len(values), 2)  # 「这四年平均每年公开多少条」
        answer.value, answer.unit = mean, units.pop()
        answer.formula = f"({' + '.join(shown(v) for v in values)}) ÷ {len(values)} = {shown(mean)}"
        answer.answer = f"平均每年 {shown(mean)}{answer.unit or ''}（{answer.formula}）。" + listed
        return answer
    if WHICH_YEAR.search(plan.content) and (most := MOST.search(plan.content)) and not lacking \
            and all(v is not None for v in values) and len(units) == 1 and len(found) > 1:
        best = (max if most.group() in ("最多", "最高", "最大") else min)(v or 0 for v in values)
        years = [r.year for r, a in found if a.value == best]  # a tie names every year it holds
        answer.value, answer.unit = best, unit
        answer.answer = f"{'、'.join(f'{y}年' for y in years)}{most.group()}（{shown(best)}{unit or ''}）。" + listed
        return answer
    asks_diff = TEXT_ASKS_DIFF.search(plan.content) or TEXT_COMPARISON.search(plan.content)  # 「比2016年增加了多少」
    if (multiple or asks_diff) and any(v is None for v in values):
        answer.abstained, answer.reason = True, "有的年份的报告只有文字、没有这一数字，无法计算"
        answer.answer = listed + f"。{answer.reason}。"
        return answer
    asked_years = [int(y) for y in re.findall(r"((?:19|20)\d\d)\s*年", plan.question)]
    by_year = {r.year: a for r, a in found}
    if multiple and len(found) == 2 and len(units) == 1 and not lacking and len(asked_years) >= 2 \
            and all(by_year.get(y) is not None and by_year[y].value for y in asked_years[:2]):
        top, bottom = (by_year[y] for y in asked_years[:2])  # in the order asked: the first ÷ the second
        ratio = round((top.value or 0) / (bottom.value or 1), 2)
        answer.value, answer.unit = ratio, "倍"
        answer.formula = f"{format_number(top.value)} ÷ {format_number(bottom.value)} = {format_number(ratio)}"
        answer.answer = f"{asked_years[0]}年是{asked_years[1]}年的 {format_number(ratio)} 倍（{answer.formula}）。" + listed
        return answer
    growth = TEXT_GROWTH_ASKED.search(plan.content) and TEXT_ASKS_SHARE.search(plan.content)
    if growth and len(found) == 2 and all(v for v in values) and len(units) == 1 and not lacking:
        (first, a1), (second, a2) = found  # 「2023年比2016年增长了百分之多少」: the later over the earlier
        rate = ((a2.value or 0) / (a1.value or 1) - 1) * 100
        answer.value, answer.unit = round(rate, 2), "%"
        answer.formula = f"({shown(a2.value)} ÷ {shown(a1.value)} − 1) × 100% = {format_number(round(rate, 2))}%"
        answer.answer = f"{second.year}年比{first.year}年{'增长' if rate >= 0 else '下降'} {format_number(abs(round(rate, 2)))}%（{answer.formula}）。" + listed
        return answer
    if asks_diff and len(found) == 2 and all(v is not None for v in values) and len(units) == 1 and not lacking \
            and not TEXT_ASKS_SHARE.search(plan.content):  # a percentage asked is never answered with an amount
        (first, a1), (second, a2) = found  # in year order: the later minus the earlier
        places = max(len(f"{v:g}".partition(".")[2]) for v in (a1.value or 0, a2.value or 0))
        diff = round((a2.value or 0) - (a1.value or 0), places)
        answer.value, answer.unit = abs(diff), units.pop()
        answer.formula = f"{shown(a2.value)} − {shown(a1.value)} = {shown(diff)}"
        word = "多" if diff >= 0 else "少"
        also = f"，{'增长' if diff >= 0 else '下降'} {abs(diff) / (a1.value or 1) * 100:.2f}%" \
            if TEXT_AMOUNT_OR_RATE.search(plan.content) and a1.value else ""  # 「同比增长多少」: the rate too
        answer.answer = (f"{second.year}年比{first.year}年{word} {shown(abs(diff))}{answer.unit or ''}{also}"
                         f"（{answer.formula}）。" + listed)
        return answer
    if asks_sum(plan.question) and all(v is not None for v in values) and len(units) == 1 and not lacking:
        total = sum(v for v in values if v is not None)
        answer.value, answer.unit = total, units.pop()
        answer.formula = " + ".join(shown(v) for v in values) + f" = {shown(total)}"
        answer.answer = f"合计 {shown(total)}{answer.unit or ''}（{answer.formula}）。" + listed
    elif lacking:
        answer.abstained, answer.reason = True, f"{'、'.join(f'{r.year}年' for r in lacking)}的报告没有找到这一内容"
        answer.answer = listed + f"。{answer.reason}。"
    return answer


__all__ = ["over_years"]

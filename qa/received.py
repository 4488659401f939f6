"""「受理了多少」, 「收到多少申请」: the 本年新收 figure, and what the report's own text calls 受理 or 收到 beside it.

Reports use these words for the year's new requests (淮安 2024: 受理 3119 = 本年新收), for the new and last year's
carried over together (沭阳县 2025: 受理 749 = 713 + 36; 平潭 2022: 收到 75 = 74 + 1), or for a part the table does not
hold (洪泽 2024: 「区政府办代表区政府受理…17件」, the table's 本年新收 95). The answer gives the row's figure and lays
the other reading out beside it, with both offered to pick; a figure the text says with the word asked (「受理」) that
neither reading makes is laid out with the table's and no figure is given (asked 「收到」, the table's figure leads).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus import Report
from qa.answer import Answer, format_number
from qa.execute import Executor
from qa.lexicon import columns_of
from qa.plan import Plan
from qa.query import Measure, Query
from qa.table_route import label

NEW, CARRIED = "本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量"


@dataclass(frozen=True)
class _Verb:
    asked: str  # the words of the question
    said: str  # the same words in the report's text, before the figure they count
    always: bool  # the sum laid out even where the text does not say it (「受理」 is read both ways across reports)


_VERBS = (
    _Verb(r"受理", r"受理[^。；;\n]{0,30}?(\d+)\s*件", True),
    _Verb(r"收到|接收|接到|(?<!新)收了?(?=多少|几)", r"(?:收到|接收|接到|受理)[^。；;\n\d]{0,30}?申请[^。；;\n\d]{0,8}?(\d+)\s*件", False),
)


def _said_otherwise(plan: Plan, answer: Answer, said: list[re.Match[str]], word: str) -> bool:
    """The text's figure for the word is neither table reading: both laid out, no figure, asked back."""
    quote = said[0].group()
    answer.answer = (f"报告中「{word}」的数字有两种：表格的本年新收 {format_number(answer.value)}{answer.unit or ''}，"
                     f"正文「{quote}」（{said[0].group(1)}件）。两者口径不同，请指明要哪一个")
    answer.clarify = [f"{label(plan.reports[0])}本年新收的申请有多少件？"]
    answer.value, answer.abstained, answer.reason = None, True, f"表格与正文的「{word}」数字不同"
    return True


def also_added(executor: Executor, report: Report | None, plan: Plan, answer: Answer) -> None:
    """The other reading of 「受理」 or 「收到」 beside the 本年新收 figure (see the module's text)."""
    query = plan.query
    per = query is not None and query.op == "average" and bool(getattr(query, "per", None))
    if query is None or answer.abstained or answer.value is None or (query.op != "value" and not per) \
            or len(plan.reports) != 1 or len(query.measures) != 1:
        return
    first = query.measures[0]
    if first.row != NEW or first.col not in (None, "总计"):
        return
    for verb in _VERBS:
        asked = re.search(verb.asked, plan.content)
        if asked is None:
            continue
        word = asked.group()
        other = executor.run(plan.asked, Query(measures=(Measure(first.table, CARRIED),)), [plan.reports[0].id], plan.scope)
        if per:  # 「平均每个月受理多少件」: the other reading divided by the same number of periods
            if not verb.always or not other.value:
                continue
            own = executor.run(plan.asked, Query(measures=(first,)), [plan.reports[0].id], plan.scope)
            periods = round((own.value or 0) / answer.value) if answer.value else 0
            if own.value is None or not periods or abs((own.value or 0) / answer.value - periods) > 0.05:
                continue
            total = round((own.value + other.value) / periods, 2)
            answer.answer += (f"；若把上年结转的 {format_number(other.value)}{other.unit or ''}也算作{word}，则为 "
                              f"{format_number(total)}{answer.unit or ''}（({format_number(own.value)} + "
                              f"{format_number(other.value)}) ÷ {periods}），各报告正文的「{word}」口径不一")
            answer.citations = [*answer.citations, *other.citations]
            continue
        total = answer.value + (other.value or 0)
        said = list(re.finditer(verb.said, report.text if report else ""))
        if said and not any(float(m.group(1)) in (answer.value, total) for m in said):
            if verb.always:  # the text's own word for another figure: which one is meant is not for us to pick
                _said_otherwise(plan, answer, said, word)
            else:  # 「收到」 is the table's 本年新收 first; the text's other figure is laid beside it, both offered
                answer.answer += (f"。注意：报告正文写的是「{said[0].group()}」（{said[0].group(1)}件），与表格的本年新收口径不同")
                answer.clarify = [f"{label(plan.reports[0])}本年新收的申请有多少件？",
                                  f"{label(plan.reports[0])}报告正文说{said[0].group()[:2]}了多少件申请？"]
            return
        if not other.value or not (verb.always or any(float(m.group(1)) == total for m in said)):
            continue
        answer.answer += (f"；若把上年结转的 {format_number(other.value)}{other.unit or ''}也算作{word}，则为 "
                          f"{format_number(total)}{answer.unit or ''}（{format_number(answer.value)} + "
                          f"{format_number(other.value)}），各报告正文的「{word}」口径不一")
        if (summed := next((m for m in said if float(m.group(1)) == total), None)) is not None:
            answer.answer += f"（本报告正文：「{summed.group()}」）"
        answer.citations = [*answer.citations, *other.citations]
        who = label(plan.reports[0])
        answer.clarify = [f"{who}本年新收的申请有多少件？", f"{who}本年新收加上年结转的申请一共多少件？"]


def other_columns(executor: Executor, plan: Plan, answer: Answer) -> None:
    """A 主动公开 row asked with no column: its main column's figure, and beside it the row's other columns, to pick.

    「行政许可是多少」 of a 2019-template report: 处理决定数量 18557, and 上一年项目数量 18, 本年增/减 −1; 「规范性文件有多少件」
    of a 2021 one: 本年制发 8, and 本年废止 26, 现行有效 66. A column read under two names is laid out once.
    """
    query = plan.query
    if query is None or query.op != "value" or len(query.measures) != 1 or len(plan.reports) != 1 or answer.value is None \
            or answer.abstained:
        return
    first = query.measures[0]
    if first.table != "主动公开" or first.col is not None:
        return
    def printed(text: str) -> str:  # the column as the answer names it: 「行政许可 · 处理决定数量」
        found = re.search(r"「[^「」·]+ · ([^「」]+)」", text)
        return found.group(1) if found else text

    others: list[tuple[str, Answer]] = []
    seen = {printed(answer.answer)}
    for col in columns_of(first.table, first.row):
        read = executor.run(plan.asked, Query(measures=(Measure(first.table, first.row, col),)), [plan.reports[0].id], plan.scope)
        if read.value is not None and not read.abstained and printed(read.answer) not in seen:
            seen.add(printed(read.answer))
            others.append((printed(read.answer), read))
    if not others:
        return
    who = label(plan.reports[0])
    answer.answer += "；该行另有：" + "、".join(f"{col} {format_number(r.value)}{r.unit or ''}" for col, r in others)
    answer.clarify = [f"{who}{first.row}{col}是多少？" for col, _ in others]


__all__ = ["also_added", "other_columns"]

"""Whether a sentence quoted for a report of another kind says what was asked (年报, 决算, 公报 prose).

A prose figure from these reports is given only when its sentence says every content word of the question — the
place and issuer aside, a term said in two pieces (粮食…总产量) or without the area's own word (全州生产总值 for
地区生产总值) counting as said — is the change when a change is asked, is in the unit asked, and is not a sibling
clause's (第一产业… for 第三产业).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from corpus import Report
from corpus.about import DISCLOSURE
from qa.answer import Answer, abstain
from qa.anycells import without_places
from qa.formulas import CHANGE, FUNCTION, GROWTH
from qa.text_route import of_year
from qa.text_words import inside_only
from qa.vocabulary import TEXT_CHANGE_VERB, TEXT_COMPARISON, TEXT_SPAN

if TYPE_CHECKING:
    from qa.plan import Plan


def unsaid(content: str, answer: Answer, report: Report | None = None) -> list[str]:
    """The question's content words that the sentence an answer quotes does not say (none for an abstention).

    A change asked (「较上年末变动多少」) is unsaid when the figure given is not the sentence's change; a count in a
    unit asked (「多少台」) when the figure is in another unit.
    """
    if answer.abstained or not answer.citations:
        return []
    asked_unit = re.search(r"多少\s*([个台家人件辆户项次场名笔])", content)
    unit = asked_unit.group(asked_unit.lastindex or 0) if asked_unit else ""
    if unit and answer.unit and unit not in answer.unit:
        return [f"多少{unit}"]
    amount = re.search(r"多少\s*((?:万|亿|百万|千)?元|(?:万|亿)?吨|公里|亿|万)", content)
    if amount and answer.unit == "%" and not re.search(r"百分|%|率|比重|比例|增长|增速|下降", content):
        return [f"多少{amount.group(1)}"]  # 「总量是多少亿元」 answered with a growth rate
    if amount and amount.group(1)[-1] in "元吨里" and answer.unit and answer.unit != "%" \
            and not answer.unit.endswith(amount.group(1)[-1]):
        return [f"多少{amount.group(1)}"]  # 「多少亿元」 answered in 个
    if (GROWTH.search(content) or CHANGE.search(content) or re.search(r"变动|变化", content)) and answer.value is not None:
        quote = "".join(c.quote for c in answer.citations[:1]).replace(",", "")
        figure = f"{answer.value:g}"
        at = quote.find(figure)
        if at < 0 or not re.search(r"增|减|降|长|升|多|少|变动|变化|比", quote[max(0, at - 6) : at].replace("增加值", "")):
            return ["变动"]
        content = GROWTH.sub(" ", content)  # the change is said (「同比增长 4.8%」 for 「增速」): its word is no term
    quoted = re.sub(r"\s+", "", "".join(c.quote for c in answer.citations[:1]))
    if "增加值" in content and "增加值" not in quoted:  # a measure noun of function words (增加, 值): said whole or not
        return ["增加值"]  # (「规上工业增加值多少亿元」 is no 「规模以上工业企业营业收入361.14亿元」)
    content = without_places(content, report) if report is not None else content
    terms = re.findall(r"[\u4e00-\u9fffA-Za-z]{2,}", FUNCTION.sub(" ", content))
    missing = [t for t in terms if not said_in(t, quoted)]
    if not missing and answer.value is not None:  # the question's noun phrases, whole (「第三产业增加值」)
        phrases = [p for p in re.split(r"占|的|和|与|及|是|为|比重|比例|(?:多少|几)[个台家人件辆户项次场名笔条篇]?|有|[^\u4e00-\u9fff]",
                                       content) if p]  # 「多少个营业网点」: the measure word is no part of the noun
        missing = _siblings(phrases, quoted, answer.value)
    return missing


def says_all(plan: Plan, answer: Answer, reports: Mapping[str, Report]) -> Answer:
    """A prose answer from a report of another kind (年报, 决算, 公报) must say every content word asked."""
    cited = [reports.get(c.report_id) for c in answer.citations[:1]]
    if not cited or cited[0] is None or cited[0].kind in ("", DISCLOSURE):
        return answer
    if plan.combine in ("each", "share", "difference", "ratio", "per") and len(answer.citations) >= 2:
        return answer  # each part was read with its own words
    if plan.per_report and not answer.abstained:  # each year from its own report: each sentence says the words
        asked = TEXT_COMPARISON.sub("", plan.content)
        if TEXT_SPAN.search(plan.content):  # 「从…到…增加了多少」: each sentence says the level, not the change
            asked = TEXT_CHANGE_VERB.sub("", TEXT_SPAN.sub("", asked))
        for citation in answer.citations:
            one = replace(answer, citations=[citation], value=None)
            missing = unsaid(asked, one, reports.get(citation.report_id))
            if missing:
                return abstain(plan.asked, f"报告中没有找到同时说到「{'」「'.join(missing)}」的句子", plan.scope)
        return answer
    missing = unsaid(plan.content, answer, cited[0])
    years = sorted(set(re.findall(r"((?:19|20)\d\d)\s*年", plan.question)))
    quote = "".join(c.quote for c in answer.citations[:1])
    if len(years) > 1 and int(years[-1]) - int(years[0]) > 1 and not all(y in quote for y in years):
        # 「2023年比2016年增长了百分之多少」: not a sentence's 「比上年」
        return abstain(plan.asked, f"问题比较的是{'年与'.join(years)}年，报告中没有一句同时说到这几年的数字", plan.scope)
    if len(years) == 1 and cited[0].year and int(years[0]) != cited[0].year and not of_year(quote, years[0]):
        # 「2023年研发投入」 of a 2024 research report: a sentence of the year asked, not of the report's own
        return abstain(plan.asked, f"报告中没有找到说到{years[0]}年这一数字的句子", plan.scope)
    if missing:  # 「一般公共预算支出」 answered with a sentence about 一般公共预算收入
        return abstain(plan.asked, f"报告中没有找到同时说到「{'」「'.join(missing)}」的表格或句子", plan.scope)
    return answer


def _siblings(terms: list[str], quoted: str, value: float) -> list[str]:
    """A term whose head the figure's clause names with another qualifier.

    「第三产业增加值」 asked, the figure from 「第一产业增加值占…比重为20.9%」.
    """
    plain = re.sub(r"(?<=\d),(?=\d{3})", "", quoted)
    at = plain.find(f"{value:g}")
    if at < 0:
        return []
    clause = _REGION_WORDS.sub("", re.split(r"[，,；;。、]", plain[:at])[-1])
    for term in (t for t in (_REGION_WORDS.sub("", t).replace("全体", "") for t in terms) if len(t) >= 5 and t not in clause):
        head, qualifier = term[-3:], term[:-3]
        for m in re.finditer(re.escape(head), clause):
            before = clause[max(0, m.start() - len(qualifier)) : m.start()]
            if len(before) == len(qualifier) and re.fullmatch(r"[\u4e00-\u9fff]+", before) and before != qualifier \
                    and any(ch not in clause for ch in qualifier):  # 「港口货物吞吐量」 does say 港…货物
                return [term]
    return []


_REGION_WORDS = re.compile(r"全市|全州|全县|全区|全省|本地区|地区")  # not 全体 (全体居民 is no 城镇居民)
_REGION = re.compile(rf"^(?:{_REGION_WORDS.pattern})$")  # 「全体居民」, 「地区生产总值」: the issuer's own area


def said_in(term: str, quoted: str) -> bool:
    """Whether a quote says a term: whole, or as two pieces (「粮食」…「总产量」).

    A piece naming the issuer's area (全市, 全州, 地区) may be left out; a word only inside a longer word of another
    meaning is not said (「出口」 in 「进出口总值」).
    """
    if inside_only(term, quoted):
        return False
    if term in quoted:
        return True
    if "全体" in term:  # 「全体居民」: said as 全市居民 or 全州居民, never by 城镇居民 (a part of them)
        after = term.split("全体", 1)[1]
        if not any(f"{whole}{after[:2]}" in quoted for whole in ("全体", "全市", "全州", "全县", "全区", "全省")):
            return False
        term = after
    plain = _REGION_WORDS.sub("", term)
    term = plain if len(plain) >= 2 else term
    if term in quoted:
        return True
    for at in range(1, len(term)):
        pieces = [p for p in (term[:at], term[at:]) if not _REGION.match(p)]
        if pieces and max(len(p) for p in pieces) >= 2 and all(p in quoted for p in pieces):
            return True
    if len(term) >= 6:  # 「行政运行支出完成」: each of its words (行政|运行|支出|完成) said, in any order
        from qa.sentences import cut

        words = [w for w in cut(term) if len(w) >= 2]
        return len(words) >= 3 and all(w in quoted for w in words)
    return False


__all__ = ["said_in", "says_all", "unsaid"]

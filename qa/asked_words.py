"""The question's words as a report prints them, and what a question counts.

「网上申请」 where the report says 「网络申请」, 「刑事案件」 where it says 「刑案」; the thing 「多少篇政策解读」 counts;
a whole stated with its 其中 parts in one sentence.
"""

from __future__ import annotations

import re

from corpus import Report
from qa.answer import Answer
from qa.clause import as_printed
from qa.sentences import terms
from qa.vocabulary import TEXT_SYNONYMS

_GENERIC_MEASURES = {"总数", "数量", "总量", "人数", "合计", "总计", "一共", "总共", "百分之", "百分比", "比例", "占比", "比重", "同比",
                     "下降", "增长", "增加", "减少", "上升", "提高", "降低", "达到", "超过", "突破", "累计", "目前", "现在",
                     "大约", "大概", "共有"}


def printed_as(question: str, reports: list[Report]) -> str:
    """A word of the question in the synonym its report prints (「网上申请」 where the report says 「网络申请」).

    「网上提交的申请」 is the 网络申请 too (how it came, then what came); a four-character word the report prints only
    in its short form (「刑事案件」 as 「刑案」: the first character of each half) is read in that form.
    """
    printed = "".join(r.text for r in reports)
    for word, others in TEXT_SYNONYMS.items():
        for m in re.finditer(re.escape(word), question):
            tail = question[m.end() : m.end() + 2]  # 「网上申请」: the word with what it qualifies
            by = _SENT_BY.match(question, m.end()) if not any(o + tail in printed for o in others) else None
            end = by.end() if by else m.end()  # 「网上提交的申请」: the channel, then the thing
            tail = question[end : end + 2]
            if len(tail) == 2 and word + tail not in printed:
                other = next((o for o in others if o + tail in printed), None)
                if other:
                    return printed_as(question[: m.start()] + other + question[end:], reports)
                noun = question[end : end + 4]
                if len(noun) == 4 and re.fullmatch(r"[\u4e00-\u9fff]{4}", noun) and noun in printed:
                    # 「网上民意征集」 printed 「通过门户网站开展民意征集53期」: the thing, its channel said otherwise
                    return printed_as(question[: m.start()] + question[end:], reports)
    for word in dict.fromkeys(re.findall(r"[\u4e00-\u9fff]{4}", " ".join(terms(question)))):
        short = word[0] + word[2]
        if word not in printed and len(re.findall(rf"{short}(?=总?数|[\d\s])", printed)) >= 1:
            question = question.replace(word, short)  # 「刑事案件」: 「刑案总数 41066 件」
    return question


CONTAINED = re.compile(r"(?:里面|里头|当中|之中|其中|里|中)(?=[\u4e00-\u9fff]{2})")
_SENT_BY = re.compile(r"(?:提交|递交|提出|发来|寄来)的?(?=[\u4e00-\u9fff]{2})")


def whole_then_part(part: Answer, whole: Answer) -> bool:
    """Whether both come from one sentence that states the whole, then 其中 its parts.

    (「政府采购金额…为 2319.21 万元,其中:…工程采购金额 1387.72 万元」): the whole named there is the one its parts are
    of, whatever else its words name elsewhere.
    """
    if not part.citations or not whole.citations or part.citations[0].quote != whole.citations[0].quote:
        return False
    quote = part.citations[0].quote.replace(",", "")
    own, of = as_printed(part.value, part.unit), as_printed(whole.value, whole.unit)
    at, before = quote.find("其中"), quote.find(of)
    return 0 <= before < at < quote.find(own, at) if at >= 0 and before >= 0 else False


def measured(content: str) -> str | None:
    """The thing a question counts: the word after 「多少/几+量词」 (「多少篇政策解读」), else the last before it."""
    after = re.search(r"(?:多少|几)(?:个|件|条|篇|项|次|场|名|人次|家|期|位|种)?([\u4e00-\u9fff]{2,8})", content)
    found = [t for t in terms(after.group(1)) if len(t) >= 2 and t not in _GENERIC_MEASURES] if after else []
    asked = re.search(r"(?:是|有|为|达到|达|到)?(?:多少|几)", content)
    if not found and asked is not None:
        # 「粉丝总数多少」, 「刑案有多少件」: the word before a count's generic noun or before 有/是/为 (not a verb:
        # 「发布了多少」)
        before = content[: asked.start()]
        counted = re.search(r"(?:总数|数量|人数|总量|个数|件数|条数|数)$", before)
        named = counted is not None or asked.group().startswith(("是", "有", "为"))
        cut = before[: counted.start()] if counted else before
        found = [t for t in terms(cut) if len(t) >= 2 and t not in _GENERIC_MEASURES][-1:] if named else []
    return found[0] if found else None


__all__ = ["CONTAINED", "measured", "printed_as", "whole_then_part"]

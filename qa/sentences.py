"""A report's text read as sentences, and a question's words.

Sentences and clauses with their lead-ins (「全年共发布信息249条,其中:」) and, in a budget, the 功能分类 item their
figures are of; which of them state something (not a heading, a chart's labels or a table's row read as text); and
the content words of a question (jieba, with the words reports use that it cuts apart).
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from typing import Any

from langchain_core.documents import Document

from corpus import Report
from qa.clause import STOP as _STOP, Sentence
from qa.text_words import (
    TEXT_CLAUSE as _CLAUSE,
    TEXT_HEADING as _HEADING,
    TEXT_INSIDE,
    TEXT_SENTENCE as _SENTENCE,
)
from qa.vocabulary import TEXT_WORDS

GENERIC_WORDS = {
    "政府信息", "公开", "政府", "信息", "情况", "工作", "多少", "报告", "年度", "申请", "数量", "哪些", "什么",
    "几件", "几个", "可以", "已经", "哪类", "哪个", "哪方面", "叫", "名字", "是从", "提出", "提交", "通过", "共有", "一共",
    "有没有", "是否", "有无", "没有", "办",  # how a yes/no question is asked, not what it is about
    # 「收的那笔信息处理费」, 「这项决算」: pointing back, not a word to say
    "那笔", "这笔", "那次", "这次", "那些", "这些", "那个", "这个", "这项", "那项", "该项",
    "那篇", "这篇", "该篇", "里说", "中说", "里面说",  # 「那篇报告里说…」: which report, said of the report in scope
    "寄来", "寄过来", "送来", "交来", "递交",  # 「信函寄来的」: how a request came, said by its channel (信函申请)
    "百分之", "百分比",  # how a share is asked; the sentence prints 98.69%
    "根据", "依据", "按照",  # 「根据国元证券报告，…」: where to read, not what
    "东西", "事情",  # 「刊登的东西：A、B、C」: things, named by the list that follows
}
_CAPTION = re.compile(r"^\s*(?:图|表)\s*\d")  # 「图2 2012-2016年三次产业增加值占…比重」: a chart's title, no statement


def is_statement(sentence: Sentence) -> bool:
    """A sentence that states something: not a heading, a chart's title or a chart's labels."""
    return not _HEADING.match(sentence.text) and not _CAPTION.match(sentence.text) and not figures_only(sentence.text)


def figures_only(text: str) -> bool:
    """Figures read as text without their columns: a chart's labels, or a table's row.

    A chart's axis labels and values (「2012年2013年…48.7 50.2 51.8…」) have more figures than words; a table's row
    (「核心一级资本充足率 (1) 9.90% 9.77%」) is a label, then figures only — which column each is, is not said.
    """
    numbers = re.findall(r"\d+(?:\.\d+)?", text)
    return len(numbers) >= 6 and len(re.findall(r"[\u4e00-\u9fff]", text)) < 0.4 * len(text) or bool(_TABLE_ROW.match(text))


_TABLE_ROW = re.compile(r"^\s*[^\d，,。；;：:]{2,30}?\s*(?:[(（]\d{1,2}[)）])?\s*"
                        r"(?:[-+]?\d[\d,]*(?:\.\d+)?%?(?:\s+|\s*[。;；]?\s*$)){2,}$")


@functools.lru_cache(maxsize=1)
def _cutter() -> Any:
    """Jieba with the words of reports it cuts apart (「视频号发了」 as 视频|号发|了), in a dictionary of its own."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    cutter = jieba.Tokenizer()
    for word in TEXT_WORDS:
        cutter.add_word(word, freq=100_000)
    return cutter


def cut(text: str) -> list[str]:
    """The text cut into words by jieba with the reports' own words."""
    return [w for w in _cutter().lcut(text) if w.strip()]


def terms(question: str) -> list[str]:
    """Content words of a question (jieba), without stop words and generic report vocabulary."""
    # 「接听数是多少」 cut as 接听|数是: the copula glued to a word is no part of it
    words = [re.sub(r"(?<=.)[是为]$", "", w.strip()) for w in _cutter().lcut(re.sub(r"20\d\d年?", "", question))]
    # 「发了」「办了」: a verb with its 了 says what was done, printed as 发布, 举办 — the verb alone, no word of its own
    words = [w[:-1] if len(w) == 2 and w.endswith("了") else w for w in words]
    # 「征地类」 printed 「征地信息类」: the category's suffix is no part of its name
    words = [w[:-1] if len(w) >= 3 and w.endswith("类") else w for w in words]
    words = [w for w in words if not (len(w) == 2 and w[0] == "类" and w[1] not in "别型似目")]  # 「征地|类发|了」: jieba's glue
    # 「多少篇文章」 cut as 多少|篇文章: the measure word asked with 多少 is no part of the noun it counts
    words = [w[1:] if len(w) >= 3 and re.search(r"(?:多少|几)" + re.escape(w), question) and w[0] in "篇条件个次场项家名份期"
             else w for w in words]
    # 「信息量」「申请量」: the amount of the thing, printed as the thing with its figure (政府信息10407条)
    words = [w for w in words if re.sub(r"(?<=..)总?量$", "", w) not in GENERIC_WORDS]  # 「信息量」: generic, as 信息 is
    words = [w for w in words if not re.fullmatch(r"[条件个次场篇项家]数", w)]  # 「信息条数」: how many, not a word
    words = [w for w in words if w and w not in GENERIC_WORDS and not all(ch in _STOP for ch in w) and re.search(r"\w", w)
             and not re.fullmatch(r"几[场个件条篇次名家项期份人天所座台辆倍成批]", w)]  # 「几场」 asks how many
    longer = [w for w in words if len(w) >= 2]
    return longer or words


ITEM_START = re.compile(r"\s*(?:其中[:：]\s*)?\d{1,2}\s*[、.．]\s*[\u4e00-\u9fff]")
_ITEM_FIGURES = re.compile(r"\s*(?:(?:19|20)\d\d\s*年)?(?:当年)?(?:年初预算|全年预算|调整预算|预算执行数|预算数|预算安排|预算|支出决算|决算)")
_SECTION_START = re.compile(r"\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")


_ITEM_CACHE: dict[str, tuple[str, list[tuple[int, str]]]] = {}


def _items(report: Report) -> list[tuple[int, str]]:
    """Where each 功能分类 item of a budget's text starts, with its heading ("" where a section heading ends it)."""
    hit = _ITEM_CACHE.get(report.id)
    if hit is not None and hit[0] is report.text:
        return hit[1]
    found: list[tuple[int, str]] = []
    for m in _SENTENCE.finditer(report.text):
        if ITEM_START.match(m.group()) and re.search(r"[(（]\d*项[)）]", m.group()):
            found.append((m.start(), m.group().strip()[:80]))
        elif _SECTION_START.match(m.group()) and found and found[-1][1]:
            found.append((m.start(), ""))
    if len(_ITEM_CACHE) >= 64:
        _ITEM_CACHE.pop(next(iter(_ITEM_CACHE)))
    _ITEM_CACHE[report.id] = (report.text, found)
    return found


def sentences_of(doc: Document, report: Report) -> list[Sentence]:
    """Sentences of a passage; a sentence listing items with ；is cut into clauses read with its lead-in."""
    start = int(doc.metadata.get("start", 0))
    end = int(doc.metadata.get("end", start + len(doc.page_content)))
    text = report.text[start:end]
    out = []
    items = _items(report) if report.kind in ("部门决算", "部门预算") else []
    # the sentence before's words up to its first figure: what a 「其中:」 sentence's parts are of (the passage's first
    # sentence too: its sentence before may end the passage before)
    before = re.split(r"[。；;\n]", report.text[max(0, start - 160) : start].rstrip().rstrip("。；;"))[-1]
    subject = re.split(r"\d", before, maxsplit=1)[0]
    for m in _SENTENCE.finditer(text):
        # a budget's numbered item (「9、城乡社区支出(类)…(项)。」), read over the whole report: what its later
        # sentences' figures are of
        at_item = bisect.bisect_right(items, (start + m.start(), "\uffff")) - 1
        item = items[at_item][1] if at_item >= 0 else ""
        clauses = list(_CLAUSE.finditer(m.group()))
        lead = m.group()[: m.group().find(":") + 1] if len(clauses) > 1 and ":" in clauses[0].group() else ""
        if item and _ITEM_FIGURES.match(m.group()):  # 「年初预算为 3110.14 万元,支出决算为…」: the item's figures
            lead = lead or item
        if re.fullmatch(r"\s*(?:其中[:：,，]\s*)?", lead) and re.match(r"\s*其中[:：,，]", m.group()) and any(
                short in m.group() and any(w in subject for w in longer) for short, longer in TEXT_INSIDE.items()):
            lead = subject + lead  # 「外贸进出口总额…。其中:出口2395万美元」: 出口 of the whole before (外贸进出口), 外贸出口
        subject = re.split(r"\d", m.group().strip(), maxsplit=1)[0]
        previous = ""
        for c in clauses:
            body = c.group().strip()
            if body:
                at = start + m.start() + c.start() + (len(c.group()) - len(c.group().lstrip()))
                # 「“上海科技”视频号共发布短视频 584 条…；直播 118 场」: the clause before names what 直播 is of
                context = lead or previous
                out.append(Sentence(report.id, body, at, at + len(body), "" if body.startswith(context) else context))
                previous = re.split(r"[\d,，]", body, maxsplit=1)[0]
    return out


def recut(words: list[str], texts: list[str]) -> list[str]:
    """A word the texts never print whole, as the two words they print close together (「城镇居民」: 城镇常住居民).

    jieba keeps 「城镇居民」 one word; a bulletin prints 「城镇常住居民」. Each piece must be two characters or more
    and two or three characters must stand between them in one text (「常住」, 「各项」) — not one, which is more
    often a word of its own (「外贸进出口」 is no 外贸出口) — or the first piece names a whole whose parts a 「其中:」
    lists right after it (「外贸进出口总额…。其中:出口2395万美元」 is 外贸出口).
    """
    out: list[str] = []
    for word in words:
        pieces = None
        if len(word) >= 4 and not any(word in t for t in texts):
            for at in range(2, len(word) - 1):
                near = re.compile(re.escape(word[:at]) + r"(?:[\u4e00-\u9fff]{2,3}|[^。；;]{0,40}[。；;]?\s*其中[:：,，]\s*)"
                                  + re.escape(word[at:]))  # 「外贸进出口总额…。其中:出口」: 外贸出口 is a part of the whole
                if any(near.search(t) for t in texts):
                    pieces = [word[:at], word[at:]]
                    break
        out += pieces or [word]
    return out


__all__ = ["GENERIC_WORDS", "ITEM_START", "cut", "figures_only", "is_statement", "recut", "sentences_of", "terms"]

"""Which figure of a sentence answers a question: the one its own clause says the question's words of.

The text route (`qa.text_route`) finds the sentence; this module reads it clause by clause. A figure's clause runs
from the delimiter or the figure before it to the figure; a clause that says only 「其中…」 or 「比上年增长…」 is
read with the sentence's subject and the clause before it; a figure that opens its clause (「29.67% 涉及…」) is read
with the words after it; a word the sentence says before the figure that its clause does not is another figure's.
A rate asked is a percentage, a unit asked (「多少类」) that unit, 「提升到多少」 the level reached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer import format_number
from qa.text_words import (
    TEXT_ASKED_UNIT as _ASKED_UNIT,
    TEXT_ASKS_RATE,
    TEXT_ASKS_TARGET,
    TEXT_CHANGE_WORDS as _CHANGE_WORDS,
    TEXT_FIGURE as _FIGURE,
)
from qa.vocabulary import TEXT_ASKS_SHARE

_MAX_GAP = 30  # the figure follows the words it answers closely ("热线满意率98.69%")
_CLAUSE_END = re.compile(r"(?<!\d),|,(?!\d)|[，;；。:：]")  # not the comma of 17,192
_NO_NUMBER = re.compile(r"(?:19|20)\d\d\s*年|\d{1,2}\s*[月日号]|\d+\s*[\]］]|\d+\s*[A-Za-z]")  # dates, notes, 5G
_FIGURE_AHEAD = re.compile(r"\d")  # the words after a figure that are its own end where the next number starts
MULTIPLIER = {"万": 10_000, "万人次": 10_000, "亿": 100_000_000}


def as_printed(value: float | None, unit: str | None) -> str:
    """A figure held in plain units (6704.11万人次 is 67041100) as its unit prints it: 「6704.11」."""
    scale = MULTIPLIER.get(unit or "", 1)
    return format_number(round((value or 0) / scale, 6) if scale != 1 and value is not None else value)
# characters that say nothing of what a clause is about (「对29项…」 opens its clause)
STOP = set("的了是在和与及或有多少几个什么哪些哪个请问吗呢年度报告我局本局全年共计其中一下是否怎么如何为对打里说")


@dataclass(frozen=True)
class Sentence:
    """A sentence (or a clause of a listing sentence) of a report, with its offsets.

    `context` is the lead-in of a listing ("全年共发布信息249条,其中:") that each clause is read with.
    """

    report_id: str
    text: str
    start: int
    end: int
    context: str = ""

    @property
    def scored(self) -> str:
        """The text a question's words are looked for in: the clause with its lead-in."""
        return self.context + self.text



_COUNT_NAMED = re.compile(r"[\u4e00-\u9fff](?:数|量)\s*(?:为|达到?|是|[:：])?\s*$")


def figure(sentence: Sentence, words: list[str], question: str,
            avoid: tuple[str, ...] = ()) -> tuple[float, str | None, int, int] | None:
    """The number nearest after the question's words in the sentence, with its unit and span.

    Numbers the question itself states (「12348热线」) and growth rates (unless asked for) are skipped.
    """
    # Every place a question word occurs (not only its first): the figure follows the nearest one.
    # 「月通报」 beside 「季度通报」: a word widened by the question's characters before it that the sentence repeats
    words = [w for w in words + _widened(words, question, sentence.text) if w not in avoid]  # 「发布审查」 beside
    if not words:  # 「公开属性审查」: 发布 anchors, not 审查
        return None  # nothing of its own to anchor on: no figure rather than the other part's
    # 「好评率」 is printed as 「好评数占评价总数99.58%」: a rate's own word without 率 names it too
    words += [w[:-1] for w in words if len(w) >= 3 and w.endswith("率") and w[:-1] not in words]
    # unit words are no content (「多少万辆」): 475 万辆 and 110 万辆 both say them
    words = [w for w in words if not _FIGURE.fullmatch("1" + w.removeprefix("多少"))] or words
    text = sentence.text
    if (paired := _slash_pair(sentence, words) or _respectively(sentence, words, question)) is not None:
        value, unit, start, end = paired
        return None if value is None else (value, unit, start, end)
    anchors = [m.end() for w in words if len(w) >= 2 for m in re.finditer(re.escape(w), text)]
    # 「共公开51条疫情防控相关信息」: a count may also stand right before the noun it counts.
    nouns = [m.start() for w in words if len(w) >= 2 for m in re.finditer(re.escape(w), text)]
    asked_target = bool(TEXT_ASKS_TARGET.search(question))
    asked_change = bool(_CHANGE_WORDS.search(question)) and not asked_target
    asked_unit = _ASKED_UNIT.search(question)
    asked_share = bool(TEXT_ASKS_SHARE.search(question) or _COMPLETION.search(question))  # 「同比下降了百分之多少」: the
    # percentage, not the count beside it; 「完成了年初预算的多少」: the completion rate, not the budget
    asked_rate = bool(TEXT_ASKS_RATE.search(question))  # 「合格率是多少」: a percentage, not the 95 个 beside it
    head = sentence.context + _subject(re.split(_CLAUSE_END, text)[0])  # what the sentence is about (for 其中… clauses)
    said = {w for w in words if len(w) >= 2 and w in text}
    asked_kind = _ASKED_BUDGET_KIND.findall(_COMPLETION.sub("", _BUDGET_NAMES.sub("", question))) \
        or (["决算"] if _SPENT.search(question) else [])  # (「完成全年预算的」 names the rate's base, not the kind asked)
    stated = set(re.findall(r"\d+(?:\.\d+)?", question.replace(",", "")))  # 「12348热线」; not the 2 of 2023年
    best = None
    kinds: list[tuple[int, str]] = []  # (words told, budget kind of the clause) of every figure that qualifies
    for m in _FIGURE.finditer(text):
        if re.fullmatch(r"20\d\d", m.group(1)) and re.match(r"\s*年", text[m.end(1) :]):
            continue
        if m.group(1).replace(",", "") in stated or _quoted(text, m.start()):
            continue
        if m.group(2) in ("类", "款", "项") and re.search(r"[(（]\s*$", text[: m.start()]) and re.match(r"\s*[)）]", text[m.end() :]):
            continue  # 「基层司法业务(04项)」: a budget item's code (类, 款, 项), no count
        if not m.group(2) and (not _COUNT_NAMED.search(text[max(0, m.start() - 12) : m.start()]) or "." in m.group(1)) or \
                not m.group(2) and not any(text[: m.start()].rstrip().endswith(w) or
                                           re.search(re.escape(w) + r"(?:总?数|量)?\s*(?:为|达到?|是|[:：])?\s*$",
                                                     text[: m.start()])
                                           for w in words if len(w) >= 2):
            continue  # a figure is taken only with its unit (「苏州东路42号」 is no count), or right after the count it is
            # (「粉丝数 54373」: the question's own word, ending 数 or 量, and a whole number: 「人数 500.8」 is a rate)
        reached = bool(re.search(r"[到至]\s*$", text[max(0, m.start() - 4) : m.start()]))  # 「提升到 90%」
        if asked_target and not reached:
            continue
        if not asked_change and not reached and _CHANGE_WORDS.search(text[max(0, m.start() - 4) : m.start()]):
            continue
        printed_unit, wanted = re.sub(r"^[万亿]", "", m.group(2) or ""), asked_unit.group(asked_unit.lastindex or 0) if asked_unit else ""
        if asked_unit and printed_unit != wanted and not {printed_unit, wanted} <= _DOCUMENTS:
            continue  # (「多少篇政策解读」 printed 「政策解读共132件」: documents are counted in 篇, 件 or 条 alike)
        if (asked_share or asked_rate) and m.group(2) not in ("%", "‰"):
            continue
        if m.group(2) in ("%", "‰", "个百分点", "百分点") and not (asked_share or asked_rate or asked_change or _PERCENT_ASKED.search(question)):
            continue  # 「…支出决算数」 is no 「完成年初预算的98.20%」 beside it: a percentage only where one is asked
        # a share the question asks follows its own words with no other figure between (「差评数占评价量总数的0.34%」,
        # not 「现场解决162件，跟进解决186件，办结率100%」)
        after = [m.start() - a for a in anchors if 0 <= m.start() - a <= _MAX_GAP
                 and not (asked_share and re.search(r"\d", text[a : m.start()]))]
        after += [0 for n in nouns if m.group(2) and n == m.end()]
        # the figure's own clause: from the delimiter or figure before it (「货物采购金额4.79万元、工程采购金额0万元」)
        # to the figure; a figure that opens its clause is followed by its words (「29.67% 涉及司法鉴定机构…」)
        before = re.split(_CLAUSE_END, text[: m.start()])
        numbers = [f for f in _FIGURE.finditer(before[-1])  # 「旅游总收入 37.1 年末…景区1个」: any number counts
                   if f.group(2) or not _NO_NUMBER.match(f.group(1) + before[-1][f.end() :])]  # not 2024年, [7], 5G
        left = before[-1][numbers[-1].end() :] if numbers else before[-1]
        if numbers:  # 「在职员工41,011人(含派遣人员),…离职职工79人」: the bracket qualifies the figure before it
            left = re.sub(r"^\s*[(（][^()（）]{0,24}[)）]", "", left)
        # the words before the listing's last figure with a unit: 「比例由原先的 0%提升到 90%」 is of 比例 too
        lead = before[-1][: max((f.start() for f in numbers if f.group(2)), default=0)]
        right = re.split(_CLAUSE_END, _FIGURE_AHEAD.split(text[m.end() :], maxsplit=1)[0])[0]
        counted = m.end() in nouns  # 「18 类行政审批事项」: a count stands before the noun it counts
        own = {w for w in words if len(w) >= 2 and w in left}
        if numbers and re.fullmatch(r"[份件个条项篇类家次场所部套批期]", numbers[-1].group(2) or ""):
            # 「12 份政策保障文件、9 份行业指引」: 政策保障文件 is counted by the 12 before it, not said of the 9
            own -= {w for w in own if left.lstrip().startswith(w)}
        if counted:
            own |= {w for w in words if len(w) >= 2 and text.startswith(w, m.end())}
        if "人均" not in question and (in_left := {w for w in own if w in left}) and \
                not {w for w in in_left if w in re.sub(r"人均(?:地区)?[\u4e00-\u9fff]{2,8}", "", left)}:
            continue  # 「人均地区生产总值35511元」 is another measure than the 生产总值 asked
        follows = {w for w in words if len(w) >= 2 and w in right}  # 「对29项…重要政策文件进行解读」
        opens = not re.sub(rf"[{''.join(STOP)}\s]", "", re.sub(r"[^\u4e00-\u9fff]", "", left))  # nothing but 对, 的, 共…
        if (spending := _SPENDING_PART.search(left)) and spending.group(1) not in question:
            continue  # 「…财政拨款基本支出 5377.64 万元」 is a part of the 支出 asked (基本, 项目 支出 make it up)
        if re.match(r"[\s(（]*(?:其中[:：,，]?)?其他", left) and "其他" not in question:
            continue  # 「其他应主动公开政府信息856条」: the residual item of a breakdown is never the thing asked
        if opens and follows:  # a figure that opens its clause is read with the words after it
            left, own = right, follows
            after = after or [min(right.find(w) for w in follows)]
        if counted:  # what it counts is said, though not what the clause before the count names
            lead += right
        # the clause before, for one that says no subject (「实现旅游总收入553.68亿元,比上年增长43%」)
        previous = next((c for c in reversed(before[:-1]) if re.search(r"[\u4e00-\u9fff]", c)), "")
        previous = _subject(previous)  # what follows its own figure is that figure's
        # the clause naming the most question words wins, the sentence's subject read with clauses that only say
        # 其中… (「行政复议351件,其中…结果纠正64件」 for 「行政复议被纠正的」); then the clause's own words
        # (「在政府网站平台主动发布…2428 条」 over 「解读信息发布 7 条」 for 「在政府网站…发布多少条」), then the longest
        # piece of the question as written (「不予公开答复 2 件」 over 「不予处理 0 件」 for 「不予公开的多少」), then a
        # change asked (「比2024年预算减少了多少」): the figure the sentence gives as a change, not the level beside it
        told = own | {w for w in words if len(w) >= 2 and w in lead}
        told |= {w for w in words if len(w) >= 2 and (w in head or w in previous)} if len(before) > 1 else set()
        if not own and not counted and not follows and _listed_beside(told, head + previous, left, question):
            continue  # 「营业收入、净利润同比有所下降,全年实现净利润445.08亿元」: the figure is the other one listed
        earlier = sentence.context + "".join(before[:-1])  # 「“上海发布”在…平台粉丝数累积超 3170 万,其中,微信公众号粉丝达…」
        before_it = {w for w in said if w in text[: m.start()]}  # words said only after the figure are another's
        if not before_it <= told | follows | {w for w in said if w in earlier}:
            continue  # the sentence says a word asked that the figure's clause is not about (「旅游总收入」 beside 景区1个)
        level = asked_change and not _CHANGE_WORDS.search(text[max(0, m.start() - 4) : m.start()])
        # a clause that opens with 其中 gives a part (「其中:因公出国(境)费决算为0.00万元」): for the whole the sentence
        # is about (「三公经费决算」) its own clause wins; a question naming the part tells more of its words anyway
        part = bool(re.match(r"[\s:：,，]*其中", before[-1]) or (len(before) > 1 and re.search(r"其中\s*$", before[-2])))
        key = (-len(told), level, -len(own), part, -_common(left, question), min(after)) if after else None
        if key is not None:
            kind = _BUDGET_KIND.findall(_BUDGET_NAMES.sub("", left))
            kinds.append((len(told), kind[-1] if kind else ""))
            if asked_kind and kind and not kind[-1].startswith(asked_kind[0]) and asked_kind[0] not in kind[-1]:
                continue  # 「花了多少」 asks the 决算, not the 年初预算 the same clause chain states first
            if asked_kind and not kind and asked_kind[0] in _NAMED_KINDS:
                continue  # 「全年预算数」 is said as such: not the 「…财政拨款支出 307.82 万元」 of a clause naming no kind
        if key is not None and (best is None or key < best[0]):
            best = (key, m)
    if best is None:
        return None
    rivals = {k for told, k in kinds if told == -best[0][0]}
    if not asked_kind and len(rivals) > 1 and "" not in rivals:
        return None  # 「三公经费多少」: 年初预算0.95万元 and 支出决算0.00万元 are both its figures; neither is asked
    m = best[1]
    value = float(m.group(1).replace(",", ""))
    unit = m.group(2)
    value *= MULTIPLIER.get(unit or "", 1)
    return value, unit, sentence.start + m.start(), sentence.start + m.end()


# A budget's figures come in kinds the same clause chain states one after another (「…年初预算为0.95万元,支出决算为
# 0.00万元」): the kind asked, or — spent (花了, 用了) being the 决算 — none and so no one figure.
_BUDGET_KIND = re.compile(r"年初预算|全年预算|调整预算|预算执行数|执行数|预算|决算")
_ASKED_BUDGET_KIND = re.compile(r"年初预算|全年预算|调整预算|预算执行数|执行数|预算|决算")
# 「一般公共预算财政拨款支出」 names an account, not the kind of figure (预算 as against 决算)
_BUDGET_NAMES = re.compile(r"一般公共预算|政府性基金预算|国有资本经营预算|预算单位|部门预算|单位预算")
_SPENDING_PART = re.compile(r"(基本|项目)支出")  # a budget's 支出 is its 基本支出 plus its 项目支出
_NAMED_KINDS = ("年初预算", "全年预算", "调整预算", "预算执行数", "执行数")  # a figure of one of these says so
_SPENT = re.compile(r"花了|花费|花掉|用了|用掉|开支了|实际支出|实际花")


# 「当前价/目标价: 250.67 元/315.90元」, 「52周最高/最低价(元): 272.0 / 167.0」: two labels, then their two values in order
_SLASH_PAIR = re.compile(r"(?P<a>[\u4e00-\u9fffA-Za-z0-9]{1,12})/(?P<b>[\u4e00-\u9fffA-Za-z0-9]{1,12})(?:[(（](?P<u>[^)）]{1,4})[)）])?[:：]\s*"
                         r"(?P<x>\d[\d,]*(?:\.\d+)?)\s*(?P<u1>[\u4e00-\u9fff%]{0,3}?)\s*/\s*(?P<y>\d[\d,]*(?:\.\d+)?)\s*(?P<u2>[\u4e00-\u9fff%]{0,3})")


def _slash_pair(sentence: Sentence, words: list[str]) -> tuple[float | None, str | None, int, int] | None:
    """The value of the label a question names in a slash pair (目标价 → 315.90, not 当前价's 250.67 after it).

    None where the sentence has no pair the words name; a value of None where they name both labels (no figure).
    """
    for m in _SLASH_PAIR.finditer(sentence.text):
        a, b = m.group("a"), m.group("b")
        in_a = any(w in a for w in words if len(w) >= 2)
        in_b = any(w in b for w in words if len(w) >= 2)
        if in_a == in_b:
            if in_a:
                return None, None, 0, 0
            continue
        side = "y" if in_b else "x"
        unit = m.group("u2" if in_b else "u1") or m.group("u") or m.group("u1" if in_b else "u2") or None
        value = float(m.group(side).replace(",", ""))
        return value, unit, sentence.start + m.start(side), sentence.start + m.end(side)
    return None


_RESPECTIVELY = re.compile(r"(?P<names>[^，,。；;：:]{4,80}?)分别(?:为|是|达到?|占)?\s*(?P<values>(?:[-+]?\d[\d,]*(?:\.\d+)?\s*"
                           r"(?:%|‰|亿元|万元|元|万人|人|个百分点)?\s*[、和及与,，]?\s*){2,8})")


def _respectively(sentence: Sentence, words: list[str], question: str) -> tuple[float | None, str | None, int, int] | None:
    """The value of the name a question asks in 「A、B及C分别为x、y、z」 (资本充足率 → 13.52, not 核心一级's 9.90).

    The names and the values must be as many; the name asked is the one equal to the question's longest word that
    the names say, else the only name that says it. None where the sentence has no such listing the words name.
    """
    for m in _RESPECTIVELY.finditer(sentence.text):
        names = [re.sub(r"^(?:截至\S*?末|本集团|本行|本公司|全州|全市|全县|全区|全年|年末|其中)+", "", n.strip())
                 for n in re.split(r"[、和及与]", re.split(r"[，,]", m.group("names"))[-1]) if n.strip()]
        values = list(re.finditer(r"([-+]?\d[\d,]*(?:\.\d+)?)\s*(%|‰|亿元|万元|元|万人|人|个百分点)?", m.group("values")))
        if len(names) < 2 or len(names) != len(values):
            continue
        asked = sorted((w for w in words if len(w) >= 2 and any(w in n for n in names)), key=len, reverse=True)
        if not asked:
            continue
        whole = [i for i, n in enumerate(names) if n in question]  # the name as the question writes it, the longest
        longest = [i for i in whole if len(names[i]) == max(len(names[j]) for j in whole)]
        exact = [i for i, n in enumerate(names) if any(n.endswith(w) and len(n) - len(w) <= 2 for w in asked[:1])]
        named = [i for i, n in enumerate(names) if asked[0] in n]
        chosen = longest if len(longest) == 1 else exact if len(exact) == 1 else named if len(named) == 1 else []
        if len(chosen) != 1:
            return None, None, 0, 0  # the words name several of them: no figure
        v = values[chosen[0]]
        unit = v.group(2) or next((x.group(2) for x in values[chosen[0]:] if x.group(2)), None)  # 「9.90%、10.87%」
        start = sentence.start + m.start("values") + v.start(1)
        return float(v.group(1).replace(",", "")), unit, start, start + len(v.group(1))
    return None


_COMPLETION = re.compile(r"完成(?:了)?(?:年初|全年|调整)?预算(?:数)?的")
_PERCENT_ASKED = re.compile(r"率|比例|比重|百分|%|占|几成|增速|增幅|降幅|增长|下降|同比|上升|提高|降低|变动|变化|份额|比值")
_DOCUMENTS = {"篇", "件", "条"}  # the measure words of documents and items of information, interchangeable


def _widened(words: list[str], question: str, text: str) -> list[str]:
    """Question words with the characters before them that the sentence repeats (「月通报」 for 通报).

    「季度通报3次、月通报7次」 says 通报 twice: the one-character qualifier the word list drops still tells them apart.
    """
    wider: list[str] = []
    for w in (w for w in words if re.fullmatch(r"[\u4e00-\u9fff]{2,}", w)):
        for m in re.finditer(re.escape(w), question):
            start = m.start()
            while start > 0 and re.match(r"[\u4e00-\u9fff]", question[start - 1]) and question[start - 1] not in STOP \
                    and not re.search(r"(?:多少|几|\d)[条件个次场篇项家名份期类人]$", question[:start]) \
                    and question[start - 1 : m.end()] in text \
                    and not any(o != w and question.find(o) <= start - 1 < question.find(o) + len(o) for o in words if len(o) >= 2):
                start -= 1  # not into 「多少条」 (the count, not the noun), nor into another word asked (「经费|决算」: no 费决算)
            if start < m.start() and question[start : m.end()] not in words + wider:
                wider.append(question[start : m.end()])
    return wider


def _subject(clause: str) -> str:
    """A clause up to its first figure with a unit: what the clause is about.

    「本集团共有在职员工41,011人(含派遣人员)」: the bracket after the figure is the figure's own, no word of a later
    clause's subject.
    """
    first = next((f for f in _FIGURE.finditer(clause) if f.group(2)), None)
    return clause[: first.start()] if first else clause


def _listed_beside(told: set[str], head: str, left: str, question: str) -> bool:
    """Whether the clause before a figure names a thing the sentence lists beside the word asked, and not asked."""
    for w in told:
        for m in re.finditer(rf"{re.escape(w)}[、和及与]([\u4e00-\u9fff]{{2,6}})|([\u4e00-\u9fff]{{2,6}})[、和及与]{re.escape(w)}", head):
            other = m.group(1) or m.group(2)
            pieces = [other[:n] for n in range(2, len(other) + 1)] if m.group(1) else [other[-n:] for n in range(2, len(other) + 1)]
            if any(p in left and p not in question for p in pieces):
                return True
    return False


def _common(clause: str, question: str) -> int:
    """The length of the longest run of Chinese characters the clause and the question share."""
    best = 0
    for i in range(len(clause)):
        for j in range(i + best + 1, len(clause) + 1):
            piece = clause[i:j]
            if not re.fullmatch(r"[\u4e00-\u9fff]+", piece) or piece not in question:
                break
            best = j - i
    return best


def _quoted(text: str, at: int) -> bool:
    """Whether a position is inside “…” or 《…》: a number in a name (“问了 12348 律师”) is no figure."""
    before = text[:at]
    return before.count("“") > before.count("”") or before.count("《") > before.count("》")


__all__ = ["MULTIPLIER", "STOP", "Sentence", "as_printed", "figure"]

"""The text route: from retrieved passages, the sentence that answers and the figure in it, quoted and cited."""

from __future__ import annotations

import math
import re

from langchain_core.documents import Document

from corpus import Report
from corpus.about import DISCLOSURE, RESEARCH
from qa.answer import Answer, Citation, Scope, abstain, format_number
from qa.clause import MULTIPLIER as _MULTIPLIER, Sentence, figure
from qa.sentences import (
    ITEM_START,
    cut,
    is_statement,
    recut,
    sentences_of,
    terms,
)
from qa.text_words import (
    PART_OF_YEAR,
    PER_QUANTITY,
    TEXT_AMOUNT_OR_RATE,
    TEXT_ASKS_WHO,
    TEXT_BOILERPLATE,
    TEXT_CONTACT as _CONTACT,
    TEXT_DESCRIPTIVE as _DESCRIPTIVE,
    TEXT_ITEM as _ITEM,
    TEXT_NEGATED,
    TEXT_NUMBER_QUESTION as _NUMBER_QUESTION,
    TEXT_ORGANISATION,
    TEXT_PROBLEMS as _PROBLEMS,
    TEXT_RATE_BESIDE,
    TEXT_SIBLINGS,
    inside_only,
    per_key,
    per_quantities,
)


def _issuer_word(word: str, own: set[str]) -> bool:
    """A word of the issuer's names: a name, or the start of one (「邮储」 of 邮储银行) — who, not what is asked."""
    return word in own or len(word) >= 2 and any(name.startswith(word) for name in own)


def _weights(words: list[str], sentences: list[str]) -> dict[str, float]:
    """Rarer words weigh more (inverse sentence frequency over the retrieved passages), longer words too."""
    n = max(1, len(sentences))
    weights = {}
    for w in words:
        df = sum(1 for s in sentences if w in s)
        weights[w] = len(w) * math.log(1 + n / (1 + df))
        if w.isdigit():  # a number in the question names a thing ("12348热线"); it is not what is asked
            weights[w] *= 0.3
    return weights


def _score(sentence: str, weights: dict[str, float]) -> float:
    total = sum(weights.values())
    if not total:
        return 0.0
    return sum(v for w, v in weights.items() if w in sentence) / total


def _plain(value: float) -> float | int:
    return int(value) if value.is_integer() else value




def _candidates(
    question: str, docs: list[Document], reports: dict[str, Report], in_scope: list[str] | None
) -> tuple[list[tuple[int, Sentence]], str | None]:
    """Sentences to answer from, and what they were narrowed to ("contact", "problems") if anything.

    Contact details sit in a report's opening lines and problems in its section 五, which rarely rank
    high: for one or two reports in scope, that part of their text is read whole.
    """
    contact = next((holds for asked, holds in _CONTACT if asked.search(question)), None)
    # (a figure asked — 「整改了多少处失效链接」 — is no question about the report's own problems)
    problems = contact is None and bool(_PROBLEMS.search(question)) and not re.search(r"多少|几[个件处条项次]", question)
    if in_scope and len(in_scope) <= 2 and (contact or problems):
        for rid in (r for r in in_scope if r in reports):
            whole = reports[rid]
            span = next(((s.start, s.end) for s in whole.sections if s.title.startswith("五")), None) if problems else None
            span = span or (_problems_heading(whole.text) if problems else None)
            start, end = span or (0, len(whole.text))
            docs = [*docs, Document(page_content=whole.text[start:end], metadata={"report_id": rid, "start": start, "end": end})]
    found: list[tuple[int, Sentence]] = []
    for rank, doc in enumerate(docs):
        report = reports.get(str(doc.metadata.get("report_id")))
        if report is None or doc.metadata.get("kind") == "row":
            continue
        legal = TEXT_BOILERPLATE.search(report.text) if report.kind == RESEARCH else None  # its legal pages
        found += [(rank, s) for s in sentences_of(doc, report) if is_statement(s) and (legal is None or s.start < legal.start())]
    if in_scope and len(in_scope) <= 2 and contact is None and not problems:
        # one or two reports: a sentence that says every content word of the question is a candidate even where
        # the passage holding it did not rank (「一般公共预算收入202.27亿元」 beside a 支出 passage that did)
        from qa.anycells import places

        own = set().union(*(places(reports[r]) for r in in_scope if r in reports))
        words = [w for w in terms(question) if len(w) >= 2 and not w.isdigit() and not _issuer_word(w, own)]
        words = recut(words, [reports[r].text for r in in_scope if r in reports])
        seen = {(c[1].report_id, c[1].start) for c in found}
        for rid in (r for r in in_scope if r in reports):
            whole = reports[rid]
            doc = Document(page_content=whole.text, metadata={"report_id": rid, "start": 0, "end": len(whole.text)})
            found += [(len(docs), s) for s in sentences_of(doc, whole) if (rid, s.start) not in seen and words
                      and all(w in s.scored for w in words) and is_statement(s)]
    if contact is not None:  # the issuer's own contact, not a shareholder's (「…投资有限公司成立于…,注册地址:…」)
        return [c for c in found if contact.search(c[1].text) and not _other_company(c[1].text, reports[c[1].report_id])], \
            "contact"
    if problems:
        in_five = [c for c in found if reports[c[1].report_id].section_at(c[1].start).startswith("五")]
        if not in_five:  # the section's heading lost in conversion: the sentences under 「（一）主要问题」
            spans = {rid: span for rid in (in_scope or []) if rid in reports and (span := _problems_heading(reports[rid].text))}
            in_five = [c for c in found if (sp := spans.get(c[1].report_id)) and sp[0] <= c[1].start < sp[1]]
        return (in_five, "problems") if in_five else (found, None)
    return found, None


_PROBLEMS_HEADING = re.compile(r"(?m)^[ \t]*(?:[（(][一二三四][）)]|[一二三四五六七八九十]、)[ \t]*(?:存在的)?主要问题[^\n]{0,12}$")
_NEXT_HEADING = re.compile(r"(?m)^[ \t]*(?:[（(][一二三四五六][）)]|[一二三四五六七八九十]、)")


def _problems_heading(text: str) -> tuple[int, int] | None:
    """The span under a 「（一）主要问题」 heading (to the next heading), where the section 五 was not read."""
    m = _PROBLEMS_HEADING.search(text)
    if m is None:
        return None
    following = _NEXT_HEADING.search(text, m.end())
    return m.end(), following.start() if following else min(len(text), m.end() + 2000)


def _other_company(text: str, report: Report) -> str | None:
    """A company the sentence is about that is not the report's issuer (its name or one of its other names)."""
    for m in _COMPANY.finditer(text):
        name = m.group()
        if not (name in report.agency or report.agency in name or any(n and n in name for n in report.names)):
            return name
    return None


_COMPANY = re.compile(r"[\u4e00-\u9fff]{2,20}?(?:股份有限公司|有限责任公司|有限公司)")


def _number_answer(question: str, best: Sentence, report: Report, words: list[str], scope: Scope,
                   avoid: tuple[str, ...] = ()) -> Answer | None:
    found = figure(best, words, question, avoid)
    if found is None or not _at_period_asked(question, best.text[: max(0, found[2] - best.start)]):
        return None
    value, unit, _, end = found
    shown_unit = unit or ""
    rate = TEXT_RATE_BESIDE.match(report.text, end) if TEXT_AMOUNT_OR_RATE.search(question) and unit != "%" else None
    shown_unit += f"，{rate.group(1)}{rate.group(2)}%" if rate else ""  # 「增长了多少」: the amount and the rate printed with it
    # a budget item's figure is quoted with the item it is of (「9、城乡社区支出(类)…(项)。… 年初预算为 3110.14 万元」),
    # and is the item's: a question that names no item (「决算支出比全年预算少多少」) asks the department's, not this
    item = re.search(r"([\u4e00-\u9fff]{2,20})\s*[(（]\d*项[)）]", best.context) if ITEM_START.match(best.context) else None
    if item and not all(w in question for w in cut(re.sub(r"支出$", "", item.group(1))) if len(w) >= 2):  # 行政运行 is no 行政单位离退休
        return None
    of_whole = best.context and re.match(r"\s*其中[:：,，]", best.text) and not best.text.startswith(best.context)
    quote = f"{best.context} … {best.text}" if item or of_whole else best.text  # 「其中:出口…」: the whole it is of
    citation = Citation(best.report_id, report.title, report.section_at(best.start), quote, best.start, best.end, report.page_at(best.start))
    return Answer(
        question=question,
        answer=f"{format_number(_plain(value / _MULTIPLIER.get(unit or '', 1)))}{shown_unit}（{quote}）",
        value=_plain(value),
        unit=unit,
        route="text",
        citations=[citation],
        scope=scope,
    )


_OWN_QUALIFIERS = re.compile(r"截至|截止|报告期末|报告期内|报告期|本行|本集团|本公司|集团|全年|年末|期末|年底|全市|全州|全县|全区|"
                             r"全省|全国|累计|共有|拥有|共|实现|完成|达到|达|有|为|\d+年?")


def _qualified(sentence: Sentence, words: list[str], question: str) -> bool:
    """Whether the sentence's figure follows the asked words after a qualifier the question does not say.

    「本行公司贷款不良贷款余额155.02亿元」 is a segment's figure, not the bank's.
    """
    text = sentence.text
    longest_word = max((w for w in words if w in text), key=len, default="")
    found = figure(sentence, words, question)
    if len(longest_word) < 3 or found is None:
        return False
    at = found[2] - sentence.start
    before = [m for m in re.finditer(re.escape(longest_word), text) if m.end() <= at]
    for m in before[-1:]:  # the mention the figure follows
        glued = re.split(r"[，,；;。：:、\s（(]", text[: m.start()])[-1]
        own = _OWN_QUALIFIERS.sub("", glued)
        if len(own) < 2 or own in question:
            return False
    return True


def _of_another_year(text: str, year: int) -> bool:
    """A sentence whose figures are of another year's accounts, its own year unsaid but as a date.

    「经2019年5月30日召开的2018年度股东大会…每10股派发…1.937元」 in the 2019 report is 2018's dividend.
    """
    years = {int(m.group(1)) for m in re.finditer(r"(20\d\d)\s*年年?度", text)  # 「比2023年度增加」: compared with
             if not re.search(r"(?:比|较|与|同|和|相比|对比)\s*$", text[: m.start()])}
    return bool(years) and year not in years and not re.search(rf"{year}\s*年(?!\s*\d{{1,2}}\s*月)", text)


def of_year(text: str, year: str) -> bool:
    """Whether a sentence states a figure of the year: says it, not only as what it compares with (「比2023年度增加」)."""
    return any(not re.search(r"(?:比|较|与|同|和)\s*$", text[: m.start()]) for m in re.finditer(year, text))


_SUPERLATIVE = re.compile(r"(?:最|较)(?:高|低|大|小|多|少|快|慢)的[\u4e00-\u9fff]{1,6}?(?:为|是)")
_OPENING = re.compile(r"年初|期初|年底|年末|期末")


def _at_period_asked(question: str, before: str) -> bool:
    """Whether the sentence's figure is of the period asked: a year's start or its end.

    A balance asked at the year's start (「年初…存款余额」) must be said so before its figure, not only as what a
    year-end figure is compared with (「年末…余额 5625.03 亿元,比年初增加 586.96」); a year-end one must not be
    said at the start.
    """
    asked = {"年初" if m in ("年初", "期初") else "年末" for m in _OPENING.findall(question)}
    said = {"年初" if m.group() in ("年初", "期初") else "年末" for m in _OPENING.finditer(before)
            if not re.search(r"(?:比|较|与|同)$", before[: m.start()])}
    if asked == {"年初"}:
        return "年初" in said and "年末" not in said
    if asked == {"年末"}:
        return "年初" not in said
    return True


def _description(question: str, best: Sentence, report: Report, candidates: list[Sentence], scope: Scope) -> Answer:
    """The sentence, and what follows it when it introduces a list ("主要表现在：") or the question asks 哪些."""
    section = report.section_at(best.start)
    following = sorted(
        (s for s in candidates if s.report_id == best.report_id and s.start >= best.end and report.section_at(s.start) == section),
        key=lambda s: s.start,
    )
    end = best.end
    wants_list = "哪些" in question or _PROBLEMS.search(question)
    for s in following[: 2 if wants_list else 1]:
        if wants_list or best.text.endswith((":", "：")) or len(best.text) < 40:
            end = max(end, s.end)
    if wants_list:
        end = _rest_of_enumeration(report.text, best.start, end, _section_end(report, best.start))
    quote = report.text[best.start : end].strip()
    if re.search(r"哪一?年|什么时候|何时|哪天|几月", question) and not re.search(r"\d{4}\s*年|\d+\s*月", quote):
        return abstain(question, "找到的句子没有说到时间", scope)  # 「哪一年成立的」 is no 「年新成立，人员变动…」
    citation = Citation(best.report_id, report.title, section, quote, best.start, best.start + len(quote), report.page_at(best.start))
    return Answer(question=question, answer=quote, route="text", citations=[citation], scope=scope)


_NUMERALS = "一二三四五六七八九十"
_MAX_LIST = 1500  # characters a listing answer may run to


def _section_end(report: Report, offset: int) -> int:
    """Where the section holding an offset ends (the next section's start, or the end of the text)."""
    return min((sec.start for sec in report.sections if sec.start > offset), default=len(report.text))


def _rest_of_enumeration(text: str, start: int, end: int, limit: int) -> int:
    """Where a list the quote begins (「一是…」) ends: through 二是, 三是 … as long as they follow in the section."""
    items = [_NUMERALS.index(m.group(1)) for m in _ITEM.finditer(text, start, end)]
    if not items or items[0] != 0:
        return end
    last = max(items)
    limit = min(limit, start + _MAX_LIST)
    while last + 1 < len(_NUMERALS):
        at = text.find(_NUMERALS[last + 1] + "是", end, limit)
        if at < 0:
            break
        end, last = at, last + 1
    if last > max(items):  # the last item runs to its sentence's end
        stop = text.find("。", end, limit)
        end = stop + 1 if stop >= 0 else limit
    return end


def extract_answer(
    question: str,
    docs: list[Document],
    reports: dict[str, Report],
    min_score: float = 0.5,
    in_scope: list[str] | None = None,
    avoid: tuple[str, ...] = (),
    asked: str = "",
) -> Answer | None:
    """The best sentence of the retrieved passages and, for a figure question, its figure; None if unsure.

    `avoid`: question words the figure must not be anchored on (words two asked figures share); `asked`: the
    question with its scope words (a year other than the report's must be said by the sentence).
    """
    words = terms(question)
    candidates, narrowed = _candidates(question, docs, reports, in_scope)
    if not candidates:
        return None
    if in_scope:  # 「黔东南州」 names the issuer of the report in scope: who, not what its sentence must say
        from qa.anycells import places

        own = set().union(*(places(reports[r]) for r in in_scope if r in reports))
        words = [w for w in words if not _issuer_word(w, own)] or words
        words = recut(words, [reports[r].text for r in in_scope if r in reports])
    asked_year = re.findall(r"(20\d\d)\s*年", asked or question)
    if len(asked_year) == 1 and in_scope and all(reports[r].year not in (None, int(asked_year[0])) for r in in_scope if r in reports):
        # 「2023年研发投入」 of a 2024 report: a sentence of the year asked (not 累计投入超过1000亿元)
        candidates = [c for c in candidates if of_year(c[1].text, asked_year[0])]
        if not candidates:
            return None
    if in_scope and len(in_scope) == 1 and in_scope[0] in reports and (year := reports[in_scope[0]].year):
        # 「2019年度每10股派多少」 of the 2019 report: not 「经2019年5月召开的2018年度股东大会…每10股派发…1.937元」
        candidates = [c for c in candidates if not _of_another_year(c[1].text, year)]
    if not PART_OF_YEAR.search(question):  # 「2024年每10股派多少」: the year's (全年…6.08元), not 「2024年末期…3.62元」
        candidates = [c for c in candidates if not PART_OF_YEAR.search(c[1].text) or "全年" in c[1].text] or candidates
    # 「规范性文件废止了多少件」: a sentence of its sibling (「现行有效…698件」, 「制发…88件」) and not of it is no candidate
    sibling = [g for g in TEXT_SIBLINGS if any(w in question for w in g)]
    candidates = [c for c in candidates if not any(any(w in c[1].text for w in g) and not any(w in c[1].text for w in g if w in question)
                                                   for g in sibling)]
    per = PER_QUANTITY.search(question)
    if per:  # 「每10股派多少」: a sentence of another quantity (「每股优先股派发股息4.37元」) is no candidate
        candidates = [c for c in candidates if per_quantities(c[1].text) & {per_key(per)}]
        if not candidates:
            return None
    weights = _weights(words, [s.scored for _, s in candidates])
    # 「黔东南2016年地区生产总值」: a measure named with no question word asks its figure, like 「…是多少」
    bare = not re.search(r"多少|几|什么|啥|哪|谁|怎|如何|为何|为什么|吗|呢|是否|有没有|[？?]", question)
    wants_number = (bool(_NUMBER_QUESTION.search(question)) or bare) and not _DESCRIPTIVE.search(question)
    if wants_number and TEXT_NEGATED.search(question):
        return None
    scored = [(_score(s.scored, weights), -rank, s) for rank, s in candidates]
    if wants_number:
        # 「外贸出口」 is not said by 「外贸进出口总额…」: a sentence that has the word only inside another is no candidate
        scored = [c for c in scored if not any(inside_only(w, c[2].scored) for w in words)]
        scored = [c for c in scored if figure(c[2], words, question, avoid) is not None] or scored
        if not _SUPERLATIVE.search(question):  # 「不良贷款余额最高的区域为西部地区,不良贷款余额 156.83亿元」: a part's
            scored = [c for c in scored if not _SUPERLATIVE.search(c[2].text)]  # figure, not the whole's
    if not scored:
        return None
    elif TEXT_ASKS_WHO.search(question):  # 「哪个单位收的」: a sentence that names one, or none
        scored = [c for c in scored if TEXT_ORGANISATION.search(re.sub(r"《[^》]*》|行政机关", "", c[2].text))]
        if not scored:
            return None
    elif "哪些" in question and words:  # 「哪些形式的培训」: the sentence that lists them (「调研式培训、过堂式培训」)
        thing = re.escape(words[-1])
        listing = re.compile(rf"(?:“[^”]{{2,30}}”[、和及与]?)+等?[\u4e00-\u9fff]{{0,6}}{thing}|"
                             rf"[\u4e00-\u9fff]{{1,8}}{thing}[、和及与][\u4e00-\u9fff]{{1,8}}{thing}")
        scored = [c for c in scored if listing.search(c[2].text)] or scored
    if wants_number and reports[scored[0][2].report_id].kind not in ("", DISCLOSURE):
        # a 年报's 「本行公司贷款不良贷款余额155.02亿元」 is a segment's: the whole's sentence says the words bare
        # (its context — a heading — may say a word; the sentence that says them itself comes first)
        score, _, best = max(scored, key=lambda c: (c[0], sum(w in c[2].text for w in words),
                                                     not _qualified(c[2], words, question), c[1]))
    else:
        score, _, best = max(scored, key=lambda c: (c[0], c[1]))
    # Sure once narrowed: a sentence holds the asked-for phone number, e-mail or address, or it is in
    # the section where the report states its problems; the best of those answers (if it shares a word).
    if score < min_score and not (narrowed == "contact" or (narrowed == "problems" and score > 0)):
        return None
    report = reports[best.report_id]
    scope = Scope((report.id,), (report.agency,), (report.year,) if report.year else ())
    if wants_number:
        return _number_answer(question, best, report, words, scope, avoid)
    return _description(question, best, report, [s for _, s in candidates], scope)


def figure_in(sentence: Sentence, words: list[str], question: str, avoid: tuple[str, ...] = ()) -> tuple[float | int, str | None] | None:
    """The figure a sentence gives for these words (nearest after them, with its unit), as printed; None if none."""
    found = figure(sentence, words, question, avoid)
    if found is None:
        return None
    value, unit = found[0], found[1]
    return _plain(value / _MULTIPLIER.get(unit or "", 1)) * _MULTIPLIER.get(unit or "", 1), unit


def figures_said(report: Report, words: list[str], question: str) -> set[float]:
    """Every figure the report's sentences give for these words: more than one means the words name several things.

    「全年预算为 321.02 万元，支出决算为 307.82 万元」 for the department, 「全年预算为 52.00 万元…」 for a project.
    """
    doc = Document(page_content=report.text, metadata={"report_id": report.id, "start": 0, "end": len(report.text)})
    found = set()
    for sentence in sentences_of(doc, report):
        said = sentence.text if ITEM_START.match(sentence.context) else sentence.scored  # not by a budget item's name
        if words and all(w in said for w in words):
            figure = figure_in(sentence, words, question)
            if figure is not None:
                found.add(float(figure[0]))
    return found


def longest(phrase: str) -> str:
    """The longest content word of a phrase (what a sentence must say to be about it)."""
    words = terms(phrase)
    return max(words, key=len) if words else phrase

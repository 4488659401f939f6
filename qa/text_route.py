"""The text route: from retrieved passages, the sentence that answers and the figure in it, quoted and cited."""

from __future__ import annotations

import re
from dataclasses import dataclass

from langchain_core.documents import Document

from corpus import Report
from qa.answer import Answer, Citation, Scope, format_number

_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")
_FIGURE = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*(%|万元|亿元|万人次|万|亿|人次|件|条|个|次|篇|场|名|人|家|项|元|期|份|天|小时|余)?"
)
_STOP = set("的了是在和与及或有多少几个什么哪些哪个请问吗呢年度报告我局本局全年共计其中一下是否怎么如何为")
_GENERIC = {"政府信息", "公开", "政府", "信息", "情况", "工作", "多少", "报告", "年度", "申请", "数量", "哪些", "什么"}
_NUMBER_QUESTION = re.compile(r"多少|几|数量|比例|百分|率|金额|总数|次数|人数")
_MULTIPLIER = {"万": 10_000, "万人次": 10_000, "亿": 100_000_000}


@dataclass(frozen=True)
class Sentence:
    """A sentence of a report with its offsets."""

    report_id: str
    text: str
    start: int
    end: int


def terms(question: str) -> list[str]:
    """Content words of a question (jieba), without stop words and generic report vocabulary."""
    import jieba

    words = [w.strip() for w in jieba.lcut(re.sub(r"20\d\d年?", "", question))]
    return [w for w in words if w and w not in _GENERIC and not all(ch in _STOP for ch in w) and re.search(r"\w", w)]


def _sentences(doc: Document, report: Report) -> list[Sentence]:
    start = int(doc.metadata.get("start", 0))
    end = int(doc.metadata.get("end", start + len(doc.page_content)))
    text = report.text[start:end]
    return [Sentence(report.id, m.group().strip(), start + m.start(), start + m.end()) for m in _SENTENCE.finditer(text) if m.group().strip()]


def _score(sentence: str, words: list[str]) -> float:
    if not words:
        return 0.0
    hit = sum(len(w) for w in words if w in sentence)
    return hit / sum(len(w) for w in words)


def _figure(sentence: Sentence, words: list[str]) -> tuple[float, str | None, int, int] | None:
    """The number nearest after the question's words in the sentence, with its unit and span."""
    anchors = [sentence.text.find(w) + len(w) for w in words if w in sentence.text]
    best = None
    for m in _FIGURE.finditer(sentence.text):
        if re.fullmatch(r"20\d\d", m.group(1)) and sentence.text[m.end(1) : m.end(1) + 1] == "年":
            continue
        after = [m.start() - a for a in anchors if m.start() >= a]
        distance = min(after) if after else 1000 + min((abs(m.start() - a) for a in anchors), default=0)
        if best is None or distance < best[0]:
            best = (distance, m)
    if best is None:
        return None
    m = best[1]
    value = float(m.group(1))
    unit = m.group(2)
    value *= _MULTIPLIER.get(unit or "", 1)
    return value, unit, sentence.start + m.start(), sentence.start + m.end()


def _plain(value: float) -> float | int:
    return int(value) if value.is_integer() else value


def extract_answer(question: str, docs: list[Document], reports: dict[str, Report], min_score: float = 0.6) -> Answer | None:
    """The best sentence of the retrieved passages and, for a figure question, its figure; None if unsure."""
    words = terms(question)
    candidates: list[tuple[float, int, Sentence]] = []
    for rank, doc in enumerate(docs):
        report = reports.get(str(doc.metadata.get("report_id")))
        if report is None or doc.metadata.get("kind") == "row":
            continue
        for sentence in _sentences(doc, report):
            candidates.append((_score(sentence.text, words), -rank, sentence))
    if not candidates:
        return None
    wants_number = bool(_NUMBER_QUESTION.search(question))
    if wants_number:
        with_numbers = [c for c in candidates if _FIGURE.search(c[2].text)]
        candidates = with_numbers or candidates
    score, _, best = max(candidates, key=lambda c: (c[0], c[1]))
    if score < min_score:
        return None
    report = reports[best.report_id]
    citation = Citation(best.report_id, report.title, report.section_at(best.start), best.text, best.start, best.end, report.page_at(best.start))
    scope = Scope((report.id,), (report.agency,), (report.year,) if report.year else ())
    if wants_number:
        figure = _figure(best, words)
        if figure is None:
            return None
        value, unit, _, _ = figure
        shown_unit = unit or ""
        return Answer(
            question=question,
            answer=f"{format_number(_plain(value / _MULTIPLIER.get(shown_unit, 1)))}{shown_unit}（{best.text}）",
            value=_plain(value),
            unit=unit,
            route="text",
            citations=[citation],
            scope=scope,
        )
    return Answer(question=question, answer=best.text, route="text", citations=[citation], scope=scope)

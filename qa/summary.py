"""A summary asked of one report (「简单总结一下四方科技2019年的经营业绩」): the report's own sentences, quoted.

No figure is computed or restated, and no summary is claimed: the answer declines to summarise and quotes the two
to four sentences of the report that say the most about the topic — its words, or the measures the topic stands for (业绩: 营业收入, 净利润) — each cited with its page.
Each sentence chosen must say a topic word the ones before it did not; a sentence of figures beats one without
(unless the topic is no matter of figures: 战略, 定位, 模式, 风险); definitions, data-source notes and table rows read
as text are never chosen; a sentence opening 「其中」 is quoted with the one it details. None that says a topic
word at all means no answer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from langchain_core.documents import Document

from corpus import Report
from qa.answer import Answer, Citation, Scope, abstain
from qa.sentences import terms
from qa.summary_tables import table_lines
from qa.text_words import TEXT_HEADING
from qa.vocabulary import (
    SUMMARY_ASKED,
    SUMMARY_FILLER,
    SUMMARY_NOT,
    SUMMARY_QUALITATIVE,
    SUMMARY_SKIPPED,
    SUMMARY_TOPICS,
)

_MOST = 4  # sentences quoted
_NUMBERED = re.compile(r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+(?:、|\.(?!\d))|第[一二三四五六七八九十]+[节章部分]|"
                       r"(?:图|表)\s*\d")
_DETAIL = re.compile(r"其中|与\s*20\d\d\s*年度?相比|比上年|较上年|同比|按(?:常住地|城乡|地区|行业|产业|经济类型|登记注册类型)分")  # its breakdown too
_ITEM = re.compile(r"[（(][一二三四五六七八九十\d]+[)）]")
_CAPTION = re.compile(r"\s*(?:图|表)\s*\d")
_PERIOD = re.compile(r"报告期内|全年|本年|年末|截至报告期末|20\d\d\s*年(?:度|末)?[,，]")
_LEAD = re.compile(r"^(?:[\u4e00-\u9fff]*?(?:年度|年末|全年|全州|全市|全区|全县|本年|报告期内|公司|本行|本集团|实现|完成|共|其中|为))+")
_ENDS = re.compile(r"[。！？!?]\s*$")
_ROW = re.compile(r"(?<![\d.,])\d[\d,.]*\s+\d[\d,.]*\s+\d")  # 「净利润 44,508 46,455」: a table's row read as text
_FIGURE = re.compile(r"\d[\d,]*\.\d+|\d[\d,]{2,}(?![\d年月日])")  # a figure worth quoting (not 「1、」, nor a year)
_CHANGE = re.compile(r"比上年|同比|较上年|较去年|增长|下降|减少|增加|提高")


@dataclass(frozen=True)
class _Said:
    """A sentence of the report: its offsets, its text, and that text as matched (no quotes or spaces)."""

    start: int
    end: int
    text: str
    plain: str


def summary_topic(content: str) -> str | None:
    """What a summary question asks to be summed up (「经营业绩」), or None when it is no summary question."""
    if not SUMMARY_ASKED.search(content) or SUMMARY_NOT.search(content):
        return None
    topic = SUMMARY_FILLER.sub("", SUMMARY_ASKED.sub("", content)).strip(" ，,。？?！!、的:：")
    return topic or None


def topic_words(topic: str, report: Report) -> list[str]:
    """The topic's own content words and the measures it stands for, without the issuer's places."""
    from qa.anycells import places

    own = places(report)
    words = [w for w in terms(topic) if len(w) >= 2 and w not in own and not w.isdigit()]
    for pattern, measures in SUMMARY_TOPICS:
        if re.search(pattern, topic):  # 业绩 stands for its measures: the word itself names no figure
            words = [w for w in words if not re.fullmatch(pattern, w)] + [m for m in measures if m not in words]
    return words


def summarise(question: str, topic: str, report: Report, docs: list[Document], scope: Scope) -> Answer:
    """The report's sentences that say most about the topic, in the report's order, each cited; or an abstention."""
    from qa.anycells import without_places

    topic = re.sub(r"^对[-－—~～至到]?的|^[-－—~～至到]?的", "", re.sub(r"\s+", "", without_places(topic, report))) or topic  # 「(国元)对(比亚迪)的评级」
    words = topic_words(topic, report)
    if not words:
        return abstain(question, f"没有读出要概括的内容（「{topic}」）", scope)
    pool = _pool(report)
    said = [s for s in pool if any(w in s.plain for w in words) and not _other_year(s.plain, report.year)]
    qualitative = bool(SUMMARY_QUALITATIVE.search(topic))
    if not qualitative and any(re.search(r"\d", s.text) for s in said):
        said = [s for s in said if re.search(r"\d", s.text)]  # a summary of figures quotes sentences of figures
    near = _retrieved(report, docs)
    n = max(1, len(pool))
    weight = {w: len(w) * math.log(1 + n / (1 + sum(1 for s in pool if w in s.plain))) for w in words}
    chosen: list[_Said] = []
    covered: set[str] = set()
    while said and len(chosen) < _MOST:
        best = max(said, key=lambda s: _gain(s, report, weight, covered, near, qualitative))
        new = _stated(best, words, qualitative) - covered
        figures = set(_FIGURE.findall(best.text)) - {f for c in chosen for f in _FIGURE.findall(c.text)}
        if not new and not (chosen and len(figures) >= 2 and _stated(best, words, qualitative)):
            break  # 「合计派发现金股利人民币117.99亿元」: a topic word said again with figures not yet quoted adds them
        chosen.append(best)
        covered |= new
        said = [s for s in said if s.end <= best.start or s.start >= best.end]
    cells = table_lines(topic, words, report)
    if not chosen and not cells:
        return abstain(question, f"报告中没有找到说到「{topic}」的句子", scope)
    unsaid = [p for p in _listed(topic) if not any(w in s.plain for s in chosen for w in topic_words(p, report))
              and not any(w in line for line, _ in cells for w in topic_words(p, report))]
    if unsaid:  # 「评级和目标价」: a summary that leaves out a thing asked by name is no summary of it
        return abstain(question, f"报告中没有找到说到「{'」「'.join(unsaid)}」的句子（只找到其余的）", scope)
    quoted = sorted(set(chosen) | {lead for s in chosen if (lead := _lead_in(s, pool)) is not None}, key=lambda s: s.start)
    citations = [Citation(report.id, report.title, report.section_at(s.start), s.text, s.start, s.end,
                          report.page_at(s.start)) for s in quoted]  # fmt: skip
    lines = [f"{i}. {c.quote}" + (f"（第{c.page}页）" if c.page else "") for i, c in enumerate(citations, 1)]
    text = f"报告原文中说到「{topic}」的要点（摘录原句，未作计算）：\n" + "\n".join(lines) if lines else ""
    if cells:  # the topic's figures as its tables print them (营业收入 of 主要会计数据; 研发投入情况表's rows)
        text += ("\n" if text else "") + "报告表格中的相关数字（原表数值）：\n" + "\n".join(
            f"- {line}" + (f"（第{c.page}页）" if c.page else "") for line, c in cells)
    return Answer(question=question, answer=text, route="text", citations=citations + [c for _, c in cells], scope=scope)


def _pool(report: Report) -> list[_Said]:
    """The report's sentences of prose: no headings, definitions, data-source notes or table rows read as text.

    Lines are joined into paragraphs as printed (a line wrapped mid-sentence continues it); a numbered line or a
    caption starts a paragraph, a short unpunctuated line is a heading, a line with a table's pipes is none.
    A 「其中」 sentence is kept with the sentence it details.
    """
    paragraphs: list[tuple[int, int]] = []
    at = 0
    for line in report.text.split("\n"):
        start, end, body = at, at + len(line), line.strip()
        at = end + 1
        if not body or "|" in body:
            paragraphs.append((at, at))  # a break: the next line starts afresh (not glued to this table row)
            continue
        numbered = bool(_NUMBERED.match(body))
        heading = (len(body) < 16 or numbered and len(body) <= 40) and not re.search(r"[，,。；;:：]", body)
        if numbered or heading or not paragraphs or _ENDS.search(report.text[paragraphs[-1][0] : paragraphs[-1][1]]):
            paragraphs.append((start, end))
        else:
            paragraphs[-1] = (paragraphs[-1][0], end)
        if heading:
            paragraphs.append((end, end))
    out: list[_Said] = []
    for p_start, p_end in paragraphs:
        for m in re.finditer(r"[^。！？!?]+[。！？!?]?", report.text[p_start:p_end]):
            text = re.sub(r"\s*\n\s*", "", m.group()).strip()
            if len(text) < 12 or TEXT_HEADING.match(text) or SUMMARY_SKIPPED.search(text):
                continue
            chinese = len(re.findall(r"[\u4e00-\u9fff]", text)) / max(1, len(text.replace(" ", "")))
            if chinese < (0.25 if re.search(r"[，,；;]", text) else 0.5) or _CAPTION.match(text):
                continue  # a chart's labels, a table's caption and rows
            if len(re.findall(r"[:：]", text)) >= 3 or _ROW.search(text) or re.search(r"[|□√]", text):
                continue  # 「注册资本:…总资产:…营业收入:…」: a profile's fields, a table read as text
            start = p_start + m.start() + (len(m.group()) - len(m.group().lstrip()))
            plain = re.sub(r"[\s“”\"'‘’]", "", text)
            if _DETAIL.match(text) and out and start - out[-1].end <= 2:  # the breakdown or change of the one before
                last = out.pop()
                out.append(_Said(last.start, start + len(m.group().strip()), last.text + text, last.plain + plain))
            else:
                out.append(_Said(start, start + len(m.group().strip()), text, plain))
    return out


def _retrieved(report: Report, docs: list[Document]) -> list[tuple[int, int, int]]:
    """(start, end, rank) of the retrieved passages of the report itself."""
    return [(int(d.metadata.get("start", 0)), int(d.metadata.get("end", 0)), rank) for rank, d in enumerate(docs)
            if str(d.metadata.get("report_id")) == report.id and d.metadata.get("kind") != "row"]


def _stated(s: _Said, words: list[str], qualitative: bool) -> set[str]:
    """The topic words a sentence states: with a figure after them (营业收入1,466.95亿元), not as 人均X.

    人均X is another measure; for a topic of no figures (战略, 风险), every word the sentence says counts.
    """
    if qualitative:
        return {w for w in words if w in s.plain}
    return {w for w in words if re.search(rf"(?<!人均)(?<!人均地区){re.escape(w)}[^\d。；;]{{0,12}}\d", s.plain)}


def _gain(s: _Said, report: Report, weight: dict[str, float], covered: set[str], near: list[tuple[int, int, int]],
          qualitative: bool) -> float:
    """How much a sentence adds to the summary.

    Topic words not yet quoted (those quoted count little), its section's title saying them, figures, a change
    stated (比上年, 同比), the report's own period (报告期内, 全年), and the retriever ranking its passage high.
    """
    said = _stated(s, list(weight), qualitative)
    title = re.sub(r"[\s“”\"]", "", report.section_at(s.start) or "")
    gain = sum(weight[w] for w in said - covered) + 0.2 * sum(weight[w] for w in said & covered)
    gain += 0.5 * sum(weight[w] for w in weight if w in title and w not in said)
    gain += (1.0 if re.search(r"\d", s.text) else 0.0) + (0.5 if _CHANGE.search(s.text) else 0.0)
    again = sum(len(re.findall(rf"{re.escape(w)}[^\d。；;]{{0,12}}\d", s.plain)) - 1 for w in said)
    gain += 0.3 * min(3, again)  # 「全年每10股派发…6.08元,其中中期…2.46元;末期…3.62元」: the whole with its parts
    gain += 1.0 if _PERIOD.search(s.text[:20]) else 0.0  # 「报告期内,公司实现…」「全年全市…」: the report's own year stated
    gain -= min(1.0, 0.1 * sum(_qualified(s.plain, w) for w in said))  # 财政拨款收入支出总计: a part, not the whole
    rank = min((r for start, end, r in near if start <= s.start < end), default=None)
    return gain + (1.0 / (1 + rank) if rank is not None else 0.0)




def _other_year(plain: str, year: int | None) -> bool:
    """A sentence of another year's figures (「派发2023年度现金股利…」 in the 2024 report) or of a half year (中期)."""
    years = {int(y) for y in re.findall(r"(20\d\d)年年?度", plain)}
    return bool(year and years and year not in years) or bool(re.search(r"20\d\d年中期|半年度", plain) and "全年" not in plain)


def _lead_in(s: _Said, pool: list[_Said]) -> _Said | None:
    """The sentence a numbered item belongs to (「…预算数为346.30万元。其中:」 before 「(一)因公出国(境)费…」)."""
    if not _ITEM.match(s.text):
        return None
    at = pool.index(s)
    while at > 0 and _ITEM.match(pool[at - 1].text) and pool[at].start - pool[at - 1].end <= 8:
        at -= 1
    if at == 0 or pool[at].start - pool[at - 1].end > 8 or not re.search(r"\d", pool[at - 1].text):
        return None
    return pool[at - 1]


def _qualified(plain: str, word: str) -> int:
    """How many characters qualify a word where a sentence states it, past its subject and period words.

    「财政拨款」 before 收入支出总计 is 4 (a part of the whole); 「2024年度收入支出总计」 is 0.
    """
    at = plain.find(word)
    run = re.search(r"[\u4e00-\u9fff]*$", plain[:at]) if at > 0 else None
    return len(_LEAD.sub("", run.group())) if run else 0


def _listed(topic: str) -> list[str]:
    """The things a topic lists by name (「评级和目标价」 -> 评级, 目标价); none for a topic of one thing."""
    parts = [p for p in re.split(r"[和及与、]|以及", topic) if len(p) >= 2]
    return parts if len(parts) > 1 else []

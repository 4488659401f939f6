"""What a report's text prints beside a figure computed from its cells: said with it, or put beside it.

A rate the text prints (「公开率为44.66%」) is quoted after the computed one; a total the table leaves blank and the
text states otherwise is laid out both ways, with no single figure.
"""

from __future__ import annotations

import re

from corpus import Report
from qa.answer import Answer, Citation
from qa.vocabulary import ASK_PRINTED_RATE


def add_printed_rate(answer: Answer, report: Report | None) -> None:
    """A rate the report's own text prints beside the one computed from its cells (they may differ)."""
    if report is None or answer.query is None:
        return
    words = {m.row.split("/")[-1][:4] for m in answer.query.measures}
    if answer.query.definition == "公开率" or words & {"予以公开", "部分公开"}:
        words |= {"同意公开", "公开和部分公开", "公开及部分公开"}
    for m in ASK_PRINTED_RATE.finditer(report.text):
        sentence = m.group(0)
        if any(w in sentence for w in words) and not any(w in sentence for w in ("满意", "增长", "下降", "同比", "主动")):
            printed = re.findall(r"(\d+(?:\.\d+)?)\s*%", sentence)
            same = any(float(p) == answer.value for p in printed)
            answer.answer += f"（报告正文写的是「{sentence.strip()}」{'，与计算一致' if same else '，口径可能不同'}）"
            start = m.start()
            answer.citations = [*answer.citations, Citation(report.id, report.title, report.section_at(start),
                                                           sentence.strip(), start, m.end(), report.page_at(start))]
            return

def text_differs(answer: Answer, row: str, report: Report | None) -> bool:
    """A total the table leaves blank, summed from its cells, that the report's text states otherwise: both, no figure.

    上海市人民政府办公厅 2019 leaves 无法提供 blank (its cells add up to 337) and writes 「无法提供265件」 (its 不掌握
    row alone): which one the user means is not for us to pick.
    """
    if report is None:
        return False
    text = report.text
    for m in re.finditer(re.escape(row.split("/")[-1]) + r"(?:[^。；;，,\d及和与、]{0,6}?)(\d+)\s*件", text):
        if float(m.group(1)) == answer.value:
            return False
        start = max(text.rfind(c, 0, m.start()) for c in "。；;\n") + 1
        sentence = text[start : m.end()].strip()
        answer.answer = (f"报告的表格与正文说法不一，无法给出单一数字：{answer.answer}；而正文写的是「{sentence}」"
                         f"（{m.group(1)}件）。")
        answer.value = None
        who, label = f"{report.agency}{report.year or ''}年", row.split("/")[-1]  # the two readings, to pick from
        answer.clarify = [f"{who}{label}的各项分别是多少？", f"{who}正文说{label}多少件？"]
        answer.citations = [*answer.citations, Citation(report.id, report.title, report.section_at(start), sentence,
                                                       start, m.end(), report.page_at(start))]
        return True
    return False


__all__ = ["add_printed_rate", "text_differs"]

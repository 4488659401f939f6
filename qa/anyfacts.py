"""The text cells of a report's tables, asked by name: 电子信箱, 董事会秘书 / 姓名, 办公地址, 股票代码.

A fact is answered only when its label (or the everyday word for it, 「邮箱」 for 电子信箱) and its column account for
every word asked; a figure is no fact (the tables answer it as a cell) except a code (股票代码 600201).
"""

from __future__ import annotations

import re

from corpus import Report
from corpus.anytables import Fact
from qa.answer import Answer, Citation, Scope
from qa.anycells import without_places
from qa.formulas import FUNCTION, norm_label

_FACT_WORDS = {"联系邮箱": "电子信箱", "电子邮箱": "电子信箱", "邮箱地址": "电子信箱", "电子邮件": "电子信箱", "邮箱": "电子信箱",
               "email": "电子信箱", "E-mail": "电子信箱", "董秘": "董事会秘书", "法人代表": "法定代表人", "地址": "办公地址",
               "网址": "公司网址", "电话": "电话", "审计机构": "会计师事务所", "审计师": "会计师事务所",
               "评级": "投资评级"}
_FIGURE_TEXT = re.compile(r"[+\-−]?\d[\d,]*(?:\.\d+)?\s*(?:%|％|个百分点|倍|元|万元|亿元)?")  # 「+0.02个百分点」: a figure
_CODE_LABEL = re.compile(r"代码|编码|编号|邮编|邮政编码|电话|传真")
_FACT_LABELS = {"e-mail": "电子信箱", "email": "电子信箱", "电子邮箱": "电子信箱", "邮箱": "电子信箱"}  # as printed
# who a contact detail is asked of (「投资者关系邮箱」, 「给证券部发邮件」): the company's own contact, no content
_CONTACT_OF = r"联系方式|联系|投资者关系|证券事务部|证券部|董秘办|发邮件|想给|给"


def who(report: Report) -> str:
    """How an answer names the report's issuer and year (「四方科技2019年」): its shortest name the agency starts with."""
    words = [n for n in report.names if not n.isdigit()]
    prefixes = [n for n in words if report.agency.startswith(n)]
    short = min(prefixes or words, key=len) if words else report.agency
    return f"{short}{report.year}年" if report.year else short


def fact_answer(question: str, content: str, report: Report) -> Answer | None:
    """A text cell: 电子信箱, 董事会秘书 / 姓名, 办公地址 — only when the label (or its everyday word) is asked."""
    asked = without_places(content, report)  # 「邮储银行投资者关系邮箱」: the issuer's own names say who, not what
    for word, label in _FACT_WORDS.items():
        if word in asked and label not in asked:
            asked = asked.replace(word, label)
    hits: list[Fact] = []
    for fact in report.facts:
        label, col = _fact_label(fact.label), norm_label(fact.col)
        label = _FACT_LABELS.get(label.lower(), label)
        whose = col if col and col in asked else ""
        if label and len(label) >= 2 and label in asked and label not in ("姓名", "名称"):
            hits.append(fact)
        elif whose and label in ("姓名", "名称") and re.search(r"谁|姓名|叫什么|叫啥|哪位|名字", asked):
            hits.append(fact)
    # a group's rows (会计师事务所 / 名称, / 办公地址): the row asked, or else its 名称
    named_col = [f for f in hits if f.col and norm_label(f.col) not in ("名称", "姓名") and norm_label(f.col) in asked]
    hits = named_col or [f for f in hits if not f.col or norm_label(f.col) in ("名称", "姓名") or norm_label(f.col) in asked]
    hits = [f for f in hits if _explains(asked, f) and (not _FIGURE_TEXT.fullmatch(f.value.strip())
                                                        or _CODE_LABEL.search(f.label))]  # 股票代码 600201 is no figure
    values = list(dict.fromkeys(f.value for f in hits))
    if len(values) != 1:
        return None
    fact = hits[0]
    tables = {t.number: t for t in report.tables}
    table = tables.get(fact.table)
    title = table.title if table else "封面"  # a research report's rating and authors (`corpus.research`)
    what = " / ".join(x for x in (fact.col, fact.label) if x)
    citation = Citation(report.id, report.title, title, f"{what}：{fact.value}", 0, 0, fact.page,
                        {"table": title, "row": fact.label, "col": fact.col})
    return Answer(question=question, answer=f"{who(report)}报告中{what}：{fact.value}", route="table", citations=[citation],
                  scope=Scope((report.id,), (report.agency,), (report.year,) if report.year else ()),
                  understood=f"理解为：{report.agency}「{title}」中的「{what}」")


def code_answer(question: str, content: str, report: Report) -> Answer | None:
    """「生物股份股票代码多少」: the issuer's six-digit code as the report prints it (its cover or 公司简介), cited."""
    asked = FUNCTION.sub(" ", re.sub(r"(?:A股)?(?:股票|证券|A股)代码|多少|是什么|是啥", " ", without_places(content, report)))
    if not re.search(r"(?:股票|证券|A股)代码", content) or re.search(r"[\u4e00-\u9fff]", asked):
        return None
    codes = [n for n in report.names if re.fullmatch(r"\d{6}", n)]
    at = report.text.find(codes[0]) if len(codes) == 1 else -1
    if at < 0:
        return None
    start, end = max(0, at - 30), at + 6
    quote = report.text[start:end].replace("\n", " ").strip()
    citation = Citation(report.id, report.title, report.section_at(at), quote, start, end, report.page_at(at))
    return Answer(question=question, answer=f"{who(report)}的股票代码：{codes[0]}", route="text", citations=[citation],
                  scope=Scope((report.id,), (report.agency,), (report.year,) if report.year else ()),
                  understood=f"理解为：{report.agency}的股票代码（报告中印出的）")


def _fact_label(label: str) -> str:
    """A fact's label without the company it is of (「公司的法定代表人」 -> 法定代表人)."""
    plain = re.sub(r"^(?:本公司|公司|本行|本集团)的?(?:聘请的)?|[（(][^）)]*[）)]$", "", norm_label(label))
    return plain or norm_label(label)


def _explains(asked: str, fact: Fact) -> bool:
    """Whether a fact's label (and column) account for every content word asked (「电子信箱是什么」, 「董事会秘书是谁」)."""
    rest = asked
    label = _fact_label(fact.label)
    for word in sorted({_FACT_LABELS.get(label.lower(), label), norm_label(fact.col)} - {""}, key=len, reverse=True):
        rest = rest.replace(word, " ")
    if "电子信箱" in asked or "电话" in asked:
        rest = re.sub(_CONTACT_OF, " ", rest)
    rest = re.sub(r"是谁|是什么|是啥|叫啥|叫什么|哪位|什么|啥|名字|号码|多少|多久|几号|哪里|在哪|哪一?家|哪个|审计的?|审的|聘请的?|名称", " ", rest)
    return not re.search(r"[\u4e00-\u9fff]", FUNCTION.sub("", rest))


__all__ = ["code_answer", "fact_answer", "who"]

"""The plan of a question about a report of another kind than the 政府信息公开 report (年报, 决算, 公报, 研报).

Its own tables first (`qa.anyreport`), then its prose: which report (the year asked, a research report's columns of
years, the next year's report where the year's is missing), two issuers compared, a summary, and the parts of a
question of two things (each, their difference, ratio or share).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from corpus.about import DISCLOSURE, RESEARCH
from qa.answer import Scope
from qa.formulas import prose_ratio
from qa.parts import (
    across_parts,
    completed_parts,
    diff_parts,
    each_part,
    gap_parts,
    ratio_parts,
    share_parts,
)
from qa.per_head import as_printed_total, per_capita_parts
from qa.scope import Catalog, each_with_its_year, in_asked_order
from qa.table_route import label

if TYPE_CHECKING:
    from qa.plan import Plan


def other_kind_plan(plan: Plan, catalog: Catalog, agencies: tuple[str, ...], years: tuple[int, ...], question: str) -> Plan | None:
    """A question about one issuer's report of another kind (年度报告, 决算, 统计公报 …): its own tables, then its prose."""
    reports = catalog.select(agencies, ()) if agencies else []
    if not agencies and len({r.agency for r in catalog.reports}) == 1:  # one issuer's report chosen (the report filter)
        reports = list(catalog.reports)
    if not reports or any(r.kind in ("", DISCLOSURE) for r in reports):
        return None
    if not years and (short := re.search(r"(?<![\d０-９])(\d{2})年", question)):
        years = (2000 + int(short.group(1)),)  # 「四方科技19年归母净利润」
    chosen = [r for r in reports if r.year in years] if years else reports
    if years and all(r.kind == RESEARCH for r in reports) and (len(years) == 1 or len(years) == 2 and abs(years[0] - years[1]) == 1):
        # a research report's columns are years (2023A, 2024E …), not reports; 「2025年比2024年」: the later, and its year before
        chosen = [r for r in reports if all(any(str(y) in c for t in r.tables for c in t.columns) for y in years)]
        if chosen:
            report, years = max(chosen, key=lambda r: r.year or 0), (max(years),)
            # not in its tables: its prose may say the year's figure (「公司2023年研发投入…达399.18亿元」), in a sentence
            # that says the year (`Assistant._said`)
            scope = Scope((report.id,), agencies, years)
            return replace(plan, kind="any", reports=[report], agencies=agencies, years=years, scope=scope, text_ids=[report.id],
                           otherwise=replace(plan, kind="text", reports=[report], agencies=agencies, years=years, scope=scope,
                                             content=f"{years[0]}年{plan.content}",
                                             text_ids=[report.id], reason=f"{label(report)}的表格中没有找到{years[0]}年的这一数字"))
    if len(years) > 2 and {r.year for r in chosen} == {years[0], years[-1]}:
        years = (years[0], years[-1])  # 「从2016年到2023年增加了多少」: the two ends, each its own report
    missing = ""
    if years and not chosen:
        held = "、".join(f"{r.year}年" for r in reports if r.year)
        missing = f"语料中没有{'、'.join(agencies)}{years[-1]}年的报告（有：{held or '年份不明的报告'}）"
        chosen = [r for r in reports if len(years) == 1 and r.year == years[0] + 1]
        if not chosen:
            return replace(plan, reason=missing)
    if len({r.agency for r in chosen}) > 1:  # two issuers: each one's cell, combined as asked; else their prose (guarded)
        ids = [r.id for r in chosen]
        text = replace(plan, kind="text", reports=chosen, agencies=agencies, scope=Scope(tuple(ids), agencies, years),
                       text_ids=ids)
        pair = each_with_its_year(question, agencies, years, catalog) if len(years) == 2 else \
            [next(r for r in chosen if r.agency == a) for a in in_asked_order(question, agencies, years)[0]] \
            if len(agencies) == 2 and len(chosen) == 2 else []
        parts, combine = across_parts(plan.content)
        if len(years) >= 2 and len(chosen) == len({r.year for r in chosen}) == len(years):
            text = replace(text, years=years, per_report=True)  # each year from its own report (the same issuer renamed)
        if len(pair) == 2 and len(parts) == 2:  # 「邮储银行2019年净利润比平安银行2024年高多少」: one measure, two reports
            return replace(text, kind="any", reports=pair, otherwise=text, parts=parts, combine=combine, across=True,
                           per_report=False)
        return text
    if len(years) >= 2 and len(chosen) == len({r.year for r in chosen}) == len(years):
        # 「黔东南州GDP 2023年比2016年多了多少」: each year's figure from its own report (its bulletin of that year)
        ids = [r.id for r in chosen]
        return replace(plan, kind="text", reports=chosen, agencies=agencies, years=years,
                       scope=Scope(tuple(ids), agencies, years), text_ids=ids, per_report=True)
    report = max(chosen, key=lambda r: r.year or 0)
    scope = Scope((report.id,), agencies, (report.year,) if report.year else ())
    text = replace(plan, kind="text", reports=[report], agencies=agencies, years=scope.years, scope=scope, text_ids=[report.id])
    if missing:  # 「平安银行2023年末…」: the 2024 report's tables print the year before; its prose may say the year's
        # figure (「2025年当年预算执行数为2149.45万元」) in a sentence that says the year (`qa.text_route` checks)
        said = replace(text, content=f"{years[0]}年{plan.content}", reason=f"{missing}；下一年报告中也没有说到它的句子")
        return replace(text, kind="any", otherwise=said)
    from qa.anycells import without_places
    from qa.summary import summary_topic

    if topic := summary_topic(plan.content):  # 「简单总结一下…经营业绩」: its sentences, quoted, no figure computed
        return replace(text, kind="summary", topic=topic)
    parts = each_part(plan.content, report.text)
    if per := per_capita_parts(plan.content):  # 「人均社会消费品零售额（按年末常住人口算）」: two figures, one over the other
        text = replace(text, parts=tuple(as_printed_total(re.sub(r"^\s+", "", without_places(p, report)), report.text)
                                         for p in per), combine="per")
    elif parts:  # 「A和B分别是多少」: each read from its own sentence (「周口…」: the place is who, not a word to say)
        own = tuple(re.sub(r"^\s+", "", without_places(p, report)) for p in parts)
        text = replace(text, parts=tuple(o if len(o) > 4 else p for o, p in zip(own, parts, strict=True)), combine="each")
    elif diff := diff_parts(plan.content, report.text) or gap_parts(plan.content, report.text):  # 「城镇…比农村高多少元」
        own = tuple(re.sub(r"^\s+", "", without_places(p, report)) for p in diff)  # 「周口城镇…」: 周口 is who
        text = replace(text, parts=tuple(o if len(o) > 4 else p for o, p in zip(own, diff, strict=True)), combine="difference")
    elif ratio := ratio_parts(plan.content, report.text) or prose_ratio(plan.content, report.text):  # 「城镇居民…是农村的几倍」, 城乡收入比
        text = replace(text, parts=ratio, combine="ratio")
    elif share := share_parts(plan.content, re.sub(r"\s", "", report.text)):  # 「税收收入占一般公共预算收入的比重」: two sentences' figures divided
        own = tuple(re.sub(r"^\s+", "", without_places(p, report)) for p in share)  # 「周口一般公共预算收入」: 周口 is who
        text = replace(text, parts=tuple(o if len(o) > 4 else p for o, p in zip(own, share, strict=True)), combine="share")
    elif done := completed_parts(plan.content):  # 「事业运行（项）决算是全年预算的百分之多少」: a printed rate first
        text = replace(text, otherwise=replace(text, parts=done, combine="share"))
    return replace(text, kind="any", otherwise=text)


__all__ = ["other_kind_plan"]

"""Two things asked of one report's tables at once: each read as its own cell, then listed, subtracted or divided.

「经营活动和投资活动产生的现金流量净额各是多少」, 「城镇居民人均可支配收入是农村的几倍」, 「农村增速比城镇高几个百分点」:
the planner splits the question into its parts (`qa.parts`); each part must be one cell of the report's own tables,
read with the same guards as a question of its own (`qa.anyreport.answer_any`). Otherwise None, and the parts are
read from the prose instead.
"""

from __future__ import annotations

import re

from qa.answer import Answer, format_number
from qa.anyreport import answer_any
from qa.clause import as_printed
from qa.plan import Plan


def from_tables(plan: Plan, parts: tuple[str, ...], combine: str) -> Answer | None:
    """Each part a cell of the report's tables, combined as asked; None when any part is not one cell."""
    reports = plan.reports if plan.across else [plan.reports[0]] * len(parts)  # two issuers: part i of report i
    answers = [answer_any(part, part, report) for part, report in zip(parts, reports, strict=False)]
    if any(a is None or a.abstained or a.value is None for a in answers):
        return None
    found = [a for a in answers if a is not None]
    cells = [tuple((c.quote, c.page, str(c.cell)) for c in a.citations) for a in found]
    if len(set(cells)) < len(cells):
        return None  # two parts read as one cell (「支出比全年预算少多少」 → the same 合计 twice): not understood
    listed = "；".join(f"{p}：{a.answer}" for p, a in zip(parts, found, strict=True))
    citations = [c for a in found for c in a.citations]
    understood = "；".join(a.understood or "" for a in found) or None
    if combine == "each":
        return Answer(question=plan.question, answer=listed, route="table", citations=citations, scope=found[0].scope,
                      understood=understood)
    first, second = found
    if first.unit != second.unit or first.value is None or second.value is None or len(found) != 2:
        return None  # 元 against %: not one kind of figure
    if combine == "difference":
        places = max(len(f"{v:g}".partition(".")[2]) for v in (first.value, second.value))
        diff = round(first.value - second.value, places)
        unit = "个百分点" if first.unit == "%" else first.unit  # two rates differ by points, not by percent
        formula = f"{as_printed(first.value, unit)} − {as_printed(second.value, unit)} = {as_printed(diff, unit)}"
        named = [re.sub(r"(?:是|有)$", "", re.split(r"多少|几", p)[0]).rstrip("的") for p in parts]
        if plan.across:  # two issuers: each side named by whose it is
            named = [f"{r.agency}{r.year or ''}年{n}" for r, n in zip(reports, named, strict=False)]
        shown = f"{named[0]}比{named[1]}{'多' if diff >= 0 else '少'} {as_printed(abs(diff), unit)}{unit or ''}"
        return Answer(question=plan.question, answer=f"{shown}（{formula}）：{listed}", value=abs(diff), unit=unit,
                      route="table", formula=formula, citations=citations, scope=found[0].scope, understood=understood)
    if not second.value:
        return None
    share = combine == "share"  # 「A占B的比重」: in percent; 「A是B的几倍」: a multiple
    ratio = round(first.value / second.value * (100 if share else 1), 2)
    shown, unit = (f"{format_number(ratio)}%", "%") if share else (f"{format_number(ratio)}倍", "倍")
    formula = f"{format_number(first.value)} ÷ {format_number(second.value)}{' × 100%' if share else ''} = " + (
        shown if share else format_number(ratio))
    return Answer(question=plan.question, answer=f"{shown}（{formula}）：{listed}", value=ratio, unit=unit, route="table",
                  formula=formula, citations=citations, scope=found[0].scope, understood=understood)


__all__ = ["from_tables"]

"""`render`: what a Plan was understood as, and the answers that carry no figure, in Chinese.

Every answer carries `understood`: the Plan restated in one short canonical sentence (「理解为：淮安市人民政府
2024年，不予公开/属于国家秘密 ÷ 不予公开」), with what a follow-up inherited marked 「（沿用上文）」, so a misreading
is visible at a glance. A partial reading says what was understood and what was not, and offers the nearest
questions it can answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qa.answer import Answer, abstain
from qa.query import Measure, Query
from qa.vocabulary import OP_AVERAGE, OP_MULTIPLE, TEXT_ASKS_DIFF

if TYPE_CHECKING:
    from qa.plan import Plan

_PER = {"quarter": "每季度", "month": "每月", "day": "每天"}
_CMP = {"<": "少于", "<=": "不超过", "=": "等于", ">=": "不少于", ">": "多于"}


def _measure(m: Measure) -> str:
    return f"{m.table}表「{m.label()}」"


def _joined(measures: tuple[Measure, ...] | list[Measure]) -> str:
    parts = [_measure(m) for m in measures]
    return parts[0] if len(parts) == 1 else "(" + " + ".join(parts) + ")"


def describe_query(query: Query) -> str:
    """The operation and its figures in words (「申请表「予以公开」 ÷ 申请表「总计」」)."""
    ms = query.measures
    if query.op == "check":
        return "核对报告的数字是否一致（勾稽关系、正文与表格）"
    if query.op == "count" and not ms:
        return "语料中报告的份数"
    if query.definition == "公开率":
        both = "（予以公开 + 部分公开）" if "含部分公开" in (query.topic or "") else "予以公开"
        ratio = f"公开率：{both} ÷ 办理结果总计"
    elif query.denominators and query.minus:  # 「结果纠正 ÷ (行政复议 − 尚未审结)」
        less = "".join(f" − {_measure(m)}" for m in query.minus)
        ratio = f"{_joined(ms)} ÷ ({' + '.join(_measure(m) for m in query.denominators)}{less})"
    elif query.denominators:
        ratio = f"{_joined(ms)} ÷ {_joined(query.denominators)}"
    else:
        ratio = ""
    first = _measure(ms[0]) if ms else ""
    if query.op == "rate":
        return ratio + ("，各报告合并计算" if query.pooled else "")
    if query.op == "difference" and ratio:
        return f"{ratio}，两份报告之差（百分点）"
    if query.op == "difference":
        return f"{_measure(ms[1])} − {first}" if len(ms) == 2 else f"{first}，两份报告之差"
    if query.op == "sum" and query.minus and not query.denominators:  # 「新收 + 上年结转 − 总计」
        return " + ".join(_measure(m) for m in ms) + "".join(f" − {_measure(m)}" for m in query.minus)
    if query.op == "sum":
        return " + ".join(_measure(m) for m in ms) if len(ms) > 1 else f"{first}，各报告相加"
    if query.op == "growth":
        return f"{first}，与上一年相比的增幅（%）"
    if query.op == "multiple":
        return f"{_measure(ms[0])} ÷ {_measure(ms[1])}（倍数）" if len(ms) == 2 else f"{first}，两份报告之比（倍数）"
    if query.op == "average":
        return f"{first}，平均{_PER[query.per]}" if query.per else f"{first}，各报告的平均数"
    if query.op == "median":
        return f"{first}，各报告的中位数"
    if query.op == "rank":
        what = ratio or first
        change = {"growth": "比上一年的增幅", "difference": "比上一年的增加"}.get(query.delta or "", "")
        n = f"前 {query.n} 名" if query.n and query.n > 1 else ("最高" if query.descending else "最低") if query.n else "全部排序"
        return f"按{what}{change}排名，{n}"
    if query.op == "trend":
        return f"{first}，逐份列出"
    if query.op == "count":
        cond = f"{_CMP[query.condition[0]]} {query.condition[1]:g}" if query.condition else "满足条件"
        return f"{first}{cond}的报告份数"
    return first


def restate(plan: Plan) -> str | None:
    """The Plan in one canonical sentence; inherited slots marked 「（沿用上文）」 (None when nothing was understood)."""
    if plan.query is None and not plan.agencies and not plan.years and plan.kind not in ("text",):
        return None
    inherited = plan.inherited
    if plan.agencies:
        who = "、".join(plan.agencies) + ("（沿用上文）" if "agency" in inherited else "")
    elif plan.query is not None and plan.query.scope.all_reports:
        who = "语料中所有机关"
    else:
        who = "语料中的报告" if len(plan.reports) != 1 else plan.reports[0].agency or "该报告"
    years = plan.years
    when = ""
    if years:
        span = f"{years[0]}—{years[-1]}" if len(years) > 2 and list(years) == list(range(years[0], years[-1] + 1)) \
            else "、".join(str(y) for y in years)
        when = f"{span}年" + ("（沿用上文）" if "year" in inherited else "")
    head = f"{who}{when}"
    if plan.query is None:
        if plan.kind == "summary":
            return f"理解为：{head}，摘录报告中关于「{plan.topic}」的原句（概括类问题，不计算数字）"
        if plan.kind != "text":
            return f"理解为：{head}"
        how = f"，全年的数字{_PER[plan.per]}平均" if plan.per else ""
        joined = "与".join(f"「{p}」" for p in plan.parts)
        done = {"ratio": "相除", "share": "相除（百分比）", "difference": "相减", "per": "相除（人均）"}.get(plan.combine, "相加")
        how += f"，{joined}各自的数字{done}" if plan.parts else ""
        if plan.per_report:
            how += "，逐份报告读出后平均" if OP_AVERAGE.search(plan.content) else \
                "，逐份报告读出后相除（按问的先后）" if OP_MULTIPLE.search(plan.content) else \
                "，逐份报告读出后相减" if TEXT_ASKS_DIFF.search(plan.content) else "，逐份报告读出后列出（或相加）"
        return f"理解为：{head}，在报告正文中查找{how}"
    what = describe_query(plan.query) + ("（沿用上文的栏目）" if "measure" in inherited else "")
    return f"理解为：{head}，{what}"


def partial(plan: Plan) -> Answer:
    """A reading that leaves words unexplained: no figure; what was understood, what was not, and choices."""
    missing = "、".join(f"「{w}」" for w in plan.unexplained)
    understood = restate(plan) or ""
    reason = f"问题中的{missing}没有对应的表格栏目或计算方式，不能据此给出数字"
    answer = abstain(plan.asked, reason, plan.scope)
    nearest = _nearest(plan)
    answer.answer = f"无法给出可靠的数字：{reason}。{understood}" + (f"。可以回答的相近问题：{'；'.join(nearest)}" if nearest else "")
    answer.clarify = nearest
    answer.query = plan.query
    answer.understood = understood
    return answer


def _nearest(plan: Plan) -> list[str]:
    """The questions nearest to a partial reading that the Plan can answer in full (its own restatement asked)."""
    if plan.query is None:
        return []
    who = "、".join(plan.agencies) if plan.agencies else ""
    when = "、".join(f"{y}年" for y in plan.years)
    what = describe_query(plan.query).replace("表「", "「")
    return [f"{who}{when}{what}是多少？"]


def declined(plan: Plan) -> Answer:
    """An abstention (a false premise named) or a clarification without figures."""
    answer = abstain(plan.asked, plan.reason or "语料中没有符合条件的报告", plan.scope)
    if plan.kind == "clarify":
        answer.answer = (plan.reason or "请补充问题") + (f"。可选：{'；'.join(plan.choices)}" if plan.choices else "")
        answer.clarify = list(plan.choices)
        answer.query = plan.query
    answer.understood = restate(plan)
    return answer


def per_period(answer: Answer, per: str, year: int | None) -> Answer:
    """A year's prose figure per day (its calendar: 365 or 366 days), month or quarter, the sentence cited."""
    from qa.answer import format_number
    from qa.query import PERIODS

    if answer.unit == "%" or answer.value is None:
        return abstain(answer.question, "报告给出的是比率，不能再按时段平均", answer.scope)
    leap = bool(year) and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)  # type: ignore[operator]
    periods = (366 if leap else 365) if per == "day" else PERIODS[per]
    mean = round(answer.value / periods, 2)
    unit = answer.unit or ""
    formula = f"{format_number(answer.value)} ÷ {periods} = {format_number(mean)}"
    calendar = f"；{year}年按 {periods} 天计，工作日数报告未给出" if per == "day" else ""
    answer.answer = f"平均{_PER[per]} {format_number(mean)}{unit}（{formula}{calendar}；全年：{answer.answer}）"
    answer.value, answer.formula = (int(mean) if float(mean).is_integer() else mean), formula
    return answer

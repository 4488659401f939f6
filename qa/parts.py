"""A prose question in parts: two named figures added, subtracted or divided, each read from its own sentence.

「培训和讲座一共办了多少场」 is two questions and a sum; 「城镇居民人均可支配收入比农村高多少元」 two and a
difference; 「律师类的件数是律所类的几倍」 two and a quotient; a question over several years reads each report.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from qa.answer import Answer, Citation, format_number
from qa.formulas import FUNCTION
from qa.operations import asks_sum, detect
from qa.vocabulary import (
    PLAN_BUDGET_KIND,
    PLAN_COUNT_NOUN,
    PLAN_COUNT_UNIT,
    PLAN_DIFF_PARTS,
    PLAN_EACH_YEAR,
    PLAN_LIST_SEP,
    PLAN_NOT_A_THING,
    PLAN_RATIO_PARTS,
    PLAN_TWO_PARTS,
    WHICH_YEAR,
)

if TYPE_CHECKING:
    from qa.plan import Plan

# 「A占B的比重」, 「B里A的占比」: a part and its whole
SHARE_OF = re.compile(r"(?P<a>[\u4e00-\u9fff（）()]{2,30}?)(?:占|与|和|跟)(?P<b>[\u4e00-\u9fff（）()]{2,30}?)的?(?:比重|比例|百分比|百分之几|比值|占比)")
WITHIN = re.compile(r"(?P<b>[\u4e00-\u9fff（）()]{2,30}?)(?:里面|里头|当中|之中|里|中)[，,]?的?(?P<a>[\u4e00-\u9fff（）()]{2,30}?)"
                     r"(?:所占的?|占了?)(?:多大|多少)?的?(?:比重|比例|百分比|百分之几|比值|占比)?")

COUNTS = {"个", "件", "场", "次", "条", "篇", "项", "期"}  # counts of things: 21个 and 12场 add up to 33

# 「事业运行决算是全年预算的百分之多少」, 「…支出完成全年预算的比例」: a budget item's spending over its budget
COMPLETED = re.compile(rf"(?P<a>[\u4e00-\u9fff“”\"]{{2,30}}?)(?:是|完成了?|达到了?|占)(?P<b>{PLAN_BUDGET_KIND.pattern})的?"
                       r"(?:百分之多少|百分之几|多少比例|比例|百分比|多少)")


def prose_parts(text: Plan, content: str) -> Plan:
    """A prose question: over several years each report read on its own; two named figures each found and added."""
    ids = text.text_ids
    each = PLAN_EACH_YEAR.search(text.question) or WHICH_YEAR.search(text.question)
    several = len(text.agencies) <= 1 or asks_sum(text.question)  # 「淮安市2024年和沭阳县2025年…合计」
    if ids and 1 < len(ids) <= 12 and several and (len(text.years) > 1 or len(text.agencies) > 1 or each):
        return replace(text, per_report=True)
    parts = named_parts(content, "".join(r.text for r in text.reports[:2])) if asks_sum(content) else ()
    if parts:
        return replace(text, parts=parts)
    diff = diff_parts(content, "".join(r.text for r in text.reports[:2]))
    if diff:  # 「门户网站公开的比县直部门发布的多多少条」: two prose figures subtracted
        return replace(text, parts=diff, combine="difference")
    ratio = PLAN_RATIO_PARTS.search(content)  # 「律师类的件数是律所类的几倍」: two prose figures divided
    if ratio:
        tail = "多少件" if ratio.group("an") == "的件数" else "是多少"  # each by its own words only
        return replace(text, parts=(f"{ratio.group('a')}{tail}", f"{ratio.group('b')}{tail}"), combine="ratio")
    share = share_parts(content, re.sub(r"\s", "", text.reports[0].text)) if len(text.reports) == 1 else ()
    if share and not any(re.search(r"几|多少|百分|[（(]", p.removesuffix("是多少")) for p in share):
        # 「律师类行政审批中，律所类占几个百分比」: two prose figures, the part over the whole (a shorter whole named with
        # the part's measure, as the report prints it)
        part, whole = (p.removesuffix("是多少") for p in share)
        if len(whole) < len(part):
            whole = shared_tail(whole, part, text.reports[0].text) or whole
        return replace(text, parts=(f"{part}是多少", f"{whole}是多少"), combine="share")
    if len(text.reports) == 1 and (done := completed_parts(content)):
        # the sentence may print the rate itself (「完成年初预算的98.20%」): read first, the two figures divided otherwise
        return replace(text, otherwise=replace(text, parts=done, combine="share"))
    asked = detect(content, 0, 1)
    if asked.op == "average" and asked.per and len(text.reports) == 1:
        return replace(text, per=asked.per)  # 「网站平均每月发多少条信息」: the year's figure, divided
    return text


def text_ratio(plan: Plan, answers: list[Answer]) -> Answer | None:
    """The first prose figure divided by the second, both cited (「律师类的件数是律所类的几倍」)."""
    first, second = answers
    # 1640篇 ÷ 584条 as asked (粉丝数 54373 counts too); a rate the user defines as a division of two counts (件 ÷ 次)
    counts = (plan.combine == "ratio" or bool(_DIVIDED.search(plan.content))) and {first.unit, second.unit} - {None} <= COUNTS
    if not second.value or (first.unit != second.unit and not counts):
        return None
    # 「A占B的比重」: in percent; so is a user's own division not asked as 倍 (「网络申请数÷受理申请总数，等于多少」)
    # (of two counts in one unit: 累计观看量 ÷ 短视频条数 is 次 a 条, a multiple)
    # (「城乡居民收入比是多少（城镇…/农民…）」: a ratio the user names 比 is a multiple too)
    share = plan.combine == "share" or (plan.combine == "ratio" and bool(_DIVIDED.search(plan.content)) and "倍" not in plan.content
                                        and not _NAMED_RATIO.search(plan.content) and first.unit == second.unit)
    ratio = round((first.value or 0) / second.value * (100 if share else 1), 2)
    if share and ratio > 100 and "占" in plan.content:
        return None  # a part 「占」 its whole is never more than all of it: one of the two figures is not the one asked
    shown, unit = (f"{format_number(ratio)}%", "%") if share else (f"{format_number(ratio)}倍", "倍")
    formula = f"{format_number(first.value)} ÷ {format_number(second.value)}{' × 100%' if share else ''} = " + (
        shown if share else format_number(ratio))
    text = f"{shown}（{formula}）：" + "；".join(f"{p}：{a.answer}" for p, a in zip(plan.parts, answers, strict=True))
    return Answer(question=plan.asked, answer=text, value=ratio, unit=unit, route="text", formula=formula,
                  citations=[c for a in answers for c in a.citations], scope=plan.scope)


def part_of_stated_whole(text: Plan, content: str, premise: tuple[str, float]) -> Plan | None:
    """「118件申请里网上提交的占多少」 of the prose: the part read from its sentence, ÷ the whole the user states.

    The whole must be printed in the report (「共受理政府信息公开申请118件」): its sentence is cited with it; a figure
    the report does not print is no basis (None).
    """
    stated, figure = premise
    unit = re.search(r"(件|条|个|人次|篇|项|次)$", stated)
    part = re.search(r"里[，,]?(?P<part>[^，,。？?]{1,20}?)的?(?:占比|占的?比例|所占比例|比重|占)", content) \
        or re.search(r"^(?P<part>[^，,。？?里]{1,20}?)的?占", content) \
        or re.search(r"[，,](?:其中)?(?P<part>[^，,。？?]{1,20}?)(?:的?(?:占比|占的?比例|所占比例|比重|占)|是(?:这个|该)?总数的)", content)
    if unit is None or part is None or len(text.reports) != 1:
        return None
    report = text.reports[0]
    asked = part.group("part").strip("的")
    head = content[: part.start("part")].rstrip("里，, ")
    # 「办了12176件行政审批，这里面律师类的」: the part is of the whole's kind — 「律师类行政审批」 as the report prints it,
    # not the 「律师类10582件」 inside it
    kind = next((head[-n:] for n in range(6, 1, -1) if len(head) >= n and asked + head[-n:] in report.text), "")
    number = f"{figure:g}"
    printed = re.search(rf"(?<![\d.]){re.escape(number)}\s*{unit.group(1)}", report.text)
    if printed is None:
        return None
    start = max(report.text.rfind(c, 0, printed.start()) for c in "。；;\n") + 1
    end = printed.end()
    sentence = report.text[start:end].strip()
    whole = Answer(question=stated, answer=f"{number}{unit.group(1)}（{sentence}）", value=figure if figure % 1 else int(figure),
                   unit=unit.group(1), route="text", scope=text.scope,
                   citations=[Citation(report.id, report.title, report.section_at(start), sentence, start, end, report.page_at(start))])
    return replace(text, parts=(f"{asked}{kind}多少{unit.group(1)}", stated), combine="share", given=whole)


def diff_parts(content: str, printed: str) -> tuple[str, ...]:
    """「A比B多多少」 of two things (not of a year: 「比上年多」), each asked on its own words.

    The shorter side takes the measure the longer one names, as the report prints it: 「城镇居民人均可支配收入比农村
    高多少元」 asks 农村居民人均可支配收入.
    """
    diff = PLAN_DIFF_PARTS.search(content)
    if diff is None or PLAN_NOT_A_THING.match(diff.group("b")):
        return ()
    tail = f"{diff.group('q')}{diff.group('u') or ''}"
    a, b = diff.group("a").removeprefix("的"), diff.group("b").removeprefix("的")  # 「司法局的信息化建设预算」: scope gone
    item = re.search(r"([\u4e00-\u9fff（）()]{2,14}?)(?:这一?项|这个项目|这块)?[，,]\s*$", content[: diff.start("a")])
    if item and PLAN_BUDGET_KIND.fullmatch(a) and PLAN_BUDGET_KIND.fullmatch(b):  # 「行政运行这一项，决算比年初预算少了多少」
        a, b = item.group(1) + a, item.group(1) + b
    if len(b) < len(a):  # 「…支出比年初预算少多少」: a budget kind is the longer side's, whole (not 预算支出)
        b = (None if PLAN_BUDGET_KIND.fullmatch(b) else shared_tail(b, a, printed)) or parallel(b, a)
    return (f"{a}{tail}", f"{b}{tail}")


def ratio_parts(content: str, printed: str) -> tuple[str, ...]:
    """「城镇居民人均可支配收入是农村的几倍」: the two things divided, the shorter with the longer one's measure."""
    ratio = PLAN_RATIO_PARTS.search(content) or _OF_TWO.search(content)
    if ratio is None:
        return ()
    a, b = ratio.group("a"), ratio.group("b")
    if len(b) < len(a):
        b = shared_tail(b, a, printed) or parallel(b, a)
    elif len(a) < len(b) and ratio.re is _OF_TWO:  # 「城镇居民和农民人均可支配收入之比」: the first takes the second's tail
        a = shared_tail(a, b, printed) or a
    return (f"{a}是多少", f"{b}是多少")


# 「城镇居民和农民人均可支配收入之比」: two things named, then divided, the first over the second
_OF_TWO = re.compile(r"(?P<a>[\u4e00-\u9fff]{2,20}?)(?:和|与|跟|同)(?P<b>[\u4e00-\u9fff]{2,20}?)(?:之比|的比值|比值)(?:是|为)?(?:多少|几)?")


def across_parts(content: str) -> tuple[tuple[str, ...], str]:
    """One measure asked of two issuers (their names and years already taken as scope) and how the two combine.

    「净利润比高多少」 (邮储银行2019年净利润比平安银行2024年高多少): 净利润 of each, subtracted; 「的营业收入是的几倍」:
    divided; 「…分别是多少」: each. ((), "") when no one measure is named before the comparison.
    """
    parts = diff_parts(content, "") or ratio_parts(content, "") or each_part(content)
    combine = "difference" if PLAN_DIFF_PARTS.search(content) else "ratio" if re.search(r"(?:几|多少)倍", content) \
        else "each" if re.search(r"分别|各", content) else ""
    if len(parts) == 2 and len({p for p in parts}) == 1 or not combine:
        return (parts, combine) if combine and parts else ((), "")
    pieces = [p.strip("的 ？?，,") for p in re.split(r"是|比|和|与|跟|相比|对比|分别|各", content)]
    measure = next((p for p in pieces if len(p) >= 2 and not re.fullmatch(r"(?:多少|几)\S*|高|低|多|少", p)), "")
    if not measure:
        return (), ""
    return (f"{measure}是多少", f"{measure}是多少"), combine


def _end_replaced(own: str, name: str) -> str:
    """The longer name with its last words replaced by the short side's (word by word where jieba cuts the name).

    「年末金融机构贷款余额」, 「存款余额」 -> 年末金融机构存款余额 (the same head word, 余额); 「住房公积金决算」,
    「全年预算」 -> 住房公积金全年预算 (the last word, ending alike); 「外贸出口」 (one word), 「进口」 -> 外贸进口.
    """
    from qa.sentences import cut

    words, mine = cut(name), cut(own)
    if len(words) >= 2 and mine[-1] == words[-1] and len(mine) < len(words):
        return "".join(words[: -len(mine)]) + own
    if len(words) >= 2 and words[-1][-1] == own[-1]:
        return "".join(words[:-1]) + own
    return name[: len(name) - len(own)] + own


_YEAR_FIRST = re.compile(r"^(.*?(?:19|20)?\d\d\s*年(?:末|底|初|度)?)")


def parallel(short: str, long: str) -> str:
    """A short side that names only what sets it apart, with the rest of the longer side's name.

    「城镇」 beside 「农村居民人均可支配收入」 is 城镇居民人均可支配收入: the short side stands for the longer side's first
    characters, as many as it has (城镇 for 农村); ending as the longer side ends, for its last ones (「进口」 beside
    「外贸出口」 is 外贸进口). Not when fewer than two characters would be borrowed (「冷冻设备」 beside 「罐式集装箱」 is
    no 冷冻设备箱) or when the short side is already in the long one.
    """
    lead = _YEAR_FIRST.match(short)
    prefix = lead.group(1) if lead else ""
    item = re.fullmatch(rf"的?([\u4e00-\u9fff（）()]{{2,}}?)(?:(?:19|20)\d\d\s*年)?({PLAN_BUDGET_KIND.pattern})", _YEAR_FIRST.sub("", long))
    if item and PLAN_BUDGET_KIND.fullmatch(short[len(prefix):]):
        return prefix + item.group(1) + short[len(prefix):]  # 「信息化建设预算比执行数多」: 信息化建设的执行数
    own = short[len(prefix):]
    name = _YEAR_FIRST.sub("", long)
    if not 2 <= len(own) <= 4 or len(name) - len(own) < 2 or own in name:
        return short
    if own[-1] == name[-1]:  # 「外贸出口比进口」: 进口 stands for the end (外贸进口); 「存款余额」 for 金融机构存款余额
        return prefix + _end_replaced(own, name)
    if own[-1] != name[len(own) - 1]:
        return prefix + own + name[len(own):]
    return short


def named_parts(content: str, printed: str = "") -> tuple[str, ...]:
    """「培训和讲座一共办了多少场」: the two things joined by 和/及/与/、 before a total, each asked on its own."""
    m = PLAN_TWO_PARTS.search(content)
    listed_after = re.search(r"把(?P<list>[^，,。？?]{4,60}?)(?:都|也|全)?(?:算上|加上|算进去|加进去|计入|包括进去)", content)
    if not m and listed_after and PLAN_LIST_SEP.search(listed_after.group("list")):
        # 「…总共多少件？把政府规章规范性文件、部门规范性文件和政策解读都算上」: the things to add, named after the total
        unit = re.search(r"(?:多少|几)[个件条场次篇项份]", content)
        named = [p for p in PLAN_LIST_SEP.split(listed_after.group("list")) if p.strip()]
        return tuple(f"{part}{unit.group() if unit else '多少'}" for part in named) if len(named) > 1 else ()
    if not m:
        return ()
    first, second, tail = m.group(1), m.group(2), m.group(3)
    listed = "、" in content[m.end(1) : m.start(2)] and PLAN_LIST_SEP.search(second)  # 「A、B和C总共」: three
    if "、" in first or "、" in second or listed:  # 「民意征集、网上调查、在线访谈，总共」: every listed thing on its own
        named = [p for p in PLAN_LIST_SEP.split(f"{first}、{second}") if p.strip()]
        if "的" in named[0] and not any("的" in p for p in named[1:]):  # 「巡检整改的不规范描述、失效链接、错误信息」:
            named[0] = named[0].rsplit("的", 1)[1] or named[0]  # what the listing is of, said once for all its items
        tail = PLAN_COUNT_UNIT.sub(r"\1", tail) or "多少"
        return tuple(PLAN_COUNT_NOUN.sub(r"\2\1", f"{part}{tail}") for part in named)
    tail = PLAN_COUNT_UNIT.sub(r"\1", tail) or "多少"  # each part in its own unit (21个 and 12场)
    shared = shared_tail(first, second, printed) if printed else None  # 「律师类跟公证类行政审批」: 律师类行政审批
    return tuple(PLAN_COUNT_NOUN.sub(r"\2\1", f"{part}{tail}") for part in (shared or first, second))


def share_parts(content: str, printed: str = "") -> tuple[str, ...]:
    """「A占B的比重」, 「B中A的占比」: the part and the whole, each to be read from the prose; () if not so asked.

    Never a name the report prints whole: 「城乡社区规划与管理（项）」 is one budget item, not 城乡社区规划 and 管理.
    """
    content = re.sub(r"[“”「」\"]", "", content)  # 「“其他处理”里面…占多大比例」: a name quoted is the name
    for pattern in (WITHIN, SHARE_OF):
        m = pattern.search(content)
        joined = m is not None and pattern is SHARE_OF and content[m.end("a") : m.start("b")] in ("与", "和", "跟")
        if m is not None and joined and printed and content[max(m.start("a"), m.end("a") - 3) : m.start("b") + 2] in printed:
            continue  # the words around 与 are printed as one name
        if m is not None and re.search(r"比重|比例|百分之|百分比|占比|占(?:了)?(?:多少|几)", content):
            a, b = (re.sub(r"^的|的$", "", m.group(x)) for x in ("a", "b"))
            if len(a) >= 2 and len(b) >= 2:
                return (f"{a}是多少", f"{b}是多少")
    return ()


_SIDE = r"[\u4e00-\u9fff]{2,16}?"
_COUNTED = r"(?:的?(?:总数|数量|[件次个人项条场篇]数|数))?"  # 「纠纷件数」, 「沟通次数」: the thing counted, its unit said
_NAMED_RATIO = re.compile(r"(?<!占)比值|(?<![占对])比(?:是|为)?(?:多少|几)")
_DIVIDED = re.compile(rf"(?:用|拿|以)?(?P<a>{_SIDE}){_COUNTED}\s*(?:÷|除以|/)\s*(?P<b>{_SIDE}){_COUNTED}"
                      r"(?=[，,。？?）)]|$|得|算|计算|是|等于)")


def divided_parts(content: str) -> tuple[tuple[str, str], str] | None:
    """A division the user writes of two things the prose states (「原创占比，原创文章数/编发文章总数」).

    The two sides, each asked on its own words, and `share` (in percent: 占比, 率, 比例 said) or `ratio`.
    """
    m = _DIVIDED.search(content)
    if m is None:
        return None
    share = bool(re.search(r"占|比例|比重|百分|率|%", content[: m.start()] + content[m.end() :]))
    return (f"{m.group('a')}是多少", f"{m.group('b')}是多少"), "share" if share else "ratio"


def completed_parts(content: str) -> tuple[str, ...]:
    """「事业运行（项）决算是全年预算的百分之多少」: a budget item's spending and its budget, each from its paragraph.

    The budget is the item's own (事业运行全年预算), never the department's; () where no item is named before it.
    """
    content = re.sub(r"[（(][类款项][)）]|[“”「」\"]", "", content)  # 「事业运行（项）」, 「“事业运行”」: the item
    m = COMPLETED.search(content)
    if m is None:
        return ()
    a, b = m.group("a").removeprefix("的"), m.group("b")
    a = re.sub(rf"(?<=[\u4e00-\u9fff]{{2}})项目(?=(?:{PLAN_BUDGET_KIND.pattern})?$)", "", a)  # 「信息化建设项目决算」: the item
    if "完成" in m.group() and not re.search(rf"(?:{PLAN_BUDGET_KIND.pattern})$", a):
        # 「信息化建设项目完成年初预算的比例」: what is completed is the item's spending, its 支出决算
        return (f"{a}支出决算是多少", f"{a}{b}是多少")
    whole = parallel(b, a)
    return (f"{a}是多少", f"{whole}是多少") if whole != b else ()


def gap_parts(content: str, printed: str = "") -> tuple[str, ...]:
    """「城镇和农村居民人均消费支出相差多少」: the two things of a difference asked after both are named."""
    return each_part(content, printed, _GAP)


_GAP = re.compile(r"^(.*?)(?:相差|差了?多少|差距|之差|差额)")
_EACH = re.compile(r"^(.*?)(?:分别|各)")


def each_part(content: str, printed: str = "", stop: re.Pattern[str] = _EACH) -> tuple[str, ...]:
    """「城镇居民和农村居民人均可支配收入分别是多少」 -> the two things asked, each with the words they share.

    The shorter side borrows the longer one's head or tail: 城镇居民 + 人均可支配收入; 金融机构本外币 + 贷款余额. With
    the report's text (`printed`), the longest tail of the longer side that the shorter one is printed with is shared:
    「城镇和农村常住居民人均可支配收入」 -> 城镇常住居民人均可支配收入, as the bulletin prints it; 「第一产业和第三产业增加值」
    -> 第一产业增加值; never 「冷冻设备和罐式集装箱」 -> 冷冻设备集装箱, which no report prints.
    """
    m = stop.search(content)
    body = FUNCTION.sub(" ", m.group(1)).strip() if m else ""
    joined = m.group(1) if m else ""
    # 「年初结转和结余、年末结转和结余」: a 、 separates the two things, whose names may hold 和
    sides = [p.strip() for p in re.split(r"\s*、\s*" if "、" in joined else r"\s*(?:和|与|及)\s*", joined) if p.strip()]
    if len(sides) != 2 or not body:
        return ()
    a, b = (re.sub(r"^的|的$|[？?，,。\s]", "", x) for x in sides)
    if len(a) < 2 or len(b) < 2:
        return ()
    shared = shared_tail(a, b, printed) if printed else None
    if shared is not None:
        a = shared
    elif len(a) <= 4 < len(b) and b[len(a) - 2 : len(a)] == a[-2:]:  # 城镇居民 | 农村居民人均可支配收入 (not 冷冻设备 | 罐式集装箱)
        a = a + b[len(a):]
    elif len(b) <= 4 < len(a) and a[-2:] == b[-2:]:  # 金融机构本外币存款余额 | 贷款余额
        b = a[: len(a) - len(b)] + b
    elif len(b) == 2 and len(a) >= 4 and a[-2:] != b:  # 一般公共预算收入 | 支出: 一般公共预算支出, never 「支出」 alone
        b = a[:-2] + b
    elif len(_YEAR_FIRST.sub("", a)) <= 4 < len(b):  # 「2023年城镇和农村居民人均可支配收入」: 城镇居民人均可支配收入
        a = parallel(a, b)
    unit = re.search(r"多少\s*([个台家人件辆户项次场名元亿万吨座所])", content)  # 「各卖了多少台」: a count in 台
    tail = f"有多少{unit.group(1)}" if unit else "是多少"
    return (f"{a}{tail}", f"{b}{tail}")


def shared_tail(short: str, long: str, printed: str) -> str | None:
    """The shorter side with the longest tail of the longer side it is printed with (from the end of the short side).

    None when the two already end alike (「贷款余额」 and 「存款余额」 each name a whole measure).
    """
    if short[-2:] == long[-2:]:
        return None
    text = re.sub(r"\s+", "", printed)
    if long in text and short not in text or len(short) < len(long):
        for cut in range(1, len(long) - 1):
            tail = long[cut:]
            for start in range(len(short) - 1):
                if short[start:] + tail in text and short[start:] + tail not in long:  # not the long side's own name
                    return short[start:] + tail
    return None


__all__ = ["SHARE_OF", "WITHIN", "across_parts", "completed_parts", "diff_parts", "divided_parts", "each_part", "gap_parts", "named_parts", "parallel", "part_of_stated_whole", "prose_parts",
           "ratio_parts", "share_parts", "shared_tail"]

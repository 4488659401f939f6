"""The operation a question asks for, read from its wording: the closed vocabulary of arithmetic words.

Rows and columns are open vocabulary (lexicon, then the semantic matcher); operations are few and
their words are few: 率/占比 is a rate, 同比/增幅 growth, 几倍 a multiple, 平均 an average, 前N/最多
a ranking, 历年/每年 a trend, 合计/一共 a sum, 比…多 a difference, 矛盾/对得上 a check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CHECK = re.compile(
    r"矛盾|对(?:得|不)?上|算错|有误|错误|不一致|一致吗|是否一致|一致不|相符|不符|勾稽|核对|核查|有问题|问题吗|出错|"
    r"自洽|准确吗|可靠吗|加起来对|合不上|不合理|异常|支持(?:这个|该)?说法|属实|说得对|对不对|对吗|不一样|不相同|有差异|差异在哪|(?:能|可以)(?:直接)?(?:拿来)?(?:当|作为?)分母|能不能用|可信吗|靠得住吗"
)
_COUNT = re.compile(
    r"(?:多少|几)份(?:[^，。？、]{0,12}(?:报告|年报)|[^\u4e00-\u9fff]|$)|(?:多少|几)(?:篇|个)(?:年度)?(?:报告|年报)|(?:多少|几)(?:个|家)(?:机关|单位|部门|政府)|(?:有|是)?(?:哪几|哪些)(?:年|个年度)|"
    r"几年的|(?:收录|包含|覆盖|涉及)了?(?:哪些|多少|几)|年报最多|报告最多|(?:哪家|哪个|哪些)(?:单位|机关)的(?:年报|报告)"
)
# A condition on a figure, for counting or listing the reports that meet it (「新收不到50件的报告有几份」).
_CONDITION = (
    (re.compile(r"(?:不到|少于|低于|不足)\s*(\d+)|(\d+)\s*件?以下"), "<"),
    (re.compile(r"(?:超过|多于|高于|大于)\s*(\d+)|(\d+)\s*件?以上"), ">="),
    (re.compile(r"为零|为0|是0|是零|(?:没有|没|无)(?:一件|一场|任何)?|一件.{0,8}都没|都没有|零"), "="),
    (re.compile(r"有"), ">"),
)
_TOP_N = re.compile(r"前\s*(\d+)")
_RANK = re.compile(r"排名|排行|排序|排前|最多|最少|最高|最低|最大|最小|垫底|倒数第一|第一名|哪(?:个|家|些|一)(?:机关|单位|部门|政府|地方|报告|份)|哪年|哪一年|谁(?:最|更)|哪个(?:更|最)?多|哪个(?:更|最)?少|哪个(?:更|最)?高|哪个(?:更|最)?低|更多|更少")
_LOW = re.compile(r"从低到高|从少到多|从小到大|最少|最低|最小|垫底|倒数|更少|哪个(?:更|最)?少|哪个(?:更|最)?低|少的")
_GROWTH = re.compile(
    r"同比|环比|增幅|涨幅|降幅|增长率|增速|(?:增长|增加|减少|下降|上升|增|涨|降|减|升|多|少)了?(?:百分之|多少%|百分之多少|几成|\d+%)"
)
_MULTIPLE = re.compile(r"几倍|多少倍|倍数|翻了")
_AVERAGE = re.compile(r"平均|均值|月均|季均|年均|日均")
_MEDIAN = re.compile(r"中位数|中位|中间值")
_DAY = re.compile(r"每天|每日|[一1]天|日均")
_QUARTER = re.compile(r"季度|季均")
_MONTH = re.compile(r"每月|每个月|月均|一个月")
_RATE = re.compile(r"率|占比|比例|比重|百分之|百分比|几成|%|占(?:了)?(?:总|全部|所有)|占[^，。？]{0,10}(?:多少|几|百分)|每\s*100\s*件")
_TREND = re.compile(r"历年|逐年|每年|各年|趋势|走势|变化情况|分别|各自|每个机关|各个机关|各机关|列出|一览")
_SUM = re.compile(r"合计|一共|总共|加起来|总和|共计|累计|加在一起|之和|总量|总数")
_DIFF = re.compile(r"比.{0,15}(?:多|少|高|低)|多了|少了|相差|差(?:了|多少|距|值)|多出|增加了?多少|减少了?多少|少多少|多多少")
_ALL = re.compile(
    r"所有|全部(?:机关|报告|单位)|各(?:个)?(?:机关|单位|部门|报告|地)|每(?:个|家|份)(?:机关|单位|报告)|哪(?:个|家|些|一)(?:机关|单位|部门|政府|地方|报告|份)|"
    r"语料|整个|全体|前\s*\d+|排名|排行|最(?:多|少|高|低)的(?:机关|单位|报告|是)|谁最"
)
_ORDERED = re.compile(r"从高到低|从多到少|从大到小|从低到高|从少到多|从小到大|排(?:个|一下|一排|序|名|列)|怎么排")
_WHICH_REPORTS = re.compile(r"哪(?:份|些|几份|几年|几个|家)")
_WHO = re.compile(r"哪家单位|哪个单位|哪些单位|哪个机关|哪些机关|哪家机关")
_VS_LAST_YEAR = re.compile(r"(?:比|较|相比|对比)(?:上一?年|去年|前一年|上年度)")
_YEAR_RANGE = re.compile(r"(20\d\d)\s*年?\s*(?:-|到|至|~|—)\s*(20\d\d)\s*年?")


@dataclass(frozen=True)
class Operation:
    """What a question asks to do with its figures, and the words that said so (removed before row matching)."""

    op: str
    n: int | None = None
    condition: tuple[str, float] | None = None
    descending: bool = True
    per: str | None = None
    words: tuple[str, ...] = ()


def detect(content: str, n_measures: int, n_reports: int) -> Operation:
    """The operation of a question (its content, scope names removed), given how many rows and reports it names."""
    words = tuple(m.group() for p in (_RATE, _GROWTH, _MULTIPLE, _AVERAGE, _RANK, _TREND, _SUM, _DIFF, _TOP_N, _CHECK)
                  for m in p.finditer(content))
    if _CHECK.search(content):
        return Operation("check", words=words)
    ranked = bool(_TOP_N.search(content) or _ORDERED.search(content))
    if n_measures and _WHICH_REPORTS.search(content) and (cond := condition(content)) is not None and cond[0] == "=":
        return Operation("count", condition=cond, words=words)  # 「哪份报告一件予以公开都没有」: list them
    if n_measures and _SUM.search(content) and _COUNT.search(content):
        return Operation("sum", words=words)  # 「几家单位予以公开的合计多少件」
    extreme = n_measures and re.search(r"最多|最少|最高|最低|最大|最小", content)  # 「几份报告里哪家最少」 ranks them
    if (_COUNT.search(content) or (not n_measures and _WHO.search(content))) and not ranked and not extreme:
        return Operation("count", condition=condition(content) if n_measures else None, words=words)
    if _GROWTH.search(content):
        return Operation("growth", words=words)
    if _MULTIPLE.search(content):
        return Operation("multiple", words=words)
    if _MEDIAN.search(content):
        return Operation("median", words=words)
    if _AVERAGE.search(content):
        per = "quarter" if _QUARTER.search(content) else "month" if _MONTH.search(content) else \
            "day" if _DAY.search(content) else None
        return Operation("average", per=per, words=words)
    if _RATE.search(content):
        return Operation("rate", words=words)
    top = _TOP_N.search(content)
    if top or ranked or _RANK.search(content):
        n = int(top.group(1)) if top else None if _ORDERED.search(content) else 1
        return Operation("rank", n=n, descending=not _LOW.search(content), words=words)
    if _VS_LAST_YEAR.search(content) and not _RATE.search(content):
        return Operation("difference", words=words)
    if _DIFF.search(content) and (n_measures == 2 or n_reports == 2):
        return Operation("difference", words=words)
    if _SUM.search(content) and (n_measures > 1 or n_reports != 1):
        return Operation("sum", words=words)
    if _TREND.search(content):
        return Operation("trend", words=words)
    return Operation("value", words=words)


def condition(content: str) -> tuple[str, float] | None:
    """The condition a count or list question puts on its figure (None: every report counts)."""
    for pattern, cmp in _CONDITION:
        m = pattern.search(content)
        if m:
            number = next((g for g in m.groups() if g), None) if m.groups() else None
            return cmp, float(number) if number is not None else 0.0
    return None


def wants_all(content: str) -> bool:
    """Whether a question is about every report (rankings, 所有机关) rather than one it fails to name."""
    return bool(_ALL.search(content))


def asks_sum(content: str) -> bool:
    """Whether a question asks for a total (合计, 一共, 加起来 …)."""
    return bool(_SUM.search(content))


def ranks(content: str) -> bool:
    """Whether a question orders reports (top-N, 最高, 从高到低) — also when its figure is a rate."""
    return bool(_TOP_N.search(content) or _ORDERED.search(content) or _RANK.search(content))


def versus_last_year(content: str) -> bool:
    """「比上年多了多少」: the figure is compared with the same agency's previous year."""
    return bool(_VS_LAST_YEAR.search(content))


def year_range(question: str) -> tuple[int, ...]:
    """Every year of a range written 2020-2022年, 2020到2022, 2020至2022 (empty when there is none)."""
    m = _YEAR_RANGE.search(question)
    if not m:
        return ()
    a, b = sorted((int(m.group(1)), int(m.group(2))))
    return tuple(range(a, b + 1)) if b - a <= 30 else ()

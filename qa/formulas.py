"""The words of questions over any report's tables, as data: measure synonyms, the formula library, periods.

A measure is a row label of the report's own tables; these are the everyday names people use for some of
them (「营收」 for 营业收入), each with the printed labels it may stand for, in order of preference.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# everyday name -> printed row labels it stands for (first found in the report wins)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "营收": ("营业收入", "营业总收入", "营业收入合计"),
    "营业收入": ("营业收入", "营业总收入", "营业收入合计"),
    "总资产": ("资产总计", "资产合计", "资产总额"),
    "资产总额": ("资产总计", "资产合计", "资产总额"),
    "总负债": ("负债合计", "负债总额"),
    "负债总额": ("负债合计", "负债总额"),
    "负债": ("负债合计", "负债总额"),  # 「负债占总资产的比例」: the total, never a note's row 「负债」
    "净资产": ("归属于母公司所有者权益（或股东权益）合计", "归属于母公司所有者权益合计", "归属于母公司股东权益合计",
            "所有者权益（或股东权益）合计", "股东权益合计", "所有者权益合计"),
    "股东权益": ("股东权益合计", "所有者权益（或股东权益）合计", "所有者权益合计"),
    "归母净利润": ("归属于上市公司股东的净利润", "归属于母公司股东的净利润", "归属于母公司所有者的净利润",
              "归属于本行股东的净利润", "归属于银行股东的净利润"),
    "扣非净利润": ("归属于上市公司股东的扣除非经常性损益的净利润",),
    "经营活动现金流量净额": ("经营活动产生的现金流量净额",),
    "经营现金流": ("经营活动产生的现金流量净额",),
    "经营活动现金流": ("经营活动产生的现金流量净额",),
    "经营活动现金流净额": ("经营活动产生的现金流量净额",),
    "经营现金流净额": ("经营活动产生的现金流量净额",),
    **{f"{kind}{name}": (f"{kind}活动产生的现金流量净额",) for kind in ("投资", "筹资")
       for name in ("活动现金流量净额", "活动现金流", "活动现金流净额", "现金流", "现金流净额")},  # the other two flows
    "研发投入": ("研发投入合计",),
    "存款": ("吸收存款",),
    "客户存款": ("吸收存款", "客户存款"),
    "归母净利": ("归母净利润", "归属于上市公司股东的净利润", "归属于母公司股东的净利润", "归属于母公司所有者的净利润",
             "归属于本行股东的净利润", "归属于银行股东的净利润"),
    "扣非净利": ("归属于上市公司股东的扣除非经常性损益的净利润",),
    "ROE": ("加权平均净资产收益率（%）", "加权平均净资产收益率"),
    "加权平均ROE": ("加权平均净资产收益率（%）", "加权平均净资产收益率"),
    "净资产收益率": ("加权平均净资产收益率（%）", "加权平均净资产收益率"),
    "EPS": ("基本每股收益（元／股）", "基本每股收益（元/股）", "基本每股收益"),
    "每股收益": ("基本每股收益（元／股）", "基本每股收益（元/股）", "基本每股收益"),
    "净利": ("净利润",),
    "营业总成本": ("营业总成本",),
    "总股本": ("股份总数", "总股本"),
    "流动资产": ("流动资产合计",),
    "流动负债": ("流动负债合计",),
    "非流动资产": ("非流动资产合计",),
    "非流动负债": ("非流动负债合计",),
    "贷款总额": ("客户贷款总额", "发放贷款和垫款本金总额", "贷款和垫款本金总额", "各项贷款余额"),  # a bank's loans (principal)
    "存款总额": ("客户存款", "吸收存款本金", "客户存款总额", "各项存款余额"),  # and deposits; a bulletin's 各项…余额
    "收入支出总计": ("收入支出总计", "总计"),  # a 收入支出决算总表's 总计 row, the same on both sides
    "收支总计": ("收入支出总计", "总计"),
    "收入合计": ("收入总计", "收入合计", "本年收入合计"),
    "支出合计": ("支出总计", "支出合计", "本年支出合计"),
    "收入总额": ("收入总计", "收入合计", "本年收入合计"),
    "支出总额": ("支出总计", "支出合计", "本年支出合计"),
    "总支出": ("支出总计", "支出合计", "本年支出合计"),  # 「占总支出的比例」, 「总收入」: the same totals
    "总收入": ("收入总计", "收入合计", "本年收入合计"),
    # a budget's whole spending or income as people name it (「占支出总预算的比重」, 「全部支出预算」)
    **dict.fromkeys(("支出总预算", "全部支出预算", "总支出预算", "支出预算总额", "支出预算总数", "全部支出"),
                    ("支出总计", "支出合计", "本年支出合计")),
    **dict.fromkeys(("收入总预算", "全部收入预算", "总收入预算", "收入预算总额", "收入预算总数", "全部收入"),
                    ("收入总计", "收入合计", "本年收入合计")),
    # a dividend per 10 shares, as people ask it (「每10股派多少」, 「每10股分红多少钱」) and as 分红 tables print it
    **dict.fromkeys(("每10股派息", "每10股派现", "每10股派发", "每10股分红", "每10股现金分红", "每10股派"),
                    ("每10股派息数", "每10股派息金额", "每10股派息")),
}

# the words a measure's everyday naming carries besides its name — no column, no other row (「分红方案每10股派多少
# 现金」: 现金 is no row 现金 here): a regex naming the measure -> the words said with it, removed before rows are read
SAID_WITH: dict[str, str] = {
    r"每\s*10\s*股": r"(?<!股)(?:(?:利润|股利|现金)?(?:分红|分配|派息|派现|派发)(?:方案|预案|计划)?|现金|红利|股利|含税|钱|派)",
}


# everyday word -> the printed column head it names (a 产销量 table's 销售量, 生产量, 库存量)
COLUMN_WORDS: dict[str, str] = {
    "卖了": "销售量", "卖出去": "销售量", "卖出": "销售量", "卖掉": "销售量", "售出": "销售量", "卖": "销售量",
    "销量": "销售量", "销售了": "销售量",
    "生产了": "生产量", "产了": "生产量", "产量": "生产量", "库存": "库存量",
}


@dataclass(frozen=True)
class Formula:
    """A named ratio: its words, how it is computed (over measure names), and its unit."""

    name: str
    words: str  # a regex over the question
    numerator: tuple[tuple[str, int], ...]  # (measure, sign): a sum of signed measures
    denominator: str
    percent: bool = True


FORMULAS: tuple[Formula, ...] = (
    Formula("毛利率", r"毛利率", (("营业收入", 1), ("营业成本", -1)), "营业收入"),
    Formula("归母净利率", r"归母净利润?率|归属于?(?:母公司|上市公司)(?:股东)?的?净利润?率", (("归母净利润", 1),), "营业收入"),  # before 净利率
    Formula("净利率", r"(?:销售)?净利率|净利润率", (("净利润", 1),), "营业收入"),
    Formula("营业利润率", r"营业利润率", (("营业利润", 1),), "营业收入"),
    Formula("资产负债率", r"资产负债率", (("负债合计", 1),), "资产总计"),
    Formula("流动比率", r"流动比率", (("流动资产合计", 1),), "流动负债合计", percent=False),
    Formula("速动比率", r"速动比率", (("流动资产合计", 1), ("存货", -1)), "流动负债合计", percent=False),
    Formula("现金比率", r"现金比率", (("货币资金", 1),), "流动负债合计", percent=False),
    Formula("管理费用率", r"管理费用率", (("管理费用", 1),), "营业收入"),
    Formula("销售费用率", r"销售费用率", (("销售费用", 1),), "营业收入"),
    Formula("研发费用率", r"研发费用率", (("研发费用", 1),), "营业收入"),
    Formula("财务费用率", r"财务费用率", (("财务费用", 1),), "营业收入"),
    Formula("存贷比", r"存贷比|贷存比", (("贷款总额", 1),), "存款总额"),
    Formula("上涨空间", r"(?:(?:相对于?|较|比)?当前(?:股)?价)?(?:还有|有)?(?:多少|多大)?的?(?:上涨|上行|涨幅)空间",
            (("目标价", 1), ("当前价", -1)), "当前价"),  # the cover of a research report: 目标价 over 当前价
    Formula("研发投入占营业收入比", r"研发投入占(?:营业收入|营收)(?:的)?(?:比例|比重|比)?", (("研发投入", 1),), "营业收入"),
)

# a named ratio of two figures a bulletin states in its prose: the two things divided, in the order of the name
# (each side as bulletins print it, the first printed one read: 黔东南 2016 says 「农民人均可支配收入」)
PROSE_RATIOS: tuple[tuple[str, tuple[tuple[str, ...], tuple[str, ...]]], ...] = (
    (r"城乡(?:居民)?(?:人均)?(?:可支配)?收入(?:之)?比|城乡(?:居民)?收入倍差",
     (("城镇居民人均可支配收入", "城镇常住居民人均可支配收入"), ("农村居民人均可支配收入", "农村常住居民人均可支配收入", "农民人均可支配收入"))),
    (r"城乡(?:居民)?(?:人均)?消费(?:支出)?(?:之)?比",
     (("城镇居民人均消费支出", "城镇常住居民人均消费支出"), ("农村居民人均消费支出", "农村常住居民人均消费支出", "农民人均生活消费支出", "农民人均消费支出"))),
)


def prose_ratio(content: str, text: str = "") -> tuple[str, ...]:
    """「城乡居民收入比是多少」 -> the two things divided (城镇居民人均可支配收入, 农村居民人均可支配收入); () if none named.

    Each side is named as the report prints it with a figure, where it does (「农民人均可支配收入7584元」).
    """
    plain = re.sub(r"\s", "", text)
    for words, sides in PROSE_RATIOS:
        if re.search(words, content):
            return tuple(f"{_printed(names, plain)}是多少" for names in sides)
    return ()


def _printed(names: tuple[str, ...], plain: str) -> str:
    """The first of a thing's names printed with a figure after it (not in a chart's caption); else the first name."""
    return next((n for n in names if re.search(re.escape(n) + r"[^。，,；;\d]{0,4}\d", plain)), names[0])


# 「同比增长」「增长率」: the change from the prior-year column, in percent
GROWTH = re.compile(r"同比|增长率|增速|增幅|降幅|(?:增长|下降|降低|上升|降|涨|跌)了?(?:多少|百分之)|(?:增加|减少)了?百分之|降了?多少|变动(?:比例|幅度)")
# 「比上年末增加了多少」: the change as an amount
CHANGE = re.compile(r"(?:比|较|和|与|跟|相比)(?:上年|去年|上期|年初|期初|\d{2,4}年)[末底初]?.{0,6}?(?:增加|减少|多|少|增长|下降|变化|变动)|"
                    r"(?:增加|减少|多了|少了)(?:了)?多少")
# 「利润表里的研发费用」: the statement named says where the row is read (a statement is read first anyway)
STATEMENT_NAMED = re.compile(r"(?:按|在|从)?(?:合并)?(?:利润表|资产负债表|现金流量表)(?:里面|里|中|上)?的?")
PRIOR = re.compile(r"上年末|上年|去年|上期|年初|期初|上一年")
PARENT = re.compile(r"母公司")
BOTH = re.compile(r"各(?:是|为|有)?|分别")

# Words a question over a report's tables may hold besides its measure, formula and period.
_FUNCTION_WORDS = (
    "请问|给出|给的|定的|给|帮我算一?下|算下来|算出来|就用|就拿|直接用|直接拿|帮我|帮忙|查一?下|看一?下|算一?下|告诉我|我想知道|想知道|是多少|多少钱|多少|几何|怎么样|如何|是|为|有|的|了|"
    "呢|吗|啊|这|什么|哪些|哪家|哪个|是否|花了|花费|用了|"
    "账上|账面|报表|合并报表|合并口径|合并|母公司|本集团|集团|公司|本行|全年|当年|本年|年度|年末|年底|年初|期末|期初|末|"
    "截至|截止|报告期|一共|共|总共|合计|各|分别|和|与|跟|及|、|按|计算|口径|金额|数额|数值|数|值|额|情况|"
    "比上年|比去年|较上年|上年末|上年|去年|同比|环比|增长|增加|减少|下降|降|上涨|下跌|涨|跌|多赚|少赚|增幅|增速|变化|变动|比|较|相比|对比|相较|多了|少了|(?<!哪)一年|1年|"
    "规模|多大|总数|总量|总额|增长率|变动率|增长幅度|变动幅度|增减|账面价值|账面余额|余额|也就是|即|元|万元|亿元|百万元|人民币|百分之几|百分之多少|百分之|百分比|比例|比重|占|大概|大约|约|现在|目前|在|里|中|"
    "年度报告|年报|研究报告|研报|附表|首次覆盖|首次推荐|报告|只算|只看|按照|根据|安排了|安排|今年|披露的|披露|那篇|这篇|该篇|里说|中说|里提到|中提到|整体|综合|总体"
).split("|")
# The longest word first at each place: 「比例」 is one function word, not 「比」 leaving 「例」.
FUNCTION = re.compile(
    r"(?:是|有)?(?:多少|几)\s*(?:万|亿|千)?个?(?:公里|平方米|[个台家人件辆户项次场名元吨套条篇天所座亩股])|"  # 「多少人」「几个人」: a count's unit
    r"(?:多少|几)\s*(?:百万|千万|万|亿)(?=[？?。，,！!呢啊]|$)|"  # 「少了多少亿」: an amount asked in 亿 (元 unsaid)
    + "|".join(sorted(dict.fromkeys(_FUNCTION_WORDS), key=len, reverse=True))
    + r"|[两二三四五六七八九几]+(?:块|项|个|类|种|大)(?:业务|产品|板块|指标|数据|项目|科目)?"
    + r"|[多少](?=多少)"  # 「比上年多多少」: the first 多 compares
    + r"|累计(?=增长|增加|减少|下降|上升|提高|降低)"  # 「较2017年累计增长了多少」: over the years between, no column
    + r"|(?<![预决核清结估])算"  # 「算」 alone, not inside 预算 / 决算
    + r"|(?<![费作使应])用(?=[^，,。？?]{2,24}(?:算|[)）]))"  # 「用营业收入和营业成本算」: how the user computes it
    + r"|[0-9０-９]{2,4}年(?:底|末|初|度)?|[?？,，。.！!：:\s（）()“”\"]"
)


@functools.lru_cache(maxsize=65536)
def norm_label(label: str) -> str:
    """A printed row label without its numbering and sign words: 「其中：营业收入」 -> 营业收入, 「#税收收入」 -> 税收收入."""
    s = re.sub(r"\s+", "", label)
    s = re.sub(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|加[:：]|减[:：]|其中[:：]|其中|#|＃)+", "", s)
    s = re.sub(r"[（(](?:净亏损|亏损|损失|减少|收益)[^）)]*[)）]$", "", s)
    return s.strip("：:")


@functools.lru_cache(maxsize=65536)
def short_label(label: str) -> str:
    """The label without its trailing parentheses: 「实收资本（或股本）」 -> 实收资本, 「每10股派息数(元)（含税）」 -> 每10股派息数."""
    return re.sub(r"(?:[（(][^（）()]*[)）])+$", "", label)


__all__ = ["BOTH", "CHANGE", "COLUMN_WORDS", "FORMULAS", "FUNCTION", "GROWTH", "PARENT", "PRIOR", "SAID_WITH", "STATEMENT_NAMED", "SYNONYMS", "Formula",
           "norm_label", "short_label"]

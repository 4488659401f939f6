"""The closed word lists of the coverage rule: function words, and the words each operation accounts for.

Rows and columns are open vocabulary (`qa.lexicon`, then the semantic matcher); these lists are closed. A
word of a question is explained only by an element of its Plan: a row or column named by it, the scope, the
operation it asks for (the words below, for that operation only), or a function word. 「比」 is explained by a
difference and not by a single figure, 「平均」 by an average, 「每天」 only by an average per day.
"""

from __future__ import annotations

import functools
import re

# Words that carry no content of their own: particles, pronouns, the domain's ever-present nouns, politeness.
FUNCTION_WORDS = re.compile(
    r"那边|这边|那儿|这儿|那头|这头|那一?块|这一?块|[那这]一?部分(?!公开)|手上|手里|手头上?|政府信息公开|信息公开|政府信息|政府|公开工作|依申请公开|申请公开|申请人|申请|多少|几|件|个|的|地|得|有|是|为|了|过|着|"
    r"其中|当中|之中|里面|里头|中|里|内|数量|数目|数字|数据|全年|本年度|本年|今年|当年|同年|该年|这一年|那一年|这年|"
    r"年度|年份|年|报告|年报|情况|办理|处理|事项|属于|涉及|那|呢|吗|啊|呀|吧|嘛|哦|哈|请问|请|麻烦|帮我|帮忙|告诉|"
    r"我们|我|你们|你|想|知道|问问|问|查一下|查|看看|看|一下|达到|达|和|与|及|以及|跟|等|各类|各种|项|类|方面|"
    r"机关|本机关|单位|部门|份|这些|那些|这个|那个|这|该|其|它|此|在|对|由|按照|按|以|所|之|共|总|给|都|也|还|又|"
    r"就|才|只|仅|直接|说|表示|给出|平均下来|下来|这一大类|一大类|大类|年间|间|比一比|比比看|比较一下|对比一下|表[一二三四]|第[一二三四]张表|表里|表中|表格里|表上|大概|大约|约|左右|具体|一共|总共|共计|合计|加总|汇总|总数|总量|统计|计|算算|算下|算|算是|一栏|这一栏|这项|这一项|"
    r"咱们|咱|们|到底|究竟|一些|个数|多大|怎样|咋样|怎么样|如何|啥|什么|是不是|有没有|能|可以|要|会|时候|时|当时|"
    r"全部|所有|整个|整体|全|一|现在|目前|期间|年里|提|收|过来|拿|数|结果|家|万元|元|信息|场|起|宗|次|作出|作|做|开出|"
    r"决定|出|吃|打|到|至|从|年底|底|截至|截止|全区|全市|全县|全省|本区|本市|本县|我区|我市|我县|市政府|区政府|县政府|案子|案件|案|的话|最后|被人|别人|人家|被|因为|因|而|由于|依申请|依|已经|"
    r"已|量|库里|库|语料|种|这种|那种|一类|这类|这一类|那类|原因|各种原因|高不高|多不多|大不大|同一类|同类|同样|一样|同一|"
    r"金额|钱|来|认定|当作|当成|归为|被归为|算作|视为|判定|判决|判下来|判了|判成|判为|判|引起|引发|相关|有关|工作|事情|的事|资讯公开|资讯|搞|开了|"
    r"开出|几部|名义|原原本本|原封不动|根本|东西|不分|表格|第三部分|或者|来自|高吗|多吗|拖到|拖|新|理由|为理由|局里|区里|县里|"
    r"市里|我局|本局|这条|那条|换成|改成|换|反过来看|反过来|倒过来|再|花了|花费|花|还剩|剩下|剩|"
    r"保留[两一二三四\d]位(?:小数)?|保留小数|四舍五入"
)
# The words of each operation (and of its parameters): explained only when the Plan's query does that.
OPERATION_WORDS: dict[str, str] = {
    "value": r"单独|本身|自身",
    "sum": r"加一块儿|一块儿|加一块|一块|各个|各家|各|合计|一共|总共|加起来|加一起|加在一起|总和|共计|累计|之和|合起来|加上|再加|连同|算上|也算|算进去|也算上|"
    r"也加上|再加上|一起算|算在一起|两者|二者|两项|两类|两个|两种|和|与|及|以及|跟|同|加|\+|再把|把|也|都|历年|每年|逐年|各年|"
    r"这几年|几年|合并|汇总|总体|整体",
    "difference": r"谁|哪个|哪家|相对于|相对|相比于|比起|比|较|相比|对比|多了|少了|相差|差值|差距|差了|差|多出|增加了?|减少了?|多|少|高|低|上升|下降|变化|"
    r"变动|上一年|上一?年|去年|前一年|上年度",
    "rate": r"我这么算|这么算|这样算|这么|我定义为|定义为|定义|算出来|公式是|公式|再除以|再除|等于|按年报正文|年报正文|按正文|正文|比率|比值|率|占比|比例|比重|个百分点|百分点|几个点|多少个点|个点|百分之几?|百分比|百分|几成|占了|占|%|每\s*100\s*件|÷|除以|除|/|分之几?|分母|分子|"
    r"口径|计算|算法|来算|来|按|就是|即|等于|=|\(|\)|（|）|\+|加|是|的|相当于|合起来|加起来|合并|汇总|总体|整体|一起算|把|算|用|拿|"
    r"百分数|表示|[×*]\s*100%?|乘以?\s*100|这两类|这几类|两类|几类|这两项|两项",
    "growth": r"同比|环比|增幅|涨幅|降幅|增长率|增长|增速|下降|上升|增加|减少|涨|降|百分之几?|百分比|百分|几成|%|比|较|以|为基数|基数|基期|"
    r"上一年|上一?年|去年|前一年|上年度|变化|变动|幅度",
    "multiple": r"相当于|几倍|多少倍|倍数|倍|翻了|翻|是|的|比|上一年|上一?年|去年",
    "average": r"平均|均值|年均|平均数|每年|每份|每个|每家",
    "per:quarter": r"每季度|每个季度|每季|季度|季均|一个季度",
    "per:month": r"每月|每个月|月均|一个月|个月|月",
    "per:day": r"每天|每日|一天|1天|日均|天|日",
    "median": r"中位数|中位|中间值|中间",
    "rank": r"排个序|排下序|排一下序|排一下|排个名|排名|排行|排序|排前|前\s*\d+\s*(?:名|位)?|最多|最少|最高|最低|最大|最小|垫底|倒数第?一?|第一名?|哪一|哪|谁|"
    r"列出|列一下|列|哪些|哪几|哪个|哪家|哪份|哪年|哪一年|更多|更少|更高|更低|从高到低|从多到少|从大到小|从低到高|从少到多|从小到大|排|名|位|最|各|分别|各自|怎么排|怎样排|怎么|"
    r"多少|几|多|少|高|低|大|小",  # 「谁新收的申请多」: of two, the one with more
    "trend": r"历年|逐年|每年|各年|趋势|走势|变化情况|变化|分别|各自|每个|各个|各|列出|列一下|列|一览|这几年|几年",
    "count": r"多少份|几份|几个|几家|哪些|哪几|哪|收录|包含|覆盖|涉及|份|个|家|有",
    "condition": r"不到|少于|低于|不足|超过|多于|高于|大于|以上|以下|为零|为0|是0|是零|没有|没|无|一件|一场|任何|都|零|\d+",
    "points": r"怎么变化?|怎样变化?|如何变化?|掉了|掉|相对于|相对|相比于|涨了|涨|跌|回落|降了|百分点|个点|点|比|较|上一年|上一?年|去年|高|低|多|少|升|降|提高|降低|上升|下降|变化|变动|变了|变|了|从|到",
    "minus": r"−|－|-|减去|减掉|扣除|扣掉|刨掉|刨去|去掉|剩下|还剩|剩|等于|=|结果是|结果|帮我算一下|算一下|算|得|\?|？|多少|几|\(|\)|（|）|\+|＋|加上|加",
    "公开率": r"公开率|公开比例|公开的比例|公开占比|公开|含|包括|包含|算上|加上|连同|不算|不含|不包括|只算|仅算|也算进去|也算|"
    r"算进去|进去|也",
}
# Per-period words that no Plan explains (working days are not in any report), named in the answer.
# A group's parts listed as examples of it: 「因信访、重复申请等不予处理」, 「（…都算）」.
INCLUSIVE = re.compile(r"等|都算|都包括|都包含|不分")
# 「企业、律所这些法人或其他组织」: examples, then the group they are of — the group is asked
EXAMPLES_OF_GROUP = re.compile(r"(?:这些|这类|这几类|等等|等|之类的?)\s*(?:的\s*)?法人")
UNMODELLED_PERIODS = re.compile(r"工作日|每周|每星期|一周|周均|每小时|小时")


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern (a `|` inside a group does not split)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(pattern):
        if ch == "\\":
            continue
        depth += ch == "(" and (i == 0 or pattern[i - 1] != "\\")
        depth -= ch == ")" and (i == 0 or pattern[i - 1] != "\\")
        if ch == "|" and depth == 0 and (i == 0 or pattern[i - 1] != "\\"):
            out.append(pattern[start:i])
            start = i + 1
    out.append(pattern[start:])
    return [a for a in out if a]


@functools.lru_cache(maxsize=256)
def words_of(*keys: str) -> re.Pattern[str]:
    """One pattern of the function words and the words of these operation keys, the longest alternatives first.

    Longest first, so that 「年报」 is one word rather than 「年」 and a leftover 「报」, and 「单位」 is not 「位」 of a rank.
    """
    patterns = [FUNCTION_WORDS.pattern] + [OPERATION_WORDS[k] for k in keys if k in OPERATION_WORDS]
    alternatives = {a for p in patterns for a in _alternatives(p)}
    return re.compile("|".join(sorted(alternatives, key=lambda a: (-len(re.sub(r"\\.|[?()|+*]", "x", a)), a))))


# -- The phrasings the question-reading stages look for (moved here so the code holds none of its own) ------------

# qa/operations.py
OP_CHECK = re.compile(
    r"矛盾|对(?:得|不)?上|算错|有误|错误(?!信息|链接|描述)|不一致|一致吗|是否一致|一致不|相符|不符|勾稽|核对|核查|有问题|问题吗|出错|"
    r"自洽|准确吗|可靠吗|加起来对|合不上|不合理|异常|支持(?:这个|该)?说法|属实|说得对|对不对|对吗|不一样|不相同|有差异|差异在哪|(?:能|可以)(?:直接)?(?:拿来)?(?:当|作为?)分母|能不能用|可信吗|靠得住吗"
)
OP_COUNT = re.compile(
    r"有几年|哪几年|(?:多少|几)份(?:[^，。？、]{0,12}(?:报告|年报)|[^\u4e00-\u9fff]|$)|(?:多少|几)(?:篇|个)(?:年度)?(?:报告|年报)|(?:多少|几)(?:个|家)(?:机关|单位|部门|政府)|(?:有|是)?(?:哪几|哪些)(?:年|个年度)|"
    r"几年的|(?:收录|包含|覆盖|涉及)了?(?:哪些|多少|几)|年报最多|报告最多|(?:哪家|哪个|哪些)(?:单位|机关)的(?:年报|报告)|有(?:多少|几)家"
)
# A condition on a figure, for counting or listing the reports that meet it (「新收不到50件的报告有几份」).
OP_CONDITION = (
    (re.compile(r"(?:不到|少于|低于|不足)\s*(\d+)|(\d+)\s*件?以下"), "<"),
    (re.compile(r"(?:超过|多于|高于|大于)\s*(\d+)|(\d+)\s*件?以上"), ">="),
    (re.compile(r"为零|为0|是0|是零|(?:没有|没|无)(?:一件|一场|任何)?|一件.{0,8}都没|都没有|零"), "="),
    (re.compile(r"有"), ">"),
)
OP_TOP_N = re.compile(r"前\s*(\d+)")
OP_RANK = re.compile(r"谁[^，。？]{0,12}?(?:更)?(?:多|少|高|低)|排个序|排一下序|排名|排行|排序|排前|最多|最少|最高|最低|最大|最小|垫底|倒数第一|第一名|哪(?:个|家|些|一)(?:机关|单位|部门|政府|地方|报告|份)|哪年|哪一年|谁(?:最|更)|哪个(?:更|最)?多|哪个(?:更|最)?少|哪个(?:更|最)?高|哪个(?:更|最)?低|更多|更少")
OP_LOW = re.compile(r"从低到高|从少到多|从小到大|最少|最低|最小|垫底|倒数|更少|哪个(?:更|最)?少|哪个(?:更|最)?低|少的|"
                    r"(?:谁|哪个|哪家)[^，,。？?多]{0,20}?(?:少|低|小)(?![了于])")
OP_GROWTH = re.compile(
    r"同比|环比|增幅|涨幅|降幅|增长率|增速|(?:增长|增加|减少|下降|上升|增|涨|降|减|升|多|少)了?(?:百分之|多少%|百分之多少|几成|\d+%)"
)
OP_MULTIPLE = re.compile(r"几倍|多少倍|倍数|翻了")
OP_AVERAGE = re.compile(r"平均|均值|月均|季均|年均|日均")
OP_MEDIAN = re.compile(r"中位数|中位|中间值")
OP_DAY = re.compile(r"每天|每日|[一1]天|日均")
OP_QUARTER = re.compile(r"季度|季均")
OP_MONTH = re.compile(r"每月|每个月|月均|[一1]个月")
OP_RATE = re.compile(r"率|占比|比例|比重|百分之|百分比|几成|%|占(?:了)?(?:总|全部|所有)|占[^，。？]{0,10}(?:多少|几成|几|百分)|每\s*100\s*件")
OP_TREND = re.compile(r"历年|逐年|每年|各年|趋势|走势|变化情况|分别|各自|每个机关|各个机关|各机关|列出|一览")
OP_SUM = re.compile(r"合计|一共|总共|加起来|合起来|合在一起|总和|共计|累计|加在一起|加一起|加一块|加到一起|之和|总量|总数|加总|汇总")
OP_DIFF = re.compile(r"比.{0,15}(?:多|少|高|低)|多了|少了|相差|差(?:了|多少|距|值)|多出|增加了?多少|减少了?多少|少多少|多多少")
OP_ALL = re.compile(
    r"所有|全部(?:机关|报告|单位)|各(?:个)?(?:机关|单位|部门|报告|地)|每(?:个|家|份)(?:机关|单位|报告)|哪(?:个|家|些|一)(?:机关|单位|部门|政府|地方|报告|份)|"
    r"语料|整个|全体|前\s*\d+|排名|排行|最(?:多|少|高|低)的(?:机关|单位|报告|是)|谁最"
)
OP_ORDERED = re.compile(r"从高到低|从多到少|从大到小|从低到高|从少到多|从小到大|排(?:个|一下|一排|序|名|列)|怎么排")
OP_WHICH_REPORTS = re.compile(r"哪(?:份|些|几份|几年|几个|家)")
OP_WHO = re.compile(r"哪家单位|哪个单位|哪些单位|哪个机关|哪些机关|哪家机关")
OP_VS_LAST_YEAR = re.compile(r"(?:比|较|相比|对比)(?:上一?年|去年|前一年|上年度)")
OP_YEAR_RANGE = re.compile(r"(20\d\d)\s*年?\s*(?:-|到|至|~|—)\s*(20\d\d)\s*年?")

# qa/understand.py
# Rates with a name of their own: what is divided by what.
READ_OPEN_RATE = re.compile(
    r"(?<!不予)(?<!部分)(?<!不)(?<!主动)(?:公开率|公开比例|公开的比例|公开占比|公开了?百分之|给公开了?(?:几|多少))|公开(?:和|及|与|、|加|\+)部分公开"
)
READ_WITHOUT_PARTIAL = re.compile(r"不算部分公开|不含部分公开|不包括部分公开|只算予以公开|仅算予以公开")
# Qualifiers the standard tables have no column for: a question with one is not answered from a cell
# (「通过网络提交的」, 「来自外国人的」, 「征地拆迁方面的」), nor is one naming an organisation the scope did not know.
READ_QUALIFIER = re.compile(
    r"网上|网络|在线|线上|邮寄|信函|当面|现场|窗口|传真|邮件|电话|热线|小程序|APP|外国|境外|港澳|台湾|华侨|海外|男|女|年龄|年纪|岁|"
    r"上半年|下半年|月份|\d+月|季度里|征地|拆迁|土地|规划|环境|教育|医疗|住房|补偿|项目|领域|(?<!信息公开)(?<!政务公开)方面|关于|赔|美元|欧元|天数|时长|多久|"
    r"人口|估计|预计|预测|明年|将来|未来|模板|样表|经费|预算|资金|人员|编制|方式|渠道|途径|"
    r"[\u4e00-\u9fff]{2,8}(?:局|委员会|厅|办公室|中心|公司|检察院|大学|医院)(?![里内中])|[\u4e00-\u9fff]{1,4}类(?:行政)?(?:审批|许可|处罚|案件|事项)"
)
# A count in a unit no table cell has (条 of information, 篇 of articles, 家 of units) is a prose question.
READ_PROSE_UNIT = re.compile(r"(?:多少|几)(?:条|篇|家(?!单位|机关|部门|报告)|人次|期|项(?!加总|加起来|合计|汇总|之和|总和|相加)|名|所|户|天|小时|个小时|元|美元)|(?:多少|几)个(?:网站|平台|单位|部门|栏目)")
READ_ABOUT_PROSE = re.compile(r"(?:正文|总体情况|文中|文字|报告里|报告中|报告)(?:里|中)?(?:说|写|提到|称)")
READ_POOLED = re.compile(r"合起来|加起来|合并|合计|总体|整体|汇总|累计|一起算")
READ_BOTH = re.compile(r"[两2](?:个|项|类)|两者|二者|这[两2]|加起来|合起来|合计|一共|总共")
READ_FIGURE_WORDS = re.compile(r"多少|几|数量|总数|率|比例|占比|百分|%|排名|最多|最少|数据|情况")
READ_WITH_PARTIAL = re.compile(r"[+＋]部分公开|加部分公开|含部分公开|包括部分公开|算上部分公开|加上部分公开|部分公开也算|连同部分公开|和部分公开")
READ_CORRECTION = re.compile(r"纠错率|纠正率|被纠错|被纠正的比例|败诉率")
READ_OP_WORDS = re.compile(
    r"哪几个|哪几|几个|率|占比|比例|比重|百分之几?|百分比|几成|平均|每季度|每个季度|每月|每个月|季度|同比|环比|增幅|涨幅|降幅|增速|几倍|多少倍|倍数|"
    r"排名|排行|排序|前\d+|最多|最少|最高|最低|最大|最小|历年|逐年|每年|各年|趋势|走势|哪些|哪年|哪一年|所有|全部|各个|分别|机关|单位|"
    r"部门|报告|语料|占|总|%|\d+|名|位|是|否|高|低|涨|降|了|什么|多|少|对比|相比|同年|同期|上年|去年|今年|列出|一览|情况|变化|呢|那|"
    r"增长|下降|上升|增加|减少|减|到|至|-|—|~|近|年|间|期间|每|平均|一共|总共|合计|加起来|累计|共计|总和|之和|相差|差|哪个|哪家|谁|更|"
    r"为零|为0|是0|零|没有|都没|不到|少于|低于|不足|超过|多于|高于|大于|以上|以下|份|篇|年报|从高到低|从多到少|从低到高|从少到多|排|怎么|一下|"
    r"这些|那些|这|加上|加|和|与|及|连同|含|包括|算上|只算|库里|库|中|里|一件|一场|任何|任一|第|按|顺序|列|年份|年度|"
    r"同一类|同类|同样|一样|同一|同年|这一项|这项|这个数|那个数|它|这类|两类|两项|两个|两者|类|大约|大概|约|左右|相当于|哪"
)

# qa/plan.py
PLAN_COMPARE = re.compile(r"比|相比|对比|哪(?:个|家|一年)|谁|合计|一共|总共|加起来|增加|减少|增长|下降|变化|趋势|各|分别|逐年|历年")
PLAN_RELATIVE_YEARS = re.compile(r"今年|去年|这一年|那一年")
# what a budget item's sentence gives figures of (「2025年当年预算执行数为60.41万元,2026年预算安排227.88万元」)
PLAN_BUDGET_KIND = re.compile(r"(?:年初|全年|当年)?(?:预算(?:执行数|安排数?|数)?|执行数|(?:支出)?决算数?|支出)")
# 「最后判的什么结果」, 「是哪种方式」: a kind asked, which no one count is (the table's figure answers 多少, not 什么)
PLAN_ASKS_KIND = re.compile(r"(?:什么|啥|哪种|哪一种|哪类|哪一类)[\u4e00-\u9fff]{0,4}")
PLAN_POINTS = re.compile(r"百分点|几个点|多少个点|多少点")
# The comparison clause of a change in points (「2024年比2023年提高了几个百分点」), removed to read the rate itself.
PLAN_CHANGE = re.compile(r"(?:(?<!占)比|较|从|到|相比)[^，,。？?]{0,12}?(?:提高|降低|下降|上升|增加|减少|变化|变动|高|低|降|升|多|少)了?"
                     r"(?:多少|几)?个?(?:百分)?点|(?:提高|降低|下降|上升|增加|减少|变化|变动|高|低|降|升)了?(?:多少|几)个?(?:百分)?点")

# qa/followup.py
FOLLOW_COMPARE = re.compile(r"比|相比|对比|哪(?:个|家|一年)|谁|合计|一共|总共|加起来|增加|减少|增长|下降|变化|趋势|各|分别|逐年|历年")
FOLLOW_BOTH = re.compile(r"[两2](?:家|个|年|份|项|类)|这[两2]|二者|两者")  # the normaliser writes 两家 as 2家

# qa/compose.py
# The user's formula: an operator between two sides (a side may be bracketed and hold 「+」 or 「加」).
COMPOSE_DIVIDE = re.compile(r"÷|除以|(?<=[\u4e00-\u9fff)）\s])/(?=[\s\u4e00-\u9fff(（])")
COMPOSE_CONTAINER = re.compile(r"(?<!其)(?:当中|之中|里面|里头|中间|中|里)(?:[，,]|的)?")
# 「予以公开和部分公开这两类加起来，部分公开占多少」: the whole is a sum the question names before the part.
COMPOSE_SUM_WHOLE = re.compile(r"^(?P<whole>[^，,。？?]{4,40}?)(?:这|那)?(?:两|几|[二三四五])?(?:类|项|种|个)?"
                               r"(?:加起来|加在一起|加一起|合起来|一共|合计|总共)[，,]")
COMPOSE_SHARE_WORDS = re.compile(r"占|比例|比重|百分之|百分比|几成|率|%|多大比")
COMPOSE_OF = re.compile(r"是(?P<den>[^，,。？?]{2,30}?)的(?:百分之几|百分之多少|几分之几|多少倍|几倍|百分比|比例|多少)")
# 「（分母用新收数）」, 「，分母按受理总数」: the user names the denominator of the share asked
COMPOSE_DENOMINATOR = re.compile(r"[（(，,]\s*(?:分母|除数|基数)\s*(?:用|是|为|取|按|拿)\s*(?P<den>[^）)，,。？?]{2,20}?)"
                                 r"\s*(?:算|来算|计算)?\s*[)）]?(?=$|[，,。？?])")
# 「行政诉讼一共46件，其中复议后起诉的占多少」: a figure the user states about the whole, then the part asked
COMPOSE_PREMISE = re.compile(r"(?P<what>[\u4e00-\u9fff“”]{2,20}?)(?:(?:一共|总共|共计|共|有)(?:[发办收受布出公开了]{0,3})|"
                             r"(?:发布|公布|收到|受理|办理|办结|接待|服务)了?)?(?P<n>\d+(?:\.\d+)?)\s*"
                             r"(?P<unit>件|条|个|人次|篇|项|次)(?P<noun>[\u4e00-\u9fff]{0,4}?)[，,]\s*(?P<lead>其中|这里面|这其中|里面|当中)?")
# 「办结的3050件申请里，予以公开的占多少」, 「“其他处理”那319件里」: the whole named with its figure, a part asked of it
COMPOSE_WHOLE_STATED = re.compile(r"(?P<what>[\u4e00-\u9fff“”]{1,20}?)(?:那|这)?(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>件|条|个|人次|篇|项|次)"
                                  r"(?P<noun>[\u4e00-\u9fff]{0,6}?)(?:里头|里面|当中|之中|中|里)[，,]?")
# 「网上申请占受理总数118件的百分比」: the whole stated with its figure after 占
COMPOSE_WHOLE_AFTER = re.compile(r"占(?P<what>[\u4e00-\u9fff“”]{1,12}?)(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>件|条|个|人次|篇|项|次)的")
# 「…占几成？按新收算」: the denominator said after the share asked, read as 「占新收的几成」
COMPOSE_DENOMINATOR_AFTER = re.compile(r"占(?P<q>[^，,。？?]{0,6}?)[？?，,。]\s*(?:按|以|用)(?P<den>[\u4e00-\u9fff“”]{2,12}?)(?:来)?(?:算|计算|为分母)[。？?]?$")
# 「复议后起诉的在诉讼总数里占几成」: the whole named between 在 and 里, after the part
COMPOSE_IN_CONTAINER = re.compile(r"(?P<a>[^，,。？?在]{2,20}?)的?在(?P<b>[^，,。？?]{2,12}?)(?:里面|里头|当中|之中|里|中)占")
COMPOSE_SHARE_ASKED = re.compile(r"占|比例|比重|百分之|百分比|几成|%")
COMPOSE_SHARE_OF = re.compile(r"占(?:了)?(?P<den>[^，,。？?]{2,30}?)的")
COMPOSE_EXTEND = re.compile(r"(?:再把|再加上|也算上|也加上|加上|算上|连同|也算进去|也算)")
COMPOSE_ABOUT_PROSE = re.compile(r"正文|文中|文字|报告里说|报告中说|报告说")  # what the text says is asked, not the table
COMPOSE_NAMED_RATE = re.compile(r"率|比例|比重|占比|比值")

# qa/assistant.py
# Words of a question that the sentence answering it must contain too (a currency, a compensation, a channel).
ASK_TEXT_QUALIFIER = re.compile(r"美元|欧元|港元|英镑|日元|赔偿|赔了|赔付|网上|网络|邮寄|传真|信函|当面|现场|外国人|港澳台")
ASK_PRINTED_RATE = re.compile(r"[^。；;\n]{0,60}\d+(?:\.\d+)?\s*%[^。；;\n]{0,20}")

# qa/normalise.py: abbreviations people type for what reports print in words
NORMALISE_ABBREVIATIONS = {"GDP": "生产总值", "gdp": "生产总值", "CPI": "居民消费价格", "PPI": "工业生产者出厂价格",
                           "社零": "社会消费品零售"}


# -- Inline phrasings of the planner, the understander, the operations and the audit ------------------------------
# Relative years said in a question offered back to pick from: dropped.
PLAN_THIS_YEAR = re.compile(r"今年|去年|这一年|那一年")
# A change asked as a rate (「哪一年增幅最大」), not as a difference.
PLAN_GROWTH_RATE = re.compile(r"增幅|增长率|涨幅|百分")
# A prose figure asked for each report, or their total.
PLAN_EACH_YEAR = re.compile(r"每年|历年|各年|逐年|这几年|分别|一共|合计|总共|加起来")
# 「哪一年…最多」 of one agency's prose: each year's figure from its report, then the year with the most
WHICH_YEAR = re.compile(r"哪一?年|哪个年份|哪个年度")
MOST = re.compile(r"最多|最高|最大|最少|最低|最小")
# 「培训和讲座一共办了多少场」: two named things before a total.
PLAN_TWO_PARTS = re.compile(r"(?:^|[，,])?([^，,。？?]{2,30}?)[，,]?(?:和|及|与|、|加上|以及|跟|同|加(?![起在一到]))([^，,。？?]{2,30}?)[，,]?(?:(?:这|那)?[两二三2-9](?:项|个|者|类|种|样)|二者|两者)?(?:加在一起|加一起|加一块|加到一起|合在一起|合起来|一共|合计|总共|加起来|共)(.*)$")
# The unit a total asks in (each part keeps its own: 21个 and 12场).
PLAN_COUNT_UNIT = re.compile(r"(多少|几)[个件条场次篇项]")
# A quotient asked as a multiple (「是…的几倍」).
COMPOSE_TIMES = re.compile(r"几倍|多少倍|倍数")
# Words of a lawsuit (行政诉讼 rather than 行政复议).
READ_LAWSUIT = re.compile(r"诉讼|起诉|官司|法院")
# The requests themselves named (「申请比上年涨了多少」).
READ_REQUEST = re.compile(r"申请")
# A 复议 or a 诉讼 named (which of the two rows a 复议诉讼 column is about).
READ_REVIEW_OR_SUIT = re.compile(r"复议|诉讼|起诉|官司|法院")
# 「…占…」: what follows is the denominator.
READ_SHARE_OF = re.compile(r"占|相当于")
# A count a check question quotes (「正文说无法提供265件」).
READ_QUOTED_COUNT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*件")
# Rows joined by a connective (「予以公开及部分公开」).
READ_JOINED = re.compile(r"\s*[和及与、]\s*")
# Requests filed by someone (「企业提的申请」).
READ_FILED = re.compile(r"申请|提")
# A column every 主动公开 item row has, named without the row (「处理决定数量是多少」): which row is asked back
READ_ITEM_COLUMN = re.compile(r"处理决定|上一?年项目|项目数量|增减数|本年增减")
# A check question about the 申请 table.
READ_REQUEST_TABLE = re.compile(r"申请表|申请情况|办理结果|申请.{0,4}表")
# A check question about the 复议诉讼 table.
READ_REVIEW_TABLE = re.compile(r"复议|诉讼")
# A check question about the prose against the tables.
READ_TEXT_VS_TABLE = re.compile(r"正文|文字|文中|受理数.{0,6}(?:表|一致)|和表")
# An extreme asked (「几份报告里哪家最少」 ranks them, it does not count them).
OP_EXTREME = re.compile(r"最多|最少|最高|最低|最大|最小")
# Completeness asked (blank cells).
AUDIT_COMPLETENESS = re.compile(r"完整|空白|漏填|没填|未填|缺")
# Figures a question quotes from the report.
AUDIT_QUOTED = re.compile(r"(?<![\d.])\d+(?:\.\d+)?\s*(?:件|%|个|条)")
# A share asked about.
AUDIT_SHARE = re.compile(r"百分比|比例|占比|%")
# A count quoted with its share (「予以公开258件，占32.9%」).
AUDIT_COUNT_AND_SHARE = re.compile(r"(?<![\d.])(\d+)\s*件[^%\d]{0,14}?(\d+(?:\.\d+)?)\s*%")
# 「复议7件、诉讼9件“均获维持”」: every case said to have ended one way (the result column follows).
AUDIT_ALL_ENDED = re.compile(r"(?:均|全部|全都|都|一律|悉数)\s*(?:获得?|被|已|得到|予以)?\s*")
# The words of a per-period average, taken out to find the year's figure a prose sentence states.
PERIOD_WORDS = re.compile(r"按(?:季度?|月份?|天|日)|平均|每天|每日|每个月|每月|每个季度|每季度|每季|[一1]个季度|[一1]个月|一天|1天|日均|月均|季均")
# 「公开信息条数是多少」: a count asked by its noun (条数, 件数) is asked in its unit (多少条).
PLAN_COUNT_NOUN = re.compile(r"([条件个次篇场项])数(?:是|有)?(多少|几)")

# 「律师类的件数是律所类的几倍」: two figures the prose gives, the first divided by the second.
PLAN_RATIO_PARTS = re.compile(r"(?P<a>[^，,。？?里中]{2,20}?)(?P<an>的件数|的数量|的人数)?[，,]?是(?P<b>[^，,。？?]{2,20}?)(?:的件数|的数量|的人数)?的(?:几倍|多少倍)")
# A follow-up that narrows the last figure (「其中律所提的呢」, 「这里面个人的有多少」).
READ_NARROW = re.compile(r"\s*(?:那|那么)?(?:其中|这其中|这里面|里面|这中间|当中)")
# A sum over one agency's reports is asked of several years only with words like these (else: which year?).
PLAN_ALL_YEARS = re.compile(r"历年|这些年|这几年|每年|各年|逐年|所有|全部|历来|累计|合起来|加起来|\d+个?年度?|[两三四五六七八九十]+年|几年|\d+份|[两三四五六七八九十]+份|几份|这些")
# What a sentence must say for its one figure to be the operation a question asks (a total, an average, a multiple).
TEXT_SAYS: dict[str, re.Pattern[str]] = {
    "sum": re.compile(r"共|合计|累计|总计|总数|总量|全年"),
    "average": re.compile(r"平均|均"),
    "multiple": re.compile(r"倍"),
    "difference": re.compile(r"多|少|增加|减少|增长|下降|相差|差"),
}
# Two things named, joined, before a total (「民意征集和网上调查，加一块」): a total of two figures.
TEXT_TWO_THINGS = re.compile(r"[\u4e00-\u9fff]{2,}[，,]?(?:和|及|与|、|以及|加上|跟|同|加(?![起在一到]))[\u4e00-\u9fff]{2,}[^。？?]{0,12}?(?:加在一起|加一起|加一块|加到一起|一共|合计|总共|加起来|共)")
# 「门户网站主动公开的信息，比县直部门发布的多多少条」: two prose figures, the first minus the second.
# 「那平均每天公开多少条」 after a prose figure: the period the last figure is asked over
PLAN_PERIOD_TURN = re.compile(r"(?:平均)?(?:每天|每日|每个?月|每季度|每个季度|每周|一天|一个月|日均|月均)(?:平均)?|"
                              r"(?:(?:这|那)?[两二三四五六七八九十\d]+年的?)?都?(?:加起来|加一起|加在一起|合计|一共|总共)")  # 「这五年的都加起来」
# 「比上年多」, 「比年初增加」: the other side of a difference that is a time, not a thing
PLAN_NOT_A_THING = re.compile(r"\s*(?:[上去前今本明]一?年|上年度|年初(?!预算|计划)|年末|期初|期末|同期|上期|\d)")
PLAN_DIFF_PARTS = re.compile(r"(?P<a>[^，,。？?]{2,24}?)[，,]?比(?P<b>[^，,。？?]{2,24}?)(?:多|少|高|低)(?:支出|花|开支|赚|用|产|收|卖|销)?(?:了|出)?(?P<q>多少|几)"
                             r"(?P<u>[个件条场次篇项期人元]|万元|亿元|个百分点)?")
# A difference asked of two things (「A 比 B 多多少」, 「相差多少」) — not 「占比是多少」 or 「比例提升到了多少」.
# 「从2016年到2023年增加了多少」: the span of years asked (its years already taken as scope) and the change verb
TEXT_SPAN = re.compile(r"从\s*(?:(?:19|20)?\d\d\s*年?)?\s*(?:到|至|—|-)\s*(?:(?:19|20)?\d\d\s*年?)?")
TEXT_CHANGE_VERB = re.compile(r"(?:增加|减少|增长|下降|提高|降低|上涨|下跌|涨|跌|多|少)了?(?:百分之)?(?=多少|几)")
TEXT_ASKS_DIFF = re.compile(r"从[^，。？]{0,14}?(?:到|至)[^，。？]{0,14}?(?:增加|减少|增长|下降|提高|降低|上涨|下跌|涨|跌|多|少)了?(?:百分之)?(?:多少|几)|哪个[^，。？]{0,4}?(?:更)?(?:多|少|高|低)|哪项(?:更)?(?:多|少)|谁(?:更)?(?:多|少)|(?<![占])比(?!例|率|重)[^，。？]{0,15}?(?:多|少|高|低)[\u4e00-\u9fff]?了?(?:多少|几)|相差|差(?:了)?多少|多出(?:多少|几)")
# 「比22年少了」, 「2024年比2023年多了」: the comparison, which no one report's sentence says
TEXT_COMPARISON = re.compile(r"(?:(?:19|20)?\d{2}\s*年)?\s*(?:和|与|跟)?\s*比\s*(?:(?:19|20)?\d{2}\s*年)?的?\s*"
                             r"(?:多|少|高|低|增加|减少|增长|下降|增减|变化|变动)(?:出来|出)?了?(?:百分之)?(?=多少|几)|"
                             r"同比(?:增减|增长|下降|增加|减少|变化|变动)?(?:了|幅度)?(?:是)?(?:百分之)?(?=多少|几)")  # 「同比增减了百分之多少」
# A growth between two reports' figures asked (「2023年比2016年增长了百分之多少」), with TEXT_ASKS_SHARE
TEXT_GROWTH_ASKED = re.compile(r"增长|增加|下降|减少|增幅|降幅|涨|增减|同比|变化|变动")
# A share asked (「占多少」, 「比例」, 「百分之几」): a figure the prose gives must be a percentage to answer it.
TEXT_ASKS_SHARE = re.compile(r"占[^，。？]{0,8}(?:多少|几)|占比(?![最更较第])|比例|比重|百分之|百分比|几成|%")
# An operator in a user's formula no Plan computes (a subtraction): the formula is not read without it.
FORMULA_UNSUPPORTED = re.compile(r"[−－]|(?<=[\u4e00-\u9fff)）\s])-(?=[\s\u4e00-\u9fff(（])|减去|减掉|刨掉|刨去|去掉|扣除|"
                                 r"乘以?(?!\s*100)|×(?!\s*100)")  # 「×100」 only says a percent
# A change asked without a direction (「变化了多少个百分点」): the answer is signed.
# 「同比增长多少」, 「比上年多了多少」: a change from the year before the one named
PLAN_YEAR_BEFORE = re.compile(r"同比|比上年|较上年|比去年|较去年|比上一年|与上年相比|和上年比|跟上年比")
SIGNED_CHANGE = re.compile(r"变化|变动|变了|差了?多少|增减")
# How a question asks (a sentence need not repeat these words to answer it).
ASK_QUESTION_WORDS = re.compile(r"哪些|哪个|哪家|哪里|什么|怎么|怎样|如何|为什么|是否|有没有|多少|有多少|几|人次|件数|次数|数量|情况")
# 「民意征集和网上调查，哪个多」: the two things a which-is-more question compares.
TEXT_WHICH_OF_TWO = re.compile(r"([^，,。？?和与跟同]{2,20}?)(?:和|与|跟|同|还是)([^，,。？?]{2,20}?)[，,]?(?:哪个|哪项|谁|哪一个)")
# What separates the things a list names (「民意征集、网上调查、在线访谈」).
PLAN_LIST_SEP = re.compile(r"[、和及与跟]")
# 「从2019年到2025年降了多少」: a range read as its two ends when a change between them is asked.
PLAN_ENDS = re.compile(r"从\s*20\d\d\s*年?\s*(?:到|至)\s*20\d\d|(?:变化|降|升|涨|增|减|多|少|高|低)")
# The user's sum and difference of named figures (「新收 + 上年结转 − 办结总计」, 「现行有效的…减掉当年新制发的」).
COMPOSE_MINUS = re.compile(r"[−－]|(?<=[\u4e00-\u9fff)）\s])-(?=[\s\u4e00-\u9fff(（])|减去|减掉|刨掉|刨去|去掉|扣除|扣掉")
COMPOSE_PLUS = re.compile(r"[+＋]|加上")
OP_HOW_MUCH_MORE = re.compile(r"多多少|少多少|差多少|多几|少几|相差多少|多出多少|高多少|低多少")
# The operators between the terms of a combination, and what may end it (「= ?」, 「剩多少」, 「结果是多少」).
COMPOSE_OPERATOR = re.compile(r"[+＋−－]|(?<=[\u4e00-\u9fff)）\s])-(?=[\s\u4e00-\u9fff(（])|加上|减去|减掉|刨掉|刨去|去掉|扣除|扣掉")
COMPOSE_TAIL = re.compile(r"[，,]?\s*(?:=|等于|剩|还剩|剩下|结果)?.{0,8}?(?:多少|几)?[？?]?")
COMPOSE_RESULT = re.compile(r"[，,]?\s*(?:=|等于|剩下|还剩|剩|结果是?|算出来)[^，,]*$")
# The words that introduce a side of the user's formula (「定义是 A ÷ B」, 「就是 A ÷ B」, 「用 A ÷ B 算」).
COMPOSE_LEAD_IN = re.compile(r"^.*?(?:定义(?:为|是)|就是|也就是|即|公式(?:为|是)|计算(?:方式|方法|公式)(?:为|是)|算法(?:为|是)|"
                             r"口径(?:为|是)|按照|用|拿|按)\s*")
# Where the right side of a user's formula ends (「÷本年新收 算一下…」, 「÷总计，等于多少」).
COMPOSE_SIDE_END = re.compile(r"算一下|算出来|来算|算|等于|=|是多少|多少|多了|少了|高了|低了|提高|下降|上升|降低|增加|减少|变化|变动|"
                              r"较|相比|比(?![例率重值])")  # 「/办理总计 较2022年变动了…」: a comparison after it
# A question about a subset of something (「申请里，跟法律援助有关的」): the sentence must speak of that thing.
TEXT_CONTAINER = re.compile(r"([^，,。？?]{2,20}?)(?<!其)(?:当中|之中|里面|里头|中|里)[，,]")
# A subtraction asked of prose (「…刨掉…还剩多少」): one figure of a sentence is not its result.
TEXT_ASKS_REST = re.compile(r"还剩|剩下|剩多少|剩几|刨掉|刨去|去掉|减掉|减去|扣除|扣掉")
# A follow-up that only names something else (「规章呢」, 「那部分公开的呢？」).
READ_SHORT_FOLLOW_UP = re.compile(r"\s*(?:那|那么)?[^，,。？?]{1,12}?(?:的)?呢[？?]?\s*")

# -- summaries (qa/summary.py)
# 「简单总结一下…」「…怎么样，概括下」: a summary is asked; a figure asked beside it (多少, 占比) makes it no summary.
SUMMARY_ASKED = re.compile(r"(?:总结|概括|概述|简述|综述|归纳)(?:一?下)?|(?:简要|简单)?(?:说说|讲讲|谈谈|介绍(?:一)?下|说一?下|讲一?下|介绍)|"
                           r"怎么样|怎样|如何|表现|(?:是)?(?:个)?什么(?:样的?)?情况|(?:是)?怎么安排的?|"
                           r"(?<=建议|结论|观点|看法|要点)(?:是什么|是啥|有哪些|有什么)")  # 「投资建议是什么」: a call, said in sentences
SUMMARY_WEAK = re.compile(r"怎么样|怎样|如何|表现|(?:是)?(?:个)?什么(?:样的?)?情况")  # 「速动比率怎么样」 may ask a figure: the tables answer first
SUMMARY_NOT = re.compile(r"多少|几[个件项次成倍]|占比|比例|比重|百分|是否|有没有|吗|哪[个一]|谁|什么时候|为什么|为何")
SUMMARY_FILLER = re.compile(r"[，,]?(?:讲讲|说说|说一?下|讲一?下)?(?:重点|要点)|(?:里|中|上)(?:面)?(?:是)?(?:怎么|如何)?(?:说|讲|写|提)(?:的|到的?)?|是的|的[？?]|[？?]|(?<=农业)生产|(?<=工业)生产|^对|这篇|这份|本篇|该篇|(?:研报|报告(?!期))(?:里|中)?|是什么|请|帮我|给我|一下|简单|简要|大致|大概|整体|总体的?|总的|主要|情况|做得|发展得|怎么|是$|的$")
# topics that are no matter of figures: their summary may quote sentences without any
SUMMARY_QUALITATIVE = re.compile(r"战略|定位|模式|风险|主营|业务|方向|措施|做法|亮点|原因|观点|看法|首次覆盖|建议|评级|结论")
# never a summary's sentence: a definition, a note on where data come from
SUMMARY_SKIPPED = re.compile(r"评级定义|评级标准|免责|仅供参考|不构成|并非作为|要约|请务必阅读|是指|指的是|是与.{0,12}有经费|数据来[自源]|资料来源|来源于|初步统计数|本表反映")
# what a topic stands for: the measures its summary states (业绩 is 营业收入 and 净利润)
SUMMARY_TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"业绩|经营|收入和.{0,4}利润|营收", ("营业收入", "净利润", "不良贷款率")),  # a bank's results state its 不良贷款率
    (r"经济|国民经济|主要指标", ("生产总值", "人均生产总值", "人均地区生产总值", "社会消费品零售总额", "人均可支配收入")),
    (r"资产质量", ("不良贷款率", "拨备覆盖率")),
    (r"财政", ("一般公共预算收入", "一般公共预算支出")),
    (r"执行", ("完成年初预算", "支出决算", "本年支出合计")),  # 「支出决算执行情况」: spent against its budget
    (r"收支|决算", ("收入支出总计", "本年收入合计", "本年支出合计", "主要用于", "完成年初预算")),  # where it went, done
    (r"部门预算|单位预算|预算(?:的?总体|安排)", ("收入预算", "支出预算", "三公经费预算", "机关运行经费", "一般公共服务支出")),
    (r"外贸|进出口", ("进出口", "出口", "进口")),
    (r"农业", ("农林牧渔业", "粮食总产量", "粮食", "肉类总产量")),  # what a bulletin's 农业 section leads with
    (r"居民收入|收入情况", ("人均可支配收入", "人均消费支出")),  # 人均 is the measure itself here
    (r"分红|利润分配", ("现金红利", "现金股利", "每10股", "派发")),
    (r"三公", ("因公出国", "公务用车", "公务接待")),
    (r"旅游", ("旅游接待总人数", "旅游总人数", "旅游总收入", "旅游")),  # a bulletin's visitors and takings
    (r"国内外|海内外", ("国内", "海外", "国外", "境内", "境外")),  # both sides, each its own sentence
    (r"盈利预测|业绩预测|预测", ("净利润", "营业收入", "每股收益", "EPS")),  # a research report's forecast: its sentence of them
    (r"投资建议|投资评级|评级|观点|看法|首次覆盖|结论", ("买入", "增持", "中性", "减持", "目标价", "评级", "净利润")),  # a research report's call
)

# qa/text_route.py: words of reports that jieba cuts apart or glues to the next character (「视频号发了」 → 号发)
TEXT_WORDS = ("视频号", "公众号", "短视频", "小程序", "抖音号", "头条号", "政务新媒体", "门户网站", "政策解读", "律所",
              "网络申请", "网上申请", "当面申请", "信函申请", "传真申请")  # a request's channel, one word
# qa/prose.py: words people use and the synonym a report may print instead (used only where the report lacks the first)
TEXT_SYNONYMS = {"网上": ("网络",), "线上": ("网络", "网上"), "网络": ("网上",), "写信": ("信函",), "邮寄": ("信函",),
                 "来信": ("信函",), "上门": ("当面",), "现场": ("当面",)}  # how a request came, in the reports' words
# 「（按2023年数和提高幅度推算）」: how the user would work a figure out — its years are no scope of the question
METHOD_NOTE = re.compile(r"[（(][^（）()]{0,30}?(?:倒推|推算|反推|推出)[^（）()]{0,6}[）)]|"
                         # 「（负数表示下降）」, 「（保留两位小数）」: how to write the answer, nothing asked
                         r"[（(](?:[负正]数|负号|负值)(?:表示|代表|为|即)[^（）()]{0,10}[）)]|"  # not 「(纠正数−尚未审结)」
                         r"[（(][^（）()]{0,6}?(?:保留[^（）()]{0,8}?小数|四舍五入|取整)[^（）()]{0,6}[）)]|"
                         # 「（按现价总量算）」: from the levels printed, not a growth rate printed at comparable prices
                         r"[（(]按(?:现价|当年价格?|总量|绝对数|总额)+[^（）()]{0,4}?(?:算|计算)[）)]")

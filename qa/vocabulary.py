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
    r"政府信息公开|信息公开|政府信息|政府|公开工作|依申请公开|申请公开|申请人|申请|多少|几|件|个|的|地|得|有|是|为|了|过|着|"
    r"其中|当中|之中|里面|里头|中|里|内|数量|数目|数字|数据|全年|本年度|本年|今年|当年|同年|该年|这一年|那一年|这年|"
    r"年度|年份|年|报告|年报|情况|办理|处理|事项|属于|涉及|那|呢|吗|啊|呀|吧|嘛|哦|哈|请问|请|麻烦|帮我|帮忙|告诉|"
    r"我们|我|你们|你|想|知道|问问|问|查一下|查|看看|看|一下|达到|达|和|与|及|以及|跟|等|各类|各种|项|类|方面|"
    r"机关|本机关|单位|部门|份|这些|那些|这个|那个|这|该|其|它|此|在|对|由|按照|按|以|所|之|共|总|给|都|也|还|又|"
    r"就|才|只|仅|大概|大约|约|左右|具体|一共|总共|共计|合计|总数|总量|统计|计|算|算是|一栏|这一栏|这项|这一项|"
    r"咱们|咱|们|到底|究竟|一些|个数|多大|怎样|咋样|怎么样|如何|啥|什么|是不是|有没有|能|可以|要|会|时候|时|当时|"
    r"全部|所有|整个|整体|全|一|现在|目前|期间|年里|提|收|过来|拿|数|结果|家|万元|元|信息|场|起|宗|次|作出|作|做|开出|"
    r"决定|吃|打|到|至|从|年底|底|截至|截止|市|县|区|省|案子|案件|案|的话|最后|被人|别人|人家|被|因为|因|而|由于|依申请|依|已经|"
    r"已|量|库里|库|语料|种|这种|那种|一类|这类|这一类|那类|原因|各种原因|高不高|多不多|大不大|同一类|同类|同样|一样|同一|"
    r"金额|钱|来|认定|当作|当成|归为|被归为|算作|视为|判定|判决|判下来|引起|引发|相关|有关|工作|事情|的事|资讯公开|资讯|搞|开了|"
    r"开出|几部|名义|原原本本|原封不动|根本|东西|不分|表格|第三部分|或者|来自|高吗|多吗|拖到|拖|新|理由|为理由|局里|区里|县里|"
    r"市里|我局|本局|这条|那条"
)
# The words of each operation (and of its parameters): explained only when the Plan's query does that.
OPERATION_WORDS: dict[str, str] = {
    "value": r"单独|本身|自身",
    "sum": r"各个|各家|各|合计|一共|总共|加起来|加一起|加在一起|总和|共计|累计|之和|合起来|加上|再加|连同|算上|也算|算进去|也算上|"
    r"也加上|再加上|一起算|算在一起|两者|二者|两项|两类|两个|两种|和|与|及|以及|跟|同|加|\+|再把|把|也|都|历年|每年|逐年|各年|"
    r"这几年|几年|合并|汇总|总体|整体",
    "difference": r"比起|比|较|相比|对比|多了|少了|相差|差值|差距|差了|差|多出|增加了?|减少了?|多|少|高|低|上升|下降|变化|"
    r"变动|上一年|上一?年|去年|前一年|上年度",
    "rate": r"按年报正文|年报正文|按正文|正文|比率|比值|率|占比|比例|比重|百分之几?|百分比|百分|几成|占了|占|%|每\s*100\s*件|÷|除以|除|/|分之几?|分母|分子|"
    r"口径|计算|算法|来算|来|按|就是|即|等于|=|\(|\)|（|）|\+|加|是|的|相当于|合起来|加起来|合并|汇总|总体|整体|一起算|把|算",
    "growth": r"同比|环比|增幅|涨幅|降幅|增长率|增长|增速|下降|上升|增加|减少|涨|降|百分之几?|百分比|百分|几成|%|比|较|"
    r"上一年|上一?年|去年|前一年|上年度|变化|变动|幅度",
    "multiple": r"几倍|多少倍|倍数|倍|翻了|翻|是|的|比|上一年|上一?年|去年",
    "average": r"平均|均值|年均|平均数|每年|每份|每个|每家",
    "per:quarter": r"每季度|每个季度|每季|季度|季均|一个季度",
    "per:month": r"每月|每个月|月均|一个月|个月|月",
    "per:day": r"每天|每日|一天|1天|日均|天|日",
    "median": r"中位数|中位|中间值|中间",
    "rank": r"排名|排行|排序|排前|前\s*\d+\s*(?:名|位)?|最多|最少|最高|最低|最大|最小|垫底|倒数第?一?|第一名?|哪一|哪|谁|"
    r"哪些|哪几|哪个|哪家|哪份|哪年|哪一年|更多|更少|更高|更低|从高到低|从多到少|从大到小|从低到高|从少到多|从小到大|排|名|位|最|各|分别|各自|怎么排|怎样排|怎么|"
    r"多少|几",
    "trend": r"历年|逐年|每年|各年|趋势|走势|变化情况|变化|分别|各自|每个|各个|各|列出|列一下|列|一览|这几年|几年",
    "count": r"多少份|几份|几个|几家|哪些|哪几|哪|收录|包含|覆盖|涉及|份|个|家|有",
    "condition": r"不到|少于|低于|不足|超过|多于|高于|大于|以上|以下|为零|为0|是0|是零|没有|没|无|一件|一场|任何|都|零|\d+",
    "points": r"百分点|个点|点|比|较|上一年|上一?年|去年|高|低|多|少|升|降|提高|降低|上升|下降|变化|变动|了|从|到",
    "公开率": r"公开率|公开比例|公开的比例|公开占比|公开|含|包括|包含|算上|加上|连同|不算|不含|不包括|只算|仅算|也算进去|也算|"
    r"算进去|进去|也",
}
# Per-period words that no Plan explains (working days are not in any report), named in the answer.
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

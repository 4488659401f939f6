"""The text route's closed word lists: sentences, figures, and the kind of answer a question wants.

How a report's text is cut into sentences and clauses, what a printed figure looks like, and the words that say a
question wants a sentence, a count in a unit, a rate or a contact detail.
"""

from __future__ import annotations

import re

# a line wrapped before its figure goes on; one that opens with a year (「2026年上海市…」) starts anew (after a heading)
# a line break inside a sentence: before a line that opens with a figure, or between a figure and its unit (「出口 64.6\n亿元」)
TEXT_SENTENCE = re.compile(r"[^。！？!?\n]+(?:(?:\n(?=\d)(?!(?:19|20)\d\d\s*年)|(?<=\d)\n(?=[万亿千百]?[元%‰]|万|亿))[^。！？!?\n]+)*[。！？!?]?")
TEXT_CLAUSE = re.compile(r"[^；;]+[；;]?")
TEXT_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、])?[^，,。;；]{0,24}$")
# Contact details and descriptions are answered with the sentence, not a number.
TEXT_DESCRIPTIVE = re.compile(r"电话|邮箱|邮编|地址|网址|哪个部门|哪些|什么|怎么|如何|为什么|哪类|哪方面|几月几[号日]|哪[一]?天|何时|日期")
# A growth rate is not the level: "增长 55.7%,达 20.4 万" answers 达到多少 with 20.4万.
# "多少件" asks for a count of 件: a figure in another unit is not the answer.
TEXT_ASKED_UNIT = re.compile(r"(?:多少|几)(?:万|亿)?(件|条|人次|个|篇|场|名|家|项|期|份|类|吨|辆|台|套|户|亩|千瓦时|公顷|平方米|公里)|"
                             r"(件|条|篇|场|期|人次)数(?=是|为|有|多少|几|[，,？?的]|$)|"  # 「短视频条数是多少」
                             r"\d\s*(件|条|篇|场|期|人次|个|家|项)[\u4e00-\u9fff]{1,8}?(?:里面|里头|里|当中|之中|中)有?多少")  # 「218件申请里有多少」
# a research report's legal pages (its last: 投资评级说明, 分析师声明, 免责条款 …) say nothing of its subject
TEXT_BOILERPLATE = re.compile(r"(?m)^[ \t]*(?:投资评级说明|分析师声明|法律声明|免责条款|免责声明|特别声明)[ \t]*$")
# 「不是走网络的申请有多少」: the rest of a whole, which no one sentence's figure is
TEXT_NEGATED = re.compile(r"不是(?:走|通过|经|由|在|从)|[（(]\s*(?:而)?(?:不是|并非)|并非|除了|除去|不算|不包括|不含|以外的|之外的")
# 「哪个单位收的」, 「哪个部门」: the answer is a body's name — an agency, office, company …
TEXT_ASKS_WHO = re.compile(r"哪(?:个|一个|家|些)?(?:单位|部门|机关|机构|公司|处室)")
TEXT_ORGANISATION = re.compile(r"[\u4e00-\u9fff]{1,10}(?:局|委员会|委|办公室|厅|部|中心|院|所|队|站|公司|集团|银行)(?![\u4e00-\u9fff]*》)")
# 「比例由 0% 提升到 90%」: 「提升到多少」 asks the level reached, the figure after 到/至, not the change
TEXT_ASKS_TARGET = re.compile(r"(?:提升|提高|增加|增长|上升|下降|降低|减少|扩大|缩小|降)(?:到|至)")
# 「合格率是多少」, 「好评率多少」: a rate asked is a percentage (or per mille), never a count beside it
TEXT_ASKS_RATE = re.compile(r"[\u4e00-\u9fff](?<![比汇])率(?:是|为|有|达到?|大概)?(?:多少|几|百分之)")
TEXT_CHANGE_WORDS = re.compile(r"增长|下降|上升|同比|增加(?!值)|减少|提升|回落|增速|增幅|涨幅|降幅")
TEXT_FIGURE = re.compile(
    r"(?<![\d.])(?<!\d,)(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)(?!,\d{3})\s*(?:余\s*)?"
    r"(%|个百分点|百分点|万元|亿元|百万元|千元|万人次|万美元|亿美元|万平方米|平方公里|平方米|万千瓦时|千瓦时|万千瓦|万吨|万亩|万人|万辆|万户|"
    r"万头|万只|万套|万台|万公顷|万条|万件|万次|万份|万个|亿条|亿次|公顷|公里|千米|万|亿|人次|批次|件|条|个|次|篇|场|名|人|家|项|元|期|份|天|小时|批|起|宗|"
    r"户|处|部|本|册|页|倍|分钟|吨|辆|台|套|所|座|亩|头|只|类|‰)?"
)  # 117,530.10 万元 is one number (thousands separators), never 117 and 530.10; 902.61 万吨 is 902.61 in 万吨
TEXT_NUMBER_QUESTION = re.compile(r"多少|几|数量|比例|百分|率|金额|总数|次数|人数")
# Contact details: the sentence must hold the thing asked for.
TEXT_CONTACT = (
    (re.compile(r"电话|热线号码"), re.compile(r"\d{3,4}-\d{7,8}|\d{8}")),
    (re.compile(r"邮箱|电子邮件|email", re.I), re.compile(r"[\w.-]+@[\w-]+\.[\w.]+")),
    (re.compile(r"地址|在哪里|在哪儿|(?<!存)在哪(?![些个家])|哪条路|位于|什么地方"), re.compile(r"地址|路\s*\d+\s*号|大道\s*\d+\s*号")),
    (re.compile(r"邮编|邮政编码"), re.compile(r"邮编\s*[:：]?\s*\d{6}")),
)
# Problems and plans are stated in section 五.
TEXT_PROBLEMS = re.compile(r"问题|不足|差距|短板|薄弱|改进|整改|下一步|打算")
TEXT_ITEM = re.compile(r"([一二三四五六七八九十])是")
# a word that a longer word of another meaning contains: 「出口」 is not said by 「货物进出口总值」
TEXT_INSIDE: dict[str, tuple[str, ...]] = {"出口": ("进出口",), "进口": ("进出口",)}


def inside_only(term: str, text: str) -> bool:
    """Whether the text says the term's last word only inside a longer word of another meaning (「出口」 in 「进出口」)."""
    return any(term.endswith(short) and not any(w in term for w in longer) and short in text
               and short not in re.sub("|".join(longer), "", text) for short, longer in TEXT_INSIDE.items())

# the parts of one breakdown, each a column of the reports' tables: a sentence that says one of them and not the one
# asked gives another part's figure (「集中公开现行有效行政规范性文件698件」 is no 「废止」)
TEXT_SIBLINGS = (("制发", "废止", "现行有效"), ("结果维持", "结果纠正", "尚未审结"))

# 「2024年末期…3.62元」: a part of the year, no figure of the whole year
PART_OF_YEAR = re.compile(r"20\d\d\s*年\s*(?:中期|末期|半年度|上半年|下半年|第[一二三四]季度|[一二三四]季度)")
PER_QUANTITY = re.compile(r"每\s*(\d+|[一二三四五六七八九十百千万]+)?\s*(股|人|户|位|名|万人|千人|百人|平方公里)")


def per_key(m: re.Match[str]) -> tuple[str, str]:
    """「每 10 股」, 「每十股」 -> ("10", "股"); 「每股」 -> ("1", "股")."""
    count = m.group(1) or "1"
    return {"十": "10", "一": "1", "百": "100", "千": "1000", "万": "10000"}.get(count, count), m.group(2)


def per_quantities(text: str) -> set[tuple[str, str]]:
    """Every per-quantity a text says (「每10股派…」, 「每股优先股…」)."""
    return {per_key(m) for m in PER_QUANTITY.finditer(text)}

# 「比上年末增长了多少」 with no unit: the amount or the rate — both are given where the sentence prints both
# (「较上年末增加6,973.21亿元, 增长16.30%」)
TEXT_AMOUNT_OR_RATE = re.compile(r"(?:增长|增加|减少|下降)了?多少(?!\s*(?:万|亿|百万)?[元件个人条次篇项%％]|个百分点)")
TEXT_RATE_BESIDE = re.compile(r"\s*[,，、]?\s*(?:同比)?(增长|下降|减少|提高)\s*(\d+(?:\.\d+)?)\s*[%％]")
# 「王朝网和海洋网的渠道分别有多少家」: two or more things asked, each its own figure (one figure answers none of them)
TEXT_EACH_ASKED = re.compile(r"[和与及、][^，,。？?]{1,20}?(?:分别|各自|各)(?:是|有|为)?(?:多少|几)|"
                             r"(?:多少|几)[^？?]{0,8}[？?][^？?]{2,30}(?:多少|几)")  # 「…合计多少？其中资本化的有多少？」: two asked
# 「同比变化百分之多少」 after a prose figure: its change on the year before asked, nothing else
TEXT_CHANGE_TURN = re.compile(r"(?:那|那么)?(?:同比|比上年|较上年|比去年|和上年比|跟上年比)(?:是)?(?:增减|增长|下降|变化|变动)?了?(?:百分之多少|百分之几|多少|几个百分点)?[？?呢]*")

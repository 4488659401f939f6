"""Everyday wording -> canonical table rows and columns (the spec's keys). One place for the vocabulary."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.table_spec import OTHER_2021
from qa.vocabulary import EXAMPLES_OF_GROUP

# "多少件申请" names the 新收 row only when the question names no other row.
WEAK_NEW = r"申请数量|申请量|申请件数|多少(?:件|个)?(?:政府信息公开)?申请"
# A group named plainly ("没给公开的有多少") is its total only when none of its sub-rows is named too.
WEAK_GROUPS = {
    r"不予公开|没给公开|不给公开|拒绝公开|未予公开|不公开|没有?公开|未公开": "不予公开",
    r"无法提供|没法提供|提供不了|不能提供|没(?:有)?提供|未提供|给不了|给不出|拿不出": "无法提供",
    r"不予处理|不处理|不受理|不予受理": "不予处理",
}


@dataclass(frozen=True)
class RowTerm:
    """A pattern of everyday words and the (table, row) it names."""

    pattern: str
    table: str
    row: str


# Order matters: the first match wins, so specific wording comes before general.
ROW_TERMS: tuple[RowTerm, ...] = tuple(
    RowTerm(p, t, r)
    for p, t, r in (
        (r"上一?年(?:度)?结转|去年结转|上年度结转|结转(?:自|过来|进来)", "申请", "上年结转政府信息公开申请数量"),
        (r"没有?答复|未答复|还没(?:有)?办完|没办完|未办结|结转(?:到|至)?下|转(?:到|至)下一?年|继续办理|下一?年(?:度)?(?:继续)?(?:办理|再办|接着办)|"
         r"尚未办理完|顺延|转到(?:\d+年|明年|次年)|没来得及|接着办|继续办|再办|留到下一?年", "申请", "结转下年度继续办理"),
        (r"结转", "申请", "结转"),  # 上年结转 or 结转下年度: said alone it is ambiguous
        (r"申请总数|申请总量|申请的总数", "申请", "申请总数"),  # 新收, or 办理结果总计: ambiguous too
        (r"不予(?!公开|处理|受理)", "申请", "不予"),  # 不予公开 or 不予处理
        (r"(?:等|各种|各类|所有|全部)[^，。？]{0,6}不予公开|不予公开(?:的)?(?:申请)?(?:合计|总共|一共|共)", "申请", "不予公开"),
        (r"(?:等|各种|各类|所有|全部)[^，。？]{0,6}无法提供|无法提供(?:的)?(?:申请)?(?:合计|总共|一共|共)", "申请", "无法提供"),
        (r"(?:等|各种|各类|所有|全部)[^，。？]{0,6}不予处理|不予处理(?:的)?(?:申请)?(?:合计|总共|一共|共)", "申请", "不予处理"),
        (r"国家秘密", "申请", "不予公开/属于国家秘密"),
        (r"其他法律行政法规|法律法规禁止", "申请", "不予公开/其他法律行政法规禁止公开"),
        (r"三安全一稳定|危及", "申请", "不予公开/危及“三安全一稳定”"),
        (r"第三方|个人隐私|隐私|商业秘密", "申请", "不予公开/保护第三方合法权益"),
        (r"内部事务|内部信息", "申请", "不予公开/属于三类内部事务信息"),
        (r"过程性", "申请", "不予公开/属于四类过程性信息"),
        (r"执法案卷", "申请", "不予公开/属于行政执法案卷"),
        (r"行政查询", "申请", "不予公开/属于行政查询事项"),
        (r"不掌握|没有掌握|查无此信息|查无|信息不存在|不存在", "申请", "无法提供/本机关不掌握相关政府信息"),
        (r"另行制作|没有现成|另外.{0,4}制作|加工制作", "申请", "无法提供/没有现成信息需要另行制作"),
        (r"仍不明确|补正(?:以)?后|内容不明确|说不清楚?|还是不明确|不明确", "申请", "无法提供/补正后申请内容仍不明确"),
        (r"信访|举报|投诉", "申请", "不予处理/信访举报投诉类申请"),
        (r"重复申请|重复提交|重复提出|再次申请", "申请", "不予处理/重复申请"),
        (r"出版物", "申请", "不予处理/要求提供公开出版物"),
        (r"大量反复", "申请", "不予处理/无正当理由大量反复申请"),
        (r"确认或重新出具|重新出具", "申请", "不予处理/要求行政机关确认或重新出具已获取信息"),
        (r"逾期不补正", "申请", OTHER_2021[0]),
        (r"缴纳费用|收费通知|交费|缴费|不交钱|没交钱|没按通知|没按时交", "申请", OTHER_2021[1]),
        (r"其他处理\W{0,2}中的\W{0,2}其他|其他处理/其他", "申请", OTHER_2021[2]),
        (r"其他处理", "申请", "其他处理"),
        (r"部分公开|公开了?一部分|只公开(?:了)?部分", "申请", "部分公开"),
        (r"予以公开|同意公开|全部公开", "申请", "予以公开"),
        (r"先复议[^，。？]{0,10}?(?:起诉|诉讼|法院告?)|(?:经过?)?复议(?:之)?后.{0,4}?(?:起诉|诉讼|法院告?)|复议完.{0,4}?(?:起诉|诉讼|法院告?)",
         "复议诉讼", "行政诉讼/复议后起诉"),
        (r"直接(?:到法院|向法院|去法院)?起诉|未经(?:过)?复议|没(?:有)?经(?:过)?复议|不经(?:过)?复议", "复议诉讼", "行政诉讼/未经复议直接起诉"),
        (r"(?:行政)?复议", "复议诉讼", "行政复议"),
        (r"(?:行政)?(?:诉讼|官司)|起诉|告到法院|告上法庭|告上法院|被告|(?:去)?法院告|法院|法庭", "复议诉讼", "行政诉讼"),  # both 诉讼 rows together
        (r"行政规范性文件|规范性文件", "主动公开", "规范性文件"),
        (r"规章", "主动公开", "规章"),
        (r"行政许可", "主动公开", "行政许可"),
        (r"其他对外管理服务", "主动公开", "其他对外管理服务事项"),
        (r"行政处罚", "主动公开", "行政处罚"),
        (r"行政强制", "主动公开", "行政强制"),
        (r"行政事业性收费|收费金额", "主动公开", "行政事业性收费"),
        (r"集中采购|政府采购", "主动公开", "政府集中采购"),
        (r"办理结果总计|(?:所有|全部|各项|各类)的?办理结果|办理结果(?=加起来|合计|一共|共)|[(（]总计[)）]|[(（]七[)）]\s*总计|办理完成|完成办理|办结|已答复|答复了|(?<![不再予])处理了|办理了|办完|(?<![不再予])处理完|答复完|办理总数|办理总计|办理合计", "申请", "总计"),
        (r"收到|受理|新收|接到|新接|接收|提交|提出|递交|新提|新的?申请|收了?(?=(?:多少|几)(?:件|个)?(?:政府信息公开|信息公开)?申请)|(?<=申请)收了?(?=多少|几)", "申请",
         "本年新收政府信息公开申请数量"),
        (WEAK_NEW, "申请", "本年新收政府信息公开申请数量"),
        *((p, "申请", g) for p, g in WEAK_GROUPS.items()),
    )
)

REQUEST_COL_TERMS: tuple[tuple[str, str], ...] = (
    (r"法人或(?:者)?其他组织|法人(?:和|及|与)其他组织|法人", "法人或其他组织"),  # the five columns together
    (r"自然人|个人|公民|群众|老百姓|百姓|市民|居民", "自然人"),
    (r"商业企业|企业|公司", "商业企业"),
    (r"科研机构|科研", "科研机构"),
    (r"社会公益组织|公益组织", "社会公益组织"),
    (r"法律服务机构|律所|律师事务所|律师", "法律服务机构"),
    (r"“其他”|其他组织|其他申请人|其他类", "其他"),
)

REVIEW_COL_TERMS: tuple[tuple[str, str], ...] = (
    (r"维持|胜诉|赢了|打赢", "结果维持"),
    (r"纠正|纠错|败诉|输了|打输|撤销", "结果纠正"),
    (r"其他结果", "其他结果"),
    (r"尚未审结|未审结|还在审|没有?审结|没审完|没判|未判|没有结果|还没结", "尚未审结"),
    (r"已经审结|已审结|审结了|审结的|有结果的|已有结果", "已审结"),  # 维持 + 纠正 + 其他结果: the cases decided
)

# The 2019 template's item counts: only when the question says so ("增加了多少件" is a comparison).
_ITEM_COLS = (
    (r"上一年项目|上年项目|项目数量", "上一年项目数量"),
    (r"增减|增/减|项目.{0,4}[增减]", "本年增/减"),
    (r"处理决定|决定数|作出.{0,4}决定|开出|办(?:了|理|结)?", "本年处理决定数量"),
)

# 主动公开 columns by version, keyed by everyday words; the first column is the default.
ACTIVE_COL_TERMS: dict[str, tuple[tuple[str, str], ...]] = {
    "规章": ((r"废止|废掉|废除|废了|取消", "本年废止件数"), (r"现行有效|有效|生效", "现行有效件数"), (r"累计|总数|对外公开", "对外公开总数量"),
             (r"新公开", "本年新公开数量"), (r"制发|新制作|新增|出台|制定", "本年制发件数")),
    "规范性文件": ((r"废止|废掉|废除|废了|取消", "本年废止件数"), (r"现行有效|有效|生效", "现行有效件数"), (r"累计|总数|对外公开", "对外公开总数量"),
               (r"新公开", "本年新公开数量"), (r"制发|新制作|新增|出台|制定", "本年制发件数")),
    "行政许可": _ITEM_COLS,
    "其他对外管理服务事项": _ITEM_COLS,
    "行政处罚": _ITEM_COLS,
    "行政强制": _ITEM_COLS,
    # the 2021 template's one money column: 「收了多少钱」, 「收费多少万」 (the 2019 template counts items only)
    "行政事业性收费": (*_ITEM_COLS, (r"收费金额|金额|多少钱|收了|收取|[万亿]?元|多少万", "本年收费金额")),
    "政府集中采购": ((r"金额|多少钱|总额", "采购总金额"), (r"项目|个|数量", "采购项目数量")),
}

# Default column of each 主动公开 row, by template version.
ACTIVE_DEFAULT: dict[tuple[str, str], str] = {
    ("2021", "规章"): "本年制发件数",
    ("2021", "规范性文件"): "本年制发件数",
    ("2021", "行政许可"): "本年处理决定数量",
    ("2021", "行政处罚"): "本年处理决定数量",
    ("2021", "行政强制"): "本年处理决定数量",
    ("2021", "行政事业性收费"): "本年收费金额",
    ("2019", "规章"): "本年新制作数量",
    ("2019", "规范性文件"): "本年新制作数量",
    ("2019", "行政许可"): "处理决定数量",
    ("2019", "其他对外管理服务事项"): "处理决定数量",
    ("2019", "行政处罚"): "处理决定数量",
    ("2019", "行政强制"): "处理决定数量",
    ("2019", "行政事业性收费"): "上一年项目数量",
    ("2019", "政府集中采购"): "采购项目数量",
}

# Figures that only prose gives: a question with these words goes to the text route.
PROSE_ONLY = re.compile(r"什么地方|在哪里|在哪儿|在哪|满意率|人次|粉丝|访问量|点击|热线|法律援助|当面|网络申请|网上申请|信函|发稿|阅读|建议|提案|(?:多少|几)条(?:政府)?信息|篇|培训|微信|微博|网站|专栏|地址|电话|邮编|邮箱|哪个部门|哪些问题|问题|改进|措施|主要涉及")
# How a question asks for an explanation rather than a figure (not for rankings: 「从高到低怎么排」).
EXPLAIN = re.compile(r"为什么|怎么|如何|哪些方面|什么原因")


def match_rows(question: str) -> list[RowTerm]:
    """Every table row a question names, in the order it names them ("予以公开和部分公开")."""
    found: list[tuple[int, RowTerm]] = []
    taken: list[tuple[int, int]] = []
    for term in ROW_TERMS:
        for m in re.finditer(term.pattern, question):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if any(t.row == term.row for _, t in found):
                continue
            found.append((m.start(), term))
            taken.append((m.start(), m.end()))
    if len(found) > 1:
        found = [(at, t) for at, t in found if t.pattern != WEAK_NEW]
    # "因信访、重复申请等不予处理": the group names the figure; its listed parts are examples.
    if any(t.row in ("上年结转政府信息公开申请数量", "结转下年度继续办理") for _, t in found):
        found = [(at, t) for at, t in found if t.row != "结转"]  # the ambiguous word is explained by the other
    if any(t.row in ("本年新收政府信息公开申请数量", "总计") for _, t in found):
        found = [(at, t) for at, t in found if t.row != "申请总数"]
    named = {t.row.split("/")[0] for _, t in found if "/" in t.row}
    found = [(at, t) for at, t in found if not ((t.pattern in WEAK_GROUPS or t.row == "行政诉讼") and t.row in named)]
    groups = {t.row for _, t in found if t.row in ("不予公开", "无法提供", "不予处理")}
    found = [(at, t) for at, t in found if t.row.split("/")[0] not in groups or t.row in groups]
    return [t for _, t in sorted(found, key=lambda x: x[0])]


def match_cols(question: str, table: str, row: str) -> list[str]:
    """Every column a question names, in order ("纠正数比维持数少多少")."""
    terms = REQUEST_COL_TERMS if table == "申请" else REVIEW_COL_TERMS if table == "复议诉讼" else ACTIVE_COL_TERMS.get(row, ())
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, col in terms:
        m = re.search(pattern, question)
        if m and not any(a < m.end() and m.start() < b for a, b in taken):
            found.append((m.start(), col))
            taken.append((m.start(), m.end()))
    cols = [c for _, c in sorted(found)]
    if EXAMPLES_OF_GROUP.search(question) and "法人或其他组织" in cols:
        return ["法人或其他组织"]  # 「企业、律所这些法人或其他组织」: the examples, then the group they are of
    if "法人或其他组织" in cols and len(cols) > 1:  # a column named inside its group heading
        cols.remove("法人或其他组织")
    return cols


# Words a table question may contain besides its row, column and scope: anything else is a qualifier the
# table cannot answer ("来自外国人", "通过网络提交"), so the question goes to the text route.
FILLER = re.compile(
    r"政府信息公开|信息公开|政府信息|政府|公开|申请人?|多少|几|件|个|的|有|是|因|被|了|中|其中|数量|总数|总共|一共|共计|共|"
    r"合计|全年|本年度?|年度|年|报告|情况|办理|结果|处理|决定|事项|属于|理由|涉及|提出|提交|收到的|那|呢|吗|\?|？|，|,|、|。|"
    r"请问|请|告诉|我|一下|总计|数|为|达到|达|多|少|比|和|与|及|加|起来|各种|各类|所有|全部|等|哪个|哪一|谁|更|换成|换到|改成|看看|"
    r"增加|减少|变化|相差|差|名义|以|作出|作为|由|对|在|里|按|分别|各|项|类|方面|人|"
    r"新收|收到|受理|接到|上一?年|去年|结转|下一?年|继续|没有|还没|未|答复|办完|办结|不予|无法提供|"
    r"予以|部分|其他|原因|申请内容|内容|一栏|机关|本机关|要求|而|来自|相关|金额|万元|过来|到|新|法人|或|类|引起|下一|"
    r"“|”|\"|（|）|\(|\)|\s"
)


def _drop_runs(text: str, vocabulary: str) -> str:
    """Remove every run of two or more characters that the vocabulary (the printed labels) contains."""
    out, i = [], 0
    while i < len(text):
        j = i + 2
        while j <= len(text) and text[i:j] in vocabulary:
            j += 1
        if j - 1 - i >= 2:
            out.append(" ")
            i = j - 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def leftover(question: str, used: list[str], vocabulary: str = "") -> str:
    """What a question says beyond its row, column, label words and filler (empty: the table can answer)."""
    rest = question
    for text in sorted(used, key=len, reverse=True):
        rest = rest.replace(text, " ")
    rest = _drop_runs(rest, vocabulary) if vocabulary else rest
    return re.sub(r"\s+", "", FILLER.sub(" ", rest))


def columns_of(table: str, row: str) -> list[str]:
    """The columns a row has (a 主动公开 row's own; every applicant or result column of the other tables)."""
    terms = REQUEST_COL_TERMS if table == "申请" else REVIEW_COL_TERMS if table == "复议诉讼" else ACTIVE_COL_TERMS.get(row, ())
    return [col for _, col in terms]


def col_words(question: str, table: str, row: str) -> list[str]:
    """The words of a question that named a column of this row (removed before the leftover check)."""
    terms = REQUEST_COL_TERMS if table == "申请" else REVIEW_COL_TERMS if table == "复议诉讼" else ACTIVE_COL_TERMS.get(row, ())
    return [m.group() for pattern, _ in terms for m in re.finditer(pattern, question)]


# English questions about Chinese reports (「How many requests did 淮安市人民政府 receive in 2024?」): the domain's
# English words, read as the Chinese words the rest of the pipeline knows. Longest phrases first.
ENGLISH: tuple[tuple[str, str], ...] = (
    (r"carried over (?:to|into) the next year|carried over to next year|still pending|carry-?overs?", "结转下年度继续办理"),
    (r"carried over from (?:the )?(?:previous|last) year", "上年结转"),
    (r"fully disclosed?|disclosed in full|granted in full", "予以公开"),
    (r"partially disclosed?|partly disclosed?|partial disclosure", "部分公开"),
    (r"administrative reconsiderations?(?: cases)?|reconsiderations?", "行政复议"),
    (r"administrative (?:litigation|lawsuits?)|lawsuits?|litigation|court cases", "行政诉讼"),
    (r"both kinds together|in total|altogether|combined|total", "一共"),
    (r"individuals|natural persons|citizens", "自然人"),
    (r"companies|enterprises|businesses", "商业企业"),
    (r"law firms|legal service(?:s)? (?:institutions|organi[sz]ations)", "法律服务机构"),
    (r"what (?:percentage|share|proportion)|what percent|share of|percentage of|proportion of", "占比多少"),
    (r"disclosure rate", "公开率"),
    (r"how many times", "几倍"),
    (r"how many|how much|what was the number of|number of", "多少"),
    (r"new (?:information[- ]disclosure )?requests|requests? (?:were )?received|receive[d]?", "收到申请"),
    (r"fees?|charges?", "收费金额"),
    (r"the most", "最多"),
    (r"the fewest|the least", "最少"),
    (r"which agency", "哪个机关"),
)


def english_to_chinese(question: str) -> str:
    """Domain words of an English (or mixed) question in Chinese; questions without Latin letters are unchanged."""
    if not re.search(r"[A-Za-z]{3}", question):
        return question
    for pattern, chinese in ENGLISH:
        question = re.sub(pattern, chinese, question, flags=re.IGNORECASE)
    return question

# Words with a main reading and others the answer lays out beside its figure (「处理了多少申请」: 办理结果总计, but
# also 不予处理 or 其他处理 — two rows are named 「处理」).
ALSO_READ: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (r"(?<![不再予他])处理(?:了|完)", "总计", ("不予处理", "其他处理")),
)

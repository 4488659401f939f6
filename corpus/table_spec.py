"""The standard tables of the spec: canonical rows and columns, and the printed labels that mark each row.

Labels are matched on normalised text (NFKC: ASCII digits and brackets) by their most distinctive
words, so typos elsewhere in a label (`其他法律行政止公开`, txt/009) and split labels still match.
"""

from __future__ import annotations

from dataclasses import dataclass

from corpus.models import TABLE_ACTIVE, TABLE_REQUESTS, TABLE_REVIEW

# The numbering printed before a label: "(三)", "3.", "四、".
NUMBERING = r"(?:\([一二三四五六七八九]\)\s*|[一二三四]、\s*|[1-9][.、]\s*)?"

REQUEST_COLS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
REVIEW_ROWS = ("行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉")
REVIEW_COLS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


@dataclass(frozen=True)
class RowSpec:
    """A canonical row, the pattern of its printed label, its columns and the unit of its cells."""

    key: str
    label: str
    cols: tuple[str, ...]
    unit: str | None = "件"


OTHER_2021 = (
    "其他处理/申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "其他处理/申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "其他处理/其他",
)

REQUEST_ROWS: tuple[RowSpec, ...] = tuple(
    RowSpec(key, label, REQUEST_COLS)
    for key, label in (
        ("本年新收政府信息公开申请数量", r"本年新收政府信息公开申请"),
        ("上年结转政府信息公开申请数量", r"上年结转政府信息公开申请"),
        ("予以公开", r"予以公开"),
        ("部分公开", r"部分公开"),
        ("不予公开/属于国家秘密", r"(?:属于)?国家秘密"),
        ("不予公开/其他法律行政法规禁止公开", r"其他法律行政"),
        ("不予公开/危及“三安全一稳定”", r"危及\W?三安全一稳定\W?"),
        ("不予公开/保护第三方合法权益", r"保护第三方合法权益"),
        ("不予公开/属于三类内部事务信息", r"(?:属于)?三类内部事务"),
        ("不予公开/属于四类过程性信息", r"(?:属于)?四类过程性信息"),
        ("不予公开/属于行政执法案卷", r"(?:属于)?行政执法案卷"),
        ("不予公开/属于行政查询事项", r"(?:属于)?行政查询事项"),
        ("无法提供/本机关不掌握相关政府信息", r"本机关不掌握"),
        ("无法提供/没有现成信息需要另行制作", r"没有现成信息"),
        ("无法提供/补正后申请内容仍不明确", r"补正后申请内容"),
        ("不予处理/信访举报投诉类申请", r"信访举报投诉"),
        ("不予处理/重复申请", r"重复申请"),
        ("不予处理/要求提供公开出版物", r"要求提供公开出版物"),
        ("不予处理/无正当理由大量反复申请", r"无正当理由大量反复"),
        ("不予处理/要求行政机关确认或重新出具已获取信息", r"(?:要求行政机关)?确认或重新出"),
        ("其他处理", r"其他处理"),
        (OTHER_2021[0], r"申请人无正当理由逾期不补正"),
        (OTHER_2021[1], r"申请人逾期未按收费通知"),
        (OTHER_2021[2], r"(?<=[\s|\d])3[.、]\s*其他(?![处法对结需])"),
        ("总计", r"\(七\)\s*总计|(?<![\u4e00-\u9fff])总计(?=\s*(?:\||\d))"),
        ("结转下年度继续办理", r"结转下年度继续办理"),
    )
)

# The rows whose sum is the 总计 row (rule 3): the leaves, with 其他处理 either the 2019 row or its parts.
DISPOSITION_LEAVES = tuple(r.key for r in REQUEST_ROWS[2:24])

ACTIVE_2021: tuple[RowSpec, ...] = (
    RowSpec("规章", r"规章", ("本年制发件数", "本年废止件数", "现行有效件数")),
    RowSpec("行政规范性文件", r"(?:行政)?规范性文件", ("本年制发件数", "本年废止件数", "现行有效件数")),
    RowSpec("行政许可", r"行政许可", ("本年处理决定数量",)),
    RowSpec("行政处罚", r"行政处罚", ("本年处理决定数量",)),
    RowSpec("行政强制", r"行政强制", ("本年处理决定数量",)),
    RowSpec("行政事业性收费", r"行政事业性收费", ("本年收费金额",), unit="万元"),
)

_ITEMS_2019 = ("上一年项目数量", "本年增/减", "处理决定数量")
ACTIVE_2019: tuple[RowSpec, ...] = (
    RowSpec("规章", r"规章", ("本年新制作数量", "本年新公开数量", "对外公开总数量")),
    RowSpec("规范性文件", r"(?:行政)?规范性文件", ("本年新制作数量", "本年新公开数量", "对外公开总数量")),
    RowSpec("行政许可", r"行政许可", _ITEMS_2019),
    RowSpec("其他对外管理服务事项", r"其他对外管理服务事项", _ITEMS_2019),
    RowSpec("行政处罚", r"行政处罚", _ITEMS_2019),
    RowSpec("行政强制", r"行政强制", _ITEMS_2019),
    RowSpec("行政事业性收费", r"行政事业性收费", _ITEMS_2019[:2]),
    RowSpec("政府集中采购", r"政府集中采购", ("采购项目数量", "采购总金额"), unit=None),
)

TABLES = (TABLE_ACTIVE, TABLE_REQUESTS, TABLE_REVIEW)

"""The user's own division (「（业务及管理费/营业收入）」, 「用A除以B」, 「A占B的比例」) and several things asked of one measure.

Each side of a division must be one printed row of the report's tables (or its everyday name) for the division to
be read; `qa.anyreport` computes it with the cells picked for each side.
"""

from __future__ import annotations

import re

from corpus import Report
from corpus.anytables import TableCell
from qa.anycells import Pick, Unclear, heads_total, one_measure, pick
from qa.formulas import FORMULAS, Formula
from qa.parts import SHARE_OF, WITHIN, each_part

_DIVIDE = re.compile(r"(?:用|拿|以)?(?P<a>[\u4e00-\u9fff（）()]{2,30}?)(?:除以|÷|/)(?P<b>[\u4e00-\u9fff（）()]{2,30}?)(?=[，,。？?）)]|$|的|得|算|计算|是|等于)")
_BRACKETED = re.compile(r"[（(](?:即|就是)?(?P<a>[\u4e00-\u9fff]{2,30}?)(?:除以|÷|/)(?P<b>[\u4e00-\u9fff]{2,30}?)[)）]")
# 「税收收入占一般公共预算收入多少」: a share asked with no word for it but 占 … 多少
_SHARE_PLAIN = re.compile(r"(?P<a>[\u4e00-\u9fff（）()]{2,30}?)占(?P<b>[\u4e00-\u9fff（）()]{2,30}?)的?(?:大概|大约)?(?:多少|几成)(?!倍)")
_NAMED = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:率|比率|比值|比)(?=\s*(?:大概|大约|大致|约)?\s*(?:是|为|有|多少|[（(）)？?，,]|$))")


def one_measure_of_several(content: str, report: Report) -> bool:
    """「城镇、农村常住居民人均可支配收入各多少」: the things asked share their measure (not 「每股收益和ROE」)."""
    parts = [re.sub(r"(?:是|有)?(?:多少|几).*$", "", p) for p in each_part(content, report.text)]
    if len(parts) < 2:
        return False
    shared = 0
    while shared < min(map(len, parts)) and len({p[len(p) - shared - 1] for p in parts}) == 1:
        shared += 1
    return shared >= 2


def user_ratio(content: str, labels: dict[str, list[TableCell]]) -> tuple[Formula, str] | None:
    """A division the question writes out: each side one printed row (or its everyday name), nothing else."""
    # 「成本收入比（业务及管理费/营业收入）」, 「基本支出中人员经费占比」, 「A占B的比例」: the first whose sides read
    for pattern in (_BRACKETED, _DIVIDE, WITHIN, SHARE_OF, _SHARE_PLAIN):
        m = pattern.search(content)
        if m is None:
            continue
        a, b = one_measure(m.group("a"), labels), one_measure(m.group("b"), labels)
        if a is None or b is None:
            continue
        rest = content[: m.start()] + ("（" if pattern is _BRACKETED else " ") + content[m.end():]  # 「存贷比（…）」: named
        rest = _NAMED.sub(" ", rest, count=1)  # the name the user gives their division (「成本收入比」)
        named = next((f for f in FORMULAS if re.search(f.words, content)), None)  # 「现金比率（…）」: a ratio, no %
        return Formula(f"{a} ÷ {b}", "", ((a, 1),), b, percent=named.percent if named else True), rest
    return None


def share_of_row_total(names: tuple[str, ...], labels: dict[str, list[TableCell]], report: Report, parent: bool
                       ) -> tuple[Pick, Pick] | None:
    """「项目支出占比多少」 with no whole named: a column's total (合计 row, 项目支出) over its row's own 合计 column.

    Only a cell that is a total row's value under the column the name heads; the whole is the same row's column whose
    last level is 合计 under the same parent (「支出预算 / 项目支出」 over 「支出预算 / 合计」), in the same table.
    """
    try:
        part = pick(names, labels, report, False, parent)
    except Unclear:
        return None
    if part is None or not any(heads_total(part.cell, n) for n in names):
        return None
    parent_path = re.sub(r"\s", "", part.cell.col).rpartition("/")[0]
    wholes = [c for c in report.table_cells if c.table == part.cell.table and c.row == part.cell.row
              and re.sub(r"\s", "", c.col) == f"{parent_path}/合计".lstrip("/")]
    return (part, Pick(wholes[0], part.table)) if len(wholes) == 1 and wholes[0].value else None


__all__ = ["one_measure_of_several", "share_of_row_total", "user_ratio"]

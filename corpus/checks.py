"""Checks of parsed tables: the spec's 勾稽关系, and figures the prose states against their cells.

A failed check is a finding to report; printed numbers are never changed to make a rule pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from corpus.models import TABLE_REQUESTS, TABLE_REVIEW, Finding, Report
from corpus.table_spec import DISPOSITION_LEAVES, OTHER_2021, REQUEST_COLS, REVIEW_COLS, REVIEW_ROWS

NEW, CARRIED_IN, TOTAL, CARRIED_OUT = (
    "本年新收政府信息公开申请数量",
    "上年结转政府信息公开申请数量",
    "总计",
    "结转下年度继续办理",
)


def _num(report: Report, table: str, row: str, col: str) -> float | int | None:
    cell = report.cell(table, row, col)
    return cell.value if cell else None


def _parsed(report: Report, keys: Iterable[str]) -> bool:
    """Every one of these cells was parsed (a cell OCR left unread is absent: its rules are not evaluated)."""
    return all(report.cell(*k.split("|")) is not None for k in keys)


def _show(value: float | int | None) -> str:
    return "空" if value is None else f"{value:g}"


def _key(table: str, row: str, col: str) -> str:
    return f"{table}|{row}|{col}"


def _sum_rule(rule: str, total_key: str, total: float | int | None, parts: list[tuple[str, float | int | None]]) -> Finding | None:
    """`total` = sum of `parts`, or None when a needed cell was not read (blank cells count as 0)."""
    if total is None or not parts or all(v is None for _, v in parts):
        return None
    added = sum(v or 0 for _, v in parts)
    ok = abs(added - total) < 1e-6
    shown = " + ".join(_show(v) for _, v in parts)
    detail = f"{rule}: {shown} = {added:g}, printed {total:g}" + ("" if ok else " — does not add up")
    return Finding(rule=rule, ok=ok, detail=detail, cells=(total_key, *(k for k, _ in parts)))


def _request_rules(report: Report) -> Iterable[Finding | None]:
    rows = {c.row for c in report.cells if c.table == TABLE_REQUESTS}
    t = TABLE_REQUESTS
    for col in REQUEST_COLS:
        ins = [(_key(t, r, col), _num(report, t, r, col)) for r in (NEW, CARRIED_IN)]
        outs = [(_key(t, r, col), _num(report, t, r, col)) for r in (TOTAL, CARRIED_OUT)]
        if not all(report.cell(t, k.split("|")[1], col) for k, _ in ins + outs):
            continue
        a, b = sum(v or 0 for _, v in ins), sum(v or 0 for _, v in outs)
        ok = abs(a - b) < 1e-6
        yield Finding(
            rule="申请: 本年新收 + 上年结转 = 总计 + 结转下年度",
            ok=ok,
            detail=f"[{col}] 新收 {_show(ins[0][1])} + 上年结转 {_show(ins[1][1])} = {a:g}; "
            f"总计 {_show(outs[0][1])} + 结转下年度 {_show(outs[1][1])} = {b:g}" + ("" if ok else " — does not add up"),
            cells=tuple(k for k, _ in ins + outs),
        )
    for row in sorted(rows):
        if not all(report.cell(t, row, c) for c in REQUEST_COLS):
            continue
        parts = [(_key(t, row, c), _num(report, t, row, c)) for c in REQUEST_COLS[:-1]]
        yield _sum_rule(f"申请: [{row}] 总计 = 六类申请人之和", _key(t, row, "总计"), _num(report, t, row, "总计"), parts)
    excluded = {"其他处理"} if rows & set(OTHER_2021) else set(OTHER_2021)
    leaves = [r for r in DISPOSITION_LEAVES if r not in excluded]
    if all(r in rows for r in leaves):
        for col in REQUEST_COLS:
            parts = [(_key(t, r, col), _num(report, t, r, col)) for r in leaves]
            if not _parsed(report, [_key(t, TOTAL, col), *(k for k, _ in parts)]):
                continue
            yield _sum_rule(f"申请: [{col}] 总计 = 各办理结果之和", _key(t, TOTAL, col), _num(report, t, TOTAL, col), parts)


def _review_rules(report: Report) -> Iterable[Finding | None]:
    t = TABLE_REVIEW
    for row in REVIEW_ROWS:
        if report.cell(t, row, "总计") is None:
            continue
        parts = [(_key(t, row, c), _num(report, t, row, c)) for c in REVIEW_COLS[:-1]]
        if not _parsed(report, (k for k, _ in parts)):
            continue
        yield _sum_rule(f"复议诉讼: [{row}] 总计 = 维持 + 纠正 + 其他 + 尚未审结", _key(t, row, "总计"), _num(report, t, row, "总计"), parts)


# Figures the prose states, and the cell each one describes.
_PROSE_FIGURES: tuple[tuple[str, tuple[str, str, str]], ...] = (
    (r"(?:受理|收到|新收)[^。；;，,\d]{0,16}?(?:政府信息公开)?申请[^。；;，,\d]{0,4}?(\d+)\s*件", (TABLE_REQUESTS, NEW, "总计")),
    (r"(\d+)\s*件[^。；;，,\d]{0,6}结转(?:下一?年|至下一?年)", (TABLE_REQUESTS, CARRIED_OUT, "总计")),
    (r"行政复议(?:案件)?\s*(\d+)\s*件", (TABLE_REVIEW, "行政复议", "总计")),
    (r"行政诉讼(?:案件)?\s*(\d+)\s*件", (TABLE_REVIEW, "行政诉讼/未经复议直接起诉", "总计")),
)


def prose_checks(report: Report) -> list[Finding]:
    """Compare figures stated in the prose (受理申请118件, 行政复议3件 …) with the cells they describe."""
    findings = []
    table_starts = [c.start for c in report.cells]
    for pattern, (table, row, col) in _PROSE_FIGURES:
        cell = report.cell(table, row, col)
        if cell is None or cell.value is None:
            continue
        for m in re.finditer(pattern, report.text):
            if table_starts and any(abs(m.start() - s) < 5 for s in table_starts):
                continue
            stated = int(m.group(1))
            expected = cell.value
            if table == TABLE_REVIEW and "诉讼" in row:
                if not _parsed(report, [_key(table, "行政诉讼/复议后起诉", col)]):
                    break
                direct = _num(report, table, row, col) or 0
                after = _num(report, table, "行政诉讼/复议后起诉", col) or 0
                expected = direct + after
            ok = stated == expected
            findings.append(
                Finding(
                    rule=f"文字与表格: {row}",
                    ok=ok,
                    detail=f"text says 「{m.group(0)}」 ({stated}); table {table} · {row} · {col} = {expected:g}"
                    + ("" if ok else " — disagree"),
                    cells=(_key(table, row, col),),
                )
            )
            break
    return findings


def run_checks(report: Report) -> list[Finding]:
    """Every arithmetic rule that the parsed cells allow, then the prose-vs-table comparisons."""
    findings = [f for f in (*_request_rules(report), *_review_rules(report)) if f is not None]
    return findings + prose_checks(report)

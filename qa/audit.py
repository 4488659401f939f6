"""Check questions: the audit findings of the cell database, blank cells, and the figures a question quotes.

「有没有哪份报告的数据自相矛盾？」 is answered from the `checks` table (勾稽 rules and prose-vs-table);
「正文说无法提供265件，表里是多少？」 compares each quoted figure with the cells it names; what no check
covers (the prose's percentages) is never declared correct.
"""

from __future__ import annotations

import re
from typing import Any

from qa.answer import Answer, Citation, Scope, abstain, format_number
from qa.cellsql import cite, pct as _pct, plain as _plain, read_figures
from qa.lexicon import REVIEW_COL_TERMS
from qa.messages import finding_zh
from qa.query import Measure, Query
from qa.vocabulary import (
    AUDIT_ALL_ENDED,
    AUDIT_COMPLETENESS,
    AUDIT_COUNT_AND_SHARE,
    AUDIT_QUOTED,
    AUDIT_SHARE,
)


class Auditor:
    """Answers check queries over a cell database."""

    def __init__(self, db: Any) -> None:
        self.db = db

    def check(self, question: str, query: Query, report_ids: list[str], scope: Scope) -> Answer:
        """Audit findings (勾稽 and prose-vs-table) of the reports in scope, blank cells, and quoted figures checked."""
        sql = ("SELECT k.report_id, r.agency, r.year, k.rule, k.detail FROM checks k JOIN reports r ON r.id = k.report_id "
               "WHERE NOT k.ok AND list_contains(?::VARCHAR[], k.report_id) AND (? IS NULL OR starts_with(k.rule, ?)) "
               "ORDER BY r.agency, r.year, k.rule, k.report_id, k.detail")
        rows = self.db.execute(sql, [report_ids, query.topic, query.topic])
        total = self.db.execute(
            "SELECT count(*) FROM checks WHERE list_contains(?::VARCHAR[], report_id) AND (? IS NULL OR starts_with(rule, ?))",
            [report_ids, query.topic, query.topic],
        )[0][0]
        blanks = self.db.execute(
            "SELECT r.agency, r.year, c.tbl, count(*), list(c.row_key || ' · ' || c.col_key ORDER BY c.start_off, c.row_key, c.col_key)[1:3] "
            "FROM cells c JOIN reports r ON r.id = c.report_id WHERE c.value IS NULL AND list_contains(?::VARCHAR[], c.report_id) "
            "AND (? IS NULL OR starts_with(?, c.tbl)) GROUP BY ALL ORDER BY r.agency, r.year, c.tbl",
            [report_ids, query.topic, query.topic],
        )
        lines = [f"- {a}{y}年：{finding_zh(d)}" for _, a, y, _, d in rows[:20]]  # corpus/ writes details in English
        lines += [f"- {a}{y}年：{t}表有 {n} 个单元格空白（未填写），如 {'、'.join(cells)}" for a, y, t, n, cells in blanks]
        claims, citations = self._claims(question, query, report_ids, scope)
        shares, share_citations = self._quoted_shares(question, report_ids)
        outcomes, outcome_citations = self._outcome_claims(question, query, report_ids)
        claims, citations = claims + outcomes + shares, citations + outcome_citations + share_citations
        differing = sum(1 for line in claims if "不一致" in line)
        completeness = bool(AUDIT_COMPLETENESS.search(question))
        blank_lines = lines[len(rows):]
        lines = claims + lines[: len(rows)] + (blank_lines if completeness else [])
        problems = len(rows) + differing + (len(blanks) if completeness else 0)
        quoted = [m.group() for m in AUDIT_QUOTED.finditer(question)]
        unchecked = len(quoted) - len(query.claims) - len(shares)
        if AUDIT_SHARE.search(question) and not shares and not differing:
            unchecked = max(unchecked, 1)  # percentages of the text are not among the checks made
        if unchecked > 0 and not differing:
            text = (("问题中的数字（" + "、".join(quoted) + "）有的无法与表格中的某一栏对应，无法核对。") if quoted else
                    "正文中的百分比不在已做的核对之内（核对的是表格的勾稽关系和正文中的件数），无法判断是否算错。")
            text += ("\n" + "\n".join(claims)) if claims else ""
            answer = abstain(question, "问题所说的数字无法与表格的栏目对应", scope)
            answer.answer, answer.route, answer.citations = text, "table", citations
            return answer
        if not problems:
            scope_text = f"{len(report_ids)}份报告" if len(report_ids) > 1 else "该报告"
            text = f"未发现不一致：{scope_text}{query.topic or ''}的 {total} 项勾稽与正文核对均相符。"
            if claims:
                text = "\n".join(claims) + "\n" + text
            if blanks and not completeness:
                text += f"（另有 {sum(n for *_, n, _ in blanks)} 个单元格空白，未填写。）"
        else:
            blank_where = [f"{a}{y}年" for a, y, *_ in blanks] if completeness else []
            where = "、".join(dict.fromkeys([f"{a}{y}年" for _, a, y, _, _ in rows] + blank_where))
            text = f"发现 {problems} 处问题{('（' + where + '）') if where else ''}：\n" + "\n".join(lines)
        answer = Answer(question=question, answer=text, value=problems, unit="处", route="table", scope=scope,
                        query=query, citations=citations)
        answer.findings = [{"report_id": rid, "rule": rule, "detail": d} for rid, _, _, rule, d in rows]
        return answer

    def _explain_difference(self, measure: Measure, said: float, report_ids: list[str]) -> list[str]:
        """A prose count that differs from its row may count the other side of rule 1 too (749 = 新收 713 + 上年结转 36)."""
        partners = {
            "本年新收政府信息公开申请数量": ("上年结转政府信息公开申请数量", "+"),
            "总计": ("结转下年度继续办理", "+"),
        }
        if measure.table != "申请" or measure.row not in partners:
            return []
        other_row, _ = partners[measure.row]
        own, other = sorted(read_figures(self.db, [measure, Measure("申请", other_row)], report_ids), key=lambda f: f.measure)
        if own.known and other.known and (own.value or 0) + (other.value or 0) == said:
            return [f"  其中 {format_number(_plain(said))} = 「{measure.row}」{format_number(_plain(own.value))} + "
                    f"「{other_row}」{format_number(_plain(other.value))}：正文的数字含「{other_row}」"]
        return []

    def _quoted_shares(self, question: str, report_ids: list[str]) -> tuple[list[str], list[Citation]]:
        """「74件“占总数的62.71%”」: the count divided by each total the text may mean, against the percent quoted."""
        found = list(AUDIT_COUNT_AND_SHARE.finditer(question))
        if not found or len(report_ids) != 1:
            return [], []
        bases = [Measure("申请", "总计"), Measure("申请", "本年新收政府信息公开申请数量")]
        figures = sorted(read_figures(self.db, bases, report_ids), key=lambda f: f.measure)
        lines: list[str] = []
        citations: list[Citation] = []
        for m in found:
            count, said = float(m.group(1)), float(m.group(2))
            readings = [(base, f) for base, f in zip(bases, figures, strict=True) if f.known and f.value]
            if not readings:
                continue
            parts = []
            agrees = False
            for base, f in readings:
                share = _pct(count / (f.value or 1))
                agrees = agrees or abs(share - said) < 0.01 + 1e-9
                parts.append(f"按「{base.row}」{format_number(_plain(f.value))} 计算为 {format_number(_plain(count))} ÷ "
                             f"{format_number(_plain(f.value))} = {share}%")
                citations += cite(f, "申请")
            verdict = "一致" if agrees else "不一致"
            lines.append(f"- 所说 {format_number(_plain(count))}件占 {format_number(_plain(said))}%：{'；'.join(parts)}——{verdict}")
        return lines, citations

    def _outcome_claims(self, question: str, query: Query, report_ids: list[str]) -> tuple[list[str], list[Citation]]:
        """「复议7件、诉讼9件“均获维持”」: every case of the quoted rows in one result column, or not."""
        column = _universal_outcome(question)
        if column is None or len(report_ids) != 1:
            return [], []
        lines: list[str] = []
        citations: list[Citation] = []
        for measures, _ in query.claims:
            rows = [m for m in measures if m.table == "复议诉讼"]
            if not rows:
                continue
            columns = (*_REVIEW_RESULTS, "总计")
            wanted = [Measure("复议诉讼", m.row, c) for m in rows for c in columns]
            figures = list(zip(wanted, read_figures(self.db, wanted, report_ids), strict=True))
            what = " + ".join(m.label() for m in rows)
            read = {c: [f for w, f in figures if w.col == c] for c in columns}
            sums = {c: sum(f.value or 0 for f in fs) if all(f.known for f in fs) else None for c, fs in read.items()}
            citations += [c for _, f in figures if f.known and f.value for c in cite(f, "复议诉讼")]
            others = [f"「{c}」{format_number(_plain(n))}件" for c, n in sums.items() if c not in (column, "总计") and n]
            said = f"- 所说「{what}」全部{column.removeprefix('结果')}"
            if others:
                lines.append(f"{said}：表格中{'、'.join(others)}——不一致，并非全部{column.removeprefix('结果')}")
            elif sums[column] is not None and sums[column] == sums["总计"]:
                lines.append(f"{said}：表格「{column}」{format_number(_plain(sums[column]))}件，等于总计——一致")
            else:
                lines.append(f"{said}：表格中的审理结果未能全部读出，无法核对")
        return lines, citations

    def _claims(self, question: str, query: Query, report_ids: list[str], scope: Scope) -> tuple[list[str], list[Citation]]:
        """Each figure the question quotes, against the cells it names: agrees, or does not."""
        if not query.claims or len(report_ids) != 1:
            return [], []
        lines: list[str] = []
        citations: list[Citation] = []
        for measures, said in query.claims:
            if any(m.row == "结转" for m in measures):  # 「结转6件」: to next year, or from last year
                measures = _carry_over(measures, said, self.db, report_ids)
            figures = sorted(read_figures(self.db, list(measures), report_ids), key=lambda f: f.measure)
            what = " + ".join(m.label() for m in measures)
            total, notes = 0.0, []
            for measure, figure in zip(measures, figures, strict=True):
                if figure.known:
                    total += figure.value or 0
                    citations += cite(figure, measure.table)
                    continue
                if not figure.complete:
                    total = float("nan")
                    break
                # A blank 总计: the applicant columns that are filled in, added (blank columns left out).
                [parts] = read_figures(self.db, [Measure("申请", measure.row, "六类申请人之和")], report_ids)
                filled = [c["value"] for c in parts.cells if c["value"] is not None] if measure.table == "申请" else []
                if not filled:
                    total = float("nan")
                    break
                total += sum(filled)
                citations += cite(parts, "申请")
                notes.append(f"「{measure.label()}」总计栏空白，按有数的申请人栏合计 {format_number(_plain(sum(filled)))}件")
            if total != total:  # nan: a figure that could not be read
                lines.append(f"- 「{what}」在表格中未能可靠读出或为空，无法核对 {format_number(_plain(said))}件")
                continue
            verdict = "一致" if total == said else "不一致"
            note = f"（{'；'.join(notes)}）" if notes else ""
            lines.append(f"- 所说「{what}」{format_number(_plain(said))}件，表格为 {format_number(_plain(total))}件{note}：{verdict}")
            if total != said and len(measures) == 1:
                lines += self._explain_difference(measures[0], said, report_ids)
        return lines, citations


_REVIEW_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结")


def _universal_outcome(question: str) -> str | None:
    """The result column a question says every case ended in (「均获维持」「全部被纠正」), if it says so."""
    for pattern, column in REVIEW_COL_TERMS:
        if column in _REVIEW_RESULTS and re.search(rf"{AUDIT_ALL_ENDED.pattern}(?:{pattern})", question):
            return column
    return None


def _carry_over(measures: tuple[Measure, ...], said: float, db: Any, report_ids: list[str]) -> tuple[Measure, ...]:
    """The ambiguous 「结转」 of a quoted figure read as whichever carry-over row it matches (结转下年度 first)."""
    rows = ("结转下年度继续办理", "上年结转政府信息公开申请数量")
    for row in rows:
        [figure] = read_figures(db, [Measure("申请", row)], report_ids)
        if figure.known and figure.value == said:
            return tuple(Measure("申请", row, m.col) if m.row == "结转" else m for m in measures)
    return tuple(Measure("申请", rows[0], m.col) if m.row == "结转" else m for m in measures)

"""What a corpus holds, said in one line for the landing page, and example questions drawn from its own reports.

Read from the reports' metadata (agency, year, cell count): a corpus of any size is summarised without loading
its reports; only a report without an agency is read, to tell a blank template from a report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from corpus import Report
from qa.documents import KIND_REPORT, is_blank_template

SHOWN_ISSUERS = 6
AUDIT_QUESTION = "有没有哪份报告的数据自相矛盾？"


def _dated(reports: Iterable[Report]) -> list[Report]:
    """Reports with an issuer, a year and table cells: what questions can name."""
    return [r for r in reports if r.agency and r.year and r.cell_count() > 0]


def corpus_overview(reports: dict[str, Report]) -> str:
    """The corpus in one Chinese line: how many reports of each kind, which issuers, which years."""
    if not reports:
        return "语料中还没有报告：请在「上传」页加入一份。"
    dated = _dated(reports.values())
    templates = sum(1 for r in reports.values() if not r.agency and r.cell_count() > 0 and is_blank_template(r))
    kinds: dict[str, int] = defaultdict(int)
    for report in dated:
        kind = getattr(report, "kind", None)
        kinds[kind if isinstance(kind, str) and kind else KIND_REPORT] += 1
    parts = [f"{kind} {n} 份" for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1])]
    parts += [f"空白模板 {templates} 份（不作答）"] if templates else []
    other = len(reports) - len(dated) - templates
    parts += [f"其他文件 {other} 份"] if other else []
    issuers = sorted({r.agency for r in dated}, key=lambda a: (-sum(r.agency == a for r in dated), a))
    shown = "、".join(issuers[:SHOWN_ISSUERS]) + (f" 等 {len(issuers)} 个" if len(issuers) > SHOWN_ISSUERS else "")
    years = sorted({int(r.year) for r in dated if r.year})
    span = "" if not years else f"；年份 {years[0]}" + (f"–{years[-1]}" if years[-1] != years[0] else "")
    return f"语料共 {len(reports)} 份：{'，'.join(parts)}；发布机关：{shown or '无'}{span}。"


def example_questions(reports: dict[str, Report], limit: int = 6) -> list[str]:
    """Questions this corpus answers, drawn from its own agencies and years (the latest first)."""
    dated = sorted(_dated(reports.values()), key=lambda r: (-(r.year or 0), r.agency))
    if not dated:
        return []
    latest = dated[0]
    found = [f"{latest.agency}{latest.year}年收到多少件申请？"]
    by_agency: dict[str, set[int]] = defaultdict(set)
    for report in dated:
        by_agency[report.agency].add(int(report.year or 0))
    pairs = sorted(((a, y) for a, ys in by_agency.items() for y in ys if y - 1 in ys), key=lambda p: (-p[1], p[0]))
    if pairs:
        agency, year = pairs[0]
        found.append(f"{agency}{year}年比{year - 1}年多收了多少件申请？")
    found.append(f"{latest.agency}{latest.year}年公开率是多少？")
    by_year: dict[int, set[str]] = defaultdict(set)
    for report in dated:
        by_year[int(report.year or 0)].add(report.agency)
    crowded = sorted((y for y, agencies in by_year.items() if len(agencies) >= 3), reverse=True)
    if crowded:
        found.append(f"{crowded[0]}年申请量前三的机关是哪些？")
    other = next((r for r in dated if r.agency != latest.agency), latest)
    found.append(f"{other.agency}{other.year}年有多少件申请没有答复？")
    found.append(AUDIT_QUESTION)
    return list(dict.fromkeys(found))[:limit]

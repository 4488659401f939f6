from __future__ import annotations

import json
from pathlib import Path

from cli import main
from corpus import read_report

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "corpus" / "reports"


def test_audit_reports_the_pingtan_2020_published_inconsistency(capsys):
    assert main(["audit", str(REPORTS / "txt"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["count"] == len(data["findings"])
    pingtan = [f for f in data["findings"] if f["report"] == "003_pingtan_zonghe_shiyanqu_2020.txt"]
    assert any("= 27, printed 21" in f["detail"] for f in pingtan)


def test_audit_finds_hongze_2023_review_totals_and_2024_prose_disagreement(capsys):
    assert main(["audit", str(REPORTS / "pdf")]) == 0
    out = capsys.readouterr().out
    assert "10 + 1 + 0 + 0 = 11, printed 0" in out
    assert "受理政府信息公开申请 17 件" in out and "= 95" in out
    assert out.strip().endswith("findings")


def test_prose_figures_agree_with_cells_in_the_seed_report():
    report = read_report(REPORTS / "txt/000_shanghai_justice_bureau_2020.txt")
    prose = [c for c in report.checks if c.rule.startswith("文字与表格")]
    assert {c.rule for c in prose} >= {"文字与表格: 本年新收政府信息公开申请数量", "文字与表格: 行政复议"}
    assert all(c.ok for c in prose)
    assert all(c.ok for c in report.checks)


def test_printed_numbers_are_not_changed_to_pass_a_rule():
    report = read_report(REPORTS / "txt/003_pingtan_zonghe_shiyanqu_2020.txt")
    assert report.cell("申请", "总计", "总计").value == 21
    assert report.cell("申请", "予以公开", "总计").value == 7


def test_parse_json_follows_the_contract(capsys):
    assert main(["parse", str(REPORTS / "txt/000_shanghai_justice_bureau_2020.txt"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"report", "sections", "cells", "checks", "warnings"}
    assert data["report"]["agency"] == "上海市司法局" and data["report"]["year"] == 2020
    assert [s["title"][:2] for s in data["sections"]] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    cell = next(c for c in data["cells"] if c["row"] == "结转下年度继续办理" and c["col"] == "总计")
    assert cell == {**cell, "table": "申请", "value": 5, "quote": "四、结转下年度继续办理 5 0 0 0 0 0 5", "page": None}
    assert all({"rule", "ok", "detail"} <= set(c) for c in data["checks"])


def test_parse_summary_shows_the_tables(capsys):
    assert main(["parse", str(REPORTS / "pdf/hongze_2024_hzq2024_working.pdf")]) == 0
    out = capsys.readouterr().out
    assert "[申请]" in out and "[复议诉讼]" in out and "淮安市洪泽区人民政府" in out

"""Benchmark an annual report from upload to answers, with the real model.

    HF_HUB_OFFLINE=1 PYTHONPATH=. .venv/bin/python bench/bench_any.py [--report PDF]

Default report: ../shared/reports/annual/jinyu_bio_2020_annual_report.pdf (195 pages) when present, else the
bundled tests/fixtures/any/sifang_tech_2019_annual_report.pdf (156 pages). Measures: parsing alone
(`read_report`), the time from a new file in an empty corpus folder to its first answer (parse, chunk,
embed, index — a temporary REPORTQA_HOME), and table questions over it (p50/p95 over several runs each).
Prints a markdown table and writes bench/results/any.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "any.json"
SHARED = ROOT.parent / "shared" / "reports" / "annual" / "jinyu_bio_2020_annual_report.pdf"
BUNDLED = ROOT / "tests" / "fixtures" / "any" / "sifang_tech_2019_annual_report.pdf"
QUESTIONS = ("{who}年末货币资金是多少", "{who}总资产是多少", "{who}资产负债率是多少", "{who}速动比率是多少",
             "{who}营收同比增长了多少", "{who}毛利率多少", "{who}销售费用率是多少", "{who}年末存货是多少")


def main() -> int:
    """Run the benchmark; print and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, default=SHARED if SHARED.exists() else BUNDLED)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from corpus import Settings
    from corpus.reader import read_report
    from qa import Assistant

    started = time.perf_counter()
    report = read_report(args.report)
    parse_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        models = Settings.from_env().models  # the model built once, not again in the fresh home
        os.environ["REPORTQA_MODELS"] = str(models)
        os.environ["REPORTQA_HOME"] = str(Path(tmp) / "home")
        started = time.perf_counter()
        shutil.copy(args.report, folder / args.report.name)
        assistant = Assistant.from_corpus(folder, settings=Settings.from_env())
        who = min((n for n in report.names if not n.isdigit()), key=len, default=report.agency)
        first = assistant.ask(QUESTIONS[0].format(who=who))
        ready_s = time.perf_counter() - started
        latencies, answered = [], 0
        for question in QUESTIONS:
            for _ in range(args.repeat):
                t = time.perf_counter()
                answer = assistant.ask(question.format(who=who))
                latencies.append((time.perf_counter() - t) * 1000)
            answered += answer.route == "table" and not answer.abstained
    result = {
        "report": args.report.name, "pages": len(report.pages), "tables": len(report.tables),
        "table_cells": len(report.table_cells), "parse_s": round(parse_s, 1),
        "upload_to_first_answer_s": round(ready_s, 1), "first_answer": first.answer[:80],
        "table_questions": len(QUESTIONS), "answered_from_tables": answered,
        "latency_ms": {"p50": round(statistics.median(latencies), 1),
                       "p95": round(sorted(latencies)[int(0.95 * (len(latencies) - 1))], 1)},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("| report | pages | tables | cells | parse | upload → first answer | table question p50 / p95 |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {result['report']} | {result['pages']} | {result['tables']} | {result['table_cells']} | {parse_s:.1f} s "
          f"| {ready_s:.1f} s | {result['latency_ms']['p50']} / {result['latency_ms']['p95']} ms "
          f"({answered}/{len(QUESTIONS)} answered from tables) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

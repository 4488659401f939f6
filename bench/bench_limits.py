"""How fast hostile files are refused, and what parsing in worker processes costs, side by side.

Run: `PYTHONPATH=.:tests .venv/bin/python bench/bench_limits.py` (writes bench/results/limits.json).
The hostile files are those of tests/test_limits.py, made in a temporary folder.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from corpus import read_report
from corpus.worker import ParsePool

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "corpus" / "reports"


def refusals(folder: Path) -> dict[str, dict[str, object]]:
    """Seconds from asking to refusal for each hostile file, in a warm one-worker pool (default limits)."""
    import test_limits as hostile

    makers = {name: maker for name, (maker, _, _) in hostile.HOSTILE.items()} | {"slow.pdf": hostile.slow_pdf}
    out: dict[str, dict[str, object]] = {}
    os.environ["REPORTQA_PARSE_TIMEOUT_S"] = "10"  # for slow.pdf, which pdfplumber needs about a minute for
    with ParsePool(1) as pool:
        pool.parse(REPORTS / "txt" / "000_shanghai_justice_bureau_2020.txt")  # warm
        for name, maker in makers.items():
            path = maker(folder / name)
            started = time.perf_counter()
            [(_, error)] = list(pool.parse_files([path]))
            out[name] = {
                "bytes_on_disk": path.stat().st_blocks * 512,
                "seconds": round(time.perf_counter() - started, 2),
                "limit": getattr(error, "limit", None),
            }
            print(f"{name:14} {out[name]['bytes_on_disk']:>9} B  refused in {out[name]['seconds']:6.2f} s  ({out[name]['limit']})")
    del os.environ["REPORTQA_PARSE_TIMEOUT_S"]
    return out


def corpus_parse() -> dict[str, float]:
    """Seconds to parse the bundled corpus: in process, and through pools of 1 and 2 workers (cold, then warm)."""
    files = sorted(p for p in REPORTS.rglob("*") if p.suffix in (".txt", ".pdf", ".html", ".docx"))
    out: dict[str, float] = {}
    started = time.perf_counter()
    for path in files:
        read_report(path, root=REPORTS)
    out["in_process"] = round(time.perf_counter() - started, 2)
    for workers in (1, 2):
        with ParsePool(workers) as pool:
            for run in ("cold", "warm"):  # cold: the workers start (spawn, imports) within the run
                started = time.perf_counter()
                results = list(pool.parse_files(files, root=REPORTS))
                assert len(results) == len(files)
                out[f"pool_{workers}_workers_{run}"] = round(time.perf_counter() - started, 2)
    print(f"bundled corpus ({len(files)} files): " + ", ".join(f"{k} {v} s" for k, v in out.items()))
    return out


def main() -> None:
    """Measure and write bench/results/limits.json."""
    with tempfile.TemporaryDirectory() as tmp:
        result = {"refusals": refusals(Path(tmp)), "corpus_parse_s": corpus_parse(), "cpus": os.cpu_count()}
    target = ROOT / "bench" / "results" / "limits.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

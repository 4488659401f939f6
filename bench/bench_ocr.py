"""OCR speed and cell agreement on scans and a photo made from the bundled PDFs.

    PYTHONPATH=. .venv/bin/python bench/bench_ocr.py [--dpi 150 300] [--no-photo]

Each bundled PDF is printed to page images with pdftoppm and saved as an image-only PDF
(tests/fixtures/scans.py); the photo is page 3 of 洪泽区 2024 rotated 2°, blurred, JPEG quality 70.
Also pages 3–4 of the 150-dpi scan turned 90° and 180°, the photo turned 90°, and the text PDF
with the tables of pages 3–4 replaced by pictures of them. Each is read cold (an empty OCR cache) and compared with the cells its text PDF gives: cells
returned with the same value, wrong (returned with another value: must be 0), and left unparsed.
Prints a markdown table and writes bench/results/ocr.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus import read_report  # noqa: E402
from tests.fixtures import scans  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "ocr.json"


def _row(
    name: str, path: Path, text_pdf: Path, pages: set[int] | None = None, tables: set[str] | None = None
) -> dict[str, object]:
    start = time.perf_counter()
    scan = read_report(path)
    seconds = time.perf_counter() - start
    ref = read_report(text_pdf)
    every = {(c.table, c.row, c.col): c.value for c in ref.cells}
    want = {
        (c.table, c.row, c.col): c.value
        for c in ref.cells
        if (pages is None or c.page in pages) and (tables is None or c.table in tables)
    }
    got = {(c.table, c.row, c.col): c.value for c in scan.cells}
    same = sum(1 for k, v in want.items() if k in got and got[k] == v)
    wrong = sum(1 for k, v in got.items() if k not in every or every[k] != v)
    n_pages = len(scan.ocr.get("pages", []))
    return {
        "fixture": name,
        "pages": n_pages,
        "seconds": round(seconds, 1),
        "pages_per_s": round(n_pages / seconds, 3),
        "cells_text_pdf": len(want),
        "cells_same": same,
        "agreement": round(same / len(want), 4) if want else None,
        "wrong": wrong,
        "unparsed": len(scan.ocr.get("unparsed", [])),
        "meta_match": (scan.agency, scan.year) == (ref.agency, ref.year) if pages is None else None,
    }


def _new_kinds(out: Path) -> list[dict[str, object]]:
    """Pages turned 90° and 180°, a photo turned 90°, and a text PDF whose tables are pictures."""
    pdf = scans.REPORTS / "hongze_2024_hzq2024_working.pdf"
    tables = {"申请", "复议诉讼"}
    rows = [
        _row(f"{pdf.stem} pages 3–4 @ 150 dpi turned 90° and 180° (申请, 复议诉讼 cells)",
             scans.image_pdf(pdf, 150, out, pages=(3, 4), turns=(90, 180)), pdf, {3, 4}, tables),
        _row(f"{pdf.stem} page 3 photo turned 90° (申请 cells)", scans.photo(pdf, 3, out, turn=90), pdf, {3}, {"申请"}),
        _row(f"{pdf.stem} text PDF, tables of pages 3–4 as pictures", scans.table_pictures(pdf, (3, 4), out), pdf),
    ]  # fmt: skip
    return rows


def main() -> None:
    """Make the fixtures, read each one cold, print and store the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, nargs="+", default=[150, 300])
    parser.add_argument("--no-photo", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["REPORTQA_HOME"] = str(Path(tmp) / "home")  # a cold OCR cache
        out = Path(tmp)
        for pdf in sorted(scans.REPORTS.glob("*.pdf")):
            for dpi in args.dpi:
                path = scans.image_pdf(pdf, dpi, out)
                rows.append(_row(f"{pdf.stem} @ {dpi} dpi", path, pdf))
                print(rows[-1], file=sys.stderr)
        if not args.no_photo:
            pdf = scans.REPORTS / "hongze_2024_hzq2024_working.pdf"
            path = scans.photo(pdf, 3, out)
            rows.append(_row(f"{pdf.stem} page 3 photo (申请 cells)", path, pdf, {3}, {"申请"}))
        rows += _new_kinds(out)
    print("| fixture | pages | s | pages/s | cells (text PDF) | same | agreement | wrong | unparsed |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['fixture']} | {r['pages']} | {r['seconds']} | {r['pages_per_s']} | {r['cells_text_pdf']} | "
            f"{r['cells_same']} | {r['agreement']:.1%} | {r['wrong']} | {r['unparsed']} |"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

"""OCR of scans and photos made from the bundled PDFs: cells as the text PDFs give them, or none.

The fixtures are made at test time (pdftoppm + Pillow, tests/fixtures/scans.py) into a session
directory, and each scan is OCR'd once per session: its OCR cache lives in a session-wide
REPORTQA_HOME, so later tests (and the cache test) reuse it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from corpus import read_report
from corpus.models import Report
from corpus.ocr import page as ocr_page
from tests.fixtures import scans

ROOT = Path(__file__).resolve().parent.parent
PDFS = ROOT / "corpus" / "reports" / "pdf"
HONGZE_2023, HONGZE_2024, HUAIAN = "hongze_2023_hzq2023_working", "hongze_2024_hzq2024_working", "huaian_city_2024_szfgs2024"

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is needed: make poppler")


@pytest.fixture(scope="session")
def ocr_session(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The session's fixture directory, its OCR home and the reports read so far."""
    return {"dir": tmp_path_factory.mktemp("scans"), "home": tmp_path_factory.mktemp("ocr_home"), "reports": {}}


@pytest.fixture
def read_scan(ocr_session: dict, monkeypatch: pytest.MonkeyPatch):
    """Read a scan of a bundled PDF (made on first use), OCR cached for the session."""
    monkeypatch.setenv("REPORTQA_HOME", str(ocr_session["home"]))

    def read(stem: str, kind: str) -> tuple[Path, Report]:
        if kind not in ocr_session["reports"].setdefault(stem, {}):
            if kind == "photo":
                path = scans.photo(PDFS / f"{stem}.pdf", 3, ocr_session["dir"])
            elif kind == "scan72":
                path = ocr_session["dir"] / f"{stem}_p3_72.pdf"
                (png,) = scans.pages_png(PDFS / f"{stem}.pdf", 72, ocr_session["dir"] / "p72", 3, 3)
                scans.Image.open(png).convert("L").save(path, resolution=72.0)
            else:
                path = scans.image_pdf(PDFS / f"{stem}.pdf", int(kind), ocr_session["dir"])
            ocr_session["reports"][stem][kind] = (path, read_report(path))
        return ocr_session["reports"][stem][kind]

    return read


def _cells(report: Report, page: int | None = None, table: str | None = None) -> dict[tuple[str, str, str], object]:
    return {
        (c.table, c.row, c.col): c.value
        for c in report.cells
        if (page is None or c.page == page) and (table is None or c.table == table)
    }


def _agreement(scan: Report, text: Report, page: int | None = None, table: str | None = None) -> tuple[float, dict]:
    """Share of the text PDF's cells (on `page`, of `table`) the scan gives; every scan cell not as in the text PDF."""
    every, want, got = _cells(text), _cells(text, page, table), _cells(scan)
    wrong = {k: (v, every.get(k, "absent")) for k, v in got.items() if k not in every or every[k] != v}
    return sum(1 for k, v in want.items() if k in got and got[k] == v) / len(want), wrong


def _text_twin(stem: str) -> Report:
    return read_report(PDFS / f"{stem}.pdf")


def test_150dpi_scan_of_a_whole_report_reads_like_its_text_pdf(read_scan):
    _, scan = read_scan(HONGZE_2024, "150")
    text = _text_twin(HONGZE_2024)
    share, wrong = _agreement(scan, text)
    assert wrong == {}
    assert share >= 0.97
    assert (scan.agency, scan.year) == (text.agency, text.year) == ("淮安市洪泽区人民政府", 2024)
    assert [s.title for s in scan.sections] == [s.title for s in text.sections]
    assert scan.ocr["pages"] == [1, 2, 3, 4, 5]
    assert all(c.page is not None for c in scan.cells)
    # the prose-vs-table finding of the text PDF (受理17件 vs 本年新收 95) is found in the scan too
    assert [f.detail for f in scan.checks if not f.ok] == [f.detail.replace(" 17 件", "17件") for f in text.checks if not f.ok]


def test_a_printed_table_that_does_not_add_up_stays_a_finding_after_ocr(read_scan):
    # 洪泽区 2023 really prints 复议 总计 0 for 10 + 1 + 0 + 0: the scan must say so, not drop or fix it.
    _, scan = read_scan(HONGZE_2023, "150")
    text = _text_twin(HONGZE_2023)
    share, wrong = _agreement(scan, text)
    assert wrong == {}
    assert share >= 0.97
    failed = {f.rule for f in scan.checks if not f.ok}
    assert "复议诉讼: [行政复议] 总计 = 维持 + 纠正 + 其他 + 尚未审结" in failed
    assert scan.cell("复议诉讼", "行政复议", "总计").value == 0


def test_small_print_scan_returns_no_wrong_number_and_names_each_unparsed_cell(read_scan):
    _, scan = read_scan(HUAIAN, "150")
    text = _text_twin(HUAIAN)
    share, wrong = _agreement(scan, text)
    assert wrong == {}
    assert share >= 0.97  # its small table figures touch at 150 dpi: the uncertain ones are left unparsed
    assert (scan.agency, scan.year) == (text.agency, text.year)
    for cell in scan.ocr["unparsed"]:
        assert scan.cell(cell["table"], cell["row"], cell["col"]) is None
        assert any(f"{cell['table']} · {cell['row']} · {cell['col']}: OCR could not read" in w for w in scan.warnings)
    assert not [f for f in scan.checks if not f.ok]  # no finding made up from an unread cell


def test_photo_of_the_table_page_rotated_and_blurred_gives_no_wrong_number(read_scan):
    _, photo = read_scan(HONGZE_2024, "photo")
    text = _text_twin(HONGZE_2024)
    # the 申请 table's cells printed on that page (its 主动公开 rows continue a section headed on page 2)
    share, wrong = _agreement(photo, text, page=3, table="申请")
    assert wrong == {}
    assert share >= 0.97
    assert photo.ocr["pages"] == [1] and all(c.page == 1 for c in photo.cells)


def test_below_the_resolution_floor_a_warning_and_no_table_figure(read_scan):
    _, scan = read_scan(HONGZE_2024, "scan72")
    assert any("below the OCR floor" in w for w in scan.warnings)
    assert [c for c in scan.cells if c.table == "申请"] == []


def test_ocr_results_are_cached_by_file_content(read_scan, monkeypatch, tmp_path):
    path, first = read_scan(HONGZE_2024, "150")

    def no_ocr(*args, **kwargs):
        raise AssertionError("OCR ran again")

    monkeypatch.setattr(ocr_page, "read_page", no_ocr)
    monkeypatch.setattr("corpus.ocr.read_page", no_ocr)
    copy = tmp_path / "renamed.pdf"
    copy.write_bytes(path.read_bytes())
    again = read_report(copy)
    assert _cells(again) == _cells(first)


@pytest.mark.e2e
def test_300dpi_scan_reads_like_its_text_pdf(read_scan):
    # the other reports at 300 dpi: bench/bench_ocr.py (numbers in the README)
    _, scan = read_scan(HONGZE_2024, "300")
    stem = HONGZE_2024
    share, wrong = _agreement(scan, _text_twin(stem))
    assert wrong == {}
    assert share >= 0.97


def test_parse_json_shows_ocr_pages_and_unparsed_cells(read_scan, capsys):
    from cli import main

    path, _ = read_scan(HUAIAN, "150")
    assert main(["parse", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"report", "sections", "pages", "cells", "checks", "warnings"} <= set(data)
    assert data["ocr"]["pages"] == [1, 2, 3, 4, 5, 6]
    assert data["ocr"]["unparsed"] and all({"table", "row", "col", "page", "reason"} <= set(u) for u in data["ocr"]["unparsed"])
    assert main(["parse", str(path)]) == 0
    out = capsys.readouterr().out
    assert "OCR: pages 1, 2, 3, 4, 5, 6" in out and "left unparsed" in out


def test_text_pdf_pages_are_not_ocrd(monkeypatch):
    monkeypatch.setattr("corpus.ocr.read_page", lambda *a, **k: (_ for _ in ()).throw(AssertionError("OCR")))
    report = read_report(PDFS / f"{HONGZE_2024}.pdf")
    assert report.ocr == {} and report.to_dict()["ocr"] == {"pages": [], "unparsed": []}


def test_a_page_photographed_askew_is_turned_straight():
    import cv2
    import numpy as np

    page = np.full((1200, 900), 255, np.uint8)
    for y in range(200, 1000, 60):
        cv2.line(page, (100, y), (800, y), 0, 2)
    turned = cv2.warpAffine(page, cv2.getRotationMatrix2D((450, 600), 2.0, 1.0), (900, 1200), borderValue=255)
    assert abs(ocr_page.skew_angle(page)) < 0.1
    assert abs(abs(ocr_page.skew_angle(turned)) - 2.0) < 0.2
    straight, angle = ocr_page.deskew(turned)
    assert abs(ocr_page.skew_angle(straight)) < 0.2


def test_a_cell_with_more_glyphs_than_characters_read_is_not_taken():
    # the failure the issue measured: a row of six zeros read as five
    assert ocr_page._doubt("0", 0.99, "", glyphs=2, low=False) is not None
    assert ocr_page._doubt("6", 0.99, "9", glyphs=1, low=False) is not None  # the two readings disagree
    assert ocr_page._doubt("7", 0.62, "", glyphs=1, low=False) is not None  # low confidence
    assert ocr_page._doubt("3001", 0.99, "", glyphs=2, low=False) is not None  # touching digits, one reading
    assert ocr_page._doubt("3001", 0.99, "3001", glyphs=2, low=False) is None  # ... confirmed by the page line
    assert ocr_page._doubt("0", 0.97, "o", glyphs=1, low=False) is None


def test_docx_with_the_tables_pasted_as_pictures_reads_them(ocr_session, monkeypatch):
    import docx
    from docx.shared import Cm

    monkeypatch.setenv("REPORTQA_HOME", str(ocr_session["home"]))
    pngs = scans.pages_png(PDFS / f"{HONGZE_2024}.pdf", 150, ocr_session["dir"] / "docx", 3, 4)
    document = docx.Document()
    document.add_paragraph("淮安市洪泽区人民政府2024年政府信息公开工作年度报告")
    document.add_paragraph("二、主动公开政府信息情况")
    for png in pngs:
        document.add_picture(str(png), width=Cm(15))
    path = ocr_session["dir"] / "pictures.docx"
    document.save(path)
    report = read_report(path)
    share, wrong = _agreement(report, _text_twin(HONGZE_2024), table="申请")
    assert wrong == {}
    assert share >= 0.97
    assert report.cell("复议诉讼", "行政诉讼/复议后起诉", "总计").value == 3


def test_a_scanned_report_can_be_asked_about_with_the_page_cited(read_scan, ocr_session, tmp_path):
    from corpus import Settings
    from index import FakeEmbeddings
    from qa import Assistant

    path, _ = read_scan(HONGZE_2024, "150")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(path, corpus / path.name)
    settings = Settings(home=ocr_session["home"], corpus=corpus)
    assistant = Assistant.from_corpus(corpus, settings=settings, embeddings=FakeEmbeddings(), progress=False)
    data = assistant.ask("洪泽区2024年予以公开的申请有多少件？").to_dict()
    assert (data["value"], data["route"]) == (50, "table")
    assert data["citations"][0]["page"] == 3 and data["citations"][0]["report_id"] == path.name

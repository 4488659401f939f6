"""Bad input: a clear one-line error and exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cli import main
from corpus import UnreadableReportError, read_report

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "corpus" / "reports" / "pdf" / "hongze_2023_hzq2023_working.pdf"


def _run_parse(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["parse", str(path), "--json"])
    err = capsys.readouterr().err
    return code, err


def _assert_one_line_error(code: int, err: str, words: str) -> None:
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("reportqa: error:")
    assert words in lines[0]
    assert "Traceback" not in err


def test_empty_file_is_refused(tmp_path, capsys):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    _assert_one_line_error(*_run_parse(path, capsys), "empty")


def test_binary_garbage_is_refused(tmp_path, capsys):
    path = tmp_path / "garbage.txt"
    path.write_bytes(bytes(range(256)) * 40)
    _assert_one_line_error(*_run_parse(path, capsys), "binary")


def test_truncated_pdf_is_refused(tmp_path, capsys):
    path = tmp_path / "truncated.pdf"
    path.write_bytes(PDF.read_bytes()[:1000])
    _assert_one_line_error(*_run_parse(path, capsys), "PDF")


def test_encrypted_pdf_is_refused(tmp_path, capsys):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=str(PDF))
    writer.encrypt(user_password="secret", owner_password="owner")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    _assert_one_line_error(*_run_parse(path, capsys), "encrypted")


def test_docx_that_is_not_one_is_refused(tmp_path, capsys):
    path = tmp_path / "report.docx"
    path.write_text("这不是一个 Word 文件", encoding="utf-8")
    _assert_one_line_error(*_run_parse(path, capsys), "docx")


def test_unsupported_extension_is_refused(tmp_path, capsys):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    _assert_one_line_error(*_run_parse(path, capsys), "unsupported extension")


def test_missing_path_is_refused(tmp_path, capsys):
    _assert_one_line_error(*_run_parse(tmp_path / "nowhere.txt", capsys), "no such file")


def test_english_memo_parses_with_no_cells_and_a_warning(tmp_path):
    path = tmp_path / "memo.txt"
    path.write_text("MEMO\nTo: all staff\nThe printer on floor 3 is out of toner. Please use floor 4.\n", encoding="utf-8")
    report = read_report(path)
    assert report.cells == []
    assert any("no standard disclosure tables" in w for w in report.warnings)


def test_gbk_text_is_read_with_fallback(tmp_path):
    path = tmp_path / "gbk.txt"
    source = (ROOT / "corpus/reports/txt/000_shanghai_justice_bureau_2020.txt").read_text(encoding="utf-8")
    path.write_bytes(source.encode("gb18030"))
    report = read_report(path)
    assert report.cell("申请", "结转下年度继续办理", "总计").value == 5


def test_cli_process_prints_no_traceback(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    proc = subprocess.run([sys.executable, "-m", "cli", "parse", str(path)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("reportqa: error:")


def test_unreadable_report_error_is_library_error():
    with pytest.raises(UnreadableReportError):
        read_report(ROOT / "does-not-exist.pdf")

"""Format loaders on the real reports in corpus/reports and on broken inputs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from corpus.errors import UnreadableReportError
from corpus.loaders import Block, docx, html, pdf

REPORTS = Path(__file__).resolve().parent.parent / "corpus" / "reports"
NEW_REQUESTS = "一、本年新收政府信息公开申请数量"

# (file, pages, 申请 data rows (23 with the 2019 single-row 其他处理, 25 with the 2021 three rows),
#  本年新收 row: 6 applicant columns + 总计, 复议诉讼: 15 numbers), as printed
# (read from the pdftotext twins txt/009, 010, 011 and the PDFs' own cells).
PDFS = [
    (
        "hongze_2023_hzq2023_working.pdf",
        5,
        23,
        ("21", "0", "0", "0", "0", "0", "21"),
        # printed this way in the PDF itself: 行政复议 总计 0 though 10+1; 复议后起诉 总计 0 though 5
        ("10", "1", "0", "0", "0", "0", "0", "0", "0", "0", "5", "0", "0", "0", "0"),
    ),
    (
        "hongze_2024_hzq2024_working.pdf",
        5,
        23,
        ("95", "0", "0", "0", "0", "0", "95"),
        ("1", "1", "0", "0", "2", "1", "0", "0", "0", "1", "2", "0", "1", "0", "3"),
    ),
    (
        "huaian_city_2024_szfgs2024.pdf",
        6,
        25,
        ("3001", "53", "0", "0", "61", "4", "3119"),
        ("72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20"),
    ),
]


def request_rows(blocks: list[Block]) -> list[tuple[str, ...]]:
    """申请 data rows: label cell(s) then 7 numbers (the 15-number 复议诉讼 row left out)."""
    return [r for r in all_rows(blocks) if 8 <= len(r) < 15 and all(c.isdigit() for c in r[-7:])]


def all_rows(blocks: list[Block]) -> list[tuple[str, ...]]:
    return [row for b in blocks for row in b.rows]


def row_starting(blocks: list[Block], label: str) -> tuple[str, ...]:
    matches = [row for row in all_rows(blocks) if row and row[0] == label]
    assert matches, label
    return matches[0]


def fifteen_number_row(blocks: list[Block]) -> tuple[str, ...]:
    rows = [r for r in all_rows(blocks) if len(r) == 15 and all(c.isdigit() for c in r)]
    assert len(rows) == 1, rows
    return rows[0]


@pytest.fixture(scope="module")
def pdf_blocks() -> dict[str, list[Block]]:
    return {name: pdf.load(REPORTS / "pdf" / name) for name, *_ in PDFS}


@pytest.mark.parametrize(("name", "pages", "n_rows", "requests", "review"), PDFS)
def test_pdf_tables(pdf_blocks, name, pages, n_rows, requests, review):
    blocks = pdf_blocks[name]
    assert {b.page for b in blocks} == set(range(1, pages + 1))
    assert all(bool(b.text) != bool(b.rows) for b in blocks)
    assert row_starting(blocks, NEW_REQUESTS) == (NEW_REQUESTS, *requests)
    assert fifteen_number_row(blocks) == review
    assert row_starting(blocks, "规章")[1:] and all(c.isdigit() for c in row_starting(blocks, "规章")[1:])
    # every 申请 data row: label cell(s), then exactly 7 numbers
    data = request_rows(blocks)
    assert len(data) == n_rows
    assert all(not c.isdigit() for r in data for c in r[:-7])


def test_pdf_blocks_in_reading_order(pdf_blocks):
    blocks = pdf_blocks["hongze_2023_hzq2023_working.pdf"]
    first_table = next(i for i, b in enumerate(blocks) if b.rows)
    assert blocks[first_table].rows[0] == ("第二十条第（一）项",)
    assert blocks[first_table - 1].text.rstrip().endswith("二、主动公开政府信息情况")
    heading = next(i for i, b in enumerate(blocks) if "三、收到和处理政府信息公开申请情况" in b.text)
    assert blocks[heading + 1].rows[0][1] == "申请人情况"
    assert "洪泽区人民政府" in blocks[0].text
    assert "\n" in blocks[0].text  # layout line breaks kept
    assert not any("本报告由淮安市" in c for r in all_rows(blocks) for c in r)  # prose is not a table


def test_pdf_main_tables(pdf_blocks):
    blocks = pdf_blocks["huaian_city_2024_szfgs2024.pdf"]
    assert row_starting(blocks, "规章") == ("规章", "1", "0", "11")
    assert row_starting(blocks, "行政规范性文件") == ("行政规范性文件", "8", "26", "66")
    assert row_starting(blocks, "行政许可") == ("行政许可", "447228")
    assert row_starting(blocks, "行政事业性收费") == ("行政事业性收费", "96171.6")


def test_html_tables_and_content():
    blocks = html.load(REPORTS / "html" / "pingtan_2024.html")
    assert row_starting(blocks, NEW_REQUESTS) == (NEW_REQUESTS, "217", "1", "0", "0", "0", "0", "218")
    assert row_starting(blocks, "（七）总计") == ("（七）总计", "217", "1", "0", "0", "0", "0", "218")
    assert fifteen_number_row(blocks) == tuple("2 1 3 1 7 0 0 0 0 0 13 2 4 0 19".split())
    assert len(request_rows(blocks)) == 25
    text = "\n".join(b.text for b in blocks)
    assert "一、总体情况" in text and "六、其他需要报告的事项" in text
    assert "平潭综合实验区2024年度政府信息公开工作年度报告" in text
    assert "版权所有" not in text and "热门搜索" not in text  # site furniture left out
    headings = [i for i, b in enumerate(blocks) if "三、收到和处理政府信息公开申请情况" in b.text]
    assert blocks[headings[0] + 1].rows


def test_html_rowspan_cells_once(tmp_path):
    page = tmp_path / "r.html"
    page.write_text(
        "<html><body><p>政府信息公开 一、总体情况<br>第二行</p><table>"
        "<tr><td rowspan='2'>三、本年度办理结果</td><td colspan='2'>（一）予以公开</td><td>1</td></tr>"
        "<tr><td>（二）部分<br>公开</td><td>&nbsp;</td><td>2</td></tr></table><p>五、</p></body></html>",
        encoding="utf-8",
    )
    blocks = html.load(page)
    assert blocks[0].text == "政府信息公开 一、总体情况\n第二行"
    assert blocks[1].rows == (("三、本年度办理结果", "（一）予以公开", "1"), ("（二）部分公开", "", "2"))
    assert blocks[2].text == "五、"


def test_docx_template():
    blocks = docx.load(REPORTS / "docx" / "blank_template_2021_format.docx")
    tables = [b for b in blocks if b.rows]
    assert len(tables) == 3
    assert row_starting(blocks, NEW_REQUESTS) == (NEW_REQUESTS, *[""] * 7)  # blank template
    assert row_starting(blocks, "行政复议")[:2] == ("行政复议", "行政诉讼")  # merged cells once
    assert row_starting(blocks, "结果维持")[:5] == ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    assert any(len(r) == 15 for r in tables[2].rows)
    text = [b.text for b in blocks if b.text]
    assert "二、主动公开政府信息情况" in text[0]
    assert "三、收到和处理政府信息公开申请情况" in text[1]  # tables sit between the right paragraphs


def test_truncated_pdf(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes((REPORTS / "pdf" / "hongze_2023_hzq2023_working.pdf").read_bytes()[:1000])
    with pytest.raises(UnreadableReportError, match="not a readable PDF") as info:
        pdf.load(broken)
    assert str(broken) in str(info.value) and "\n" not in str(info.value)


def test_encrypted_pdf(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=REPORTS / "pdf" / "hongze_2024_hzq2024_working.pdf")
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(UnreadableReportError, match="encrypted"):
        pdf.load(locked)


def test_not_a_pdf(tmp_path):
    fake = tmp_path / "fake.pdf"
    fake.write_text("政府信息公开工作年度报告", encoding="utf-8")
    with pytest.raises(UnreadableReportError, match="not a PDF"):
        pdf.load(fake)


def test_docx_that_is_text(tmp_path):
    fake = tmp_path / "report.docx"
    fake.write_text("政府信息公开工作年度报告\n", encoding="utf-8")
    with pytest.raises(UnreadableReportError, match="not a .docx"):
        docx.load(fake)


def test_docx_zip_without_document(tmp_path):
    fake = tmp_path / "report.docx"
    with zipfile.ZipFile(fake, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(UnreadableReportError, match="not a readable .docx"):
        docx.load(fake)


def test_binary_html(tmp_path):
    fake = tmp_path / "report.html"
    fake.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(UnreadableReportError, match="binary"):
        html.load(fake)


def test_a_line_mixing_fonts_reads_as_one_line():
    """普陀区财政局 2024 决算, pp. 23–24 (from ../shared/reports/budget/): the prose is set in FangSong with its figures in
    Times New Roman, whose glyph boxes pdfminer places 5 points lower on the same baseline; read by the top of the box,
    every figure of a paragraph landed on a line of its own (「机关运行经费支出万元,比年度增加万元」 / 「184.65 2023 2.55」)."""
    path = Path(__file__).resolve().parent / "fixtures" / "any" / "shanghai_putuo_finance_bureau_2024_final_accounts_p23-24.pdf"
    text = "\n".join(b.text for b in pdf.load(path) if b.text)
    assert "机关运行经费支出184.65万元，比2023年度增加2.55万元，增长1.40%。" in text
    assert "政府采购金额（以合同签订为准）为251.25万元" in text
    assert "编报绩效目标的2024年度项目4个，涉及预算金额\n598.42万元" in text  # a real line break stays one

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import Cell, Report, Section, read_report
from index.chunks import chunk_report

SAMPLES = [
    "txt/000_shanghai_justice_bureau_2020.txt",
    "txt/009_huaian_hongze_district_gov_2023.txt",
    "txt/012_shuyang_county_gov_2025.txt",
    "html/pingtan_2024.html",
    "pdf/huaian_city_2024_szfgs2024.pdf",
]


@pytest.fixture(scope="module")
def reports() -> list[Report]:
    root = Path(__file__).resolve().parent.parent / "corpus" / "reports"
    return [read_report(root / name, root=root) for name in SAMPLES]


def text_chunks(report: Report) -> list:
    return [d for d in chunk_report(report) if d.metadata["kind"] == "text"]


def test_text_chunks_never_cross_a_section_boundary(reports: list[Report]) -> None:
    for report in reports:
        starts = [s.start for s in report.sections]
        for doc in text_chunks(report):
            start, end = doc.metadata["start"], doc.metadata["end"]
            assert not [s for s in starts if start < s < end], (report.id, start, end)
            assert doc.metadata["section"] == report.section_at(start) == report.section_at(end - 1)


def test_text_chunks_are_at_most_500_characters(reports: list[Report]) -> None:
    sizes = [len(d.page_content) for r in reports for d in text_chunks(r)]
    assert sizes and max(sizes) <= 500
    assert sum(sizes) / len(sizes) > 150  # sentences are packed, not one chunk per sentence


def test_text_chunk_offsets_point_at_the_chunk_text(reports: list[Report]) -> None:
    for report in reports:
        for doc in text_chunks(report):
            meta = doc.metadata
            assert report.text[meta["start"] : meta["end"]] == doc.page_content
            assert meta["page"] == report.page_at(meta["start"])
            assert (meta["report_id"], meta["agency"], meta["year"]) == (
                report.id,
                report.agency,
                report.year,
            )


def test_pdf_chunks_carry_their_page(reports: list[Report]) -> None:
    pdf = next(r for r in reports if r.id.startswith("pdf/"))
    pages = [d.metadata["page"] for d in chunk_report(pdf)]
    assert None not in pages and pages[0] == 1 and max(pages) > 1


def test_table_lines_are_left_out_of_text_chunks(reports: list[Report]) -> None:
    for report in reports:
        for doc in text_chunks(report):
            assert "\t" not in doc.page_content and "|" not in doc.page_content


def test_seed_report_has_a_row_chunk_for_requests_carried_over(reports: list[Report]) -> None:
    rows = [d for d in chunk_report(reports[0]) if d.metadata["kind"] == "row"]
    carried = [d for d in rows if "申请 · 结转下年度继续办理" in d.page_content]
    assert len(carried) == 1
    doc = carried[0]
    assert doc.page_content == (
        "上海市司法局2020年 申请 · 结转下年度继续办理: 自然人 5, 商业企业 0, 科研机构 0, "
        "社会公益组织 0, 法律服务机构 0, 其他 0, 总计 5"
    )
    assert "总计 5" in doc.page_content
    meta = doc.metadata
    assert (meta["table"], meta["row"], meta["section"]) == (
        "申请",
        "结转下年度继续办理",
        "三、收到和处理政府信息公开申请情况",
    )
    cell = reports[0].cell("申请", "结转下年度继续办理", "总计")
    assert (
        cell is not None
        and meta["quote"] == cell.quote
        and (meta["start"], meta["end"]) == (cell.start, cell.end)
    )
    assert len(rows) == len({(c.table, c.row) for c in reports[0].cells})


def test_chunk_ids_are_stable_content_hashes(reports: list[Report]) -> None:
    first, second = chunk_report(reports[0]), chunk_report(reports[0])
    assert [d.id for d in first] == [d.id for d in second]
    assert len({d.id for d in first}) == len(first)


def small_report(text: str, sections: list[Section], cells: list[Cell] | None = None) -> Report:
    return Report(id="t.txt", source="t.txt", text=text, title="T", agency="某局", year=2024,
                  sections=sections, cells=cells or [])  # fmt: skip


def test_text_before_the_first_section_is_its_own_chunk() -> None:
    text = "某局2024年政府信息公开工作年度报告。本报告依据条例编制。\n一、总体情况\n今年共受理申请3件。全部按期答复。"
    start = text.index("一、")
    report = small_report(text, [Section("一、总体情况", start, len(text))])
    chunks = text_chunks(report)
    assert [d.page_content for d in chunks] == [text[: start - 1], text[start:]]
    assert [d.metadata["section"] for d in chunks] == ["", "一、总体情况"]


def test_a_sentence_longer_than_500_characters_is_cut() -> None:
    text = "一、总体情况\n" + "长" * 1200 + "。"
    report = small_report(text, [Section("一、总体情况", 0, len(text))])
    sizes = [len(d.page_content) for d in text_chunks(report)]
    assert max(sizes) == 500 and sum(sizes) == len(text) - 1  # only the newline after the title is dropped


def test_sentences_are_packed_up_to_500_characters_and_split_at_sentence_ends() -> None:
    sentence = "本机关主动公开政府信息" + "很" * 88 + "。"  # 100 characters
    text = "一、总体情况" + sentence * 12
    report = small_report(text, [Section("一、总体情况", 0, len(text))])
    chunks = text_chunks(report)
    assert [len(d.page_content) for d in chunks] == [406, 500, 300]
    assert all(d.page_content.endswith("。") for d in chunks)


def test_a_blank_cell_reads_as_kong_in_its_row_chunk() -> None:
    quote = "行政复议 1 2 0"
    cells = [Cell("复议诉讼", "行政复议", col, value, quote, None, 10, 20)
             for col, value in (("结果维持", 1), ("结果纠正", None), ("总计", 3))]  # fmt: skip
    report = small_report("一、总体情况\n" + "x" * 30, [Section("一、总体情况", 0, 37)], cells)
    rows = [d for d in chunk_report(report) if d.metadata["kind"] == "row"]
    assert [d.page_content for d in rows] == [
        "某局2024年 复议诉讼 · 行政复议: 结果维持 1, 结果纠正 空, 总计 3"
    ]
    assert rows[0].metadata["quote"] == quote

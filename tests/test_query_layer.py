"""The query layer over real reports: normalise -> understand -> Query -> SQL on the cell database -> Answer.

Every expected value was read from the printed tables (tests/fixtures/expected), the arithmetic done by hand.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from corpus import QuestionError, Settings
from index import FakeEmbeddings
from qa import Assistant, Measure, Query
from qa.cellsql import figures_statement, pattern

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "corpus" / "reports"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copytree(REPORTS / "txt", corpus / "txt")
    shutil.copytree(REPORTS / "pdf", corpus / "pdf")
    shutil.copytree(REPORTS / "html", corpus / "html")
    settings = Settings(home=tmp_path_factory.mktemp("home"), corpus=corpus)
    return Assistant.from_corpus(corpus, settings=settings, embeddings=FakeEmbeddings(), progress=False)


def ask(assistant: Assistant, question: str, history: list | None = None) -> dict:
    return assistant.ask(question, history=history).to_dict()


# -- one test per operation, exact figures of real reports ------------------------------------------------


def test_value_from_colloquial_wording_of_a_group_row(assistant):
    # 上海市司法局 2020: 不予公开 sub-rows 1+0+0+2+2+3+0+1 = 9
    data = ask(assistant, "上海市司法局二〇二〇年没给公开的申请有多少？")
    assert (data["value"], data["unit"], data["route"]) == (9, "件", "table")
    assert len(data["citations"]) == 8 and data["query"]["op"] == "value"


def test_disclosure_rate_states_both_definitions_and_cites_each_cell(assistant):
    # 淮安市 2024: 予以公开 1362, 部分公开 454, 办理结果总计 3050
    data = ask(assistant, "淮安市人民政府2024年公开率是多少？")
    assert data["value"] == 44.66 and data["unit"] == "%"
    assert data["formula"] == "1362 ÷ 3050 = 44.66%"
    assert "(1362 + 454) ÷ 3050 = 59.54%" in data["answer"]
    assert {c["cell"]["row"] for c in data["citations"]} == {"予以公开", "部分公开", "总计"}


def test_disclosure_rate_with_partial_when_asked(assistant):
    data = ask(assistant, "淮安市2024年含部分公开的公开率是多少？")
    assert data["value"] == 59.54 and data["formula"] == "(1362 + 454) ÷ 3050 = 59.54%"


def test_correction_rate_is_a_rate_not_its_numerator(assistant):
    # 淮安市 2024 行政复议: 结果纠正 64 of 总计 351
    data = ask(assistant, "淮安市人民政府2024年复议纠错率是多少？")
    assert data["value"] == 18.23 and data["formula"] == "64 ÷ 351 = 18.23%"


def test_share_of_an_applicant_column(assistant):
    # 淮安市 2024 本年新收: 自然人 3001 of 3119
    data = ask(assistant, "淮安市2024年新收申请里自然人占百分之几？")
    assert data["value"] == 96.22 and data["formula"] == "3001 ÷ 3119 = 96.22%"


def test_growth_year_over_year_adds_the_previous_report(assistant):
    # 洪泽区 本年新收: 2023 21, 2024 95 -> (95 - 21) / 21 = 352.38%
    data = ask(assistant, "洪泽区2024年收到的申请同比增长了百分之多少？")
    assert data["value"] == 352.38 and data["formula"] == "(95 − 21) ÷ 21 = 352.38%"
    assert [c["report_id"].startswith("pdf/hongze_202") for c in data["citations"]] == [True, True]


def test_multiple_of_last_year(assistant):
    data = ask(assistant, "洪泽区2024年收到的申请是上一年的几倍？")
    assert data["value"] == 4.52 and data["formula"] == "95 ÷ 21 = 4.52"


def test_average_per_quarter(assistant):
    data = ask(assistant, "淮安市人民政府2024年平均每季度收到多少申请？")
    assert data["value"] == 779.75 and data["formula"] == "3119 ÷ 4 = 779.75"


def test_top_three_over_the_whole_corpus(assistant):
    # 2024 本年新收: 淮安市 3119, 平潭 218, 洪泽区 95, 上海市科委 34
    data = ask(assistant, "2024年申请量前三的机关是哪些？")
    assert data["query"]["op"] == "rank" and data["query"]["n"] == 3
    answer = data["answer"]
    assert answer.index("淮安市人民政府") < answer.index("平潭") < answer.index("洪泽区")
    assert "科委" not in answer and [p["value"] for p in data["chart"]] == [3119, 218, 95, 34]


def test_sum_over_a_year_range_reads_every_year(assistant):
    # 平潭 本年新收: 2020 21, 2021 70, 2022 74
    for question in ("平潭2020—2022年一共收到多少申请？", "平潭2020到2022年一共收到多少申请？", "平潭2020至2022年一共收到多少申请？"):
        data = ask(assistant, question)
        assert data["value"] == 165 and data["formula"] == "21 + 70 + 74 = 165", question


def test_total_with_an_unreadable_report_abstains_and_names_it(assistant):
    # 上海市科委 2024 (garbled) has no readable 部分公开 row: the total over 2024 is not given.
    data = ask(assistant, "2024年所有机关的部分公开一共多少件？")
    assert data["abstained"] and data["value"] is None and "上海市科委" in data["answer"]


def test_count_of_reports_and_of_reports_meeting_a_condition(assistant):
    data = ask(assistant, "语料里一共有多少份报告？")
    assert (data["value"], data["unit"]) == (16, "份")
    data = ask(assistant, "洪泽区有哪几年的报告？")
    assert data["value"] == 2 and "2023年、2024年" in data["answer"]
    data = ask(assistant, "新收不到50件的报告有几份？")  # 平潭2019 23, 2020 21, 洪泽区2023 21, 沭阳发改局 26, 科委 34
    assert data["value"] == 5 and data["query"]["condition"] == ["<", 50.0]


def test_years_ranked_by_their_change_from_the_year_before(assistant):
    # 平潭 本年新收: 2019 23, 2020 21, 2021 70, 2022 74, 2023 81, 2024 218, 2025 154
    data = ask(assistant, "平潭哪一年比上一年多收的申请件数最多？")
    assert data["value"] == 137 and data["formula"] == "218 − 81 = 137"
    data = ask(assistant, "平潭哪一年申请量同比增幅最大？")
    assert data["value"] == 233.33 and "2021年" in data["answer"]


def test_rate_ranked_across_reports(assistant):
    # 2024 公开率: 洪泽区 50/95 52.63%, 淮安市 1362/3050 44.66%, 平潭 71/218 32.57%
    data = ask(assistant, "2024年四份报告的公开率从高到低排一下")
    answer = data["answer"]
    assert answer.index("52.63%") < answer.index("44.66%") < answer.index("32.57%")


def test_check_answers_from_the_audit_findings(assistant):
    data = ask(assistant, "洪泽区2023年的复议表有问题吗？")
    assert data["query"]["op"] == "check" and data["value"] == 2
    assert "10 + 1 + 0 + 0 = 11，表中印的是 0——不相符" in data["answer"]  # the finding in Chinese (qa/messages.py)
    data = ask(assistant, "淮安市人民政府2024年的申请表加起来对得上吗？")
    assert data["value"] == 0 and data["answer"].startswith("未发现不一致")


def test_a_total_its_parts_contradict_is_said_as_printed_and_not_used_in_arithmetic(assistant):
    # 洪泽区 2023 prints 行政复议 总计 0 while 10 + 1 + 0 + 0 = 11
    data = ask(assistant, "洪泽区2023年行政复议有几件？")
    assert data["abstained"] and data["value"] is None and "报告印的是 0件" in data["answer"]
    # 科委2024, 平潭2019, 平潭2020, 沭阳发改局2023; 洪泽区 2023 prints 总计 0 but its parts (维持 5) say otherwise
    data = ask(assistant, "有几份年报一件行政诉讼都没有？")
    assert data["value"] == 4 and not data["abstained"] and "洪泽" not in data["answer"]


def test_check_compares_the_figures_a_question_quotes(assistant):
    data = ask(assistant, "平潭2022年报告正文说收到75件申请，和表格对得上吗？")
    assert "表格为 74件：不一致" in data["answer"]


def test_a_claim_that_every_case_was_upheld_is_checked_against_the_result_columns(assistant):
    data = ask(assistant, "上海市政府办公厅2019年说复议7件、诉讼9件“均获维持”，表格支持这个说法吗？")
    assert "「行政复议」全部维持：表格中「尚未审结」2件——不一致" in data["answer"]
    assert "「行政诉讼」全部维持：表格中「尚未审结」1件——不一致" in data["answer"]
    assert data["answer"].startswith("发现 2 处问题")
    data = ask(assistant, "上海市司法局2020年直接起诉的3件行政诉讼都被维持了，对吗？")
    assert "全部维持：表格「结果维持」3件，等于总计——一致" in data["answer"]
    assert data["answer"].startswith("- 所说") and "未发现不一致" in data["answer"]


# -- understanding ------------------------------------------------------------------------------------------


def test_the_total_row_is_not_the_new_requests_row(assistant):
    # 上海市司法局 2020: 办理结果总计 113, 本年新收 118
    assert ask(assistant, "上海市司法局2020年一共办完了多少件申请？")["value"] == 113


def test_text_forms_normalise_to_the_same_answer(assistant):
    for question in ("淮安市人民政府２０２４年“部分公开”的申请有多少件？", "淮安市人民政府二〇二四年部分公开的申请有多少件？",
                     "淮安市人民政府2024年 部分 公开 的 申请 有 多少 件？", "淮安市人民政府2024年部分公開的申請有多少件？",
                     "How many requests did 淮安市人民政府 partially disclose in 2024?"):
        assert ask(assistant, question)["value"] == 454, question


def test_outcome_words_pick_the_column_and_a_bare_verb_is_not_new_requests(assistant):
    # 上海市司法局 2020: 行政诉讼 结果维持 3 (2 rows), 行政复议 结果纠正 2; 淮安市 2024 第三方 (个人隐私) 6
    assert ask(assistant, "上海市司法局2020年信息公开官司赢了几场？")["citations"][0]["cell"]["col"] == "结果维持"
    assert ask(assistant, "上海市司法局2020年复议被纠错了几次？")["value"] == 2
    assert ask(assistant, "淮安市2024年有几件申请是因为涉及个人隐私没有公开的？")["value"] == 6
    data = ask(assistant, "淮安市2024年有多少申请被拒了？")
    assert data["value"] != 3119 and (data["abstained"] or data["route"] == "text")


def test_places_in_pinyin_in_an_english_question(assistant):
    assert ask(assistant, "How many requests did Hongze receive in 2023?")["value"] == 21
    assert ask(assistant, "How many new requests did Huai'an city government receive in 2024?")["value"] == 3119


def test_agency_name_variants(assistant):
    assert ask(assistant, "沭阳县发展改革局2023年予以公开了多少件？")["value"] == 26
    assert ask(assistant, "淮安市淮安区人民政府2024年收到多少申请？")["abstained"]  # 淮安区 is not 淮安市


def test_a_qualifier_the_tables_lack_is_not_answered_from_a_cell(assistant):
    data = ask(assistant, "洪泽区2024年的行政复议案件中，由企业提起的有几件？")
    assert data["route"] != "table" or data["abstained"]


def test_ambiguous_word_asks_back_with_choices(assistant):
    data = ask(assistant, "沭阳县2025年结转了多少件？")
    assert data["abstained"] and len(data["clarify"]) == 2
    assert "36件" in data["answer"] and "31件" in data["answer"]  # 上年结转 36, 结转下年度 31


def test_close_semantic_readings_are_offered_not_guessed(assistant):
    class Torn:
        """A matcher that finds two readings equally near."""

        def decide(self, text):
            from qa.semantic import Match

            return None, [Match(Measure("申请", "不予公开"), 0.9), Match(Measure("申请", "不予处理"), 0.9)]

        def column(self, text, table):
            return None

    original = assistant.understander.matcher
    assistant.understander.matcher = Torn()
    try:
        data = ask(assistant, "上海市司法局2020年驳回了多少件申请？")
    finally:
        assistant.understander.matcher = original
    assert data["value"] is None
    assert data["abstained"] or data["route"] == "text"
    if data.get("clarify"):
        assert len(data["clarify"]) == 2


# -- follow-ups inherit every slot they do not name -----------------------------------------------------------


def test_follow_up_with_another_agency_keeps_year_row_and_column(assistant):
    first = assistant.ask("淮安市2024年自然人申请了多少件？")
    assert first.value == 3001
    second = assistant.ask("洪泽区呢？", history=[first])
    assert second.value == 95 and second.citations[0].cell == {"table": "申请", "row": "本年新收政府信息公开申请数量", "col": "自然人"}


def test_follow_up_with_a_column_keeps_the_row(assistant):
    first = assistant.ask("淮安市2024年收到多少件申请？")
    second = assistant.ask("商业企业的呢？", history=[first])
    assert second.value == 53


def test_follow_up_comparison_keeps_the_year(assistant):
    first = assistant.ask("洪泽区2024年收到多少件申请？")
    second = assistant.ask("比淮安市同年多几件？", history=[first])
    assert second.value == 3024  # 3119 - 95


def test_follow_up_rate_and_rate_for_another_agency(assistant):
    first = assistant.ask("淮安市2024年予以公开多少件？")
    second = assistant.ask("公开率是多少？", history=[first])
    assert second.value == 44.66
    third = assistant.ask("洪泽区呢？", history=[first, second])
    assert third.value == 52.63  # 50 / 95


def test_two_turns_joined(assistant):
    first = assistant.ask("洪泽区2024年收到多少件申请？")
    second = assistant.ask("淮安市同年呢？", history=[first])
    third = assistant.ask("两家加起来多少？", history=[first, second])
    assert third.value == 3214


# -- the SQL compiler and the query value -----------------------------------------------------------------


def test_sql_is_parameterised_and_hostile_text_is_just_text(assistant):
    hostile = Measure("申请", "'; DROP TABLE cells; --", "总计")
    sql, params = figures_statement([pattern(hostile)], ["txt/000_shanghai_justice_bureau_2020.txt"])
    assert "DROP" not in sql and "'; " not in sql
    assert "'; DROP TABLE cells; --" in params[2]  # the row names, a parameter
    data = ask(assistant, "上海市司法局2020年'; DROP TABLE cells; --收到多少申请")
    assert data["value"] == 118
    assert assistant.index.cells.execute("SELECT count(*) FROM cells")[0][0] > 1000


def test_query_round_trips_through_json_and_rejects_bad_values():
    query = Query(op="rate", measures=(Measure("申请", "予以公开"),), denominator=Measure("申请", "总计"), definition="公开率")
    assert Query.from_dict(query.to_dict()) == query
    with pytest.raises(QuestionError):
        Query(op="mode")
    with pytest.raises(QuestionError):
        Query.from_dict({"op": "value", "measures": [{"table": "申请"}]})


def test_query_cells_tool_returns_figures_with_citations(assistant):
    result = assistant.query_tool.invoke({
        "op": "rank", "measures": [{"table": "申请", "row": "本年新收政府信息公开申请数量"}],
        "years": [2024], "all_reports": True, "n": 2,
    })  # fmt: skip
    assert "3119" in result["answer"] and "218" in result["answer"] and len(result["citations"]) == 2
    one = assistant.query_tool.invoke({"measures": [{"table": "申请", "row": "予以公开"}], "agencies": ["淮安市人民政府"], "years": [2024]})
    assert one["value"] == 1362 and one["citations"][0]["cell"]["row"] == "予以公开"


def test_answer_as_a_table_file(assistant, tmp_path):
    import openpyxl

    answer = assistant.ask("2024年申请量前三的机关是哪些？")
    assert [r["value"] for r in answer.rows] == [3119, 218, 95]
    from index.cells import write_table
    from qa.answer import ROW_COLUMNS

    path = write_table(ROW_COLUMNS, [[r[c] for c in ROW_COLUMNS] for r in answer.rows], tmp_path / "top.xlsx", "xlsx")
    sheet = openpyxl.load_workbook(path).active
    assert sheet.cell(row=2, column=1).value == "淮安市人民政府" and sheet.cell(row=2, column=6).value == 3119


def test_ties_in_a_ranking_come_in_year_then_agency_order(assistant):
    """Reports with the same figure are listed the same way on every asking: by year, then agency."""
    data = ask(assistant, "哪些机关被申请行政复议的数量最少？")
    chart = data["chart"]
    tied = [(a, b) for a, b in zip(chart, chart[1:], strict=False) if a["value"] == b["value"]]
    assert len(tied) >= 3  # the corpus has several reports without a single 复议
    for a, b in tied:
        year_a, year_b = (int(re.search(r"(20\d\d)年", p["label"]).group(1)) for p in (a, b))
        assert (year_a, a["label"]) <= (year_b, b["label"])
    assert ask(assistant, "哪些机关被申请行政复议的数量最少？")["chart"] == chart


def test_over_thousands_of_reports_an_answer_names_the_first_and_counts_the_rest():
    """10^4 reports tied at 0, or summed: the text names 30 and says how many more; the chart keeps 50 bars."""
    from qa.answer import Scope
    from qa.cellsql import Figure
    from qa.execute import CHART_LIMIT, LIST_LIMIT, Executor
    from qa.render_table import render_result

    def figure(k: int, value: int) -> Figure:
        cell = {"table": "申请", "row": "本年新收政府信息公开申请数量", "col": "总计", "value": value, "unit": "件",
                "quote": f"一、本年新收政府信息公开申请数量 {value}", "page": None, "start": 0, "end": 10, "section": "", "disputed": False}
        return Figure(f"{k:05d}.txt", f"第{k:05d}号机关", 2024, "", 0, value, [cell])

    figures = [figure(0, 9), figure(1, 8)] + [figure(k, 5) for k in range(2, 2000)]
    measure = Measure("申请", "本年新收政府信息公开申请数量")
    executor = Executor(None)  # the handlers, given the figures a statement would read
    ranked = render_result(executor._rank(Query(op="rank", measures=(measure,), n=3), figures, Scope()), "申请量前三的机关？")
    tied = ranked.answer.split("并列的还有：")[1]
    assert tied.count("号机关") == LIST_LIMIT and f"另有 {1997 - LIST_LIMIT} 项" in tied
    assert len(ranked.chart) == CHART_LIMIT and ranked.chart[0]["value"] == 9
    assert [c.report_id for c in ranked.citations] == ["00000.txt", "00001.txt", "00002.txt"]
    summed = render_result(executor._sum(Query(op="sum", measures=(measure,)), figures, Scope()), "一共收到多少件申请？")
    assert summed.value == 9 + 8 + 5 * 1998 and len(summed.citations) == 2000 and len(summed.rows) == 2001
    assert summed.answer.count("号机关") == LIST_LIMIT and f"另有 {2000 - LIST_LIMIT} 项" in summed.answer
    assert summed.formula.startswith("9 + 8 + 5") and summed.formula.endswith(f"= {9 + 8 + 5 * 1998}")


def test_shouli_is_given_as_new_requests_with_the_sum_some_reports_mean_beside_it(assistant):
    # 沐阳县 2025: 本年新收 713, 上年结转 36; its prose says 「受理政府信息公开申请 749 件」 (713 + 36)
    data = ask(assistant, "沭阳县人民政府2025年受理了多少件政府信息公开申请？")
    assert data["value"] == 713 and "749" in data["answer"] and "713 + 36" in data["answer"]

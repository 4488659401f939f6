"""The assistant's behaviours over real reports, with the fake embedder (fast)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage

from corpus import CorpusError, QuestionError, Settings
from index import FakeEmbeddings
from qa import Answer, Assistant

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "corpus" / "reports"
FILES = (
    "txt/000_shanghai_justice_bureau_2020.txt",
    "pdf/hongze_2023_hzq2023_working.pdf",
    "pdf/hongze_2024_hzq2024_working.pdf",
    "pdf/huaian_city_2024_szfgs2024.pdf",
    "txt/012_shuyang_county_gov_2025.txt",
)
SEED = FILES[0]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    corpus = tmp_path_factory.mktemp("corpus")
    for name in FILES:
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPORTS / name, corpus / name)
    settings = Settings(home=tmp_path_factory.mktemp("home"), corpus=corpus)
    return Assistant.from_corpus(corpus, settings=settings, embeddings=FakeEmbeddings(), progress=False)


def test_seed_question_answers_from_the_cell_with_its_citation(assistant):
    answer = assistant.ask("有多少件申请没有答复？", reports=[SEED])
    data = answer.to_dict()
    assert (data["value"], data["unit"], data["route"], data["abstained"]) == (5, "件", "table", False)
    assert data["answer"].startswith("5件")
    [cite] = data["citations"]
    assert cite["cell"] == {"table": "申请", "row": "结转下年度继续办理", "col": "总计"}
    assert cite["quote"] == "四、结转下年度继续办理 5 0 0 0 0 0 5"
    assert cite["report_id"] == SEED and cite["section"].startswith("三、")
    report = assistant.index.reports[SEED]
    assert report.text[cite["start"] : cite["end"]].startswith("四、结转下年度继续办理")


def test_answer_json_has_the_contract_keys(assistant):
    data = assistant.ask("上海市司法局2020年有多少件申请没有答复？").to_dict()
    assert set(data) >= {"question", "answer", "value", "unit", "abstained", "route", "citations", "timings_ms"}
    assert set(data["citations"][0]) == {"report_id", "title", "section", "quote", "start", "end", "page", "cell"}
    assert data["timings_ms"]["total"] > 0


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("未答复的申请有几件？", 5),
        ("还没办完的申请有多少？", 5),
        ("有多少件申请结转到下一年？", 5),
        ("个人提出了多少件申请？", 116),
        ("企业提出了多少件申请？", 2),
        ("因国家秘密不予公开的有几件？", 2),
        ("行政复议被纠正了几件？", 2),
        ("一共收到多少件申请？", 118),
    ],
)
def test_everyday_wording_maps_to_the_canonical_cell(assistant, question, value):
    answer = assistant.ask(question, reports=[SEED])
    assert (answer.value, answer.route) == (value, "table")


def test_short_agency_name_selects_the_full_one(assistant):
    answer = assistant.ask("洪泽区2024年收到多少件申请？")
    assert answer.value == 95
    assert answer.citations[0].report_id == "pdf/hongze_2024_hzq2024_working.pdf"
    assert answer.citations[0].page is not None


def test_one_character_near_miss_is_a_reading_to_confirm_not_a_substitution(assistant):
    # txt/012 was OCR'd as 沐阳; users write 沭阳. Without another report naming 沭阳县, the corpus cannot tell
    # an OCR slip from another county (泗阳县 is one character off too): it asks, offering the name it holds.
    answer = assistant.ask("沭阳县2025年行政复议结果纠正多少件？")
    assert answer.abstained and answer.value is None and "沐阳县" in answer.answer
    confirmed = assistant.ask(answer.clarify[0])
    assert (confirmed.value, confirmed.abstained) == (10, False)
    assert confirmed.citations[0].report_id == "txt/012_shuyang_county_gov_2025.txt"


def test_agency_not_in_corpus_is_refused_not_answered_from_another(assistant):
    answer = assistant.ask("北京市司法局2020年收到多少件申请？")
    assert answer.abstained and answer.value is None and not answer.citations
    assert "北京市" in answer.to_dict()["reason"]


def test_year_not_in_corpus_is_refused(assistant):
    answer = assistant.ask("洪泽区2019年收到多少件申请？")
    assert answer.abstained and "2019" in answer.to_dict()["reason"]


def test_figure_question_without_agency_over_several_reports_asks_which(assistant):
    answer = assistant.ask("有多少件申请没有答复？")
    assert answer.abstained
    assert "请指明" in answer.to_dict()["reason"]


def test_naming_the_report_after_being_asked_which_answers_the_first_question(assistant):
    which = assistant.ask("有多少件申请没有答复？")
    assert which.abstained
    answer = assistant.ask("上海市司法局2020年的呢？", history=[which])
    assert (answer.value, answer.citations[0].cell["row"]) == (5, "结转下年度继续办理")


def test_follow_ups_inherit_scope_and_row(assistant):
    first = assistant.ask("洪泽区2024年收到多少件申请？")
    second = assistant.ask("那2023年呢？", history=[first])
    assert (second.value, second.citations[0].report_id) == (21, "pdf/hongze_2023_hzq2023_working.pdf")
    third = assistant.ask("其中自然人多少？", history=[first, second])
    assert third.value == 21 and third.citations[0].cell == {"table": "申请", "row": "本年新收政府信息公开申请数量", "col": "自然人"}


def test_comparison_computes_from_cited_cells(assistant):
    answer = assistant.ask("洪泽区2024年比2023年多收了多少件申请？")
    assert (answer.value, answer.route) == (74, "table")
    assert [c.quote.split()[-1] for c in answer.citations] == ["21", "95"]
    assert [p["value"] for p in answer.chart or []] == [21, 95]


def test_which_is_larger_names_the_agency(assistant):
    answer = assistant.ask("2024年淮安市和洪泽区，哪个收到的政府信息公开申请更多？")
    assert answer.answer.startswith("淮安市人民政府2024年更多")
    assert answer.value == 3119


def test_sum_of_two_rows_of_one_report(assistant):
    answer = assistant.ask("予以公开和部分公开的申请合计多少件？", reports=[SEED])
    assert answer.value == 74 and len(answer.citations) == 2


def test_prose_figure_is_extracted_with_unit_and_cited(assistant):
    answer = assistant.ask("上海市司法局2020年热线满意率是多少？")
    assert (answer.value, answer.unit, answer.route) == (98.69, "%", "text")
    cite = answer.citations[0]
    assert "98.69%" in cite.quote
    assert assistant.index.reports[SEED].text[cite.start : cite.end] == cite.quote


def test_a_plan_listed_as_yi_shi_er_shi_is_quoted_to_its_last_item(assistant):
    answer = assistant.ask("洪泽区政府2025年打算怎么整改2024年的问题？")
    cite = answer.citations[0]
    assert answer.route == "text" and cite.report_id == "pdf/hongze_2024_hzq2024_working.pdf"
    assert "一是扎实推进" in cite.quote and "二是加强对典型案例" in cite.quote and "跟班学习制度" in cite.quote
    assert cite.quote.endswith("业务工作水平。")
    assert assistant.index.reports[cite.report_id].text[cite.start : cite.end] == cite.quote


def test_figure_in_wan_is_a_plain_number(assistant):
    answer = assistant.ask("公号粉丝数达到多少？", reports=[SEED])
    assert (answer.value, answer.unit) == (204000, "万")


def test_descriptive_question_answers_with_the_sentence(assistant):
    answer = assistant.ask("上海市司法局政府信息公开受理点的地址在哪里？")
    assert "小木桥路470号" in answer.answer and answer.value is None


def test_qualifier_the_table_cannot_answer_is_not_answered_from_it(assistant):
    answer = assistant.ask("上海市司法局2020年收到的申请中有多少件来自外国人？")
    assert answer.abstained


def test_chain_is_a_langchain_runnable(assistant):
    one = assistant.chain.invoke({"question": "热线满意率是多少？", "report_ids": [SEED]})
    assert isinstance(one, Answer) and one.value == 98.69
    many = assistant.chain.batch(["热线满意率是多少？", "法律援助总数多少件？"])
    assert [a.value if a else None for a in many] == [98.69, 46200]
    assert [a.value for a in assistant.chain.stream({"question": "热线满意率是多少？", "report_ids": [SEED]})] == [98.69]


def test_lookup_tool_is_a_langchain_tool(assistant):
    tool = assistant.lookup_tool
    assert tool.name == "lookup_table_cell" and "年度报告" in tool.description
    result = tool.invoke({"agency": "淮安市人民政府", "year": 2024, "row": "不予公开/属于行政查询事项"})
    assert result["value"] == 105 and result["citations"][0]["page"] is not None


def test_llm_phrasing_keeps_the_figures_of_the_evidence(assistant):
    llm = FakeListChatModel(responses=["上海市司法局2020年有5件申请结转下年度继续办理。"])
    phrased = Assistant(assistant.index, llm=llm).ask("有多少件申请没有答复？", reports=[SEED])
    assert phrased.answer == "上海市司法局2020年有5件申请结转下年度继续办理。" and phrased.value == 5


def test_llm_that_invents_a_number_is_overruled(assistant):
    llm = FakeListChatModel(responses=["共有7件申请没有答复。"])
    answer = Assistant(assistant.index, llm=llm).ask("有多少件申请没有答复？", reports=[SEED])
    assert answer.answer.startswith("5件") and "7件" not in answer.answer


class ToolCallingFake(GenericFakeChatModel):
    """A fake chat model that asks for the table tool once, then answers."""

    def bind_tools(self, tools, **kwargs):
        return self


def test_llm_can_call_the_table_tool_and_its_cells_are_cited(assistant):
    call = {"name": "lookup_table_cell", "args": {"agency": "上海市司法局", "year": 2020, "row": "不予公开/属于国家秘密"}, "id": "c1"}
    llm = ToolCallingFake(messages=iter([AIMessage(content="", tool_calls=[call]), AIMessage(content="结转5件；另有2件因属于国家秘密不予公开。")]))
    answer = Assistant(assistant.index, llm=llm).ask("有多少件申请没有答复？", reports=[SEED])
    assert answer.answer == "结转5件；另有2件因属于国家秘密不予公开。" and answer.value == 5
    assert [c.cell["row"] for c in answer.citations if c.cell] == ["结转下年度继续办理", "不予公开/属于国家秘密"]


def test_llm_can_call_query_cells_and_only_its_figures_pass(assistant):
    args = {"op": "rate", "measures": [{"table": "申请", "row": "予以公开"}], "definition": "公开率",
            "denominator": {"table": "申请", "row": "总计"}, "agencies": ["淮安市人民政府"], "years": [2024]}
    call = {"name": "query_cells", "args": args, "id": "q1"}
    # 淮安市 2024: 予以公开 1362 of 办理结果总计 3050 = 44.66%
    told = "淮安市人民政府2024年公开率为44.66%（1362 ÷ 3050）。"
    llm = ToolCallingFake(messages=iter([AIMessage(content="", tool_calls=[call]), AIMessage(content=told)]))
    answer = Assistant(assistant.index, llm=llm).ask("淮安市人民政府2024年予以公开多少件？")
    assert answer.answer == told and answer.value == 1362
    assert {c.cell["row"] for c in answer.citations if c.cell} >= {"予以公开", "总计"}
    invented = ToolCallingFake(messages=iter([AIMessage(content="", tool_calls=[call]), AIMessage(content="公开率为51.2%。")]))
    kept = Assistant(assistant.index, llm=invented).ask("淮安市人民政府2024年予以公开多少件？")
    assert kept.answer.startswith("1362件")


@pytest.mark.parametrize("question", ["", "   ", "问" * 501])
def test_bad_questions_raise_a_clear_error(assistant, question):
    with pytest.raises(QuestionError):
        assistant.ask(question)


def test_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="no such corpus"):
        Assistant.from_corpus(tmp_path / "nowhere", settings=Settings(home=tmp_path, corpus=tmp_path), embeddings=FakeEmbeddings())


def test_corpus_without_reports_is_a_clear_error(tmp_path):
    (tmp_path / "notes.xlsx").write_bytes(b"x")
    with pytest.raises(CorpusError, match="no readable report"):
        Assistant.from_corpus(tmp_path, settings=Settings(home=tmp_path / "h", corpus=tmp_path), embeddings=FakeEmbeddings())


def test_a_prose_figure_of_one_agency_with_several_years_and_none_named_asks_which(assistant):
    # 洪泽区 has its 2023 and 2024 reports here; 「公开政府常务会议 7 期」 is the 2024 one's
    answer = assistant.ask("洪泽区公开了几期政府常务会议？")
    assert answer.abstained and answer.value is None and "请指明" in (answer.reason or "")
    assert any("2023" in c for c in answer.clarify) and any("2024" in c for c in answer.clarify)
    assert assistant.ask("洪泽区2024年公开了几期政府常务会议？").value == 7


def test_a_homophone_typo_in_a_name_is_read_as_printed_and_said(assistant):
    answer = assistant.ask("淮安市人民正府2024年个人申请中被部分公开的有几件")
    assert answer.value == 447 and "「正」" not in answer.answer and "人民政" in answer.answer
    assert "按报告中的" in answer.answer and "理解" in (answer.understood or "")


@pytest.mark.parametrize(("question", "value"), [
    # 沭阳县 2025 (printed 沐阳县) 表四 行政复议: 维持27 纠正10 其他9 尚未审结15 总计61 — 总计 is the row's own column here
    ("沐阳县2025年行政复议纠错率按纠正÷(总计−尚未审结)算是多少？", 21.74),  # 10 ÷ (61 − 15)
    # 表三: 予以公开294, 部分公开101, 总计718; 「帮我算下」 asks nothing more
    ("沐阳县2025年公开率=（予以公开+部分公开）÷办理结果总计，帮我算下", 55.01),
    # 上海市司法局 2020: 「热线接听数为817238人次…网络咨询接答数110665人次」 (jieba cuts 接听数是 as 接听|数是)
    ("上海市司法局2020年12348热线接听数是网络咨询接答数的几倍", 7.38),
])
def test_a_users_own_formula_and_ratio_read_in_full(assistant, question, value):
    answer = assistant.ask(question)
    assert not answer.abstained and answer.value == pytest.approx(value)


def test_which_body_is_answered_only_with_a_sentence_naming_one(assistant):
    # 沭阳县 2025: 「…收取信息处理费共计380元,其中民政局1件,收取380元。」, not 「…指导推动全县行政机关按规定收取费用」
    answer = assistant.ask("沐阳县2025年收取信息处理费的是哪个部门？")
    assert not answer.abstained and "民政局" in answer.answer


def test_where_is_an_address_and_which_ones_is_the_sentence_listing_them(assistant):
    # 上海市司法局 2020: 「…受理点(地址:小木桥路470号)」; 「存在哪些…」 is no 「在哪」
    assert "小木桥路470号" in assistant.ask("想去上海市司法局当面申请信息公开，受理点在哪？").answer
    problems = assistant.ask("上海市司法局2020年政府信息公开工作存在哪些主要问题？")
    assert "小木桥路" not in problems.answer
    # 淮安市 2024: 「创新开展调研式培训、过堂式培训」 lists the kinds asked
    assert "调研式培训" in assistant.ask("淮安市政府2024年搞了哪些形式的培训？").answer


def test_a_follow_up_naming_its_own_years_and_measure_inherits_neither(assistant):
    # 洪泽区 表三（七）总计: 2023 21, 2024 95 — 「23、24两年」 are two years (never 「242年」), 所有办理结果 the 总计 row
    first = assistant.ask("洪泽区2024年予以公开的申请有多少件")
    answer = assistant.ask("那洪泽区23、24两年所有办理结果加起来一共多少件？", history=[first])
    assert answer.value == 116 and "予以公开" not in (answer.understood or "")


def test_an_average_of_shou_li_lays_out_both_readings(assistant):
    # 沭阳县 2025 表三: 本年新收 713, 上年结转 36; its prose says 「共受理政府信息公开申请 749 件」 (新收 + 结转)
    answer = assistant.ask("沐阳县2025年平均每个月受理多少件信息公开申请")
    assert answer.value == pytest.approx(59.42) and "62.42" in answer.answer and "(713 + 36) ÷ 12" in answer.answer

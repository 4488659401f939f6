"""Render alone: a `Result` (or a Plan that gives no figure) in, the Answer's text out — no database, no question read.

The figures are 淮安市人民政府 2024's printed cells (tests/fixtures/expected/011): 不予公开/属于国家秘密 2, the
不予公开 group 178 (2 + 31 + 5 + 6 + 8 + 12 + 9 + 105).
"""

from __future__ import annotations

from qa.answer import Answer, Scope
from qa.cellsql import Figure
from qa.plan import Plan
from qa.query import Measure, Query
from qa.render import partial, per_period, restate
from qa.render_table import render_result
from qa.result import Result

SECRET, WITHHELD = Measure("申请", "不予公开/属于国家秘密"), Measure("申请", "不予公开")
RATE = Query(op="rate", measures=(SECRET,), denominator=WITHHELD)


def _cell(row: str, value: int) -> dict:
    return {"table": "申请", "row": row, "col": "总计", "value": value, "unit": "件", "quote": f"{row} … {value}",
            "page": 3, "start": 0, "end": 9, "section": "三、收到和处理政府信息公开申请情况", "disputed": False}


def _figure(m: int, value: int, rows: list[tuple[str, int]]) -> Figure:
    return Figure("txt/011.txt", "淮安市人民政府", 2024, "淮安市人民政府2024年政府信息公开工作年度报告", m, value,
                  [_cell(r, v) for r, v in rows])


def test_a_rate_result_is_worded_with_its_formula_and_cites_every_cell():
    group = [("不予公开/属于国家秘密", 2), ("不予公开/其他法律行政法规禁止公开", 31), ("不予公开/危及“三安全一稳定”", 5),
             ("不予公开/保护第三方合法权益", 6), ("不予公开/属于三类内部事务信息", 8), ("不予公开/属于四类过程性信息", 12),
             ("不予公开/属于行政执法案卷", 9), ("不予公开/属于行政查询事项", 105)]
    figures = [_figure(0, 2, group[:1]), _figure(1, 178, group)]
    result = Result("rate", RATE, Scope(("txt/011.txt",)), figures, 1.12, "%", "2 ÷ 178 = 1.12%")
    answer = render_result(result, "淮安市2024年不予公开的申请里，涉及国家秘密的占多少？")
    assert answer.answer == ("1.12%（淮安市人民政府2024年：不予公开/属于国家秘密 · 总计 ÷ 不予公开 · 总计，2 ÷ 178 = 1.12%）")
    assert (answer.value, answer.unit, answer.formula) == (1.12, "%", "2 ÷ 178 = 1.12%")
    assert len(answer.citations) == 9 and answer.query == RATE
    assert answer.rows[-1]["column"] == "2 ÷ 178 = 1.12%"  # the computation is a row of the answer's table too


def test_a_result_missing_a_figure_says_which_and_gives_no_number():
    lacking = Figure("txt/011.txt", "淮安市人民政府", 2024, "", 1, None, [], complete=False)
    result = Result("missing", RATE, Scope(), [_figure(0, 2, [("不予公开/属于国家秘密", 2)])],
                    facts={"lacking": [lacking], "doubts": {}})
    answer = render_result(result, "q")
    assert answer.abstained and answer.value is None
    assert answer.answer == "无法给出可靠的数字：淮安市人民政府2024年「不予公开」未能从报告中可靠读出。已读出的：淮安市人民政府2024年 2件。"


def test_a_year_figure_per_day_names_its_calendar():
    answer = Answer(question="q", answer="12176件（本年度我局公共法律服务处中心共办理行政审批12176件。）", value=12176, unit="件")
    averaged = per_period(answer, "day", 2020)
    assert averaged.value == 33.27 and averaged.formula == "12176 ÷ 366 = 33.27"
    assert averaged.answer.startswith("平均每天 33.27件（12176 ÷ 366 = 33.27；2020年按 366 天计，工作日数报告未给出")


def test_a_partial_reading_says_what_was_understood_and_what_not_and_offers_the_nearest_question():
    plan = Plan("partial", "洪泽区2024年行政诉讼里几件是一审？", query=Query(measures=(Measure("复议诉讼", "行政诉讼"),)),
                agencies=("淮安市洪泽区人民政府",), years=(2024,), unexplained=("审",))
    answer = partial(plan)
    assert answer.abstained and answer.value is None
    assert "问题中的「审」没有对应的表格栏目或计算方式" in answer.answer
    assert answer.understood == restate(plan) == "理解为：淮安市洪泽区人民政府2024年，复议诉讼表「行政诉讼」"
    assert answer.clarify == ["淮安市洪泽区人民政府2024年复议诉讼「行政诉讼」是多少？"]

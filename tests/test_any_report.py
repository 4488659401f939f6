"""Any report, not one template: every table as cells, what a report is, and questions over its own tables.

Fixtures are the published files (tests/fixtures/any/, from ../shared/reports/; SOURCES.tsv there says where
each came from); expected cells were typed by hand from the page images (tests/fixtures/handtyped/), never
produced by this parser.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from corpus import Report, Settings
from corpus.anytables import parse_value
from corpus.reader import read_report
from index import FakeEmbeddings
from qa.anyreport import answer_any

FIXTURES = Path(__file__).parent / "fixtures"
ANY = FIXTURES / "any"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "reports"


@pytest.fixture(scope="module")
def sifang() -> Report:
    return read_report(ANY / "sifang_tech_2019_annual_report.pdf")


def _squash(text: str) -> str:
    return re.sub(r"[\s/]", "", text)


def _compare(report: Report, typed: dict) -> tuple[int, int, int]:
    """(cells typed, cells read with the same row, column and value, cells read with another value)."""
    total = right = wrong = 0
    for table in typed["tables"]:
        titles = {table["title"], table["title"].replace("合并及银行", "合并")}
        found = [t for t in report.tables if t.title in titles][:1]
        numbers = {t.number for t in found}
        side = table.get("side", "")
        cells = [c for c in report.table_cells if c.table in numbers and side in c.col]
        seen: dict[str, int] = {}  # a label printed twice (一般公共预算财政拨款 under 本年收入 and under 年初结转): in order
        for row in table["rows"]:
            k = seen[row["label"]] = seen.get(row["label"], -1) + 1
            for col, value in zip(table["columns"], row["values"], strict=True):
                if value is None:
                    continue
                total += 1
                want = _squash(col)
                hits = [c for c in cells if _squash(c.row) == _squash(row["label"])
                        and (_squash(c.col).endswith(want) or want.endswith(_squash(c.col)))]
                hits = hits[k : k + 1] if len(hits) > 1 else hits
                if len(hits) == 1 and abs(hits[0].value - value) < 1e-6:
                    right += 1
                elif any(abs(h.value - value) >= 1e-6 for h in hits):
                    wrong += 1
    return total, right, wrong


def test_every_statement_cell_of_sifang_2019_is_read_as_typed_by_hand(sifang: Report) -> None:
    typed = json.loads((FIXTURES / "handtyped" / "sifang_tech_2019_annual_report.json").read_text(encoding="utf-8"))
    assert [t["title"] for t in typed["tables"]] == ["合并资产负债表", "母公司资产负债表", "合并利润表", "母公司利润表",
                                                     "合并现金流量表", "母公司现金流量表"]
    assert _compare(sifang, typed) == (347, 347, 0)


def test_a_statement_continued_over_three_pages_is_one_table_with_its_unit(sifang: Report) -> None:
    balance = next(t for t in sifang.tables if t.title == "合并资产负债表")
    assert balance.pages == (59, 60, 61) and balance.unit == "元"
    assert balance.columns == ("2019年12月31日", "2018年12月31日")


@pytest.mark.parametrize("name", ["shanghai_putuo_social_work_dept_2024_final_accounts", "shanghai_finance_bureau_2025_unit_budget"])
def test_budget_totals_tables_have_no_cell_read_with_another_value(name: str) -> None:
    report = read_report(ANY / f"{name}.pdf")
    typed = json.loads((FIXTURES / "handtyped" / f"{name}.json").read_text(encoding="utf-8"))
    total, right, wrong = _compare(report, typed)
    assert wrong == 0 and right >= {"shanghai_putuo_social_work_dept_2024_final_accounts": 16}.get(name, total * 0.8), (total, right, wrong)


@pytest.mark.skipif(not (SHARED / "annual").is_dir(), reason="../shared/reports is not beside this checkout")
def test_jinyu_2020_statements_read_as_typed_by_hand() -> None:
    report = read_report(SHARED / "annual" / "jinyu_bio_2020_annual_report.pdf")
    typed = json.loads((FIXTURES / "handtyped" / "jinyu_bio_2020_annual_report.json").read_text(encoding="utf-8"))
    assert _compare(report, typed) == (389, 389, 0)


def test_an_annual_report_names_its_company_not_the_words_annual_report(sifang: Report) -> None:
    assert (sifang.kind, sifang.agency, sifang.year) == ("年度报告", "四方科技集团股份有限公司", 2019)
    assert {"四方科技", "603339"} <= set(sifang.names)


def test_a_final_accounts_report_is_read_as_its_department_and_year() -> None:
    report = read_report(ANY / "shanghai_putuo_social_work_dept_2024_final_accounts.pdf")
    assert (report.kind, report.agency, report.year) == ("部门决算", "中共上海市普陀区委社会工作部", 2024)
    assert not report.cells  # no 政府信息公开 table is read from it


def test_two_column_company_information_becomes_facts(sifang: Report) -> None:
    assert any(f.label == "电子信箱" and f.value == "zqb@ntsquare.com" for f in sifang.facts)


@pytest.mark.parametrize(("printed", "value", "percent"), [
    ("1,175,301,034.32", 1175301034.32, False), ("(1,234.00)", -1234.0, False), ("-8,771,612.52", -8771612.52, False),
    ("12.5%", 12.5, True), ("—", None, False), ("七、1", None, False), ("1,23,4", None, False),
])
def test_printed_numbers_are_parsed_exactly(printed: str, value: float | None, percent: bool) -> None:
    assert parse_value(printed) == (value, percent)


def _ask(report: Report, content: str) -> tuple[float | None, str]:
    answer = answer_any(content, content, report)
    assert answer is not None, content
    return answer.value, answer.answer


def test_a_row_of_the_balance_sheet_is_answered_with_its_table_and_column(sifang: Report) -> None:
    value, text = _ask(sifang, "年末账上货币资金有多少？")
    assert value == 905402299.44 and "合并资产负债表" in text and "2019年12月31日" in text


def test_an_everyday_name_maps_to_the_printed_row(sifang: Report) -> None:
    assert _ask(sifang, "总资产是多少")[0] == 2464948703.85  # 资产总计


def test_the_quick_ratio_is_computed_from_the_library_with_its_formula(sifang: Report) -> None:
    answer = answer_any("速动比率", "年末速动比率怎么样", sifang)
    assert answer is not None and answer.value == pytest.approx((1639379320.41 - 637768124.78) / 696435257.06, abs=1e-4)
    assert "存货" in (answer.formula or "") and len(answer.citations) == 3


def test_growth_over_the_prior_year_column_is_signed_and_in_percent(sifang: Report) -> None:
    value, text = _ask(sifang, "营收同比增长了多少")
    assert value == pytest.approx((1175301034.32 / 1230537181.80 - 1) * 100, abs=1e-3) and "下降 4.49%" in text


def test_a_change_asked_as_an_amount_is_the_difference_of_the_two_columns(sifang: Report) -> None:
    value, _ = _ask(sifang, "年末总资产比上年末增加了多少钱")
    assert value == pytest.approx(413725246.99, abs=0.005)


def test_the_parent_company_is_used_only_when_asked(sifang: Report) -> None:
    assert _ask(sifang, "母公司年末货币资金是多少")[0] == 122775584.93


def test_a_fact_is_answered_from_its_table(sifang: Report) -> None:
    answer = answer_any("邮箱", "电子信箱是什么", sifang)
    assert answer is not None and answer.answer.startswith("四方科技2019年") and "zqb@ntsquare.com" in answer.answer


def test_a_question_with_a_word_no_table_explains_gets_no_figure(sifang: Report) -> None:
    assert answer_any("q", "应收账款周转天数是多少", sifang) is None
    assert answer_any("q", "货币资金里受限的有多少", sifang) is None


def test_a_quarter_column_is_not_taken_for_the_year() -> None:
    from corpus.anytables import TableInfo
    from qa.anycells import column as _column

    quarters = TableInfo(1, "分季度主要财务指标", "百万元", (20,), ("2024年第一季度", "2024年第二季度"), 5)
    assert _column(quarters, 2024, prior=False, parent=False) is None
    statement = TableInfo(2, "合并利润表", "百万元", (126,), ("2024年度", "2023年度"), 30)
    assert _column(statement, 2024, prior=True, parent=False) == "2023年度"


def test_the_catalog_holds_every_table_cell_and_exports_them(sifang: Report, tmp_path: Path) -> None:
    import csv

    from index.cells import TABLE_EXPORT_COLUMNS, CellDB

    with CellDB.open(tmp_path / "cells.duckdb") as db:
        db.sync({sifang.id: sifang}, {sifang.id: "h"})
        [(kind, names)] = db.execute("SELECT kind, names FROM about")
        assert kind == "年度报告" and "四方科技" in names
        rows = db.execute("SELECT t.title, c.col_path, c.value, c.page FROM table_cells c JOIN tables t USING (report_id, tbl_no) "
                          "WHERE c.row_label = '货币资金' AND t.title = '合并资产负债表'")
        assert rows == [("合并资产负债表", "2019年12月31日", 905402299.44, 59), ("合并资产负债表", "2018年12月31日", 627041535.44, 59)]
        assert db.execute("SELECT count(*) FROM table_cells")[0][0] == len(sifang.table_cells)
        target = db.export(tmp_path / "tables.csv", "csv", tables=True)
    with open(target, encoding="utf-8-sig", newline="") as f:
        found = list(csv.DictReader(f))
    assert list(found[0]) == TABLE_EXPORT_COLUMNS and len(found) == len(sifang.table_cells)
    cash = next(r for r in found if r["row"] == "货币资金" and r["title"] == "合并资产负债表")
    assert (cash["issuer"], cash["kind"], cash["value"], cash["source"]) == ("四方科技集团股份有限公司", "年度报告", "905402299.44",
                                                                             "sifang_tech_2019_annual_report.pdf")


@pytest.fixture(scope="module")
def social_work() -> Report:
    return read_report(ANY / "shanghai_putuo_social_work_dept_2024_final_accounts.pdf")


def test_each_side_of_a_totals_table_answers_from_its_own_column(social_work: Report) -> None:
    spent = answer_any("q", "本年支出合计是多少", social_work)
    assert spent is not None and spent.value == 307.82 and spent.unit == "万元"
    assert spent.citations[0].cell == {"table": "收入支出决算总表", "row": "本年支出合计", "col": "支出 / 决算数"}
    assert "3,078,200 元" in spent.answer  # printed in 万元, converted exactly


def test_a_column_named_in_the_question_must_be_the_one_read(social_work: Report) -> None:
    asked = answer_any("q", "一般公共预算财政拨款收入决算数多少？", social_work)
    assert asked is not None and asked.value == 307.82
    assert answer_any("q", "一般公共预算财政拨款收入预算数多少？", social_work) is None  # no 预算数 column in this table


def test_a_tables_title_names_its_total(social_work: Report) -> None:
    # 一般公共预算财政拨款支出决算表: 合计 307.82 (万元); 一般公共服务支出 264.87: 264.87 ÷ 307.82 = 86.05%
    asked = answer_any("q", "一般公共预算财政拨款支出多少", social_work)
    assert asked is not None and asked.value == 307.82
    assert asked.citations[0].cell["table"] == "一般公共预算财政拨款支出决算表"
    share = answer_any("q", "一般公共服务支出占一般公共预算财政拨款支出的比重", social_work)
    assert share is not None and share.value == pytest.approx(86.05, abs=0.005) and share.unit == "%"


def test_a_change_asked_with_dui_bi_and_a_when_asked_of_a_sentence_without_a_date(sifang: Report) -> None:
    # 四方科技 2019 合并资产负债表 货币资金: 期末 and 期初, 「2019年末对比2018年末」 is that change
    value, said = _ask(sifang, "货币资金2019年末对比2018年末增加了多少")
    assert value is not None and "货币资金比上年" in said
    from qa.answer import Scope
    from qa.clause import Sentence
    from qa.text_route import _description  # a 「哪一年」 answered by a sentence saying no year is no answer

    report = social_work_report()  # the sentence as the splitter cut it after 「单位 2024 」: 「年新成立，人员变动…」
    start = report.text.index("年新成立")
    end = report.text.index("。", start) + 1
    found = _description("社会工作部哪一年成立的？", Sentence(report.id, report.text[start:end], start, end), report, [], Scope(()))
    assert found.abstained and "没有说到时间" in found.answer


def social_work_report() -> Report:
    return read_report(ANY / "shanghai_putuo_social_work_dept_2024_final_accounts.pdf")


def test_two_things_asked_each_are_split_with_the_words_they_share() -> None:
    from qa.parts import each_part

    assert each_part("城镇居民和农村居民人均可支配收入分别是多少？") == ("城镇居民人均可支配收入是多少", "农村居民人均可支配收入是多少")
    assert each_part("金融机构本外币存款余额和贷款余额各多少？") == ("金融机构本外币存款余额是多少", "金融机构本外币贷款余额是多少")
    assert each_part("城镇居民人均可支配收入是多少") == ()


def test_an_opening_balance_column_is_not_the_year_end_and_a_bank_alone_table_not_the_group() -> None:
    from corpus.anytables import TableInfo
    from qa.anycells import column as _column, score as _score

    restated = TableInfo(74, "合并资产负债表", "元", (90,), ("2019年12月31日", "2020年1月1日", "调整数"), 40)
    assert _column(restated, 2020, prior=False, parent=False) is None  # 金宇生物 2020: the new-standard restatement
    assert _score(TableInfo(1, "银行利润表", "百万元", (128,), ("2024年度",), 30), parent=False) == 0
    assert _score(TableInfo(1, "银行利润表", "百万元", (128,), ("2024年度",), 30), parent=True) == 3
    assert _score(TableInfo(1, "合并及银行利润表", "百万元", (), ("2019年度",), 30), parent=False) == 3


def test_a_division_the_user_writes_is_computed_from_the_two_rows(sifang: Report) -> None:
    answer = answer_any("q", "用管理费用除以营业收入，管理费用率是多少", sifang)
    assert answer is not None and answer.value == pytest.approx(46869502.38 / 1175301034.32 * 100, abs=1e-3)
    share = answer_any("q", "年末货币资金占资产总计的比例是多少", sifang)
    assert share is not None and share.value == pytest.approx(905402299.44 / 2464948703.85 * 100, abs=1e-3)
    assert answer_any("q", "年末货币资金占受限资产的比例是多少", sifang) is None  # 受限资产 is no row


def test_a_prose_figure_that_is_not_the_change_or_unit_asked_is_unsaid() -> None:
    from qa.answer import Answer, Citation
    from qa.anyreport import unsaid

    # 平安银行 2024 (p. 30 of the published PDF, as quoted by the text route)
    quote = "2024年末,本行个人贷款余额17,671.68亿元,较上年末下降10.6%,其中抵押类贷款占个人贷款的比例为62.8%。"

    def said(value: float, unit: str) -> Answer:
        return Answer(question="q", answer="a", value=value, unit=unit, citations=[Citation("r", "t", "", quote, 0, 0)])

    assert unsaid("年末个人贷款余额较上年末变动多少", said(17671.68, "亿元")) == ["变动"]  # the balance, not its change
    assert unsaid("年末个人贷款余额较上年末变动多少", said(10.6, "%")) == []
    assert unsaid("年末个人贷款余额是多少", said(17671.68, "亿元")) == []
    assert unsaid("年末个人贷款有多少笔", said(17671.68, "亿元")) == ["多少笔"]
    assert unsaid("年末抵押类贷款有多少个", said(62.8, "%")) == ["多少个"]


@pytest.mark.skipif(not (SHARED / "annual").is_dir(), reason="../shared/reports is not beside this checkout")
@pytest.mark.parametrize(("path", "least"), [("annual/ping_an_bank_2024_annual_report.pdf", 277),
                                             ("annual/psbc_2019_annual_report_converted.html", 138)])
def test_bank_statements_read_in_part_never_with_another_value(path: str, least: int) -> None:
    report = read_report(SHARED / path)
    typed = json.loads((FIXTURES / "handtyped" / f"{Path(path).stem}.json").read_text(encoding="utf-8"))
    _, right, wrong = _compare(report, typed)
    assert wrong == 0 and right >= least, (right, wrong)


def test_a_column_named_is_read_from_the_tables_total_row() -> None:
    """支出预算总表 p11: 合计 171,915,169 | 基本支出 127,642,039 | 项目支出 44,273,130 (元), 合计 printed across the codes."""
    finance = read_report(ANY / "shanghai_finance_bureau_2025_unit_budget.pdf")
    totals = {(c.table, c.col): c.value for c in finance.table_cells if c.row == "合计"}
    assert 44273130 in totals.values() and 127642039 in totals.values()
    value, text = _ask(finance, "2025年预算的项目支出是多少元")
    assert value == 44273130 and "支出预算总表" in text and "项目支出" in text
    answer = answer_any("q", "基本支出和项目支出分别是多少", finance)
    assert answer is not None and "127,642,039" in answer.answer and "44,273,130" in answer.answer


def test_a_name_that_heads_a_column_of_the_rows_table_is_that_column(sifang: Report) -> None:
    """p11 主营业务分行业情况: 冷冻设备 营业收入 371,318,215.91, 罐式集装箱 764,321,152.14 (元)."""
    answer = answer_any("q", "冷冻设备和罐式集装箱两块业务的营业收入分别是多少", sifang)
    assert answer is not None and "371,318,215.91" in answer.answer and "764,321,152.14" in answer.answer


def test_a_formula_with_its_own_inputs_named_and_not_with_others(sifang: Report) -> None:
    """毛利率 (p63 合并利润表): (1,175,301,034.32 − 903,236,584.52) ÷ 1,175,301,034.32 = 23.15%."""
    value, _ = _ask(sifang, "帮我算下毛利率（按营业收入和营业成本算）")
    assert value == pytest.approx(23.1485, abs=1e-3)
    assert answer_any("q", "货币资金的毛利率是多少", sifang) is None  # a figure the formula is not computed from


def test_financial_shorthand_and_growth_in_percent_asked_in_words(sifang: Report) -> None:
    """p6 主要财务指标: 基本每股收益 0.62, 加权平均净资产收益率 7.64; p59 在建工程 236,864,658.04 vs 106,578,620.77."""
    answer = answer_any("q", "基本每股收益和加权平均ROE各是多少", sifang)
    assert answer is not None and "0.62" in answer.answer and "7.64" in answer.answer
    value, _ = _ask(sifang, "在建工程末比末增长了百分之多少")
    assert value == pytest.approx((236864658.04 / 106578620.77 - 1) * 100, abs=1e-3)


def test_the_issuers_place_and_whole_function_words_are_not_left_over() -> None:
    """「市…」 once 财政局 is read as the issuer, 「上海市」, and 「比重」 as one word (not 比 + 重): p11 and p7 totals,
    基本支出 127,642,039 ÷ 支出总计 171,915,169 = 74.25%."""
    finance = read_report(ANY / "shanghai_finance_bureau_2025_unit_budget.pdf")
    assert _ask(finance, "市项目支出预算是多少元？")[0] == 44273130
    assert _ask(finance, "上海市的项目支出是多少元")[0] == 44273130
    value, _ = _ask(finance, "预算中基本支出占支出总计的比重是多少？")
    assert value == pytest.approx(127642039 / 171915169 * 100, abs=1e-3)
    assert answer_any("q", "市场部的项目支出是多少元", finance) is None  # 「市场」 is not the issuer's 市


def test_a_label_misspelt_with_a_homophone_is_read_and_the_reading_said(sifang: Report) -> None:
    """p59: 在建工程 236,864,658.04 (2019) and 106,578,620.77 (2018); 应收账款 35,667,317.09."""
    answer = answer_any("q", "在建工成末比末增长了百分之多少", sifang)
    assert answer is not None and answer.answer.startswith("（按「在建工程」理解「在建工成」）")
    assert answer.value == pytest.approx((236864658.04 / 106578620.77 - 1) * 100, abs=1e-3)
    assert _ask(sifang, "应收帐款是多少")[0] == 35667317.09
    assert answer_any("q", "在建工作是多少", sifang) is None  # 作 does not sound like 程: not a slip of the pen


def test_a_share_of_a_whole_named_first_divides_by_that_whole(sifang: Report) -> None:
    """「流动资产中货币资金占比」 (p59): 货币资金 905,402,299.44 ÷ 流动资产合计 1,639,379,320.41 = 55.23%."""
    expected = 905402299.44 / 1639379320.41 * 100
    assert _ask(sifang, "流动资产中货币资金占比是多少")[0] == pytest.approx(expected, abs=1e-3)
    assert _ask(sifang, "流动资产里货币资金占多大比例")[0] == pytest.approx(expected, abs=1e-3)
    assert _ask(sifang, "货币资金占流动资产的比例")[0] == pytest.approx(expected, abs=1e-3)


@pytest.mark.skipif(not (SHARED / "budget").is_dir(), reason="../shared/reports is not beside this checkout")
def test_the_plain_table_over_one_qualified_by_words_not_asked_and_a_short_name_of_the_issuer() -> None:
    """普陀区财政局 2024 决算: 收入支出决算总表 总计 2,995.39 (p6), 财政拨款收入支出决算总表 总计 2,961.68 万元;
    规划和自然资源局: 收入支出决算总表 总计 9,859.38 万元 (p7), asked by its short name 「规划资源局」."""
    finance = read_report(SHARED / "budget" / "shanghai_putuo_finance_bureau_2024_final_accounts.pdf")
    assert _ask(finance, "年度收入支出总计是多少万元")[0] == 2995.39
    planning = read_report(SHARED / "budget" / "shanghai_putuo_planning_resources_bureau_2024_final_accounts.pdf")
    assert _ask(planning, "普陀区规划资源局年度收入支出总计是多少？")[0] == 9859.38


def test_a_year_before_the_report_is_read_from_its_prior_column_and_never_from_its_prose() -> None:
    """四方科技's 2019 report prints 2018: 营业收入 1,230,537,181.80 (合并利润表), 货币资金 627,041,535.44 (2018-12-31);
    2017 is in no table of it, and the 2019 prose is not asked about 2018."""
    from qa import Assistant

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        shutil.copy(ANY / "sifang_tech_2019_annual_report.pdf", corpus)
        settings = Settings(home=Path(tmp) / "home", corpus=corpus)
        assistant = Assistant.from_corpus(corpus, settings=settings, embeddings=FakeEmbeddings(), progress=False)
        answer = assistant.ask("四方科技2018年营业收入是多少")
        assert answer.value == 1230537181.80 and answer.answer.startswith("四方科技2019年报告所列2018年：")
        assert assistant.ask("四方科技2018年年末货币资金").value == 627041535.44
        later = assistant.ask("四方科技2017年营业收入")
        assert later.abstained and "语料中没有四方科技集团股份有限公司2017年的报告" in later.answer
        assistant.index.close()


def test_a_fact_labelled_with_its_company_answers_the_bare_word(sifang: Report) -> None:
    """p4 公司信息: 「公司的法定代表人 黄杰」 answers 「法定代表人是谁」."""
    answer = answer_any("q", "的法定代表人是谁（年报）", sifang)
    assert answer is not None and "黄杰" in answer.answer


@pytest.mark.skipif(not (SHARED / "budget").is_dir(), reason="../shared/reports is not beside this checkout")
def test_the_totals_tables_of_all_five_budget_reports_read_as_typed_by_hand() -> None:
    """收支总表 and 支出预算总表 of the five budget reports: every typed cell read with its row, column and value.

    Labels are compared without their spacing (「1. 一般公共预算」 is printed with a space); 「项目支出」 merged down over
    two header rows is not 「项目支出 / 公用经费」; a label printed twice (under 本年收入 and under 年初结转) in order.
    """
    totals = [0, 0, 0]
    for path in sorted((SHARED / "budget").glob("*.pdf")):
        typed = json.loads((FIXTURES / "handtyped" / f"{path.stem}.json").read_text(encoding="utf-8"))
        totals = [a + b for a, b in zip(totals, _compare(read_report(path), typed), strict=True)]
    assert totals == [143, 143, 0]



def test_period_words_and_a_label_asked_without_its_generic_words(sifang: Report) -> None:
    """p52 员工情况: 在职员工的数量合计 1,406 (a count, not 元); p14 研发投入情况表: 公司研发人员的数量 172;
    p59 合并资产负债表: 存货 2019-12-31 637,768,124.78 (its 账面价值), 2018-12-31 601,968,438.28."""
    value, text = _ask(sifang, "年末在职员工总共多少人")
    assert value == 1406 and "元" not in text
    value, text = _ask(sifang, "研发人员有多少人")
    assert value == 172 and "元" not in text
    assert _ask(sifang, "年底存货账面价值多少元？")[0] == 637768124.78
    assert _ask(sifang, "年初（也就是上年末）的存货余额是多少？")[0] == 601968438.28


def test_a_share_or_change_not_read_in_full_is_not_the_level(sifang: Report) -> None:
    """「货币资金占比」 names no whole, so no figure (not 货币资金 itself); 「和上年相比…下降了百分之几」 is the growth
    from the prior-year column: 货币资金 905,402,299.44 vs 627,041,535.44."""
    assert answer_any("q", "货币资金占比是多少", sifang) is None
    value, text = _ask(sifang, "和上年相比货币资金增长了百分之几")
    assert value == pytest.approx((905402299.44 / 627041535.44 - 1) * 100, abs=1e-3) and "%" in text


def test_a_grouped_text_table_answers_its_rows(sifang: Report) -> None:
    """p5 其他相关资料: 公司聘请的会计师事务所（境内） printed once beside three rows (名称, 办公地址, 签字会计师姓名)."""
    answer = answer_any("q", "年报是哪家会计师事务所审的？", sifang)
    assert answer is not None and "天健会计师事务所" in answer.answer
    answer = answer_any("q", "审计机构是哪家", sifang)
    assert answer is not None and "天健会计师事务所" in answer.answer


def test_a_figure_asked_in_wan_yuan_is_also_given_in_wan_yuan() -> None:
    """上海市财政局 2025 单位预算 p7 财务收支预算总表: 收入总计 171,915,169 元 = 17,191.52 万元."""
    budget = read_report(ANY / "shanghai_finance_bureau_2025_unit_budget.pdf")
    value, text = _ask(budget, "收入总计一共多少万元？")
    assert value == 171915169 and "（即 17,191.52 万元）" in text
    share = answer_any("q", "项目支出占支出预算总额的比例是多少", budget)  # 项目支出 44,273,130 ÷ 支出总计
    assert share is not None and share.value == pytest.approx(44273130 / 171915169 * 100, abs=1e-3) and share.unit == "%"


@pytest.fixture(scope="module")
def bulletins(tmp_path_factory: pytest.TempPathFactory, models_dir: Path):
    """Two statistical bulletins with the real embedding model (a bulletin's prose is found by meaning)."""
    from qa import Assistant

    tmp = tmp_path_factory.mktemp("bulletins")
    corpus = tmp / "corpus"
    corpus.mkdir()
    for name in ("zhoukou_2023_statistical_bulletin.pdf", "qiandongnan_2023_statistical_bulletin.pdf"):
        shutil.copy(ANY / name, corpus)
    settings = Settings(home=tmp / "home", corpus=corpus, models_dir=models_dir)
    assistant = Assistant.from_corpus(corpus, settings=settings, progress=False)
    yield assistant
    assistant.index.close()


@pytest.mark.parametrize(("question", "value", "unit"), [
    ("周口市2023年粮食总产量是多少万吨？", 902.61, "万吨"),  # 「粮食播种面积 2066.70 万亩,总产量 902.61 万吨」
    ("周口港2023年货物吞吐量多少万吨？", 4081, "万吨"),  # 「全市港口货物吞吐量4081 万吨」
    ("周口2023年全体居民人均可支配收入多少元？", 23102, "元"),  # 「全市居民人均可支配收入 23102 元」
    ("黔东南州2023年地区生产总值多少亿元？", 1329.65, "亿元"),  # 「全年全州生产总值[2]1329.65亿元」
    ("黔东南2023年GDP是多少", 1329.65, "亿元"),
])
@pytest.mark.e2e
def test_a_bulletins_prose_figure_with_its_compound_unit_and_the_areas_own_words(bulletins, question, value, unit) -> None:
    answer = bulletins.ask(question)
    assert (answer.value, answer.unit, answer.abstained) == (value, unit, False), answer.answer


@pytest.mark.e2e
def test_a_figure_from_a_sibling_clause_is_not_the_one_asked(bulletins) -> None:
    """p1: 「第一产业增加值占全州生产总值的比重为20.9%, 第二产业…22.1%、第三产业增加值比重为」 (57.0% on the next
    line): 20.9% is the 第一产业's share, never the 第三产业's."""
    answer = bulletins.ask("黔东南2023年第三产业增加值占GDP比重是多少？")
    assert answer.abstained or answer.value == pytest.approx(57.0, abs=0.05), answer.answer


def test_a_change_asked_with_a_label_word_repeated_and_rows_that_only_name_periods(sifang: Report) -> None:
    """合并现金流量表: 经营活动产生的现金流量净额 2019 369,100,908.49, 2018 22,934,667.53 — asked as
    「经营活动现金流净额」 (净额 repeats the printed label) 「同比增长率」."""
    value, text = _ask(sifang, "经营活动现金流净额同比增长率？")
    assert value == pytest.approx((369100908.49 / 22934667.53 - 1) * 100, abs=1e-3) and "增长" in text


@pytest.mark.e2e
def test_an_area_noun_after_the_issuers_place_is_not_another_place(bulletins) -> None:
    """「黔东南城镇居民」: 城镇 is a kind of area, not a place under 黔东南 that the corpus lacks."""
    answer = bulletins.ask("黔东南2023年城镇常住居民人均可支配收入是多少元")
    assert "语料中没有「黔东南城镇」" not in answer.answer


@pytest.mark.e2e
def test_two_years_compared_are_not_answered_with_one_sentences_change_over_the_year_before(bulletins) -> None:
    """周口 2023 prints 「全市居民人均可支配收入 23102 元,同比增长 5.1%」: that is 2023 over 2022, not over 2020."""
    answer = bulletins.ask("周口居民人均可支配收入2023年比2020年增长了百分之多少")
    assert answer.abstained and answer.value is None


def test_a_change_the_prose_gives_beside_the_level_and_a_word_one_off_an_agency_that_is_no_name(tmp_path: Path) -> None:
    """上海市财政局 2025 单位预算 p6: 「财政拨款收入17,192万元,比2024年预算减少990万元」 — the change asked is 990,
    not the level 17,192; 「财政拨款」 is one character off 「财政局」 but is no agency name."""
    from qa import Assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ANY / "shanghai_finance_bureau_2025_unit_budget.pdf", corpus)
    settings = Settings(home=tmp_path / "home", corpus=corpus)
    assistant = Assistant.from_corpus(corpus, settings=settings, embeddings=FakeEmbeddings(), progress=False)
    answer = assistant.ask("上海市财政局2025年财政拨款收入跟2024年预算比，减少了多少万元？")
    assert (answer.value, answer.unit, answer.abstained) == (990, "万元", False), answer.answer
    assistant.index.close()


@pytest.mark.e2e
def test_a_share_of_two_prose_figures_and_a_figure_on_the_line_after_its_label(bulletins) -> None:
    """周口 2023 p8: 「一般公共预算收入\\n202.27 亿元,增长12.3%。其中,税收收入136.35 亿元」 (the figure wrapped to the
    next line): 136.35 ÷ 202.27 = 67.41%; a chart's title (「图2 …比重 100%」) is no answer."""
    answer = bulletins.ask("周口2023年一般公共预算收入有多少亿元？")
    assert (answer.value, answer.unit) == (202.27, "亿元"), answer.answer
    answer = bulletins.ask("周口2023年税收收入占一般公共预算收入的比重是多少")
    assert (answer.value, answer.unit) == (67.41, "%") and answer.formula == "136.35 ÷ 202.27 × 100% = 67.41%"


def test_the_statement_the_user_names_says_where_the_row_is_read(sifang: Report) -> None:
    """合并利润表 2019: 研发费用 / 营业收入 — 「利润表里的研发费用」 names where the row is, no word left over."""
    answer = answer_any("q", "研发费用率（利润表研发费用/营业收入）多少？", sifang)
    assert answer is not None and answer.unit == "%" and "研发费用" in (answer.formula or "")
    assert _ask(sifang, "利润表里的营业收入")[0] == 1175301034.32


def test_a_value_whose_column_head_was_lost_is_not_the_years_figure() -> None:
    """黔东南 2023 表15: 「旅游总人数 … 28.5」 is read with no column head (the growth over the year before, in %):
    no figure from it; the prose says 7883.48 万人次."""
    bulletin = read_report(ANY / "qiandongnan_2023_statistical_bulletin.pdf")
    answer = answer_any("q", "旅游总人数是多少", bulletin)
    assert answer is None or answer.value != 28.5


@pytest.mark.e2e
def test_two_things_asked_each_read_from_its_sentence_never_the_tables_growth_rates(bulletins) -> None:
    """黔东南 2023: 「旅游总人数和旅游总收入分别是多少」 — the table's 28.5 / 37.1 are growth rates (no column head); the
    prose says 「旅游接待总人数7883.48万人次」 and 「实现旅游总收入876.71亿元」: each figure from its sentence, no sum."""
    answer = bulletins.ask("黔东南23年旅游总人数和旅游总收入分别是多少")
    assert not answer.abstained and answer.value is None
    stated = re.sub(r"（[^）]*）", "", answer.answer)  # the answer's own words, without the quoted sentences
    assert "7883.48万人次" in stated and "876.71亿元" in stated
    assert "28.5" not in stated and "37.1" not in stated and "相加" not in answer.answer


@pytest.fixture(scope="module")
def qiandongnan(tmp_path_factory: pytest.TempPathFactory, models_dir: Path):
    """黔东南's bulletins of 2016 (DOCX, issued as 黔东南苗族侗族自治州统计局) and 2023 (PDF, as 黔东南州统计局)."""
    from qa import Assistant

    tmp = tmp_path_factory.mktemp("qiandongnan")
    corpus = tmp / "corpus"
    corpus.mkdir()
    for name in ("qiandongnan_2016_statistical_bulletin.docx", "qiandongnan_2023_statistical_bulletin.pdf"):
        shutil.copy(ANY / name, corpus)
    settings = Settings(home=tmp / "home", corpus=corpus, models_dir=models_dir)
    assistant = Assistant.from_corpus(corpus, settings=settings, progress=False)
    yield assistant
    assistant.index.close()


@pytest.mark.e2e
@pytest.mark.parametrize(("question", "value", "later", "earlier"), [
    # 2016: 「全年地区生产总值939.05亿元」; 2023: 「全年全州生产总值[2]1329.65亿元」
    ("黔东南州GDP 2023年比2016年多了多少亿元", 390.6, 1329.65, 939.05),
    ("黔东南GDP从2016年到2023年增加了多少亿元", 390.6, 1329.65, 939.05),  # the span's two ends, not the 8 years in it
    # 2016: 「实现旅游总收入553.68亿元」; 2023: 「实现旅游总收入876.71亿元」
    ("黔东南州旅游总收入2023年比2016年增加了多少亿元？", 323.03, 876.71, 553.68),
])
def test_two_years_of_one_place_each_from_its_own_bulletin(qiandongnan, question, value, later, earlier) -> None:
    answer = qiandongnan.ask(question)
    assert not answer.abstained and answer.value == pytest.approx(value)
    assert {c.report_id for c in answer.citations} == {"qiandongnan_2016_statistical_bulletin.docx",
                                                       "qiandongnan_2023_statistical_bulletin.pdf"}
    assert f"{later:g}" in answer.answer and f"{earlier:g}" in answer.answer


@pytest.mark.e2e
@pytest.mark.parametrize(("question", "figures"), [
    # 「全州城镇常住居民人均可支配收入[7]40867 元」, 「全州农村常住居民人均可支配收入 14239 元」: the shared tail as printed;
    # never 「城镇常住居民人均消费支出 26944 元」, which says 城镇 but not 可支配收入
    ("黔东南2023年城镇和农村常住居民人均可支配收入分别多少元？", ("40867", "14239")),
    ("黔东南2023年第一产业和第三产业增加值分别是多少", ("277.25", "758.14")),
    # 表1 prints 「#城镇 1,654,272」 (人): 城镇 is 户籍人口's row too, but the two share 人均可支配收入, in 元
    ("黔东南2023年城镇、农村常住居民人均可支配收入各多少？", ("40867", "14239")),
])
def test_each_of_two_with_the_words_they_share(qiandongnan, question, figures) -> None:
    answer = qiandongnan.ask(question)
    said = answer.answer.replace(",", "")  # from the prose (40867 元) or from the bulletin's table (40,867 元)
    assert not answer.abstained and all(f in said for f in figures) and "26944" not in said
    assert {c.report_id for c in answer.citations} == {"qiandongnan_2023_statistical_bulletin.pdf"}


def test_contact_details_asked_in_everyday_words(sifang: Report) -> None:
    """四方科技 2019 p4: 董事会秘书 / 电子信箱 zqb@ntsquare.com; 邮储银行 2019 (HTML): a lone cell 「E-mail: ir@psbc.com」."""
    for asked in ("董秘的联系邮箱是多少", "四方科技集团董秘的电子邮箱是啥", "想给四方科技证券部发邮件，邮箱地址是多少"):
        assert "zqb@ntsquare.com" in _ask(sifang, asked)[1], asked
    psbc = read_report(ANY / "psbc_2019_annual_report_converted.html")
    assert "ir@psbc.com" in _ask(psbc, "邮储银行投资者关系邮箱是多少")[1]
    assert "张金良" in _ask(psbc, "邮储银行的法定代表人是谁")[1]


def test_a_homophone_typo_is_read_as_the_printed_word_only_when_one_fits() -> None:
    """周口 2023: 「总产量 902.61 万吨」; 「总产亮」 is printed nowhere and 亮/量 sound alike (liang)."""
    from qa.misspelt import misspelt_in

    text = read_report(ANY / "zhoukou_2023_statistical_bulletin.pdf").text
    assert misspelt_in("周口23年粮食总产亮多少万吨？", text) == ("粮食总产亮", "粮食总产量")
    assert misspelt_in("周口23年粮食总产量多少万吨？", text) is None  # written right
    assert misspelt_in("周口23年粮食总产值多少万吨？", text) is None  # 值 (zhi) is no 量 (liang)


@pytest.mark.e2e
def test_a_typo_answered_says_how_it_was_read(bulletins) -> None:
    answer = bulletins.ask("周口23年粮食总产亮多少万吨？")
    assert not answer.abstained and answer.value == 902.61 and "「粮食总产亮」按报告中的「粮食总产量」理解" in answer.answer


@pytest.mark.e2e
@pytest.mark.parametrize(("question", "value"), [
    # 周口 2023: 「一般公共预算收入 202.27 亿元…其中,税收收入136.35 亿元」 — the place is who, not a word each sentence says
    ("周口2023年一般公共预算收入里税收占比多少？", 67.41),
    # 「社零」 is how people say 社会消费品零售: 「乡村消费品零售额339.37 亿元」 ÷ 「社会消费品零售总额1954.60 亿元」
    ("周口2023年乡村消费品零售额占社零总额的比重是多少？", 17.36),
])
def test_a_share_of_two_prose_figures_named_with_the_place(bulletins, question, value) -> None:
    answer = bulletins.ask(question)
    assert not answer.abstained and answer.value == pytest.approx(value) and answer.unit == "%"


@pytest.mark.parametrize(("question", "value", "formula"), [
    # 周口 2023: 「城镇居民人均可支配收入 33084 元…农村居民人均可支配收入 16342 元」: 农村 takes the measure 城镇 names
    ("周口2023年城镇居民人均可支配收入比农村高多少元？", 16742, "33084 − 16342 = 16742"),
    # 「城镇消费品零售额 1615.23 亿元」, 「乡村消费品零售额339.37 亿元」 (1275.86 exactly, no float tail)
    ("周口2023年城镇消费品零售额比乡村多多少", 1275.86, "1615.23 − 339.37 = 1275.86"),
])
def test_a_difference_of_two_prose_figures_the_shorter_side_named_by_the_longer(bulletins, question, value, formula) -> None:
    answer = bulletins.ask(question)
    assert (answer.value, answer.formula, answer.abstained) == (value, formula, False), answer.answer


@pytest.mark.skipif(not (SHARED / "budget").is_dir(), reason="../shared/reports is not beside this checkout")
def test_two_rows_asked_each_and_a_period_word_inside_a_rows_name() -> None:
    """普陀区财政局 2024 决算 收入支出决算总表 (万元, p6): 年初结转和结余 49.14, 年末结转和结余 55.34 — 年初 is the row's
    own name, not the year before; two rows each named with 和 inside, separated by 、."""
    from qa.parts import each_part

    report = read_report(SHARED / "budget" / "shanghai_putuo_finance_bureau_2024_final_accounts.pdf")
    parts = each_part("年初结转和结余、年末结转和结余各是多少？", report.text)
    assert parts == ("年初结转和结余是多少", "年末结转和结余是多少")
    assert [_ask(report, p)[0] for p in parts] == [49.14, 55.34]
    assert "收入支出决算总表" in _ask(report, parts[0])[1]


def test_each_of_two_statement_rows_sharing_their_tail_from_the_tables(sifang: Report) -> None:
    """四方科技 2019 合并现金流量表: 经营活动产生的现金流量净额 369,100,908.49; 投资活动… -208,930,749.53."""
    from qa.parts import each_part

    parts = each_part("经营活动和投资活动产生的现金流量净额各是多少", sifang.text)
    assert parts == ("经营活动产生的现金流量净额是多少", "投资活动产生的现金流量净额是多少")
    assert [_ask(sifang, p)[0] for p in parts] == [369100908.49, -208930749.53]


def test_a_share_whose_part_is_named_with_brackets(tmp_path: Path) -> None:
    """上海市财政局 2025 单位预算 p21: 「2025年“三公”经费预算数为346.30万元」, 「（一）因公出国（境）费288.70万元」:
    288.70 ÷ 346.30 = 83.37% — 「因公出国（境）费」 keeps its brackets, and a comma after 「…预算中」 splits nothing."""
    from qa import Assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ANY / "shanghai_finance_bureau_2025_unit_budget.pdf", corpus)
    settings = Settings(home=tmp_path / "home", corpus=corpus)
    assistant = Assistant.from_corpus(corpus, settings=settings, embeddings=FakeEmbeddings(), progress=False)
    for asked in ("上海市财政局2025年三公经费里因公出国（境）费占比多少",
                  "上海市财政局2025年三公经费预算中，因公出国（境）费占了几成？按百分比算。"):
        answer = assistant.ask(asked)
        assert (answer.value, answer.unit) == (83.37, "%"), answer.answer
    assistant.index.close()


def test_a_measure_named_without_a_question_word_asks_its_figure(tmp_path: Path) -> None:
    """上海市财政局 2025 p21: 「财政拨款的机关运行经费预算为2,517.78万元」 — not the glossary's definition of 机关运行经费."""
    from qa import Assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ANY / "shanghai_finance_bureau_2025_unit_budget.pdf", corpus)
    settings = Settings(home=tmp_path / "home", corpus=corpus)
    assistant = Assistant.from_corpus(corpus, settings=settings, embeddings=FakeEmbeddings(), progress=False)
    answer = assistant.ask("上海市财政局2025年机关运行经费预算")
    assert (answer.value, answer.unit) == (2517.78, "万元"), answer.answer
    assistant.index.close()


@pytest.mark.e2e
def test_a_charts_labels_are_no_sentence(qiandongnan) -> None:
    """黔东南 2016 (DOCX): 「初步核算,全年地区生产总值939.05亿元」, not the chart 「2012年2013年…48.7 50.2 51.8…」."""
    answer = qiandongnan.ask("黔东南2016年地区生产总值")
    assert (answer.value, answer.unit) == (939.05, "亿元"), answer.answer


def test_an_annual_reports_results_summed_up_from_the_companys_own_sentence(sifang: Report) -> None:
    """p.11 「报告期内,公司实现营业收入117,530.10万元,较去年同期减少4.49%,…净利润12,946.50万元,较去年同期减少28.95%」;
    never p.16's subsidiary profile (「注册资本:…营业收入:人民币789,365,006.01元净利润:…」)."""
    from qa.answer import Scope
    from qa.summary import summarise

    answer = summarise("简单总结下四方科技2019年经营业绩", "经营业绩", sifang, [], Scope())
    assert not answer.abstained and answer.value is None  # quoted sentences: no figure of its own
    assert "117,530.10万元" in answer.answer and "28.95%" in answer.answer and answer.citations[0].page == 11
    assert "789,365,006.01" not in answer.answer


@pytest.mark.e2e
@pytest.mark.parametrize(("question", "printed"), [
    # p.8 「全年全市货物进出口总值 109.26 亿元,比上年增长 9%。其中,出口 64.6 亿元,下降23.2%;进口44.66 亿元,增长177.4%。」
    ("简单说说周口2023年外贸进出口情况。", ("109.26", "64.6", "177.4%")),
    # p.13 「其中,一般公共预算收入77.25亿元,增长17.2%。」「一般公共预算支出492.40亿元,增长18.0%。」
    ("黔东南2023年财政收支情况概括一下", ("77.25", "492.40")),
])
def test_a_summary_asked_quotes_the_bulletins_sentences_and_computes_nothing(bulletins, question, printed) -> None:
    answer = bulletins.ask(question)
    assert not answer.abstained and answer.value is None and "摘录原句" in answer.answer, answer.answer
    said = answer.answer.replace(" ", "")
    assert all(p in said for p in printed), answer.answer
    assert "摘录" in (answer.understood or "") and len(answer.citations) >= 1


@pytest.mark.parametrize(("question", "name"), [
    ("四方科技的董秘叫啥", "饶伟"),  # p.4 联系人和联系方式: 董事会秘书 / 姓名 饶伟
    ("四方科技董事会秘书是哪位", "饶伟"),
])
def test_a_contact_asked_in_everyday_words(sifang: Report, question: str, name: str) -> None:
    answer = answer_any(question, question, sifang)
    assert answer is not None and answer.answer.endswith(name)


@pytest.fixture(scope="module")
def guoyuan(tmp_path_factory: pytest.TempPathFactory):
    """国元证券's research report on 比亚迪 (cover and p.34, its 表20 盈利预测: 2022, 2023, 2024E, 2025E, 2026E)."""
    from qa import Assistant

    tmp = tmp_path_factory.mktemp("guoyuan")
    corpus = tmp / "corpus"
    corpus.mkdir()
    shutil.copy(ANY / "guoyuan_securities_byd_2024_initiation_report_p1+p34.pdf", corpus)
    settings = Settings(home=tmp / "home", corpus=corpus)
    assistant = Assistant.from_corpus(corpus, settings=settings, embeddings=FakeEmbeddings(), progress=False)
    yield assistant
    assistant.index.close()


@pytest.mark.parametrize(("question", "value", "column"), [
    # 表20 公司盈利预测, as printed: 归母净利润(百万元) 30040.81 | 39478.66 | 54830.06 …; 每股收益(元) … 18.83 (2025E)
    ("国元预测比亚迪2024年归母净利润多少", 39478.66, "2024E"),
    ("国元预测比亚迪2025年每股收益多少", 18.83, "2025E"),
    ("比亚迪2023年归母净利润多少", 30040.81, "2023"),  # a year before the report's own: its column, not a report
])
def test_a_research_reports_years_are_its_columns(guoyuan, question, value, column) -> None:
    answer = guoyuan.ask(question)
    assert answer.value == value and f"，{column}）" in answer.answer, answer.answer


def test_a_figure_asked_in_another_money_unit_is_converted_exactly(guoyuan) -> None:
    answer = guoyuan.ask("国元证券预测比亚迪2024年归母净利润多少亿元？")  # the row prints (百万元): 39,478.66 百万元
    assert "39,478.66 百万元" in answer.answer and "（即 394.79 亿元）" in answer.answer


def test_a_year_no_column_holds_is_said(guoyuan) -> None:
    answer = guoyuan.ask("比亚迪2019年归母净利润多少")
    assert answer.abstained and answer.value is None


@pytest.mark.e2e
@pytest.mark.parametrize(("question", "value"), [
    # 表12 2023年财政收支情况: 「#一般公共预算收入 77.25」「#税收收入 39.52」 — # marks 其中 in a bulletin's table
    ("黔东南2023年税收收入是多少", 39.52),
    ("黔东南2023年税收收入占一般公共预算收入比重", 51.16),
])
def test_a_bulletins_table_row_marked_of_which(qiandongnan, question, value) -> None:
    answer = qiandongnan.ask(question)
    assert answer.value == pytest.approx(value, abs=0.005)
    assert all((c.cell or {}).get("table") == "表12 2023年财政收支情况" for c in answer.citations)


def test_overlapping_names_of_one_length_read_the_same_on_every_run(guoyuan) -> None:
    # 「营业收入同比增长」 holds 营业收入 and 收入同比 (a row of 表20 too): the one starting first, whatever the hash seed
    from qa.anycells import find_measures

    labels = {"营业收入(百万元)": [], "营业收入": [], "收入同比": []}
    assert find_measures("营业收入同比增长多少", labels)[0] == [("营业收入",)]


def test_the_stock_code_asked_is_the_one_the_report_prints(sifang: Report) -> None:
    answer = answer_any("四方科技的股票代码是什么", "的股票代码是什么", sifang)  # the cover: 「股票代码：603339」
    assert answer is not None and answer.answer.endswith("603339") and "603339" in answer.citations[0].quote
    assert answer_any("四方科技的股票代码和注册资本", "的股票代码和注册资本", sifang) is None  # 注册资本 is not the code


def test_a_research_reports_hidden_markers_and_its_slash_paired_labels() -> None:
    """国元证券 on 比亚迪, p1: 「当前价/目标价： 250.67 元/315.90 元」 under a hidden [Table_TargetPrice] drawn over it
    character by character; each label of a pair is its own value, a question naming both gets none."""
    from qa.clause import Sentence, figure

    report = read_report(ANY / "guoyuan_securities_byd_2024_initiation_report_p1+p34.pdf")
    assert "当前价/目标价: 250.67 元/315.90元" in report.text and "[Table_" not in report.text
    start = report.text.index("当前价/目标价")
    line = report.text[start : report.text.index("\n", start)]
    sentence = Sentence(report.id, line, start, start + len(line))
    assert figure(sentence, ["目标价"], "目标价是多少")[:2] == (315.9, "元")
    assert figure(sentence, ["当前价"], "当前价是多少")[:2] == (250.67, "元")
    assert figure(sentence, ["当前价", "目标价"], "当前价和目标价") is None


@pytest.mark.e2e
def test_two_prose_figures_each_with_the_place_named_and_a_word_jieba_cuts_oddly(bulletins) -> None:
    # 周口 2023: 「金融机构本外币各项存款余额 5625.03 亿元」, 「金融机构本外币各项贷款余额2578.80 亿元」; jieba cuts
    # 「本外币存款」 as 本|外币存款, which 「本外币各项存款」 says in two pieces
    answer = bulletins.ask("周口2023年金融机构本外币存款余额和贷款余额各多少？")
    assert not answer.abstained and "5625.03亿元" in answer.answer and "2578.8亿元" in answer.answer


def test_a_kind_of_budget_figure_asked_and_the_budget_accounts_name(social_work: Report) -> None:
    # 「一般公共预算财政拨款支出」 names an account (its 预算 is no kind of figure); the sentence 「…年初预算为 0 万元,全年预算为
    # 321.02 万元,支出决算为 307.82 万元,完成年初预算的 95.89%」: 决算数 is 307.82, never a percentage beside it
    from qa.clause import Sentence, figure

    start = social_work.text.index("一般公共预算财政拨款支出年初预算为")
    end = social_work.text.index("。", start) + 1
    sentence = Sentence(social_work.id, social_work.text[start:end], start, end)
    words = ["一般", "公共预算", "财政拨款", "支出"]
    assert figure(sentence, [*words, "决算数"], "一般公共预算财政拨款支出决算数")[:2] == (307.82, "万元")
    from qa.sentences import terms

    asked = "一般公共预算财政拨款支出完成全年预算的比例是多少"
    assert figure(sentence, terms(asked), asked)[:2] == (95.89, "%")


def test_two_things_asked_each_the_short_one_takes_the_longs_account() -> None:
    from qa.parts import each_part

    assert each_part("一般公共预算收入和支出各是多少") == ("一般公共预算收入是多少", "一般公共预算支出是多少")

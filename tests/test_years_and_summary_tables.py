"""A summary lays its topic's table cells beside the sentences it quotes; two years compared as people name them.

Real reports (tests/fixtures/any/): 四方科技 2019, 邮储银行 2019 and 国元证券's 比亚迪 report (pages 1 and 34). Every
expected figure was read off the printed page, and differences computed by hand. The questions are the kinds the
any-report sets asked (「19年…比18年多多少」, 「A股股票代码」, 「研发人员有几个人」, 「简单说说…」), in other words.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpus import Settings
from index import FakeEmbeddings
from qa.shortnames import abbreviations

ANY = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "any"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory):
    from qa import Assistant

    tmp = tmp_path_factory.mktemp("summaries")
    corpus = tmp / "corpus"
    corpus.mkdir()
    for name in ("sifang_tech_2019_annual_report.pdf", "psbc_2019_annual_report_converted.html",
                 "guoyuan_securities_byd_2024_initiation_report_p1+p34.pdf"):
        shutil.copy(ANY / name, corpus)
    found = Assistant.from_corpus(corpus, settings=Settings(home=tmp / "home", corpus=corpus),
                                  embeddings=FakeEmbeddings(), progress=False)
    yield found
    found.index.close()


def test_two_years_named_in_short_are_the_reports_year_and_the_one_before(assistant):
    """邮储 2019 主要财务数据: 净利润 61,036 (2019) − 52,384 (2018) = 8,652 百万元; 「18年」 is the other side."""
    answer = assistant.ask("邮储19年净利润比18年多多少？")
    assert not answer.abstained
    assert answer.value == pytest.approx(8652) and answer.unit == "百万元"
    assert "61,036" in answer.answer and "52,384" in answer.answer


def test_a_column_naming_another_thing_is_not_the_one_asked(assistant):
    """个人住房贷款余额 is the 金额 column of 按产品类型划分的个人贷款情况 (1,700,049 − 1,417,898 = 282,151 百万元), not
    the 不良贷款余额 column of the table of bad loans, which prints the same row."""
    answer = assistant.ask("邮储2019年个人住房贷款余额比上年末多多少？")
    assert not answer.abstained
    assert answer.value == pytest.approx(282151)
    assert all("不良" not in (c.cell or {}).get("col", "") for c in answer.citations)


def test_a_stock_code_asked_with_its_board(assistant):
    answer = assistant.ask("四方科技的A股股票代码是多少？")
    assert not answer.abstained and "603339" in answer.answer


def test_how_many_people_asked_with_a_measure_word(assistant):
    """研发投入情况表: 公司研发人员的数量 172 — 「几个人」 is a count of people, nothing more."""
    answer = assistant.ask("四方科技2019年研发人员有几个人？")
    assert answer.value == pytest.approx(172)


def test_a_summary_lays_out_the_cells_of_the_table_titled_with_its_topic(assistant):
    """主营业务分行业情况: 冷冻设备 毛利率 32.51, 罐式集装箱 17.30 — printed in the table only."""
    answer = assistant.ask("简单说说四方科技2019年主营业务两大产品的盈利情况")
    assert not answer.abstained
    assert "32.51" in answer.answer and "17.3" in answer.answer
    cells = [c.cell for c in answer.citations if c.cell]
    assert any(c["table"] == "主营业务分行业、分产品、分地区情况" and c["row"] == "冷冻设备" for c in cells)


def test_a_summary_of_results_lays_out_its_measures_as_the_tables_print_them(assistant):
    """经营业绩 stands for 营业收入 and 净利润: 1,175,301,034.32 元 and 129,465,020.68 元 (合并利润表, 2019年度),
    beside the sentence 「实现营业收入117,530.10万元…」; no sum or ratio of them is made."""
    answer = assistant.ask("简单说说四方科技2019年的经营业绩")
    assert "117,530.10" in answer.answer
    assert "1,175,301,034.32" in answer.answer and "129,465,020.68" in answer.answer
    assert answer.value is None


def test_a_research_reports_forecast_summary_quotes_its_sentence_and_table(assistant):
    """国元证券 p.1: 「预计2024-2026年…归属母公司股东净利润分别为…394.79、548.30和684.21亿元」; 表20 公司盈利预测
    prints 归母净利润 39,478.66 / 54,830.49 / 68,421.25 百万元 for 2024E–2026E: every forecast year is laid out."""
    answer = assistant.ask("简单总结一下国元证券对比亚迪2024-2026年的盈利预测")
    assert not answer.abstained
    assert "394.79" in answer.answer and "684.21" in answer.answer
    assert "54,830.49" in answer.answer and "2026E" in answer.answer


def test_a_short_name_of_period_and_change_words_names_no_row():
    """「上年减少」 holds 年…减少 in order, as 本年其他减少 does: no short name for a row."""
    labels = ["本年其他减少", "个人贷款"]
    assert "年减少" not in abbreviations("个人贷款比上年减少了多少", labels)
    assert abbreviations("不良率是多少", ["不良贷款率", "贷款余额"]) == {"不良率": ("不良贷款率",)}


@pytest.fixture(scope="module")
def bulletins(tmp_path_factory: pytest.TempPathFactory):
    from qa import Assistant

    tmp = tmp_path_factory.mktemp("bulletins")
    corpus = tmp / "corpus"
    corpus.mkdir()
    for name in ("qiandongnan_2016_statistical_bulletin.docx", "qiandongnan_2023_statistical_bulletin.pdf",
                 "shanghai_finance_bureau_2025_unit_budget.pdf", "zhoukou_2023_statistical_bulletin.pdf"):
        shutil.copy(ANY / name, corpus)
    found = Assistant.from_corpus(corpus, settings=Settings(home=tmp / "home", corpus=corpus),
                                  embeddings=FakeEmbeddings(), progress=False)
    yield found
    found.index.close()


def test_a_ratio_the_user_names_is_read_with_the_words_the_report_prints(bulletins):
    """黔东南 2016 prints 「城镇居民人均可支配收入25282元」 and 「农民人均可支配收入7584元」 (its chart's caption says
    农村居民): 25282 ÷ 7584 = 3.33 — a ratio the user calls 收入比 is a multiple, not 333.36%."""
    for question in ("黔东南2016年城乡居民收入比是多少（城镇居民人均可支配收入/农民人均可支配收入）", "算下黔东南2016年的城乡居民收入比"):
        answer = bulletins.ask(question)
        assert answer.value == pytest.approx(3.33) and answer.unit == "倍", question


def test_a_share_asked_with_only_zhan(bulletins):
    """黔东南 2023 表: 税收收入 39.52 ÷ 一般公共预算收入 77.25 亿元 = 51.16% — 「A占B多少」 names no 比重 and is one."""
    answer = bulletins.ask("黔东南州2023年税收收入占一般公共预算收入多少？")
    assert answer.value == pytest.approx(51.16, abs=0.005) and answer.unit == "%"


def test_a_budgets_whole_named_in_everyday_words(bulletins):
    """上海市财政局 2025 财务收支预算总表: 一般公共服务支出 127,886,849 ÷ 支出总计 171,915,169 = 74.39% — 「支出总预算」 is
    the whole of the budget (its 预算 is not stripped as the report's kind)."""
    answer = bulletins.ask("上海市财政局2025年一般公共服务支出占支出总预算的比重是多少？")
    assert answer.value == pytest.approx(74.39, abs=0.005) and answer.unit == "%"
    assert "171,915,169" in answer.answer


def test_a_ratio_the_rows_table_prints_is_read_not_computed(assistant):
    """四方科技 2019 主营业务分行业情况 prints 毛利率（%）: 冷冻设备 32.51, 罐式集装箱 17.30 — the formula 毛利率 would need
    their 营业收入 and 营业成本 as rows; the printed column is read, as asked of each."""
    answer = assistant.ask("四方科技冷冻设备和罐式集装箱19年毛利率分别多少")
    assert not answer.abstained
    assert "32.51" in answer.answer and "17.30" in answer.answer
    assert {c.cell["row"] for c in answer.citations if c.cell} == {"冷冻设备", "罐式集装箱"}
    assert assistant.ask("四方科技2019年货币资金的毛利率是多少").abstained


def test_two_columns_of_one_row_asked_with_a_counted_unit(assistant):
    """产销量情况分析表: 冷冻设备 生产量 482 台, 销售量 504 台 — 「是多少台」 is the count's unit, no word left over."""
    answer = assistant.ask("四方科技2019年冷冻设备的生产量和销售量分别是多少台？")
    assert "482" in answer.answer and "504" in answer.answer


def test_a_budget_item_named_before_a_comma_is_both_sides_of_its_difference():
    """「行政运行这一项，决算比年初预算少了多少」: 行政运行's 决算 and its 年初预算 (1511.89 − 1560.05), not the two kinds
    of spending alone, which no sentence says of one thing."""
    from qa.parts import diff_parts

    assert diff_parts("行政运行这一项，决算比年初预算少了多少？", "") == ("行政运行决算多少", "行政运行年初预算多少")
    assert diff_parts("城镇居民人均可支配收入比农村高多少元", "") == ("城镇居民人均可支配收入多少元", "农村居民人均可支配收入多少元")


def test_a_research_reports_call_asked_as_what_it_is(assistant):
    """国元证券 p.1: 「首次覆盖,给予"买入"评级」, 目标价 315.90 元 (its rating table), and the forecast sentence — 「投资建议
    是什么」 asks for the call in the report's own sentences, none of them computed."""
    answer = assistant.ask("国元证券对比亚迪的投资建议是什么？")
    assert not answer.abstained and answer.value is None
    assert "买入" in answer.answer and "315.9" in answer.answer and "394.79" in answer.answer


def test_a_row_asked_with_the_one_it_is_not_named_beside_it(assistant):
    """邮储 2019 手续费及佣金净收入构成: 手续费及佣金收入 31,975 (31,975 − 支出 14,890 = 净收入 17,085 百万元). 「（不是净收
    入）」 says which row is not meant: the row named is read; the prose, whose sentence may be of the one excluded
    (平安银行 2024 was answered 「手续费及佣金净收入241.12亿元」 — a wrong figure), gives none."""
    from qa.text_words import TEXT_NEGATED

    answer = assistant.ask("邮储2019年手续费及佣金收入（不是净收入）是多少？")
    assert answer.value == pytest.approx(31975) and answer.unit == "百万元"
    assert assistant.ask("邮储2019年手续费及佣金净收入（不是净收入）是多少？").value is None
    assert TEXT_NEGATED.search("手续费及佣金收入（不是净收入）同比降了多少")


def test_a_margin_of_the_parents_share_of_profit(assistant):
    """四方科技 2019 合并利润表: 归属于母公司股东的净利润 129,465,020.68 ÷ 营业收入 1,175,301,034.32 = 11.02%."""
    answer = assistant.ask("四方科技2019年归母净利率是多少")
    assert answer.value == pytest.approx(11.0155, abs=0.001) and answer.unit == "%"
    assert "归母净利率" in answer.answer


def test_a_summary_quotes_a_second_sentence_that_adds_figures_of_its_topic(assistant):
    """四方科技 2019: p.11 states 营业收入117,530.10万元 and 净利润; p.56 states 营业收入 again with its parts (冷冻设备
    37,131.82 万元, 罐式集装箱 76,432.12 万元) — figures not yet quoted, so it is quoted too."""
    answer = assistant.ask("简单说说四方科技2019年的经营业绩")
    assert "37,131.82" in answer.answer and "76,432.12" in answer.answer


def test_a_summarys_table_cells_are_rows_its_words_name_whole(assistant):
    """邮储 2019 分红: 现金股利 names no row; the row 「现金」 (cash, 43,922 百万元) inside it is no figure of a dividend."""
    answer = assistant.ask("邮储银行2019年分红方案是怎样的")
    assert "2.102" in answer.answer and "182.83" in answer.answer
    assert "43,922" not in answer.answer


def test_two_things_named_then_divided(bulletins):
    """黔东南 2016: 「城镇居民和农民人均可支配收入之比」 is 城镇居民人均可支配收入 25282 ÷ 农民人均可支配收入 7584 = 3.33 —
    the first named takes the second's measure, as the report prints it."""
    answer = bulletins.ask("黔东南2016年城镇居民和农民人均可支配收入之比是多少")
    assert answer.value == pytest.approx(3.33) and answer.unit == "倍"


def test_a_bulletins_loans_over_deposits_from_its_titled_table(bulletins):
    """黔东南 2023 表13 金融机构信贷收支情况: 各项贷款余额 2321.11 ÷ 各项存款余额 2130.36 = 108.95% — 「金融机构」 is
    what the table is of, said by its title."""
    answer = bulletins.ask("黔东南23年末金融机构贷存比多少？")
    assert answer.value == pytest.approx(108.95, abs=0.005) and answer.unit == "%"
    assert {c.cell["row"] for c in answer.citations if c.cell} == {"各项贷款余额", "各项存款余额"}


def test_quarters_as_people_name_them_are_the_quarterly_tables_columns(assistant):
    """四方科技 2019 分季度主要财务数据: 归属于上市公司股东的净利润 第二季度（4-6月份） 30,861,984.54 元; 营业收入 第四季度
    298,838,412.68 against 第三季度 250,895,665.57 (+19.11%); 第一季度 333,437,272.78 − 第三季度 = 82,541,607.21 元."""
    assert assistant.ask("四方科技2019年Q2归母净利润多少").value == pytest.approx(30861984.54)
    growth = assistant.ask("四方科技2019年四季度营收比三季度环比增长了多少")
    assert growth.value == pytest.approx(19.1088, abs=0.001) and growth.unit == "%"
    gap = assistant.ask("四方科技2019年一季度和三季度的营业收入差了多少")
    assert gap.value == pytest.approx(82541607.21) and gap.unit == "元"
    assert [c.cell["col"] for c in gap.citations if c.cell] == ["第一季度（1-3月份）", "第三季度（7-9月份）"]


def test_a_difference_asked_with_the_verb_of_what_is_made(bulletins, assistant):
    """周口 2023 表3: 夏粮 508.58 − 秋粮 394.03 = 114.55 万吨 (「多产了」); 国元证券 表20: 归母净利润 2024E 39,478.66 −
    2023 30,040.81 = 9,437.85 百万元 (「归母净利…多赚」)."""
    assert bulletins.ask("周口23年夏粮比秋粮多产了多少万吨").value == pytest.approx(114.55)
    answer = assistant.ask("国元预测比亚迪2024年归母净利比2023年多赚多少？")
    assert answer.value == pytest.approx(9437.85) and answer.unit == "百万元"


def test_a_columns_share_of_its_rows_total_with_no_whole_named(bulletins):
    """上海市财政局 2025 财务收支预算总表, 支出总计 row: 基本支出 127,642,039 (人员经费 102,464,260 + 公用经费 25,177,779)
    ÷ 合计 171,915,169 = 74.25% — 「基本支出占比」 names no whole: its row's own 合计 column is it."""
    answer = bulletins.ask("上海市财政局2025年基本支出占比多少")
    assert answer.value == pytest.approx(74.2472, abs=0.001) and answer.unit == "%"
    assert "171,915,169" in answer.answer
    assert bulletins.ask("上海市财政局2025年住房保障支出占比多少").value is None  # a row, not a column's total: no whole known

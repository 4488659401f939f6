"""Figures the prose lists beside the one asked, a figure broken from its unit by a line, totals asked in other words.

Real reports (tests/fixtures/any/, ../shared/reports/ for 平安银行 2024, the bundled disclosure txt); every expected
figure was read off the printed page and, where divided or subtracted, computed by hand. The questions are the kinds
blind round 16 and any-report set 12 asked, in other words where the mechanism allows.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from corpus import Settings
from corpus.reader import read_report
from index import FakeEmbeddings
from qa.clause import figure
from qa.text_route import Sentence

ROOT = Path(__file__).resolve().parents[1]
ANY = ROOT / "tests" / "fixtures" / "any"
REPORTS = ROOT / "corpus" / "reports"
SHARED = ROOT.parent / "shared" / "reports"


@pytest.fixture(scope="module")
def others(tmp_path_factory: pytest.TempPathFactory):
    from qa import Assistant

    tmp = tmp_path_factory.mktemp("others")
    corpus = tmp / "corpus"
    corpus.mkdir()
    for name in ("zhoukou_2023_statistical_bulletin.pdf", "shanghai_finance_bureau_2025_unit_budget.pdf",
                 "psbc_2019_annual_report_converted.html"):
        shutil.copy(ANY / name, corpus)
    assistant = Assistant.from_corpus(corpus, settings=Settings(home=tmp / "home", corpus=corpus),
                                      embeddings=FakeEmbeddings(), progress=False)
    yield assistant
    assistant.index.close()


@pytest.fixture(scope="module")
def disclosure(tmp_path_factory: pytest.TempPathFactory):
    from qa import Assistant

    settings = Settings(home=tmp_path_factory.mktemp("home"), corpus=REPORTS)
    return Assistant.from_corpus(REPORTS, settings=settings, embeddings=FakeEmbeddings(), progress=False)


def test_a_figure_the_sentence_gives_of_another_thing_listed_beside_the_one_asked_is_not_its():
    """平安银行 2024 (经营情况): 「营业收入、净利润同比有所下降,全年实现净利润445.08亿元」 — 445.08 亿元 is the 净利润,
    never the 营业收入 the same sentence lists beside it (it was answered so: a wrong figure)."""
    if not (SHARED / "annual").is_dir():
        pytest.skip("../shared/reports is not beside this checkout")
    report = read_report(SHARED / "annual" / "ping_an_bank_2024_annual_report.pdf")
    m = re.search(r"[^。]*营业收入、净利润同比有所下降[^。]*。", report.text)
    assert m is not None and "445.08" in m.group()
    sentence = Sentence(report.id, m.group(), m.start(), m.end(), "")
    assert figure(sentence, ["营业收入"], "平安银行2024年营业收入是多少亿") is None
    found = figure(sentence, ["净利润"], "平安银行2024年净利润是多少亿")
    assert found is not None and found[:2] == (445.08, "亿元")


def test_a_figure_broken_from_its_unit_by_a_line_is_read_whole(others):
    """周口 2023 统计公报 (p8): 「其中,出口 64.6\\n亿元,下降23.2%;进口44.66 亿元」 — the line break between 64.6 and 亿元
    had cut the sentence: 出口 64.6 亿元, and 64.6 − 44.66 = 19.94 亿元."""
    answer = others.ask("周口2023年出口多少亿元")
    assert (answer.value, answer.unit) == (64.6, "亿元") and answer.answer.startswith("64.6亿元"), answer.answer
    diff = others.ask("周口2023年出口比进口多多少亿元？")
    assert diff.answer.startswith("出口比进口多 19.94亿元"), diff.answer


def test_a_total_asked_as_zong_zhi_chu_is_the_printed_expenditure_total(others):
    """上海市财政局 2025 财务收支预算总表: 一般公共服务支出 127,886,849, 支出总计 171,915,169 (元) —
    「占总支出的比例」: 127,886,849 ÷ 171,915,169 = 74.39%."""
    answer = others.ask("市财政局2025年预算中一般公共服务支出占总支出的比例是多少？")
    assert answer.value == pytest.approx(74.39, abs=0.005) and answer.unit == "%", answer.answer
    assert "171,915,169" in answer.answer


def test_a_column_named_with_its_year_is_that_years_only(others):
    """邮储银行 2019 按产品类型划分的不良贷款分布情况: 合计 2019 年 12 月 31 日 不良贷款余额 42,844, 2018 年 36,888 (百万元):
    「2019年末…多少亿」 is 42,844 百万元 (428.44 亿元), not a choice between the two years."""
    answer = others.ask("邮储2019年末不良贷款余额多少亿？")
    assert answer.value == 42844 and "428.44 亿元" in answer.answer, answer.answer


def test_a_rate_the_user_defines_as_two_prose_counts_divided_is_computed(disclosure):
    """沭阳县 2025 一、(二): 「累计开展办前主动沟通 49 次,成功推动化解各类争议纠纷 33 件」 — the user's 「化解率」,
    成功化解的争议纠纷件数 ÷ 办前主动沟通次数: 33 ÷ 49 = 67.35% (件 over 次, as the user divides them)."""
    answer = disclosure.ask("沭阳县2025年的“化解率”：成功化解的争议纠纷件数÷办前主动沟通次数")
    assert (answer.value, answer.unit) == (67.35, "%"), answer.answer
    assert "33 ÷ 49" in answer.answer


def test_which_year_had_the_most_of_a_prose_figure_is_not_said_with_a_year_unread(disclosure):
    """平潭 2019–2025: the prose states the 主动公开 count of some years only as 「公布」 (2019: 「共公布政府信息2599条」):
    with a year not read, which year has the most is not said — the years read are listed."""
    answer = disclosure.ask("平潭哪一年发布的政策解读最少")
    assert answer.abstained and answer.value is None
    assert "2023年：117篇" in answer.answer and "2025年：82篇" in answer.answer


def test_which_year_had_the_least_of_a_prose_figure_every_year_states(disclosure):
    """平潭 2023 「全年发布政策解读117篇」, 2024 「全年发布政策文件解读96篇」, 2025 「…多形式政策解读82篇」: 2025 the least."""
    answer = disclosure.ask("平潭2023到2025年哪一年发布的政策解读最少")
    assert answer.answer.startswith("2025年最少（82篇）"), answer.answer
    assert answer.value == 82


def test_a_table_right_below_another_on_its_page_keeps_the_unit_declared_above_both():
    """平安银行 2024 p16, 2.2 主要会计数据: 「（货币单位：人民币百万元）」 above the balance rows; the 营业收入 rows below them
    (nothing printed between) are 百万元 too: 146,695 / 164,699 / 179,895 — in 亿 asked, 1,466.95 亿元."""
    if not (SHARED / "annual").is_dir():
        pytest.skip("../shared/reports is not beside this checkout")
    report = read_report(SHARED / "annual" / "ping_an_bank_2024_annual_report.pdf")
    cells = {(c.col, c.value, c.unit) for c in report.table_cells if c.row.strip() == "营业收入" and c.page == 16}
    assert ("2022年", 179895.0, "百万元") in cells
    assert all(unit == "百万元" for _, _, unit in cells)


def test_a_slash_between_two_words_that_nothing_divides_is_or(disclosure):
    """洪泽区 2023 「在政府网站平台主动公开政府信息 1136 条」, 2024 「…主动发布各类政府信息 2428 条」: 「主动公开/发布的信息…
    多了多少条」 is 2428 − 1136 = 1292 (it was read as a division of two things: 「346.86倍」, a wrong figure)."""
    answer = disclosure.ask("洪泽区政府网站主动公开/发布的信息，2024年比2023年多了多少条？")
    assert (answer.value, answer.unit) == (1292, "条"), answer.answer
    rate = disclosure.ask("沭阳县2025年行政复议 纠正数/复议总数×100 是多少")  # a slash that divides: 10 ÷ 61
    assert (rate.value, rate.unit) == (16.39, "%"), rate.answer


def test_an_item_row_asked_with_no_column_lays_out_its_other_columns(disclosure):
    """上海市司法局 2020 (2019 template) 行政许可: 上一年项目数量 18, 本年增/减 −1, 处理决定数量 18557; 淮安市 2024 (2021
    template) 行政规范性文件: 本年制发 8, 本年废止 26, 现行有效 66. The main column's figure, the others beside it, to pick."""
    answer = disclosure.ask("上海司法局2020年行政许可是多少")
    assert answer.value == 18557 and "上一年项目数量 18件" in answer.answer and "本年增/减 -1件" in answer.answer
    assert len(answer.clarify) == 2
    documents = disclosure.ask("淮安市24年的行政规范性文件有多少件")
    assert documents.value == 8 and "本年废止件数 26件" in documents.answer and "现行有效件数 66件" in documents.answer
    named = disclosure.ask("淮安市24年制发了多少件行政规范性文件")  # a column named: that one only
    assert named.value == 8 and not named.clarify and "另有" not in named.answer


def test_a_summary_of_residents_income_quotes_the_per_head_figures_and_their_breakdown(others):
    """周口 2023 十、人民生活 (p10): 「全年全市居民人均可支配收入 23102 元…按常住地分,城镇居民…33084 元…农村居民…16342
    元」 — 人均 is the measure itself here (the summary had found no sentence), its breakdown quoted with it."""
    answer = others.ask("周口2023年居民收入方面总体怎么样，概括一下")
    assert not answer.abstained, answer.answer
    assert all(f in answer.answer for f in ("23102", "33084", "16342"))


def test_a_per_head_figure_is_no_figure_of_the_total_it_is_per_head_of():
    """黔东南 2023: 「全年全州生产总值[2]1329.65亿元」 and 「全年全州人均生产总值35511元」 — 生产总值 names one figure (1329.65),
    so 「第三产业增加值占GDP比重…用绝对数算」 divides 758.14 by it (57.02%); 人均生产总值 asked is 35511."""
    from qa.text_route import figures_said

    report = read_report(ANY / "qiandongnan_2023_statistical_bulletin.pdf")
    assert figures_said(report, ["生产总值"], "生产总值是多少") == {1329.65}
    assert figures_said(report, ["人均生产总值"], "人均生产总值是多少") == {35511.0}


def test_things_to_add_named_after_the_total_asked_are_each_read_and_added(disclosure):
    """001 上海市政府办公厅 2019: 「刊登政府规章、规范性文件等112件,部门规范性文件45件,政策解读83件」 — 「总共多少件？把…、…和
    …都算上」 is 112 + 45 + 83 = 240 (it was answered 45, one of them: a wrong figure)."""
    answer = disclosure.ask("2019年上海市政府公报一共登了多少件？把政府规章规范性文件、部门规范性文件和政策解读都算上")
    assert (answer.value, answer.unit) == (240, "件"), answer.answer
    assert "112 + 45 + 83" in answer.answer


def test_a_users_division_not_asked_as_a_multiple_is_in_percent(disclosure):
    """000 上海市司法局 2020: 「共受理政府信息公开申请 118 件…网络申请 96 件,信函申请 16 件」 — 网络申请数÷受理申请总数 is
    81.36% (96 ÷ 118), said as 0.81倍 before; asked 「是几倍」, 96 ÷ 16 = 6 倍."""
    answer = disclosure.ask("上海市司法局2020年，网络申请数÷受理申请总数，结果是多少")
    assert (answer.value, answer.unit) == (81.36, "%"), answer.answer
    times = disclosure.ask("上海市司法局2020年，网络申请数÷信函申请数是几倍")
    assert (times.value, times.unit) == (6, "倍"), times.answer


def test_a_bracket_after_a_figure_and_the_clause_after_it_are_that_figures():
    """平安银行 2024 4.13.2: 「本集团共有在职员工41,011人(含派遣人员),需承担退休费的离职职工79人」 — 员工总数（含派遣）
    is 41,011; the 79 retirees were taken for it (a wrong figure): words after the 41,011 are its own."""
    if not (SHARED / "annual").is_dir():
        pytest.skip("../shared/reports is not beside this checkout")
    report = read_report(SHARED / "annual" / "ping_an_bank_2024_annual_report.pdf")
    m = re.search(r"[^。；;\n]*本集团共有在职员工[^。；;]*离职职工\s*79\s*人", report.text)
    assert m is not None
    sentence = Sentence(report.id, m.group(), m.start(), m.end(), "")
    found = figure(sentence, ["员工", "总数", "派遣"], "平安银行24年底员工总数多少人（含派遣）")
    assert found is not None and found[:2] == (41011, "人")


def test_two_figures_asked_in_two_questions_are_not_answered_with_one(others):
    """Two figures asked one after the other (「…合计多少？其中…有多少？」) answered with one sentence's one figure: none."""
    answer = others.ask("周口2023年货物进出口总值多少亿元？其中出口有多少亿元？")
    assert answer.value is None or answer.abstained or ("109.26" in answer.answer and "64.6" in answer.answer), answer.answer

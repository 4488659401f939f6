"""The first stage: one spelling per question (punctuation, script, numerals, spaces, quotes, year ranges)."""

from __future__ import annotations

import time

import pytest

from corpus import QuestionError
from qa.normalise import KEPT_WORDS, normalise

FULL_WIDTH = [
    ("洪泽区２０２３年收到多少件申请", "洪泽区2023年收到多少件申请"),
    ("ＰＤＦ里的第２页", "PDF里的第2页"),
]
PUNCTUATION = [
    ("2024年收到多少件申请?", "2024年收到多少件申请？"),
    ("予以公开,部分公开各有多少件!", "予以公开，部分公开各有多少件！"),
    ("问题:结转;办结", "问题：结转；办结"),
    ("办理结果(总计)是多少", "办理结果（总计）是多少"),
    ("予以公开、部分公开各有多少件。", "予以公开、部分公开各有多少件。"),
]
NUMBER_MARKS = [
    ("收到1,234件申请", "收到1,234件申请"),
    ("收到1，234件申请", "收到1,234件申请"),
    ("9:30以后收到的", "9:30以后收到的"),
    ("2023,2024年各收到多少件", "2023，2024年各收到多少件"),
]
TRADITIONAL = [
    ("網絡申請有多少件", "网络申请有多少件"),
    ("行政複議和行政訴訟", "行政复议和行政诉讼"),
    ("臺州市", "台州市"),
]
YEARS = [
    ("二〇二四年收到多少件申请", "2024年收到多少件申请"),
    ("二零二四年度报告", "2024年度报告"),
    ("二○二三年", "2023年"),
    ("一九九九年", "1999年"),
    ("二〇二〇至二〇二二年收到多少件", "2020至2022年收到多少件"),
    ("二〇二〇年至二〇二二年", "2020年至2022年"),
    ("平潭24年新收申请比23年多多少件", "平潭2024年新收申请比2023年多多少件"),  # 「比23年多多少」: a year, then 多多少
    ("工作了23年多", "工作了23年多"),  # more than 23 years: no year
]
COUNTS = [
    ("一百二十三件", "123件"),
    ("十五件", "15件"),
    ("两件", "2件"),
    ("三千零五十 件", "3050件"),
    ("一万二千元", "12000元"),
    ("十件", "10件"),
    ("一百零二件", "102件"),
    ("一千零十件", "1010件"),
    ("一百二十人次", "120人次"),
    ("十一起", "11起"),
    ("一百多件", "100多件"),
    ("三十余件", "30余件"),
    ("三点五倍", "3.5倍"),
    ("近三年收到多少件", "近3年收到多少件"),
    ("第二季度", "第2季度"),
    ("2024年十二月", "2024年12月"),
    ("第十四条", "第14条"),
]
UNIT_WAN = [("收费超过三万元", "收费超过3万元"), ("十二万人次", "12万人次"), ("三千万元", "3000万元"), ("一点五亿元", "1.5亿元")]
PERCENT = [("百分之四十五", "45%"), ("百分之四十五点五", "45.5%"), ("百分之十", "10%"), ("占比百分之零点五", "占比0.5%")]
TOP = [("前三", "前3"), ("前五名", "前5名"), ("排名前十的部门", "排名前10的部门"), ("前一百名", "前100名")]
NOT_NUMBERS = [
    "因危及“三安全一稳定”不予公开的有几件？",
    "属于三类内部事务信息的有几件",
    "属于四类过程性信息的",
    "保护第三方合法权益的有几件",
    "一、二、三、各部分",
    "（一）至（七）",
    "请告诉我一下",
    "一共收到多少件",
    "其他一栏是多少",
    "统一受理的申请",
    "数据是否一致",
    "一般程序",
    "唯一的复议",
    "和诉讼一起算有多少件",
    "一些申请",
    "和去年一样吗",
    "一直没答复的有几件",
    "是主要渠道之一",
    "万一没答复",
    "十分满意",
    "老百姓申请了几件",
    "千万件",  # 千 with no digit before it is no number
    "几件几倍",
    "上一年结转了几件",
    "结转下一年的有几件",
    "同一申请人重复申请",
    "星期一收到几件",
    "十四五期间",
    "十一期间收到几件",
    "哪一年收到的最多",
    "前一年结转",
    "三分之一",
    "共有十几件",
    "三五件",
    "一次性告知了几次",
    "一件事一次办",
]
SPACES = [
    ("申请 数量", "申请数量"),
    ("2024 年", "2024年"),
    ("申请\t数量", "申请数量"),
    ("申请\u3000数量", "申请数量"),
    ("  洪泽区 2024 年 ", "洪泽区2024年"),
    ("“部分公开” 的 数量", "“部分公开”的数量"),
    ("PDF  里 的 表", "PDF 里的表"),
]
QUOTES = [
    ('"部分公开"的申请', "“部分公开”的申请"),
    ("'部分公开'的申请", "“部分公开”的申请"),
    ("‘部分公开’的申请", "“部分公开”的申请"),
    ("「部分公开」的申请", "“部分公开”的申请"),
    ("『部分公开』的申请", "“部分公开”的申请"),
    ("＂部分公开＂的申请", "“部分公开”的申请"),
    ("《政府信息公开条例》第十四条", "《政府信息公开条例》第14条"),
]
DASHES = [
    ("2020—2022", "2020-2022"),
    ("2020–2022", "2020-2022"),
    ("2020-2022", "2020-2022"),
    ("2020~2022", "2020-2022"),
    ("2020～2022", "2020-2022"),
    ("2020〜2022", "2020-2022"),
    ("2020——2022年", "2020-2022年"),
    ("2020年—2022年", "2020年-2022年"),
    ("2020 年 — 2022 年", "2020年-2022年"),
    ("二〇二〇—二〇二二年", "2020-2022年"),
]
MIXED = [
    ("二〇二四年淮安市人民政府“部分公开”的申请有多少件", "2024年淮安市人民政府“部分公开”的申请有多少件"),
    ('二〇二四年淮安市人民政府"部分公开"的申请有多少件', "2024年淮安市人民政府“部分公开”的申请有多少件"),
    ("洪澤區２０２３年網絡申請 有 多少 件？", "洪泽区2023年网络申请有多少件？"),
    ("2024年收到的申请中，有一个是法人提出的吗", "2024年收到的申请中，有1个是法人提出的吗"),
]
ENGLISH = ("How many requests did Huai'an receive in 2024?", "How many requests did Huai'an receive in 2024？")

PAIRS = [*FULL_WIDTH, *PUNCTUATION, *NUMBER_MARKS, *TRADITIONAL, *YEARS, *COUNTS, *UNIT_WAN, *PERCENT, *TOP,
         *SPACES, *QUOTES, *DASHES, *MIXED, ENGLISH]
QUESTIONS = [question for question, _ in PAIRS] + NOT_NUMBERS


@pytest.mark.parametrize(("question", "expected"), FULL_WIDTH)
def test_full_width_digits_and_letters_become_ascii(question, expected):
    assert normalise(question) == expected


@pytest.mark.parametrize(("question", "expected"), PUNCTUATION)
def test_ascii_punctuation_becomes_chinese_and_enumeration_marks_stay(question, expected):
    assert normalise(question) == expected


@pytest.mark.parametrize(("question", "expected"), NUMBER_MARKS)
def test_comma_and_colon_inside_a_number_stay_ascii(question, expected):
    assert normalise(question) == expected


@pytest.mark.parametrize(("question", "expected"), TRADITIONAL)
def test_traditional_characters_become_simplified(question, expected):
    assert normalise(question) == expected


@pytest.mark.parametrize(("question", "expected"), YEARS)
def test_years_spelt_digit_by_digit_become_digits(question, expected):
    assert normalise(question) == expected


@pytest.mark.parametrize(("question", "expected"), COUNTS)
def test_numerals_before_a_unit_become_digits(question, expected):
    assert normalise(question) == expected


@pytest.mark.parametrize(("question", "expected"), UNIT_WAN)
def test_a_closing_wan_or_yi_stays_as_the_unit(question, expected):
    assert normalise(question) == expected


@pytest.mark.parametrize(("question", "expected"), PERCENT)
def test_percentages_become_digits_and_a_percent_sign(question, expected):
    assert normalise(question) == expected


@pytest.mark.parametrize(("question", "expected"), TOP)
def test_top_n_becomes_digits(question, expected):
    assert normalise(question) == expected


@pytest.mark.parametrize("question", NOT_NUMBERS)
def test_numerals_in_fixed_words_and_without_a_unit_stay(question):
    assert normalise(question) == question


def test_every_kept_word_stays_inside_a_question():
    for word in KEPT_WORDS:
        question = f"2024年{word}的申请有几件"
        assert normalise(question) == question, word


def test_a_kept_word_inside_a_longer_numeral_is_a_number():
    assert normalise("一万一千件") == "11000件"  # 万一
    assert normalise("三十分之一") == "三十分之一"  # no unit: unchanged, and 十分 is not read as a word


@pytest.mark.parametrize(("question", "expected"), SPACES)
def test_spaces_between_chinese_and_digits_go_and_other_runs_collapse(question, expected):
    assert normalise(question) == expected


def test_spaces_between_latin_words_stay():
    assert normalise("total  number of\trequests") == "total number of requests"


@pytest.mark.parametrize(("question", "expected"), QUOTES)
def test_every_quote_style_becomes_curly_and_book_titles_stay(question, expected):
    assert normalise(question) == expected


def test_an_apostrophe_inside_a_latin_word_stays():
    assert normalise("What's the total for 'Huai'an'?") == "What's the total for “Huai'an”？"


@pytest.mark.parametrize(("question", "expected"), DASHES)
def test_year_ranges_use_one_ascii_hyphen_and_keep_their_nian(question, expected):
    assert normalise(question) == expected


def test_a_dash_between_numbers_that_are_not_years_stays():
    assert normalise("电话0517-86688888") == "电话0517-86688888"


@pytest.mark.parametrize(("question", "expected"), MIXED)
def test_a_question_with_several_spellings_is_normalised_whole(question, expected):
    assert normalise(question) == expected


def test_an_english_question_changes_only_in_punctuation():
    assert normalise(ENGLISH[0]) == ENGLISH[1]


def test_an_empty_question_stays_empty():
    assert normalise("") == ""
    assert normalise(" \t\u3000") == ""


def test_a_question_that_is_not_text_is_refused():
    with pytest.raises(QuestionError, match="must be text"):
        normalise(2024)  # type: ignore[arg-type]


@pytest.mark.parametrize("question", QUESTIONS)
def test_normalising_twice_changes_nothing(question):
    once = normalise(question)
    assert normalise(once) == once


def test_a_forty_character_question_takes_under_half_a_millisecond():
    question = "洪澤區２０２３年網絡申請 有 多少 件？二〇二四年一百二十三件“部分公开”前三名百分之四十"
    assert len(question) >= 40
    normalise(question)  # the first call builds the converter
    runs = 200
    start = time.perf_counter()
    for _ in range(runs):
        normalise(question)
    assert (time.perf_counter() - start) / runs < 0.0005


def test_two_years_listed_before_liang_nian_are_two_years():
    from qa.normalise import normalise

    assert normalise("那洪泽区23、24两年所有办理结果加起来一共多少件？") == "那洪泽区2023年、2024年所有办理结果加起来一共多少件？"
    assert normalise("2023和2024两年的申请") == "2023年、2024年的申请"


@pytest.mark.parametrize(("question", "expected"), [
    ("平潭23、24、25三年一共发布了多少篇政策解读", "平潭2023年、2024年、2025年一共发布了多少篇政策解读"),
    ("23、24年平潭", "2023年、2024年平潭"),
    ("平潭2019到2025七年的本年新收申请", "平潭2019到2025年的本年新收申请"),  # the years, then how many they are
    ("平潭2023-2025三年信息公开行政诉讼", "平潭2023-2025年信息公开行政诉讼"),
    ("平潭25三年", "平潭25三年"),  # a numeral after digits is never glued to them (was 「253年」)
    ("申请量12、13件", "申请量12、13件"),  # counts listed are no years
])
def test_years_listed_or_counted_are_each_a_year(question, expected):
    from qa.normalise import normalise

    assert normalise(question) == expected
    assert normalise(expected) == expected

"""The text route reads a number exactly: thousands separators, decimals, negative signs, with its unit.

Sentences from ../shared/reports/annual/sifang_tech_2019_annual_report.pdf (pdftotext -layout, pages 2 and 43):
「营业收入」 asked of the first used to be answered 「37」 — 37,131.82 read as 37.
"""

from __future__ import annotations

import pytest

from qa.text_route import Sentence, _figure

AUDIT = "技公司财务报表所示营业收入项目金额为 117,530.10 万元，其中冷冻设备销售收入为 37,131.82 万元"
SUMMARY = "报告期内，公司实现营业收入 117,530.10 万元，较去年同期减少 4.49%，实现归属上市公司股东的净利润 -1,234.56 万元"


@pytest.mark.parametrize(("sentence", "words", "question", "value", "unit"), [
    (AUDIT, ["营业收入"], "四方科技2019年营业收入是多少？", 117530.10, "万元"),
    (AUDIT, ["冷冻设备", "销售收入"], "冷冻设备销售收入是多少？", 37131.82, "万元"),
    (SUMMARY, ["营业收入"], "营业收入多少？", 117530.10, "万元"),
    (SUMMARY, ["净利润"], "净利润是多少？", -1234.56, "万元"),
    ("全年收取政府信息公开信息处理费 3940 元。", ["信息处理费"], "收了多少信息处理费？", 3940, "元"),
    ("公众号粉丝数达20.4万", ["粉丝"], "粉丝数达到了多少？", 204000, "万"),
    # the extraction tools print an ASCII comma as punctuation too: 「年,」 before a number is not a separator
    ("2024 年,主动公开政府信息,1,234 条", ["主动公开"], "主动公开了多少条？", 1234, "条"),
])
def test_a_number_is_read_whole_with_its_unit(sentence, words, question, value, unit):
    found = _figure(Sentence("r", sentence, 0, len(sentence)), words, question)
    assert found is not None and found[:2] == (pytest.approx(value), unit)


def test_a_growth_rate_beside_the_level_is_not_the_level():
    found = _figure(Sentence("r", SUMMARY, 0, len(SUMMARY)), ["营业收入"], "营业收入多少？")
    assert found is not None and found[0] != 4.49

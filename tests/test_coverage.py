"""The coverage rule alone: which words of a question (scope names already removed) a Query leaves unexplained.

The wordings are those of real questions about the bundled reports; a question with one word the Plan does not
account for gets no figure.
"""

from __future__ import annotations

import pytest

from qa.coverage import unexplained, unmodelled_period
from qa.query import Measure, Query

NEW = Measure("申请", "本年新收政府信息公开申请数量")
TOTAL = Measure("申请", "总计")
SUIT = Measure("复议诉讼", "行政诉讼")


@pytest.mark.parametrize(("content", "query"), [
    ("收到了多少件政府信息公开申请？", Query(measures=(NEW,))),
    ("老百姓个人提的申请有多少件？", Query(measures=(Measure("申请", NEW.row, "自然人"),))),
    ("不予公开的申请里，涉及国家秘密的占多少？",
     Query(op="rate", measures=(Measure("申请", "不予公开/属于国家秘密"),), denominator=Measure("申请", "不予公开"))),
    ("因信访、重复申请等不予处理的申请有多少件？", Query(measures=(Measure("申请", "不予处理"),))),
    ("予以公开的比例是多少？（不含部分公开）", Query(op="rate", measures=(Measure("申请", "予以公开"),), denominator=TOTAL)),
    ("平均每季度收到多少申请？", Query(op="average", measures=(NEW,), per="quarter")),
    ("申请量前3的机关是哪些？", Query(op="rank", measures=(NEW,), n=3)),
    ("因为政府信息公开的事打了几场官司？", Query(measures=(SUIT,))),
])
def test_every_word_accounted_for(content, query):
    assert unexplained(content, query) == ()


@pytest.mark.parametrize(("content", "query", "left"), [
    # the operation's words are explained by that operation only
    ("平均每天收到多少件申请？", Query(op="average", measures=(NEW,)), "天"),
    ("收到的申请比上年多了多少？", Query(measures=(NEW,)), "比"),
    # a breakdown no table has
    ("行政诉讼里几件是一审？", Query(measures=(SUIT,)), "审"),
    # a row named that the Query does not read: 「公开和部分公开」 is not 部分公开 alone
    ("公开和部分公开占办理总数的比例是多少？", Query(op="rate", measures=(Measure("申请", "部分公开"),), denominator=TOTAL), "公"),
    # a denominator named that the Query does not divide by
    ("收到的申请里予以公开的占多少？", Query(op="rate", measures=(Measure("申请", "予以公开"),), denominator=TOTAL), "收到"),
])
def test_a_word_no_element_explains_is_left(content, query, left):
    rest = unexplained(content, query)
    assert any(left in piece for piece in rest), rest


def test_working_days_are_named_as_not_modelled():
    assert unmodelled_period("每个工作日平均收到多少件申请？") == "工作日"
    assert unmodelled_period("平均每天收到多少件申请？") is None

"""A securities research report's cover: its rating, prices and authors, as a table and facts.

The cover of a broker's report prints, in a sidebar beside its summary, what every reader asks first: 「买入 | 首次推荐」,
「当前价/目标价: 250.67 元/315.90元」, 「目标期限: 6个月」, 「分析师杨为敩」, 「执业证书编号 S0020521060001」. The
prices become the cells of a table of their own (so that 上涨空间 is a formula over two printed cells, each cited);
the rating, horizon and authors become facts. Only what the cover prints in these forms is read.
"""

from __future__ import annotations

import re

from corpus.anytables import Fact, TableCell, TableInfo

TITLE = "投资评级与目标价"
_PRICES = re.compile(r"当前价\s*/\s*目标价\s*[:：]?\s*(?P<now>\d+(?:\.\d+)?)\s*元\s*/\s*(?P<target>\d+(?:\.\d+)?)\s*元")
_RATING = re.compile(r"(?P<rating>买入|增持|持有|中性|减持|卖出|推荐|谨慎推荐|强烈推荐|跑赢行业|跑输行业)\s*[|｜]\s*"
                     r"(?P<how>首次推荐|首次覆盖|维持|上调|下调)")
_GIVEN = re.compile(r"给予[“\"](?P<rating>买入|增持|持有|中性|减持|卖出|推荐|谨慎推荐|强烈推荐)[”\"]评级")
_HORIZON = re.compile(r"目标期限\s*[:：]?\s*(?P<horizon>\d+\s*个月)")
_ANALYST = re.compile(r"分析师\s*[:：]?\s*(?P<name>[\u4e00-\u9fff]{2,4}?)(?=\s|$|执业|电话|邮箱|\n)")
_LICENCE = re.compile(r"执业证书编号\s*[:：]?\s*(?P<code>S\d{10,})")
_CONTACT = re.compile(r"联系人\s*[:：]?\s*(?P<name>[\u4e00-\u9fff]{2,4}?)(?=\s|$|电话|邮箱|\n)")


def cover(text: str, number: int) -> tuple[list[TableInfo], list[TableCell], list[Fact]]:
    """The cover's prices as table `number` (当前价, 目标价 in 元), and its rating, horizon and authors as facts."""
    head = text[:4000]
    tables: list[TableInfo] = []
    cells: list[TableCell] = []
    prices = _PRICES.search(head)
    if prices is not None:
        quote = prices.group().strip()
        cells = [TableCell(number, label, "", float(prices.group(key)), "元", 1, quote)
                 for label, key in (("当前价", "now"), ("目标价", "target"))]
        tables = [TableInfo(number, TITLE, "元", (1,), ("",), 2)]
    facts: list[Fact] = []
    rating = _RATING.search(head) or _GIVEN.search(head)
    if rating is not None:
        facts.append(Fact(0, "投资评级", "", rating.group("rating"), 1))
    for label, pattern, key in (("目标期限", _HORIZON, "horizon"), ("分析师", _ANALYST, "name"),
                                ("执业证书编号", _LICENCE, "code"), ("联系人", _CONTACT, "name")):
        if (m := pattern.search(head)) is not None:
            facts.append(Fact(0, label, "", m.group(key), 1))
    return tables, cells, facts


__all__ = ["TITLE", "cover"]

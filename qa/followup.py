"""Follow-ups: which scope a question inherits from the conversation, and when it names its own.

What a follow-up names replaces, what it does not name is kept — and said to be kept (`inherited`). A question
that ranges over the corpus (「2024年申请量前三的机关是哪些？」, 「所有机关里…」) names its own, wider scope: the
agency of the last question does not narrow it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from qa.answer import Answer
from qa.operations import wants_all
from qa.query import Query
from qa.scope import Catalog, Resolved
from qa.vocabulary import (
    FOLLOW_BOTH as _BOTH,
    FOLLOW_COMPARE as _COMPARE,
)

# 「律师类的占比多少」「其中律所类占百分之几」: a part of the last figure, asked as its share
_SHARE_OF_LAST = re.compile(r"(?:那|那么|其中)?(?P<part>[\u4e00-\u9fff]{1,10}?)的?(?:占比|占了?(?:多少|多大)?的?(?:比例|比重|百分比)|"
                            r"所占比例|比重|占多少|占了?多少|占百分之几|占几成)(?:是|为|有)?(?:多少|几)?[？?]?")


# 「23年呢」, 「换成洪泽区呢」 (scope stripped): nothing but the turn itself; 「再往后一年呢」, 「那上一年呢」: a year moved
_BARE = re.compile(r"(?:那|那么)?(?:再)?(?:换成|换到|改成|看看)?(?:(?P<shift>(?:往后|往前|[后下前上])[一1]年|次年|去年)(?:的)?)?"
                   r"(?:的|情况)?(?:呢|怎么样|如何)?[？?。]?")


def bare_follow_up(content: str) -> int | None:
    """The year a question that is only a turn of the conversation moves to (0: none), or None when it asks more."""
    m = _BARE.fullmatch(content.strip())
    if m is None or not content.strip():
        return None
    shift = m.group("shift") or ""
    return 1 if re.search(r"[后下次]", shift) else -1 if shift else 0


def names_own_scope(content: str, query: Query | None) -> bool:
    """Whether a question ranges over every report by its own words (not over the last question's agency)."""
    if _BOTH.search(content):
        return False
    return wants_all(content) or (query is not None and query.op == "median")


def inherit_scope(catalog: Catalog, resolved: Resolved, years: tuple[int, ...], history: list[Answer], content: str,
                  query: Query | None, own_scope: bool) -> tuple[tuple[str, ...], tuple[int, ...], set[str]]:
    """Agencies and years of a question in a conversation, and which of them were inherited (agency, year)."""
    agencies = tuple(resolved.agencies)
    previous = history[-1] if history else None
    if previous is None or (previous.abstained and previous.query is None):
        return agencies, tuple(years), set()
    before_agencies, before_years = previous.scope.agencies, previous.scope.years
    if own_scope:
        kept = tuple(years) or (before_years if not agencies else ())
        return agencies, kept, ({"year"} if kept and not years else set())
    comparing = query is not None and query.op in ("growth", "multiple", "difference")
    if not agencies and not years and (_BOTH.search(content) or comparing) and len(history) >= 2:
        # 「两家加起来多少」, 「这两年平均每年多少」: the scopes of the last two questions together.
        earlier = history[-2].scope
        return (tuple(dict.fromkeys(earlier.agencies + before_agencies)),
                tuple(sorted(set(earlier.years) | set(before_years))), {"agency", "year"})
    if not agencies and not years:
        return before_agencies, before_years, {"agency", "year"}
    if agencies and not years:
        if _COMPARE.search(content) and before_agencies:
            agencies = tuple(dict.fromkeys(before_agencies + agencies))
        kept = tuple(y for y in before_years if catalog.select(agencies, (y,)))
        return agencies, kept, {"year"} if kept else set()
    if years and not agencies:
        if _COMPARE.search(content) and before_years and len(years) == 1:  # 「比2023年多多少」: both years
            return before_agencies, tuple(sorted(set(before_years) | set(years))), {"agency", "year"}
        return before_agencies, tuple(years), {"agency"} if before_agencies else set()
    return agencies, tuple(years), set()


def share_of_last(content: str, history: list[Answer], strip_names: Callable[[str], str]) -> tuple[Answer, str, str] | None:
    """「律师类的占比多少」 after a prose figure (「公共法律服务中心办了多少件行政审批」 → 12176件): the part and the whole.

    The part is the thing named with the last question's own measure (「律师类行政审批」); the whole, the last question.
    None unless the last answer was a figure of the prose and this question names a part and a share, nothing else.
    """
    # the last figure asked, past the shares of it asked since (「律师类的占比」, then 「公证类占多少」)
    previous = next((a for a in reversed(history) if not (a.unit == "%" and a.formula and a.route == "text")), None)
    m = _SHARE_OF_LAST.fullmatch(content.strip())
    if m is None or previous is None or previous.abstained or previous.route != "text" or previous.value is None \
            or previous.formula or previous.unit == "%":
        return None
    from qa.sentences import terms

    whole = strip_names(previous.question).strip(" ，,。？?")
    after = re.split(r"多少|几", whole)[-1] if re.search(r"多少|几", whole) else ""
    after = re.sub(r"^[个件条场次篇项期人名家]", "", after)  # 「多少件行政审批」: the measure after its count word
    measure = after if len(after) >= 2 else next(iter(terms(whole)[-1:]), "")
    if not measure or measure in m.group("part"):
        return None
    unit = previous.unit if previous.unit and len(previous.unit) == 1 else ""  # 「多少件」: a figure in the whole's unit
    return previous, f"{m.group('part')}{measure}{'多少' + unit if unit else '是多少'}", whole

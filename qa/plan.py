"""`plan`: a normalised question, the catalog and the conversation -> a `Plan`. The only stage that reads words.

A Plan is a table `Query` over chosen reports, a text question, a clarification, an abstention, or a partial
reading (a table reading that leaves words unexplained: no figure, unless a cited sentence says them). Scope
(agencies, years, ranges), follow-up slots, year pairing and the operation are decided here, and the coverage
rule (`qa.coverage`) is applied to every table reading before it may produce a figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from corpus import Report
from qa.answer import Answer, Scope
from qa.anyplan import other_kind_plan
from qa.compose import compose, denominator_said_after, stated_premise
from qa.coverage import unexplained, unmodelled_period
from qa.followup import bare_follow_up, inherit_scope, names_own_scope, share_of_last
from qa.lexicon import english_to_chinese
from qa.normalise import normalise
from qa.operations import detect, ranks, versus_last_year, wants_all, year_range
from qa.parts import (
    divided_parts,
    part_of_stated_whole,
    prose_parts,
)
from qa.query import Measure, Query, QueryScope
from qa.scope import Catalog, each_with_its_year, in_asked_order
from qa.table_route import label
from qa.text_words import TEXT_CHANGE_TURN
from qa.understand import Understander, Understood
from qa.vocabulary import (
    COMPOSE_DIVIDE,
    FUNCTION_WORDS,
    METHOD_NOTE,
    PLAN_ALL_YEARS,
    PLAN_ASKS_KIND,
    PLAN_CHANGE as _CHANGE,
    PLAN_COMPARE as _COMPARE,
    PLAN_ENDS,
    PLAN_GROWTH_RATE,
    PLAN_PERIOD_TURN,
    PLAN_POINTS as _POINTS,
    PLAN_RELATIVE_YEARS as _RELATIVE_YEARS,
    PLAN_THIS_YEAR,
    PLAN_YEAR_BEFORE,
    READ_NARROW,
    SIGNED_CHANGE,
)

_COMPARING = ("difference", "growth", "multiple", "sum", "average", "trend", "rank", "median")


@dataclass
class Plan:
    """What a question was understood as, and what to do: `kind` is table | text | clarify | abstain | partial | any.

    `summary`: a report's own sentences on a topic, quoted (`qa.summary`).

    `any`: a question about a report of another kind, answered from its own tables (`qa.anyreport`), else `otherwise`.
    """

    kind: str
    asked: str
    question: str = ""
    content: str = ""
    query: Query | None = None
    reports: list[Report] = field(default_factory=list)
    agencies: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    scope: Scope = field(default_factory=Scope)
    reason: str | None = None
    choices: list[str] = field(default_factory=list)  # questions to pick from (clarify, partial)
    candidates: list[Measure] = field(default_factory=list)  # clarify: the readings, each shown with its figure
    unexplained: tuple[str, ...] = ()  # partial: the words no element of the Plan accounts for
    inherited: frozenset[str] = frozenset()  # slots taken from earlier turns: agency, year, measure, op
    text_ids: list[str] | None = None  # text: the reports read (None: the whole corpus)
    otherwise: Plan | None = None  # text: what to answer when no sentence answers
    blank_to_text: bool = False  # table: a blank cell of one report may be stated by its prose
    printed_rate: bool = False  # table: show a rate the report's text prints beside the computed one
    per_report: bool = False  # text: read each report of the scope on its own (a prose sum over years)
    parts: tuple[str, ...] = ()  # text: two figures to add (or divide), each from its own sentence
    combine: str = "sum"  # text: what the parts make: their sum, or the first ÷ the second ("ratio")
    across: bool = False  # any: part i is read from report i (two issuers compared)
    per: str | None = None  # text: the prose figure is a year's, asked per day / month / quarter
    premise: tuple[str, float] | None = None  # a figure the question states (「一共46件」), checked against the cells
    topic: str | None = None  # summary: what to sum up from the report's own sentences (「经营业绩」)
    given: Answer | None = None  # text share: the whole, the last answer's figure (「律师类的占比多少」)

    def answered_by_table(self) -> bool:
        """Whether the Plan gives figures from cells."""
        return self.kind == "table" and self.query is not None


def which_report(plan: Plan) -> Plan:
    """A figure question that several reports could answer: ask which, one choice per report."""
    reports = plan.reports
    choices = "、".join(label(r) for r in reports[:6]) + ("等" if len(reports) > 6 else "")
    asked_about = PLAN_THIS_YEAR.sub("", plan.content).strip(" ，,。的") or plan.question
    query = plan.query
    first = query.measures[0] if query is not None and query.measures else None
    # The row stays in scope: the user's reply 「上海市司法局2020年的」 then gets this figure.
    scope = Scope(plan.scope.report_ids, plan.scope.agencies, plan.scope.years, first.table if first else None,
                  first.row if first else None, first.col if first else None)
    return replace(plan, kind="clarify", scope=scope, candidates=[],
                   reason=f"问题没有指明机关和年份，语料中有{len(reports)}份报告（{choices}），请指明是哪一份",
                   choices=[f"{label(r)}{asked_about}" for r in reports[:6]])


class Planner:
    """Reads a question against a catalog (and the conversation so far) into a Plan."""

    def __init__(self, catalog: Catalog, understander: Understander) -> None:
        self.catalog = catalog
        self.understander = understander

    def plan(self, asked: str, history: list[Answer], only: list[str] | None = None) -> Plan:
        """The Plan of one question; `history`: earlier Answers, most recent last; `only`: report ids in reach."""
        catalog = self.catalog.restricted(set(only)) if only else self.catalog
        question = METHOD_NOTE.sub("", english_to_chinese(catalog.chinese_names(normalise(asked))))
        plan = Plan("abstain", asked, question)
        resolved = catalog.resolve(question)
        if resolved.unknown_agency:
            below = f"（只有其下属地方的：{'、'.join(resolved.below)}）" if resolved.below else ""
            known = "、".join(sorted({r.agency for r in catalog.reports})[:8])
            return replace(plan, reason=f"语料中没有「{resolved.unknown_agency}」的报告{below}；语料中有：{known}")
        if resolved.unconfirmed:
            asked_name, agency = resolved.unconfirmed
            return replace(plan, kind="clarify", reason=f"语料中没有「{asked_name}」的报告；与它只差一个字的是{agency}，是指它吗？",
                           choices=[question.replace(asked_name, agency)])
        content = catalog.strip_names(question)
        content = denominator_said_after(content)
        premise = stated_premise(content)
        if premise is not None:  # 「一共46件，其中…」: read without the figure, the figure checked against the report's
            content, plan.premise = premise[0], premise[1:]
        years = year_range(question) or resolved.years
        content, years, carried = self._bare_turn(catalog, content, years, history)
        if carried:  # the prose is searched for the words of the question the turn continues
            question = plan.question = content
        plan.content = content
        resolved = catalog.widen_to_place(question, resolved)
        other_kind = other_kind_plan(plan, catalog, resolved.agencies, years, question)
        if other_kind is not None:
            return other_kind
        queries = [a.query for a in history if a.query is not None]
        named = len(catalog.select(resolved.agencies, years)) if (resolved.agencies or years) else 0
        understood = compose(content, queries) or self.understander.understand(content, queries, named, len(years))
        if _POINTS.search(content) and _POINTS_COMPARED.search(content):
            # 「（A÷B）24年较23年变动几个百分点」: the rate read without the change, differenced; 「…占几个点」 compares
            # nothing: a share in percent
            understood = self._points(content, understood, queries, named, len(years))
        if understood.via == "unsupported":  # a formula with an operation no Plan computes: said, not approximated
            return replace(plan, kind="partial", unexplained=(understood.described,), content=content)
        unread = None
        if (divide := COMPOSE_DIVIDE.search(content)) is not None and understood.via != "composed":
            # a division the structure did not read: no figure from another reading of the same words (the prose may
            # state both sides: 「原创文章数/编发文章总数」)
            unread = replace(plan, kind="partial", unexplained=(divide.group(),), content=content)
            understood = replace(understood, query=None, candidates=[])
        if len(years) > 2 and understood.query is not None and understood.query.op in ("difference", "growth", "multiple") \
                and PLAN_ENDS.search(question):
            years = (years[0], years[-1])  # 「从2019年到2025年降了多少」: the two ends, not every year between
        query = understood.query
        own_scope = names_own_scope(content, query)
        agencies, years, inherited = inherit_scope(catalog, resolved, years, history, content, query, own_scope)
        agencies, years, as_asked = in_asked_order(question, agencies, years)  # 「2023年是2024年的几倍」: 2023 ÷ 2024
        if understood.via == "inherited" or carried:
            inherited |= {"measure"}
        plan.inherited = frozenset(inherited)
        missing = [y for y in years if agencies and not catalog.select(agencies, (y,))]
        if missing and len(missing) == len(years) and query is None and not inherited:
            # 「上海科技公众号2024年…」: 上海 read as the place's government, which has no 2024 report; the prose of the
            # place's agency that has one is searched (the answer names whose report it is)
            agencies = catalog.place_fallback(question, tuple(agencies), tuple(years)) or agencies
            missing = [y for y in years if not catalog.select(agencies, (y,))]
        comparing = query is not None and query.op in _COMPARING
        if missing and (comparing or len(missing) == len(years)):
            present = [y for y in years if y not in missing]
            side = f"（只有{'、'.join(f'{y}年' for y in present)}的）" if present else ""
            return replace(plan, reason=f"语料中没有{'、'.join(agencies)}{missing[0]}年的报告{side}")
        years = tuple(y for y in years if y not in missing)  # 「2025年从2024年结转过来的」: 2024 is a reference
        agencies_all = own_scope or wants_all(content) or (query is not None and query.op in ("rank", "count", "check", "median"))
        reports = catalog.select(agencies, years) if (agencies or years) else list(resolved.reports)
        reports = each_with_its_year(question, agencies, years, catalog) or reports
        if resolved.unknown_year and not reports:
            return replace(plan, reason=f"语料中没有{'、'.join(agencies) or '任何机关'}{resolved.unknown_year}年的报告")
        if not reports:
            return replace(plan, reason="语料中没有符合条件的报告")
        scope = Scope(tuple(r.id for r in reports), tuple(agencies), tuple(years))
        plan = replace(plan, reports=reports, agencies=tuple(agencies), years=tuple(years), scope=scope, query=query)
        restricted = bool(agencies or years or len(catalog.all) != len(self.catalog.all))
        text = replace(plan, kind="text", query=None, text_ids=[r.id for r in reports] if restricted else None)
        if (averaged := _stated_per_period(text, content)) is not None:
            return averaged
        if plan.inherited and (share := share_of_last(content, history, catalog.strip_names)):
            # 「律师类的占比多少」: the part read from the prose, the whole the last answer's figure
            return replace(text, parts=share[1:], combine="share", given=share[0])
        if query is None and plan.premise is not None and (part := part_of_stated_whole(text, content, plan.premise)):
            return part  # 「公布的2599条政府信息里，…类的占多少」: ÷ the whole stated, before any semantic reading
        if understood.candidates and understood.via == "lexicon":
            return replace(plan, kind="clarify", candidates=understood.candidates, reason="问题的说法对应多个表格栏目")
        if understood.candidates:
            # Several close semantic readings: a sentence of the report that states the figure beats asking back.
            asked_back = replace(plan, kind="clarify", candidates=understood.candidates, reason="问题的说法对应多个表格栏目")
            before = _year_before(text, content, catalog)
            return replace(prose_parts(text, content), otherwise=replace(before, otherwise=asked_back) if before else asked_back)
        if query is None and plan.premise is not None:  # 「118件申请里网上提交的占多少」: ÷ the whole stated
            return part_of_stated_whole(text, content, plan.premise) or prose_parts(text, content)
        if query is None and plan.inherited and READ_NARROW.match(content) and history and history[-1].query is not None \
                and history[-1].query.measures and history[-1].query.measures[0].table == "申请":
            # 「其中信函寄来的呢」 after the requests received: a part of them the prose states (「信函申请16件」)
            narrowed = f"{READ_NARROW.sub('', content).rstrip('呢吗？?')}申请多少件"
            return prose_parts(replace(text, content=narrowed, question=narrowed), narrowed)
        if query is None and resolved.ambiguous and len({r.agency for r in reports}) > 1 and not agencies_all:
            return which_report(plan)  # 「沭阳的依申请公开数量」: one name for two agencies' reports, asked back
        if unread is not None:
            sides = divided_parts(content)
            return replace(text, parts=sides[0], combine=sides[1], otherwise=unread) if sides else unread
        if query is None:
            main, before = prose_parts(text, content), _year_before(text, content, catalog)
            return replace(main, otherwise=before) if before is not None and main.otherwise is None else main
        if query.op == "count" and not query.measures and len(reports) == 1 and agencies and years:
            return prose_parts(text, content)  # 「有多少家单位…」 of one report; 「A、B、C加起来一共多少份」
        query = self._ranked_change(query, content)
        query = query.with_(scope=QueryScope(tuple(agencies), tuple(years), agencies_all and not agencies), as_asked=as_asked,
                            signed=query.op == "difference" and bool(SIGNED_CHANGE.search(content)))
        plan.query = query
        return self._table(plan, text, understood, catalog)

    @staticmethod
    def _bare_turn(catalog: Catalog, content: str, years: tuple[int, ...], history: list[Answer]
                   ) -> tuple[str, tuple[int, ...], bool]:
        """「23年呢」, 「再往后一年呢」 after a figure of the prose: the last question's words, in the scope now named.

        A table reading inherits its measures through its Query; a prose reading has only its words, so they are
        carried over (and said to be). A year moved (「往后一年」) is the last answer's year moved.
        """
        shift = bare_follow_up(content) if history else None
        period = PLAN_PERIOD_TURN.search(content) if history and history[-1].query is None else None
        if shift is None and period is None and history and history[-1].query is None:  # 「同比变化百分之多少」: the last's
            shift, period = (0, turn) if (turn := TEXT_CHANGE_TURN.fullmatch(content.strip())) else (None, None)
        if shift is None and history and history[-1].query is None:
            last = catalog.strip_names(normalise(history[-1].question))
            rest = re.sub(r"[^\u4e00-\u9fff]", "", FUNCTION_WORDS.sub("", PLAN_PERIOD_TURN.sub("", content)))
            if all(ch in last for ch in rest):
                # 「那沭阳县政府2025年收了多少」 after 「…收取信息处理费多少元」, 「那平均每天公开多少条」 after 「…公开了
                # 多少条」: nothing asked but the scope or a period named, and words of the last question
                shift = 0
        if shift is None:
            return content, years, False
        if shift and not years and len(history[-1].scope.years) == 1:
            years = (history[-1].scope.years[0] + shift,)
        if history[-1].query is not None:  # 「那上一年呢」 after a table reading: the year moved, the turn asks nothing else
            return ("呢" if shift else content), years, False
        for earlier in reversed(history):
            words = catalog.strip_names(english_to_chinese(catalog.chinese_names(normalise(earlier.question))))
            if bare_follow_up(words) is None:
                return words + (f"，{period.group()}" if period else ""), years, True
        return content, years, False

    def _points(self, content: str, understood: Understood, queries: list[Query], named: int, n_years: int) -> Understood:
        """A change of a rate in percentage points: the rate read without the comparison, then differenced."""
        query = understood.query
        if query is None or query.op not in ("rate", "difference"):
            rate_only = _CHANGE.sub("", content)
            understood = compose(rate_only, queries) or self.understander.understand(rate_only, queries, named, n_years)
            query = understood.query
        if query is None or query.op not in ("rate", "difference") or not (query.denominators or query.definition):
            return understood
        return replace(understood, query=query.with_(op="difference"))

    def _table(self, plan: Plan, text: Plan, understood: Understood, catalog: Catalog) -> Plan:
        """A table reading: year pairing, which report, the list/ranking of several, and the coverage rule."""
        query, content, reports = plan.query, plan.content, plan.reports
        assert query is not None
        if query.op == "rate" and query.denominator in query.measures and not query.over and not query.minus:
            # 「纠正的占诉讼总数百分之几」 after 「结果被纠正的有几件」: the whole read as the part (5 ÷ 5): not understood
            return replace(plan, kind="abstain", reason=f"问题的分子和分母读成了同一栏目（{query.denominator.row}），无法据此给出比例")
        year_over_year = query.op in ("growth", "multiple") and not query.pooled or (
            query.op == "difference" and versus_last_year(content))
        if year_over_year and len(query.measures) == 1 and not (query.op == "multiple" and len(reports) == 2):
            paired = self._with_previous_year(plan, text, catalog)
            if isinstance(paired, Plan):
                return paired
            plan.reports = reports = paired
        single = query.op in ("value", "rate", "difference", "multiple") and not year_over_year and not query.pooled
        ambiguous = catalog.resolve(plan.question).ambiguous
        named_several = (len(plan.agencies) > 1 and not ambiguous) or len(plan.years) > 1
        if single and len(reports) > 1 and not (named_several or query.scope.all_reports or _COMPARE.search(content)):
            return which_report(plan)
        one_agency = len({r.agency for r in reports}) == 1
        if query.op == "sum" and len(reports) > 1 and not plan.years and not query.scope.all_reports \
                and not PLAN_ALL_YEARS.search(content) and (one_agency or ambiguous):
            # 「上海市政府办公厅收到的申请一共多少」 names no year, 「沭阳的…一共多少」 one name for two agencies:
            # which report, or all of them added — the user says
            asked = replace(which_report(plan), reason="问题没有指明是哪一年（或哪个机关）的，还是各报告相加")
            total = f"{'、'.join(plan.agencies)}各年合计" if len(plan.agencies) == 1 else "以上各报告合计"
            asked.choices = [*asked.choices, f"{total}{content.strip(' ，,。？?的')}"]
            return asked
        if query.op == "value" and len(reports) > 1 and len(query.measures) == 1:
            # Now that the reports are known: 「哪个多」 of two is a ranking, 「比…多」 a difference, else a list.
            again = detect(content, 1, len(reports))
            op = again.op if again.op in ("difference", "sum", "rank") else "trend"
            plan.query = query = query.with_(op=op, n=again.n if op == "rank" else None, descending=again.descending)
        plan.scope = Scope(tuple(r.id for r in reports), plan.agencies, plan.years)
        also = [understood.described] if understood.described else []
        rest = () if query.op in ("check",) or (query.op == "count" and not query.measures) else \
            unexplained(_RELATIVE_YEARS.sub(" ", content), query, also)
        period = unmodelled_period(content)
        if period and period not in rest:
            rest = (period, *rest)
        if query.op == "value" and (kind := PLAN_ASKS_KIND.search(content)) or (kind := _ASKS_WHOSE.search(content)):
            rest = (kind.group(0), *rest)  # 「那64件分别是哪些部门的」: who makes up a figure stated, no ranking
        if rest:
            return replace(plan, kind="partial", unexplained=rest, otherwise=None,
                           text_ids=[r.id for r in reports] if text.text_ids is not None else None)
        plan.kind = "table"
        plan.blank_to_text = query.op in ("value", "sum") and len(reports) == 1
        # The report's own printed rate is shown beside a rate of the whole (办理结果总计), not beside a share of a part.
        plan.printed_rate = query.op == "rate" and len(reports) == 1 and (
            query.definition is not None or [m.row for m in query.denominators] == ["总计"])
        return plan

    @staticmethod
    def _ranked_change(query: Query, content: str) -> Query:
        """「哪一年比上一年多收的最多」, 「哪一年同比增幅最大」: the years ranked by their change."""
        if query.op in ("rank", "growth", "difference") and ranks(content) and (versus_last_year(content) or query.op == "growth"):
            delta = "growth" if query.op == "growth" or PLAN_GROWTH_RATE.search(content) else "difference"
            order = detect(content, 1, 2)
            return query.with_(op="rank", delta=delta, n=1 if order.n is None else order.n, descending=order.descending)
        return query

    def _with_previous_year(self, plan: Plan, text: Plan, catalog: Catalog) -> list[Report] | Plan:
        """The reports of a year-over-year question: the one asked and the year before it (or a Plan saying why not)."""
        reports = plan.reports
        if len(reports) > 1 and not plan.years and len({r.agency for r in reports}) == 1:
            # 「平潭的申请比上年涨了多少」: which year? Offer each one that has a year before it in the corpus.
            known = {r.year for r in reports}
            offered = [r for r in reports if r.year and r.year - 1 in known]
            asked_about = plan.content.strip(" ，,。的")
            return replace(plan, kind="clarify", reason="问题没有指明是哪一年与上一年相比",
                           choices=[f"{label(r)}{asked_about}" for r in offered][-6:])
        if len(reports) != 1:
            return reports
        earlier = catalog.select((reports[0].agency,), ((reports[0].year or 0) - 1,))
        if earlier:
            return earlier + reports
        # The previous year's report is not in the corpus; the text may still state the change.
        why = f"语料中没有{reports[0].agency}{(reports[0].year or 0) - 1}年的报告，无法计算同比"
        return replace(text, otherwise=replace(plan, kind="abstain", reason=why))

    @staticmethod
    def prose_of(text: Plan, content: str) -> Plan:
        """The text plan of a question whose cells could not be read: its named parts, each from its own sentence."""
        return prose_parts(text, content)


_ASKS_WHOSE = re.compile(r"[那这]\s*\d+\s*[件个项条次]?[^，,。？?]{0,6}?(?:分别|各自)?(?:是|来自|属于)?哪(?:些|几个|几家)[\u4e00-\u9fff]{0,4}")
_POINTS_COMPARED = re.compile(r"比|较|变|差|升|降|涨|跌|掉|提高|增加|减少|同比|环比|上年|去年|前一年|上一年")


_STATED_COUNT = re.compile(r"(?:全年|一年|今年)?(?:共|一共|总共)?(?P<verb>[\u4e00-\u9fff]{1,4}?)\s*(?P<n>\d+)\s*(?P<u>件|条|个|场|次|篇|人次)")


def _stated_per_period(text: Plan, content: str) -> Plan | None:
    """「全年受理749件…，平均每天多少件」: the figure the user states, where a sentence of the report states it too, per day.

    Read as the sentence's own figure (「全县全年共受理政府信息公开申请 749 件」), then divided by the year's days.
    """
    asked = detect(content, 0, 1)
    stated = _STATED_COUNT.search(content)
    if asked.op != "average" or not asked.per or stated is None or len(text.reports) != 1:
        return None
    if not re.search(rf"{stated.group('verb')}[^。；;]{{0,24}}?(?<!\d){stated.group('n')}\s*{stated.group('u')}", text.reports[0].text):
        return None
    reread = content[: stated.start("n")] + "多少" + content[stated.end("n") :]
    reread = re.split(r"[，,]", reread)[0] if "多少" in re.split(r"[，,]", reread)[0] else reread
    return replace(text, content=reread, question=reread, per=asked.per)


def _year_before(text: Plan, content: str, catalog: Catalog) -> Plan | None:
    """The year named against the year before it, each report read on its own (None without the earlier report).

    「洪泽区主动公开信息条数24年同比增长多少」 where no sentence of the year's report states the change.
    """
    if len(text.years) != 1 or len(text.agencies) != 1 or not PLAN_YEAR_BEFORE.search(content):
        return None
    year = text.years[0]
    before = catalog.select(text.agencies, (year - 1,))
    if len(before) != 1 or len(text.reports) != 1:
        return None
    content = PLAN_YEAR_BEFORE.sub("比", content, count=1)  # as if asked 「2024年比2023年…」 (the years are the scope's)
    question = PLAN_YEAR_BEFORE.sub(f"比{year - 1}年", text.question, count=1)
    reports = sorted([*text.reports, *before], key=lambda r: r.year or 0)
    ids = [r.id for r in reports]
    both = replace(text, content=content, question=question, reports=reports, years=(year, year - 1), text_ids=ids,
                   scope=Scope(tuple(ids), text.agencies, (year, year - 1)))
    return prose_parts(both, content)

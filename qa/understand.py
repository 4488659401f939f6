"""`understand`: a normalised question (and the previous `Query` of the conversation) -> a typed `Query`.

The lexicon is the precise first pass for rows and columns; words it does not explain go to the semantic
matcher (descriptions of every row and column, embedded), which is accepted only with a clear margin.
When readings are close, the result is a clarification (candidates), never a guess. The operation comes
from the closed vocabulary of `qa.operations`; a follow-up inherits every slot it does not name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.table_spec import REQUEST_COLS, REQUEST_ROWS, REVIEW_COLS, REVIEW_ROWS
from qa.lexicon import (
    EXPLAIN,
    PROSE_ONLY,
    WEAK_GROUPS,
    WEAK_NEW,
    RowTerm,
    col_words,
    columns_of,
    leftover,
    match_cols,
    match_rows,
)
from qa.operations import Operation, detect, ranks
from qa.query import Measure, Query, part_of
from qa.semantic import PROSE, SemanticMatcher, describe
from qa.vocabulary import (
    READ_ABOUT_PROSE as _ABOUT_PROSE,
    READ_BOTH as _BOTH,
    READ_CORRECTION as _CORRECTION,
    READ_FIGURE_WORDS as _FIGURE_WORDS,
    READ_FILED,
    READ_ITEM_COLUMN,
    READ_JOINED,
    READ_LAWSUIT,
    READ_NARROW,
    READ_OP_WORDS as _OP_WORDS,
    READ_OPEN_RATE as _OPEN_RATE,
    READ_POOLED as _POOLED,
    READ_PROSE_UNIT as _PROSE_UNIT,
    READ_QUALIFIER as _QUALIFIER,
    READ_QUOTED_COUNT,
    READ_REQUEST,
    READ_REQUEST_TABLE,
    READ_REVIEW_OR_SUIT,
    READ_REVIEW_TABLE,
    READ_SHARE_OF,
    READ_SHORT_FOLLOW_UP,
    READ_TEXT_VS_TABLE,
    READ_WITH_PARTIAL as _WITH_PARTIAL,
    READ_WITHOUT_PARTIAL as _WITHOUT_PARTIAL,
)

# Two-character words every label shares (they name no row in particular).
_COMMON_PAIRS = {"申请", "政府", "信息", "公开", "数量", "处理", "其他", "行政", "机关", "属于", "本年", "年度", "下年", "继续"}
_COMPARING = ("growth", "multiple", "difference", "rank", "sum", "average", "trend")
_GROUP_OF = {"不予公开", "无法提供", "不予处理", "其他处理"}


@dataclass
class Understood:
    """What a question was understood as: a query, or close readings to choose from, or nothing (prose)."""

    query: Query | None = None
    candidates: list[Measure] = field(default_factory=list)
    via: str = "lexicon"  # lexicon | semantic | inherited | composed | extended
    described: str = ""  # a semantic reading: the description of the row matched (its words explain the question's)


def _measures_from_terms(terms: list[RowTerm], content: str) -> list[Measure]:
    """Measures of the rows the lexicon found, with the column named for each (None: the default)."""
    measures = []
    masked = content  # a row's own words are not a column (「“其他处理”中的“其他”」)
    for term in terms:
        if term.pattern:
            masked = re.sub(term.pattern, lambda m: " " * len(m.group()), masked)
    for term in terms:
        cols = match_cols(masked, term.table, term.row)
        if len(terms) == 1 and len(cols) == 2:
            return [Measure(term.table, term.row, c) for c in cols]
        measures.append(Measure(term.table, term.row, cols[0] if cols else None))
    return measures


def _rate(content: str, measures: list[Measure], after: int) -> tuple[list[Measure], Measure | None, str | None, str | None]:
    """Numerator(s), denominator, definition and topic of a rate question; `after`: measures named after 占."""
    if _CORRECTION.search(content):
        row = measures[0].row if measures and measures[0].table == "复议诉讼" else "行政复议"
        row = "行政诉讼" if READ_LAWSUIT.search(content) and row == "行政复议" else row
        return [Measure("复议诉讼", row, "结果纠正")], Measure("复议诉讼", row, "总计"), "结果纠正 ÷ 总计", None
    if len(measures) > 1 and any(m.row == "总计" for m in measures):
        measures = [m for m in measures if m.row != "总计"]  # 「办结的申请里予以公开的占多少」: 总计 is the base
    only_open = not measures or all(m.row in ("予以公开", "部分公开") for m in measures)
    if _OPEN_RATE.search(content) and only_open:
        with_partial = bool(_WITH_PARTIAL.search(content) or len(measures) == 2) and not _WITHOUT_PARTIAL.search(content)
        topic = "含部分公开" if with_partial else None
        return [Measure("申请", "予以公开")], Measure("申请", "总计"), "公开率", topic
    if not measures:
        return [], None, None, None
    if after and len(measures) > after:
        return measures[:-after], measures[-1], None, None
    first = measures[0]
    if first.table in ("申请", "复议诉讼") and first.col and first.col != "总计":
        return [first], Measure(first.table, first.row, "总计"), None, None
    if first.table == "申请" and first.row not in ("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "总计"):
        return measures, Measure("申请", "总计", first.col), None, None
    return [], None, None, None


class Understander:
    """Turns a question into a `Query` with the lexicon, the operation words and the semantic matcher."""

    def __init__(self, matcher: SemanticMatcher | None = None) -> None:
        self.matcher = matcher

    def understand(self, content: str, history: list[Query], n_agencies: int, n_years: int) -> Understood:
        """Measures and operation of a question's content (agency names and years already removed).

        `history`: the queries of the conversation so far, most recent last (a follow-up inherits from them).
        """
        found = self._understand(content, history, n_agencies, n_years)
        if found.via == "semantic" and found.query is not None:
            found.described = "".join(describe(m) for m in found.query.measures)
        return found

    def _understand(self, content: str, history: list[Query], n_agencies: int, n_years: int) -> Understood:
        previous = history[-1] if history else None
        terms = match_rows(content)
        measures = _measures_from_terms(terms, content)
        via = "lexicon"
        if previous is not None and previous.measures and READ_NARROW.match(content) and not measures:
            first = previous.measures[0]
            if narrowed := match_cols(content, first.table, first.row):
                # 「其中律所提的呢」 after 办结了多少: the earlier row, that column (not the requests received)
                measures, via = [Measure(m.table, m.row, narrowed[0]) for m in previous.measures], "inherited"
        if not measures and (col := _column_only(content)):
            measures = [Measure("申请", "本年新收政府信息公开申请数量", col)]  # 「企业提的申请」: the ones received
        if not measures and not history and READ_ITEM_COLUMN.search(content):  # 「处理决定数量」: of which item?
            rows = ("行政许可", "其他对外管理服务事项", "行政处罚", "行政强制")
            return Understood(None, candidates=[Measure("主动公开", r, match_cols(content, "主动公开", r)[0]) for r in rows])
        operation = detect(content, len(measures), max(n_agencies, n_years))
        if not measures and not history and operation.op in _COMPARING and READ_REQUEST.search(content):
            measures = [Measure("申请", "本年新收政府信息公开申请数量")]  # 「申请比上年涨了多少」: the requests received
        if operation.op == "check" or (operation.op == "count" and not measures):
            claims = _claims(content, terms) if operation.op == "check" else ()
            return Understood(Query(op=operation.op, topic=_check_topic(content, terms), claims=claims))
        if measures and measures[0].table == "复议诉讼" and _column_only(content):
            return Understood(None)  # 「由企业提起的复议」: the 复议诉讼 table has no applicant columns
        if PROSE_ONLY.search(content) and not _OPEN_RATE.search(content) and not _CORRECTION.search(content):
            return Understood(None)
        if EXPLAIN.search(content) and operation.op == "value" or _ABOUT_PROSE.search(content) and operation.op in ("value", "rate"):
            return Understood(None)  # 「总体情况里说受理了多少件」: what the text says, which may differ from the table
        counting = operation.op == "count" and bool(measures)  # 「有几家上年结转的申请是0」: reports counted
        if _PROSE_UNIT.search(content) and not counting and not any(m.table == "主动公开" and m.row == "行政事业性收费" for m in measures):
            return Understood(None)
        review = previous.measures[0] if previous is not None and previous.measures and previous.measures[0].table == "复议诉讼" else None
        if review is not None and not measures and (named := match_cols(content, "复议诉讼", review.row)):
            measures, via = [Measure("复议诉讼", review.row, named[0])], "inherited"  # 「其中结果纠正的有几件？」
        ambiguous = [] if review is not None else self._ambiguous(content, measures, terms)
        if ambiguous:
            return Understood(None, candidates=ambiguous, via="lexicon")
        named_rate = operation.op == "rate" and bool(_OPEN_RATE.search(content) or _CORRECTION.search(content))
        denominators: list[Measure] = []
        after = _named_after(content, terms) if operation.op == "rate" and not named_rate else 0
        if after and (len(measures) > after or previous is not None):
            measures, denominators = measures[:-after], measures[-after:][:1]  # 「…占办理总数的百分之几」
            whole, d = content[content.rfind("占") + 1 :] if "占" in content else "", denominators[0]  # 「纠正的占诉讼总数」
            denominators = [Measure(d.table, d.row, None)] if whole and d.col and not col_words(whole, d.table, d.row) else denominators
        if not measures and previous is not None and previous.measures and not (named_rate and review is None):
            measures, via = self._inherit(content, history), "inherited"
        rest = "" if named_rate else self._unexplained(content, terms, operation, measures)
        rest = re.sub(r"[\x00-\x7f]+|[^\w]", "", rest)  # Latin words and punctuation left over are not a reading of a row
        # One stray character is not a qualifier — unless only the weak 「多少件申请」 default explains the rest
        # (「有多少申请被拒了」: 拒 is the point of the question).
        rest = rest if len(rest) >= 2 or (rest and _weak_only(content)) else ""
        if _QUALIFIER.search(_without(content, terms)):
            return Understood(None)  # the text route may still find it in the prose
        if rest and measures and via == "lexicon" and not _weak_only(content):
            explained = measures if _named_group(terms) else self._explain_rest(content, rest, measures)
            if explained is None:
                return Understood(None)
            measures, rest = explained, ""
        if rest and self.matcher is not None and _FIGURE_WORDS.search(content):
            measures, via, candidates = self._semantic(content, rest, measures, via)
            if candidates:
                return Understood(None, candidates=candidates, via="semantic")
        elif rest:
            return Understood(None)
        if previous is not None and via == "lexicon" and operation.op == "value" and READ_SHORT_FOLLOW_UP.fullmatch(content) \
                and len(measures) == 1 and measures[0].col is None and previous.measures:
            # 「规章呢」 after 「规范性文件对外公开总数是多少」: another row, the same column where the row has it
            last = previous.measures[0]
            if last.table == measures[0].table and last.col and last.col in columns_of(measures[0].table, measures[0].row):
                measures = [Measure(measures[0].table, measures[0].row, last.col)]
        if via == "inherited" and operation.op == "value" and previous is not None:
            # 「洪泽区呢？」 after a rate: the same question about another scope.
            return Understood(previous.with_(measures=tuple(measures) if previous.op != "rate" else previous.measures), via=via)
        if operation.op == "rate" and not denominators and previous is not None and READ_NARROW.match(content) \
                and len(previous.measures) == 1 and measures and all(part_of(m, previous.measures[0]) for m in measures):
            denominators = [previous.measures[0]]  # 「这里面属于国家秘密的占多少」 after 不予公开: of 不予公开, not 总计
        if operation.op == "rate":
            if denominators:
                return Understood(Query(op="rate", measures=tuple(measures), denominator=denominators[0]), via=via)
            numerators, denominator, definition, topic = _rate(content, measures, 0)
            if not numerators:
                return Understood(None)
            rate = Query(op="rate", measures=tuple(numerators), denominator=denominator, definition=definition, topic=topic,
                         pooled=bool(_POOLED.search(content)))
            if ranks(content):  # 「哪份年报的公开率最高」: reports ranked by the rate
                order = detect(content.replace("率", ""), 1, 2)
                return Understood(rate.with_(op="rank", n=order.n, descending=order.descending), via=via)
            return Understood(rate, via=via)
        if not measures:
            return Understood(None)
        return Understood(Query(op=operation.op, measures=tuple(measures), n=operation.n, descending=operation.descending,
                                per=operation.per, condition=operation.condition), via=via)

    def _explain_rest(self, content: str, rest: str, measures: list[Measure]) -> list[Measure] | None:
        """Measures when the rows named explain a question whose other words are how people talk.

        A short rest (「查无此信息」, 「案子」) is accepted, and so is any rest of a row named by its own words. A longer one
        is accepted only where the semantic reading of the whole question agrees with the lexicon's row
        (or names one of its sub-rows: 「补正以后还说不清楚」 under 无法提供); otherwise None (not from a cell).
        """
        first = measures[0]
        if first.table == "主动公开" and all(m.col is None for m in measures):
            return None  # 主动公开 rows have several columns: unexplained words may mean any of them
        if _distinctive(measures[0]):
            return measures
        # A general row (总计, 新收, a group named plainly) with words it does not explain: those words may
        # name another row (「重复提交的」 is the 重复申请 row's word, not 新收's).
        if _names_another_row(rest, measures[0]):
            return None
        if len(rest) <= 4:
            return measures
        if self.matcher is None:
            return None
        match, _ = self.matcher.decide(content)
        if match is None or isinstance(match.target, str):
            return None
        found = match.target
        if found.row == first.row:
            return measures
        if found.table == first.table and found.row.startswith(first.row + "/") and len(measures) == 1:
            return [Measure(found.table, found.row, measures[0].col)]
        return None

    @staticmethod
    def _ambiguous(content: str, measures: list[Measure], terms: list[RowTerm]) -> list[Measure]:
        """Readings to choose from when the words name no single row (结转 alone; a 复议/诉讼 column alone)."""
        for m in measures:
            if m.row == "结转":
                return [Measure("申请", "上年结转政府信息公开申请数量", m.col), Measure("申请", "结转下年度继续办理", m.col)]
            if m.row == "申请总数":
                return [Measure("申请", "本年新收政府信息公开申请数量", m.col), Measure("申请", "总计", m.col)]
            if m.row == "不予":
                return [Measure("申请", "不予公开", m.col), Measure("申请", "不予处理", m.col)]
        review_cols = match_cols(content, "复议诉讼", "行政复议")
        if not measures and review_cols and not READ_REVIEW_OR_SUIT.search(content):
            return [Measure("复议诉讼", row, review_cols[0]) for row in ("行政复议", "行政诉讼")]
        if not measures and _CORRECTION.search(content) and not READ_REVIEW_OR_SUIT.search(content):
            return [Measure("复议诉讼", row, "结果纠正") for row in ("行政复议", "行政诉讼")]
        if measures and measures[0].table == "复议诉讼" and match_cols(content, "申请", "本年新收政府信息公开申请数量"):
            return []  # handled by the caller: the 复议诉讼 table has no applicant columns
        return []

    def _inherit(self, content: str, history: list[Query]) -> list[Measure]:
        """A follow-up's measures: the previous ones with a column it names, or the last two together."""
        previous = history[-1]
        if _BOTH.search(content) and len(history) >= 2 and len(previous.measures) == 1:
            earlier = history[-2].measures[:1]
            if earlier and earlier[0] != previous.measures[0]:
                return [earlier[0], previous.measures[0]]
        first = previous.measures[0]
        cols = match_cols(content, first.table, first.row)
        if not cols and self.matcher is not None and len(content.strip("的呢？?。 ")) <= 12:
            col = self.matcher.column(content, first.table)
            cols = [col] if col else []
        if cols:
            return [Measure(m.table, m.row, cols[0]) for m in previous.measures]
        return list(previous.measures)

    def _unexplained(self, content: str, terms: list[RowTerm], operation: Operation, measures: list[Measure]) -> str:
        """What the question says beyond its rows, columns, operation words and filler."""
        used = [m.group() for t in terms if t.pattern for m in re.finditer(t.pattern, content)]
        for table, row in {(t.table, t.row) for t in terms} | {(m.table, m.row) for m in measures}:
            used += col_words(content, table, row)
        text = content
        for word in sorted(used + list(operation.words), key=len, reverse=True):
            text = text.replace(word, " ")
        vocabulary = "".join(f"{t.table}{t.row}行政复议行政诉讼{''.join(REQUEST_COLS + REVIEW_COLS)}" for t in terms)
        return re.sub(r"\s+", "", _OP_WORDS.sub(" ", leftover(text, [], vocabulary)))

    def _semantic(self, content: str, rest: str, measures: list[Measure], via: str) -> tuple[list[Measure], str, list[Measure]]:
        """Explain the leftover words by the nearest row (a column is never guessed from leftover talk)."""
        assert self.matcher is not None
        if measures and via != "inherited" and not _weak_only(content):
            return [], via, []  # a qualifier the table cannot answer (来自外国人, 通过邮寄)
        match, candidates = self.matcher.decide(content)
        if match is None:
            return [], via, [m.target for m in candidates if isinstance(m.target, Measure)]
        if match.target == PROSE or isinstance(match.target, str):
            return [], via, []
        found = match.target
        if measures and found.row == measures[0].row:
            # The reading agrees with 「多少件申请」: one stray character (「多收了」) is talk; more words that the
            # default did not explain are not explained by it either.
            return (measures, via, []) if len(rest) == 1 else ([], via, [])
        col = self.matcher.column(content, found.table) if found.table in ("申请", "复议诉讼") else None
        return [Measure(found.table, found.row, col)], "semantic", []


def _names_another_row(rest: str, measure: Measure) -> bool:
    """Whether unexplained words carry a two-character word of another row's printed label."""
    own = measure.row
    labels = [r.key for r in REQUEST_ROWS if r.key != own and not r.key.startswith(own + "/")] + list(REVIEW_ROWS)
    pairs = {rest[i : i + 2] for i in range(len(rest) - 1)}
    return any(p in label for p in pairs for label in labels if p not in _COMMON_PAIRS)


def _named_group(terms: list[RowTerm]) -> bool:
    """A group named on purpose (「无法提供的申请总共」, 「各种不予公开」), not by a plain word that a reason may refine."""
    return any(t.row in ("不予公开", "无法提供", "不予处理") and t.pattern not in WEAK_GROUPS for t in terms)


def _distinctive(measure: Measure) -> bool:
    """A row named by words of its own (不掌握, 部分公开, 复议后起诉): other words in the question are talk.

    Not so for the rows people's general words fall back on (总计 for 「处理了」, 新收 for 「申请」) or a group
    named plainly (「无法提供」 may come with the reason that picks its sub-row).
    """
    return measure.row not in ("总计", "本年新收政府信息公开申请数量", "不予公开", "无法提供", "不予处理", "其他处理")


def _without(content: str, terms: list[RowTerm]) -> str:
    """The question without the words of the rows found (where qualifiers are looked for)."""
    for t in terms:
        for word in col_words(content, t.table, t.row):
            content = content.replace(word, " ")
        if t.pattern:
            content = re.sub(t.pattern, " ", content)
    return content


def _named_after(content: str, terms: list[RowTerm]) -> int:
    """How many rows are named after 占/相当于 (「不予公开的占收到申请的比例」: the denominator)."""
    m = READ_SHARE_OF.search(content)
    if m is None:
        return 0
    at = m.start()
    return sum(1 for t in terms if t.pattern and (m := re.search(t.pattern, content)) and m.start() > at)


def _claims(content: str, terms: list[RowTerm]) -> tuple[tuple[tuple[Measure, ...], float], ...]:
    """Figures a check question quotes from the report (「正文说无法提供265件」, 「予以公开及部分公开258件」).

    Each is paired with the row named just before it, or with the rows joined by 和/及/与/、 there (their sum).
    """
    spans = sorted((m.start(), m.end(), t) for t in terms if t.pattern for m in re.finditer(t.pattern, content))
    claims = []
    for number in READ_QUOTED_COUNT.finditer(content):
        before = [(a, b, t) for a, b, t in spans if b <= number.start() and number.start() - b <= 12]
        if not before:
            continue
        joined = [before[-1]]
        for a, b, t in reversed(before[:-1]):  # 「予以公开及部分公开」: rows joined by a connective
            if READ_JOINED.fullmatch(content[b : joined[0][0]]):
                joined.insert(0, (a, b, t))
        measures = tuple(Measure(t.table, t.row, None) for _, _, t in joined)
        claims.append((measures, float(number.group(1))))
    return tuple(claims)


def _column_only(content: str) -> str | None:
    """An applicant column named without a row (「企业提的申请」, 「法人申请」)."""
    cols = match_cols(content, "申请", "本年新收政府信息公开申请数量")
    return cols[0] if len(cols) == 1 and READ_FILED.search(content) else None


def _weak_only(content: str) -> bool:
    """The lexicon matched only the weak 「多少件申请」 default (新收), so the real row may be elsewhere."""
    terms = match_rows(content)
    return len(terms) == 1 and terms[0].pattern == WEAK_NEW


def _check_topic(content: str, terms: list[RowTerm]) -> str | None:
    """The table a check question is about (「复议表有问题吗」), by the rule names' prefix."""
    if READ_REQUEST_TABLE.search(content):
        return "申请"
    if READ_REVIEW_TABLE.search(content):
        return "复议诉讼"
    if READ_TEXT_VS_TABLE.search(content):
        return "文字与表格"
    return None


"""Soundness by coverage: a Plan gives a figure only when every content-bearing word of the question is its own.

The PRECISE rule (Popescu, Etzioni, Kautz, IUI 2003): each word maps to an element of the Plan — a row or
column of a measure (by the lexicon's patterns, or by the printed label's own words), the operation and its
parameters (`qa.vocabulary.OPERATION_WORDS`, for the Plan's operation only), or a function word. What is left
is what was not understood: 「平均每天」 when the Plan averages per year, 「一审」 under 行政诉讼, 「里」 of a
denominator the Plan did not take. Scope words (agency names, years) are removed before (`Catalog.strip_names`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from qa.lexicon import (
    ACTIVE_COL_TERMS,
    ACTIVE_DEFAULT,
    REQUEST_COL_TERMS,
    REVIEW_COL_TERMS,
    ROW_TERMS,
    WEAK_NEW,
)
from qa.query import Measure, Query
from qa.semantic import _COLS as _SEMANTIC_COLS, _ROWS as _SEMANTIC_ROWS, describe
from qa.vocabulary import (
    EXAMPLES_OF_GROUP,
    INCLUSIVE as _INCLUSIVE,
    UNMODELLED_PERIODS,
    _alternatives,
    words_of,
)

# Words that name either of two rows: explained by a Plan holding either reading (after a clarification).
_EITHER = {"结转": ("上年结转政府信息公开申请数量", "结转下年度继续办理"), "申请总数": ("本年新收政府信息公开申请数量", "总计"),
           "不予": ("不予公开", "不予处理")}
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_RECEIVED = ("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量")
_GROUPS = {"不予公开", "无法提供", "不予处理", "其他处理", "总计", "行政诉讼"}
_EXCLUDE = r"不含|不包括|不包含|不算|除去|除了|扣除|不计"
# Every element's printed name: a two-character run of one element's label that another's holds explains nothing.
_LABELS = tuple(dict.fromkeys([r for _, r, _ in _SEMANTIC_ROWS] + [c for _, c, _ in _SEMANTIC_COLS] + ["申请", "复议诉讼", "主动公开"]))


def _names_row(term_row: str, measure: Measure) -> bool:
    """Whether words that name `term_row` name this measure's row (itself, its group, or one of an ambiguous pair)."""
    row = measure.row
    if term_row == row or row.startswith(term_row + "/"):
        return True
    return row in _EITHER.get(term_row, ())


def _col_patterns(measure: Measure) -> list[str]:
    terms = REQUEST_COL_TERMS if measure.table == "申请" else REVIEW_COL_TERMS if measure.table == "复议诉讼" \
        else ACTIVE_COL_TERMS.get(measure.row, ())
    return [p for p, col in terms if col == measure.col or (measure.col and col == "法人或其他组织" and
                                                             measure.col not in ("自然人", "总计"))]


def _default_cols(m: Measure) -> str:
    """The printed names of the column a measure without one reads (总计; a 主动公开 row's main column)."""
    if m.table != "主动公开":
        return "总计"
    return "".join(col for (_, row), col in ACTIVE_DEFAULT.items() if row == m.row)


def _mask(text: str, pattern: str | re.Pattern[str]) -> str:
    return re.sub(pattern, lambda m: " " * len(m.group()), text)


def _drop_runs(text: str, vocabulary: str, blocked: str) -> str:
    """Blank every run of characters that the elements' own labels and descriptions contain.

    A run of three or more is blanked; a run of two only when no other element's label holds it: 「公开」 is in
    「部分公开」, but it is also the plain word of 予以公开, so 「公开和部分公开」 is not explained by 部分公开 alone.
    """
    out, i = [], 0
    while i < len(text):
        j = i + 2
        while j <= len(text) and text[i:j].strip() and text[i:j] in vocabulary:
            j += 1
        run = text[i : j - 1]
        if len(run) >= 3 or (len(run) == 2 and run not in blocked):
            out.append(" " * len(run))
            i = j - 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def operation_keys(query: Query) -> list[str]:
    """The keys of `OPERATION_WORDS` that this query's operation and parameters account for."""
    keys = [query.op]
    if query.op == "average":
        keys += [f"per:{query.per}"] if query.per else []
    if query.op in ("rank", "count") and (query.denominator is not None or query.definition):
        keys.append("rate")
    if query.op == "difference" and (query.denominator is not None or query.definition):
        keys += ["rate", "points"]
    if query.op in ("growth", "multiple") or query.delta:
        keys.append("difference")
    if query.delta == "growth":
        keys.append("growth")
    if query.condition is not None:
        keys += ["condition", "count"]
    if query.definition == "公开率":
        keys.append("公开率")
    if query.op in ("sum", "difference", "rank", "trend", "median", "average") or len(query.measures) > 1:
        keys.append("sum")  # 「A和B」: two things named, each a measure or a report
    if query.op == "value":
        keys.append("value")
    if query.minus:
        keys.append("minus")
    return keys


def plan_measures(query: Query) -> list[Measure]:
    """Every measure a query reads, the denominator's and a named rate's included."""
    measures = list(query.measures) + list(query.denominators) + list(query.minus)
    if query.definition == "公开率":  # 部分公开 is read only when the rate includes it (「公开+部分公开」)
        with_partial = "含部分公开" in (query.topic or "")
        measures += [Measure("申请", "予以公开"), Measure("申请", "总计")] + ([Measure("申请", "部分公开")] if with_partial else [])
    if query.definition == "纠错率":
        measures += [Measure("复议诉讼", m.row, "结果纠正") for m in query.measures]
    return measures


def _element_text(m: Measure) -> str:
    """A measure's printed names and its description (the everyday words the catalog documents for it)."""
    return f"{m.table}{m.row}{m.col or _default_cols(m)}{describe(m)}"


@functools.lru_cache(maxsize=4096)
def _compiled(pattern: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(alt) for alt in _alternatives(pattern))


def _spans(content: str, pattern: str) -> list[tuple[int, int]]:
    """Where any alternative of a pattern matches, each alternative on its own (「新提出」 is 新提 and 提出)."""
    return [(m.start(), m.end()) for alt in _compiled(pattern) for m in alt.finditer(content) if m.end() > m.start()]


def unexplained(content: str, query: Query, also: Iterable[str] = ()) -> tuple[str, ...]:
    """The pieces of `content` (scope names removed) that no element of `query` accounts for, in order.

    `also`: texts whose words other elements explain (a semantic match's description, the name a formula defines).
    """
    measures = plan_measures(query)
    rows = {m.row for m in measures}
    vocabulary = "".join(_element_text(m) for m in measures) + "".join(also)
    blocked = "|".join(label for label in _LABELS if not any(label in _element_text(m) for m in measures))
    masked = list(_drop_runs(content, vocabulary, blocked))
    patterns = [t.pattern for t in ROW_TERMS if t.pattern and any(_names_row(t.row, m) for m in measures)]
    patterns += [p for m in measures for p in _col_patterns(m)]
    if any(m.table == "主动公开" or m.row == "予以公开" for m in measures):
        patterns.append("公开")  # 主动公开's 「公开了多少个行政许可决定」; 予以公开's plain word
    if any(m.table == "申请" and m.row not in _RECEIVED for m in measures):
        patterns.append(r"答复为|答复了|被答复|答复")  # what an outcome row (or 结转, not yet answered) is about
    for term in ROW_TERMS:  # rows the question leaves out (「不含部分公开」), and a group's examples (「因信访、重复申请等」)
        if term.pattern and term.row not in rows:
            patterns.append(rf"(?:{_EXCLUDE})(?:{term.pattern})")
            if any(term.row.startswith(r + "/") for r in rows) and _INCLUSIVE.search(content):
                patterns.append(term.pattern)
    if any(m.col == "法人或其他组织" for m in measures) and EXAMPLES_OF_GROUP.search(content):
        patterns += [p for p, col in REQUEST_COL_TERMS if col not in ("自然人", "总计")]  # 「企业、律所这些法人…」
    for pattern in patterns:
        for a, b in _spans(content, pattern):
            masked[a:b] = " " * (b - a)
    # Function and operation words, but never inside another row's words: 「收」 and 「到」 are function words,
    # 「收到」 names 本年新收 — in 「收到的申请里予以公开的占多少」 it is the denominator, not talk.
    foreign = [span for t in ROW_TERMS if t.pattern and t.pattern != WEAK_NEW and t.row not in rows
               and not any(_names_row(t.row, m) for m in measures) for span in _spans(content, t.pattern)]
    keys = operation_keys(query) + (["sum"] if rows & _GROUPS else [])
    for a, b in _spans(content, words_of(*keys).pattern):
        if not any(fa <= a and b <= fb for fa, fb in foreign):
            masked[a:b] = " " * (b - a)
    return tuple(p for p in _CJK.findall("".join(masked)))


def unmodelled_period(content: str) -> str | None:
    """A per-period average no Plan can compute (「每个工作日」: working days are not in any report)."""
    m = UNMODELLED_PERIODS.search(content)
    return m.group() if m else None

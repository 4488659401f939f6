"""Operations composed from the question's structure: which figure is divided by which, added to which.

「A 中 B 占多少」, 「B 占 A 的」, 「B 是 A 的百分之几 / 几倍」 and the user's own formula 「A ÷ (B + C)」, 「A 除以 B」,
「A / B」 give numerator and denominator by position, each side read on its own by the lexicon (a side that names
only a column takes the row the other side names). 「再把 B 也算上」 after a question about A adds B to it.
"""

from __future__ import annotations

import re

from corpus.models import TABLE_REQUESTS, TABLE_REVIEW
from qa.coverage import unexplained
from qa.lexicon import match_cols, match_rows
from qa.query import Measure, Query
from qa.understand import Understood
from qa.vocabulary import (
    COMPOSE_ABOUT_PROSE as _ABOUT_PROSE,
    COMPOSE_CONTAINER as _CONTAINER,
    COMPOSE_DENOMINATOR,
    COMPOSE_DENOMINATOR_AFTER,
    COMPOSE_DIVIDE as _DIVIDE,
    COMPOSE_EXTEND as _EXTEND,
    COMPOSE_IN_CONTAINER,
    COMPOSE_LEAD_IN,
    COMPOSE_MINUS,
    COMPOSE_NAMED_RATE as _NAMED_RATE,
    COMPOSE_OF as _OF,
    COMPOSE_OPERATOR,
    COMPOSE_PREMISE,
    COMPOSE_RESULT,
    COMPOSE_SHARE_ASKED,
    COMPOSE_SHARE_OF as _SHARE_OF,
    COMPOSE_SHARE_WORDS as _SHARE_WORDS,
    COMPOSE_SIDE_END,
    COMPOSE_SUM_WHOLE,
    COMPOSE_TAIL,
    COMPOSE_TIMES,
    COMPOSE_WHOLE_AFTER,
    COMPOSE_WHOLE_STATED,
    FORMULA_UNSUPPORTED,
)

_EXCLUDE = r"不含|不包括|不包含|不算|除去|除了|扣除|不计"
_SIDE_END = "，,。？?“”\"=＝"


def _is_minus(op: str) -> bool:
    """Whether an operator found subtracts (a bare 「-」 too: its pattern's context is gone once it is cut out)."""
    return op == "-" or bool(COMPOSE_MINUS.fullmatch(op))


def _side_measures(side: str, context: list[Measure]) -> list[Measure]:
    """The measures one side of a formula names: its rows (with their columns), or columns of the context row."""
    terms = [t for t in match_rows(side) if not re.search(rf"(?:{_EXCLUDE})(?:{t.pattern})", side)]
    measures: list[Measure] = []
    for term in terms:
        cols = match_cols(side, term.table, term.row)
        measures.append(Measure(term.table, term.row, cols[0] if len(cols) == 1 else None))
    if measures and context and all(m.table != context[0].table for m in measures) \
            and match_cols(side, context[0].table, context[0].row):
        measures = []  # 「行政复议纠错率按 纠正÷(总计−尚未审结)」: 总计 is 行政复议's column, not the requests' 总计 row
    if not measures:
        for row in context[:1]:
            measures = [Measure(row.table, row.row, c) for c in match_cols(side, row.table, row.row)]
            if not measures and row.table == TABLE_REVIEW and side.strip("（）() ") in ("总计", "合计", "总数"):
                measures = [Measure(row.table, row.row, "总计")]  # 「纠正÷(总计−尚未审结)」: the row's own total
    # A side read in part is no reading: 「公开和部分公开」 is not 部分公开 (the understander knows 公开率).
    if measures and unexplained(side, Query(op="rate", measures=tuple(measures))):
        return []
    return measures


def _readings(side: str) -> list[str]:
    """The readings of one side of a formula, as written first.

    Then without the words that introduce it (「定义是（七）总计」, 「用不予公开合计」), then the bracketed group that
    ends it (「公开比例（予以公开+部分公开）」): the words before the group are left to the whole question's coverage.
    """
    texts = [re.sub(r"\s*(?:[×*]\s*100%?|乘以?\s*100)\s*$", "", side.strip())]  # 「纠正数/复议总数×100」: a percent
    if (lead := COMPOSE_LEAD_IN.search(side)) is not None:
        texts.append(side[lead.end():].strip())
    for text in list(texts):
        opening = min((i for i in (text.find("("), text.find("（")) if i > 0), default=-1)
        if opening > 0 and _balanced(text, opening) == len(text):  # the words before it: the question's coverage
            texts.append(text[opening:])
    return [t for t in dict.fromkeys(texts) if t]


def _terms(side: str, context: list[Measure]) -> tuple[list[Measure], list[Measure]] | None:
    """The figures one side of a formula adds and subtracts (「(复议总计−尚未审结)」), or None when a term names none."""
    for text in _readings(side):
        body = text[1:-1] if text[:1] in "(（" and _balanced(text, 0) == len(text) else text
        if not COMPOSE_MINUS.search(body):  # a sum is read whole (「本年新收加上年结转」: not 「加上」 + 「年结转」)
            if found := _side_measures(body, context):
                return found, []
            continue
        plus: list[Measure] = []
        minus: list[Measure] = []
        sign, at = 1, 0
        for op in [*COMPOSE_OPERATOR.finditer(body), None]:
            found = _side_measures(body[at : op.start() if op else len(body)], context)
            if not found:
                break
            (plus if sign > 0 else minus).extend(found)
            if op is None:
                return (plus, minus) if plus else None
            sign, at = (-1 if _is_minus(op.group()) else 1), op.end()
    return None


def _grand_total(side: str, numerators: list[Measure]) -> tuple[list[Measure], list[Measure]] | None:
    """「(予以公开+部分公开)÷总计」: a bare total after ÷ is the total row of the table the numerator's rows are in."""
    if _readings(side)[-1].strip("（）() ") not in ("总计", "合计", "总数") or any(m.col for m in numerators):
        return None
    tables = {m.table for m in numerators}
    total = Measure(tables.pop(), "总计") if len(tables) == 1 else None
    return ([total], []) if total is not None and total.table == TABLE_REQUESTS else None


def _balanced(text: str, start: int) -> int:
    """End of the bracketed group opening at `start` (or of the side without brackets)."""
    opening = text[start] if start < len(text) else ""
    if opening in "(（":
        depth = 0
        for i in range(start, len(text)):
            depth += text[i] in "(（"
            depth -= text[i] in ")）"
            if depth == 0:
                return i + 1
    end = start
    while end < len(text) and text[end] not in _SIDE_END + ")）":
        end += 1
    return end


def _formula(content: str) -> tuple[str, str, int] | None:
    """Numerator and denominator texts of a formula the user writes (「办理结果总计÷(本年新收+上年结转)」), and its start."""
    m = _DIVIDE.search(content)
    if m is None:
        return None
    start = m.start()
    depth, i = 0, start - 1
    while i >= 0:
        ch = content[i]
        if ch in ")）":
            depth += 1
        elif ch in "(（":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and ch in _SIDE_END:
            break
        i -= 1
    left = content[i + 1 : start]
    j = m.end()
    right = content[j : _balanced(content, j)]
    if (end := COMPOSE_SIDE_END.search(right)) is not None and end.start() > 0:
        right = right[: end.start()]  # 「÷本年新收 算一下淮安市的公开率」: the request words are not the side
    return (left, right, i + 1) if left.strip() and right.strip() else None


def _context(content: str) -> list[Measure]:
    """The row the whole question is about (「行政复议里，(其他结果+尚未审结)÷复议总计」: 行政复议)."""
    return [Measure(t.table, t.row) for t in match_rows(content)]


def _rate(numerators: list[Measure], denominators: list[Measure], content: str, less: tuple[Measure, ...] = (),
          within: bool = False) -> Understood | None:
    """The numerators ÷ (denominators − less); 「A 是 B 的几倍」 (one figure each side) as a multiple.

    `within`: the denominators are a whole the part is counted in (「予以公开和部分公开里部分公开的占」): a part that is
    one of the whole's terms, never all of them.
    """
    shared = set(numerators) & set(denominators)
    if within and shared and set(numerators) < set(denominators):
        shared = set()
    if not numerators or not denominators or shared or set(less) & set(denominators):
        return None
    if COMPOSE_TIMES.search(content) and len(numerators) == 1 and len(denominators) == 1 and not less:
        return Understood(Query(op="multiple", measures=(numerators[0], denominators[0])), via="composed")
    return Understood(Query(op="rate", measures=tuple(numerators), denominator=denominators[0],
                            over=tuple(denominators[1:]), minus=less), via="composed")


def _share(content: str) -> Understood | None:
    """「A 中 B 占多少」, 「B 占 A 的」, 「B 是 A 的百分之几 / 几倍」: the denominator is the one named as the whole."""
    context = _context(content)
    summed = COMPOSE_SUM_WHOLE.search(content)
    if summed is not None and _SHARE_WORDS.search(content[summed.end():]):  # a part of a sum the question names
        total = _side_measures(summed.group("whole"), [])
        piece = _side_measures(content[summed.end():], total)
        if len(total) > 1 and len(piece) == 1 and piece[0] in total:
            return Understood(Query(op="rate", measures=tuple(piece), denominator=total[0], over=tuple(total[1:])),
                              via="composed")
        return None
    of = _OF.search(content) or _SHARE_OF.search(content)
    if of is not None:
        whole = of.group("den")
        part = content[: of.start()]
        container = _CONTAINER.search(part)
        if container:  # 「A 中，B 是 C 的几倍」: A is where both are counted
            part = part[container.end():]
        return _rate(_side_measures(part, context), _side_measures(whole, _side_measures(part, context) or context), content)
    container = _CONTAINER.search(content)
    if container is None or not _SHARE_WORDS.search(content[container.end():]):
        return None
    whole, part = content[: container.start()], content[container.end():]
    if part[:1] in "(（" and (closed := _balanced(part, 0)) < len(part):  # 「那几件中（国家秘密、第三方…这些），」: says
        part = part[closed:].lstrip("，, ")  # what the whole holds, not the part asked (its words stay to be accounted)
    denominators = _side_measures(whole, [])
    numerators = _side_measures(part, denominators)
    if not denominators:
        return None
    if numerators and len(denominators) > 1 and all(d.col is None for d in denominators) \
            and all(m.table == denominators[0].table and m.row == denominators[0].row and m.col for m in numerators):
        # 「行政诉讼（直接起诉加复议后起诉）里，结果维持的占多少」: the column asked of every row the whole adds
        numerators = [Measure(d.table, d.row, m.col) for m in numerators for d in denominators]
    return _rate(numerators, denominators, content, within=True)


def _extend(content: str, history: list[Query]) -> Understood | None:
    """「再把上年结转的也算上呢」 after a figure: the earlier figure and the one named, added."""
    if not history or _EXTEND.search(content) is None:
        return None
    previous = history[-1]
    added = [Measure(t.table, t.row, None) for t in match_rows(content)]
    if not added or previous.op not in ("value", "sum") or not previous.measures:
        return None
    col = previous.measures[0].col
    added = [Measure(m.table, m.row, col if m.table == previous.measures[0].table else None) for m in added]
    measures = tuple(dict.fromkeys(previous.measures + tuple(added)))
    return Understood(previous.with_(op="sum", measures=measures), via="extended")


def _combination(content: str) -> Understood | None:
    """「新收 + 上年结转 − 办结总计」, 「现行有效的…减掉当年新制发的」: named figures added and subtracted."""
    context = _context(content)
    plus: list[Measure] = []
    minus: list[Measure] = []
    sign = 1
    at = 0
    for op in [*COMPOSE_OPERATOR.finditer(content), None]:
        chunk = COMPOSE_RESULT.sub("", content[at : op.start() if op else len(content)])  # 「，剩多少」 ends it
        found = _side_measures(chunk, context) if chunk.strip(" ，,：:(（)）=") else []
        if chunk.strip(" ，,：:(（)）=？?") and not found and (op is not None or not COMPOSE_TAIL.fullmatch(chunk.strip())):
            return None  # a term that names no figure: not this structure
        (plus if sign > 0 else minus).extend(found)
        if op is not None:
            sign = -1 if _is_minus(op.group()) else 1
            at = op.end()
    if any(m.row == "本年新收政府信息公开申请数量" for m in plus):  # 「新收+结转」: what is added to the year's new
        plus = [Measure(m.table, "上年结转政府信息公开申请数量", m.col) if m.row == "结转" else m for m in plus]  # is last year's
    if not plus or not minus or set(plus) & set(minus):
        return None
    return Understood(Query(op="sum", measures=tuple(plus), minus=tuple(minus)), via="composed")


def compose(content: str, history: list[Query]) -> Understood | None:
    """A reading from the question's structure, or None when it has none of these structures."""
    if _ABOUT_PROSE.search(content):
        return None
    content = re.sub(r"[，,]\s*(?=除以|÷)", "", content)  # 「（予以公开+部分公开，除以办理结果总计）」: one formula
    named = COMPOSE_DENOMINATOR.search(content)
    if named is not None:  # 「予以公开的占百分之多少（分母用新收数）」: 予以公开 占 新收数 的百分之多少
        rest = content[: named.start()] + content[named.end() :]
        if _SHARE_OF.search(rest) or not re.search(r"占(?=百分之|多少|几|比例|比重|多大)", rest):
            # a denominator named twice, or no share to put it in: said, not read another way
            return Understood(None, via="unsupported", described=named.group().strip("（(，,)） "))
        return compose(re.sub(r"占(?=百分之|多少|几|比例|比重|多大)", f"占{named.group('den')}的", rest, count=1), history)
    formula = _formula(content)
    if formula is None and COMPOSE_MINUS.search(content):
        combined = _combination(content)
        if combined is not None:
            return combined
    unsupported = FORMULA_UNSUPPORTED.search(content)
    if formula is not None and (unsupported is None or _is_minus(unsupported.group())):
        context = _context(content)
        left, right, start = formula
        numerators = _terms(left, context)
        if numerators is None:  # 「予以公开和部分公开加起来，再除以…」: the numerator is the clause before
            left, start = content[: content.find(left) + len(left)], 0
            numerators = _terms(left, context)
        denominators = _terms(right, context)
        if numerators is None and denominators is not None:  # 「总计/(新收+上年结转)」: the requests' own total
            numerators = _grand_total(left, denominators[0])
        if numerators is not None and (denominators is None or set(denominators[0]) & set(numerators[0])):
            denominators = _grand_total(right, numerators[0]) or denominators
        if numerators is None or denominators is None:
            return None
        if numerators[1]:  # 「(A − B) ÷ C」: a numerator less a figure is not computed yet
            return Understood(None, via="unsupported", described="−")
        found = _rate(numerators[0], denominators[0], content, tuple(denominators[1]), within=True)  # 纠正/(维持+纠正+…)
        name = content[:start]
        if found is not None and _NAMED_RATE.search(name):
            found.described = name  # 「办结率」, 「没拿到信息的比例」: the name the user's formula defines
        return found
    if unsupported is not None:
        return Understood(None, via="unsupported", described=unsupported.group())  # 「A × B」
    if _SHARE_WORDS.search(content) or COMPOSE_TIMES.search(content):
        shared = _share(content)
        if shared is not None:
            return shared
    return _extend(content, history)


def denominator_said_after(content: str) -> str:
    """「…的占几成？按新收算」 -> 「…的占新收的几成」: the denominator the user names after the share asked.

    A slash between two words in a question that divides nothing (no rate, share or multiple asked) is 「或」:
    「网站主动公开/发布的信息…多了多少条」.
    """
    if not re.search(r"率|比例|比重|比值|占|倍|百分|几成|%|除|分之|人均|平均|[×*]|比(?=[？?（(）)，,。]|$|多少|是|为)", content):
        content = re.sub(r"(?<=[\u4e00-\u9fff])/(?=[\u4e00-\u9fff])", "或", content)
    content = COMPOSE_IN_CONTAINER.sub(r"\g<b>里\g<a>占", content)  # 「A在B里占几成」 -> 「B里A占几成」
    return COMPOSE_DENOMINATOR_AFTER.sub(r"占\g<den>的\g<q>", content)


def stated_premise(content: str) -> tuple[str, str, float] | None:
    """A figure the question states about the whole it then asks a part of, and the question without it.

    Returns (the question without it, the whole as written with its figure, the figure): 「行政诉讼一共46件，其中复议后
    起诉的占多少」 is read as 「行政诉讼里复议后起诉的占多少」 and 46 is checked against the report's own figure.
    """
    m = COMPOSE_PREMISE.search(content)
    if m is not None and not m.group("lead") and not COMPOSE_SHARE_ASKED.search(content[m.end():]):
        m = None  # 「一共发了2139条信息，动态类的占比」: with no 其中, only a share asked makes the figure the whole
    if m is None and (after := COMPOSE_WHOLE_AFTER.search(content)) is not None:  # 「…占受理总数118件的百分比」
        rest = content[: after.start()] + "占" + after.group("what") + "的" + content[after.end() :]
        return rest, f"{after.group('what')}{after.group('n')}{after.group('unit')}", float(after.group("n"))
    if m is None:
        m = COMPOSE_WHOLE_STATED.search(content)  # 「办结的3050件申请里，予以公开的占多少」
        if m is None or not COMPOSE_SHARE_ASKED.search(content[m.end():]):
            return None
        rest = content[: m.start()] + m.group("what") + m.group("noun") + "里" + content[m.end() :]
        return rest, f"{m.group('what')}{m.group('n')}{m.group('unit')}", float(m.group("n"))
    rest = content[: m.start()] + m.group("what") + m.group("noun") + "里" + content[m.end() :]
    return rest, f"{m.group('what')}{m.group('n')}{m.group('unit')}", float(m.group("n"))


def figures_of(formula: str) -> list[float]:
    """The figures an answer's formula prints, with each whole it adds (「(69 + 5)」: 74) — what a premise is checked on."""
    printed = [float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*(?:\.\d+)?", formula)]
    return printed + [sum(float(x.replace(",", "")) for x in group.split("+"))
                      for group in re.findall(r"\(([\d,.]+(?:\s*\+\s*[\d,.]+)+)\)", formula)]

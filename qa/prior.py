"""A figure of the year before, worked back from a report's own sentence of this year's figure and its change.

「普陀规划资源局2023年度收入支出总计是多少」 where the corpus holds only the 2024 决算, which says 「2024年度收入支出总计
9859.38万元。与2023年度相比,收入支出总计增加1062.85万元」: 9859.38 − 1062.85 = 8796.53 万元, the sentence cited and
the arithmetic shown. Likewise a year's start from its end (「年末…余额…比年初增加…」) and a rate from its change in
points (「城镇化率…提高1.10个百分点」). Only a change stated as an amount in the figure's own unit is worked back
(never a percentage: 增长3.7% gives no exact figure), and only where the sentence names every word asked.
"""

from __future__ import annotations

import re

from corpus import Report
from corpus.about import RESEARCH
from qa.answer import Answer, Citation, Scope, abstain, format_number
from qa.formulas import FUNCTION, SYNONYMS
from qa.plan import Plan
from qa.said import said_in
from qa.sentences import terms

_UNIT = r"(?:万元|亿元|元|万人|人|万户|户|个百分点|%|万吨|吨|万辆|辆|家|个|件)"
_FIGURE = re.compile(rf"(?P<x>-?\d[\d,]*(?:\.\d+)?)\s*(?P<u>{_UNIT})")
_CHANGE_ASKED = re.compile(r"比|增长|增加|减少|下降|提高|降低|百分之|%|变化|变动|多了|少了|增幅|增速|降幅")
_ASKED_WORDS = re.compile(r"倒推|推算|推出来|反推|按.{0,12}(?:算|推)|用.{0,12}(?:算|推)|大概|大约|约|是多少|多少|年初|年末|年底|末")


def worked_back(plan: Plan) -> Answer | None:
    """The one year asked worked back from its report's sentences: the year before it, or its start (「2023年初」)."""
    asked = sorted({int(y) for y in re.findall(r"((?:19|20)\d\d)\s*年", plan.question)})
    report = plan.reports[0]
    if report.kind == RESEARCH:
        return None  # a research report's years are those its data are of, not reports of other years
    if _CHANGE_ASKED.search(re.sub(r"[（(][^（）()]*[）)]", "", plan.question)):
        return None  # 「…比年初增长了百分之多少」: a change asked, not the level it starts from
    year = asked[0] if len(asked) == 1 else plan.years[0]  # the year asked, not the report's it is read from
    start = bool(re.search(r"年初(?!预算|结转|结余|数)", plan.question)) and year == report.year
    return from_change(plan.question, plan.content, report, year, start) if year != report.year or start else None


def from_change(question: str, content: str, report: Report, year: int, start_of_year: bool) -> Answer | None:
    """The figure of `year` (the report's year before, or its start when `start_of_year`) worked back; None if unsaid."""
    if report.year is None or (year != report.year - 1 and not start_of_year):
        return None
    for name, printed in SYNONYMS.items():  # 「收支总计」 as printed: 收入支出总计 (where the report never says 收支总计)
        if name in content and printed[0] not in content and name not in report.text and printed[0] in report.text:
            content = content.replace(name, printed[0])
    asked = [t for t in terms(FUNCTION.sub(" ", _ASKED_WORDS.sub(" ", re.sub(r"(?:19|20)\d\d\s*年?度?", " ", content))))
             if len(t) >= 2 and not re.fullmatch(_UNIT, t)]  # 「多少万人」: the unit is the figure's, no word of it
    if not asked:
        return None
    before = rf"(?:{year}\s*年\s*度?|上年(?:末|度)?|去年|上一年)" if not start_of_year else r"年初"
    change = re.compile(rf"(?:与|比|较)\s*{before}\s*(?:相比)?[,，]?\s*(?P<what>[\u4e00-\u9fff“”\"]{{0,20}}?)\s*"
                        rf"(?P<dir>增加|减少|增长|下降|提高|降低|多|少)了?\s*(?P<d>\d[\d,]*(?:\.\d+)?)\s*(?P<u>{_UNIT})")
    found: list[tuple[float, str, str, int, int, int]] = []
    for start, end, text in _sentences(report.text):
        plain = re.sub(r"[\s“”\"]", "", text)
        if not all(said_in(t, plain) for t in asked):  # 「外币存款」 said as 「本外币各项存款余额」
            continue
        moved = change.search(text)
        if moved is None:
            continue
        level = [m for m in _FIGURE.finditer(text, 0, moved.start()) if _after_words(text, m.start(), asked)]
        if not level or level[-1].group("u") != _same(moved.group("u")):
            continue
        wanted = re.search(rf"(?:多少|几)\s*({_UNIT})", question)  # 「卖了多少万辆」: never a share in %
        if wanted and _same(wanted.group(1)) != level[-1].group("u") and wanted.group(1) != level[-1].group("u"):
            continue
        x, d = (float(v.replace(",", "")) for v in (level[-1].group("x"), moved.group("d")))
        places = max(len(v.partition(".")[2]) for v in (level[-1].group("x"), moved.group("d")))
        up = moved.group("dir") in ("增加", "增长", "提高", "多")
        found.append((round(x - d if up else x + d, places), f"{level[-1].group('x')} {'−' if up else '+'} "
                      f"{moved.group('d')}", level[-1].group("u"), start, end, _qualifier(text[: level[-1].start()], asked, report)))
    least = min((f[5] for f in found), default=0)
    found = [f for f in found if f[5] == least]  # 「收入支出总计」, not 「财政拨款收入支出总计」
    if len({f[0] for f in found}) != 1:
        return None  # none, or two sentences working back to two figures: no figure
    value, arithmetic, unit, start, end, _ = found[0]
    quote = report.text[start:end].strip()
    when = f"{report.year}年初" if start_of_year else f"{year}年"
    scope = Scope((report.id,), (report.agency,), (report.year,))
    if value == 0:  # 「增加307.82万元、增长100.00%」: all of it is new — nothing of that year to state (a unit set up in 2024)
        return abstain(question, f"{report.year}年报告所列本年数与增减额相同（{arithmetic} = 0），"
                                 f"即{when}没有这项数字可言，报告中也没有{when}本身的数字", scope)
    shown = f"{format_number(value)}{unit}"
    formula = f"{arithmetic} = {format_number(value)}"
    citation = Citation(report.id, report.title, report.section_at(start), quote, start, end, report.page_at(start))
    return Answer(question=question, answer=f"{when}为 {shown}（由{report.year}年报告所列本年数与增减额推算：{formula}）",
                  value=value, unit=unit, route="text", citations=[citation], scope=scope, formula=formula,
                  understood=f"理解为：{report.agency}{when}「{''.join(asked)}」，由{report.year}年报告的本年数和"
                             f"{'比年初' if start_of_year else '比上年'}的增减额推算")


def _same(unit: str) -> str:
    """The level's unit a change is stated in: a rate's points change a rate in %."""
    return "%" if unit == "个百分点" else unit


def _after_words(text: str, at: int, asked: list[str]) -> bool:
    """Whether the figure comes after the words asked in its sentence (「收入支出总计9859.38万元」)."""
    return all(said_in(t, re.sub(r"[\s“”\"]", "", text[:at])) for t in asked)


def _qualifier(before: str, asked: list[str], report: Report) -> int:
    """How many characters qualify the words asked where the sentence states them, past its issuer and year."""
    plain = re.sub(r"[\s“”\"]", "", before)
    at = plain.find(asked[0][:2])
    run = re.search(r"[\u4e00-\u9fff]*$", plain[:at]).group() if at > 0 else ""  # type: ignore[union-attr]
    for name in (report.agency, *report.names):
        run = run.replace(name, "")
    return len(re.sub(r"^.*?(?:年度|年末|年底|全年|年)", "", run))


def _sentences(text: str) -> list[tuple[int, int, str]]:
    """The report's sentences, one joined with the next where that begins with its change (「…9859.38万元。与2023年度相比,…」)."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^。；;]+[。；;]?", text)]
    out: list[tuple[int, int, str]] = []
    for i, (start, end) in enumerate(spans):
        if i + 1 < len(spans) and re.match(r"\s*(?:与|比|较)", text[spans[i + 1][0] : spans[i + 1][1]]):
            end = spans[i + 1][1]
        out.append((start, end, text[start:end]))
    return out


__all__ = ["from_change", "worked_back"]

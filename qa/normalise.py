"""The question pipeline's first stage: one spelling for the many ways of writing the same question.

Later stages read only this output, so their patterns can assume ASCII digits and letters, Chinese
punctuation, simplified characters, “…” quotes, no stray spaces, Arabic numbers (2024年, 123件, 45%,
前3) and 2020-2022 year ranges. Citations still quote reports as printed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING

from corpus import QuestionError
from qa.vocabulary import NORMALISE_ABBREVIATIONS

if TYPE_CHECKING:
    import opencc

__all__ = ["normalise"]

# Measure words and units after which a numeral is a number (三件, 十五名, 近三年, 三点五万元).
UNITS: tuple[str, ...] = (
    "件", "个", "家", "次", "条", "场", "份", "名", "项", "起", "人", "人次", "倍",
    "万", "亿", "元", "万元", "亿元", "篇", "期", "天", "月", "季度", "年",
)
# Words that begin with a unit but are no unit: 「十一期间」 is the October holiday, not 11 periods.
NOT_UNITS: tuple[str, ...] = ("期间",)
# Fixed words of the domain (and everyday words) whose numerals are not numbers: kept exactly as written.
# A word counts only where it is not part of a longer numeral (三千万元 is a number, 千万 alone is not).
KEPT_WORDS: tuple[str, ...] = (
    "三安全一稳定", "三类内部事务", "四类过程性信息", "第三方", "十四五", "十三五",
    "一件事一次办", "最多跑一次", "一次性", "一条龙", "零件",
    "上一年", "下一年", "前一", "这一", "那一", "哪一", "每一", "某一", "同一", "统一", "唯一", "万一",
    "之一", "一下", "一共", "一栏", "一致", "一般", "一起", "一些", "一样", "一直",
    "十分", "百姓", "千万", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六",
)

_TO_CHINESE_PUNCT = str.maketrans(",?!:;()", "，？！：；（）")
# Inside a number (1,234 and 9:30) the marks are ASCII, however they were typed.
_NUMBER_MARK = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))|(?<=\d)：(?=\d\d(?!\d))")
_TO_ASCII_MARK = {"，": ",", "：": ":"}

_OPENING_QUOTES = "‘「『〝"
_CLOSING_QUOTES = "’」』〞〟"
_ANY_QUOTE = re.compile("[\"'‘’「」『』〝〞〟]")
_LATIN = re.compile("[A-Za-z]")

_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”《》"
# Spaces go between CJK characters and digits, before a closing mark and after an opening one.
_SPACE_TO_DROP = re.compile(
    rf"(?<=[{_CJK}])\s+(?=[{_CJK}\d])|(?<=\d)\s+(?=[{_CJK}])|\s+(?=[，。、？！：；）”》])|(?<=[（“《])\s+"
)
_SPACES = re.compile(r"\s+")
# 「23、24两年」: the two years listed, then 两年 (which must not become 242年)
# 「23和24两年」, 「23、24、25三年」, 「2023、2024年」: each year of a list written once with 年 (or a count of years)
_YEARS_LISTED = re.compile(r"(?<![\d.])((?:(?:19|20)?\d\d\s*[、和与及]\s*)+(?:19|20)?\d\d)\s*"
                           r"(?:(?:这|那)?(?:[两二三四五六七八九十]|\d{1,2})个?年(?!度|[内来间前])|年(?!代|间|来|前|内|以))")
_SHORT_RANGE = re.compile(r"(?<![\d.])(1\d|2\d)\s*((?:到|至|-|—|~)\s*(?:20)?\d\d\s*年)")
_YEARS_COUNTED = re.compile(r"((?:19|20)\d\d年?\s*(?:到|至|-|—|~|、|和)\s*(?:19|20)?\d\d)年?\s*(?:这|那|共|整整)?(?:[两二三四五六七八九十]|十[一二三四五六七八九])个?年(?![度底末初中内来间前以])")
_SHORT_YEAR = re.compile(r"(?<![\d.])(1\d|2\d)年(?!代|间|来|多(?![了收出办多几少])|前|内|以(?:来|上|内|前|后|下))")
# 「21-25这五年」: a span of two-digit years followed by how many years it is
_SHORT_SPAN_COUNTED = re.compile(r"(?<![\d.])(1\d|2\d)\s*(?:到|至|-|—|~)\s*(1\d|2\d)(?=\s*(?:这|那|共|整整)?(?:[两二三四五六七八九十]|\d)个?年)")  # 「比23年多了」: a year

_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_PLACE = {"十": 10, "百": 100, "千": 1000}
_GROUP = {"万": 10_000, "亿": 100_000_000}
_NUMERAL = "".join(_DIGIT) + "".join(_PLACE) + "".join(_GROUP)
_INT = f"[{_NUMERAL}]+"
_FRACTION = "(?:点([〇零一二三四五六七八九]+))?"
_UNIT = "(?:{})".format("|".join(sorted(UNITS, key=len, reverse=True)))
_NOT_UNIT = "(?!{})".format("|".join(NOT_UNITS))

# Years spelt digit by digit: 二〇二四年, 一九九八年; ○ and O are common stand-ins for 〇.
_YEAR_ZERO = {"○": 0, "O": 0}
_CN_YEAR = "(?:一九|二[〇零○O])[〇零○O一二三四五六七八九]{2}"
_DASH = "(?:——|[-—–‐‑‒−―~～〜])"
_YEAR = re.compile(rf"(?<![{_NUMERAL}]){_CN_YEAR}(?=年|年?\s*(?:至|到|{_DASH})\s*(?:{_CN_YEAR}|\d{{4}})年)")
_PERCENT = re.compile(rf"百分之({_INT}){_FRACTION}")
_TOP = re.compile(rf"(?<=前)({_INT})")
_COUNT = re.compile(rf"(?<![\d{_NUMERAL}])({_INT})(?<![万亿]){_FRACTION}(?=(?:余|多)?{_NOT_UNIT}{_UNIT})")
_YEAR_RANGE = re.compile(rf"(?<!\d)((?:19|20)\d\d)(年?)\s*{_DASH}\s*(?=(?:19|20)\d\d(?!\d))")


def _kept_pattern(word: str) -> str:
    """A kept word, unless a numeral continues it on the side where it starts or ends with one."""
    before = f"(?<![{_NUMERAL}])" if word[0] in _NUMERAL else ""
    after = f"(?![{_NUMERAL}])" if word[-1] in _NUMERAL else ""
    return before + re.escape(word) + after


_KEPT = re.compile("|".join(_kept_pattern(w) for w in sorted(KEPT_WORDS, key=len, reverse=True)))
# Kept words hide behind one private-use character each while numerals are converted.
_MASK_BASE = 0xF0000
_MASK_OF = {word: chr(_MASK_BASE + i) for i, word in enumerate(KEPT_WORDS)}
_UNMASK = {ord(mask): word for word, mask in _MASK_OF.items()}


@functools.cache
def _converter() -> opencc.OpenCC:
    """The traditional-to-simplified converter, built on first use (a few milliseconds) and then shared."""
    import opencc

    return opencc.OpenCC("t2s")


_ROW_NUMBER = re.compile(r"[（(][一二三四五六七八九十][）)](?=[\u4e00-\u9fff])(?![至到和与及])")


def normalise(question: str) -> str:
    """The question in the one spelling the later stages expect; pure, and a second pass changes nothing."""
    if not isinstance(question, str):
        raise QuestionError(f"a question must be text (str), not {type(question).__name__}: {question!r}")
    text = unicodedata.normalize("NFKC", question)
    text = text.translate(_TO_CHINESE_PUNCT)
    text = _converter().convert(text)
    text = _unify_quotes(text)
    text = _SPACES.sub(" ", _SPACE_TO_DROP.sub("", text)).strip()
    text = _ROW_NUMBER.sub("", text)  # 「（七）总计」: the table's numbering of a row, not a bracket of a formula
    text = _SHORT_SPAN_COUNTED.sub(r"20\1年到20\2年", text)
    text = _SHORT_RANGE.sub(r"20\1年\2", text)  # 「22到25年」: the first year of a span written with two digits too
    text = _YEARS_COUNTED.sub(r"\1年", text)  # 「2019到2025七年」: the years named, then how many they are
    text = _YEARS_LISTED.sub(lambda m: "、".join(y + "年" for y in re.split(r"\s*[、和与及]\s*", m.group(1))), text)
    text = _convert_numerals(text)
    text = _SHORT_YEAR.sub(r"20\1年", text)  # 「25年」, 「23年到24年」: report years written with two digits
    text = _YEAR_RANGE.sub(r"\1\2-", text)
    for short, printed in NORMALISE_ABBREVIATIONS.items():  # 「人均GDP」: as a bulletin prints it
        text = text.replace(short, printed)
    return _NUMBER_MARK.sub(lambda m: _TO_ASCII_MARK[m.group()], text)


def _unify_quotes(text: str) -> str:
    """Every quote style as “…”; an apostrophe inside a Latin word (Huai'an) stays."""
    if not _ANY_QUOTE.search(text):
        return text
    out: list[str] = []
    is_open = {'"': False, "'": False}
    for i, ch in enumerate(text):
        if ch in "'’" and 0 < i < len(text) - 1 and _LATIN.match(text[i - 1]) and _LATIN.match(text[i + 1]):
            out.append(ch)
        elif ch in _OPENING_QUOTES:
            out.append("“")
        elif ch in _CLOSING_QUOTES:
            out.append("”")
        elif ch in is_open:
            out.append("”" if is_open[ch] else "“")
            is_open[ch] = not is_open[ch]
        else:
            out.append(ch)
    return "".join(out)


def _convert_numerals(text: str) -> str:
    """Chinese numerals that are numbers as Arabic digits: years, percentages, 前N and counts before a unit."""
    if not any(ch in _NUMERAL for ch in text):
        return text
    text = _YEAR.sub(lambda m: "".join(str(_DIGIT.get(ch, _YEAR_ZERO.get(ch))) for ch in m.group()), text)
    text = _KEPT.sub(lambda m: _MASK_OF[m.group()], text)
    text = _PERCENT.sub(lambda m: _number(m, suffix="%"), text)
    text = _TOP.sub(_number, text)
    text = _COUNT.sub(_number, text)
    return text.translate(_UNMASK)


def _number(match: re.Match[str], suffix: str = "") -> str:
    """A matched numeral (group 1, with an optional decimal part in group 2) in digits; unchanged if not one."""
    value = _to_int(match.group(1))
    if value is None:
        return match.group()
    fraction = match.group(2) if match.re.groups >= 2 else None
    digits = str(value) + ("." + "".join(str(_DIGIT[ch]) for ch in fraction) if fraction else "")
    return digits + suffix


def _to_int(run: str) -> int | None:
    """The value of a positional numeral (三千零五十 -> 3050, 一百二 -> 120), or None where it is not one."""
    if run in ("零", "〇"):
        return 0
    done, section, digit = 0, 0, None
    place_cap, group_cap = 10_000, 10**12  # each place / group must be smaller than the one before
    last, zero = 1, False  # the last unit closed; whether a 零 followed it (三千零五 is 3005, 三千五 is 3500)
    for ch in run:
        if ch in _DIGIT:
            if digit is not None or (_DIGIT[ch] == 0 and (zero or last == 1)):
                return None  # 二〇二四 and 一二 are spelt digit by digit, not numbers of this form
            if _DIGIT[ch] == 0:
                zero = True
            else:
                digit = _DIGIT[ch]
        elif ch in _PLACE:
            unit = _PLACE[ch]
            bare_ten = ch == "十" and digit is None and (zero or (done == 0 and section == 0))
            if unit >= place_cap or (digit is None and not bare_ten):
                return None  # 百姓, 千人: a place with no digit before it
            section += (digit or 1) * unit
            digit, zero, place_cap, last = None, False, unit, unit
        else:
            unit = _GROUP[ch]
            section += digit or 0
            if unit >= group_cap or section == 0:
                return None
            done += section * unit
            section, digit, zero = 0, None, False
            place_cap, group_cap, last = 10_000, unit, unit
    if zero and digit is None:
        return None
    if digit is not None:
        section += digit if zero or last <= 10 else digit * last // 10
    return done + section

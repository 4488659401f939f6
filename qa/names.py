"""Agency names: every alias of a name (short names, abbreviations), and an index that finds them in a question.

`qa.scope` resolves a question's agencies and years with these; a name one character off is found (OCR's 沐阳) and
the decision on it left to the catalog.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_ABBREVIATIONS = (
    ("发展和改革局", "发改局"),
    ("发展和改革委员会", "发改委"),
    ("科学技术委员会", "科委"),
    ("人民政府办公厅", "政府办公厅"),
    ("人民政府办公厅", "府办"),
    ("人民政府办公室", "政府办"),
    ("人民政府", "政府"),
    ("市人民政府", "市府"),
)
_SUFFIXES = ("人民政府办公厅", "人民政府办公室", "人民政府", "政府")
PLACE = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:省|市|县|区|州|盟|旗|综合实验区|新区)")


def aliases(agency: str) -> set[str]:
    """Names a user may call an agency by (淮安市洪泽区人民政府 -> 洪泽区人民政府, 洪泽区, 洪泽)."""
    names = {agency}
    for long, short in _ABBREVIATIONS:
        for name in list(names):
            if long in name:
                names.add(name.replace(long, short))
            elif short in name and short not in ("政府", "政府办"):
                names.add(name.replace(short, long))  # 上海市科委 is also 上海市科学技术委员会
    for name in list(names):
        # 发展改革局 for 发展和改革局, 与 for 和: connectives people leave out or swap.
        for a, b in (("和", ""), ("与", ""), ("和", "与"), ("与", "和")):
            if a in name:
                names.add(name.replace(a, b))
    for name in list(names):
        # 「普陀区委社会工作部」: a party committee's department; people say 普陀社会工作部, never 委社会工作部
        names.add(re.sub(r"(?<=[市县区])委(?=[\u4e00-\u9fff]{3})", "", name))
    for name in list(names):
        rest = name
        while True:
            m = PLACE.match(rest)
            if not m or m.end() == len(rest):
                break
            rest = rest[m.end() :]
            if not rest.startswith("委"):
                names.add(rest)
    for name in list(names):
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                names.add(name[: -len(suffix)])
    names |= {stem for name in names if (stem := short_stem(name))}
    for name in list(names):
        bare = re.sub(r"(?:省|市|县|区|综合实验区)$", "", name)
        if len(bare) >= 2 and bare != name:
            names.add(bare)
        place = PLACE.match(name)
        if place and place.end() < len(name) and len(place.group()) >= 3 and place.group()[-1] in "省市县区":
            names.add(place.group()[:-1] + name[place.end():])  # 沭阳发改局, 上海司法局: the place without 县/市
    generic = "人民政府办公厅办公室"
    return {n for n in names if len(n) >= 2 and n not in generic and not n.startswith("人民")}


def short_stem(name: str) -> str | None:
    """「邮储银行」 is 邮储, 「国元证券」 国元 to their readers — unless the stem is an everyday word (平安, 招商, 建设)."""
    m = re.fullmatch(r"([\u4e00-\u9fff]{2})(?:银行|证券)", name)
    if m is None:
        return None
    import jieba

    jieba.dt.check_initialized()  # its dictionary is loaded on first use
    return m.group(1) if (jieba.dt.FREQ.get(m.group(1)) or 0) < 50 else None


ABBREVIATION_TAILS = ("局", "厅", "委", "部", "办", "院", "中心", "公司", "集团", "银行", "政府")
ABBREVIATION_END = re.compile("|".join(ABBREVIATION_TAILS))


def in_order(short: str, name: str) -> bool:
    """Whether a short name is the full name's characters in order and shorter than it (an abbreviation).

    Places before the first character used may go (上海市 of 上海市普陀区规划和自然资源局); a place after it may not
    (「淮安市政府」 is the city's government, not 淮安市洪泽区人民政府's).
    """
    if len(short) < 3 or len(short) >= len(name) or len(short) == 3 and (short[:2] in name or short[-1] != name[-1]):
        return False  # three characters only as a true abbreviation of the name's end: 「社工部」, not 「司法局」 itself
    at, used = 0, []
    for ch in short:
        at = name.find(ch, at) + 1
        if at == 0:
            return False
        used.append(at - 1)
    places, start = [], 0
    while (m := PLACE.match(name, start)) is not None and m.end() < len(name):
        places.append((m.start(), m.end()))
        start = m.end()
    return not any(a > used[0] and not any(a <= u < b for u in used) for a, b in places)


def near_miss(a: str, b: str) -> bool:
    """Same length, at most one character different (沭阳县 / 沐阳县)."""
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 1


_MASK = "\0"  # stands for the one character a near-miss may differ in


class NameIndex:
    """The names of one table (name -> agencies), found in a question without trying them one by one.

    Exactly: every substring of the question of a length some name has is looked up. But for one character:
    a window of the question and a name of its length that differ in one place are equal with that place
    masked, so each name is filed under each of its masked forms (built on the first near lookup) and each
    window of the question looks up its own. A question costs its length × the names' lengths lookups,
    whatever the number of names (a corpus of 10^4 reports has ~5·10^4).
    """

    def __init__(self, names: dict[str, set[str]]) -> None:
        self.names = names
        self.order = {name: k for k, name in enumerate(names)}
        self.lengths = sorted({len(n) for n in names})
        self._masked: dict[str, list[str]] | None = None

    def exact(self, question: str) -> list[tuple[str, int]]:
        """(name, position) of every occurrence of a name in the question."""
        return [
            (question[i : i + n], i)
            for i in range(len(question))
            for n in self.lengths
            if i + n <= len(question) and question[i : i + n] in self.order
        ]

    def near(self, question: str, shortest: int = 3) -> list[tuple[str, int]]:
        """(name, position) of every window of the question one character off a name of `shortest` or more."""
        if self._masked is None:
            masked: dict[str, list[str]] = {}
            for name in self.order:
                if len(name) >= shortest:
                    for j in range(len(name)):
                        masked.setdefault(name[:j] + _MASK + name[j + 1 :], []).append(name)
            self._masked = masked
        found = []
        for n in self.lengths:
            if n < shortest:
                continue
            for i in range(len(question) - n + 1):
                window = question[i : i + n]
                for j in range(n - 1):  # a name keeps its last character: 「财政拨(款)」 is no 财政局 misread
                    for name in self._masked.get(window[:j] + _MASK + window[j + 1 :], ()):
                        if name != window:
                            found.append((name, i))
        return found

    def ranked(self, hits: list[tuple[str, int]]) -> list[tuple[str, list[int]]]:
        """Names hit, longest first (then in the table's order), each with its positions ascending."""
        at: dict[str, set[int]] = {}
        for name, i in hits:
            at.setdefault(name, set()).add(i)
        return [(name, sorted(at[name])) for name in sorted(at, key=lambda n: (-len(n), self.order[n]))]

_AGENCY_AFTER = re.compile(r"[市区县]?[\u4e00-\u9fff]{0,5}?(?:局|委|办|厅|部|政府|中心|院)")


def agency_after(question: str, used: list[str]) -> bool:
    """Whether an agency is named right after the place names used (「上海市科委」: 科委, not the place's own).

    A place alone (「周口2022年」) names its issuer even for a year the corpus lacks; 「上海市科委」 names another agency.
    """
    at = max((question.find(w) + len(w) for w in used if w in question), default=len(question))
    return bool(_AGENCY_AFTER.match(question, at))


def one_char_off(used: list[str], places: dict[str, set[str]]) -> set[str]:
    """The agencies of a place one character off a place used (「沭阳」 and the OCR'd 沐阳县人民政府's 沐阳)."""
    return {a for w in used for k, members in places.items()
            if len(k) == len(w) >= 2 and sum(x != y for x, y in zip(k, w, strict=True)) == 1 for a in members}


PROVINCES = re.compile(r"北京|天津|河北|山西|内蒙古|辽宁|吉林|黑龙江|上海|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|广西|海南|重庆|"
                       r"四川|贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆|香港|澳门|台湾")  # the provinces, as named bare


def pinyin_spellings(names: Iterable[str]) -> dict[str, str]:
    """How the names of two to four characters are spelt in pinyin (「pingtan」 -> 平潭), five letters at least."""
    from pypinyin import lazy_pinyin

    chinese = {n for n in names if 2 <= len(n) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", n)}
    by_spelling = {"".join(lazy_pinyin(n)): n for n in sorted(chinese, key=len)}
    return {k: v for k, v in by_spelling.items() if len(k) >= 5}


def from_pinyin(question: str, spellings: dict[str, str]) -> str:
    """The question with each name spelt in pinyin (「Pingtan」, 「Huai'an」) written as the corpus writes it."""
    for spelling, name in sorted(spellings.items(), key=lambda kv: -len(kv[0])):
        pattern = r"(?<![A-Za-z])" + r"['’\- ]?".join(re.escape(ch) for ch in spelling) + r"(?![A-Za-z])"
        question = re.sub(pattern, name, question, flags=re.IGNORECASE)
    return question


__all__ = ["ABBREVIATION_END", "ABBREVIATION_TAILS", "PLACE", "PROVINCES", "NameIndex", "agency_after", "aliases", "from_pinyin", "in_order",
           "near_miss", "one_char_off", "pinyin_spellings", "short_stem"]

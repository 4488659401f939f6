"""Which reports a question is about: agency names (full, short, one-character near-misses) and years."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus import Report
from corpus.about import ANNUAL
from corpus.errors import UnknownReportError
from qa.names import (
    ABBREVIATION_END,
    ABBREVIATION_TAILS,
    PLACE,
    PROVINCES,
    NameIndex,
    agency_after,
    aliases,
    from_pinyin,
    in_order,
    near_miss,
    one_char_off,
    pinyin_spellings,
    short_stem,
)

# A place named in a question: "北京市", "洪泽区". Characters that never occur in a place name keep
# phrases like 「2023年全区」 or 「多少件市政府规章」 from reading as one.
_NOT_IN_PLACE = "年了几件多少对通过和全场代表办在的是为与及各本该我其从向将把被共说中里上下新那这哪"
_NAMED_PLACE = re.compile(
    rf"(?:^|(?<=[^\u4e00-\u9fff])|(?<=[和与及跟同]))((?:(?![{_NOT_IN_PLACE}])[\u4e00-\u9fff]){{2,3}}(?:省|市|县|区))"
)
_PLURAL = re.compile(r"(?:几|各|每|所有|全部|哪些)(?:家|个)?(?:机关|单位|部门)|的机关|的单位|的部门|连同|包括下属|下面的|下属|所属|及其|"
                     r"[这那]?几份(?:年报|报告)|这些(?:年报|报告)")  # 「上海这几份年报」: every agency of the place
_COUNTED_REPORTS = re.compile(r"(?:年报|报告)[^，。？?]{0,8}?(?:几份|多少份)")
_PLACE_AFTER = re.compile(r"([\u4e00-\u9fff]{1,10}?(?:局|厅|委员会|委|政府|办公室|实验区))[（(]([\u4e00-\u9fff]{2,6})[)）]")
_SUB_PLACE = re.compile(r"((?:(?![年的和与及比跟同较对是])[\u4e00-\u9fff]){1,3}?(?:区|县|镇|乡|街道))")
_AREA_NOUN = re.compile(r"(?:城乡|城镇|乡镇|村镇|城区|市区|郊区|景区|园区|社区|辖区|地区|山区|矿区|牧区|灾区|开发区|保护区)$")
_NAME_TAIL = r"(?:综合实验区|实验区|新区|区人民政府|县人民政府|市人民政府|人民政府|区政府|县政府|市政府|政府)?"
# A bureau, commission or department named in a question (「洪泽区财政局」), not inside quotes or a longer word.
_AGENCY_NAME = re.compile(r"((?:(?![年的和与及在向对从里中比跟较同])[\u4e00-\u9fff]){2,12}?(?:局|委员会|厅))(?![里内中长])")
_AGENCY_TAIL = re.compile(r"人民政府|政府|[\u4e00-\u9fff]{0,6}?(?:局|委员会|厅|办公室)")
_NUMERAL_OR_TIME = re.compile(r"[\d年月]")
_QUOTED = re.compile(r"“[^”]*”|《[^》]*》|「[^」]*」|\"[^\"]*\"")


@dataclass(frozen=True)
class Resolved:
    """The reports a question selects, with what it named and what it named that the corpus lacks."""

    reports: tuple[Report, ...]
    agencies: tuple[str, ...]
    years: tuple[int, ...]
    unknown_agency: str | None = None
    unknown_year: int | None = None
    ambiguous: bool = False  # one name the question used fits several agencies (沭阳县: 县政府 or 发改局)
    below: tuple[str, ...] = ()  # with unknown_agency: the corpus's agencies of places under the one named
    unconfirmed: tuple[str, str] | None = None  # (name asked, agency one character off it): a reading to confirm


class Catalog:
    """The corpus's agencies and years, one report per (agency, year) where twins exist."""

    def __init__(self, reports: list[Report]) -> None:
        self.all = reports
        best: dict[tuple[str, int | None], Report] = {}
        for report in reports:
            key = (report.agency, report.year)
            if not report.agency:
                continue
            current = best.get(key)
            # Twins (a PDF and its text extraction): keep the one with more cells, then the one with pages.
            if current is None or report.twin_rank() > current.twin_rank():
                best[key] = report
        self.reports = sorted(best.values(), key=lambda r: (r.agency, r.year or 0))
        self.alias_map: dict[str, set[str]] = {}
        self._pinyin: dict[str, str] | None = None  # pinyin spelling -> place name, built on first English question
        # Weak names: the place an agency is in ("上海" for 上海市司法局), used when no strong name fits.
        self.place_map: dict[str, set[str]] = {}
        # The same, for agencies of the place itself: 淮安市 is not a name of 淮安市洪泽区人民政府 (a district's).
        self.own_place_map: dict[str, set[str]] = {}
        self._indexes: dict[int, NameIndex] = {}  # id(one of the maps above) -> its index
        self._endings: dict[str, list[str]] | None = None  # a name's ending (局, 委 …) -> agencies, for abbreviations
        self._by_agency: dict[str, list[Report]] = {}
        for report in self.reports:
            self._by_agency.setdefault(report.agency, []).append(report)
            own = {n for n in getattr(report, "names", ()) if len(n) >= 2}
            for name in aliases(report.agency) | own | {stem for n in own if (stem := short_stem(n))}:
                self.alias_map.setdefault(name, set()).add(report.agency)
            place = PLACE.match(report.agency)
            if place and place.end() < len(report.agency):
                below = PLACE.match(report.agency, place.end()) is not None
                for name in {place.group(), re.sub(r"(?:省|市|县|区)$", "", place.group())}:
                    if len(name) >= 2:
                        self.place_map.setdefault(name, set()).add(report.agency)
                        if not below:
                            self.own_place_map.setdefault(name, set()).add(report.agency)

    def _index(self, names: dict[str, set[str]]) -> NameIndex:
        index = self._indexes.get(id(names))
        if index is None:
            index = self._indexes[id(names)] = NameIndex(names)
        return index

    def _matches(self, question: str, near: bool, names: dict[str, set[str]] | None = None) -> tuple[set[str], list[str]]:
        """Agencies whose names occur in the question (or, with `near`, occur but for one character)."""
        names = self.alias_map if names is None else names
        index = self._index(names)
        found: set[str] = set()
        used: list[str] = []
        exact = index.exact(question)
        # a near-miss never overlaps an exact name ("沭阳县发改局" is not also 沐阳县)
        taken = [(i, i + len(name)) for name, i in exact] if near else []
        for name, starts in index.ranked(index.near(question) if near else exact):
            for i in starts:
                if not any(a < i + len(name) and i < b for a, b in taken):
                    found |= names[name]
                    used.append(question[i : i + len(name)])
                    taken.append((i, i + len(name)))
                    break
        return found, used

    def resolve(self, question: str) -> Resolved:
        """Select reports by the agencies and years a question names; flag names the corpus lacks."""
        years = sorted({int(y) for y in re.findall(r"(20\d\d)\s*年?", question)})
        # A quoted name is the title of a thing (“上海科技”公众号, 《上海市…办法》), not the agency asked about.
        question = _QUOTED.sub(lambda m: "·" * len(m.group()), question)
        exact, used = self._matches(question, near=False)
        near, near_used = self._matches(question, near=True)
        agencies = exact | near
        used += near_used

        def pick(agencies: set[str]) -> list[Report]:
            return self.select(tuple(agencies), tuple(years))

        candidates = pick(agencies) if agencies else []
        ambiguous = False
        if near and not exact and not any(re.search(r"政府|局|委|办|厅|室$", w) for w in near_used):
            # 「沭阳县」 is one character from the OCR'd 沐阳县人民政府 and, exactly, the place of 沭阳县发展和改革局:
            # both are readings (the years may still pick one).
            weak, weak_used = self._matches(question, near=False, names=self.own_place_map)
            if weak - agencies and pick(weak | agencies):
                agencies, used = agencies | weak, used + weak_used
                candidates = pick(agencies)
                ambiguous = True
        if not agencies:
            agencies, short_used = self.abbreviated(question)
            agencies, short_used = (agencies, short_used) if agencies else self.company_short(question)
            used += short_used
            candidates = pick(agencies) if agencies else []
        if not agencies:
            weak, weak_used = self._matches(question, near=False, names=self.own_place_map)
            other = one_char_off(weak_used, self.own_place_map)  # 「沭阳」: 沭阳县发改局's place and 沐阳县人民政府's
            ambiguous, weak = ambiguous or bool(other - weak), weak | other
            if weak and (pick(weak) or self.select(tuple(weak), ()) and not agency_after(question, weak_used)):
                agencies, candidates, used = weak, pick(weak), used + weak_used
            elif not weak and not _PLURAL.search(question):
                below, below_used = self._matches(question, near=False, names=self.place_map)
                if below:  # 「淮安市」 with only 洪泽区's reports: not the city's figures
                    return Resolved((), (), tuple(years), unknown_agency=below_used[0], below=tuple(sorted(below)))
        unknown = self._unknown_place(question, used) or self._unknown_agency(question, used)
        if unknown:
            near_one = next((a for a in sorted(agencies) for n in aliases(a) if near_miss(unknown, n)), None)
            if near_one is not None:  # 「泗阳县发改局」: a place one character off the agency's own
                return Resolved((), (), tuple(years), unconfirmed=(unknown, near_one))
            return Resolved((), (), tuple(years), unknown_agency=unknown)
        if not agencies:
            candidates = pick(set())
        in_scope = self.select(tuple(agencies), ())
        unknown_year = next((y for y in years if not any(r.year == y for r in in_scope)), None)
        return Resolved(tuple(candidates), tuple(sorted(agencies)), tuple(years), unknown_year=unknown_year,
                        ambiguous=ambiguous and len(candidates) > 1, unconfirmed=self._unconfirmed(near_used, near))

    def abbreviated(self, question: str) -> tuple[set[str], list[str]]:
        """Agencies named by an abbreviation of their full name (「普陀区规划资源局」 for 上海市普陀区规划和自然资源局).

        A window ending as an agency's name ends whose characters all appear in that name, in order, naming one
        agency only; the longest such window wins. Tried where no name of the corpus fits.
        """
        by_end = self._by_last_char()
        for m in ABBREVIATION_END.finditer(question):
            end, tail = m.end(), m.group()
            for start in range(max(0, end - 14), end - len(tail) - 1):
                window = question[start:end]
                if not re.fullmatch(r"[\u4e00-\u9fff]+", window):
                    continue
                found = {a for a in by_end.get(tail, ()) if in_order(window, a)}
                if len(found) == 1:
                    return found, [window]
        return set(), []

    def company_short(self, question: str) -> tuple[set[str], list[str]]:
        """A company named at the question's start by two characters of its short name (「平银」, 「平安」 for 平安银行).

        The first character must be the name's first and the second a later one; one company of the corpus only.
        """
        lead = re.match(r"\s*([\u4e00-\u9fff]{2})", question)
        if lead is None:
            return set(), []
        short = lead.group(1)
        found = {r.agency for r in self.reports if r.kind == ANNUAL for n in r.names
                 if len(n) >= 4 and n[0] == short[0] and short[1] in n[1:]}
        return (found, [short]) if len(found) == 1 else (set(), [])

    def _by_last_char(self) -> dict[str, list[str]]:
        if self._endings is None:
            self._endings = {}
            for agency in self._by_agency:
                for tail in ABBREVIATION_TAILS:
                    if agency.endswith(tail):
                        self._endings.setdefault(tail, []).append(agency)
        return self._endings

    def _unconfirmed(self, windows: list[str], near: set[str]) -> tuple[str, str] | None:
        """A name one character off an agency's, where the corpus does not know the place as asked.

        「沭阳县人民政府」 for the OCR'd 沐阳县人民政府 is confirmed by the corpus itself (沭阳县发展和改革局 is in it);
        「泗阳县发展和改革局」 is another county: a reading to confirm, never a silent substitution.
        """
        for window in windows:
            if not any(near_miss(window, n) and window[-1] == n[-1] for a in near for n in aliases(a)):
                continue  # 「司法鉴定」 is not 司法局 misspelt: a name misspelt keeps its suffix (局, 县, 政府)
            place = PLACE.match(window)
            if place and (place.group() in self.place_map or place.group() in self.alias_map):
                continue
            agency = next((a for a in sorted(near) if any(near_miss(window, n) for n in aliases(a))), None)
            if agency is not None:
                return window, agency
        return None

    def _unknown_agency(self, question: str, used: list[str]) -> str | None:
        """An agency the question names that the corpus lacks, beside a name it knows.

        Another place before a known name (南京市发改局 when the corpus has 沭阳县发改局), or a bureau of its own
        (洪泽区财政局 when the corpus has 洪泽区人民政府).
        """
        known = set(self.alias_map) | set(self.place_map)
        for name in used:
            for m in re.finditer(re.escape(name), question):
                after = question[m.end() : m.end() + 1]
                if after and after in "省市县区" and name + after not in known and not any(
                        (name + after) in k for k in known):
                    # 「淮安区人民政府」: 淮安 is a name the corpus knows, 淮安区 is another place
                    tail = _AGENCY_TAIL.match(question, m.end() + 1)
                    return name + after + (tail.group() if tail else "")
                before = re.search(rf"((?:(?![{_NOT_IN_PLACE}比跟较同])[\u4e00-\u9fff]){{1,4}}?(?:省|市|县|区))$", question[: m.start()])
                if before and not _NUMERAL_OR_TIME.search(before.group(1)) and before.group(1) + name not in known \
                        and not any(before.group(1) in a for n in [name] for a in self.alias_map.get(n, ())):
                    return before.group(1) + name
        for m in _AGENCY_NAME.finditer(question):
            phrase = m.group(1)
            if phrase in known or any(phrase in a or a.endswith(phrase) for a in known):
                continue
            place = next((u for u in used if phrase.startswith(u)), None)
            if place is not None and len(phrase) > len(place) + 1:
                return phrase
        return None

    def _unknown_place(self, question: str, used: list[str]) -> str | None:
        """A place the question names that no report's agency contains (北京市; 淮安区 after 淮安市)."""
        known_names = list(self.alias_map) + list(self.place_map)
        for name in used:
            for m in re.finditer(re.escape(name), question):
                tail = _SUB_PLACE.match(question, m.end())
                if tail and _AREA_NOUN.search(tail.group(1)):
                    continue  # 「黔东南城镇居民」: 城镇 is a kind of area, not a place under 黔东南
                if tail and not any(name + tail.group(1) in k or tail.group(1) in k for k in known_names):
                    return name + tail.group(1)
        for m in _NAMED_PLACE.finditer(question):
            place = m.group(1)
            if not any(place in u or u in place for u in used) and not any(
                    place in name or near_miss(place, name[: len(place)]) for name in known_names):
                return place
        # 「江苏的年报」: a province named bare, with no agency of it named (not 「贵州黔东南州」): no report is known to be of it
        return None if used else next((p for p in PROVINCES.findall(question) if not any(p in name for name in known_names)), None)

    def chinese_names(self, question: str) -> str:
        """Places written in pinyin (「Pingtan」) as the corpus writes them; a bracketed place before its agency's name."""
        question = _PLACE_AFTER.sub(lambda m: m[2] + m[1] if m[2] in self.place_map else m[0], question)
        if not re.search(r"[A-Za-z]{3}", question):
            return question
        if self._pinyin is None:
            self._pinyin = pinyin_spellings((*self.place_map, *self.alias_map))
        return from_pinyin(question, self._pinyin)

    def widen_to_place(self, question: str, resolved: Resolved) -> Resolved:
        """「上海的几家机关」, 「淮安市（连同下面的区）」: every agency of the place named, not its government alone."""
        counted = _COUNTED_REPORTS.search(question) and not any(a in question for a in self.alias_map if a not in self.place_map)
        if not (_PLURAL.search(question) or counted) or len(resolved.agencies) > 1:  # 「上海的年报有几份」: all of 上海's
            return resolved
        for place, agencies in sorted(self.place_map.items(), key=lambda kv: -len(kv[0])):
            if place in question and len(agencies) > 1:
                return Resolved(resolved.reports, tuple(sorted(agencies)), resolved.years, resolved.unknown_agency,
                                resolved.unknown_year)
        return resolved

    def place_fallback(self, question: str, agencies: tuple[str, ...], years: tuple[int, ...]) -> tuple[str, ...]:
        """The other agencies of a place that have reports of these years, where the question names the place only.

        「上海」 alone reads as 上海市人民政府办公厅; where that has no report of the year asked, the place's agencies
        that do are the ones meant (「2020年12348上海法网…」 is 上海市司法局's). () where the agency is named itself.
        """
        for place, members in sorted(self.place_map.items(), key=lambda kv: -len(kv[0])):
            if place not in question or not set(agencies) <= members:
                continue
            named = [n for a in agencies for n in aliases(a) if len(n) > len(place) and n in question]
            if named:
                return ()
            return tuple(sorted(a for a in members - set(agencies) if self.select((a,), years)))
        return ()

    def select(self, agencies: tuple[str, ...], years: tuple[int, ...]) -> list[Report]:
        """Reports of these agencies (all when empty) in these years (all when empty)."""
        chosen = [r for a in sorted(set(agencies)) for r in self._by_agency.get(a, ())] if agencies else self.reports
        return [r for r in chosen if r.year in years] if years else list(chosen)

    def report_ids(self, refs: list[str] | set[str]) -> list[str]:
        """The ids of these reports: each an id, or a path ending in one (「reports/txt/009_….txt」).

        A reference that names no report is an error, never a silently empty corpus.
        """
        by_id = {r.id: r for r in self.all}
        ids: list[str] = []
        for ref in sorted(set(refs)):
            found = [ref] if ref in by_id else [i for i in by_id if ref.endswith("/" + i)]
            if len(found) != 1:
                raise UnknownReportError(f"语料中没有报告「{ref}」：可用的报告 id 见 GET /api/reports 或 list_reports")
            ids.append(found[0])
        return ids

    def restricted(self, report_ids: set[str]) -> Catalog:
        """A catalog of only these reports (a UI filter or an eval item's `reports`)."""
        chosen = set(self.report_ids(report_ids))
        return Catalog([r for r in self.all if r.id in chosen])

    def strip_names(self, question: str) -> str:
        """The question without the agency names and years it uses to select reports (they are scope, not content)."""
        names = self._index(self.alias_map)
        exact = names.ranked(names.exact(question))
        for name, _ in exact:
            # A short name's leftover suffix (平潭「实验区」, 洪泽「区政府」) is part of the name too.
            if name in question:  # 「市科委」: a 市 written before a short name is the name's too
                question = re.sub(r"(?:(?<![\u4e00-\u9fff])[市区县]|(?<=[比跟和与及同较、])[市区县])?" + re.escape(name) + _NAME_TAIL,
                                  "", question)
        _, near = self._matches(question, near=True)
        if not exact and not near:
            # 「沭阳」: a place is scope; 「普陀区规划资源局」: an abbreviation is a name too
            for window in self._matches(question, near=False, names=self.own_place_map)[1] + self.abbreviated(question)[1]:
                question = question.replace(window, "")
        for window in near:  # a name one character off (OCR's 沐阳县) keeps its suffix: 「财政拨款」 is no 财政局
            if re.search(r"[局县市区府厅委办州]$", window):
                question = question.replace(window, "")
        # 「转到2026年」 is a row's words; 「2025年报里」: the year's report
        # 「2023年初」 keeps 年初: a balance at the year's start is not the year's figure
        question = re.sub(r"(?<!转到)(?<!转至)(?<!结转到)20\d\d\s*(年初|年末(?=结转|结余|滚存))", r"\1", question)  # 年末结转: a row
        return re.sub(r"(?<!转到)(?<!转至)(?<!结转到)20\d\d\s*(?:年报告?|年[底末]|年?度?)", "", question)


def each_with_its_year(question: str, agencies: tuple[str, ...], years: tuple[int, ...], catalog: Catalog) -> list[Report]:
    """「淮安市2024年…是洪泽区2023年的多少倍」: two agencies each written with its own year, one report each ([] if not)."""
    if len(agencies) != 2 or len(years) != 2:
        return []
    names = {a: {*aliases(a), *(n for r in catalog.reports if r.agency == a for n in r.names if not n.isdigit())}
             for a in agencies}  # a company's names are its report's (邮储银行), not an agency's aliases
    at = {a: min((question.find(n) for n in names[a] if n in question), default=-1) for a in agencies}
    first, second = sorted(agencies, key=lambda a: at[a])
    year_at = {y: question.find(str(y)) for y in years}
    if min(at.values()) < 0 or min(year_at.values()) < 0:
        return []
    own = {a: [y for y in years if at[a] < year_at[y] < (at[second] if a == first else len(question))] for a in agencies}
    if any(len(own[a]) != 1 for a in agencies) or own[first] == own[second]:
        return []
    chosen = [r for a in (first, second) for r in catalog.select((a,), (own[a][0],))]
    return chosen if len(chosen) == 2 else []


def in_asked_order(question: str, agencies: tuple[str, ...], years: tuple[int, ...]
              ) -> tuple[tuple[str, ...], tuple[int, ...], bool]:
    """Two agencies (or two years) the question names both of, in the order it names them, and whether it did.

    「淮安市是洪泽区的几倍」 divides 淮安市 by 洪泽区; 「是上一年的几倍」 names neither year: the later is compared.
    """
    spans = {a: [(m.start(), m.start() + len(n)) for n in aliases(a) for m in re.finditer(re.escape(n), question)]
             for a in agencies}

    def first(agency: str) -> int:
        """Where the question first names the agency: not 「上海市」 inside 「上海市司法局」, another agency's name."""
        others = [o for b in agencies if b != agency for o in spans[b]]
        own = [s for s in spans[agency]
               if not any(o[0] <= s[0] and s[1] <= o[1] and o[1] - o[0] > s[1] - s[0] for o in others)]
        return min((s[0] for s in own), default=-1)

    at_agency = {a: first(a) for a in agencies}
    at_year = {y: question.find(str(y)) for y in years}
    if len(agencies) == 2 and min(at_agency.values()) >= 0:
        return tuple(sorted(agencies, key=lambda a: at_agency[a])), years, True
    if len(years) == 2 and min(at_year.values()) >= 0:
        return agencies, tuple(sorted(years, key=lambda y: at_year[y])), True
    return agencies, tuple(sorted(years)), False

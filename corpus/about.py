"""What a report is, for any report: its kind, issuer (with the other names people call it by) and year.

A 政府信息公开工作年度报告 keeps the reading of `corpus.metadata`; the other kinds are read here from the
cover and first pages: a listed company's 年度报告 by its full name, 公司简称 and 公司代码 (never 「年度报告」
as its issuer), a 部门决算/预算 by its 预算单位, a 统计公报 by its 统计局 and place, a research report by its
broker and the company it covers.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from corpus.anytables import Fact

DISCLOSURE = "政府信息公开工作年度报告"
ANNUAL = "年度报告"
FINAL_ACCOUNTS = "部门决算"
BUDGET = "部门预算"
STATISTICS = "统计公报"
RESEARCH = "研究报告"
OTHER = "其他"

_COMPANY = re.compile(r"([\u4e00-\u9fff（）()]{2,30}?(?:股份有限公司|有限责任公司|有限公司))")
_SHORT_NAME = re.compile(r"(?:公司|证券|股票|A股)简称[ \t]*[:：][ \t]*[“\"]?([\u4e00-\u9fffA-Za-z*]{2,10})(?=$|[\s”\"，,；;（(]|证券代码|股票代码|公司代码)", re.M)
_CODE = re.compile(r"(?:公司|证券|股票|A股)代码[ \t]*[:：]?[ \t]*(\d{6})(?!\d)")
_BUDGET_UNIT = re.compile(r"(?:预算单位|预算主管部门|决算单位|部门名称|单位名称)[ \t]*[:：][ \t]*([\u4e00-\u9fff（）()]{3,30})")
_PART_ONE = re.compile(r"第一部分\s*([\u4e00-\u9fff（）()]{3,30}?)(?:\s*概况|\s*\d{4})")
_BUREAU = re.compile(r"^\s*([\u4e00-\u9fff]{2,12}?统计局)", re.M)
_PLACE_TITLE = re.compile(r"(?:20\d\d\s*年)?\s*([\u4e00-\u9fff]{2,12}?(?:省|市|州|县|区|自治州))\s*(?:20\d\d\s*年)?\s*国民经济和社会发展统计公报")
_COVERED = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,8})\s*[(（](\d{6})(?:\.\w+)?[)）]")
_BROKER = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,4}证券)(?:研究所|股份有限公司|有限责任公司)")
_LEGAL_SUFFIX = re.compile(r"(?:集团)?(?:股份有限公司|有限责任公司|有限公司)$")


@dataclass(frozen=True)
class About:
    """The kind of report, its issuer, the issuer's other names, its year and a title."""

    kind: str
    issuer: str = ""
    names: list[str] = field(default_factory=list)
    year: int | None = None
    title: str = ""


def report_kind(head: str) -> str:
    """The kind of report from its opening text (the first pages)."""
    flat = re.sub(r"\s+", "", head)
    if "政府信息公开" in flat[:600] or "信息公开工作年度报告" in flat:
        return DISCLOSURE
    if re.search(r"证券研究报告|首次覆盖|投资评级|研究所", flat[:800]):
        return RESEARCH
    if "统计公报" in flat[:600] or re.search(r"统计局", flat[:200]) and re.search(r"生产总值|国民经济", flat):
        return STATISTICS
    if re.search(r"(?:部门|单位)决算|年度决算", flat[:600]):
        return FINAL_ACCOUNTS
    if re.search(r"(?:部门|单位)预算|预算单位|预算主管部门", flat[:600]):
        return BUDGET
    if re.search(r"年度报告|年年报", flat[:600]) and re.search(r"公司代码|公司简称|证券代码|股票代码|股份有限公司", flat[:3000]):
        return ANNUAL
    return OTHER


def read_about(text: str, facts: list[Fact]) -> About:
    """Kind, issuer, other names and year of a report that is not a 政府信息公开 report."""
    head = text[:4000]
    flat = re.sub(r"\s+", "", head)
    kind = report_kind(head)
    if kind == ANNUAL:
        return _annual(text[:40000], flat, facts)
    if kind in (FINAL_ACCOUNTS, BUDGET):
        return _budget(kind, head, flat)
    if kind == STATISTICS:
        return _statistics(head, flat)
    if kind == RESEARCH:
        return _research(text[:20000])
    return About(kind)


def _years(flat: str, pattern: str) -> int | None:
    m = re.search(pattern, flat)
    return int(m.group(1)) if m else None


def _annual(head: str, flat: str, facts: list[Fact]) -> About:
    line = re.search(rf"^\s*{_COMPANY.pattern}\s*$", head[:3000], re.M)
    company = line or _COMPANY.search(flat[:1500])
    issuer = company.group(1) if company else ""
    glued = re.search(rf"(?:公司|证券|股票)简称\s*[:：]\s*({_COMPANY.pattern[1:-1]})", flat[:1500])
    split = _split_glued(glued.group(1)) if glued else None
    if split:  # 「公司简称:四方科技四方科技集团股份有限公司」: a cover whose lines were joined
        issuer = split[1]
    for f in facts:
        if not issuer and re.search(r"中文名称", f.label + f.col) and _COMPANY.fullmatch(f.value):
            issuer = f.value
    names = {m.group(1) for m in _SHORT_NAME.finditer(head)} | {m.group(1) for m in _CODE.finditer(head)}
    names = {n for n in names if not (issuer and issuer in n)}
    if split:
        names.add(split[0])
    for f in facts:
        where = f.label + f.col
        if re.search(r"股票简称|证券简称|A股简称", where) and 2 <= len(f.value) <= 10 \
                and not re.search(r"代码|简称|名称|交易所", f.value):  # 「股票简称|平安银行|股票代码|000001」: a label
            names.add(f.value)
        if re.search(r"股票代码|证券代码", where) and re.fullmatch(r"\d{6}", f.value):
            names.add(f.value)
    short = _LEGAL_SUFFIX.sub("", issuer)
    if short != issuer and len(short) >= 2:
        names.add(short)
        bare = re.sub(r"(?:技术|科技|控股|股份)$", "", short)
        if len(bare) >= 4:
            names.add(bare)  # 金宇生物技术 -> 金宇生物
    year = _years(flat[:600], r"(20\d\d)年(?:年度报告|年报|年度)")
    names.discard(issuer)
    return About(ANNUAL, issuer, sorted(n for n in names if n not in ("无", "不适用")), year, f"{issuer}{year or ''}年年度报告")


def _split_glued(text: str) -> tuple[str, str] | None:
    """「四方科技四方科技集团股份有限公司」 -> (四方科技, 四方科技集团股份有限公司): a short name glued to the full one."""
    for k in (4, 3, 5, 2, 6):
        rest = text[k:]
        if len(rest) >= 6 and _COMPANY.fullmatch(rest) and (rest.startswith(text[:k]) or k == 4):
            return text[:k], rest
    return None


def _budget(kind: str, head: str, flat: str) -> About:
    m = _BUDGET_UNIT.search(head[:600]) or _PART_ONE.search(flat)
    issuer = m.group(1) if m else ""
    if not issuer:
        first = re.match(r"([\u4e00-\u9fff（）()]{3,30}?)(?:20\d\d)", flat)
        issuer = first.group(1) if first else ""
    word = "决算" if kind == FINAL_ACCOUNTS else "预算"
    year = _years(flat[:600], rf"(20\d\d)年度?[\u4e00-\u9fff]{{0,6}}{word}") or _years(flat[:80], r"(20\d\d)")
    return About(kind, issuer, [], year, f"{issuer}{year or ''}年度{kind}")


def _statistics(head: str, flat: str) -> About:
    bureau = _BUREAU.search(head[:400])
    place = _PLACE_TITLE.search(flat[:400])
    issuer = bureau.group(1) if bureau else (place.group(1) + "统计局" if place else "")
    names = [place.group(1)] if place and place.group(1) != issuer else []  # 黔东南州 of 黔东南州统计局 too
    region = place.group(1) if place else re.sub(r"统计局$", "", issuer)
    names += [n for n in [region, *_region_names(region)] if n not in names and n != issuer and len(n) >= 2]
    year = _years(flat[:400], r"(20\d\d)年[\u4e00-\u9fff]{0,12}国民经济和社会发展统计公报") or _years(
        flat[:1200], r"(20\d\d)年[，,]")
    return About(STATISTICS, issuer, names, year, f"{region}{year or ''}年国民经济和社会发展统计公报")


_NATIONALITY = "(?:布依|土家|哈尼|蒙古|朝鲜|哈萨克|柯尔克孜|景颇|傈僳|拉祜|纳西|[苗侗彝藏回壮白傣黎羌])"


def _region_names(place: str) -> list[str]:
    """黔东南苗族侗族自治州 -> 黔东南州, 黔东南: the names people use for a place."""
    place = re.sub(r"统计局$", "", place)
    bare = re.sub(rf"(?:{_NATIONALITY}族)+自治州$", "", place)
    if bare == place and len(place) >= 3 and place.endswith("州"):  # 黔东南州 (its bulletin's own short name) -> 黔东南
        bare = place[:-1]
    out = [f"{bare}州"] if bare != place and f"{bare}州" != place else []
    return [*out, bare] if len(bare) >= 2 and bare != place else out


def _research(head: str) -> About:
    brokers = Counter(m.group(1) for m in _BROKER.finditer(head))
    covered = Counter(m.groups() for m in _COVERED.finditer(head[:3000]))
    issuer = brokers.most_common(1)[0][0] if brokers else ""
    subject = covered.most_common(1)[0][0] if covered else None
    names = list(subject) if subject else []
    year = _years(re.sub(r"\s+", "", head[:800]), r"(20\d\d)年\d{1,2}月\d{1,2}日")
    return About(RESEARCH, issuer, names, year, f"{issuer}{subject[0] if subject else ''}研究报告")


__all__ = ["ANNUAL", "BUDGET", "DISCLOSURE", "FINAL_ACCOUNTS", "OTHER", "RESEARCH", "STATISTICS", "About",
           "read_about", "report_kind"]

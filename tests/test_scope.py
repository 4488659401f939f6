"""Which reports a question selects: full and short names, abbreviations, near-misses, what the corpus lacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import read_report
from qa.scope import Catalog, NameIndex, aliases

ROOT = Path(__file__).resolve().parent.parent
NAMES = (
    "txt/000_shanghai_justice_bureau_2020.txt",
    "txt/001_shanghai_gov_general_office_2019.txt",
    "txt/009_huaian_hongze_district_gov_2023.txt",
    "pdf/hongze_2023_hzq2023_working.pdf",
    "txt/010_huaian_hongze_district_gov_2024.txt",
    "txt/011_huaian_city_gov_2024.txt",
    "txt/012_shuyang_county_gov_2025.txt",
    "txt/013_shanghai_stcsm_kewei_2024.txt",
    "txt/015_shuyang_county_development_reform_bureau_2023.txt",
)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    root = ROOT / "corpus" / "reports"
    return Catalog([read_report(root / n, root=root) for n in NAMES])


def _ids(catalog: Catalog, question: str) -> list[str]:
    return [r.id for r in catalog.resolve(question).reports]


def test_aliases_cover_short_names_and_abbreviations():
    assert {"洪泽区", "洪泽区人民政府", "洪泽", "淮安市洪泽区政府"} <= aliases("淮安市洪泽区人民政府")
    assert {"发改局", "沭阳县发改局"} <= aliases("沭阳县发展和改革局")
    assert not {"人民政府", "政府"} & aliases("淮安市洪泽区人民政府")


def test_twins_count_once_and_the_one_with_pages_is_kept(catalog):
    assert _ids(catalog, "洪泽区2023年收到多少件申请？") == ["pdf/hongze_2023_hzq2023_working.pdf"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("淮安市2024年收到多少件申请？", ["txt/011_huaian_city_gov_2024.txt"]),
        ("淮安市洪泽区2024年收到多少件申请？", ["txt/010_huaian_hongze_district_gov_2024.txt"]),
        ("沭阳县发改局2023年收到多少件申请？", ["txt/015_shuyang_county_development_reform_bureau_2023.txt"]),
        ("沭阳县2025年收到多少件申请？", ["txt/012_shuyang_county_gov_2025.txt"]),  # printed 沐阳
        ("市科委2024年收到多少件申请？", ["txt/013_shanghai_stcsm_kewei_2024.txt"]),
    ],
)
def test_names_select_the_report(catalog, question, expected):
    assert _ids(catalog, question) == expected


def test_place_named_alone_selects_its_agencies_when_no_government_report_is_there(catalog):
    # With the city government's own reports, 「上海」 means them (and 2024 is not among them) ...
    assert catalog.resolve("上海2024年收到多少件申请？").unknown_year == 2024
    # ... without them, it means the agencies in that place.
    bureaus = catalog.restricted({NAMES[0], NAMES[7]})
    assert _ids(bureaus, "上海2024年收到多少件申请？") == ["txt/013_shanghai_stcsm_kewei_2024.txt"]


def test_a_city_named_alone_is_not_answered_by_a_district_of_it(catalog):
    districts = catalog.restricted({NAMES[2], NAMES[4]})  # 淮安市洪泽区's reports, not 淮安市人民政府's
    for question in ("淮安市2024年收到多少件申请？", "淮安2024年收到多少件申请？", "淮安市政府2024年收到多少件申请？"):
        resolved = districts.resolve(question)
        assert resolved.reports == () and resolved.unknown_agency in ("淮安市", "淮安"), question
        assert resolved.below == ("淮安市洪泽区人民政府",)
    assert _ids(districts, "洪泽2024年收到多少件申请？") == [NAMES[4]]
    assert _ids(districts, "淮安市下属的区2024年收到多少件申请？") == [NAMES[4]]  # asked for what lies under it
    assert _ids(catalog, "淮安市2024年收到多少件申请？") == [NAMES[5]]  # with the city's own report, that one


def test_a_quoted_name_is_not_the_agency_asked_about(catalog):
    resolved = catalog.resolve("2024年“上海科技”微信公众号的关注人数是多少？")
    assert resolved.agencies == () and resolved.unknown_year is None
    assert {r.year for r in resolved.reports} == {2024} and len(resolved.reports) == 3


def test_agency_or_year_the_corpus_lacks_is_flagged(catalog):
    assert catalog.resolve("北京市司法局2020年收到多少件申请？").unknown_agency == "北京市"
    assert catalog.resolve("江苏省人民政府2024年收到多少件申请？").unknown_agency == "江苏省"
    resolved = catalog.resolve("淮安市2023年收到多少件申请？")
    assert resolved.unknown_year == 2023 and not resolved.reports


def test_phrases_that_only_look_like_places_are_not_agencies(catalog):
    assert catalog.resolve("洪泽区2023年全区受理了多少件申请？").unknown_agency is None
    assert catalog.resolve("淮安市2024年新增公开了几件市政府规章？").unknown_agency is None


def test_names_and_years_are_stripped_from_the_content(catalog):
    assert catalog.strip_names("沭阳县2025年热线满意率是多少？") == "热线满意率是多少？"


def _brute_near(names: list[str], question: str) -> set[tuple[str, int]]:
    """Every window of the question one character off a name of three or more, its last one kept: tried one by one."""
    return {
        (name, i)
        for name in names
        if len(name) >= 3
        for i in range(len(question) - len(name) + 1)
        if sum(a != b for a, b in zip(question[i : i + len(name)], name, strict=True)) == 1
        and question[i + len(name) - 1] == name[-1]
    }


def test_name_index_finds_what_trying_every_name_finds():
    """Exact and near-miss lookups by the question's own windows equal the one-by-one search they replace."""
    import random

    rng = random.Random(11)
    syllables = "青云临江安平宁远长乐永和新华丰泰康裕兴隆昌盛金玉清河源泉"
    kinds = ("县人民政府", "区司法局", "市人民政府办公厅", "县发改局", "市")
    names = sorted({rng.choice(syllables) + rng.choice(syllables) + rng.choice(kinds) for _ in range(400)})
    index = NameIndex({n: {n} for n in names})
    for _ in range(200):
        name = rng.choice(names)
        k = rng.randrange(len(name))
        typo = name[:k] + rng.choice("沭沐某") + name[k + 1 :]
        question = f"{rng.choice(['', '请问', '2023年'])}{rng.choice([name, typo])}收到多少件申请？"
        assert set(index.near(question)) == _brute_near(names, question)
        exact = {(n, i) for n in names for i in range(len(question)) if question.startswith(n, i)}
        assert set(index.exact(question)) == exact


def test_at_scale_a_question_finds_its_agency_among_thousands_of_near_names():
    """10^4 agencies whose names differ in a character or two: the one named, exactly or with one typo."""
    from corpus import Report

    syllables = "青云临江安平宁远长乐永和新华丰泰康裕兴隆昌盛金玉清河源泉山岭湖溪川林松柏桂兰梅竹荷嘉禾瑞祥福寿"
    agencies = [a + b + "县人民政府" for a in syllables for b in syllables if a != b][:5000]
    agencies += [a + b + "市司法局" for a in syllables for b in syllables if a != b][:5000]
    catalog = Catalog([Report(id=f"{k}.txt", source=f"{k}.txt", text="", agency=a, year=2023) for k, a in enumerate(agencies)])
    assert catalog.resolve("青云县人民政府2023年收到多少件申请？").agencies == ("青云县人民政府",)
    assert catalog.resolve("云青市司法局2023年收到多少件申请？").agencies == ("云青市司法局",)
    # one character off an agency and, as written, no other's: the near-miss reading
    assert catalog.resolve("青云县人民攻府2023年收到多少件申请？").agencies == ("青云县人民政府",)


def test_a_near_name_keeps_its_last_character_and_a_party_department_goes_by_its_place():
    """「财政拨款」 is not 财政局 misread (a name keeps its suffix); 「普陀社会工作部」 is 普陀区委社会工作部."""
    from qa.scope import aliases

    index = NameIndex({n: {"上海市财政局"} for n in aliases("上海市财政局")})
    assert index.near("一般公共预算财政拨款支出完成全年预算的比例") == []
    assert ("财政局", 2) in index.near("上海财攻局的三公经费")  # an OCR slip inside the name is still a reading
    names = aliases("中共上海市普陀区委社会工作部")
    assert {"普陀社会工作部", "普陀区社会工作部", "普陀区委社会工作部"} <= names and "委社会工作部" not in names


def test_an_abbreviated_name_names_its_agency_and_is_no_content():
    """「普陀区规划资源局」 and 「规划资源局」 abbreviate 上海市普陀区规划和自然资源局 (its characters, in order);
    an abbreviation that fits two agencies names neither, and a name the corpus knows is never cut short."""
    from corpus import Report

    agencies = ["上海市普陀区规划和自然资源局", "上海市普陀区财政局", "上海市财政局", "沐阳县人民政府", "沭阳县发展和改革局"]
    catalog = Catalog([Report(id=f"{k}.txt", source=f"{k}.txt", text="", agency=a, year=2024)
                       for k, a in enumerate(agencies)])  # fmt: skip
    for asked in ("普陀区规划资源局2024年基本支出占本年支出合计的比例", "规划资源局2024年项目支出占本年支出的比例"):
        assert catalog.resolve(asked).agencies == ("上海市普陀区规划和自然资源局",)
        assert "规划" not in catalog.strip_names(asked) and "资源局" not in catalog.strip_names(asked)
    assert catalog.abbreviated("普陀区局2024年的支出") == (set(), [])  # fits both 普陀区 bureaus: no reading
    # 沭阳县政府 is the OCR'd 沐阳县人民政府 (one character off): 「阳县政府」 is no abbreviation cut out of it
    assert catalog.resolve("沭阳县政府2024年新收多少件").agencies == ("沐阳县人民政府",)
    assert catalog.strip_names("沭阳县政府2024年新收多少件").startswith("新收") or "沭" not in catalog.strip_names(
        "沭阳县政府2024年新收多少件")


def test_a_banks_or_brokers_short_stem_is_its_name_unless_an_everyday_word():
    """「邮储」 is 邮储银行, 「国元」 国元证券; 「平安」 and 「招商」 are words people use of other things too."""
    from corpus import Report

    reports = [Report(id="psbc.html", source="psbc.html", text="", agency="中国邮政储蓄银行股份有限公司", year=2019,
                      names=["邮储银行", "601658"]),
               Report(id="pab.pdf", source="pab.pdf", text="", agency="平安银行股份有限公司", year=2024, names=["平安银行"]),
               Report(id="gy.pdf", source="gy.pdf", text="", agency="国元证券", year=2024, names=["比亚迪"])]
    catalog = Catalog(reports)
    assert catalog.resolve("邮储2019年营业收入多少").agencies == ("中国邮政储蓄银行股份有限公司",)
    assert catalog.resolve("国元给比亚迪啥评级").agencies == ("国元证券",)
    assert catalog.resolve("平安建设的投入有多少").agencies == ()

"""Which reports a question selects: full and short names, abbreviations, near-misses, what the corpus lacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import read_report
from qa.scope import Catalog, aliases

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

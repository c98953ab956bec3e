"""The zone a report is about, from how it names places and its own bodies."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import organizations as orgs
from kg.extract.organizations import bare_place_zone, zone

from helpers import SEEDS


def test_zone_seed_001_is_the_district_it_names_bare():
    from kg.normalize import normalize

    text = normalize((SEEDS / "001_b317a05d6deb3d65.txt").read_text(encoding="utf-8")).text
    full, short, (start, end) = zone(text)
    assert (full, short) == ("萍乡市安源区", "安源")
    assert text[start:end] == "安源"


BARE = ("3月5日,区政府召开常务会议。区长主持。会议指出,安源要抢抓机遇;要弘扬安源精神,擦亮安源品牌,"
        "落实萍乡市委部署,统筹做好老城区更新和新城区提质。区领导出席。")


def test_zone_bare_place_with_its_city():
    assert bare_place_zone(BARE)[:2] == ("萍乡市安源区", "安源")
    assert zone(BARE)[:2] == ("萍乡市安源区", "安源")


@pytest.mark.parametrize("text", [
    BARE.replace("安源", "本区"),                                   # no place named three times
    BARE.replace("区政府", "市政府").replace("区长", "市长").replace("区领导", "市领导"),  # no district bodies
])
def test_zone_bare_place_needs_the_place_and_district_bodies(text):
    assert bare_place_zone(text) is None


@pytest.mark.parametrize("text, expected", [
    ("3月5日,温江区委召开常委会会议。", ("温江区", "温江区")),
    ("萍乡经开区召开全区领导干部会议。经开区党工委书记出席。", ("萍乡经济技术开发区", "萍乡经开区")),
    # a verb before 县 is no place: 向常委会汇报县人大常委会党组工作
    ("5月6日,县人大常委会召开会议,县人大常委会主任向常委会汇报县人大常委会党组工作。", (None, None)),
])
def test_zone_written_names(text, expected):
    assert zone(text)[:2] == expected


@pytest.mark.parametrize("text, expected", [
    # a district with the one city the report names
    ("3月5日,温江区委召开常委会会议,传达成都市委全会精神。", ("成都市温江区", "温江区")),
    # two cities named: no guess
    ("3月5日,温江区委召开常委会会议,学习成都市、德阳市经验。", ("温江区", "温江区")),
    # a county whose name is also a word, at the head of a clause before its own bodies
    ("信息来源:桃源县政府网\n桃源县第十五届人民代表大会开幕。", ("桃源县", "桃源县")),
    # the same word inside a phrase is no county: 会议和县委
    ("3月5日,召开会议和县委常委会。", (None, None)),
])
def test_zone_city_prefix_and_word_like_county_names(text, expected):
    assert zone(text)[:2] == expected



# Kinds, organ suffixes, the characters their look-ahead checks, separators and plain characters.
PREFIXED_TEXTS = st.text(alphabet="县区市新开发经济技术示范自治高产业镇乡党工委管会政府街道办事处长员中共，。 a1萍", max_size=30)


def _finditer(pattern, text):
    return [(m.start(), m.start(2), m.end(), m.group(2)) for m in pattern.finditer(text)]


@pytest.mark.parametrize("pattern, args", [
    (orgs.ORG_RE, (orgs.SUFFIX_AT_RE, 0, 8)),
    (orgs.ZONE_RE, (orgs.ZONE_KIND_AT_RE, 2, 4)),
], ids=["organizations", "zones"])
def test_prefixed_finds_what_the_full_pattern_finds(pattern, args):
    @settings(max_examples=2000, deadline=None)
    @given(PREFIXED_TEXTS)
    def check(text):
        assert list(orgs._prefixed(*args, text)) == _finditer(pattern, text)

    check()
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert list(orgs._prefixed(*args, text)) == _finditer(pattern, text)

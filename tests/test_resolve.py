"""Tests for kg.resolve: who is the same person, and why."""
from __future__ import annotations

import dataclasses
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import KgError
from kg.records import Meeting, Participation, Person, Report, Span
from kg.resolve import (
    RULE_SAME_ZONE_SHARED_TITLE, Resolution, canonical_organization, city_of, is_distinctive_title, person_key,
    resolve, title_level, titles_conflict,
)
from reportfactory import (
    HOSTILE_DOC, HOSTILE_NAME, HOSTILE_ZONE, ZONE_PX, ZONE_SR, all_reports, report_no_zone,
    report_px_july, report_px_october,
)

PX_OCT, PX_JUL = "000_033037928346e11e", "003_f2ba840133a4e5d0"
SR, NOZONE = "002_c99fc5df941b4a05", "001_b317a05d6deb3d65"


@pytest.fixture(scope="module")
def res():
    return resolve(all_reports())


def test_resolve_merges_same_name_same_zone_with_evidence(res):
    key = person_key("刘建中", ZONE_PX, PX_OCT)
    assert key == f"person/{ZONE_PX}/刘建中"
    p = res.persons[key]
    assert p.reports == (PX_OCT, PX_JUL)
    assert res.lookup[(PX_OCT, "刘建中")] == res.lookup[(PX_JUL, "刘建中")] == key
    assert [e.to_json() for e in p.evidence] == [
        {"rule": RULE_SAME_ZONE_SHARED_TITLE, "zone": ZONE_PX, "reports": [PX_OCT, PX_JUL],
         "shared_titles": ["区党工委副书记", "管委会主任"], "co_attendees": ["杨博"],
         "dates": ["2022-07-23", "2022-10-26"]}
    ]


def test_resolve_keeps_same_name_apart_across_zones(res):
    keys = {k for k, p in res.persons.items() if p.name == "刘建中"}
    assert keys == {f"person/{ZONE_PX}/刘建中", f"person/{ZONE_SR}/刘建中", f"person/doc:{NOZONE}/刘建中"}
    assert res.persons[f"person/{ZONE_SR}/刘建中"].evidence == ()
    assert res.lookup[(SR, "刘建中")] != res.lookup[(PX_OCT, "刘建中")]


def test_resolve_keeps_zoneless_person_scoped_to_its_report():
    other = dataclasses.replace(report_no_zone(), doc_id="001_other")
    res = resolve([report_no_zone(), other])
    a, b = res.lookup[(NOZONE, "刘建中")], res.lookup[("001_other", "刘建中")]
    assert a != b
    assert res.persons[a].reports == (NOZONE,) and res.persons[a].zone is None
    assert res.persons[a].evidence == ()


def test_resolve_same_name_within_report_is_one_person():
    r = report_px_october()
    dup = Person("杨博", ("市委常委",), False, (Span(0, 0),))
    r = dataclasses.replace(r, persons=r.persons + (dup,))
    res = resolve([r])
    keys = [k for k, p in res.persons.items() if p.name == "杨博"]
    assert len(keys) == 1
    p = res.persons[keys[0]]
    assert p.present  # one of the two records says present
    assert Span(0, 0) in [s for _, s in p.mentions]


def test_resolve_titles_attested_with_report_and_date(res):
    p = res.persons[f"person/{ZONE_PX}/杨博"]
    assert [(t.title, t.doc_id, t.date) for t in p.titles] == [
        ("区党工委书记", PX_JUL, "2022-07-22"),
        ("市委常委", PX_OCT, "2022-10-26"),
        ("区党工委书记", PX_OCT, "2022-10-26"),
    ]
    assert p.title_names == ["区党工委书记", "市委常委"]
    # a year-less meeting attests its title on a year-less date
    q = res.persons[f"person/doc:{NOZONE}/刘建中"]
    assert [(t.title, t.date) for t in q.titles] == [("区长", "XXXX-10-26")]


def test_resolve_lookup_covers_participants_and_speakers(res):
    for r in all_reports():
        names = {p.name for p in r.persons}
        names |= {part.person for m in r.meetings for part in m.participants}
        names |= {d.speaker for d in r.directives if d.speaker != "会议"}
        for name in names:
            assert (r.doc_id, name) in res.lookup
    assert (PX_OCT, "会议") not in res.lookup


def test_resolve_participant_missing_from_persons_still_resolved():
    r = report_px_july()
    extra = Participation("张三", "attendee", 5, Span(0, 4))
    m = dataclasses.replace(r.meetings[0], participants=r.meetings[0].participants + (extra,))
    res = resolve([dataclasses.replace(r, meetings=(m,))])
    key = res.lookup[(PX_JUL, "张三")]
    assert res.persons[key].present
    assert res.stats["person_mentions"] == len(r.persons) + 1


def test_resolve_hostile_names_are_kept_verbatim(res):
    key = res.lookup[(HOSTILE_DOC, HOSTILE_NAME)]
    assert key == f"person/{HOSTILE_ZONE}/{HOSTILE_NAME}"
    assert res.persons[key].name == HOSTILE_NAME


def test_resolve_organizations_keyed_by_zone_and_name(res):
    o = res.organizations[f"org/{ZONE_PX}/{ZONE_PX}党工委"]
    assert o.reports == (PX_OCT, PX_JUL) and o.kind == "party" and o.names == ("区党工委",)
    assert res.org_lookup[(NOZONE, "区政府")] == f"org/doc:{NOZONE}/区政府"


def test_resolve_is_independent_of_report_order(res):
    shuffled = all_reports()
    random.Random(7).shuffle(shuffled)
    again = resolve(shuffled)
    assert again == res
    assert list(again.persons) == sorted(again.persons)


def test_resolve_counts_summary(res):
    assert res.stats == {
        "person_mentions": 14, "person_entities": 12, "persons_merged": 2, "names_kept_apart": 1,
        "ambiguous": 1, "zones_inferred": 0, "organization_mentions": 6, "organization_entities": 5,
    }
    assert res.summary()[0] == "persons: 14 mentions -> 12 entities (2 merged across reports, 1 ambiguous)"


def test_resolve_json_round_trip(res):
    data = json.loads(json.dumps(res.to_json(), ensure_ascii=False))
    assert Resolution.from_json(data) == res


def test_resolve_rejects_duplicate_doc_ids():
    with pytest.raises(KgError, match="unique"):
        resolve([report_px_july(), report_px_july()])


names = st.sampled_from(["张伟", "王芳", "李娜", "刘建中"])
zones = st.sampled_from([None, "甲区", "乙区"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(zones, st.lists(names, min_size=1, max_size=4)), min_size=1, max_size=6))
def test_resolve_never_merges_across_zones_or_without_zone(docs):
    reports = []
    for i, (zone, people) in enumerate(docs):
        text = "".join(people)
        parts = tuple(Participation(n, "attendee", j, Span(0, 1)) for j, n in enumerate(people))
        reports.append(Report(doc_id=f"d{i}", path="", sha256="", text=text, script="simplified",
                              published=None, zone=zone, zone_short=None,
                              meetings=(Meeting("XXXX-01-02", None, "会议", Span(0, 1), parts),)))
    res = resolve(reports)
    by_doc = {r.doc_id: r for r in reports}
    for p in res.persons.values():
        assert {by_doc[d].zone for d in p.reports} == {p.zone}
        if p.zone is None:
            assert len(p.reports) == 1
        assert bool(p.evidence) == (len(p.reports) > 1)
    for (d1, n1), k1 in res.lookup.items():
        for (d2, n2), k2 in res.lookup.items():
            same_zone = by_doc[d1].zone is not None and by_doc[d1].zone == by_doc[d2].zone
            assert (k1 == k2) == (n1 == n2 and (d1 == d2 or same_zone))


def _report(doc_id: str, zone: str | None, people: list[tuple[str, tuple[str, ...]]], date: str = "2023-05-06",
            published: str | None = None) -> Report:
    """A one-meeting report whose text names each person with their titles, all attending."""
    text = "。".join("、".join(titles) + name + "出席会议" for name, titles in people) + "。"
    persons, parts = [], []
    for i, (name, titles) in enumerate(people):
        s = text.find(name)
        persons.append(Person(name, titles, True, (Span(s, s + len(name)),)))
        parts.append(Participation(name, "attendee", i, Span(s, s + len(name)), "、".join(titles)))
    return Report(doc_id=doc_id, path="", sha256="", text=text, script="simplified", published=published,
                  zone=zone, zone_short=None, persons=tuple(persons),
                  meetings=(Meeting(date, None, "会议", Span(0, 1), tuple(parts)),))


@pytest.mark.parametrize("a, b, conflict", [
    (("区长",), ("区委副书记", "区长"), False),       # one shared post
    (("副区长",), ("区长",), False),                  # same level: a career step
    (("县委书记",), ("镇长",), True),                 # different levels, nothing shared
    (("萍乡市委书记",), ("上饶市委书记",), True),      # same post, different named places
    (("区领导",), ("镇长",), False),                  # a group label says nothing
    (("管委会主任",), ("区党工委副书记",), False),      # the organ names no level
    ((), ("县长",), False),
])
def test_resolve_titles_conflict_table(a, b, conflict):
    assert titles_conflict(a, b) is conflict
    assert titles_conflict(b, a) is conflict


@pytest.mark.parametrize("title, level, distinctive", [
    ("市委常委", "市", False), ("常务副县长", "县", False), ("区党工委书记", "区", False),
    ("管委会主任", None, False), ("萍乡市委书记", "市", True), ("总书记", None, True), ("镇长", "镇", False),
])
def test_resolve_title_level_and_distinctiveness(title, level, distinctive):
    assert title_level(title) == level
    assert is_distinctive_title(title) is distinctive


def test_resolve_same_zone_incompatible_titles_stay_apart():
    a = _report("a1", "甲县", [("张伟", ("县委书记",)), ("李强", ("县长",))])
    b = _report("b1", "甲县", [("张伟", ("镇长",)), ("王芳", ("副镇长",))])
    res = resolve([a, b])
    assert res.lookup[("a1", "张伟")] != res.lookup[("b1", "张伟")]
    assert res.stats["persons_merged"] == 0 and res.stats["names_kept_apart"] == 1


def test_resolve_same_zone_merge_records_titles_co_attendees_and_dates():
    a = _report("a1", "甲区", [("邱伟", ("区长",)), ("龚云华", ("副区长",))], date="2022-02-11")
    b = _report("b1", "甲区", [("邱伟", ("区委副书记", "区长")), ("龚云华", ())], date="2022-03-02")
    res = resolve([a, b])
    p = res.persons[res.lookup[("a1", "邱伟")]]
    assert p.key == "person/甲区/邱伟" and p.reports == ("a1", "b1")
    assert [e.to_json() for e in p.evidence] == [{
        "rule": RULE_SAME_ZONE_SHARED_TITLE, "zone": "甲区", "reports": ["a1", "b1"], "shared_titles": ["区长"],
        "co_attendees": ["龚云华"], "dates": ["2022-02-11", "2022-03-02"]}]
    # 龚云华 has no title in b1: compatible, merged on the zone alone, and said so
    assert res.persons[res.lookup[("b1", "龚云华")]].evidence[0].rule == "same-zone-compatible-titles"


def test_resolve_distinctive_title_joins_across_zones():
    a = _report("a1", "甲区", [("陈敏", ("萍乡市委书记",))])
    b = _report("b1", "乙区", [("陈敏", ("萍乡市委书记",))])
    c = _report("c1", "丙区", [("陈敏", ("上饶市委书记",))])
    res = resolve([a, b, c])
    key = res.lookup[("a1", "陈敏")]
    assert res.lookup[("b1", "陈敏")] == key != res.lookup[("c1", "陈敏")]
    p = res.persons[key]
    assert p.zone is None and p.zones == ("乙区", "甲区") and p.key == "person/doc:a1/陈敏"
    assert p.evidence[0].rule == "same-distinctive-title" and p.evidence[0].shared_titles == ("萍乡市委书记",)


def test_resolve_zoneless_report_with_one_shared_name_is_ambiguous_not_merged(res, graph):
    amb = [a for a in res.ambiguities if a["name"] == "刘建中"]
    assert amb == [{"kind": "person", "doc_id": NOZONE, "name": "刘建中",
                    "candidates": sorted([ZONE_PX, ZONE_SR]),
                    "reason": "the report names no zone; same name in other zones; kept apart"}]
    assert res.zones[NOZONE] is None and NOZONE not in res.zone_evidence
    assert graph.graph["ambiguities"] == [dict(a) for a in res.ambiguities]


def test_resolve_infers_zone_from_two_shared_leaders():
    known = _report("k1", "甲经济技术开发区", [("杨博", ("区党工委书记",)), ("刘建中", ("管委会主任",))])
    unknown = _report("u1", None, [("杨博", ("区党工委书记",)), ("刘建中", ("管委会主任",)), ("孙平", ())])
    res = resolve([known, unknown])
    assert res.zones["u1"] == "甲经济技术开发区"
    ev = res.zone_evidence["u1"]
    assert ev["rule"] == "zone-from-shared-leaders" and ev["reports"] == ["k1"]
    assert [o["name"] for o in ev["shared_officials"]] == ["刘建中", "杨博"]
    assert res.lookup[("u1", "杨博")] == res.lookup[("k1", "杨博")] == "person/甲经济技术开发区/杨博"
    assert res.lookup[("u1", "孙平")] == "person/甲经济技术开发区/孙平"
    assert "zones: 1 inferred (u1 -> 甲经济技术开发区)" in res.summary()


@pytest.mark.parametrize("people", [
    [("杨博", ("区党工委书记",))],                                 # one official, one title: not enough
    [("杨博", ("区领导",)), ("刘建中", ("区领导",))],                # group labels only
    [("习近平", ("总书记",)), ("易炼红", ("省委书记",))],             # leaders every zone's reports name
])
def test_resolve_never_infers_zone_from_weak_evidence(people):
    known = _report("k1", "甲区", people + [("某某", ())])
    unknown = _report("u1", None, people)
    res = resolve([known, unknown])
    assert res.zones["u1"] is None and res.zone_evidence == {}


def test_resolve_one_identical_full_title_is_enough_for_the_zone():
    titles = ("区党工委副书记", "管委会主任")
    res = resolve([_report("k1", "甲新区", [("刘建中", titles)]), _report("u1", None, [("刘建中", titles)])])
    assert res.zones["u1"] == "甲新区"


def test_resolve_zone_evidence_pointing_two_ways_is_ambiguous():
    leaders = [("杨博", ("区党工委书记",)), ("刘建中", ("管委会主任",))]
    res = resolve([_report("k1", "甲区", leaders), _report("k2", "乙区", leaders), _report("u1", None, leaders)])
    assert res.zones["u1"] is None
    assert {"kind": "zone", "doc_id": "u1", "name": "", "candidates": ["乙区", "甲区"],
            "reason": "shares leaders with reports of several zones; zone left unknown"} in res.ambiguities


def test_resolve_short_zone_name_reads_as_the_longer_one():
    res = resolve([_report("a1", "成都市温江区", [("张三", ("区长",))]), _report("b1", "温江区", [("张三", ("区长",))])])
    assert res.zones == {"a1": "成都市温江区", "b1": "成都市温江区"}
    assert res.lookup[("a1", "张三")] == res.lookup[("b1", "张三")]


def test_resolve_seed_003_takes_its_zone_from_seed_000():
    from helpers import SEEDS
    from kg.pipeline import RunStats, extract_reports

    reports = list(extract_reports([SEEDS], RunStats(), lambda m: None))
    by_id = {r.doc_id: r for r in reports}
    assert by_id[PX_JUL].zone is None and by_id[PX_OCT].zone == ZONE_PX
    res = resolve(reports)
    assert res.zones[PX_JUL] == ZONE_PX
    ev = res.zone_evidence[PX_JUL]
    assert ev["reports"] == [PX_OCT]
    shared = {o["name"]: o for o in ev["shared_officials"]}
    assert set(shared) == {"杨博", "刘建中"}
    assert shared["刘建中"]["shared_titles"] == ["区党工委副书记", "管委会主任"]
    for name in ("杨博", "刘建中", "贾燕春", "熊玮", "李宝仔"):
        assert res.lookup[(PX_JUL, name)] == res.lookup[(PX_OCT, name)] == f"person/{ZONE_PX}/{name}"
    # 001 is about 安源 (萍乡市安源区), not the same zone: its leaders stay its own
    assert res.zones[NOZONE] == "萍乡市安源区"
    assert res.lookup[(NOZONE, "邱伟")] == "person/萍乡市安源区/邱伟"


@pytest.mark.parametrize("name, zone, short, expected", [
    ("区党工委", "萍乡经济技术开发区", "萍乡经开区", ("萍乡经济技术开发区党工委", "萍乡经济技术开发区")),
    ("经开区党工委", "萍乡经济技术开发区", "经开区", ("萍乡经济技术开发区党工委", "萍乡经济技术开发区")),
    ("萍乡经开区党工委", "萍乡经济技术开发区", "萍乡经开区", ("萍乡经济技术开发区党工委", "萍乡经济技术开发区")),
    ("管委会", "萍乡经济技术开发区", None, ("萍乡经济技术开发区管委会", "萍乡经济技术开发区")),
    ("市委", "萍乡经济技术开发区", None, ("萍乡市委", "萍乡市")),
    ("区政府党组", "萍乡市安源区", "安源", ("萍乡市安源区政府党组", "萍乡市安源区")),
    ("市委", "萍乡市安源区", "安源", ("萍乡市委", "萍乡市")),
    ("县委", "萍乡市安源区", "安源", ("县委", "萍乡市安源区")),      # another body than the district's
    ("省委", "萍乡市安源区", "安源", ("省委", "萍乡市安源区")),
    ("区委", None, None, ("区委", None)),
])
def test_resolve_canonical_organization_names(name, zone, short, expected):
    assert canonical_organization(name, zone, short) == expected


def test_resolve_city_of_zone():
    assert city_of("萍乡市安源区") == "萍乡市"
    assert city_of("上饶经济技术开发区") == "上饶市"
    assert city_of("长子县") is None

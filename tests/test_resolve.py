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
from kg.resolve import RULE_SAME_NAME_SAME_ZONE, Resolution, person_key, resolve
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
        {"rule": RULE_SAME_NAME_SAME_ZONE, "zone": ZONE_PX, "reports": [PX_OCT, PX_JUL]}
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
    assert [t.to_json() for t in p.titles] == [
        {"title": "市委常委", "doc_id": PX_OCT, "date": "2022-10-26"},
        {"title": "区党工委书记", "doc_id": PX_OCT, "date": "2022-10-26"},
        {"title": "区党工委书记", "doc_id": PX_JUL, "date": "2022-07-22"},
    ]
    assert p.title_names == ["市委常委", "区党工委书记"]
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
    o = res.organizations[f"org/{ZONE_PX}/区党工委"]
    assert o.reports == (PX_OCT, PX_JUL) and o.kind == "party"
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
        "organization_mentions": 6, "organization_entities": 5,
    }
    assert res.summary()[0] == "persons: 14 mentions -> 12 entities (2 merged across reports, 1 names kept apart)"


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

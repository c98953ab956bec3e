"""Tests for kg.assemble: node and edge schema, provenance, inferred edges."""
from __future__ import annotations

import dataclasses

import pytest

from kg.assemble import NODE_TYPES, RELATIONS, assemble, find_organizer
from kg.records import Directive, Span
from kg.resolve import resolve
from reportfactory import (
    HOSTILE_DOC, HOSTILE_NAME, HOSTILE_WORK, HOSTILE_ZONE, ZONE_PX, ZONE_SR,
    report_no_zone, report_px_october, report_sr,
)

PX_OCT, PX_JUL = "000_033037928346e11e", "003_f2ba840133a4e5d0"
SR, NOZONE = "002_c99fc5df941b4a05", "001_b317a05d6deb3d65"
PLAIN = (str, int, float, bool, list)


@pytest.fixture(scope="module")
def texts(reports):
    return {r.doc_id: r.text for r in reports}


def _plain(value) -> bool:
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return isinstance(value, PLAIN) and value is not None


def test_assemble_node_ids_and_types(graph):
    ids = set(graph.nodes)
    assert {f"report:{PX_OCT}", f"meeting:{PX_OCT}#0", f"directive:{PX_OCT}#3", f"zone:{ZONE_PX}",
            f"person:{ZONE_PX}/刘建中", f"person:{ZONE_SR}/刘建中", f"person:doc:{NOZONE}/刘建中",
            f"org:{ZONE_PX}/{ZONE_PX}党工委", f"org:doc:{NOZONE}/区政府", "work:《努力成为可堪大用的栋梁之才》",
            f"meeting:{HOSTILE_DOC}#0", f"person:{HOSTILE_ZONE}/{HOSTILE_NAME}", f"work:{HOSTILE_WORK}"} <= ids
    assert {a["type"] for _, a in graph.nodes(data=True)} == set(NODE_TYPES)
    assert {k for _, _, k in graph.edges(keys=True)} == set(RELATIONS)


def test_assemble_every_node_has_type_label_and_quoted_source(graph, texts):
    for n, a in graph.nodes(data=True):
        assert a["type"] in NODE_TYPES and a["label"], n
        start, end = a["span"]
        assert a["quote"] == texts[a["doc_id"]][start:end], n
        for doc, s, e, quote in a.get("sources", []):
            assert quote == texts[doc][s:e], n


def test_assemble_every_edge_has_quoted_source(graph, texts):
    for u, v, k, a in graph.edges(keys=True, data=True):
        assert a["relation"] == k
        start, end = a["span"]
        assert a["quote"] == texts[a["doc_id"]][start:end], (u, k, v)


def test_assemble_attributes_are_plain_json_values(graph):
    for _, a in graph.nodes(data=True):
        assert all(_plain(v) for v in a.values()), a
    for _, _, a in graph.edges(data=True):
        assert all(_plain(v) for v in a.values()), a


def test_assemble_participation_edges_carry_order_title_and_clause(graph):
    m = f"meeting:{PX_OCT}#0"
    chair = graph.edges[f"person:{ZONE_PX}/刘建中", m, "chaired"]
    assert chair["order"] == 0 and chair["title"] == "区党工委副书记、管委会主任"
    assert chair["quote"] == "区党工委副书记、管委会主任刘建中主持会议"
    attended = sorted((a["order"], graph.nodes[u]["name"]) for u, _, a in graph.in_edges(m, data=True)
                      if a["relation"] == "attended")
    assert attended == [(0, "杨博"), (1, "贾燕春"), (2, "魏逵")]


def test_assemble_merged_person_has_sources_from_both_reports(graph):
    a = graph.nodes[f"person:{ZONE_PX}/刘建中"]
    assert {row[0] for row in a["sources"]} == {PX_OCT, PX_JUL}
    assert a["merge_rule"] == "same-zone-shared-title" and a["merge_reports"] == [PX_OCT, PX_JUL]
    assert a["merge_evidence"] == [["same-zone-shared-title", ZONE_PX, [PX_OCT, PX_JUL],
                                    ["区党工委副书记", "管委会主任"], ["杨博"], ["2022-07-23", "2022-10-26"]]]
    assert graph.has_edge(f"person:{ZONE_PX}/刘建中", f"meeting:{PX_JUL}#0", "chaired")
    assert graph.has_edge(f"person:{ZONE_PX}/刘建中", f"meeting:{PX_OCT}#0", "chaired")
    sr = graph.nodes[f"person:{ZONE_SR}/刘建中"]
    assert {row[0] for row in sr["sources"]} == {SR} and "merge_rule" not in sr
    assert graph.nodes[f"person:doc:{NOZONE}/刘建中"]["scope_doc"] == NOZONE


def test_assemble_directives_link_speaker_and_meeting(graph):
    d = f"directive:{PX_OCT}#0"
    assert graph.has_edge(f"person:{ZONE_PX}/杨博", d, "issued")
    assert graph.has_edge(d, f"meeting:{PX_OCT}#0", "given_at")
    collective = f"directive:{PX_OCT}#3"
    assert graph.nodes[collective]["collective"] is True
    assert not any(k == "issued" for _, _, k in graph.in_edges(collective, keys=True))
    assert graph.has_edge(collective, f"meeting:{PX_OCT}#0", "given_at")


def test_assemble_organizer_from_meeting_name():
    assert find_organizer(report_no_zone().meetings[0], report_no_zone()) == (
        "区政府", "organization-named-in-meeting-name")
    # 党工委会议 in 上饶经开区: the zone's 党工委 body, reached through the zone's short name
    assert find_organizer(report_sr().meetings[1], report_sr()) == (
        "上饶经开区党工委", "zone-body-named-in-meeting-name")
    assert find_organizer(report_sr().meetings[0], report_sr()) is None


def test_assemble_organized_by_edges(graph):
    e = graph.edges[f"meeting:{NOZONE}#0", f"org:doc:{NOZONE}/区政府", "organized_by"]
    assert e["rule"] == "organization-named-in-meeting-name"
    assert graph.has_edge(f"meeting:{SR}#1", f"org:{ZONE_SR}/{ZONE_SR}党工委", "organized_by")


def test_assemble_in_zone_edges(graph):
    assert graph.has_edge(f"meeting:{PX_OCT}#0", f"zone:{ZONE_PX}", "in_zone")
    assert graph.has_edge(f"person:{ZONE_PX}/杨博", f"zone:{ZONE_PX}", "in_zone")
    assert graph.has_edge(f"org:{ZONE_PX}/{ZONE_PX}党工委", f"zone:{ZONE_PX}", "in_zone")
    # only mentioned, not present: no claim that 陈敏 is in the zone
    assert not graph.has_edge(f"person:{ZONE_PX}/陈敏", f"zone:{ZONE_PX}", "in_zone")
    # 市委 is named in a zone report but is the city's body
    assert not graph.has_edge("org:萍乡市/萍乡市委", f"zone:{ZONE_PX}", "in_zone")
    assert not any(k == "in_zone" for _, _, k in graph.out_edges(f"meeting:{NOZONE}#0", keys=True))


def test_assemble_report_mentions_and_reported_in(graph):
    r = f"report:{SR}"
    assert graph.has_edge(f"meeting:{SR}#0", r, "reported_in")
    targets = {v for _, v, k in graph.out_edges(r, keys=True) if k == "mentions"}
    assert {f"meeting:{SR}#0", f"person:{ZONE_SR}/胡心田", f"org:{ZONE_SR}/{ZONE_SR}党工委",
            "work:《努力成为可堪大用的栋梁之才》"} <= targets
    work = graph.nodes["work:《努力成为可堪大用的栋梁之才》"]
    assert work["type"] == "document" and work["reports"] == [NOZONE, SR]


def test_assemble_meeting_keeps_yearless_date(graph):
    assert graph.nodes[f"meeting:{NOZONE}#0"]["date"] == "XXXX-10-26"
    assert "time_of_day" not in graph.nodes[f"meeting:{NOZONE}#0"]


def test_assemble_zone_node_sources_every_report(graph):
    z = graph.nodes[f"zone:{ZONE_PX}"]
    assert z["reports"] == [PX_OCT, PX_JUL] and z["short_names"] == ["萍乡经开区"]
    assert {row[3] for row in z["sources"]} == {"萍乡经开区"}


def test_assemble_bad_directive_meeting_index_is_skipped_with_warning():
    r = report_px_october()
    r = dataclasses.replace(r, directives=r.directives + (Directive("杨博", 9, "要", Span(0, 1)),))
    g = assemble([r], resolve([r]))
    assert any("meeting 9" in w for w in g.graph["warnings"])
    assert not any(k == "given_at" for _, _, k in g.out_edges(f"directive:{PX_OCT}#4", keys=True))


def test_assemble_out_of_range_span_is_clamped_with_warning():
    r = report_px_october()
    r = dataclasses.replace(r, directives=(Directive("杨博", 0, "x", Span(5, 10_000)),))
    g = assemble([r], resolve([r]))
    a = g.nodes[f"directive:{PX_OCT}#0"]
    assert a["span"] == [5, len(r.text)] and a["quote"] == r.text[5:]
    assert any("clamped" in w for w in g.graph["warnings"])


def test_assemble_is_independent_of_report_order(reports, graph):
    again = assemble(list(reversed(reports)), resolve(list(reversed(reports))))
    assert list(again.nodes(data=True)) == list(graph.nodes(data=True))
    assert list(again.edges(keys=True, data=True)) == list(graph.edges(keys=True, data=True))


def test_assemble_organization_classification(graph):
    classes = {a["name"]: a["classification"] for _, a in graph.nodes(data=True) if a["type"] == "organization"}
    assert classes[f"{ZONE_PX}党工委"] == "party"
    assert classes["区政府"] == "government"
    assert set(classes.values()) <= {"party", "government", "congress", "cppcc", "committee", "township", "other"}
    assert graph.nodes[f"org:{ZONE_PX}/{ZONE_PX}党工委"]["names_as_written"] == ["区党工委"]


def test_assemble_sub_organization_of_edges(graph, texts):
    body = f"org:{ZONE_PX}/{ZONE_PX}党工委"
    e = graph.edges[body, f"zone:{ZONE_PX}", "sub_organization_of"]
    assert e["rule"] == "organ-of-zone" and e["quote"] == "区党工委"
    # the zone's 党工委 is sent by the city's 市委, named in the same report as 市委
    assert graph.nodes["org:萍乡市/萍乡市委"]["names_as_written"] == ["市委"]
    assert graph.edges[body, "org:萍乡市/萍乡市委", "sub_organization_of"]["rule"] == "dispatched-by-city"
    # a report without a zone gives its 区政府 no parent
    assert not list(graph.out_edges(f"org:doc:{NOZONE}/区政府", keys=True))


def test_assemble_sub_organization_of_body_and_township():
    from kg.records import Organization, Report

    text = "区政府召开党组会议。区政府党组书记张三主持。彭高镇、福田镇参加。"
    orgs = tuple(Organization(n, k, Span(text.find(n), text.find(n) + len(n))) for n, k in (
        ("区政府", "government"), ("区政府党组", "party"), ("彭高镇", "township")))
    r = Report(doc_id="r1", path="", sha256="", text=text, script="simplified", published=None,
               zone="甲市乙区", zone_short="乙区", organizations=orgs)
    g = assemble([r], resolve([r]))
    rel = {(u, v, a["rule"]) for u, v, k, a in g.edges(keys=True, data=True) if k == "sub_organization_of"}
    assert rel == {
        ("org:甲市乙区/甲市乙区政府", "zone:甲市乙区", "organ-of-zone"),
        ("org:甲市乙区/甲市乙区政府党组", "org:甲市乙区/甲市乙区政府", "part-of-body"),
        ("org:甲市乙区/彭高镇", "zone:甲市乙区", "township-in-zone"),
    }


def test_assemble_person_timeline(graph, texts):
    tl = graph.nodes[f"person:{ZONE_PX}/杨博"]["timeline"]
    assert [row[:3] for row in tl] == [
        ["区党工委书记", "2022-07-22", PX_JUL],
        ["市委常委", "2022-10-26", PX_OCT],
        ["区党工委书记", "2022-10-26", PX_OCT],
    ]
    for title, _, doc, start, end, quote in tl:
        assert quote == texts[doc][start:end] and title in quote
    assert tl == sorted(tl, key=lambda r: (r[1], r[2], r[3]))
    # a year-less meeting gives a year-less attestation
    assert graph.nodes[f"person:doc:{NOZONE}/刘建中"]["timeline"][0][:3] == ["区长", "XXXX-10-26", NOZONE]


def test_assemble_zone_inferred_report_sits_in_the_zone():
    from kg.records import Meeting, Participation, Person, Report

    def rep(doc_id, zone):
        text = "区党工委书记杨博主持会议,管委会主任刘建中出席。"
        people = (("杨博", "区党工委书记"), ("刘建中", "管委会主任"))
        persons = tuple(Person(n, (t,), True, (Span(text.find(n), text.find(n) + len(n)),)) for n, t in people)
        parts = tuple(Participation(n, "chair" if i == 0 else "attendee", i,
                                    Span(text.find(n), text.find(n) + len(n)), t) for i, (n, t) in enumerate(people))
        return Report(doc_id=doc_id, path="", sha256="", text=text, script="simplified", published=None,
                      zone=zone, zone_short=None, persons=persons,
                      meetings=(Meeting("XXXX-05-06", None, "会议", Span(0, 5), parts),))

    reports = [rep("k1", "甲新区"), rep("u1", None)]
    g = assemble(reports, resolve(reports))
    assert g.has_edge("meeting:u1#0", "zone:甲新区", "in_zone")
    assert g.nodes["report:u1"]["zone"] == "甲新区"
    assert g.nodes["report:u1"]["zone_rule"] == "zone-from-shared-leaders"
    assert g.nodes["report:u1"]["zone_inferred_from"] == ["k1"]
    assert g.nodes["zone:甲新区"]["reports"] == ["k1", "u1"]


def test_assemble_bylines_are_report_authors_not_persons(tmp_path):
    from kg.pipeline import RunStats, extract_reports

    f = tmp_path / "r1.txt"
    f.write_text("本报讯(记者 马俊)3月2日,市政府召开常务会议。市长吴贤德主持,副市长林涛出席。\n"
                 "编辑:李明华 审核:赵国栋", encoding="utf-8")
    (r,) = extract_reports([f], RunStats(), lambda m: None)
    g = assemble([r], resolve([r]))
    assert g.nodes["report:r1"]["authors"] == ["马俊", "李明华", "赵国栋"]
    names = {a["name"] for _, a in g.nodes(data=True) if a["type"] == "person"}
    assert not names & set(r.bylines)


def test_assemble_shares_one_quote_between_a_directive_and_its_edges(graph):
    # a large graph holds each directive's sentence once, not as quote, text and two edge quotes
    directives = [(n, a) for n, a in graph.nodes(data=True) if a["type"] == "directive"]
    assert directives
    for n, a in directives:
        if a["text"] == a["quote"]:
            assert a["text"] is a["quote"]
        for _, _, k, e in graph.out_edges(n, keys=True, data=True):
            if k == "given_at":
                assert e["quote"] is a["quote"] and e["span"] == a["span"]
    issued = [(u, v, e) for u, v, k, e in graph.edges(keys=True, data=True) if k == "issued"]
    assert issued and all(e["quote"] is graph.nodes[v]["quote"] for _, v, e in issued)


def test_assemble_graph_behaves_as_one_built_through_networkx(graph):
    copy = graph.__class__()
    copy.add_nodes_from(graph.nodes(data=True))
    copy.add_edges_from(graph.edges(keys=True, data=True))
    assert list(copy.adjacency()) == list(graph.adjacency())
    assert all(graph.has_edge(u, v, k) and graph.pred[v][u][k] is graph.succ[u][v][k]
               for u, v, k in graph.edges(keys=True))
    assert sorted(graph.in_degree()) == sorted(copy.in_degree())


def test_assemble_holds_each_node_id_and_offset_once(graph):
    # a large graph holds a node id once, not again at each edge end, and one int per offset in its spans
    ids = {n: n for n in graph}
    for adjacency in (graph.succ, graph.pred):
        for u, nbrs in adjacency.items():
            assert ids[u] is u and all(ids[v] is v for v in nbrs)
    offsets: dict[int, int] = {}
    spans = [a["span"] for _, a in graph.nodes(data=True)] + [a["span"] for _, _, a in graph.edges(data=True)]
    assert max(max(s) for s in spans) > 256  # beyond the ints Python shares anyway
    assert all(offsets.setdefault(x, x) is x for span in spans for x in span)

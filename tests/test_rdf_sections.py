"""Tests for kg.rdf_sections and kg.export.write_rdf: the sections hold exactly kg.rdf.triples, each report's
section holds that report's facts, both files are written in one pass, and the SHACL check reads them."""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph
import pytest

from kg.export import StagedOutputs, outputs, to_jsonld, to_turtle, write_rdf
from kg.rdf import DEFAULT_BASE_IRI, Iris, triples
from kg.rdf_sections import ENTITY, Sections, sample_docs
from kg.validate import PATH_FULL, PATH_SAMPLE, validate_triples
from kg.vocab import KG, OA, PROV

ROOT = Path(__file__).resolve().parent.parent
TURTLE, JSON_LD, N_TRIPLES = pyoxigraph.RdfFormat.TURTLE, pyoxigraph.RdfFormat.JSON_LD, pyoxigraph.RdfFormat.N_TRIPLES


def _quads(text: str, fmt) -> set[str]:
    return {str(q) for q in pyoxigraph.parse(text.encode("utf-8"), format=fmt)}


def _reference(graph, reports) -> set[str]:
    """kg.rdf.triples, the mapping one triple at a time, as parsed quads."""
    return _quads("".join(f"{s} {p} {o} .\n" for s, p, o in triples(graph, reports)), N_TRIPLES)


@pytest.fixture(scope="module")
def seed_sections(seed_graph, seed_reports):
    sections = Sections(seed_graph, seed_reports)
    parts = list(sections.rendered())
    return sections, parts


def test_rdf_sections_union_is_exactly_the_triples_of_the_mapping(seed_graph, seed_reports, graph, reports):
    for g, rs in ((seed_graph, seed_reports), (graph, reports)):
        expected = _reference(g, rs)
        assert len(expected) > 1000
        assert _quads(to_turtle(g, rs), TURTLE) == expected
        assert _quads(to_jsonld(g, rs), JSON_LD) == expected


def test_rdf_sections_count_their_triples_and_start_with_the_entities(seed_sections, seed_graph, seed_reports):
    sections, parts = seed_sections
    assert parts[0].key == ENTITY
    keys = [p.key for p in parts[1:]]
    assert keys == sorted(keys) == sorted(r.doc_id for r in seed_reports)
    assert sum(p.triples for p in parts) == len(triples(seed_graph, seed_reports))
    for part in parts:  # each section stands alone, in both formats
        ttl = _quads(sections.turtle_head + part.turtle, TURTLE)
        assert len(ttl) == part.triples
        assert _quads(sections.jsonld_head + part.jsonld[1:] + sections.jsonld_tail, JSON_LD) == ttl


def test_rdf_sections_merge_what_two_nodes_of_one_iri_say(seed_graph, seed_reports):
    """A person node twice, under two node ids: the memberships, links and passages of both share their
    subjects, which every section writes once, in either format alone or both."""
    g = seed_graph.copy()
    nid, a = next((n, a) for n, a in sorted(g.nodes(data=True)) if a.get("type") == "person" and a.get("timeline"))
    g.add_node(nid + "/twin", **a)
    expected = _reference(g, seed_reports)
    assert _quads(to_turtle(g, seed_reports), TURTLE) == expected
    assert _quads(to_jsonld(g, seed_reports), JSON_LD) == expected
    both = list(Sections(g, seed_reports).rendered())
    alone = list(Sections(g, seed_reports, jsonld=False).rendered())
    assert [p.turtle for p in alone] == [p.turtle for p in both] and not any(p.jsonld for p in alone)
    assert sum(p.triples for p in alone) == sum(p.triples for p in both) == len(triples(g, seed_reports))


def test_rdf_sections_hold_their_own_reports_facts(seed_sections, seed_reports):
    sections, parts = seed_sections
    iris = sections.writer.iris
    derived, source, text_span = str(PROV.wasDerivedFrom), str(OA.hasSource), str(KG.textSpan)
    entity = list(pyoxigraph.parse((sections.turtle_head + parts[0].turtle).encode(), format=TURTLE))
    assert entity and not [q for q in entity if q.predicate.value in (derived, source, text_span)]
    for part in parts[1:]:
        quads = list(pyoxigraph.parse((sections.turtle_head + part.turtle).encode(), format=TURTLE))
        report, text = iris.report(part.key), iris.text(part.key)
        assert {q.object.value for q in quads if q.predicate.value == derived} == {report}
        assert {q.object.value for q in quads if q.predicate.value == source} == {text}
        spans = [q for q in quads if q.predicate.value == text_span]
        assert len(spans) > 20 and all(part.key in q.object.value for q in spans)


def _write(tmp_path, graph, reports, **options):
    out = tmp_path / "out"
    out.mkdir(parents=True, exist_ok=True)
    with StagedOutputs() as staged:
        checked = write_rdf(staged, out, graph, reports, **options)
        staged.commit()
    return checked, (out / "graph.ttl").read_text(encoding="utf-8"), (out / "graph.jsonld").read_text(encoding="utf-8")


def test_rdf_sections_write_rdf_writes_the_outputs_bytes_and_validates_them(tmp_path, seed_graph, seed_reports):
    checked, ttl, js = _write(tmp_path, seed_graph, seed_reports)
    files = outputs(seed_graph, seed_reports)
    assert ttl == files["graph.ttl"] and js == files["graph.jsonld"]
    json.loads(js)
    assert checked.path == PATH_FULL and checked.conforms
    assert checked.to_json() == validate_triples(triples(seed_graph, seed_reports)).to_json()
    assert _write(tmp_path, seed_graph, seed_reports, validate=False)[0] is None


def test_rdf_sections_sampled_check_is_deterministic_and_counts_the_whole_graph(tmp_path, seed_graph, seed_reports):
    full = validate_triples(triples(seed_graph, seed_reports))
    first = _write(tmp_path, seed_graph, seed_reports, full_limit=0, sample_sections=1)[0]
    again = _write(tmp_path, seed_graph, seed_reports, full_limit=0, sample_sections=1)[0]
    assert first.path == PATH_SAMPLE and first.conforms, first.messages
    assert first.to_json() == again.to_json()
    assert first.triples == full.triples and first.focus_nodes_total == full.focus_nodes_total
    assert 100 < first.focus_nodes < first.focus_nodes_total
    every = _write(tmp_path, seed_graph, seed_reports, full_limit=0, sample_sections=100, sample_per_class=10_000)[0]
    assert every.conforms and first.focus_nodes < every.focus_nodes <= every.focus_nodes_total


def test_rdf_sections_sampled_check_finds_a_violation_in_a_sampled_report(tmp_path, seed_graph, seed_reports):
    broken = seed_graph.copy()
    meetings = sorted(n for n, a in broken.nodes(data=True) if a.get("type") == "meeting")
    directive = next(n for n, a in sorted(broken.nodes(data=True)) if a.get("type") == "directive"
                     and not any(k == "given_at" and v == meetings[-1] for _, v, k in broken.out_edges(n, keys=True)))
    doc = broken.nodes[directive]["doc_id"]
    broken.add_edge(directive, meetings[-1], key="given_at", relation="given_at", doc_id=doc, span=[0, 1], quote="")
    full = _write(tmp_path, broken, seed_reports)[0]
    sampled = _write(tmp_path, broken, seed_reports, full_limit=0, sample_sections=100, sample_per_class=10_000)[0]
    for found in (full, sampled):
        assert not found.conforms and found.violations == 1
        assert found.messages[0].startswith(f"<{Iris(DEFAULT_BASE_IRI).node(broken.nodes[directive])}>")
        assert "kg:givenAt" in found.messages[0]


def test_rdf_sections_sample_docs_covers_every_node_type(seed_graph, seed_reports):
    docs = sorted(r.doc_id for r in seed_reports)
    assert sample_docs(seed_graph, docs, k=1, min_nodes=0) == sample_docs(seed_graph, list(reversed(docs)), k=1,
                                                                           min_nodes=0)
    assert len(sample_docs(seed_graph, docs, k=1, min_nodes=0)) == 1
    assert sample_docs(seed_graph, docs, k=0, min_nodes=len(docs)) == set(docs)


@pytest.mark.parametrize("only", ["graph.ttl", "graph.jsonld"])
def test_rdf_sections_write_rdf_writes_one_format_alone_with_the_same_bytes(tmp_path, seed_graph, seed_reports, only):
    both = _write(tmp_path / "both", seed_graph, seed_reports)
    out = tmp_path / "one"
    out.mkdir()
    with StagedOutputs() as staged:
        checked = write_rdf(staged, out, seed_graph, seed_reports, files={only})
        staged.commit()
    assert [p.name for p in out.iterdir()] == [only]
    assert (out / only).read_text(encoding="utf-8") == both[1 if only == "graph.ttl" else 2]
    assert checked.to_json() == both[0].to_json()  # the check reads the Turtle, written or not
    with StagedOutputs() as staged:
        assert write_rdf(staged, out, seed_graph, seed_reports, files={"graph.json"}) is None
        assert not staged.pending

"""Tests for kg.validate: the seeds' graph conforms to ontology/shapes.ttl, broken graphs do not, on both paths."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.cli import main
from kg.export import outputs
from kg.rdf import triples
from kg.validate import PATH_FULL, PATH_SAMPLE, validate, validate_triples
from kg.vocab import KG, PROV, SCHEMA

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def seed_turtle(seed_graph, seed_reports):
    return outputs(seed_graph, seed_reports)["graph.ttl"]


def _broken(turtle: str) -> tuple[Graph, URIRef]:
    """The graph with one meeting's report link removed and a second, ill-typed date added."""
    g = Graph().parse(data=turtle, format="turtle")
    meeting = sorted(g.subjects(RDF.type, SCHEMA.Event))[0]
    g.remove((meeting, PROV.wasDerivedFrom, None))
    g.add((meeting, KG.monthDay, Literal("2022-10-26", datatype=XSD.date)))
    return g, meeting


def test_validate_seed_graph_conforms(seed_turtle):
    result = validate(seed_turtle)
    assert result.conforms and result.violations == 0, result.messages
    assert result.path == PATH_FULL
    assert result.focus_nodes == result.focus_nodes_total > 500
    assert result.warnings() == []


def test_validate_broken_graph_reports_its_violations(seed_turtle):
    g, meeting = _broken(seed_turtle)
    result = validate(g)
    assert not result.conforms
    assert result.violations == 3
    assert all(m.startswith(f"<{meeting}>") for m in result.messages)
    assert any("prov:wasDerivedFrom" in m for m in result.messages)
    assert any("kg:monthDay" in m and "xsd:gMonthDay" in m for m in result.messages)
    assert any("not both" in m for m in result.messages)
    head = result.warnings()[0]
    assert "3 SHACL violation(s)" in head and "ontology/shapes.ttl" in head


def test_validate_sample_path_is_deterministic_and_finds_sampled_violations(seed_turtle):
    g, meeting = _broken(seed_turtle)
    text = g.serialize(format="nt")
    sampled = validate(text.encode("utf-8"), full_limit=0, sample_per_class=10_000)
    assert sampled.path == PATH_SAMPLE and sampled.violations == 3
    small = validate(seed_turtle, full_limit=0, sample_per_class=3)
    again = validate(seed_turtle, full_limit=0, sample_per_class=3)
    assert small.path == PATH_SAMPLE and small.conforms
    assert small.focus_nodes == again.focus_nodes < small.focus_nodes_total
    assert small.to_json() == again.to_json()


def test_validate_triples_finds_what_validating_their_turtle_finds(seed_graph, seed_reports, seed_turtle):
    rows = triples(seed_graph, seed_reports)
    for options in ({}, {"full_limit": 0, "sample_per_class": 3}, {"full_limit": 0, "sample_per_class": 10_000}):
        assert validate_triples(rows, **options).to_json() == validate(seed_turtle, **options).to_json()
    g, meeting = _broken(seed_turtle)
    broken = [tuple(line.rsplit(" .", 1)[0].split(" ", 2)) for line in g.serialize(format="nt").splitlines() if line]
    for options in ({}, {"full_limit": 0, "sample_per_class": 10_000}):
        found = validate_triples(broken, **options)
        assert found.violations == 3 and found.to_json() == validate(g.serialize(format="nt"), **options).to_json()


def test_validate_no_validate_skips_the_check_and_changes_no_graph_file(tmp_path, seed_turtle):
    out = tmp_path / "out"
    assert main(["build", str(ROOT / "seeds"), "--out", str(out), "--quiet", "--no-cache", "--jobs", "1",
                 "--no-validate"]) == 0
    assert json.loads((out / "build-report.json").read_text(encoding="utf-8"))["validation"] == {}
    assert (out / "graph.ttl").read_text(encoding="utf-8") == seed_turtle

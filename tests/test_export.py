"""Tests for kg.export and the ontology: Turtle validity, vocabulary, determinism, round trips."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic
import rdflib.namespace as rns

from kg import vocab
from kg.assemble import assemble
from kg.errors import KgError, OutputError
from kg.export import (
    date_literal, iri_segment, to_graphml, to_node_link_json, to_rdf, to_turtle, write_atomic,
)
from kg.resolve import resolve
from kg.vocab import KG, OA, SCHEMA
from reportfactory import HOSTILE_DOC, HOSTILE_NAME, HOSTILE_ZONE, ZONE_PX, all_reports

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "kg.ttl"
STANDARD = (
    "https://schema.org/", "http://www.w3.org/ns/org#", "http://www.w3.org/ns/prov#",
    "http://www.w3.org/ns/oa#", str(rns.RDF._NS), str(rns.RDFS._NS), str(rns.XSD._NS), str(rns.OWL._NS),
    "http://www.w3.org/2004/02/skos/core#",
)
DECLARATION_TYPES = {rns.OWL.Class, rns.OWL.ObjectProperty, rns.OWL.DatatypeProperty, rns.OWL.AnnotationProperty,
                     rns.OWL.NamedIndividual, rns.RDF.Property}
PX_OCT, NOZONE = "000_033037928346e11e", "001_b317a05d6deb3d65"


@pytest.fixture(scope="module")
def turtle(graph, reports):
    return to_turtle(graph, reports)


@pytest.fixture(scope="module")
def rdf(turtle):
    return Graph().parse(data=turtle, format="turtle")


@pytest.fixture(scope="module")
def ontology():
    return Graph().parse(ONTOLOGY, format="turtle")


def _declared(ontology: Graph) -> set[URIRef]:
    return {s for s, o in ontology.subject_objects(rns.RDF.type) if o in DECLARATION_TYPES}


def test_export_turtle_parses_with_rdflib_and_pyoxigraph(turtle, rdf):
    quads = list(pyoxigraph.parse(turtle.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(rdf) > 500


def test_export_turtle_round_trip_is_isomorphic(turtle, rdf):
    again = Graph().parse(data=rdf.serialize(format="turtle"), format="turtle")
    assert isomorphic(rdf, again)
    nt = Graph().parse(data=rdf.serialize(format="nt"), format="nt")
    assert to_isomorphic(rdf) == to_isomorphic(nt)


def test_export_every_class_and_predicate_is_declared(rdf, ontology):
    declared = _declared(ontology)
    used = set(rdf.predicates()) | set(rdf.objects(None, rns.RDF.type)) | set(rdf.objects(None, KG.role))
    for term in used:
        assert term in declared or str(term).startswith(STANDARD), term
        if str(term).startswith(vocab.KG_NS):
            assert term in declared, f"{term} is not declared in ontology/kg.ttl"
    undeclared_standard = {t for t in used if t not in declared and t != rns.RDF.type}
    assert not undeclared_standard, undeclared_standard


def test_export_ontology_matches_vocab_and_documents_every_term(ontology):
    assert (URIRef(vocab.ONTOLOGY_IRI), rns.RDF.type, rns.OWL.Ontology) in ontology
    assert dict(ontology.namespaces())["kg"] == URIRef(vocab.KG_NS)
    declared_kg = {t for t in _declared(ontology) if t.startswith(vocab.KG_NS)}
    assert declared_kg == {KG[name] for name in KG.__annotations__}
    for term in declared_kg:
        labels = [o for o in ontology.objects(term, rns.RDFS.label) if o.language == "en"]
        comments = [o for o in ontology.objects(term, rns.RDFS.comment) if o.language == "en"]
        assert labels and comments, term
    assert len(list(pyoxigraph.parse(path=str(ONTOLOGY), format=pyoxigraph.RdfFormat.TURTLE))) == len(ontology)


def test_export_ontology_links_chair_and_speaker(ontology):
    assert (KG.chair, URIRef("http://www.w3.org/2004/02/skos/core#closeMatch"),
            URIRef("http://data.vlaanderen.be/ns/besluit#heeftVoorzitter")) in ontology
    assert (KG.speaker, rns.RDFS.subPropertyOf, SCHEMA.performer) in ontology
    assert (KG.Directive, rns.RDFS.subClassOf, SCHEMA.Quotation) in ontology
    assert (KG.Zone, rns.RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#Organization")) in ontology


def test_export_closed_namespaces_reject_typos():
    with pytest.raises(AttributeError):
        KG.chiar  # noqa: B018
    with pytest.raises(AttributeError):
        OA.exactt  # noqa: B018
    with pytest.raises(AttributeError):
        SCHEMA.attendees  # noqa: B018


@pytest.mark.parametrize("value, expected", [
    ("2022-10-26", Literal("2022-10-26", datatype=rns.XSD.date)),
    ("XXXX-10-26", Literal("--10-26", datatype=rns.XSD.gMonthDay)),
    ("XXXX-02-29", Literal("--02-29", datatype=rns.XSD.gMonthDay)),
    ("XXXX-02-30", None),
    ("2022-02-30", None),
    ("2022-10", None),
    ("", None),
    (None, None),
])
def test_export_date_literal(value, expected):
    assert date_literal(value) == expected


def test_export_dates_use_gmonthday_without_year_and_xsd_date_otherwise(rdf, turtle):
    base = "https://kg.example.org/id/report/"
    yearless = URIRef(f"{base}{NOZONE}/meeting/0")
    assert list(rdf.objects(yearless, KG.dateWithoutYear)) == [Literal("--10-26", datatype=rns.XSD.gMonthDay)]
    assert list(rdf.objects(yearless, SCHEMA.startDate)) == []
    dated = URIRef(f"{base}{PX_OCT}/meeting/0")
    assert list(rdf.objects(dated, SCHEMA.startDate)) == [Literal("2022-10-26", datatype=rns.XSD.date)]
    assert list(rdf.objects(dated, KG.partOfDay)) == [Literal("上午", lang="zh-Hans")]
    assert "XXXX" not in turtle
    for o in rdf.objects():
        if isinstance(o, Literal) and o.datatype == rns.XSD.date:
            assert o.value is not None and not isinstance(o.value, str), o


def test_export_provenance_and_text_selectors(rdf, reports):
    texts = {r.doc_id: r.text for r in reports}
    ids = {URIRef(f"https://kg.example.org/id/report/{iri_segment(d)}"): d for d in texts}
    nodes = (set(rdf.subjects(rns.RDF.type, SCHEMA.Event)) | set(rdf.subjects(rns.RDF.type, KG.Directive))
             | set(rdf.subjects(rns.RDF.type, KG.Participation)))
    assert len(nodes) > 20
    for n in nodes:
        (report,) = rdf.objects(n, rns.PROV.wasDerivedFrom)
        assert (report, rns.RDF.type, SCHEMA.NewsArticle) in rdf
        (sr,) = rdf.objects(n, KG.textSpan)
        assert rdf.value(sr, OA.hasSource) == report
        selectors = set(rdf.objects(sr, OA.hasSelector))
        (pos,) = [s for s in selectors if (s, rns.RDF.type, OA.TextPositionSelector) in rdf]
        (quote,) = [s for s in selectors if (s, rns.RDF.type, OA.TextQuoteSelector) in rdf]
        start, end = rdf.value(pos, OA.start).toPython(), rdf.value(pos, OA.end).toPython()
        assert str(rdf.value(quote, OA.exact)) == texts[ids[report]][start:end]


def test_export_hostile_strings_are_percent_encoded_in_iris(rdf, turtle):
    segment = iri_segment(HOSTILE_DOC)
    assert segment.startswith("%2E%2E%2Fx%20%22引号%22%20%3Cb%3E")
    for term in set(rdf.all_nodes()):
        if isinstance(term, URIRef):
            path = str(term).split("://", 1)[1]
            assert not any(c in path for c in ' "<>{}|\\^`'), term
            assert "/../" not in path and "/./" not in path, term
    person = URIRef(f"https://kg.example.org/id/person/{iri_segment(HOSTILE_ZONE)}/{iri_segment(HOSTILE_NAME)}")
    assert (person, SCHEMA.name, Literal(HOSTILE_NAME, lang="zh-Hans")) in rdf


def test_export_iri_segment_table():
    assert iri_segment("杨博") == "杨博"
    assert iri_segment("a b/c.d%e") == "a%20b%2Fc%2Ed%25e"
    assert iri_segment("..") == "%2E%2E"
    assert iri_segment("《x》") == "%E3%80%8Ax%E3%80%8B"


def test_export_merged_person_is_one_iri_with_posts(rdf):
    p = URIRef(f"https://kg.example.org/id/person/{ZONE_PX}/刘建中")
    assert set(rdf.objects(p, rns.PROV.wasDerivedFrom)) == {
        URIRef(f"https://kg.example.org/id/report/{d}") for d in (PX_OCT, "003_f2ba840133a4e5d0")}
    assert rdf.value(p, KG.resolutionRule) == Literal("same-name-same-zone")
    posts = {str(rdf.value(post, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")))
             for post in rdf.objects(p, URIRef("http://www.w3.org/ns/org#holds"))}
    assert posts == {"区党工委副书记", "管委会主任"}
    meetings = set(rdf.subjects(KG.chair, p))
    assert len(meetings) == 2


def test_export_sparql_over_pyoxigraph(turtle):
    store = pyoxigraph.Store()
    store.load(turtle.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE)
    rows = list(store.query("""
        PREFIX kg: <https://kg.example.org/ns#>
        PREFIX schema: <https://schema.org/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?name ?date WHERE {
          ?m kg:chair ?p ; kg:inZone ?z ; schema:startDate ?date .
          ?p schema:name ?name . ?z skos:prefLabel ?zone .
          FILTER(langMatches(lang(?zone), "zh-Hans") && str(?zone) = "萍乡经济技术开发区")
        } ORDER BY ?date"""))
    assert [(r["name"].value, r["date"].value) for r in rows] == [("刘建中", "2022-07-22"), ("刘建中", "2022-10-26")]
    yearless = list(store.query("""
        PREFIX kg: <https://kg.example.org/ns#>
        SELECT (MONTH(?d) AS ?m) (DAY(?d) AS ?day) WHERE { ?e kg:dateWithoutYear ?d }"""))
    assert [(r["m"].value, r["day"].value) for r in yearless] == [("10", "26")]


def test_export_turtle_is_deterministic(graph, reports, turtle):
    assert to_turtle(graph, reports) == turtle
    shuffled = list(reversed(reports))
    assert to_turtle(assemble(shuffled, resolve(shuffled)), shuffled) == turtle


_SUBPROCESS = """
import sys
sys.path[:0] = [{tests!r}, {root!r}]
from reportfactory import all_reports
from kg.assemble import assemble
from kg.export import to_node_link_json, to_turtle
from kg.resolve import resolve
rs = all_reports()
g = assemble(rs, resolve(rs))
sys.stdout.buffer.write(to_turtle(g, rs).encode("utf-8") + b"\\0" + to_node_link_json(g).encode("utf-8"))
"""


def test_export_deterministic_across_hash_seeds(graph, turtle):
    code = _SUBPROCESS.format(tests=str(ROOT / "tests"), root=str(ROOT))
    outputs = set()
    for seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True).stdout
        outputs.add(out)
    assert outputs == {turtle.encode("utf-8") + b"\0" + to_node_link_json(graph).encode("utf-8")}


def test_export_base_iri_is_validated(graph, reports):
    for bad in ("not an iri", "http://example.com/kg#", "http://example.com/kg"):
        with pytest.raises(KgError, match="ends with '/'"):
            to_rdf(graph, reports, base_iri=bad)
    text = to_turtle(graph, reports, base_iri="http://example.com/kg/")
    subjects = {q.subject.value for q in pyoxigraph.parse(text.encode(), format=pyoxigraph.RdfFormat.TURTLE)}
    assert all(s.startswith("http://example.com/kg/") for s in subjects)


def test_export_node_link_json_round_trips(graph):
    text = to_node_link_json(graph)
    assert text == to_node_link_json(graph)
    data = json.loads(text)
    assert [n["id"] for n in data["nodes"]] == sorted(n["id"] for n in data["nodes"])
    assert "edges" in data and "links" not in data
    assert "杨博" in text  # UTF-8, not \\u escapes
    back = nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
    assert nx.utils.graphs_equal(back, graph)
    for u, v, k, a in graph.edges(keys=True, data=True):
        assert back.edges[u, v, k] == a


def test_export_graphml_round_trips_with_lists_as_json(graph, tmp_path):
    path = tmp_path / "kg.graphml"
    write_atomic(path, to_graphml(graph))
    back = nx.read_graphml(path, force_multigraph=True)
    assert set(back.nodes) == set(graph.nodes)
    n = f"person:{ZONE_PX}/刘建中"
    assert json.loads(back.nodes[n]["span"]) == graph.nodes[n]["span"]
    assert back.number_of_edges() == graph.number_of_edges()


def test_export_write_atomic_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.ttl"
    target.write_text("old", encoding="utf-8")
    write_atomic(target, "新\r\n内容")
    assert target.read_bytes() == "新\r\n内容".encode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_export_write_atomic_reports_unwritable_folder(tmp_path):
    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(tmp_path / "missing" / "out.ttl", "x")


def test_export_turtle_timing(graph, reports, capsys):
    start = time.perf_counter()
    text = to_turtle(graph, reports)
    elapsed = time.perf_counter() - start
    triples = len(Graph().parse(data=text, format="turtle"))
    with capsys.disabled():
        print(f"\n  turtle: {triples} triples in {elapsed * 1000:.1f} ms")
    assert elapsed < 5

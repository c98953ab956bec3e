"""Tests for kg.export: the RDF mapping, provenance, IRIs, determinism, and every output file."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD

from kg.assemble import assemble
from kg.errors import KgError, OutputError
from kg.export import (
    StagedOutputs, date_literal, iri_segment, output_chunks, outputs, text_files, to_graphml, to_jsonld,
    to_node_link_json, to_rdf, to_turtle, write_atomic,
)
from kg.rdf import text_path
from kg.resolve import resolve
from kg.tables import PERSON_COLUMNS
from kg.vocab import KG, OA, ORG, PROV, SCHEMA, SKOS
from reportfactory import HOSTILE_DOC, HOSTILE_NAME, HOSTILE_ZONE, ZONE_PX

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://kg.example.org/id/"
PX_OCT, NOZONE, PX_JUL = "000_033037928346e11e", "001_b317a05d6deb3d65", "003_f2ba840133a4e5d0"


@pytest.fixture(scope="module")
def files(graph, reports):
    return outputs(graph, reports, base_iri=BASE)


@pytest.fixture(scope="module")
def rdf(files):
    return Graph().parse(data=files["graph.ttl"], format="turtle")


def test_export_turtle_is_the_same_graph_as_to_rdf_and_parses_in_pyoxigraph(files, rdf, graph, reports):
    assert isomorphic(rdf, to_rdf(graph, reports, BASE))
    quads = list(pyoxigraph.parse(files["graph.ttl"].encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(rdf) > 500


def test_export_turtle_round_trips_through_rdflib(rdf):
    again = Graph().parse(data=rdf.serialize(format="turtle"), format="turtle")
    assert isomorphic(rdf, again)
    nt = Graph().parse(data=rdf.serialize(format="nt"), format="nt")
    assert isomorphic(rdf, nt)


def test_export_jsonld_has_a_context_and_parses_back_to_the_same_triples(files, rdf, graph, reports):
    doc = json.loads(files["graph.jsonld"])
    assert doc["@context"]["schema"] == "https://schema.org/" and doc["@context"]["kg"] == KG._NS
    assert isinstance(doc["@graph"], list) and doc["@graph"]
    back = Graph().parse(data=files["graph.jsonld"], format="json-ld")
    assert isomorphic(back, rdf)
    oxi = {str(q) for q in pyoxigraph.parse(files["graph.jsonld"].encode("utf-8"),
                                            format=pyoxigraph.RdfFormat.JSON_LD)}
    assert oxi == {str(q) for q in pyoxigraph.parse(files["graph.ttl"].encode("utf-8"),
                                                    format=pyoxigraph.RdfFormat.TURTLE)}
    assert to_jsonld(graph, reports, BASE) == files["graph.jsonld"]


@pytest.mark.parametrize("value, expected", [
    ("2022-10-26", Literal("2022-10-26", datatype=XSD.date)),
    ("XXXX-10-26", Literal("--10-26", datatype=XSD.gMonthDay)),
    ("XXXX-02-29", Literal("--02-29", datatype=XSD.gMonthDay)),
    ("XXXX-02-30", None),
    ("XXXX-13-01", None),
    ("2022-02-30", None),
    ("2022-10", None),
    ("0000-01-01", None),
    ("", None),
    (None, None),
])
def test_export_date_literal(value, expected):
    assert date_literal(value) == expected


def test_export_yearless_meeting_gets_month_day_and_dated_one_start_date(rdf, files):
    yearless = URIRef(f"{BASE}report/{NOZONE}/meeting/0")
    assert list(rdf.objects(yearless, KG.monthDay)) == [Literal("--10-26", datatype=XSD.gMonthDay)]
    assert list(rdf.objects(yearless, SCHEMA.startDate)) == []
    dated = URIRef(f"{BASE}report/{PX_OCT}/meeting/0")
    assert list(rdf.objects(dated, SCHEMA.startDate)) == [Literal("2022-10-26", datatype=XSD.date)]
    assert list(rdf.objects(dated, KG.partOfDay)) == [Literal("上午", lang="zh-Hans")]
    assert (dated, SCHEMA.location, URIRef(f"{BASE}zone/{ZONE_PX}")) in rdf
    assert "XXXX" not in files["graph.ttl"]


def test_export_every_assertion_has_its_report_and_an_exact_text_span(rdf, files, reports):
    texts = {r.doc_id: r.text for r in reports}
    assertions = set()
    for cls in (SCHEMA.Event, KG.Directive, SCHEMA.Role, ORG.Membership):
        assertions |= set(rdf.subjects(RDF.type, cls))
    assert len(assertions) > 30
    for node in assertions:
        (report,) = rdf.objects(node, PROV.wasDerivedFrom)
        (sr,) = rdf.objects(node, KG.textSpan)
        source = rdf.value(sr, OA.hasSource)
        assert (report, SCHEMA.associatedMedia, source) in rdf
        doc_id = str(rdf.value(report, SCHEMA.identifier))
        text = files[str(rdf.value(source, SCHEMA.contentUrl))]
        assert text == texts[doc_id]
        assert str(rdf.value(source, SCHEMA.sha256)) == hashlib.sha256(text.encode("utf-8")).hexdigest()
        (pos,) = [s for s in rdf.objects(sr, OA.hasSelector) if (s, RDF.type, OA.TextPositionSelector) in rdf]
        (quote,) = [s for s in rdf.objects(sr, OA.hasSelector) if (s, RDF.type, OA.TextQuoteSelector) in rdf]
        start, end = rdf.value(pos, OA.start).toPython(), rdf.value(pos, OA.end).toPython()
        assert str(rdf.value(quote, OA.exact)) == text[start:end]
        prefix = rdf.value(quote, OA.prefix)
        assert prefix is None or text[:start].endswith(str(prefix))


def test_export_participations_are_roles_with_order_and_title(rdf):
    meeting = URIRef(f"{BASE}report/{PX_OCT}/meeting/0")
    roles = {(str(rdf.value(r, SCHEMA.roleName)), str(rdf.value(rdf.value(r, KG.participant), SCHEMA.name)),
              rdf.value(r, KG.listOrder).toPython(), str(rdf.value(r, KG.titleAsWritten) or ""))
             for r in rdf.subjects(KG.inEvent, meeting)}
    assert ("chair", "刘建中", 0, "区党工委副书记、管委会主任") in roles
    assert ("attendee", "魏逵", 2, "区领导") in roles
    chair = URIRef(f"{BASE}person/{ZONE_PX}/刘建中")
    assert (meeting, KG.chair, chair) in rdf
    assert (meeting, KG.speaker, URIRef(f"{BASE}person/{ZONE_PX}/杨博")) in rdf


def test_export_memberships_attest_posts_on_dates(rdf):
    person = URIRef(f"{BASE}person/{ZONE_PX}/刘建中")
    memberships = set(rdf.subjects(ORG.member, person))
    posts = {str(rdf.value(rdf.value(m, KG.post), SKOS.prefLabel)) for m in memberships}
    assert posts == {"区党工委副书记", "管委会主任"}
    dates = {rdf.value(m, KG.attestedOn) for m in memberships}
    assert Literal("2022-10-26", datatype=XSD.date) in dates
    for m in memberships:
        assert (person, ORG.holds, rdf.value(m, KG.post)) in rdf
        assert not set(rdf.predicates(m)) & {URIRef(str(ORG._NS) + "memberDuring")}


def test_export_merged_person_is_one_iri_with_its_evidence(rdf, graph):
    p = URIRef(f"{BASE}person/{ZONE_PX}/刘建中")
    assert set(rdf.objects(p, PROV.wasDerivedFrom)) == {URIRef(f"{BASE}report/{d}") for d in (PX_OCT, PX_JUL)}
    rule = graph.nodes[f"person:{ZONE_PX}/刘建中"]["merge_rule"]
    assert rdf.value(p, KG.resolutionRule) == Literal(rule)
    (evidence,) = [str(e) for e in rdf.objects(p, KG.mergeEvidence)]
    assert evidence.startswith(f"rule: {rule}; zone: {ZONE_PX}; reports: {PX_OCT}, {PX_JUL}")
    assert len(set(rdf.subjects(KG.chair, p))) == 2


def test_export_traditional_and_pinyin_names(rdf, reports):
    traditional_docs = {r.doc_id for r in reports if r.script.startswith("traditional")}
    assert traditional_docs
    p = URIRef(f"{BASE}person/{ZONE_PX}/刘建中")
    alt = {(o.language, str(o)) for o in rdf.objects(p, SCHEMA.alternateName)}
    assert ("zh-Hant", "劉建中") in alt
    pinyin = pytest.importorskip("kg.pinyin")
    assert ("zh-Latn-pinyin", pinyin.pinyin("刘建中")) in alt
    simplified_only = URIRef(f"{BASE}person/上饶经济技术开发区/胡心田")
    assert not [o for o in rdf.objects(simplified_only, SCHEMA.alternateName) if o.language == "zh-Hant"]


def test_export_organizations_are_classified_in_the_concept_scheme(rdf):
    gov = [o for o in rdf.subjects(RDF.type, ORG.Organization) if rdf.value(o, SKOS.prefLabel) == Literal(
        "区政府", lang="zh-Hans")]
    assert gov and rdf.value(gov[0], ORG.classification) == KG.Government
    assert (KG.Government, SKOS.inScheme, KG.OrganizationClassification) in rdf
    labels = set(rdf.objects(KG.Government, SKOS.prefLabel))
    assert labels == {Literal("政府", lang="zh-Hans"), Literal("government", lang="en")}


def test_export_hostile_strings_are_percent_encoded_in_iris(rdf):
    assert iri_segment(HOSTILE_DOC).startswith("%2E%2E%2Fx%20%22引号%22%20%3Cb%3E")
    for term in set(rdf.all_nodes()):
        if isinstance(term, URIRef):
            path = str(term).split("://", 1)[1]
            assert not any(c in path for c in ' "<>{}|\\^`'), term
            assert "/../" not in path and "/./" not in path, term
    person = URIRef(f"{BASE}person/{iri_segment(HOSTILE_ZONE)}/{iri_segment(HOSTILE_NAME)}")
    assert (person, SCHEMA.name, Literal(HOSTILE_NAME, lang="zh-Hans")) in rdf


def test_export_iri_segment_table():
    assert iri_segment("杨博") == "杨博"
    assert iri_segment("a b/c.d%e") == "a%20b%2Fc%2Ed%25e"
    assert iri_segment("..") == "%2E%2E"
    assert iri_segment("《x》") == "%E3%80%8Ax%E3%80%8B"
    assert iri_segment("a_b-c~d") == "a_b-c~d"


def test_export_iris_do_not_depend_on_other_reports(graph, reports, rdf):
    fewer = [r for r in reports if r.doc_id != NOZONE]
    alone = Graph().parse(data=to_turtle(assemble(fewer, resolve(fewer)), fewer, BASE), format="turtle")
    meeting = URIRef(f"{BASE}report/{PX_JUL}/meeting/0")
    assert set(alone.predicate_objects(meeting)) == set(rdf.predicate_objects(meeting))


def test_export_sparql_over_pyoxigraph(files):
    store = pyoxigraph.Store()
    store.load(files["graph.ttl"].encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE)
    rows = list(store.query("""
        PREFIX kg: <https://kg.example.org/ns#>
        PREFIX schema: <https://schema.org/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?name ?date WHERE {
          ?m kg:chair ?p ; schema:location ?z ; schema:startDate ?date .
          ?p schema:name ?name . ?z skos:prefLabel ?zone .
          FILTER(langMatches(lang(?zone), "zh-Hans") && str(?zone) = "萍乡经济技术开发区")
        } ORDER BY ?date"""))
    assert [(r["name"].value, r["date"].value) for r in rows] == [("刘建中", "2022-07-22"), ("刘建中", "2022-10-26")]
    yearless = list(store.query("""
        PREFIX kg: <https://kg.example.org/ns#>
        SELECT (MONTH(?d) AS ?m) (DAY(?d) AS ?day) WHERE { ?e kg:monthDay ?d }"""))
    assert [(r["m"].value, r["day"].value) for r in yearless] == [("10", "26")]


def test_export_outputs_lists_every_file(files, reports):
    expected = {"graph.ttl", "graph.jsonld", "graph.graphml", "graph.json", "persons.csv", "texts/SHA256SUMS"}
    expected |= {text_path(r.doc_id) for r in reports}
    assert set(files) == expected
    assert all(p.startswith("texts/") and "/" not in p[6:] for p in files if p.startswith("texts"))


def test_export_texts_are_exactly_the_normalized_texts_with_checksums(reports, tmp_path):
    texts = text_files(reports)
    for r in reports:
        assert texts[text_path(r.doc_id)] == r.text
    for path, content in texts.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(tmp_path / path, content)
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "texts", capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(reports)


def test_export_persons_csv_rows_are_traceable(files):
    rows = list(csv.DictReader(io.StringIO(files["persons.csv"], newline="")))
    assert tuple(rows[0].keys()) == PERSON_COLUMNS
    assert len(rows) >= 8
    for row in rows:
        text = files[text_path(row["doc_id"])]
        assert text[int(row["start"]):int(row["end"])] == row["quote"], row
        assert row["person_id"].startswith(BASE + "person/") or "/person/" in row["person_id"]
    liu = [r for r in rows if r["person_id"] == f"{BASE}person/{ZONE_PX}/刘建中"]
    assert {r["title"] for r in liu} == {"区党工委副书记", "管委会主任"}
    assert all(r["title"] in r["quote"] and "刘建中" in r["quote"] for r in liu)
    keys = [(r["person_id"], r["date"], r["doc_id"], int(r["start"])) for r in rows]
    assert keys == sorted(keys)


def test_export_outputs_are_deterministic(graph, reports, files):
    shuffled = list(reversed(reports))
    assert outputs(assemble(shuffled, resolve(shuffled)), shuffled, base_iri=BASE) == files


_SUBPROCESS = """
import sys
sys.path[:0] = [{tests!r}, {root!r}]
from reportfactory import all_reports
from kg.assemble import assemble
from kg.export import outputs
from kg.resolve import resolve
rs = all_reports()
files = outputs(assemble(rs, resolve(rs)), rs, base_iri={base!r})
sys.stdout.buffer.write(b"\\0".join(files[k].encode("utf-8") for k in sorted(files)))
"""


def test_export_deterministic_across_hash_seeds(files):
    code = _SUBPROCESS.format(tests=str(ROOT / "tests"), root=str(ROOT), base=BASE)
    expected = b"\0".join(files[k].encode("utf-8") for k in sorted(files))
    # this process runs under its own (random or set) hash seed; the child under another
    seed = "1" if os.environ.get("PYTHONHASHSEED") == "12345" else "12345"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True).stdout
    assert out == expected


def test_export_base_iri_is_validated_and_used(graph, reports):
    for bad in ("not an iri", "http://example.com/kg#", "http://example.com/kg"):
        with pytest.raises(KgError, match="ends with '/'"):
            to_rdf(graph, reports, base_iri=bad)
    text = to_turtle(graph, reports, base_iri="http://example.com/kg/")
    subjects = {q.subject.value for q in pyoxigraph.parse(text.encode(), format=pyoxigraph.RdfFormat.TURTLE)}
    data = {s for s in subjects if not s.startswith(KG._NS)}
    assert data and all(s.startswith("http://example.com/kg/") for s in data)


def test_export_node_link_json_round_trips(graph):
    text = to_node_link_json(graph)
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
    hostile = next(n for n, a in graph.nodes(data=True) if a.get("name") == HOSTILE_NAME)
    assert back.nodes[hostile]["label"] == HOSTILE_NAME
    for u, v, k, a in graph.edges(keys=True, data=True):
        assert back.edges[u, v, k]["quote"] == a["quote"]
        if "order" in a:
            assert back.edges[u, v, k]["order"] == a["order"]


def test_export_graphml_keeps_newlines_and_drops_what_xml_cannot_hold(tmp_path):
    g = nx.MultiDiGraph()
    g.add_node('a "b" <c>', label="line\nbreak\r\n\ttab", bad="x\x01y", flag=True, n=3)
    g.add_edge('a "b" <c>', "z", key="k&k", quote="</script> & \"q\"")
    back = nx.read_graphml(io.BytesIO(to_graphml(g).encode("utf-8")), force_multigraph=True)
    node = back.nodes['a "b" <c>']
    assert node["label"] == "line\nbreak\r\n\ttab" and node["bad"] == "x\ufffdy"
    assert node["flag"] is True and node["n"] == 3
    assert back.edges['a "b" <c>', "z", "k&k"]["quote"] == '</script> & "q"'
    assert to_graphml(g) == to_graphml(g.copy())


def test_export_write_atomic_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.ttl"
    target.write_text("old", encoding="utf-8")
    write_atomic(target, "新\r\n内容")
    assert target.read_bytes() == "新\r\n内容".encode("utf-8")
    write_atomic(tmp_path / "raw.bin", b"\x00\xff")
    assert (tmp_path / "raw.bin").read_bytes() == b"\x00\xff"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl", "raw.bin"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_export_write_atomic_joins_chunks(tmp_path):
    write_atomic(tmp_path / "out.txt", iter(["新", "", "内容\n"] * 3))
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "新内容\n" * 3


def test_export_staged_outputs_replace_nothing_until_commit(tmp_path):
    old = tmp_path / "a.ttl"
    old.write_text("old", encoding="utf-8")
    with StagedOutputs() as staged:
        staged.write(old, "new")
        staged.write(tmp_path / "b.json", iter(["{", "}"]))
        assert old.read_text(encoding="utf-8") == "old" and not (tmp_path / "b.json").exists()
    # left without commit: the old file stays, the temp files go
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ttl"] and old.read_text(encoding="utf-8") == "old"
    with StagedOutputs() as staged:
        staged.write(old, "new")
        staged.write(tmp_path / "b.json", iter(["{", "}"]))
        staged.commit()
    assert old.read_text(encoding="utf-8") == "new" and (tmp_path / "b.json").read_text(encoding="utf-8") == "{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ttl", "b.json"]


def test_export_output_chunks_join_to_the_outputs(graph, reports, files):
    chunked = {path: content if isinstance(content, str) else "".join(content)
               for path, content in output_chunks(graph, reports, base_iri=BASE)}
    assert chunked == files
    assert to_turtle(graph, reports, BASE) == files["graph.ttl"]
    assert to_jsonld(graph, reports, BASE) == files["graph.jsonld"]
    assert to_graphml(graph) == files["graph.graphml"] and to_node_link_json(graph) == files["graph.json"]


def test_export_write_atomic_reports_unwritable_folder(tmp_path):
    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(tmp_path / "missing" / "out.ttl", "x")

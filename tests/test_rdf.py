"""Tests for kg.rdf, kg.turtle and kg.rdf_jsonld: strict parsers on real and adversarial inputs, literals, dates."""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from kg.assemble import assemble
from kg.export import outputs, to_rdf
from kg.pipeline import RunStats, build, extract_reports
from kg.rdf import canonical, date_value, iri, literal, text_path
from kg.rdf_jsonld import jsonld
from kg.resolve import resolve
from kg.turtle import ntriples, turtle
from kg.vocab import SCHEMA

ROOT = Path(__file__).resolve().parent.parent
RAPPER = shutil.which("rapper")
# Strings that break hand-written serializers: quotes, long-string quotes, backslashes, newlines,
# markup, control characters.
NASTY = ('</script>', 'say "hi"', '"""', "''' x '''", "back\\slash", "new\nline", "cr\rlf\r\n", "tab\t",
         "<b>&amp;</b>", "nul-ish \x01\x1f\x7f", "ends with \\", '"', "", "中文“引号”")
# Adversarial report file stems: spaces, quotes, markup, dots, backslashes, Chinese.
STEMS = ('a b', 'q"uote', "<x>", "dots..in..name", "back\\slash", "中文报告", "it's", "<script>&amp;")
REPORT = ("{month}月{day}日上午,经开区召开党工委会议,研究“{word}”工作。区党工委书记杨{given}主持会议并讲话。"
          "区领导王{given}、李{given}出席会议。杨{given}强调,要做好\"{word}\"工作,确保\\落实</script>。")


def _strict_parse(text: str, tmp_path) -> int:
    """Parse Turtle in rdflib, pyoxigraph and (when installed) rapper; all must agree on the count."""
    g = Graph().parse(data=text, format="turtle")
    quads = list(pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(g)
    if RAPPER:
        path = tmp_path / "graph.ttl"
        path.write_text(text, encoding="utf-8")
        run = subprocess.run([RAPPER, "-i", "turtle", "-c", str(path)], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        assert f"returned {len(g)} triples" in run.stderr
    return len(g)


@pytest.fixture(scope="module")
def seed_files(seed_graph, seed_reports):
    return outputs(seed_graph, seed_reports)


@pytest.fixture(scope="module")
def adversarial(tmp_path_factory):
    """Reports with hostile file names and texts, run through the real extraction."""
    folder = tmp_path_factory.mktemp("adversarial")
    for i, stem in enumerate(STEMS):
        word = NASTY[i % len(NASTY)].replace("\r", "").replace("\x01", "").replace("\x1f", "").replace("\x7f", "")
        text = REPORT.format(month=i % 12 + 1, day=i + 1, word=word, given="博伟强"[i % 3] + "明")
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
    reports = sorted(extract_reports([folder], RunStats(), lambda m: None), key=lambda r: r.doc_id)
    return reports, assemble(reports, resolve(reports))


def test_rdf_seed_turtle_passes_strict_parsers(seed_files, tmp_path):
    assert _strict_parse(seed_files["graph.ttl"], tmp_path) > 1000


@pytest.mark.skipif(RAPPER is None, reason="rapper (raptor2-utils) is not installed")
def test_rdf_seed_turtle_passes_rapper(seed_files, tmp_path):
    path = tmp_path / "graph.ttl"
    path.write_text(seed_files["graph.ttl"], encoding="utf-8")
    run = subprocess.run([RAPPER, "-i", "turtle", "-c", str(path)], capture_output=True, text=True)
    assert run.returncode == 0 and "returned" in run.stderr, run.stderr
    assert "error" not in run.stderr.lower() and "warning" not in run.stderr.lower(), run.stderr


def test_rdf_adversarial_reports_give_valid_turtle_and_jsonld(adversarial, tmp_path):
    reports, graph = adversarial
    assert {r.doc_id for r in reports} == set(STEMS)
    files = outputs(graph, reports, base_iri="https://kg.example.org/id/")
    n = _strict_parse(files["graph.ttl"], tmp_path)
    assert n > 100
    rdf = Graph().parse(data=files["graph.ttl"], format="turtle")
    assert isomorphic(rdf, to_rdf(graph, reports))
    assert isomorphic(rdf, Graph().parse(data=files["graph.jsonld"], format="json-ld"))
    ids = {str(o) for o in rdf.objects(None, SCHEMA.identifier)}
    assert ids == set(STEMS)
    for r in reports:
        path = text_path(r.doc_id)
        assert path.startswith("texts/") and "/" not in path[len("texts/"):] and ".." not in path[:-4]
        assert files[path] == r.text


@pytest.mark.parametrize("value", NASTY)
def test_rdf_literal_escaping_round_trips_in_every_parser(value, tmp_path):
    s, p = iri("https://kg.example.org/id/x"), iri("https://schema.org/text")
    rows = [(s, p, literal(value)), (s, p, literal(value, lang="zh-Hans")),
            (s, iri("https://schema.org/name"), literal(value + "!", datatype=str(XSD.string)))]
    text = turtle(rows)
    assert _strict_parse(text, tmp_path) == 3
    g = Graph().parse(data=text, format="turtle")
    assert Literal(value) in set(g.objects(URIRef(s[1:-1]), URIRef(p[1:-1])))
    assert Literal(value, lang="zh-Hans") in set(g.objects(URIRef(s[1:-1]), URIRef(p[1:-1])))
    (q,) = [q for q in pyoxigraph.parse(ntriples(rows).encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
            if q.object.language is None and q.predicate.value.endswith("text")]
    assert q.object.value == value
    back = Graph().parse(data=jsonld(rows), format="json-ld")
    assert isomorphic(back, g)


def test_rdf_writers_are_order_independent():
    s1, s2 = iri("https://kg.example.org/id/a"), iri("https://kg.example.org/id/a#span")
    a, name = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), iri("https://schema.org/name")
    rows = [(s2, name, literal("y")), (s1, name, literal("x")), (s1, a, iri("https://schema.org/Person")),
            (s1, name, literal("x"))]
    assert canonical(rows) == canonical(list(reversed(rows)))
    assert canonical(rows)[0] == (s1, a, iri("https://schema.org/Person"))  # type first, the resource first
    assert turtle(rows) == turtle(reversed(rows)) == turtle(canonical(rows), ordered=True)
    assert jsonld(rows) == jsonld(reversed(rows))
    assert ntriples(rows).count("\n") == 3


@pytest.mark.parametrize("value, expected", [
    ("2024-02-29", ("2024-02-29", str(XSD.date))),
    ("2023-02-29", None),
    ("XXXX-02-29", ("--02-29", str(XSD.gMonthDay))),
    ("XXXX-04-31", None),
    ("2022-1-5", None),
    ("20221005", None),
    ("XXXX-XX-05", None),
])
def test_rdf_date_value(value, expected):
    assert date_value(value) == expected


def test_rdf_no_invalid_date_literal_anywhere(seed_files, adversarial):
    reports, graph = adversarial
    for text in (seed_files["graph.ttl"], outputs(graph, reports)["graph.ttl"]):
        g = Graph().parse(data=text, format="turtle")
        dates = [o for o in g.objects() if isinstance(o, Literal) and o.datatype in (XSD.date, XSD.gMonthDay)]
        assert dates
        for o in dates:
            partial = "XXXX" + str(o)[1:] if o.datatype == XSD.gMonthDay else str(o)
            assert date_value(partial) == (str(o), str(o.datatype)), o
        assert "XXXX" not in text


def test_rdf_build_writes_every_output_byte_identically_twice(tmp_path):
    firsts = {}
    for run in ("one", "two"):
        out = tmp_path / run
        build([ROOT / "seeds"], out, cache=False, jobs=1)
        firsts[run] = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
                       if p.is_file() and ".cache" not in p.parts}
    assert firsts["one"] == firsts["two"]
    names = set(firsts["one"])
    assert {"graph.ttl", "graph.jsonld", "graph.graphml", "graph.json", "persons.csv", "texts/SHA256SUMS",
            "build-report.json"} <= names
    report = json.loads(firsts["one"]["build-report.json"])
    assert report["validation"]["conforms"] is True
    out = tmp_path / "one"
    with open(out / "persons.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) > 20
    for row in rows:
        text = (out / text_path(row["doc_id"])).read_bytes().decode("utf-8")
        assert text[int(row["start"]):int(row["end"])] == row["quote"], row

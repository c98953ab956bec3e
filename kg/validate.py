"""SHACL-check the graph against ontology/shapes.ttl: every node of a small graph, a fixed sample of a large one."""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

import pyoxigraph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from kg.rdf import unescape
from kg.vocab import PREFIXES


def _ontology(name: str) -> Path:
    """ontology/NAME: inside the package once installed (kg/ontology/), else beside it in the source tree."""
    package = Path(__file__).resolve().parent
    installed = package / "ontology" / name
    return installed if installed.is_file() else package.parent / "ontology" / name


SHAPES = _ontology("shapes.ttl")
FULL_LIMIT = 60_000  # triples; above this, validate a sample of focus nodes
SAMPLE_PER_CLASS = 100  # focus nodes per target class on the sampled path
SHOWN = 5  # violations quoted in full
PATH_FULL = "pyshacl (every node)"
PATH_SAMPLE = "pyshacl (sample of focus nodes)"


@dataclass
class Validation:
    """What a SHACL run found: violation count, the first few messages, and which path ran."""

    conforms: bool
    violations: int
    messages: list[str] = field(default_factory=list)
    path: str = PATH_FULL
    triples: int = 0
    focus_nodes: int = 0  # validated
    focus_nodes_total: int = 0  # the graph's nodes that some shape targets
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """The findings for build-report.json; no timing, so equal inputs give equal reports."""
        return {
            "conforms": self.conforms, "violations": self.violations, "first_violations": self.messages,
            "path": self.path, "triples": self.triples, "focus_nodes_validated": self.focus_nodes,
            "focus_nodes_total": self.focus_nodes_total,
        }

    def warnings(self) -> list[str]:
        """Run-report lines: none when the graph conforms."""
        if self.conforms:
            return []
        head = (f"graph.ttl: {self.violations} SHACL violation(s) of ontology/shapes.ttl ({self.path}); "
                "the graph is written, but queries relying on these shapes may miss or double facts")
        return [head, *(f"graph.ttl: {m}" for m in self.messages)]


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def _target_classes(shapes: Graph) -> set[str]:
    return {f"<{c}>" for c in shapes.objects(None, SH.targetClass) if isinstance(c, URIRef)}


def target_classes() -> set[str]:
    """The classes ontology/shapes.ttl targets, as IRI terms (``<iri>``)."""
    return _target_classes(shapes_graph())


def _index(data: str | bytes) -> dict[Any, list[Any]]:
    """subject -> its quads, pyoxigraph terms kept as they are (converting a million to text costs seconds)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    by_subject: dict[Any, list[Any]] = {}
    for q in pyoxigraph.parse(raw, format=pyoxigraph.RdfFormat.TURTLE):
        rows = by_subject.get(q.subject)
        if rows is None:
            by_subject[q.subject] = [q]
        else:
            rows.append(q)
    return by_subject


def _to_rdflib(quads: list[Any]) -> Graph:
    return Graph().parse(data="".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads), format="nt")


def _compact(term: Any) -> str:
    text = str(term)
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns):]}"
    return text


def _results(report: Graph) -> list[str]:
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(r, SH.resultSeverity) != SH.Violation:
            continue
        node = report.value(r, SH.focusNode)
        path = report.value(r, SH.resultPath)
        message = report.value(r, SH.resultMessage) or report.value(r, SH.sourceConstraintComponent)
        value = report.value(r, SH.value)
        line = f"<{node}>" + (f" {_compact(path)}" if path is not None else "") + f": {message}"
        out.append(line + (f" (value {value.n3()})" if value is not None else ""))
    return sorted(out)


def _run(data: Graph, shapes: Graph | None = None, *, inplace: bool = False) -> Graph:
    """pyshacl's report graph; ``inplace``: ``data`` is ours to spend, so pyshacl need not copy it first."""
    import pyshacl

    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes or shapes_graph(), inference="none",
                                                advanced=True, allow_warnings=True, inplace=inplace)
    return report


def _targeting(nodes_by_class: dict[str, list[str]]) -> Graph:
    """The shapes with each sh:targetClass replaced by sh:targetNode of the chosen nodes of that class.

    pyshacl's own focus_nodes option miscounts qualified value shapes, and validating the whole
    neighbourhood would report its cut-off edges; explicit target nodes avoid both.
    """
    shapes = Graph()
    for t in shapes_graph():
        shapes.add(t)
    for shape, cls in list(shapes.subject_objects(SH.targetClass)):
        shapes.remove((shape, SH.targetClass, cls))
        for node in nodes_by_class.get(str(cls), ()):
            shapes.add((shape, SH.targetNode, URIRef(node)))
    return shapes


def validate(data: Graph | str | bytes, *, full_limit: int = FULL_LIMIT,
             sample_per_class: int = SAMPLE_PER_CLASS) -> Validation:
    """Validate a graph (an rdflib Graph, or Turtle text) against ontology/shapes.ttl.

    Up to ``full_limit`` triples every node is checked. Above it, ``sample_per_class`` nodes of each
    targeted class are checked, the same ones on every run (those whose IRI hashes lowest), with their
    neighbours' triples loaded so class constraints can be checked (the neighbours themselves are not
    validated); the result says which path ran.
    """
    started = time.perf_counter()
    targets = _target_classes(shapes_graph())
    if isinstance(data, Graph):
        n_triples = len(data)
        total = len({s for c in targets for s in data.subjects(RDF.type, URIRef(c[1:-1]))})
        if n_triples <= full_limit:
            lines = _results(_run(data))
            return Validation(not lines, len(lines), lines[:SHOWN], PATH_FULL, n_triples, total, total,
                              time.perf_counter() - started)
        data = data.serialize(format="nt")
    by_subject = _index(data)
    n_triples = sum(len(v) for v in by_subject.values())
    rdf_type = pyoxigraph.NamedNode(str(RDF.type))
    target_nodes = {pyoxigraph.NamedNode(c[1:-1]) for c in targets}
    by_class: dict[str, list[Any]] = {}
    for s, quads in by_subject.items():
        for q in quads:
            if q.predicate == rdf_type and q.object in target_nodes:
                by_class.setdefault(q.object.value, []).append(s)
    total = len({s for nodes in by_class.values() for s in nodes})
    if n_triples <= full_limit:
        lines = _results(_run(_to_rdflib([q for quads in by_subject.values() for q in quads])))
        return Validation(not lines, len(lines), lines[:SHOWN], PATH_FULL, n_triples, total, total,
                          time.perf_counter() - started)
    sample: set[Any] = set()
    for cls in sorted(by_class):
        nodes = sorted(by_class[cls], key=lambda s: hashlib.sha256(str(s).encode("utf-8")).digest())
        sample.update(nodes[:sample_per_class])
    chosen = {cls: sorted(s.value for s in nodes if s in sample) for cls, nodes in by_class.items()}
    keep = set(sample)
    for s in sample:
        keep.update(q.object for q in by_subject[s] if q.object in by_subject)
    quads = [q for s in sorted(keep, key=str) for q in by_subject[s]]
    lines = _results(_run(_to_rdflib(quads), _targeting(chosen)))
    return Validation(not lines, len(lines), lines[:SHOWN], PATH_SAMPLE, n_triples, len(sample), total,
                      time.perf_counter() - started)


def validate_triples(rows: Sequence[tuple[str, str, str]], *, full_limit: int = FULL_LIMIT,
                     sample_per_class: int = SAMPLE_PER_CLASS) -> Validation:
    """validate() on kg.rdf.triples (N-Triples term strings, without duplicates) before they are written.

    The same nodes are sampled and the same findings made as validate() makes on their Turtle, but only
    the sampled nodes' triples become rdflib terms, not a million quads.
    """
    started = time.perf_counter()
    targets = _target_classes(shapes_graph())
    rdf_type = f"<{RDF.type}>"
    by_class: dict[str, list[str]] = {}
    for s, p, o in rows:
        if p == rdf_type and o in targets:
            by_class.setdefault(o[1:-1], []).append(s)
    total = len({s for nodes in by_class.values() for s in nodes})
    if len(rows) <= full_limit:
        lines = _results(_run(_nt_to_rdflib(rows), inplace=True))
        return Validation(not lines, len(lines), lines[:SHOWN], PATH_FULL, len(rows), total, total,
                          time.perf_counter() - started)
    sample: set[str] = set()
    for cls in sorted(by_class):
        nodes = sorted(by_class[cls], key=lambda s: hashlib.sha256(s.encode("utf-8")).digest())
        sample.update(nodes[:sample_per_class])
    chosen = {cls: sorted(s[1:-1] for s in nodes if s in sample) for cls, nodes in by_class.items()}
    # the sample's neighbours: objects that are subjects too, found with the neighbours' own triples below
    keep = set(sample)
    keep.update(o for s, _p, o in rows if s in sample and o[0] == "<")
    kept = [row for row in rows if row[0] in keep]
    lines = _results(_run(_nt_to_rdflib(kept), _targeting(chosen), inplace=True))
    return Validation(not lines, len(lines), lines[:SHOWN], PATH_SAMPLE, len(rows), len(sample), total,
                      time.perf_counter() - started)


def validate_sections(entity_rows: Sequence[tuple[str, str, str]], section_rows: Sequence[tuple[str, str, str]],
                      attached: set[str], *, triples: int, focus_nodes_total: int,
                      sample_per_class: int = SAMPLE_PER_CLASS) -> Validation:
    """validate()'s sampled path on a graph written in sections (kg.rdf_sections), from the entity section and a
    sample of whole report sections rather than from every triple.

    Focus nodes are the nodes typed in the sampled sections, and the entities of the entity section they
    refer to that have no triples elsewhere (posts, concepts); ``sample_per_class`` of each class, the same
    ones on every run. An entity that also has triples in other reports' sections (``attached``: persons,
    organizations) is checked with those of the sampled sections only, so a minimum count holds if it holds
    there. The entities they refer to are loaded for their types, and theirs in turn, so every sh:class has
    what it checks. ``triples`` and ``focus_nodes_total`` are the whole graph's counts, for the report.
    """
    started = time.perf_counter()
    targets = _target_classes(shapes_graph())
    rdf_type = f"<{RDF.type}>"
    by_subject: dict[str, list[tuple[str, str, str]]] = {}
    for row in entity_rows:
        by_subject.setdefault(row[0], []).append(row)
    near = {x for s, _p, o in section_rows for x in (s, o) if x in by_subject}
    rows = list(section_rows) + [row for s in sorted(near) for row in by_subject[s]]
    farther = {o for s in near for _s, _p, o in by_subject[s] if o in by_subject} - near
    rows += [row for s in sorted(farther) for row in by_subject[s]]
    subjects = {s for s, _p, _o in section_rows}
    candidates = subjects | (near - attached)
    by_class: dict[str, list[str]] = {}
    for s, p, o in rows:
        if p == rdf_type and o in targets and s in candidates:
            by_class.setdefault(o[1:-1], []).append(s)
    sample: set[str] = set()
    for cls in sorted(by_class):
        nodes = sorted(set(by_class[cls]), key=lambda s: hashlib.sha256(s.encode("utf-8")).digest())
        sample.update(nodes[:sample_per_class])
    chosen = {cls: sorted(s[1:-1] for s in set(nodes) if s in sample) for cls, nodes in by_class.items()}
    lines = _results(_run(_nt_to_rdflib(rows), _targeting(chosen), inplace=True))
    return Validation(not lines, len(lines), lines[:SHOWN], PATH_SAMPLE, triples, len(sample), focus_nodes_total,
                      time.perf_counter() - started)


def _nt_to_rdflib(rows: Iterable[tuple[str, str, str]]) -> Graph:
    """An rdflib Graph of N-Triples term strings, the terms made directly rather than by rdflib's slow parser."""
    g = Graph()
    g.addN((_term(s), _term(p), _term(o), g) for s, p, o in rows)
    return g


@lru_cache(maxsize=1 << 14)
def _iri(value: str) -> URIRef:
    return URIRef(value)


def _term(text: str) -> URIRef | Literal:
    if text[0] == "<":
        return _iri(text[1:-1])
    end = text.rfind('"')
    value = unescape(text[1:end])
    rest = text[end + 1:]
    if rest[:1] == "@":
        return Literal(value, lang=rest[1:])
    if rest[:2] == "^^":
        return Literal(value, datatype=_iri(rest[3:-1]))
    return Literal(value)


__all__ = ["FULL_LIMIT", "SAMPLE_PER_CLASS", "SHAPES", "Validation", "shapes_graph", "target_classes", "validate",
           "validate_sections", "validate_triples"]

"""Write the knowledge graph as Turtle, node-link JSON and GraphML, deterministically."""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Callable, Sequence

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import ORG, PROV, RDF, SKOS, XSD

from kg.errors import E_WRITE, KgError, OutputError
from kg.records import Report
from kg.vocab import DATA_BASE, KG, KG_NS, OA, OA_NS, SCHEMA, SCHEMA_NS

log = logging.getLogger(__name__)

DEFAULT_BASE_IRI = DATA_BASE
LANG = "zh-Hans"
AFFIX_LEN = 32  # characters of context kept as oa:prefix / oa:suffix
PREFIXES = {
    "kg": KG_NS, "schema": SCHEMA_NS, "org": str(ORG), "prov": str(PROV), "oa": OA_NS,
    "skos": str(SKOS), "rdf": str(RDF), "xsd": str(XSD),
}
ROLE_TERMS = {
    "chaired": ("chair", KG.chair, KG.ChairRole),
    "spoke_at": ("speaker", KG.speaker, KG.SpeakerRole),
    "attended": ("attendee", SCHEMA.attendee, KG.AttendeeRole),
}
_FULL_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YEARLESS_DATE = re.compile(r"X{4}-(\d{2})-(\d{2})")


def iri_segment(value: str) -> str:
    """Percent-encode everything but letters, digits and ``-_~``, so a segment never carries ``/ . % <>``."""
    out = []
    for ch in value:
        if ch.isalnum() or ch in "-_~":
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
    return "".join(out)


def date_literal(value: str | None) -> Literal | None:
    """``2022-10-26`` -> xsd:date; ``XXXX-10-26`` -> ``--10-26`` xsd:gMonthDay; anything else -> None."""
    if not value:
        return None
    m = _FULL_DATE.fullmatch(value)
    if m:
        try:
            dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
        return Literal(value, datatype=XSD.date)
    m = _YEARLESS_DATE.fullmatch(value)
    if m:
        month, day = int(m[1]), int(m[2])
        # 2000 is a leap year, so --02-29 is accepted as gMonthDay allows
        if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2000, month)[1]:
            return Literal(f"--{m[1]}-{m[2]}", datatype=XSD.gMonthDay)
    return None


class _Iris:
    """Deterministic IRIs for the graph's nodes, built from their content."""

    def __init__(self, base: str):
        self.base = base

    def report(self, doc_id: str) -> URIRef:
        return URIRef(f"{self.base}report/{iri_segment(doc_id)}")

    def scoped(self, kind: str, attrs: dict[str, Any]) -> URIRef:
        name = iri_segment(attrs["name"])
        if attrs.get("zone"):
            return URIRef(f"{self.base}{kind}/{iri_segment(attrs['zone'])}/{name}")
        return URIRef(f"{self.report(attrs['scope_doc'])}/{kind}/{name}")

    def post(self, person: dict[str, Any], title: str) -> URIRef:
        return self.scoped("post", {**person, "name": title})

    def node(self, attrs: dict[str, Any]) -> URIRef:
        t = attrs["type"]
        if t == "report":
            return self.report(attrs["doc_id"])
        if t in ("meeting", "directive"):
            return URIRef(f"{self.report(attrs['doc_id'])}/{t}/{attrs['index']}")
        if t == "person":
            return self.scoped("person", attrs)
        if t == "organization":
            return self.scoped("org", attrs)
        if t == "zone":
            return URIRef(f"{self.base}zone/{iri_segment(attrs['name'])}")
        if t == "document":
            return URIRef(f"{self.base}work/{iri_segment(attrs['title'])}")
        raise ValueError(f"node type {t!r} has no IRI scheme")


class _RdfBuilder:
    def __init__(self, graph: nx.MultiDiGraph, reports: Sequence[Report], base: str):
        self.nx = graph
        self.texts = {r.doc_id: r.text for r in reports}
        self.iris = _Iris(base)
        self.triples: set[tuple] = set()

    def add(self, s: URIRef, p: URIRef, o: Any) -> None:
        self.triples.add((s, p, o))

    def zh(self, text: str) -> Literal:
        return Literal(text, lang=LANG)

    def derived(self, subject: URIRef, doc_id: str) -> None:
        self.add(subject, PROV.wasDerivedFrom, self.iris.report(doc_id))

    def text_span(self, subject: URIRef, attrs: dict[str, Any]) -> None:
        """Attach the quoted passage as an oa:SpecificResource with position and quote selectors."""
        doc_id, (start, end), quote = attrs["doc_id"], attrs["span"], attrs["quote"]
        text = self.texts.get(doc_id, "")
        sr, pos, q = (URIRef(f"{subject}#{frag}") for frag in ("span", "span-position", "span-quote"))
        self.add(subject, KG.textSpan, sr)
        self.add(sr, RDF.type, OA.SpecificResource)
        self.add(sr, OA.hasSource, self.iris.report(doc_id))
        self.add(sr, OA.hasSelector, pos)
        self.add(sr, OA.hasSelector, q)
        self.add(pos, RDF.type, OA.TextPositionSelector)
        self.add(pos, OA.start, Literal(start, datatype=XSD.nonNegativeInteger))
        self.add(pos, OA.end, Literal(end, datatype=XSD.nonNegativeInteger))
        self.add(q, RDF.type, OA.TextQuoteSelector)
        self.add(q, OA.exact, Literal(quote))
        if text[max(0, start - AFFIX_LEN):start]:
            self.add(q, OA.prefix, Literal(text[max(0, start - AFFIX_LEN):start]))
        if text[end:end + AFFIX_LEN]:
            self.add(q, OA.suffix, Literal(text[end:end + AFFIX_LEN]))

    def build(self) -> Graph:
        handlers: dict[str, Callable[[URIRef, dict[str, Any]], None]] = {
            "report": self.report, "meeting": self.meeting, "person": self.person,
            "organization": self.organization, "zone": self.zone, "directive": self.directive,
            "document": self.document,
        }
        for nid in sorted(self.nx.nodes):
            attrs = self.nx.nodes[nid]
            handlers[attrs["type"]](self.iris.node(attrs), attrs)
        for u, v, key in sorted(self.nx.edges(keys=True)):
            self.edge(u, v, key, self.nx.edges[u, v, key])
        g = Graph(bind_namespaces="none")
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns)
        # a fixed insertion order keeps the output independent of set (hash) order
        for t in sorted(self.triples, key=lambda t: tuple(x.n3() for x in t)):
            g.add(t)
        return g

    def report(self, s: URIRef, a: dict[str, Any]) -> None:
        text = self.texts.get(a["doc_id"], "")
        self.add(s, RDF.type, SCHEMA.NewsArticle)
        self.add(s, SCHEMA.identifier, Literal(a["doc_id"]))
        published = date_literal(a.get("published"))
        if published is not None and published.datatype == XSD.date:
            self.add(s, SCHEMA.datePublished, published)
        self.add(s, KG.script, Literal(a["script"]))
        if a.get("sha256"):
            self.add(s, KG.fileSha256, Literal(a["sha256"]))
        self.add(s, KG.textSha256, Literal(hashlib.sha256(text.encode("utf-8")).hexdigest()))
        self.add(s, KG.textLength, Literal(len(text), datatype=XSD.integer))
        if a.get("extractor"):
            self.add(s, KG.extractor, Literal(a["extractor"]))

    def meeting(self, s: URIRef, a: dict[str, Any]) -> None:
        self.add(s, RDF.type, SCHEMA.Event)
        self.add(s, RDF.type, KG.Visit if a.get("kind") == "visit" else KG.Meeting)
        self.add(s, SCHEMA.name, self.zh(a["name"]))
        date = date_literal(a.get("date"))
        if date is not None:
            self.add(s, SCHEMA.startDate if date.datatype == XSD.date else KG.dateWithoutYear, date)
        elif a.get("date"):
            log.warning("%s: meeting date %r is not YYYY-MM-DD or XXXX-MM-DD; left out", a["doc_id"], a["date"])
        if a.get("time_of_day"):
            self.add(s, KG.partOfDay, self.zh(a["time_of_day"]))
        self.derived(s, a["doc_id"])
        self.text_span(s, a)

    def person(self, s: URIRef, a: dict[str, Any]) -> None:
        self.add(s, RDF.type, SCHEMA.Person)
        self.add(s, SCHEMA.name, self.zh(a["name"]))
        for doc in a["reports"]:
            self.derived(s, doc)
        if a.get("merge_rule"):
            self.add(s, KG.resolutionRule, Literal(a["merge_rule"]))
        for title, doc, date in a["title_sources"]:
            post = self.iris.post(a, title)
            self.add(s, ORG.holds, post)
            self.add(post, RDF.type, KG.Post)
            self.add(post, SKOS.prefLabel, self.zh(title))
            att = URIRef(f"{s}/post/{iri_segment(title)}/{iri_segment(doc)}")
            self.add(att, RDF.type, KG.PostAttestation)
            self.add(att, KG.holder, s)
            self.add(att, KG.post, post)
            self.derived(att, doc)
            on = date_literal(date)
            if on is not None:
                self.add(att, KG.attestedOn, on)

    def organization(self, s: URIRef, a: dict[str, Any]) -> None:
        self.add(s, RDF.type, ORG.Organization)
        self.add(s, SKOS.prefLabel, self.zh(a["name"]))
        self.add(s, KG.organizationKind, Literal(a["kind"]))
        for doc in a["reports"]:
            self.derived(s, doc)

    def zone(self, s: URIRef, a: dict[str, Any]) -> None:
        self.add(s, RDF.type, KG.Zone)
        self.add(s, RDF.type, ORG.Organization)
        self.add(s, SKOS.prefLabel, self.zh(a["name"]))
        for short in a.get("short_names", []):
            self.add(s, SKOS.altLabel, self.zh(short))
        for doc in a["reports"]:
            self.derived(s, doc)
            self.add(self.iris.report(doc), SCHEMA.about, s)

    def document(self, s: URIRef, a: dict[str, Any]) -> None:
        self.add(s, RDF.type, SCHEMA.CreativeWork)
        title = a["title"]
        if len(title) > 2 and title.startswith("《") and title.endswith("》"):
            title = title[1:-1]
        self.add(s, SCHEMA.name, self.zh(title))
        for doc in a["reports"]:
            self.derived(s, doc)

    def directive(self, s: URIRef, a: dict[str, Any]) -> None:
        self.add(s, RDF.type, KG.Directive)
        self.add(s, RDF.type, SCHEMA.Quotation)
        self.add(s, SCHEMA.text, self.zh(a["text"]))
        self.add(s, SCHEMA.isBasedOn, self.iris.report(a["doc_id"]))
        if a.get("collective"):
            self.add(s, KG.collective, Literal(True))
        self.derived(s, a["doc_id"])
        self.text_span(s, a)

    def edge(self, u: str, v: str, relation: str, a: dict[str, Any]) -> None:
        su, sv = self.iris.node(self.nx.nodes[u]), self.iris.node(self.nx.nodes[v])
        if relation in ROLE_TERMS:
            role, prop, role_term = ROLE_TERMS[relation]
            self.add(sv, prop, su)
            p = URIRef(f"{sv}/{role}/{iri_segment(self.nx.nodes[u]['name'])}")
            self.add(p, RDF.type, KG.Participation)
            self.add(p, KG.participant, su)
            self.add(p, KG.inEvent, sv)
            self.add(p, KG.role, role_term)
            self.add(p, KG.listOrder, Literal(a["order"], datatype=XSD.integer))
            if a.get("title"):
                self.add(p, KG.titleAsWritten, self.zh(a["title"]))
            self.derived(p, a["doc_id"])
            self.text_span(p, a)
        elif relation == "issued":
            self.add(sv, SCHEMA.creator, su)
        elif relation == "given_at":
            self.add(su, KG.givenAt, sv)
        elif relation == "organized_by":
            self.add(su, SCHEMA.organizer, sv)
        elif relation == "in_zone":
            self.add(su, KG.inZone, sv)
        elif relation == "mentions":
            target_type = self.nx.nodes[v]["type"]
            self.add(su, SCHEMA.about if target_type == "meeting" else SCHEMA.mentions, sv)
        elif relation == "reported_in":
            self.add(su, SCHEMA.subjectOf, sv)
        else:
            log.warning("edge relation %r has no RDF mapping; left out", relation)


def to_rdf(graph: nx.MultiDiGraph, reports: Sequence[Report], base_iri: str = DEFAULT_BASE_IRI) -> Graph:
    """The knowledge graph as an rdflib Graph, IRIs under ``base_iri``."""
    # IRIs get "#span" fragments appended, so the base must not carry a fragment itself
    if not re.fullmatch(r"[a-z][a-z0-9+.-]*://[^\s<>\"{}|\\^`#]+/", base_iri):
        raise KgError(f"base IRI {base_iri!r}: use an absolute IRI without '#' that ends with '/', "
                      f"e.g. {DEFAULT_BASE_IRI}")
    return _RdfBuilder(graph, reports, base_iri).build()


def serialize_turtle(g: Graph) -> str:
    """Turtle text for an rdflib Graph; the one place to swap in a faster serializer."""
    return g.serialize(format="turtle")


def to_turtle(graph: nx.MultiDiGraph, reports: Sequence[Report], base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The knowledge graph as Turtle, byte-for-byte the same for the same input."""
    return serialize_turtle(to_rdf(graph, reports, base_iri))


def _sorted_node_link(graph: nx.MultiDiGraph) -> dict[str, Any]:
    data = nx.node_link_data(graph, edges="edges")
    data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
    data["edges"] = sorted(data["edges"], key=lambda e: (e["source"], e["target"], str(e.get("key"))))
    return data


def to_node_link_json(graph: nx.MultiDiGraph) -> str:
    """networkx node-link JSON (``edges="edges"``), sorted, UTF-8 text, one attribute per line."""
    return json.dumps(_sorted_node_link(graph), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def to_graphml(graph: nx.MultiDiGraph) -> str:
    """GraphML, with list attributes (spans, sources) written as JSON strings since GraphML has no lists."""

    def flat(attrs: dict[str, Any]) -> dict[str, Any]:
        return {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in sorted(attrs.items())}

    h = nx.MultiDiGraph()
    h.graph.update(flat(graph.graph))
    for n in sorted(graph.nodes):
        h.add_node(n, **flat(graph.nodes[n]))
    for u, v, k in sorted(graph.edges(keys=True)):
        h.add_edge(u, v, key=k, **flat(graph.edges[u, v, k]))
    return "\n".join(nx.generate_graphml(h)) + "\n"


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 text to a temp file in the same folder, then rename it over ``path``."""
    target = Path(path)
    tmp_name = None
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", newline="", dir=target.parent or ".", prefix=f".{target.name}.",
            suffix=".tmp", delete=False,
        ) as f:
            tmp_name = f.name
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        # NamedTemporaryFile creates 0600; give the result the mode a plain open() would
        os.chmod(tmp_name, 0o666 & ~_umask())
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as e:
        raise OutputError(E_WRITE.format(path=target, reason=e.strerror or e)) from e
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


__all__ = [
    "DEFAULT_BASE_IRI", "iri_segment", "date_literal", "to_rdf", "serialize_turtle", "to_turtle",
    "to_node_link_json", "to_graphml", "write_atomic",
]

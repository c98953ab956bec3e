"""Map the networkx graph to RDF triples, as N-Triples term strings, under the vocabulary of ontology/kg.ttl.

Terms are plain strings in N-Triples syntax (``<iri>``, ``"text"@zh-Hans``, ``"1"^^<...#integer>``) so
that a million triples need no per-term objects. triples() gives them all at once (kg.turtle and
kg.rdf_jsonld write such lists, kg.export.to_rdf parses them); kg build writes the same mapping a
report at a time through kg.rdf_sections.
"""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Sequence

import networkx as nx

from kg.errors import E_BASE_IRI, KgError
from kg.pinyin import pinyin
from kg.records import Report
from kg.vocab import DATA_BASE, KG, OA, ORG, PROV, SCHEMA, SKOS, XSD_NS, RDF_NS

log = logging.getLogger(__name__)

Triple = tuple[str, str, str]

DEFAULT_BASE_IRI = DATA_BASE
LANG = "zh-Hans"
LANG_TRADITIONAL = "zh-Hant"
LANG_PINYIN = "zh-Latn-pinyin"
AFFIX_LEN = 32  # characters of context kept as oa:prefix / oa:suffix
TITLE_WINDOW = 60  # characters before a name searched for the title written with it
TRADITIONAL_SCRIPTS = ("traditional", "traditional-pinyin-garbled")
ROLE_RELATIONS = {"chaired": ("chair", KG.chair), "spoke_at": ("speaker", KG.speaker),
                  "attended": ("attendee", SCHEMA.attendee)}
# organization `classification` -> concept, Chinese label, English label
CLASSIFICATIONS = {
    "party": (KG.PartyCommittee, "党委", "party committee"),
    "government": (KG.Government, "政府", "government"),
    "congress": (KG.PeoplesCongress, "人大", "people's congress"),
    "cppcc": (KG.PoliticalConsultativeConference, "政协", "political consultative conference"),
    "committee": (KG.AdministrativeCommittee, "管委会", "administrative committee"),
    "township": (KG.TownshipOrSubdistrict, "乡镇街道", "township or subdistrict"),
    "other": (KG.OtherOrganization, "其他", "other body"),
}
NODE_TYPES = ("report", "meeting", "directive", "person", "organization", "zone", "document")
_BASE_IRI = re.compile(r"[a-z][a-z0-9+.-]*://[^\s<>\"{}|\\^`#]+/")
_FULL_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YEARLESS_DATE = re.compile(r"X{4}-(\d{2})-(\d{2})")

XSD_DATE = XSD_NS + "date"
XSD_GMONTHDAY = XSD_NS + "gMonthDay"
XSD_INTEGER = XSD_NS + "integer"
XSD_NONNEG = XSD_NS + "nonNegativeInteger"
XSD_BOOLEAN = XSD_NS + "boolean"
A = f"<{RDF_NS}type>"

# N-Triples string escapes: the short ones where they exist, \\u for the other control characters.
ESCAPES = {i: f"\\u{i:04X}" for i in [*range(0x20), 0x7F]}
NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')
ESCAPES.update({ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t",
                 ord("\b"): "\\b", ord("\f"): "\\f"})


_SAFE_SEGMENT = re.compile(r"[\w~-]*")  # \w: str.isalnum() characters and "_"


@lru_cache(maxsize=1 << 16)
def iri_segment(value: str) -> str:
    """Percent-encode everything but letters, digits and ``-_~``, so a segment never carries ``/ . % <>``."""
    if _SAFE_SEGMENT.fullmatch(value):
        return value
    out = []
    for ch in value:
        if ch.isalnum() or ch in "-_~":
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))
    return "".join(out)


def iri(value: str) -> str:
    """An IRI term; callers build IRIs from iri_segment, so nothing here needs escaping."""
    return f"<{value}>"


def literal(value: str, *, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal term: plain (xsd:string), language-tagged or typed."""
    text = f'"{value.translate(ESCAPES)}"' if NEEDS_ESCAPE.search(value) else f'"{value}"'
    if lang:
        return f"{text}@{lang}"
    if datatype:
        return f"{text}^^<{datatype}>"
    return text


_UNESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_SHORT = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "\\": "\\", "'": "'"}


def unescape(text: str) -> str:
    """The text of an N-Triples string literal's body: literal()'s escapes undone."""
    def one(m: re.Match) -> str:
        e = m[1]
        return chr(int(e[1:], 16)) if e[0] in "uU" and len(e) > 1 else _SHORT[e]

    return _UNESCAPE.sub(one, text) if "\\" in text else text


@lru_cache(maxsize=1 << 16)
def integer(value: int, datatype: str = XSD_INTEGER) -> str:
    return f'"{int(value)}"^^<{datatype}>'


@lru_cache(maxsize=1 << 12)
def date_value(value: str | None) -> tuple[str, str] | None:
    """``2022-10-26`` -> (it, xsd:date); ``XXXX-10-26`` -> (``--10-26``, xsd:gMonthDay); anything else -> None."""
    if not value:
        return None
    m = _FULL_DATE.fullmatch(value)
    if m:
        try:
            dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
        return value, XSD_DATE
    m = _YEARLESS_DATE.fullmatch(value)
    if m:
        month, day = int(m[1]), int(m[2])
        # 2000 is a leap year, so --02-29 is accepted as gMonthDay allows
        if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2000, month)[1]:
            return f"--{m[1]}-{m[2]}", XSD_GMONTHDAY
    return None


def check_base_iri(base_iri: str) -> str:
    # IRIs get "#span" fragments appended, so the base must not carry a fragment itself
    if not _BASE_IRI.fullmatch(base_iri):
        raise KgError(E_BASE_IRI.format(base=base_iri, default=DEFAULT_BASE_IRI))
    return base_iri


class Iris:
    """Deterministic IRIs built from content (doc_id, names, titles, zone), never from run-wide counters."""

    def __init__(self, base: str):
        self.base = base

    def report(self, doc_id: str) -> str:
        return f"{self.base}report/{iri_segment(doc_id)}"

    def text(self, doc_id: str) -> str:
        return f"{self.base}text/{iri_segment(doc_id)}"

    def scoped(self, kind: str, attrs: dict[str, Any], name: str) -> str:
        if attrs.get("zone"):
            return f"{self.base}{kind}/{iri_segment(attrs['zone'])}/{iri_segment(name)}"
        return f"{self.report(attrs['scope_doc'])}/{kind}/{iri_segment(name)}"

    def post(self, person: dict[str, Any], title: str) -> str:
        return self.scoped("post", person, title)

    def membership(self, person_iri: str, title: str, doc_id: str) -> str:
        return f"{person_iri}/membership/{iri_segment(title)}/{iri_segment(doc_id)}"

    def part(self, report_iri: str, kind: str, index: Any) -> str:
        """The IRI of a meeting or directive: its position within its own report."""
        return f"{report_iri}/{kind}/{index}"

    def role(self, meeting_iri: str, role: str, person_name: str) -> str:
        return f"{meeting_iri}/{role}/{iri_segment(person_name)}"

    def node(self, attrs: dict[str, Any]) -> str:
        """The IRI of a graph node of one of NODE_TYPES."""
        t = attrs["type"]
        if t == "report":
            return self.report(attrs["doc_id"])
        if t in ("meeting", "directive"):
            # the position within its own report: adding other reports never shifts it
            return self.part(self.report(attrs["doc_id"]), t, attrs["index"])
        if t == "person":
            return self.scoped("person", attrs, attrs["name"])
        if t == "organization":
            return self.scoped("org", attrs, attrs["name"])
        if t == "zone":
            return f"{self.base}zone/{iri_segment(attrs['name'])}"
        if t == "document":
            return f"{self.base}work/{iri_segment(attrs['title'])}"
        raise ValueError(f"node type {t!r} has no IRI scheme")


@dataclass(frozen=True)
class Attestation:
    """A report stating that a person held a title on a date, with the passage that says so."""

    title: str
    date: str
    doc_id: str
    start: int
    end: int
    quote: str
    organization: str | None = None  # node id of the organization the title names, when one does


def _title_span(text: str, title: str, name_spans: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """The passage from the title to the name it is written with, e.g. 区党工委副书记、管委会主任刘建中."""
    for start, end in name_spans:
        window_start = max(0, start - TITLE_WINDOW)
        i = text.rfind(title, window_start, start)
        if i != -1:
            return i, end
    i = text.find(title)
    return (i, i + len(title)) if i != -1 else None


def attestations(graph: nx.MultiDiGraph, nid: str, texts: dict[str, str],
                 orgs: dict[str, list[tuple[str, str]]] | None = None) -> list[Attestation]:
    """Every (title, date, report, passage) attested for a person node, in a fixed order.

    Uses the node's ``timeline`` when the resolver provides one, else its ``title_sources`` with the
    passage found in the text; a passage that cannot be found falls back to the person's own mention.
    """
    a = graph.nodes[nid]
    orgs = organizations_by_doc(graph) if orgs is None else orgs
    rows: list[Attestation] = []
    timeline = a.get("timeline")
    if timeline:
        for title, date, doc_id, start, end, quote in timeline:
            text = texts.get(doc_id, "")
            if not (0 <= start <= end <= len(text)) or text[start:end] != quote:
                found = text.find(quote) if quote else -1
                start, end = (found, found + len(quote)) if found != -1 else (0, 0)
            rows.append(Attestation(title, date or "", doc_id, start, end, text[start:end],
                                    _title_organization(title, orgs.get(doc_id, ()))))
    else:
        sources = a.get("sources") or [[a["doc_id"], *a["span"], a["quote"]]]
        for title, doc_id, date in a.get("title_sources", []):
            text = texts.get(doc_id, "")
            name_spans = [(s, e) for d, s, e, _ in sources if d == doc_id]
            span = _title_span(text, title, name_spans) or (name_spans[0] if name_spans else (0, 0))
            rows.append(Attestation(title, date or "", doc_id, span[0], span[1], text[span[0]:span[1]],
                                    _title_organization(title, orgs.get(doc_id, ()))))
    return sorted(set(rows), key=lambda r: (r.date, r.doc_id, r.start, r.end, r.title, r.organization or ""))


def organizations_by_doc(graph: nx.MultiDiGraph) -> dict[str, list[tuple[str, str]]]:
    """doc_id -> (name as a title may write it, node id) of the organizations the report mentions, longest first.

    Titles drop the place: 区党工委书记 is a post of 萍乡经济技术开发区党工委, 市委常委 of 萍乡市委. So
    besides its full name an organization is known by the rest of its name after its zone, alone or
    behind the zone's level character (区, 县, 市).
    """
    by_doc: dict[str, set[tuple[str, str]]] = {}
    for u, v, key in graph.edges(keys=True):
        if key != "mentions" or graph.nodes[v].get("type") != "organization":
            continue
        report, org = graph.nodes[u], graph.nodes[v]
        names = {org["name"]}
        for place in {org.get("zone"), report.get("zone"), report.get("zone_short")} - {None, ""}:
            rest = org["name"].removeprefix(place)
            if rest != org["name"]:
                names |= {n for n in (rest, place[-1] + rest) if len(n) >= 2}
        by_doc.setdefault(report["doc_id"], set()).update((n, v) for n in names)
    return {d: sorted(s, key=lambda o: (-len(o[0]), o)) for d, s in by_doc.items()}


def _title_organization(title: str, orgs: Iterable[tuple[str, str]]) -> str | None:
    for name, nid in orgs:
        if name and name in title:
            return nid
    return None


@lru_cache(maxsize=1)
def _s2t() -> Callable[[str], str]:
    from opencc import OpenCC

    return OpenCC("s2t").convert


# The positions of kg.assemble's merge-evidence rows.
EVIDENCE_FIELDS = ("rule", "zone", "reports", "shared titles", "co-attendees", "dates")


def _evidence_texts(a: dict[str, Any]) -> list[str]:
    """The merge evidence of a person node as readable sentences."""
    out: list[str] = []
    ev = a.get("merge_evidence")
    items = ev if isinstance(ev, list) else [ev] if ev else []
    for item in items:
        if isinstance(item, (list, tuple)):
            fields = zip(EVIDENCE_FIELDS, item)
        elif isinstance(item, dict):
            fields = item.items()
        else:
            out.append(_plain_text(item))
            continue
        out.append("; ".join([f"{k}: {_plain_text(v)}" for k, v in fields if v not in ("", [], ())]))
    if not out and a.get("merge_rule"):
        parts = [f"rule: {a['merge_rule']}"]
        if a.get("merge_zone"):
            parts.append(f"zone: {a['merge_zone']}")
        if a.get("merge_reports"):
            parts.append(f"reports: {', '.join(map(str, a['merge_reports']))}")
        out.append("; ".join(parts))
    return out


def _plain_text(value: Any) -> str:
    if type(value) is str:  # most values, as they are
        return value
    if isinstance(value, (list, tuple)):
        try:
            return ", ".join(value)  # the usual list, of names, joined at once
        except TypeError:
            return ", ".join(_plain_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


# Every term the builder writes, as an N-Triples string built once.
KG_Directive = iri(str(KG.Directive))
KG_Meeting = iri(str(KG.Meeting))
KG_NormalizedText = iri(str(KG.NormalizedText))
KG_OrganizationClassification = iri(str(KG.OrganizationClassification))
KG_Visit = iri(str(KG.Visit))
KG_Zone = iri(str(KG.Zone))
KG_attestedOn = iri(str(KG.attestedOn))
KG_collective = iri(str(KG.collective))
KG_extractor = iri(str(KG.extractor))
KG_fileSha256 = iri(str(KG.fileSha256))
KG_givenAt = iri(str(KG.givenAt))
KG_inEvent = iri(str(KG.inEvent))
KG_inZone = iri(str(KG.inZone))
KG_listOrder = iri(str(KG.listOrder))
KG_mergeEvidence = iri(str(KG.mergeEvidence))
KG_monthDay = iri(str(KG.monthDay))
KG_partOfDay = iri(str(KG.partOfDay))
KG_participant = iri(str(KG.participant))
KG_post = iri(str(KG.post))
KG_resolutionRule = iri(str(KG.resolutionRule))
KG_script = iri(str(KG.script))
KG_textLength = iri(str(KG.textLength))
KG_textSpan = iri(str(KG.textSpan))
KG_titleAsWritten = iri(str(KG.titleAsWritten))
OA_SpecificResource = iri(str(OA.SpecificResource))
OA_TextPositionSelector = iri(str(OA.TextPositionSelector))
OA_TextQuoteSelector = iri(str(OA.TextQuoteSelector))
OA_end = iri(str(OA.end))
OA_exact = iri(str(OA.exact))
OA_hasSelector = iri(str(OA.hasSelector))
OA_hasSource = iri(str(OA.hasSource))
OA_prefix = iri(str(OA.prefix))
OA_start = iri(str(OA.start))
OA_suffix = iri(str(OA.suffix))
ORG_Membership = iri(str(ORG.Membership))
ORG_Organization = iri(str(ORG.Organization))
ORG_Post = iri(str(ORG.Post))
ORG_classification = iri(str(ORG.classification))
ORG_holds = iri(str(ORG.holds))
ORG_member = iri(str(ORG.member))
ORG_organization = iri(str(ORG.organization))
ORG_postIn = iri(str(ORG.postIn))
ORG_subOrganizationOf = iri(str(ORG.subOrganizationOf))
PROV_wasDerivedFrom = iri(str(PROV.wasDerivedFrom))
SCHEMA_CreativeWork = iri(str(SCHEMA.CreativeWork))
SCHEMA_Event = iri(str(SCHEMA.Event))
SCHEMA_MediaObject = iri(str(SCHEMA.MediaObject))
SCHEMA_NewsArticle = iri(str(SCHEMA.NewsArticle))
SCHEMA_Person = iri(str(SCHEMA.Person))
SCHEMA_Quotation = iri(str(SCHEMA.Quotation))
SCHEMA_Role = iri(str(SCHEMA.Role))
SCHEMA_about = iri(str(SCHEMA.about))
SCHEMA_alternateName = iri(str(SCHEMA.alternateName))
SCHEMA_associatedMedia = iri(str(SCHEMA.associatedMedia))
SCHEMA_contentUrl = iri(str(SCHEMA.contentUrl))
SCHEMA_creator = iri(str(SCHEMA.creator))
SCHEMA_datePublished = iri(str(SCHEMA.datePublished))
SCHEMA_encodesCreativeWork = iri(str(SCHEMA.encodesCreativeWork))
SCHEMA_encodingFormat = iri(str(SCHEMA.encodingFormat))
SCHEMA_identifier = iri(str(SCHEMA.identifier))
SCHEMA_isBasedOn = iri(str(SCHEMA.isBasedOn))
SCHEMA_location = iri(str(SCHEMA.location))
SCHEMA_mentions = iri(str(SCHEMA.mentions))
SCHEMA_name = iri(str(SCHEMA.name))
SCHEMA_organizer = iri(str(SCHEMA.organizer))
SCHEMA_roleName = iri(str(SCHEMA.roleName))
SCHEMA_sha256 = iri(str(SCHEMA.sha256))
SCHEMA_startDate = iri(str(SCHEMA.startDate))
SCHEMA_subjectOf = iri(str(SCHEMA.subjectOf))
SCHEMA_text = iri(str(SCHEMA.text))
SKOS_Concept = iri(str(SKOS.Concept))
SKOS_ConceptScheme = iri(str(SKOS.ConceptScheme))
SKOS_altLabel = iri(str(SKOS.altLabel))
SKOS_hasTopConcept = iri(str(SKOS.hasTopConcept))
SKOS_inScheme = iri(str(SKOS.inScheme))
SKOS_prefLabel = iri(str(SKOS.prefLabel))
# relation -> the predicate of the one triple from u to v that an edge maps to, where it needs nothing else
PLAIN_EDGES = {"given_at": KG_givenAt, "organized_by": SCHEMA_organizer, "sub_organization_of": ORG_subOrganizationOf,
               "reported_in": SCHEMA_subjectOf}
# relation -> role name and the predicate from meeting to person
ROLE_TERMS = {relation: (role, iri(str(prop))) for relation, (role, prop) in ROLE_RELATIONS.items()}


class TripleBuilder:
    """The mapping of graph nodes and edges to triples, one add() per triple; kg.rdf_sections routes the same
    handlers into sections."""

    def __init__(self, graph: nx.MultiDiGraph, reports: Sequence[Report], base: str):
        self.mapping_state(graph, reports, base)
        self.out: list[Triple] = []
        self.node_iri: dict[str, str] = {n: iri(self.iris.node(a)) for n, a in graph.nodes(data=True)
                                         if a.get("type") in NODE_TYPES}

    def mapping_state(self, graph: nx.MultiDiGraph, reports: Sequence[Report], base: str) -> None:
        """What the mapping reads and gathers, whatever becomes of the triples it makes."""
        self.nx = graph
        self.texts = {r.doc_id: r.text for r in reports}
        self.iris = Iris(base)
        self.scripts = {a["doc_id"]: a.get("script", "") for _, a in graph.nodes(data=True)
                        if a.get("type") == "report"}
        self.orgs = organizations_by_doc(graph)
        self.gathered()

    def gathered(self) -> None:
        """What the mapping gathers as it goes, empty."""
        self.post_orgs: dict[str, set[str]] = {}
        self.concepts: set[str] = set()
        self.report_iris: dict[str, str] = {}
        self.text_iris: dict[str, str] = {}

    def add(self, s: str, p: str, o: str) -> None:
        self.out.append((s, p, o))

    def node_term(self, nid: str) -> str | None:
        """The IRI term of a graph node, None for a node of no RDF type."""
        return self.node_iri.get(nid)

    # Terms that recur in many triples are made once and shared, which keeps a million triples small.
    def report_iri(self, doc_id: str) -> str:
        out = self.report_iris.get(doc_id)
        if out is None:
            out = self.report_iris[doc_id] = iri(self.iris.report(doc_id))
        return out

    def text_iri(self, doc_id: str) -> str:
        out = self.text_iris.get(doc_id)
        if out is None:
            out = self.text_iris[doc_id] = iri(self.iris.text(doc_id))
        return out

    def zh(self, text: str) -> str:
        return literal(text, lang=LANG)

    def derived(self, s: str, doc_id: str) -> None:
        self.add(s, PROV_wasDerivedFrom, self.report_iri(doc_id))

    def text_span(self, s: str, doc_id: str, start: int, end: int, quote: str | None = None) -> None:
        """Attach the passage as an oa:SpecificResource with position and quote selectors over the text file."""
        text = self.texts.get(doc_id, "")
        frag = f"{iri_segment(doc_id)}-{start}-{end}"
        base = s[1:-1]
        sr, pos, q = f"<{base}#span-{frag}>", f"<{base}#position-{frag}>", f"<{base}#quote-{frag}>"
        add = self.out.append
        add((s, KG_textSpan, sr))
        add((sr, A, OA_SpecificResource))
        add((sr, OA_hasSource, self.text_iri(doc_id)))
        add((sr, OA_hasSelector, pos))
        add((sr, OA_hasSelector, q))
        add((pos, A, OA_TextPositionSelector))
        add((pos, OA_start, integer(start, XSD_NONNEG)))
        add((pos, OA_end, integer(end, XSD_NONNEG)))
        add((q, A, OA_TextQuoteSelector))
        add((q, OA_exact, literal(text[start:end] if text else (quote or ""))))
        if text[max(0, start - AFFIX_LEN):start]:
            add((q, OA_prefix, literal(text[max(0, start - AFFIX_LEN):start])))
        if text[end:end + AFFIX_LEN]:
            add((q, OA_suffix, literal(text[end:end + AFFIX_LEN])))

    def sources(self, s: str, a: dict[str, Any]) -> None:
        """prov:wasDerivedFrom each report and a text span per passage, for nodes drawn from several reports."""
        rows = a.get("sources") or [[a["doc_id"], a["span"][0], a["span"][1], a["quote"]]]
        for doc in sorted({row[0] for row in rows} | set(a.get("reports", ()))):
            self.derived(s, doc)
        for doc_id, start, end, quote in rows:
            self.text_span(s, doc_id, start, end, quote)

    def build(self) -> list[Triple]:
        handlers: dict[str, Callable[[str, str, dict[str, Any]], None]] = {
            "report": self.report, "meeting": self.meeting, "person": self.person,
            "organization": self.organization, "zone": self.zone, "directive": self.directive,
            "document": self.document,
        }
        for nid in sorted(self.nx.nodes):
            attrs = self.nx.nodes[nid]
            handler = handlers.get(attrs.get("type"))
            s = self.node_term(nid)
            if handler is None or s is None:
                log.warning("node %r of type %r has no RDF mapping; left out", nid, attrs.get("type"))
                continue
            handler(nid, s, attrs)
        for u, v, key in sorted(self.nx.edges(keys=True)):
            self.edge(u, v, key, self.nx.edges[u, v, key])
        self.posts_in()
        self.concept_scheme()
        return self.out

    def posts_in(self) -> None:
        for post, orgs in self.post_orgs.items():
            if len(orgs) == 1:  # a post named in different bodies' terms gets no single postIn
                self.add(post, ORG_postIn, next(iter(orgs)))

    def concept_scheme(self) -> None:
        if not self.concepts:
            return
        scheme = KG_OrganizationClassification
        self.add(scheme, A, SKOS_ConceptScheme)
        self.add(scheme, SKOS_prefLabel, literal("机构类别", lang=LANG))
        self.add(scheme, SKOS_prefLabel, literal("organization classification", lang="en"))
        for concept, zh, en in CLASSIFICATIONS.values():
            c = iri(str(concept))
            if c in self.concepts:
                self.add(scheme, SKOS_hasTopConcept, c)
                self.add(c, A, SKOS_Concept)
                self.add(c, SKOS_inScheme, scheme)
                self.add(c, SKOS_prefLabel, literal(zh, lang=LANG))
                self.add(c, SKOS_prefLabel, literal(en, lang="en"))

    def report(self, nid: str, s: str, a: dict[str, Any]) -> None:
        doc_id = a["doc_id"]
        text = self.texts.get(doc_id, "")
        t = self.text_iri(doc_id)
        self.add(s, A, SCHEMA_NewsArticle)
        self.add(s, SCHEMA_identifier, literal(doc_id))
        published = date_value(a.get("published"))
        if published is not None and published[1] == XSD_DATE:
            self.add(s, SCHEMA_datePublished, literal(published[0], datatype=XSD_DATE))
        if a.get("script"):
            self.add(s, KG_script, literal(a["script"]))
        if a.get("sha256"):
            self.add(s, KG_fileSha256, literal(a["sha256"]))
        if a.get("extractor"):
            self.add(s, KG_extractor, literal(a["extractor"]))
        self.add(s, SCHEMA_associatedMedia, t)
        self.add(t, A, SCHEMA_MediaObject)
        self.add(t, A, KG_NormalizedText)
        self.add(t, SCHEMA_encodesCreativeWork, s)
        self.add(t, SCHEMA_encodingFormat, literal("text/plain; charset=utf-8"))
        self.add(t, SCHEMA_contentUrl, literal(text_path(doc_id)))
        self.add(t, SCHEMA_sha256, literal(hashlib.sha256(text.encode("utf-8")).hexdigest()))
        self.add(t, KG_textLength, integer(len(text)))
        self.derived(t, doc_id)

    def meeting(self, nid: str, s: str, a: dict[str, Any]) -> None:
        self.add(s, A, SCHEMA_Event)
        self.add(s, A, KG_Visit if a.get("kind") == "visit" else KG_Meeting)
        self.add(s, SCHEMA_name, self.zh(a.get("name") or a.get("label", "")))
        date = date_value(a.get("date"))
        if date is not None:
            prop = SCHEMA_startDate if date[1] == XSD_DATE else KG_monthDay
            self.add(s, prop, literal(date[0], datatype=date[1]))
        elif a.get("date"):
            log.info("%s: meeting date %r is not YYYY-MM-DD or XXXX-MM-DD; left out", a["doc_id"], a["date"])
        if a.get("time_of_day"):
            self.add(s, KG_partOfDay, self.zh(a["time_of_day"]))
        self.derived(s, a["doc_id"])
        self.text_span(s, a["doc_id"], *a["span"], a.get("quote"))

    def person(self, nid: str, s: str, a: dict[str, Any]) -> None:
        self.person_entity(nid, s, a)
        self.sources(s, a)
        for row in self.posts(nid, s, a):
            self.membership(*row)

    def person_entity(self, nid: str, s: str, a: dict[str, Any]) -> None:
        """What a person node says that no one report does: type, names, how it was resolved."""
        name = a["name"]
        self.add(s, A, SCHEMA_Person)
        self.add(s, SCHEMA_name, self.zh(name))
        docs = set(a.get("reports", ())) | {row[0] for row in a.get("sources", ())} | {a["doc_id"]}
        if any(self.scripts.get(d, "") in TRADITIONAL_SCRIPTS for d in docs):
            self.add(s, SCHEMA_alternateName, literal(_s2t()(name), lang=LANG_TRADITIONAL))
        romanized = pinyin(name)
        if romanized:
            self.add(s, SCHEMA_alternateName, literal(romanized, lang=LANG_PINYIN))
        if a.get("merge_rule"):
            self.add(s, KG_resolutionRule, literal(str(a["merge_rule"])))
        for text in _evidence_texts(a):
            self.add(s, KG_mergeEvidence, literal(text))

    def posts(self, nid: str, s: str, a: dict[str, Any]) -> list[tuple[str, str, str, str, list[Attestation]]]:
        """Add the posts the person holds; return (person, post, title, doc_id, attestations) per membership,
        one for each title a report attests."""
        by_key: dict[tuple[str, str], list[Attestation]] = {}
        for att in attestations(self.nx, nid, self.texts, self.orgs):
            by_key.setdefault((att.title, att.doc_id), []).append(att)
        out = []
        for (title, doc_id), atts in sorted(by_key.items()):
            post = iri(self.iris.post(a, title))
            self.add(s, ORG_holds, post)
            self.add(post, A, ORG_Post)
            self.add(post, SKOS_prefLabel, self.zh(title))
            for att in atts:
                org = self.node_term(att.organization) if att.organization else None
                if org is not None:
                    self.post_orgs.setdefault(post, set()).add(org)
            out.append((s, post, title, doc_id, atts))
        return out

    def membership(self, s: str, post: str, title: str, doc_id: str, atts: list[Attestation]) -> None:
        """The org:Membership by which one report attests that the person holds the post."""
        m = iri(self.iris.membership(s[1:-1], title, doc_id))
        self.add(m, A, ORG_Membership)
        self.add(m, ORG_member, s)
        self.add(m, KG_post, post)
        for att in atts:
            on = date_value(att.date)
            if on is not None:
                self.add(m, KG_attestedOn, literal(on[0], datatype=on[1]))
            org = self.node_term(att.organization) if att.organization else None
            if org is not None:
                self.add(m, ORG_organization, org)
        self.derived(m, doc_id)
        first = atts[0]
        self.text_span(m, doc_id, first.start, first.end, first.quote)

    def organization(self, nid: str, s: str, a: dict[str, Any]) -> None:
        self.add(s, A, ORG_Organization)
        self.add(s, SKOS_prefLabel, self.zh(a["name"]))
        if a.get("classification") in CLASSIFICATIONS:
            concept = iri(str(CLASSIFICATIONS[a["classification"]][0]))
            self.concepts.add(concept)
            self.add(s, ORG_classification, concept)
        self.sources(s, a)

    def zone(self, nid: str, s: str, a: dict[str, Any]) -> None:
        self.add(s, A, KG_Zone)
        self.add(s, A, ORG_Organization)
        self.add(s, SKOS_prefLabel, self.zh(a["name"]))
        for short in a.get("short_names", []):
            self.add(s, SKOS_altLabel, self.zh(short))
        for doc in a.get("reports", []):
            self.about(doc, s)
        self.sources(s, a)

    def about(self, doc_id: str, zone: str) -> None:
        self.add(self.report_iri(doc_id), SCHEMA_about, zone)

    def document(self, nid: str, s: str, a: dict[str, Any]) -> None:
        self.add(s, A, SCHEMA_CreativeWork)
        title = a["title"]
        if len(title) > 2 and title.startswith("《") and title.endswith("》"):
            title = title[1:-1]
        self.add(s, SCHEMA_name, self.zh(title))
        self.sources(s, a)

    def directive(self, nid: str, s: str, a: dict[str, Any]) -> None:
        self.add(s, A, KG_Directive)
        self.add(s, A, SCHEMA_Quotation)
        self.add(s, SCHEMA_text, self.zh(a["text"]))
        self.add(s, SCHEMA_isBasedOn, self.report_iri(a["doc_id"]))
        if a.get("collective"):
            self.add(s, KG_collective, literal("true", datatype=XSD_BOOLEAN))
        self.derived(s, a["doc_id"])
        self.text_span(s, a["doc_id"], *a["span"], a.get("quote"))

    def edge(self, u: str, v: str, relation: str, a: dict[str, Any]) -> None:
        su, sv = self.node_term(u), self.node_term(v)
        if su is None or sv is None:
            return
        prop = PLAIN_EDGES.get(relation)
        if prop is not None:
            self.add(su, prop, sv)
        elif relation == "mentions":
            target_type = self.nx._node[v].get("type")
            self.add(su, SCHEMA_about if target_type == "meeting" else SCHEMA_mentions, sv)
        elif relation == "issued":
            self.add(sv, SCHEMA_creator, su)
        elif relation == "in_zone":
            if self.nx._node[u].get("type") == "meeting":
                self.add(su, SCHEMA_location, sv)
            else:
                self.add(su, KG_inZone, sv)
        elif relation in ROLE_RELATIONS:
            role, prop = ROLE_TERMS[relation]
            self.add(sv, prop, su)
            r = iri(self.iris.role(sv[1:-1], role, self.nx.nodes[u]["name"]))
            self.add(r, A, SCHEMA_Role)
            self.add(r, KG_participant, su)
            self.add(r, KG_inEvent, sv)
            self.add(r, SCHEMA_roleName, literal(role))
            self.add(r, KG_listOrder, integer(a.get("order", 0)))
            if a.get("title"):
                self.add(r, KG_titleAsWritten, self.zh(a["title"]))
            self.derived(r, a["doc_id"])
            self.text_span(r, a["doc_id"], *a["span"], a.get("quote"))
        else:
            log.warning("edge relation %r has no RDF mapping; left out", relation)


TEXT_NAME_MAX = 200  # bytes of a text file's name, below the 255 most file systems allow


def text_path(doc_id: str) -> str:
    """``texts/<doc_id>.txt``, the doc_id percent-encoded as in IRIs (so ``../`` or ``/`` cannot escape)."""
    seg = iri_segment(doc_id)
    if len(seg.encode("utf-8")) > TEXT_NAME_MAX:
        seg = seg[:60] + "-" + hashlib.sha256(doc_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"texts/{seg}.txt"


def triples(graph: nx.MultiDiGraph, reports: Sequence[Report], base_iri: str = DEFAULT_BASE_IRI) -> list[Triple]:
    """The graph's RDF triples as N-Triples term strings, without duplicates, in canonical order."""
    rows = TripleBuilder(graph, reports, check_base_iri(base_iri)).build()
    by_subject = _by_subject(rows)
    rows.clear()  # the groups hold the same tuples; the list of them is a million slots
    return _ordered(by_subject)


def canonical(rows: Iterable[Triple]) -> list[Triple]:
    """Triples without duplicates, grouped by subject (``<x`` before its fragments ``<x#...``), rdf:type
    first in each group, then by predicate and object; the order every writer uses.

    Sorting subjects, then each subject's few triples, is several times faster than sorting a million
    triples by a composite key.
    """
    return _ordered(_by_subject(map(tuple, rows)))


def _by_subject(rows: Iterable[Triple]) -> dict[str, list[Triple]]:
    by_subject: dict[str, list[Triple]] = {}
    get = by_subject.get
    for t in rows:
        group = get(t[0])
        if group is None:
            by_subject[t[0]] = [t]
        else:
            group.append(t)
    return by_subject


def _ordered(by_subject: dict[str, list[Triple]]) -> list[Triple]:
    """The groups' triples in canonical order: the triple tuples themselves, not copies of them."""
    out: list[Triple] = []
    extend = out.extend
    for s in sorted(by_subject, key=_subject_key):
        group = by_subject.pop(s)
        group = sorted(set(group)) if len(group) > 1 else group
        types = [t for t in group if t[1] == A]
        if types and len(types) != len(group):
            group = types + [t for t in group if t[1] != A]
        extend(group)
    return out


def _subject_key(s: str) -> str:
    return s[:-1]


__all__ = [
    "DEFAULT_BASE_IRI", "Attestation", "Iris", "Triple", "TripleBuilder", "attestations", "check_base_iri",
    "date_value", "integer", "iri", "iri_segment", "literal", "unescape", "organizations_by_doc", "text_path", "triples",
]

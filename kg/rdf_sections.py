"""The graph's RDF in sections, each rendered as Turtle and, when asked, as JSON-LD in the same pass.

The first section holds what no single report says: persons' names and resolution, posts,
organizations, zones, works and the concept scheme. Then comes one section per report, in doc_id
order, with everything that report contributes: its article and text, meetings, participations,
directives and memberships, the edges it attests, and every text span over its text, those of
persons and organizations included. A subject may thus appear in several sections, which Turtle
and flattened JSON-LD both allow. Only one section is in memory at a time, so the cost per report
does not grow with the corpus; the shapes that make up most of the graph (text spans, directives,
participations, memberships) are written from one template each rather than triple by triple. The
union of the sections is exactly kg.rdf.triples().
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Collection, Iterator, Sequence

import networkx as nx

from kg.rdf import (
    ESCAPES, NEEDS_ESCAPE, A, AFFIX_LEN, DEFAULT_BASE_IRI, Iris, KG_Directive, KG_attestedOn, KG_collective, KG_givenAt,
    KG_inEvent, KG_listOrder, KG_participant, KG_post, KG_textSpan, KG_titleAsWritten, LANG, NODE_TYPES,
    OA_SpecificResource, OA_TextPositionSelector, OA_TextQuoteSelector, OA_end, OA_exact, OA_hasSelector,
    OA_hasSource, OA_prefix, OA_start, OA_suffix, ORG_Membership, ORG_member, ORG_organization, PROV_wasDerivedFrom,
    ROLE_RELATIONS, ROLE_TERMS, SCHEMA_Quotation, SCHEMA_Role, SCHEMA_about, SCHEMA_creator, SCHEMA_isBasedOn,
    SCHEMA_roleName, SCHEMA_text, XSD_BOOLEAN, XSD_INTEGER, XSD_NONNEG, Attestation, TripleBuilder, check_base_iri,
    date_value, iri, iri_segment, literal,
)
from kg.records import Report
from kg.turtle import Abbreviator
from kg.vocab import PREFIXES

log = logging.getLogger(__name__)

LOCAL_TYPES = frozenset(("report", "meeting", "directive"))  # nodes that belong to one report
ENTITY = ""  # the key of the entity section; doc_ids are never empty

# What an entity adds to a report's section, recorded while the entity section is made: a link to the report, a
# text span, both for all the passages of the report it was drawn from, a zone the report is about, a membership.
_DERIVED, _SPAN, _SOURCES, _ABOUT, _MEMBERSHIP = range(5)


@dataclass
class Rendered:
    """One section as text: Turtle blocks, and JSON-LD node objects each behind ``,\\n``."""

    key: str  # the report's doc_id, or ENTITY
    turtle: str
    jsonld: str
    triples: int
    typed: int  # subjects typed with one of the target classes (any class if none were given)


# A subject's triples rendered whole: (what made them, to make them one by one instead; Turtle; JSON-LD; triples;
# typed; the text span that follows them, as a row of text_span()). A plain tuple: there is one per membership,
# and a named tuple takes several times longer to make.
_Block = tuple


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _lit(value: str) -> str:
    """A plain literal as kg.rdf.literal writes it. Its escapes are all JSON escapes too, so the quoted text is
    also the JSON string of the value."""
    if NEEDS_ESCAPE.search(value) is None:
        return f'"{value}"'
    # replace() is several times faster than translate() for the few characters texts hold (line breaks)
    value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if _CONTROL.search(value) is not None:
        value = _CONTROL.sub(_escape_one, value)
    return f'"{value}"'


def _escape_one(m: re.Match) -> str:
    return ESCAPES[ord(m[0])]


# What makes a text need more escapes in a literal than its line breaks.
_ESCAPE_BUT_LINES = re.compile(r'[\x00-\x09\x0b-\x1f\x7f"\\]')


class _SectionWriter(TripleBuilder):
    """kg.rdf's mapping with each triple routed to its section, and each section rendered in both formats."""

    def __init__(self, graph: nx.MultiDiGraph, reports: Sequence[Report], base: str,
                 prefixes: dict[str, str] = PREFIXES, targets: Collection[str] | None = None, jsonld: bool = True):
        # Not TripleBuilder.__init__, which makes every node's IRI at once; here each is made when first needed.
        self.mapping_state(graph, reports, base)
        self._state(base, prefixes, targets, jsonld)

    @classmethod
    def detached(cls, state: dict[str, Any], texts: dict[str, str] | None = None) -> "_SectionWriter":
        """A writer of reports' sections in another process, from detached_state() of the writer that made the
        entity section; render_input() then renders each report from report_input(). ``texts``: where to find a
        text that an input does not carry; without it, MissingText is raised."""
        self = cls.__new__(cls)
        self.nx = _Detached(state["entities"])
        self.texts, self.iris = _Texts(texts), Iris(state["base"])
        self.scripts, self.orgs = {}, {}  # read by the entity section only
        self.gathered()
        self._state(state["base"], state["prefixes"], state["targets"], state["jsonld"])
        self.entity_terms = state["entity_terms"]
        return self

    def _state(self, base: str, prefixes: dict[str, str], targets: Collection[str] | None, jsonld: bool) -> None:
        # node id -> IRI term: of the entities, kept, and of reports' nodes, forgotten with each section
        self.entity_terms: dict[str, str] = {}
        self.local_terms: dict[str, str] = {}
        self.names: dict[str, str] = {}  # person node id -> name: far fewer persons than graph nodes to look up
        self.local: dict[str, list[tuple[str, dict]]] = {}  # doc_id -> its report, meeting and directive nodes
        self.later: dict[str, list[tuple]] = {}  # doc_id -> what entities add to its section
        self.attached: set[str] = set()  # entities with triples in some report's section
        self.deferring = False
        # the current section: (predicate, object) pairs by subject, text spans by the subject they hang from,
        # and the blocks written from templates
        self.subjects: dict[str, list[tuple[str, str]]] = {}
        self.spans: dict[str, list[tuple]] = {}
        self.blocks: dict[str, _Block] = {}  # subjects rendered whole, put in their place among the others
        self.ttl: list[str] = []
        self.js: list[str] = []
        self.n = self.typed = 0
        self.targets = targets  # classes whose nodes count as typed; None: every class
        self.jsonld = jsonld  # False: Turtle only, the JSON-LD of every section left empty
        self._terms(prefixes, base)

    def _terms(self, prefixes: dict[str, str], base: str) -> None:
        self.prefixes = prefixes
        self.ab = Abbreviator(prefixes)
        self.data = "<" + base
        self.keys: dict[str, str] = {}  # predicate or class -> its JSON-LD key or @type value
        self.predicates: dict[str, str] = {}  # predicate -> the Turtle before its objects, after another's
        ab = self.ab.iri
        self.k = {name: ab(term) for name, term in {
            "span": OA_SpecificResource, "pos": OA_TextPositionSelector, "quote": OA_TextQuoteSelector,
            "selector": OA_hasSelector, "source": OA_hasSource, "start": OA_start, "end": OA_end,
            "exact": OA_exact, "prefix": OA_prefix, "suffix": OA_suffix, "nonneg": f"<{XSD_NONNEG}>",
            "integer": f"<{XSD_INTEGER}>", "boolean": f"<{XSD_BOOLEAN}>", "textSpan": KG_textSpan,
            "derived": PROV_wasDerivedFrom, "Directive": KG_Directive, "Quotation": SCHEMA_Quotation,
            "text": SCHEMA_text, "basedOn": SCHEMA_isBasedOn, "collective": KG_collective, "givenAt": KG_givenAt,
            "creator": SCHEMA_creator, "Role": SCHEMA_Role, "participant": KG_participant, "inEvent": KG_inEvent,
            "roleName": SCHEMA_roleName, "listOrder": KG_listOrder, "title": KG_titleAsWritten,
        }.items()}
        k = self.k
        # the constant pieces of each template's Turtle, in the order its values go between them
        self.span_ttl = (
            f"> a {k['span']} ;\n    {k['selector']} <", "> ,\n        <", f"> ;\n    {k['source']} <", "> .\n\n<",
            f'> a {k["pos"]} ;\n    {k["end"]} "', f'"^^{k["nonneg"]} ;\n    {k["start"]} "',
            f'"^^{k["nonneg"]} .\n\n<', f"> a {k['quote']} ;\n    {k['exact']} ",
            f" ;\n    {k['prefix']} ", f" ;\n    {k['suffix']} ",
        )
        self.directive_ttl = (
            f" a {k['Directive']} ,\n        {k['Quotation']} ;\n    {k['text']} ", f"@{LANG} ;\n    {k['basedOn']} <",
            f"> ;\n    {k['derived']} <", f"> ;\n    {k['textSpan']} <",
            f' ;\n    {k["collective"]} "true"^^{k["boolean"]}', f" ;\n    {k['givenAt']} ", f" ;\n    {k['creator']} ",
        )
        self.entity_ttl = (f" {k['derived']} <", f" ;\n    {k['textSpan']} <", f" {k['textSpan']} <")
        self.role_ttl = (
            f"> a {k['Role']} ;\n    {k['participant']} ", f" ;\n    {k['inEvent']} ", f' ;\n    {k["roleName"]} "',
            f'" ;\n    {k["listOrder"]} "', f'"^^{k["integer"]} ;\n    {k["derived"]} <',
            f"> ;\n    {k['textSpan']} <", f" ;\n    {k['title']} ",
        )
        # and of a span's JSON-LD
        self.span_js = (
            f'", "@type": ["{k["span"]}"], "{k["selector"]}": [{{"@id": "', '"}, {"@id": "',
            f'"}}], "{k["source"]}": [{{"@id": "', '"}]},\n{"@id": "',
            f'", "@type": ["{k["pos"]}"], "{k["end"]}": [{{"@type": "{k["nonneg"]}", "@value": "',
            f'"}}], "{k["start"]}": [{{"@type": "{k["nonneg"]}", "@value": "', '"}]},\n{"@id": "',
            f'", "@type": ["{k["quote"]}"], "{k["exact"]}": [{{"@value": ',
            f', "{k["prefix"]}": [{{"@value": ', f', "{k["suffix"]}": [{{"@value": ',
        )
        counts = (lambda c: self.targets is None or c in self.targets)
        self.typed_span = sum(map(counts, (OA_SpecificResource, OA_TextPositionSelector, OA_TextQuoteSelector)))
        self.typed_directive = int(counts(KG_Directive) or counts(SCHEMA_Quotation))
        self.typed_role = int(counts(SCHEMA_Role))
        self.typed_membership = int(counts(ORG_Membership))
        # a membership's predicates in the order render_subjects() puts them, and the Turtle before each
        self.membership_ttl = [(p, f" ;\n    {ab(p)} ") for p in sorted(
            (KG_attestedOn, KG_post, KG_textSpan, ORG_member, ORG_organization, PROV_wasDerivedFrom))]
        self.membership_type = f" {ab(A)} {ab(ORG_Membership)}"
        self.date_terms: dict[str, str] = {}  # a date's typed literal -> its Turtle; there are a few thousand days
        self.docs_seen: dict[str, tuple[str, str, str, bool, str]] = {}  # doc_id -> doc()

    # --- routing: the mapping's triples into sections ------------------------------------------------------

    def node_term(self, nid: str) -> str | None:
        out = self.entity_terms.get(nid) or self.local_terms.get(nid)
        if out is None:
            a = self.nx._node.get(nid)
            if a is None or a.get("type") not in NODE_TYPES:
                return None
            out = iri(self.iris.node(a))
            (self.local_terms if a["type"] in LOCAL_TYPES else self.entity_terms)[nid] = out
        return out

    def add(self, s: str, p: str, o: str) -> None:
        group = self.subjects.get(s)
        if group is None:
            self.subjects[s] = [(p, o)]
        else:
            group.append((p, o))

    def derived(self, s: str, doc_id: str) -> None:
        if self.deferring:
            self.later.setdefault(doc_id, []).append((_DERIVED, s))
            self.attached.add(s)
        else:
            self.add(s, PROV_wasDerivedFrom, self.report_iri(doc_id))

    def text_span(self, s: str, doc_id: str, start: int, end: int, quote: str | None = None) -> None:
        if self.deferring:
            self.later.setdefault(doc_id, []).append((_SPAN, s, start, end, quote))
            self.attached.add(s)
            return
        base = s[1:-1]
        frag = f"{self.doc(doc_id)[0]}-{start}-{end}"
        self.add(s, KG_textSpan, f"<{base}#span-{frag}>")
        row = (base, doc_id, start, end, quote, frag)
        spans = self.spans.get(s)
        if spans is None:
            self.spans[s] = [row]
        else:
            spans.append(row)

    def sources(self, s: str, a: dict[str, Any]) -> None:
        """kg.rdf's sources, deferred as one record per report: the report's passages, each a text span."""
        if not self.deferring:
            super().sources(s, a)
            return
        rows = a.get("sources") or [[a["doc_id"], a["span"][0], a["span"][1], a["quote"]]]
        spans: dict[str, list[tuple]] = {doc_id: [] for doc_id in a.get("reports", ())}
        for doc_id, start, end, quote in rows:
            passages = spans.get(doc_id)
            if passages is None:
                spans[doc_id] = [(start, end, quote)]
            else:
                passages.append((start, end, quote))
        later = self.later
        for doc_id, passages in spans.items():
            items = later.get(doc_id)
            if items is None:
                later[doc_id] = [(_SOURCES, s, passages)]
            else:
                items.append((_SOURCES, s, passages))
        self.attached.add(s)

    def about(self, doc_id: str, zone: str) -> None:
        self.later.setdefault(doc_id, []).append((_ABOUT, zone))

    def person(self, nid: str, s: str, a: dict[str, Any]) -> None:
        self.person_entity(nid, s, a)
        self.sources(s, a)
        for row in self.posts(nid, s, a):
            self.later.setdefault(row[3], []).append((_MEMBERSHIP, row))

    def doc(self, doc_id: str) -> tuple[str, str, str, bool, str]:
        """(IRI segment, normalized text, text IRI, simple, report IRI) of a report, the IRIs without their angle
        brackets; simple: the text's only character that a literal escapes is the line break."""
        out = self.docs_seen.get(doc_id)
        if out is None:
            text = self.texts.get(doc_id, "")
            simple = _ESCAPE_BUT_LINES.search(text) is None
            out = self.docs_seen[doc_id] = (iri_segment(doc_id), text, self.iris.text(doc_id), simple,
                                            self.iris.report(doc_id))
        return out

    # --- sections ------------------------------------------------------------------------------------------

    def entities(self) -> Rendered:
        """The entity section; records what each entity adds to the reports' sections, for report()."""
        handlers = {"person": self.person, "organization": self.organization, "zone": self.zone,
                    "document": self.document}
        nodes = self.nx._node
        self.deferring = True
        # sorting each report's few nodes apart costs less than sorting all nodes at once
        entities = []
        for nid, a in nodes.items():
            if a.get("type") in LOCAL_TYPES:
                self.local.setdefault(a["doc_id"], []).append((nid, a))
            else:
                entities.append(nid)
        for own in self.local.values():
            own.sort()  # by node id, which tell nodes apart: their attribute dicts are never compared
        entities.sort()
        for nid in entities:
            a = nodes[nid]
            t = a.get("type")
            s = self.node_term(nid)
            if t not in handlers or s is None:
                log.warning("node %r of type %r has no RDF mapping; left out", nid, t)
                continue
            handlers[t](nid, s, a)
        # edges between entities; an edge touching a report's node is in that report's section
        succ = self.nx._succ
        known = set(entities)
        for nid in entities:
            ends = [v for v in succ[nid] if v in known]
            for v in sorted(ends):
                keyed = succ[nid][v]
                for key in sorted(keyed):
                    self.edge(nid, v, key, keyed[key])
        self.posts_in()
        self.concept_scheme()
        self.deferring = False
        return self.flush(ENTITY)

    def doc_ids(self) -> list[str]:
        """The doc_ids of the reports' sections, in order; after entities()."""
        return sorted(self.local.keys() | self.later.keys())

    def report_section(self, doc_id: str) -> Rendered:
        """One report's section, made when asked and then forgotten."""
        self.entity_parts(doc_id)
        report = self.doc(doc_id)[4]
        # networkx's own adjacency dicts: its views cost a call per access, and this is per edge
        succ, pred = self.nx._succ, self.nx._pred
        for nid, a in self.local.pop(doc_id, ()):
            t = a["type"]
            # the IRI of Iris.node, from the report's
            s = self.local_terms[nid] = iri(report if t == "report" else self.iris.part(report, t, a["index"]))
            if t == "directive":
                given, creators, roles = self.node_edges(nid, succ[nid], pred[nid], "given_at", "issued")
                self.directive_block(s, a, given, creators)
            else:
                roles = self.node_edges(nid, succ[nid], pred[nid])[2]
                (self.meeting if t == "meeting" else self.report)(nid, s, a)
            for u, v, key, edge in sorted(roles) if len(roles) > 1 else roles:
                self.role_block(u, v, key, edge)
        self.local_terms = {}
        return self.flush(doc_id)

    # --- a report's section rendered in another process -------------------------------------------------

    def detached_state(self) -> dict[str, Any]:
        """What a detached() writer needs besides each report's input; after entities()."""
        nodes = self.nx._node
        # of an entity, a report's section reads only the type and a person's name; its IRI is in entity_terms
        entities = {nid: {k: a[k] for k in ("type", "name") if k in a} for nid in self.entity_terms
                    for a in (nodes[nid],)}
        return {"base": self.data[1:], "prefixes": dict(self.prefixes), "targets": self.targets, "jsonld": self.jsonld,
                "entity_terms": self.entity_terms, "entities": entities}

    def report_input(self, doc_id: str) -> tuple:
        """Everything report_section(doc_id) reads, as plain data: the report's text, what entities add to its
        section, its nodes with their edges, and the nodes at their other ends that are no entity. Taken from this
        writer, like the section. A section that quotes another report's text (an edge naming another report
        than its node's) is the rare one this is not enough for: see detached()."""
        nodes, succ, pred, entity_terms = self.nx._node, self.nx._succ, self.nx._pred, self.entity_terms
        local = self.local.pop(doc_id, [])
        own = {nid for nid, _a in local}
        adjacency = []
        others: dict[str, dict] = {}
        for nid, _a in local:
            out, into = succ[nid], pred[nid]
            adjacency.append((out, into))
            for ends in (out, into):
                for v in ends:
                    if v not in own and v not in entity_terms and v not in others:
                        others[v] = nodes[v]
        text = self.texts.get(doc_id)
        later = [(item[0], (*item[1][:4], [_attestation_row(att) for att in item[1][4]])) if item[0] == _MEMBERSHIP
                 else item for item in self.later.pop(doc_id, [])]
        return doc_id, {} if text is None else {doc_id: text}, later, local, adjacency, others

    def render_input(self, data: tuple) -> Rendered:
        """report_section() of a report_input() from another process's writer; in a detached() writer."""
        doc_id, texts, later, local, adjacency, others = data
        later = [(item[0], (*item[1][:4], [Attestation(*att) for att in item[1][4]])) if item[0] == _MEMBERSHIP
                 else item for item in later]
        g = self.nx
        nodes, succ, pred = g._node, g._succ, g._pred
        added = [nid for nid in others if nid not in nodes]
        for nid in added:
            nodes[nid] = others[nid]
        for (nid, a), (out, into) in zip(local, adjacency):
            nodes[nid], succ[nid], pred[nid] = a, out, into
            added.append(nid)
        self.texts.update(texts)
        self.local[doc_id] = local
        self.later[doc_id] = later
        try:
            return self.report_section(doc_id)
        finally:  # one report's data at a time
            for nid in added:
                nodes.pop(nid, None)
                succ.pop(nid, None)
                pred.pop(nid, None)
            for cached in (self.texts, self.docs_seen, self.report_iris, self.text_iris):
                cached.pop(doc_id, None)

    def membership(self, s: str, post: str, title: str, doc_id: str, atts: list[Attestation]) -> None:
        """kg.rdf's membership, rendered whole from a template: its IRI names the report, so nothing else in the
        section has it as subject (and should anything, its triples are made one by one again)."""
        m = iri(self.iris.membership(s[1:-1], title, doc_id))
        if m in self.blocks or m in self.subjects:  # two memberships of one IRI: merged as kg.rdf merges them
            self.unblock(m)
            super().membership(s, post, title, doc_id, atts)
            return
        if len(atts) == 1:  # nearly always: one passage attests the title in a report
            on = date_value(atts[0].date)
            dates = [] if on is None else [literal(on[0], datatype=on[1])]
            org = self.node_term(atts[0].organization) if atts[0].organization else None
            orgs = [] if org is None else [org]
        else:
            dates = sorted({literal(on[0], datatype=on[1]) for on in map(date_value, [att.date for att in atts])
                            if on is not None})
            orgs = sorted({self.node_term(att.organization) for att in atts if att.organization} - {None})
        doc = self.doc(doc_id)
        first = atts[0]
        frag = f"{doc[0]}-{first.start}-{first.end}"
        objects = {KG_attestedOn: dates, KG_post: [post], ORG_member: [s], ORG_organization: orgs,
                   PROV_wasDerivedFrom: [f"<{doc[4]}>"], KG_textSpan: [f"<{m[1:-1]}#span-{frag}>"]}
        ttl = [f"\n\n{m}{self.membership_type}"]
        for p, before in self.membership_ttl:
            found = objects[p]
            if found:
                ttl.append(before)
                if p == KG_attestedOn:
                    found = [self.date_term(o) for o in found]
                # all but the dates are data IRIs, written as they are
                ttl.append(found[0] if len(found) == 1 else " ,\n        ".join(found))
        ttl.append(" .")
        js = ""
        if self.jsonld:
            js = self.subject_jsonld(m, [(A, ORG_Membership)] + [(p, o) for p, _ in self.membership_ttl
                                                                 for o in objects[p]])
        span = (m[1:-1], doc_id, first.start, first.end, first.quote, frag)
        self.blocks[m] = ((s, post, title, doc_id, atts), "".join(ttl), js, 5 + len(dates) + len(orgs),
                          self.typed_membership, span)

    def date_term(self, o: str) -> str:
        """term() of a date's typed literal."""
        out = self.date_terms.get(o)
        if out is None:
            out = self.date_terms[o] = self.term(o)
        return out

    def unblock(self, s: str) -> None:
        """Turn a membership rendered whole back into single triples."""
        block = self.blocks.pop(s, None)
        if block is not None:
            super().membership(*block[0])

    def entity_parts(self, doc_id: str) -> None:
        """What the entities recorded for a report's section: their spans, links and memberships."""
        entities: dict[str, list[tuple]] = {}
        for item in self.later.pop(doc_id, ()):
            kind = item[0]
            if kind == _SOURCES or kind == _SPAN or kind == _DERIVED:
                rows = entities.get(item[1])
                if rows is None:
                    entities[item[1]] = [item]
                else:
                    rows.append(item)
            elif kind == _MEMBERSHIP:
                self.membership(*item[1])
            else:
                self.add(self.report_iri(doc_id), SCHEMA_about, item[1])
        for s in sorted(entities, key=_subject_key):
            self.entity_block(s, doc_id, entities[s])

    def node_edges(self, nid: str, out: dict, into: dict, take_out: str | None = None,
                   take_in: str | None = None) -> tuple[list, list, list]:
        """A report's node's edges in its section: those out of it, and those into it from entities.

        Returns the terms at the other end of its ``take_out`` edges and of its ``take_in`` edges, and its
        participations as (u, v, key, attributes); every other edge's triples are added at once, as their order
        does not matter.
        """
        nodes, node_term, edge = self.nx._node, self.node_term, self.edge
        entity_terms, local_terms = self.entity_terms, self.local_terms
        taken_out: list[str | None] = []
        taken_in: list[str | None] = []
        roles: list[tuple[str, str, str, dict]] = []  # (u, v, key) tell them apart: the dicts are never compared
        for v, keyed in out.items():
            for key in keyed:
                if key == take_out:
                    taken_out.append(local_terms.get(v) or node_term(v))
                elif key in ROLE_RELATIONS:
                    roles.append((nid, v, key, keyed[key]))
                else:
                    edge(nid, v, key, keyed[key])
        for u, keyed in into.items():
            # the report's own nodes and the entities have their terms at hand: only another node needs its type
            # looked up
            if u in local_terms:
                continue  # the edge is in u's section
            su = entity_terms.get(u)
            if su is None and nodes[u].get("type") in LOCAL_TYPES:
                continue
            for key in keyed:
                if key == take_in:
                    taken_in.append(su or node_term(u))
                elif key in ROLE_RELATIONS:
                    roles.append((u, nid, key, keyed[key]))
                else:
                    edge(u, nid, key, keyed[key])
        return taken_out, taken_in, roles

    def flush(self, key: str) -> Rendered:
        """The section made so far, rendered; the template blocks follow the subjects of single triples."""
        template_ttl, template_js = self.ttl, self.js
        self.ttl, self.js = [], []
        self.render_subjects()
        self.ttl += template_ttl
        self.js += template_js
        out = Rendered(key, "".join(self.ttl), "".join(self.js), self.n, self.typed)
        self.subjects, self.spans, self.blocks, self.ttl, self.js = {}, {}, {}, [], []
        self.n = self.typed = 0
        return out

    # --- rendering -----------------------------------------------------------------------------------------

    def term(self, o: str) -> str:
        """An object in Turtle: data IRIs as they are, vocabulary IRIs and datatypes prefixed."""
        if o[0] == "<":
            return o if o.startswith(self.data) else self.ab.iri(o)
        if o[-1] == ">":
            lexical, datatype = o.rsplit("^^", 1)
            return f"{lexical}^^{self.ab.iri(datatype)}"
        return o

    def key(self, p: str) -> str:
        out = self.keys.get(p)
        if out is None:
            out = self.keys[p] = self.ab.iri(p).strip("<>")
        return out

    def value(self, o: str) -> str:
        """An object as a JSON-LD value object. An N-Triples string's escapes are all JSON escapes too, so its
        quoted body is already a JSON string."""
        if o[0] == "<":
            return '{"@id": "' + o[1:-1] + '"}'
        end = o.rfind('"') + 1
        if end == len(o):
            return '{"@value": ' + o + "}"
        if o[end] == "@":
            return '{"@language": "' + o[end + 1:] + '", "@value": ' + o[:end] + "}"
        return '{"@type": "' + self.key(o[end + 2:]) + '", "@value": ' + o[:end] + "}"

    def render_subjects(self) -> None:
        """The single triples by subject in code-point order (``a`` first), each subject's text spans after it."""
        targets, blocks = self.targets, self.blocks
        for s in sorted(self.subjects.keys() | blocks.keys() if blocks else self.subjects, key=_subject_key):
            block = blocks.get(s)
            if block is not None:
                if s in self.subjects:
                    self.unblock(s)
                else:
                    self.render_block(block)
                    continue
            pairs = self.subjects[s]
            if len(pairs) > 1:
                pairs = sorted(set(pairs))
                if pairs[0][0] != A and any(p == A for p, _o in pairs):
                    pairs = [t for t in pairs if t[0] == A] + [t for t in pairs if t[0] != A]
            self.n += len(pairs)
            if pairs[0][0] == A and (targets is None or any(p == A and o in targets for p, o in pairs)):
                self.typed += 1
            self.subject_turtle(s, pairs)
            if self.jsonld:
                self.js.append(self.subject_jsonld(s, pairs))
            own = self.spans.get(s)
            if own:
                for base, doc_id, start, end, quote, frag in (sorted(set(own), key=_span_key) if len(own) > 1
                                                              else own):
                    self.span(base, self.doc(doc_id), start, end, quote, frag)

    def render_block(self, block: _Block) -> None:
        """A subject rendered whole, and its text span."""
        _args, ttl, js, triples, typed, (base, doc_id, start, end, quote, frag) = block
        self.ttl.append(ttl)
        if self.jsonld:
            self.js.append(js)
        self.n += triples
        self.typed += typed
        self.span(base, self.doc(doc_id), start, end, quote, frag)

    def subject_turtle(self, s: str, pairs: list[tuple[str, str]]) -> None:
        """A subject's single triples as a Turtle block."""
        ttl, data, term, ab, predicates = self.ttl, self.data, self.term, self.ab.iri, self.predicates
        prev = None
        for p, o in pairs:
            if o[-1] == ">" and not o.startswith(data):  # a vocabulary IRI or a typed literal
                o = term(o)
            if p == prev:
                ttl.append(" ,\n        ")
            elif prev is None:
                ttl.append(f"\n\n{s if s.startswith(data) else ab(s)} {ab(p)} ")
            else:
                after = predicates.get(p)
                if after is None:
                    after = predicates[p] = f" ;\n    {ab(p)} "
                ttl.append(after)
            ttl.append(o)
            prev = p
        ttl.append(" .")

    def subject_jsonld(self, s: str, pairs: list[tuple[str, str]]) -> str:
        """A subject's single triples as a JSON-LD node object."""
        key, value = self.key, self.value
        node = ['{"@id": "', s[1:-1], '"']
        prev = None
        for p, o in pairs:
            if p == prev:
                node.append(f', "{key(o)}"' if p == A else ", " + value(o))
                continue
            if prev is not None:
                node.append("]")
            node.append(f', "@type": ["{key(o)}"' if p == A else f', "{key(p)}": [{value(o)}')
            prev = p
        node.append("]}")
        return ",\n" + "".join(node)

    def span(self, base: str, doc: tuple[str, str, str, bool, str], start: int, end: int, quote: str | None,
             frag: str) -> None:
        """A text span, its position and its quote selector: one template per format. frag: what follows
        ``#span-`` in the span's IRI, as the link to it has it."""
        seg, text, t, simple, _report = doc
        prefix = text[start - AFFIX_LEN if start > AFFIX_LEN else 0:start]
        suffix = text[end:end + AFFIX_LEN]
        c1, c2, c3, c4, c5, c6, c7, c8, prefix_ttl, suffix_ttl = self.span_ttl
        if simple and prefix and suffix:
            # nearly every span: both affixes, and nothing to escape but the line breaks a slice may hold
            exact = text[start:end]
            if "\n" in exact:
                exact = exact.replace("\n", "\\n")
            if "\n" in prefix:
                prefix = prefix.replace("\n", "\\n")
            if "\n" in suffix:
                suffix = suffix.replace("\n", "\\n")
            literals = f'"{exact}"{prefix_ttl}"{prefix}"{suffix_ttl}"{suffix}" .'
            self.n += 11
        else:
            exact = _lit(text[start:end] if text else quote or "")[1:-1]
            prefix = prefix and _lit(prefix)[1:-1]
            suffix = suffix and _lit(suffix)[1:-1]
            # an absent affix leaves out its predicate too
            literals = "".join((f'"{exact}"', f'{prefix_ttl}"{prefix}"' if prefix else "",
                                f'{suffix_ttl}"{suffix}"' if suffix else "", " ."))
            self.n += 9 + bool(prefix) + bool(suffix)
        self.typed += self.typed_span
        # the literals apart: the rest is often ASCII, which a string holds in a byte a character
        self.ttl += (f"\n\n<{base}#span-{frag}{c1}{base}#position-{frag}{c2}{base}#quote-{frag}{c3}{t}{c4}"
                     f"{base}#position-{frag}{c5}{end}{c6}{start}{c7}{base}#quote-{frag}{c8}", literals)
        if self.jsonld:
            self.span_jsonld(base, t, frag, start, end, exact, prefix, suffix)

    def span_jsonld(self, base: str, t: str, frag: str, start: int, end: int, exact: str, prefix: str,
                    suffix: str) -> None:
        """span()'s JSON-LD, from the escaped text of its literals (empty: an absent affix)."""
        j1, j2, j3, j4, j5, j6, j7, j8, prefix_js, suffix_js = self.span_js
        quote = f'"{exact}"}}]'
        if prefix:
            quote = f'{quote}{prefix_js}"{prefix}"}}]'
        if suffix:
            quote = f'{quote}{suffix_js}"{suffix}"}}]'

        self.js.append(f',\n{{"@id": "{base}#span-{frag}{j1}{base}#position-{frag}{j2}{base}#quote-{frag}{j3}{t}{j4}'
                       f"{base}#position-{frag}{j5}{end}{j6}{start}{j7}{base}#quote-{frag}{j8}{quote}}}")

    def directive_block(self, s: str, a: dict[str, Any], given: list, creators: list) -> None:
        """A directive as kg.rdf maps it, with its meetings (kg:givenAt) and speakers (schema:creator), from one
        template per format."""
        if len(given) > 1 or None in given:
            given = sorted(set(given) - {None})
        if len(creators) > 1 or None in creators:
            creators = sorted(set(creators) - {None})
        doc = self.doc(a["doc_id"])
        start, end = a["span"]
        report = doc[4]
        text = _lit(a["text"])
        base = s[1:-1]
        frag = f"{doc[0]}-{start}-{end}"
        sr = f"{base}#span-{frag}"
        collective = bool(a.get("collective"))
        d1, d2, d3, d4, collective_ttl, given_ttl, creator_ttl = self.directive_ttl
        # the text apart: the rest is often ASCII, which a string holds in a byte a character
        self.ttl += (f"\n\n{s}{d1}", text,
                     f"{d2}{report}{d3}{report}{d4}{sr}>{collective_ttl if collective else ''}"
                     f"{given_ttl if given else ''}{_objects(given)}{creator_ttl if creators else ''}"
                     f"{_objects(creators)} .")
        if self.jsonld:
            self.directive_jsonld(base, text, report, sr, collective, given, creators)
        self.n += 6 + collective + len(given) + len(creators)
        self.typed += self.typed_directive
        self.span(base, doc, start, end, a.get("quote"), frag)

    def directive_jsonld(self, base: str, text: str, report: str, sr: str, collective: bool, given: list,
                         creators: list) -> None:
        """directive_block()'s JSON-LD."""
        k = self.k
        js = [f',\n{{"@id": "{base}", "@type": ["{k["Directive"]}", "{k["Quotation"]}"], '
              f'"{k["text"]}": [{{"@language": "{LANG}", "@value": {text}}}], '
              f'"{k["basedOn"]}": [{{"@id": "{report}"}}], '
              f'"{k["derived"]}": [{{"@id": "{report}"}}], "{k["textSpan"]}": [{{"@id": "{sr}"}}]']
        if collective:
            js.append(f', "{k["collective"]}": [{{"@type": "{k["boolean"]}", "@value": "true"}}]')
        for prop, objects in ((k["givenAt"], given), (k["creator"], creators)):
            if objects:
                js.append(f', "{prop}": [' + ", ".join(f'{{"@id": "{o[1:-1]}"}}' for o in objects) + "]")
        js.append("}")
        self.js.append("".join(js))

    def entity_block(self, s: str, doc_id: str, items: list[tuple]) -> None:
        """What a report adds to an entity: prov:wasDerivedFrom the report and a kg:textSpan per passage, with the
        spans, from templates."""
        derived = False
        spans: list[tuple] = []
        for item in items:
            kind = item[0]
            if kind == _SOURCES:
                derived = True
                spans += item[2]
            elif kind == _DERIVED:
                derived = True
            else:
                spans.append(item[2:])
        if len(spans) > 1:
            spans = sorted(set(spans), key=_start_end)
        base = s[1:-1]
        doc = self.doc(doc_id)
        seg, report = doc[0], doc[4]
        frags = [f"{seg}-{start}-{end}" for start, end, _quote in spans]
        links = [f"{base}#span-{frag}" for frag in frags]
        if len(links) > 1:
            links = list(dict.fromkeys(links))  # passages that differ only in their quote
        derived_ttl, links_ttl, first_ttl = self.entity_ttl
        head = f"{derived_ttl}{report}>" if derived else ""
        tail = (links_ttl if derived else first_ttl) + "> ,\n        <".join(links) + ">" if links else ""
        self.ttl.append(f"\n\n{s}{head}{tail} .")
        if self.jsonld:
            self.entity_jsonld(base, report if derived else "", links)
        self.n += derived + len(links)
        for (start, end, quote), frag in zip(spans, frags):
            self.span(base, doc, start, end, quote, frag)

    def entity_jsonld(self, base: str, report: str, links: list[str]) -> None:
        """entity_block()'s JSON-LD; report: empty when the entity has no link to the report."""
        k = self.k
        js = [f',\n{{"@id": "{base}"']
        if report:
            js.append(f', "{k["derived"]}": [{{"@id": "{report}"}}]')
        if links:
            js.append(f', "{k["textSpan"]}": [{{"@id": "' + '"}, {"@id": "'.join(links) + '"}]')
        js.append("}")
        self.js.append("".join(js))

    def role_block(self, u: str, v: str, relation: str, a: dict[str, Any]) -> None:
        """A participation as kg.rdf maps it: the meeting's link to the person, and a schema:Role node written
        from one template per format."""
        # a person and a meeting: their terms at hand
        su = self.entity_terms.get(u) or self.node_term(u)
        sv = self.local_terms.get(v) or self.node_term(v)
        if su is None or sv is None:
            return
        role, prop = ROLE_TERMS[relation]
        self.add(sv, prop, su)
        name = self.names.get(u)
        if name is None:
            name = self.names[u] = self.nx._node[u]["name"]
        r = self.iris.role(sv[1:-1], role, name)
        doc = self.doc(a["doc_id"])
        start, end = a["span"]
        report = doc[4]
        frag = f"{doc[0]}-{start}-{end}"
        sr = f"{r}#span-{frag}"
        order = int(a.get("order", 0))
        title = _lit(a["title"]) if a.get("title") else None
        r1, r2, r3, r4, r5, r6, title_ttl = self.role_ttl
        ttl = f"\n\n<{r}{r1}{su}{r2}{sv}{r3}{role}{r4}{order}{r5}{report}{r6}{sr}>"
        if title is not None:
            ttl = f"{ttl}{title_ttl}{title}@{LANG}"
        self.ttl.append(ttl + " .")
        if self.jsonld:
            self.role_jsonld(r, su, sv, role, order, report, sr, title)
        self.n += 7 + (title is not None)
        self.typed += self.typed_role
        self.span(r, doc, start, end, a.get("quote"), frag)

    def role_jsonld(self, r: str, su: str, sv: str, role: str, order: int, report: str, sr: str,
                    title: str | None) -> None:
        """role_block()'s JSON-LD."""
        k = self.k
        js = (f',\n{{"@id": "{r}", "@type": ["{k["Role"]}"], "{k["participant"]}": [{{"@id": "{su[1:-1]}"}}], '
              f'"{k["inEvent"]}": [{{"@id": "{sv[1:-1]}"}}], "{k["roleName"]}": [{{"@value": "{role}"}}], '
              f'"{k["listOrder"]}": [{{"@type": "{k["integer"]}", "@value": "{order}"}}], '
              f'"{k["derived"]}": [{{"@id": "{report}"}}], "{k["textSpan"]}": [{{"@id": "{sr}"}}]')
        if title is not None:
            js += f', "{k["title"]}": [{{"@language": "{LANG}", "@value": {title}}}]'
        self.js.append(js + "}")

    def turtle_head(self) -> str:
        return "\n".join(f"@prefix {p}: <{ns}> ." for p, ns in self.prefixes.items())

    def jsonld_head(self) -> str:
        return '{"@context": ' + json.dumps(dict(self.prefixes), ensure_ascii=False, sort_keys=True) + ',\n"@graph": ['


class MissingText(LookupError):
    """A detached writer was asked for a report's text that it was not given."""


class _Texts(dict):
    """A detached writer's texts by doc_id: the one report's its input carries, and any other from ``fallback``;
    MissingText for any other without one, rather than the empty text a report without one has."""

    def __init__(self, fallback: dict[str, str] | None):
        super().__init__()
        self.fallback = fallback

    def get(self, doc_id: str, default: Any = None) -> Any:
        if doc_id in self:
            return self[doc_id]
        if self.fallback is None:
            raise MissingText(doc_id)
        return self.fallback.get(doc_id, default)


class _Detached:
    """The parts of a networkx graph that a report's section reads, in a detached writer: the entities' types and
    names, and one report's nodes and edges at a time."""

    def __init__(self, entities: dict[str, dict[str, Any]]):
        self._node: dict[str, dict[str, Any]] = entities
        self.nodes = self._node  # graph.nodes[n] is the node's attributes, as here
        self._succ: dict[str, dict] = {}
        self._pred: dict[str, dict] = {}


def _attestation_row(att: Attestation) -> tuple:
    """An Attestation as plain data, its fields in order."""
    return att.title, att.date, att.doc_id, att.start, att.end, att.quote, att.organization


def _objects(terms: list[str]) -> str:
    """Objects of one predicate in Turtle, after the first's predicate."""
    return terms[0] if len(terms) == 1 else " ,\n        ".join(terms)


def _subject_key(s: str) -> str:
    return s[:-1]  # "<x" before its fragments "<x#..."


def _start_end(row: tuple) -> tuple:
    return row[0], row[1], row[2] or ""


def _span_key(row: tuple) -> tuple:
    return row[2], row[3], row[1], row[0]


class Sections:
    """The graph's sections, rendered one at a time: entities() first, then report() of each of doc_ids()."""

    def __init__(self, graph: nx.MultiDiGraph, reports: Sequence[Report], base_iri: str = DEFAULT_BASE_IRI, *,
                 targets: Collection[str] | None = None, jsonld: bool = True):
        # jsonld=False renders the Turtle alone, every section's JSON-LD left empty
        self.writer = _SectionWriter(graph, reports, check_base_iri(base_iri), targets=targets, jsonld=jsonld)
        self.turtle_head, self.jsonld_head = self.writer.turtle_head(), self.writer.jsonld_head()
        self.turtle_tail, self.jsonld_tail = "\n", "\n]}\n"

    def entities(self) -> Rendered:
        return self.writer.entities()

    def doc_ids(self) -> list[str]:
        """The reports that have a section, in doc_id order; known once entities() has run."""
        return self.writer.doc_ids()

    def report(self, doc_id: str) -> Rendered:
        return self.writer.report_section(doc_id)

    def attached(self) -> set[str]:
        """Entities (IRI terms) with triples in some report's section too."""
        return self.writer.attached

    def detached_state(self) -> dict[str, Any]:
        """What rendering reports' sections in another process needs besides report_input(); after entities()."""
        return self.writer.detached_state()

    def report_input(self, doc_id: str) -> tuple:
        """What rendering report(doc_id) elsewhere reads, as plain data (DetachedSections.report); instead of
        report(doc_id)."""
        return self.writer.report_input(doc_id)

    def detached(self) -> "DetachedSections":
        """A DetachedSections in this process, which finds any text an input does not carry here."""
        return DetachedSections(self.detached_state(), texts=self.writer.texts)

    def rendered(self) -> Iterator[Rendered]:
        """Every section in order, each made only when the one before has been taken."""
        yield self.entities()
        for doc_id in self.doc_ids():
            yield self.report(doc_id)


class DetachedSections:
    """Reports' sections rendered without the graph (in another process, say): the same bytes as
    Sections.report(). ``texts``: every report's text by doc_id, for the rare section that quotes a report its
    input does not carry the text of; without them such a section raises MissingText."""

    def __init__(self, state: dict[str, Any], texts: dict[str, str] | None = None):
        self.writer = _SectionWriter.detached(state, texts)

    def report(self, data: tuple) -> Rendered:
        """The section of the report whose Sections.report_input() ``data`` is."""
        return self.writer.render_input(data)


def turtle_chunks(graph: nx.MultiDiGraph, reports: Sequence[Report],
                  base_iri: str = DEFAULT_BASE_IRI) -> Iterator[str]:
    """graph.ttl in pieces: the prefixes, then a section at a time."""
    sections = Sections(graph, reports, base_iri)
    yield sections.turtle_head
    for part in sections.rendered():
        yield part.turtle
    yield sections.turtle_tail


def jsonld_chunks(graph: nx.MultiDiGraph, reports: Sequence[Report],
                  base_iri: str = DEFAULT_BASE_IRI) -> Iterator[str]:
    """graph.jsonld in pieces: the context, then a section's node objects at a time."""
    sections = Sections(graph, reports, base_iri)
    yield sections.jsonld_head
    first = True
    for part in sections.rendered():
        if first and part.jsonld:
            yield part.jsonld[1:]  # no comma before the first node object
            first = False
        else:
            yield part.jsonld
    yield sections.jsonld_tail


SAMPLE_SECTIONS = 20  # reports' sections validated on a large graph
SAMPLE_MIN_NODES = 10  # nodes of each type the sampled sections should hold, where the graph has them


def sample_docs(graph: nx.MultiDiGraph, doc_ids: Sequence[str], k: int = SAMPLE_SECTIONS,
                min_nodes: int = SAMPLE_MIN_NODES) -> set[str]:
    """The reports whose sections a large graph's SHACL check reads: the ``k`` whose doc_id hashes lowest, then
    more in the same order until each node type is in ``min_nodes`` of them (or in all the reports it is in).
    The same reports on every run."""
    order = sorted(doc_ids, key=lambda d: hashlib.sha256(d.encode("utf-8", "surrogatepass")).digest())
    rank = {d: i for i, d in enumerate(order)}
    chosen = set(order[:k])
    docs_by_type: dict[str, set[str]] = {}
    for _nid, a in graph.nodes(data=True):
        docs = {row[0] for row in a.get("sources") or ()} or {a.get("doc_id")}
        docs_by_type.setdefault(a.get("type"), set()).update(d for d in docs if d in rank)
    for t in sorted(docs_by_type, key=str):
        docs = sorted(docs_by_type[t], key=rank.__getitem__)
        missing = min(min_nodes, len(docs)) - len(chosen.intersection(docs))
        for d in docs:
            if missing <= 0:
                break
            if d not in chosen:
                chosen.add(d)
                missing -= 1
    return chosen




@dataclass
class Tally:
    """What was written: triples, typed nodes, and the Turtle of the sections the SHACL check will read.

    ``keep``: the reports whose sections to keep, None to keep none; every section is kept as long as the
    graph has at most ``full_limit`` triples, which the check then reads whole.
    """

    keep: set[str] | None
    full_limit: int
    triples: int = 0
    typed: int = 0
    kept: dict[str, str] = field(default_factory=dict)

    def add(self, part: Rendered) -> None:
        self.triples += part.triples
        self.typed += part.typed
        if self.keep is None:
            return
        if part.key in self.keep or part.key == ENTITY or self.triples <= self.full_limit:
            self.kept[part.key] = part.turtle
        self.trim()

    def trim(self) -> None:
        """Past ``full_limit`` only the sample is read: drop the other sections kept until then."""
        if self.triples > self.full_limit and self.keep is not None and len(self.kept) > len(self.keep) + 1:
            self.kept = {k: v for k, v in self.kept.items() if k in self.keep or k == ENTITY}


class SectionFiles:
    """The Turtle and JSON-LD files being written (either may be None: not written), or a stretch of their
    sections: every section's text encoded once, no comma before the first JSON-LD node object (``first``: none
    is written yet)."""

    def __init__(self, ttl: BinaryIO | None, js: BinaryIO | None, *, first: bool = True):
        self.ttl, self.js, self.first = ttl, js, first

    def head(self, sections: Sections) -> None:
        for f, text in ((self.ttl, sections.turtle_head), (self.js, sections.jsonld_head)):
            if f is not None:
                f.write(text.encode("utf-8"))

    def tail(self, sections: Sections) -> None:
        for f, text in ((self.ttl, sections.turtle_tail), (self.js, sections.jsonld_tail)):
            if f is not None:
                f.write(text.encode("utf-8"))

    def write(self, part: Rendered) -> None:
        if self.ttl is not None:
            self.ttl.write(part.turtle.encode("utf-8"))
        if self.js is None:
            return
        if self.first and part.jsonld:
            self.js.write(part.jsonld[1:].encode("utf-8"))
            self.first = False
        else:
            self.js.write(part.jsonld.encode("utf-8"))


def write_files(sections: Sections, entity: Rendered, doc_ids: Sequence[str], ttl: BinaryIO | None,
                js: BinaryIO | None, tally: Tally) -> None:
    """Write the graph into the open Turtle and JSON-LD files (None: that one is not written): heads, ``entity``,
    each report's section, tails; in this process (kg.export.write_rdf can share the work with another)."""
    files = SectionFiles(ttl, js)
    files.head(sections)
    files.write(entity)
    tally.add(entity)
    for doc_id in doc_ids:
        part = sections.report(doc_id)
        files.write(part)
        tally.add(part)
    files.tail(sections)


__all__ = ["ENTITY", "LOCAL_TYPES", "SAMPLE_SECTIONS", "DetachedSections", "MissingText", "Rendered", "SectionFiles",
           "Sections", "Tally", "jsonld_chunks", "sample_docs", "turtle_chunks", "write_files"]

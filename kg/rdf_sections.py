"""The graph's RDF in sections, each rendered as Turtle and as JSON-LD in the same pass.

The first section holds what no single report says: persons' names and resolution, posts,
organizations, zones, works and the concept scheme. Then comes one section per report, in doc_id
order, with everything that report contributes: its article and text, meetings, participations,
directives and memberships, the edges it attests, and every text span over its text, those of
persons and organizations included. A subject may thus appear in several sections, which Turtle
and flattened JSON-LD both allow. Only one section is in memory at a time, so the cost per report
does not grow with the corpus; the shapes that make up most of the graph (text spans, directives,
participations) are written from one template each rather than triple by triple. The union of
the sections is exactly kg.rdf.triples().
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Collection, Iterator, Sequence

import networkx as nx

from kg.rdf import (
    ESCAPES, NEEDS_ESCAPE, A, AFFIX_LEN, DEFAULT_BASE_IRI, KG_Directive, KG_collective, KG_givenAt, KG_inEvent,
    KG_listOrder, KG_participant, KG_textSpan, KG_titleAsWritten, LANG, NODE_TYPES, OA_SpecificResource,
    OA_TextPositionSelector, OA_TextQuoteSelector, OA_end, OA_exact, OA_hasSelector, OA_hasSource, OA_prefix,
    OA_start, OA_suffix, PROV_wasDerivedFrom, ROLE_RELATIONS, SCHEMA_Quotation, SCHEMA_Role, SCHEMA_about,
    SCHEMA_creator, SCHEMA_isBasedOn, SCHEMA_roleName, SCHEMA_text, XSD_BOOLEAN, XSD_INTEGER, XSD_NONNEG,
    TripleBuilder, check_base_iri, iri, iri_segment,
)
from kg.records import Report
from kg.turtle import Abbreviator
from kg.vocab import PREFIXES

log = logging.getLogger(__name__)

LOCAL_TYPES = frozenset(("report", "meeting", "directive"))  # nodes that belong to one report
ENTITY = ""  # the key of the entity section; doc_ids are never empty

# What an entity adds to a report's section, recorded while the entity section is made.
_DERIVED, _SPAN, _ABOUT, _MEMBERSHIP = range(4)


@dataclass
class Rendered:
    """One section as text: Turtle blocks, and JSON-LD node objects each behind ``,\\n``."""

    key: str  # the report's doc_id, or ENTITY
    turtle: str
    jsonld: str
    triples: int
    typed: int  # subjects typed with one of the target classes (any class if none were given)


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


def _quoted(value: str) -> str:
    """_lit() of a value known to need no escape."""
    return f'"{value}"'


def _quoted_lines(value: str) -> str:
    """_lit() of a value whose only character to escape is the line break."""
    return '"' + value.replace("\n", "\\n") + '"'


def _escape_one(m: re.Match) -> str:
    return ESCAPES[ord(m[0])]


class _SectionWriter(TripleBuilder):
    """kg.rdf's mapping with each triple routed to its section, and each section rendered in both formats."""

    def __init__(self, graph: nx.MultiDiGraph, reports: Sequence[Report], base: str,
                 prefixes: dict[str, str] = PREFIXES, targets: Collection[str] | None = None):
        # Not TripleBuilder.__init__, which makes every node's IRI at once; here only entities' are kept.
        self.mapping_state(graph, reports, base)
        self.entity_iris: dict[str, str] = {}
        self.local_iris: dict[str, str] = {}  # the current section's own nodes
        self.local: dict[str, list[str]] = {}  # doc_id -> its report, meeting and directive nodes
        self.later: dict[str, list[tuple]] = {}  # doc_id -> what entities add to its section
        self.attached: set[str] = set()  # entities with triples in some report's section
        self.deferring = False
        # the current section: (predicate, object) pairs by subject, text spans by the subject they hang from,
        # and the blocks written from templates
        self.subjects: dict[str, list[tuple[str, str]]] = {}
        self.spans: dict[str, list[tuple]] = {}
        self.ttl: list[str] = []
        self.js: list[str] = []
        self.n = self.typed = 0
        self.targets = targets  # classes whose nodes count as typed; None: every class
        self._terms(prefixes, base)

    def _terms(self, prefixes: dict[str, str], base: str) -> None:
        self.prefixes = prefixes
        self.ab = Abbreviator(prefixes)
        self.data = "<" + base
        self.keys: dict[str, str] = {}  # predicate or class -> its JSON-LD key or @type value
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
        # the constant pieces of a span's text, in the order span() puts them between its values
        self.span_parts = (
            f"> a {k['span']} ;\n    {k['selector']} <", "> ,\n        <", f"> ;\n    {k['source']} <", "> .\n\n<",
            f'> a {k["pos"]} ;\n    {k["end"]} "', f'"^^{k["nonneg"]} ;\n    {k["start"]} "',
            f'"^^{k["nonneg"]} .\n\n<', f"> a {k['quote']} ;\n    {k['exact']} ",
            f'", "@type": ["{k["span"]}"], "{k["selector"]}": [{{"@id": "', '"}, {"@id": "',
            f'"}}], "{k["source"]}": [{{"@id": "', '"}]},\n{"@id": "',
            f'", "@type": ["{k["pos"]}"], "{k["end"]}": [{{"@type": "{k["nonneg"]}", "@value": "',
            f'"}}], "{k["start"]}": [{{"@type": "{k["nonneg"]}", "@value": "', '"}]},\n{"@id": "',
            f'", "@type": ["{k["quote"]}"], "{k["exact"]}": [{{"@value": ',
            f" ;\n    {k['prefix']} ", f" ;\n    {k['suffix']} ",
            f', "{k["prefix"]}": [{{"@value": ', f', "{k["suffix"]}": [{{"@value": ',
        )
        self.role_props = {relation: (role, iri(str(prop))) for relation, (role, prop) in ROLE_RELATIONS.items()}
        counts = (lambda c: self.targets is None or c in self.targets)
        self.typed_span = sum(map(counts, (OA_SpecificResource, OA_TextPositionSelector, OA_TextQuoteSelector)))
        self.typed_directive = int(counts(KG_Directive) or counts(SCHEMA_Quotation))
        self.typed_role = int(counts(SCHEMA_Role))
        self.docs_seen: dict[str, tuple[str, str, str]] = {}  # doc_id -> (IRI segment, text, text IRI)

    # --- routing: the mapping's triples into sections ------------------------------------------------------

    def node_term(self, nid: str) -> str | None:
        out = self.entity_iris.get(nid) or self.local_iris.get(nid)
        if out is None:
            a = self.nx.nodes.get(nid)
            if a is None or a.get("type") not in NODE_TYPES:
                return None
            out = iri(self.iris.node(a))
            (self.local_iris if a["type"] in LOCAL_TYPES else self.entity_iris)[nid] = out
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
        self.add(s, KG_textSpan, f"<{base}#span-{self.doc(doc_id)[0]}-{start}-{end}>")
        row = (base, doc_id, start, end, quote)
        spans = self.spans.get(s)
        if spans is None:
            self.spans[s] = [row]
        else:
            spans.append(row)

    def about(self, doc_id: str, zone: str) -> None:
        self.later.setdefault(doc_id, []).append((_ABOUT, zone))

    def person(self, nid: str, s: str, a: dict[str, Any]) -> None:
        self.person_entity(nid, s, a)
        self.sources(s, a)
        for row in self.posts(nid, s, a):
            self.later.setdefault(row[3], []).append((_MEMBERSHIP, row))

    def doc(self, doc_id: str) -> tuple[str, str, str, int]:
        """(IRI segment, normalized text, text IRI, quoting) of a report; quoting makes the literal of a slice of
        its text, as cheaply as the characters the text holds allow."""
        out = self.docs_seen.get(doc_id)
        if out is None:
            text = self.texts.get(doc_id, "")
            special = set(NEEDS_ESCAPE.findall(text))
            quoting = _quoted if not special else _quoted_lines if special == {"\n"} else _lit
            out = self.docs_seen[doc_id] = (iri_segment(doc_id), text, self.iris.text(doc_id), quoting)
        return out

    # --- sections ------------------------------------------------------------------------------------------

    def entities(self) -> Rendered:
        """The entity section; records what each entity adds to the reports' sections, for report()."""
        handlers = {"person": self.person, "organization": self.organization, "zone": self.zone,
                    "document": self.document}
        nodes = self.nx.nodes
        self.deferring = True
        for nid in sorted(nodes):
            a = nodes[nid]
            t = a.get("type")
            if t in LOCAL_TYPES:
                self.local.setdefault(a["doc_id"], []).append(nid)
                continue
            s = self.node_term(nid)
            if t not in handlers or s is None:
                log.warning("node %r of type %r has no RDF mapping; left out", nid, t)
                continue
            handlers[t](nid, s, a)
        # edges between entities; an edge touching a report's node is in that report's section
        succ = self.nx.succ
        for nid in sorted(nodes):
            if nodes[nid].get("type") in LOCAL_TYPES:
                continue
            for v, keyed in sorted(succ[nid].items()):
                if nodes[v].get("type") not in LOCAL_TYPES:
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
        self.local_iris = {}
        entities: dict[str, list[tuple]] = {}
        for item in self.later.pop(doc_id, ()):
            kind = item[0]
            if kind == _SPAN or kind == _DERIVED:
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
        # networkx's own adjacency dicts: its views cost a call per access, and this is per edge
        nodes, succ, pred = self.nx._node, self.nx._succ, self.nx._pred
        for nid in self.local.pop(doc_id, ()):
            a = nodes[nid]
            s = self.node_term(nid)
            edges = [(nid, v, key) for v, keyed in succ[nid].items() for key in keyed]
            edges += [(u, nid, key) for u, keyed in pred[nid].items()
                      if nodes[u].get("type") not in LOCAL_TYPES for key in keyed]
            edges.sort()
            t = a["type"]
            if t == "directive":
                edges = self.directive_block(nid, s, a, edges)
            elif t == "meeting":
                self.meeting(nid, s, a)
            else:
                self.report(nid, s, a)
            for u, v, key in edges:
                if key in ROLE_RELATIONS:
                    self.role_block(u, v, key, succ[u][v][key])
                else:
                    self.edge(u, v, key, succ[u][v][key])
        return self.flush(doc_id)

    def flush(self, key: str) -> Rendered:
        """The section made so far, rendered; the template blocks follow the subjects of single triples."""
        template_ttl, template_js = self.ttl, self.js
        self.ttl, self.js = [], []
        self.render_subjects()
        self.ttl += template_ttl
        self.js += template_js
        out = Rendered(key, "".join(self.ttl), "".join(self.js), self.n, self.typed)
        self.subjects, self.spans, self.ttl, self.js = {}, {}, [], []
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
        ttl, js = self.ttl, self.js
        term, key, value, ab = self.term, self.key, self.value, self.ab.iri
        for s in sorted(self.subjects, key=_subject_key):
            pairs = self.subjects[s]
            if len(pairs) > 1:
                pairs = sorted(set(pairs))
                if pairs[0][0] != A and any(p == A for p, _o in pairs):
                    pairs = [t for t in pairs if t[0] == A] + [t for t in pairs if t[0] != A]
            self.n += len(pairs)
            subject = s if s.startswith(self.data) else ab(s)
            node = ['{"@id": "', s[1:-1], '"']
            prev = None
            counted = False
            for p, o in pairs:
                if p == A and not counted and (self.targets is None or o in self.targets):
                    self.typed += 1
                    counted = True
                if p == prev:
                    ttl.append(f" ,\n        {term(o)}")
                    node.append(f', "{key(o)}"' if p == A else ", " + value(o))
                    continue
                if prev is None:
                    ttl.append(f"\n\n{subject} {ab(p)} {term(o)}")
                else:
                    ttl.append(f" ;\n    {ab(p)} {term(o)}")
                    node.append("]")
                if p == A:
                    node.append(f', "@type": ["{key(o)}"')
                else:
                    node.append(f', "{key(p)}": [{value(o)}')
                prev = p
            ttl.append(" .")
            node.append("]}")
            js.append(",\n" + "".join(node))
            own = self.spans.get(s)
            if own:
                for row in (sorted(set(own), key=_span_key) if len(own) > 1 else own):
                    self.span(*row)

    def span(self, base: str, doc_id: str, start: int, end: int, quote: str | None) -> None:
        """A text span, its position and its quote selector: one template per format."""
        seg, text, t, quoting = self.doc(doc_id)
        c1, c2, c3, c4, c5, c6, c7, c8, j1, j2, j3, j4, j5, j6, j7, j8, prefix_ttl, suffix_ttl, prefix_js, suffix_js = \
            self.span_parts
        frag = f"{seg}-{start}-{end}"
        prefix = text[start - AFFIX_LEN if start > AFFIX_LEN else 0:start]
        suffix = text[end:end + AFFIX_LEN]
        exact = quoting(text[start:end]) if text else _lit(quote or "")
        quote_ttl, quote_js = exact, exact + "}]"
        n = 9
        if prefix:
            prefix = quoting(prefix)
            quote_ttl = f"{quote_ttl}{prefix_ttl}{prefix}"
            quote_js = f"{quote_js}{prefix_js}{prefix}}}]"
            n += 1
        if suffix:
            suffix = quoting(suffix)
            quote_ttl = f"{quote_ttl}{suffix_ttl}{suffix}"
            quote_js = f"{quote_js}{suffix_js}{suffix}}}]"
            n += 1
        self.n += n
        self.typed += self.typed_span
        self.ttl.append(f"\n\n<{base}#span-{frag}{c1}{base}#position-{frag}{c2}{base}#quote-{frag}{c3}{t}{c4}"
                        f"{base}#position-{frag}{c5}{end}{c6}{start}{c7}{base}#quote-{frag}{c8}{quote_ttl} .")
        self.js.append(f',\n{{"@id": "{base}#span-{frag}{j1}{base}#position-{frag}{j2}{base}#quote-{frag}{j3}{t}{j4}'
                       f"{base}#position-{frag}{j5}{end}{j6}{start}{j7}{base}#quote-{frag}{j8}{quote_js}}}")

    def directive_block(self, nid: str, s: str, a: dict[str, Any], edges: list) -> list:
        """A directive as kg.rdf maps it, with its meeting (kg:givenAt) and speaker (schema:creator), from one
        template per format; returns the directive's other edges."""
        given: list[str] = []
        creators: list[str] = []
        rest = []
        for edge in edges:
            u, v, key = edge
            if key == "given_at" and u == nid:
                given.append(self.node_term(v))
            elif key == "issued" and v == nid:
                creators.append(self.node_term(u))
            else:
                rest.append(edge)
        if len(given) > 1 or None in given:
            given = sorted(set(given) - {None})
        if len(creators) > 1 or None in creators:
            creators = sorted(set(creators) - {None})
        doc_id = a["doc_id"]
        start, end = a["span"]
        k = self.k
        report = self.report_iri(doc_id)[1:-1]
        text = _lit(a["text"])
        base = s[1:-1]
        sr = f"{base}#span-{self.doc(doc_id)[0]}-{start}-{end}"
        ttl = [f"\n\n{s} a {k['Directive']} ,\n        {k['Quotation']} ;\n    {k['text']} {text}@{LANG} ;\n"
               f"    {k['basedOn']} <{report}> ;\n    {k['derived']} <{report}> ;\n    {k['textSpan']} <{sr}>"]
        js = [f',\n{{"@id": "{base}", "@type": ["{k["Directive"]}", "{k["Quotation"]}"], '
              f'"{k["text"]}": [{{"@language": "{LANG}", "@value": {text}}}], '
              f'"{k["basedOn"]}": [{{"@id": "{report}"}}], '
              f'"{k["derived"]}": [{{"@id": "{report}"}}], "{k["textSpan"]}": [{{"@id": "{sr}"}}]']
        n = 6
        if a.get("collective"):
            ttl.append(f' ;\n    {k["collective"]} "true"^^{k["boolean"]}')
            js.append(f', "{k["collective"]}": [{{"@type": "{k["boolean"]}", "@value": "true"}}]')
            n += 1
        for prop, objects in ((k["givenAt"], given), (k["creator"], creators)):
            if objects:
                ttl.append(f" ;\n    {prop} " + " ,\n        ".join(objects))
                js.append(f', "{prop}": [' + ", ".join(f'{{"@id": "{o[1:-1]}"}}' for o in objects) + "]")
                n += len(objects)
        ttl.append(" .")
        js.append("}")
        self.ttl.append("".join(ttl))
        self.js.append("".join(js))
        self.n += n
        self.typed += self.typed_directive
        self.span(base, doc_id, start, end, a.get("quote"))
        return rest

    def entity_block(self, s: str, doc_id: str, items: list[tuple]) -> None:
        """What a report adds to an entity: prov:wasDerivedFrom the report and a kg:textSpan per passage, with the
        spans, from templates."""
        derived = False
        rows = set()
        for item in items:
            if item[0] == _DERIVED:
                derived = True
            else:
                rows.add(item[2:])
        k = self.k
        base = s[1:-1]
        seg = self.doc(doc_id)[0]
        spans = sorted(rows, key=_start_end)
        links = list(dict.fromkeys(f"{base}#span-{seg}-{start}-{end}" for start, end, _quote in spans))
        ttl = [f"\n\n{s}"]
        js = [f',\n{{"@id": "{base}"']
        if derived:
            report = self.report_iri(doc_id)[1:-1]
            ttl.append(f" {k['derived']} <{report}>")
            js.append(f', "{k["derived"]}": [{{"@id": "{report}"}}]')
        if links:
            ttl.append(f" ;\n    {k['textSpan']} <" if derived else f" {k['textSpan']} <")
            ttl.append("> ,\n        <".join(links))
            ttl.append(">")
            js.append(f', "{k["textSpan"]}": [{{"@id": "' + '"}, {"@id": "'.join(links) + '"}]')
        ttl.append(" .")
        js.append("}")
        self.ttl.append("".join(ttl))
        self.js.append("".join(js))
        self.n += derived + len(links)
        for start, end, quote in spans:
            self.span(base, doc_id, start, end, quote)

    def role_block(self, u: str, v: str, relation: str, a: dict[str, Any]) -> None:
        """A participation as kg.rdf maps it: the meeting's link to the person, and a schema:Role node written
        from one template per format."""
        su, sv = self.node_term(u), self.node_term(v)
        if su is None or sv is None:
            return
        role, prop = self.role_props[relation]
        self.add(sv, prop, su)
        k = self.k
        r = self.iris.role(sv[1:-1], role, self.nx.nodes[u]["name"])
        doc_id = a["doc_id"]
        start, end = a["span"]
        report = self.report_iri(doc_id)[1:-1]
        sr = f"{r}#span-{self.doc(doc_id)[0]}-{start}-{end}"
        order = int(a.get("order", 0))
        ttl = (f"\n\n<{r}> a {k['Role']} ;\n    {k['participant']} {su} ;\n    {k['inEvent']} {sv} ;\n"
               f'    {k["roleName"]} "{role}" ;\n    {k["listOrder"]} "{order}"^^{k["integer"]} ;\n'
               f"    {k['derived']} <{report}> ;\n    {k['textSpan']} <{sr}>")
        js = (f',\n{{"@id": "{r}", "@type": ["{k["Role"]}"], "{k["participant"]}": [{{"@id": "{su[1:-1]}"}}], '
              f'"{k["inEvent"]}": [{{"@id": "{sv[1:-1]}"}}], "{k["roleName"]}": [{{"@value": "{role}"}}], '
              f'"{k["listOrder"]}": [{{"@type": "{k["integer"]}", "@value": "{order}"}}], '
              f'"{k["derived"]}": [{{"@id": "{report}"}}], "{k["textSpan"]}": [{{"@id": "{sr}"}}]')
        self.n += 7
        if a.get("title"):
            title = _lit(a["title"])
            ttl += f" ;\n    {k['title']} {title}@{LANG}"
            js += f', "{k["title"]}": [{{"@language": "{LANG}", "@value": {title}}}]'
            self.n += 1
        self.ttl.append(ttl + " .")
        self.js.append(js + "}")
        self.typed += self.typed_role
        self.span(r, doc_id, start, end, a.get("quote"))

    def turtle_head(self) -> str:
        return "\n".join(f"@prefix {p}: <{ns}> ." for p, ns in self.prefixes.items())

    def jsonld_head(self) -> str:
        return '{"@context": ' + json.dumps(dict(self.prefixes), ensure_ascii=False, sort_keys=True) + ',\n"@graph": ['


def _subject_key(s: str) -> str:
    return s[:-1]  # "<x" before its fragments "<x#..."


def _start_end(row: tuple) -> tuple:
    return row[0], row[1], row[2] or ""


def _span_key(row: tuple) -> tuple:
    return row[2], row[3], row[1], row[0]


class Sections:
    """The graph's sections, rendered one at a time: entities() first, then report() of each of doc_ids()."""

    def __init__(self, graph: nx.MultiDiGraph, reports: Sequence[Report], base_iri: str = DEFAULT_BASE_IRI, *,
                 targets: Collection[str] | None = None):
        self.writer = _SectionWriter(graph, reports, check_base_iri(base_iri), targets=targets)
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

    def rendered(self) -> Iterator[Rendered]:
        """Every section in order, each made only when the one before has been taken."""
        yield self.entities()
        for doc_id in self.doc_ids():
            yield self.report(doc_id)


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




PARALLEL_MIN_REPORTS = 400  # fewer reports than this are written in one process: forking would cost more


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
        self._trim()

    def merge(self, other: "Tally") -> None:
        self.triples += other.triples
        self.typed += other.typed
        self.kept.update(other.kept)
        self._trim()

    def _trim(self) -> None:
        """Past ``full_limit`` only the sample is read: drop the other sections kept until then."""
        if self.triples > self.full_limit and self.keep is not None and len(self.kept) > len(self.keep) + 1:
            self.kept = {k: v for k, v in self.kept.items() if k in self.keep or k == ENTITY}


class _Files:
    """The Turtle and JSON-LD files being written: every section's text encoded once, no comma before the
    first JSON-LD node object."""

    def __init__(self, ttl: BinaryIO, js: BinaryIO, *, first: bool = True):
        self.ttl, self.js, self.first = ttl, js, first

    def write(self, part: Rendered) -> None:
        self.ttl.write(part.turtle.encode("utf-8"))
        if self.first and part.jsonld:
            self.js.write(part.jsonld[1:].encode("utf-8"))
            self.first = False
        else:
            self.js.write(part.jsonld.encode("utf-8"))

    def append(self, ttl_path: str, js_path: str) -> None:
        """Add a worker's files, in the kernel where it can copy without reading them into this process."""
        _append(self.ttl, ttl_path, 0)
        skip = 1 if self.first and os.path.getsize(js_path) else 0  # the comma before its first node object
        _append(self.js, js_path, skip)
        self.first = self.first and not skip


def _append(dst: BinaryIO, path: str, skip: int) -> None:
    dst.flush()
    with open(path, "rb") as src:
        left = os.fstat(src.fileno()).st_size - skip
        offset = skip
        copy = getattr(os, "copy_file_range", None)
        while left > 0 and copy is not None:
            try:
                n = copy(src.fileno(), dst.fileno(), left, offset)
            except OSError:
                break
            if n <= 0:
                break
            offset += n
            left -= n
        if left > 0:
            src.seek(offset)
            shutil.copyfileobj(src, dst)
    dst.seek(0, os.SEEK_END)


def write_files(sections: Sections, entity: Rendered, doc_ids: Sequence[str], ttl: BinaryIO, js: BinaryIO,
                tally: Tally, *, jobs: int = 1, work_dir: str | os.PathLike[str] = ".") -> None:
    """Write the graph into the open Turtle and JSON-LD files: heads, ``entity``, each report's section, tails.

    With ``jobs`` above 1 (and at least PARALLEL_MIN_REPORTS reports), ``jobs`` forked processes render
    contiguous runs of the reports into temp files in ``work_dir``, appended here in order, so the bytes
    are the same whatever the number of jobs.
    """
    files = _Files(ttl, js)
    ttl.write(sections.turtle_head.encode("utf-8"))
    js.write(sections.jsonld_head.encode("utf-8"))
    files.write(entity)
    tally.add(entity)
    runs = _runs(doc_ids, jobs if len(doc_ids) >= PARALLEL_MIN_REPORTS else 1)
    ttl.flush()  # nothing buffered for a forked process to inherit
    js.flush()
    # With several runs every one goes to a worker: this process, touching the graph meanwhile, would copy
    # the memory pages it shares with them.
    workers = [_Worker(sections, run, tally, work_dir) for run in runs] if len(runs) > 1 else []
    try:
        for doc_id in runs[0] if len(runs) == 1 else ():
            part = sections.report(doc_id)
            files.write(part)
            tally.add(part)
        for worker in workers:
            tally.merge(worker.join())
            files.append(worker.ttl_path, worker.js_path)
    finally:
        for worker in workers:
            worker.close()
    ttl.write(sections.turtle_tail.encode("utf-8"))
    js.write(sections.jsonld_tail.encode("utf-8"))


def _runs(doc_ids: Sequence[str], jobs: int) -> list[Sequence[str]]:
    """``doc_ids`` cut into ``jobs`` contiguous runs of nearly equal length."""
    jobs = max(1, min(jobs, len(doc_ids)))
    size, extra = divmod(len(doc_ids), jobs)
    out, start = [], 0
    for i in range(jobs):
        end = start + size + (i < extra)
        out.append(doc_ids[start:end])
        start = end
    return out


class _Worker:
    """A forked process rendering a run of reports' sections into two temp files; join() returns its tally."""

    def __init__(self, sections: Sections, doc_ids: Sequence[str], tally: Tally, work_dir: str | os.PathLike[str]):
        import multiprocessing

        self.paths = []
        for name in ("graph.ttl", "graph.jsonld"):
            fd, path = tempfile.mkstemp(dir=work_dir, prefix=f".{name}.", suffix=".tmp")
            os.close(fd)
            self.paths.append(path)
        self.ttl_path, self.js_path = self.paths
        context = multiprocessing.get_context("fork")
        self.receive, send = context.Pipe(duplex=False)
        self.process = context.Process(target=_render_run, daemon=True,
                                       args=(sections, doc_ids, Tally(tally.keep, tally.full_limit),
                                             self.ttl_path, self.js_path, send))
        self.process.start()
        send.close()

    def join(self) -> Tally:
        try:
            result = self.receive.recv()
        except EOFError:
            result = f"exit status {self.process.exitcode}"
        self.process.join()
        if isinstance(result, str):
            raise RuntimeError(f"rendering the RDF of a run of reports failed: {result}")
        return result

    def close(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        self.receive.close()
        for path in self.paths:
            try:
                os.unlink(path)
            except OSError:
                pass


def _render_run(sections: Sections, doc_ids: Sequence[str], tally: Tally, ttl_path: str, js_path: str,
                send) -> None:
    try:
        with open(ttl_path, "wb") as ttl, open(js_path, "wb") as js:
            files = _Files(ttl, js, first=False)
            for doc_id in doc_ids:
                part = sections.report(doc_id)
                files.write(part)
                tally.add(part)
        send.send(tally)
    except BaseException as e:  # the parent raises it; a traceback here would only repeat it
        send.send(f"{type(e).__name__}: {e}")
    finally:
        send.close()


__all__ = ["ENTITY", "LOCAL_TYPES", "PARALLEL_MIN_REPORTS", "SAMPLE_SECTIONS", "Rendered", "Sections", "Tally",
           "jsonld_chunks", "sample_docs", "turtle_chunks", "write_files"]

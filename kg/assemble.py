"""Build the knowledge graph, a networkx MultiDiGraph, from reports and their resolution."""
from __future__ import annotations

import dataclasses
import logging
from typing import Any, Callable, Sequence

import networkx as nx

from kg.records import Meeting, Participation, Report, Span
from kg.resolve import COLLECTIVE_SPEAKER, MergeEvidence, PersonEntity, Resolution, sorted_reports

log = logging.getLogger(__name__)

NODE_TYPES = ("report", "meeting", "person", "organization", "zone", "directive", "document")
ROLE_RELATION = {"chair": "chaired", "speaker": "spoke_at", "attendee": "attended"}
RELATIONS = (
    "chaired", "spoke_at", "attended", "issued", "given_at", "organized_by", "in_zone",
    "mentions", "reported_in", "sub_organization_of",
)
RULE_ORG_IN_NAME = "organization-named-in-meeting-name"
RULE_ZONE_BODY_IN_NAME = "zone-body-named-in-meeting-name"
# Bodies of the zone itself (区党工委, 管委会...) as opposed to higher levels (市委, 省政府) named in passing.
ZONE_BODY_PREFIXES = ("区", "管委会", "党工委")
LEAD_MAX = 80


def report_id(doc_id: str) -> str:
    return f"report:{doc_id}"


def meeting_id(doc_id: str, index: int) -> str:
    return f"meeting:{doc_id}#{index}"


def directive_id(doc_id: str, index: int) -> str:
    return f"directive:{doc_id}#{index}"


def person_id(key: str) -> str:
    """``person/<scope>/<name>`` -> ``person:<scope>/<name>``."""
    return "person:" + key.split("/", 1)[1]


def organization_id(key: str) -> str:
    return "org:" + key.split("/", 1)[1]


def zone_id(zone: str) -> str:
    return f"zone:{zone}"


def work_id(title: str) -> str:
    return f"work:{title}"


def lead_span(text: str) -> Span:
    """The report's lead: its first non-blank line, cut at the first 。 and at LEAD_MAX characters."""
    start = len(text) - len(text.lstrip())
    end = min(len(text), start + LEAD_MAX)
    for stop in ("\n", "。"):
        i = text.find(stop, start, end)
        if i != -1:
            end = i + (1 if stop == "。" else 0)
    return Span(start, end)


def zone_mention(report: Report) -> Span:
    """Where the report names its zone; an empty span at 0 when the text never does."""
    for needle in (report.zone, report.zone_short):
        if needle:
            i = report.text.find(needle)
            if i != -1:
                return Span(i, i + len(needle))
    for o in report.organizations:
        if o.kind == "zone":
            return o.span
    return Span(0, 0)


def find_organizer(meeting: Meeting, report: Report) -> tuple[str, str] | None:
    """The organization that holds a meeting, when its name says so: (organization name, rule)."""
    names = sorted({o.name for o in report.organizations if o.name.strip()}, key=lambda n: (-len(n), n))
    for name in names:
        if name in meeting.name:
            return name, RULE_ORG_IN_NAME
    prefixes = [z for z in (report.zone, report.zone_short) if z]
    for name in names:
        for z in prefixes:
            if name.startswith(z) and len(name) > len(z) and name[len(z):] in meeting.name:
                return name, RULE_ZONE_BODY_IN_NAME
    return None


class _Ids(dict):
    """Node ids by what they are made from, each made once: every node and edge holding an id holds the same
    string, rather than a copy of its own per edge end."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.make(key)
        return value


class _Builder:
    def __init__(self, reports: list[Report], resolution: Resolution):
        # a report that never names its zone is placed where resolution inferred it to be
        reports = [dataclasses.replace(r, zone=resolution.zones[r.doc_id])
                   if resolution.zones.get(r.doc_id, r.zone) != r.zone else r for r in reports]
        self.reports = reports
        self.by_doc = {r.doc_id: r for r in reports}
        self.res = resolution
        self.g = nx.MultiDiGraph()
        self.warnings: list[str] = []
        # Equal spans and short strings are one object each, shared by every node and edge that carries
        # them: a directive's quote is also its text and the quote of its given_at and issued edges.
        self.spans: dict[tuple[str, int, int], tuple[list[int], str]] = {}
        self.offsets: dict[int, int] = {}  # and so are the ints in the spans
        self.strings: dict[str, str] = {}
        self.report_ids = _Ids(report_id)
        by_doc = self.by_doc  # not self, which would make the builder a reference cycle
        self.meeting_ids = _Ids(lambda doc: [meeting_id(doc, i) for i in range(len(by_doc[doc].meetings))])
        self.person_ids = _Ids(person_id)
        self.organization_ids = _Ids(organization_id)
        self.zone_ids = _Ids(zone_id)
        self.work_ids = _Ids(work_id)
        self.first_row: dict[tuple[str, str], list] = {}  # (person node, doc_id) -> first source row there
        self.keys_by_doc: dict[str, list[str]] = {}
        for (doc, _name), key in resolution.lookup.items():
            self.keys_by_doc.setdefault(doc, []).append(key)
        # where each (doc_id, name) first takes a role at a meeting
        self.first_part: dict[tuple[str, str], Span] = {}
        for r in reports:
            for m in r.meetings:
                for part in sorted(m.participants, key=_role_order):
                    self.first_part.setdefault((r.doc_id, part.person), part.span)

    def warn(self, message: str) -> None:
        log.warning("%s", message)
        self.warnings.append(message)

    def source(self, doc_id: str, span: Span) -> tuple[list[int], str]:
        """([start, end], quote) of a span of a report, clamped to its text; the same objects for the same span."""
        shared = self.spans.get((doc_id, span.start, span.end))
        return shared if shared is not None else self.new_source(doc_id, span.start, span.end)

    def new_source(self, doc_id: str, start: int, end: int) -> tuple[list[int], str]:
        """source() of a span met for the first time."""
        text = self.by_doc[doc_id].text
        if not 0 <= start <= end <= len(text):
            self.warn(f"{doc_id}: span [{start}, {end}] outside the text (length {len(text)}); clamped")
            start = min(max(start, 0), len(text))
            end = min(max(end, start), len(text))
            return [start, end], text[start:end]  # not shared: the warning is given at each use
        offsets = self.offsets
        shared = self.spans[(doc_id, start, end)] = ([offsets.setdefault(start, start), offsets.setdefault(end, end)],
                                                     self.string(text[start:end]))
        return shared

    def string(self, value: str) -> str:
        """One object per equal short string (names, titles, zones): long ones are rarely equal."""
        return self.strings.setdefault(value, value) if len(value) <= 12 else value

    def sources(self, mentions: Sequence[tuple[str, Span]]) -> list[list]:
        rows = {}
        for doc_id, span in mentions:
            (start, end), quote = self.source(doc_id, span)
            rows.setdefault((doc_id, start, end), quote)
        return [[doc_id, start, end, rows[(doc_id, start, end)]] for doc_id, start, end in sorted(rows)]

    def put_node(self, nid: str, attrs: dict[str, Any]) -> None:
        """Add a node with this very dict as its attributes (networkx's add_node copies it)."""
        g = self.g
        if nid in g._node:
            g._node[nid].update(attrs)
        else:
            g._succ[nid] = {}
            g._pred[nid] = {}
            g._node[nid] = attrs

    def add_node(self, nid: str, type_: str, label: str, doc_id: str, span: Span, **attrs: Any) -> None:
        span_list, quote = self.source(doc_id, span)
        node = {"type": type_, "label": label, "doc_id": doc_id, "span": span_list, "quote": quote}
        for k, v in attrs.items():
            if v is not None:
                node[k] = v
        self.put_node(nid, node)

    def add_multi_source_node(self, nid: str, type_: str, label: str, rows: list[list], **attrs: Any) -> None:
        doc_id, start, end, quote = rows[0]
        shared = self.spans.get((doc_id, start, end))
        node = {"type": type_, "label": label, "doc_id": doc_id, "span": shared[0] if shared else [start, end],
                "quote": quote, "sources": rows}
        for k, v in attrs.items():
            if v is not None:
                node[k] = v
        self.put_node(nid, node)

    def add_edge(self, u: str, v: str, relation: str, doc_id: str, span: Span, **attrs: Any) -> None:
        """An edge keyed by its relation, unless u has one of that relation to v already: the first one stays."""
        succ = self.g._succ
        if u not in succ or v not in succ:
            self.add_ends(u, v)
        keyed = succ[u].get(v)
        if keyed is None:
            keyed = succ[u][v] = self.g._pred[v][u] = {}
        elif relation in keyed:
            return
        span_list, quote = self.source(doc_id, span)
        edge = {"relation": relation, "doc_id": doc_id, "span": span_list, "quote": quote}
        if attrs:
            for k, val in attrs.items():
                if val is not None:
                    edge[k] = val
        keyed[relation] = edge

    def add_ends(self, u: str, v: str) -> None:
        """The ends of an edge that are no nodes yet, as networkx adds them: without attributes."""
        for end in (u, v):
            if end not in self.g._succ:
                self.put_node(end, {})

    def build(self) -> nx.MultiDiGraph:
        self.add_zones()
        for r in self.reports:
            self.add_report(r)
        self.add_persons()
        self.add_organizations()
        self.add_works()
        for r in self.reports:
            self.add_meetings(r)
            self.add_directives(r)
            self.add_mentions(r)
        self.add_person_zones()
        self.add_organization_zones()
        self.add_organization_parents()
        self.g.graph["ambiguities"] = [dict(a) for a in self.res.ambiguities]
        self.g.graph["zone_evidence"] = {doc: ev for doc, ev in self.res.zone_evidence.items()}
        self.g.graph["warnings"] = list(self.warnings)
        nx._clear_cache(self.g)  # nodes and edges were put in networkx's dicts directly
        return self.g

    def add_zones(self) -> None:
        by_zone: dict[str, list[Report]] = {}
        for r in self.reports:
            if r.zone:
                by_zone.setdefault(r.zone, []).append(r)
        for zone in sorted(by_zone):
            reps = by_zone[zone]
            rows = self.sources([(r.doc_id, zone_mention(r)) for r in reps])
            shorts = sorted({r.zone_short for r in reps if r.zone_short})
            self.add_multi_source_node(self.zone_ids[zone], "zone", zone, rows, name=zone, short_names=shorts,
                                       reports=[r.doc_id for r in reps])

    def add_report(self, r: Report) -> None:
        inferred = self.res.zone_evidence.get(r.doc_id) or {}
        self.add_node(
            self.report_ids[r.doc_id], "report", r.doc_id, r.doc_id, lead_span(r.text),
            path=r.path, sha256=r.sha256, script=r.script, published=r.published, zone=r.zone,
            zone_short=r.zone_short, extractor=r.extractor, text_length=len(r.text),
            report_warnings=list(r.warnings), authors=list(r.bylines), zone_rule=inferred.get("rule"),
            zone_inferred_from=inferred.get("reports"),
            zone_shared_officials=[o["name"] for o in inferred.get("shared_officials", [])] or None,
        )

    def person_mentions(self, p: PersonEntity) -> list[tuple[str, Span]]:
        found = {doc for doc, _ in p.mentions}
        extra: list[tuple[str, Span]] = []
        for doc in p.reports:
            if doc not in found:
                extra.append((doc, self.first_role_span(self.by_doc[doc], p.name)))
        return list(p.mentions) + extra

    def first_role_span(self, r: Report, name: str) -> Span:
        if (r.doc_id, name) in self.first_part:
            return self.first_part[(r.doc_id, name)]
        for d in r.directives:
            if d.speaker == name:
                return d.span
        i = r.text.find(name)
        return Span(i, i + len(name)) if i != -1 else Span(0, 0)

    def add_persons(self) -> None:
        for key, p in self.res.persons.items():
            attrs: dict[str, Any] = dict(
                name=p.name, key=key, titles=p.title_names,
                title_sources=_title_sources(p), timeline=self.timeline(p),
                reports=list(p.reports), present=p.present, zones=list(p.zones),
            )
            attrs.update(_scope_attrs(p.zone, p.reports))
            if p.evidence:
                ev = p.evidence[0]
                attrs.update(merge_rule=ev.rule, merge_zone=ev.zone, merge_reports=list(p.reports),
                             merge_evidence=[_evidence_row(e) for e in p.evidence])
            pid = self.person_ids[key]
            rows = self.sources(self.person_mentions(p))
            for row in rows:
                self.first_row.setdefault((pid, row[0]), row)
            self.add_multi_source_node(pid, "person", p.name, rows, **attrs)

    def timeline(self, p: PersonEntity) -> list[list]:
        """[title, date or "", doc_id, start, end, quote] per attestation, by date, report and place in the text."""
        rows = []
        for t in p.titles:
            span = t.span if t.span is not None else self.first_role_span(self.by_doc[t.doc_id], p.name)
            (start, end), quote = self.source(t.doc_id, span)
            rows.append([t.title, t.date or "", t.doc_id, start, end, quote])
        return sorted(rows, key=lambda r: (r[1], r[2], r[3]))  # stable: written order within a mention

    def add_organizations(self) -> None:
        for key, o in self.res.organizations.items():
            attrs: dict[str, Any] = dict(name=o.name, key=key, kind=o.kind, reports=list(o.reports),
                                         classification=o.classification, names_as_written=list(o.names))
            attrs.update(_scope_attrs(o.zone, o.reports))
            self.add_multi_source_node(self.organization_ids[key], "organization", o.name,
                                       self.sources(o.mentions), **attrs)

    def add_works(self) -> None:
        refs: dict[str, list[tuple[str, Span]]] = {}
        for r in self.reports:
            for ref in r.referenced_documents:
                if ref.title.strip():
                    refs.setdefault(ref.title, []).append((r.doc_id, ref.span))
        for title in sorted(refs):
            rows = self.sources(refs[title])
            self.add_multi_source_node(self.work_ids[title], "document", title, rows, title=title,
                                       reports=sorted({row[0] for row in rows}))

    def add_meetings(self, r: Report) -> None:
        doc, rid = r.doc_id, self.report_ids[r.doc_id]
        zid = self.zone_ids[r.zone] if r.zone else None
        lookup, person_ids = self.res.lookup, self.person_ids
        for i, (m, mid) in enumerate(zip(r.meetings, self.meeting_ids[doc])):
            self.add_node(mid, "meeting", m.name or "(unnamed meeting)", doc, m.span, name=m.name, index=i, date=m.date,
                          time_of_day=m.time_of_day, kind=m.kind, zone=r.zone)
            self.add_edge(mid, rid, "reported_in", doc, m.span)
            if zid:
                self.add_edge(mid, zid, "in_zone", doc, zone_mention(r))
            organizer = find_organizer(m, r)
            if organizer:
                name, rule = organizer
                self.add_edge(mid, self.organization_ids[self.res.org_lookup[(doc, name)]], "organized_by",
                              doc, m.span, rule=rule)
            for part in sorted(m.participants, key=_role_order):
                relation = ROLE_RELATION.get(part.role)
                key = lookup.get((doc, part.person))
                if relation is None or key is None:
                    self.warn(f"{doc}: meeting {i}: participation {part.person!r} as {part.role!r} skipped")
                    continue
                self.add_edge(person_ids[key], mid, relation, doc, part.span, role=part.role,
                              order=part.order, title=part.title)

    def add_directives(self, r: Report) -> None:
        doc, zone = r.doc_id, r.zone
        mids = self.meeting_ids[doc]
        lookup, person_ids, source, string = self.res.lookup, self.person_ids, self.source, self.string
        for i, d in enumerate(r.directives):
            did = directive_id(doc, i)
            collective = d.speaker == COLLECTIVE_SPEAKER
            span, quote = source(doc, d.span)
            text = quote if quote == d.text else d.text  # one string when the span is exactly the text
            label = (text if len(text) <= 16 else text[:16] + "…") or "(directive)"
            node = {"type": "directive", "label": label, "doc_id": doc, "span": span, "quote": quote, "text": text,
                    "speaker": string(d.speaker), "meeting_index": d.meeting_index, "index": i,
                    "collective": collective}
            if zone is not None:
                node["zone"] = string(zone)
            self.put_node(did, node)
            if 0 <= d.meeting_index < len(mids):
                self.add_edge(did, mids[d.meeting_index], "given_at", doc, d.span)
            else:
                self.warn(f"{doc}: directive {i} points at meeting {d.meeting_index}, which does not exist")
            key = lookup.get((doc, d.speaker))
            if not collective and key is not None:
                self.add_edge(person_ids[key], did, "issued", doc, d.span)

    def add_mentions(self, r: Report) -> None:
        doc, rid = r.doc_id, self.report_ids[r.doc_id]
        for m, mid in zip(r.meetings, self.meeting_ids[doc]):
            self.add_edge(rid, mid, "mentions", doc, m.span)
        for key in self.keys_by_doc.get(doc, []):
            pid = self.person_ids[key]
            row = self.first_row[(pid, doc)]
            self.add_edge(rid, pid, "mentions", doc, Span(row[1], row[2]))
        for o in r.organizations:
            key = self.res.org_lookup.get((doc, o.name))
            if key:
                self.add_edge(rid, self.organization_ids[key], "mentions", doc, o.span)
        for ref in r.referenced_documents:
            if ref.title.strip():
                self.add_edge(rid, self.work_ids[ref.title], "mentions", doc, ref.span)

    def add_person_zones(self) -> None:
        """A person is in a zone when they took part in a meeting held there."""
        for key, p in self.res.persons.items():
            for zone in p.zones or ([p.zone] if p.zone else []):
                for doc in p.reports:
                    span = self.first_part.get((doc, p.name))
                    if span is not None and self.by_doc[doc].zone == zone:
                        self.add_edge(self.person_ids[key], self.zone_ids[zone], "in_zone", doc, span)
                        break

    def add_organization_zones(self) -> None:
        for key, o in self.res.organizations.items():
            if not o.zone or not self.g.has_node(zone_id(o.zone)):
                continue  # scoped to a city that is no zone of the batch
            shorts = [self.by_doc[d].zone_short or "" for d in o.reports]
            prefixes = tuple(p for p in (o.zone, *shorts, *ZONE_BODY_PREFIXES) if p)
            if o.kind == "zone" or o.name.startswith(prefixes):
                doc, span = o.mentions[0]
                self.add_edge(self.organization_ids[key], self.zone_ids[o.zone], "in_zone", doc, span)


    def add_organization_parents(self) -> None:
        """``sub_organization_of`` edges: a zone's organs to the zone, a 党组 to its body, a 党工委 to the 市委."""
        for key, o in self.res.organizations.items():
            doc, span = o.mentions[0]
            for parent, rule in o.parents:
                zone = parent.removeprefix("zone:")
                target = self.zone_ids[zone] if zone != parent else self.organization_ids[parent]
                if self.g.has_node(target):
                    self.add_edge(self.organization_ids[key], target, "sub_organization_of", doc, span, rule=rule)


def _evidence_row(e: MergeEvidence) -> list:
    """[rule, zone, reports, shared titles, co-attendees, dates]: plain lists, as graph attributes must be."""
    return [e.rule, e.zone, list(e.reports), list(e.shared_titles), list(e.co_attendees), list(e.dates)]


def _title_sources(p: PersonEntity) -> list[list[str]]:
    """[title, doc_id, date] once per title and report (the first attestation)."""
    out: list[list[str]] = []
    seen: set[tuple[str, str]] = set()
    for t in p.titles:
        if (t.title, t.doc_id) not in seen:
            seen.add((t.title, t.doc_id))
            out.append([t.title, t.doc_id, t.date or ""])
    return out


def _scope_attrs(zone: str | None, reports: Sequence[str]) -> dict[str, str]:
    return {"zone": zone} if zone else {"scope_doc": reports[0]}


def _role_order(part: Participation) -> tuple[str, int]:
    return part.role, part.order


def assemble(reports: Sequence[Report], resolution: Resolution) -> nx.MultiDiGraph:
    """The knowledge graph: typed nodes and relation-keyed edges, each with doc_id, span and quote."""
    return _Builder(sorted_reports(reports), resolution).build()


__all__ = [
    "NODE_TYPES", "RELATIONS", "ROLE_RELATION", "assemble", "report_id", "meeting_id",
    "directive_id", "person_id", "organization_id", "zone_id", "work_id", "lead_span",
    "zone_mention", "find_organizer",
]

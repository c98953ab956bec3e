"""Merge person and organization mentions across reports into entities, recording the evidence."""
from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from kg.errors import KgError
from kg.records import Report, Span

log = logging.getLogger(__name__)

RULE_SAME_NAME_SAME_ZONE = "same-name-same-zone"
COLLECTIVE_SPEAKER = "会议"
E_DUPLICATE_DOC_ID = (
    "{doc_id}: two reports share this doc_id; give each report file a unique name (the stem is the doc_id)"
)


@dataclass(frozen=True)
class TitleAttestation:
    """A title as written for a person in one report, with the date the report attests it."""

    title: str
    doc_id: str
    date: str | None  # report or meeting date, "XXXX-MM-DD" when the year is unknown

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "doc_id": self.doc_id, "date": self.date}


@dataclass(frozen=True)
class MergeEvidence:
    """Why mentions from several reports were merged into one entity."""

    rule: str
    zone: str
    reports: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "zone": self.zone, "reports": list(self.reports)}


@dataclass(frozen=True)
class PersonEntity:
    """One real person as far as the rules can tell, with every report that names them."""

    key: str
    name: str
    zone: str | None  # None: scoped to the single report in ``reports``
    titles: tuple[TitleAttestation, ...]
    reports: tuple[str, ...]
    present: bool
    mentions: tuple[tuple[str, Span], ...]  # (doc_id, span), every mention
    evidence: tuple[MergeEvidence, ...] = ()

    @property
    def title_names(self) -> list[str]:
        seen: list[str] = []
        for t in self.titles:
            if t.title not in seen:
                seen.append(t.title)
        return seen


@dataclass(frozen=True)
class OrganizationEntity:
    """A named body, keyed by the zone (or report) it was named in and its name."""

    key: str
    name: str
    zone: str | None
    kind: str
    reports: tuple[str, ...]
    mentions: tuple[tuple[str, Span], ...]


@dataclass(frozen=True)
class Resolution:
    """Entities and the map from each report's names to them."""

    persons: dict[str, PersonEntity]
    organizations: dict[str, OrganizationEntity]
    lookup: dict[tuple[str, str], str]  # (doc_id, person name) -> person key
    org_lookup: dict[tuple[str, str], str]  # (doc_id, organization name) -> organization key
    stats: dict[str, int] = field(default_factory=dict)

    def summary(self) -> list[str]:
        """Run-report lines, e.g. ``persons: 212 mentions -> 97 entities (...)``."""
        s = self.stats
        return [
            f"persons: {s['person_mentions']} mentions -> {s['person_entities']} entities "
            f"({s['persons_merged']} merged across reports, {s['names_kept_apart']} names kept apart)",
            f"organizations: {s['organization_mentions']} mentions -> {s['organization_entities']} entities",
        ]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON: entity lists in key order, lookups as [doc_id, name, key] rows."""
        def mentions(ms: tuple[tuple[str, Span], ...]) -> list[list]:
            return [[doc, span.start, span.end] for doc, span in ms]

        return {
            "persons": [
                {"key": p.key, "name": p.name, "zone": p.zone, "titles": [t.to_json() for t in p.titles],
                 "reports": list(p.reports), "present": p.present, "mentions": mentions(p.mentions),
                 "evidence": [e.to_json() for e in p.evidence]}
                for p in self.persons.values()
            ],
            "organizations": [
                {"key": o.key, "name": o.name, "zone": o.zone, "kind": o.kind, "reports": list(o.reports),
                 "mentions": mentions(o.mentions)}
                for o in self.organizations.values()
            ],
            "lookup": [[doc, name, key] for (doc, name), key in self.lookup.items()],
            "org_lookup": [[doc, name, key] for (doc, name), key in self.org_lookup.items()],
            "stats": dict(self.stats),
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> "Resolution":
        """Rebuild a resolution from ``to_json`` output."""
        def mentions(rows: list[list]) -> tuple[tuple[str, Span], ...]:
            return tuple((doc, Span(start, end)) for doc, start, end in rows)

        persons = {
            p["key"]: PersonEntity(
                key=p["key"], name=p["name"], zone=p["zone"],
                titles=tuple(TitleAttestation(t["title"], t["doc_id"], t["date"]) for t in p["titles"]),
                reports=tuple(p["reports"]), present=p["present"], mentions=mentions(p["mentions"]),
                evidence=tuple(MergeEvidence(e["rule"], e["zone"], tuple(e["reports"])) for e in p["evidence"]),
            )
            for p in obj["persons"]
        }
        organizations = {
            o["key"]: OrganizationEntity(key=o["key"], name=o["name"], zone=o["zone"], kind=o["kind"],
                                         reports=tuple(o["reports"]), mentions=mentions(o["mentions"]))
            for o in obj["organizations"]
        }
        return cls(persons=persons, organizations=organizations,
                   lookup={(doc, name): key for doc, name, key in obj["lookup"]},
                   org_lookup={(doc, name): key for doc, name, key in obj["org_lookup"]},
                   stats=dict(obj.get("stats", {})))


def person_key(name: str, zone: str | None, doc_id: str) -> str:
    """``person/<zone>/<name>``, or ``person/doc:<doc_id>/<name>`` when the report has no zone."""
    return f"person/{_scope(zone, doc_id)}/{name}"


def organization_key(name: str, zone: str | None, doc_id: str) -> str:
    """``org/<zone>/<name>``, or ``org/doc:<doc_id>/<name>`` when the report has no zone."""
    return f"org/{_scope(zone, doc_id)}/{name}"


def _scope(zone: str | None, doc_id: str) -> str:
    return zone if zone else f"doc:{doc_id}"


def report_date(report: Report) -> str | None:
    """The date a report attests its facts on: published, else its earliest meeting date."""
    if report.published:
        return report.published
    dates = sorted(m.date for m in report.meetings if m.date)
    full = [d for d in dates if not d.startswith("X")]
    return (full or dates or [None])[0]


def split_titles(title: str) -> list[str]:
    """Split a title written as 市委常委、区党工委书记 into its parts."""
    return [t.strip() for t in title.split("、") if t.strip()]


def sorted_reports(reports: Iterable[Report]) -> list[Report]:
    """Reports in doc_id order; duplicate doc_ids are an error since ids are built from them."""
    out = sorted(reports, key=lambda r: r.doc_id)
    for a, b in zip(out, out[1:]):
        if a.doc_id == b.doc_id:
            raise KgError(E_DUPLICATE_DOC_ID.format(doc_id=a.doc_id))
    return out


@dataclass
class _PersonAcc:
    name: str
    zone: str | None
    titles: list[TitleAttestation] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    present: bool = False
    mentions: list[tuple[str, Span]] = field(default_factory=list)

    def add_title(self, t: TitleAttestation) -> None:
        if not any(x.title == t.title and x.doc_id == t.doc_id for x in self.titles):
            self.titles.append(t)


def _report_person_names(report: Report) -> list[str]:
    """Every person name a report uses: persons, participants, directive speakers."""
    names: list[str] = []
    for p in report.persons:
        names.append(p.name)
    for m in report.meetings:
        for part in sorted(m.participants, key=lambda p: (p.role, p.order)):
            names.append(part.person)
    for d in report.directives:
        if d.speaker != COLLECTIVE_SPEAKER:
            names.append(d.speaker)
    return names


def resolve(reports: Sequence[Report]) -> Resolution:
    """Group same-name persons within a report, and across reports that share a non-null zone."""
    persons: dict[str, _PersonAcc] = {}
    lookup: dict[tuple[str, str], str] = {}
    mention_count = 0
    for report in sorted_reports(reports):
        doc, zone = report.doc_id, report.zone or None
        date = report_date(report)
        # a title written at a meeting is attested on that meeting's date, others on the report's date
        title_dates: dict[tuple[str, str], str | None] = {}
        for m in report.meetings:
            for part in sorted(m.participants, key=lambda p: (p.role, p.order)):
                for t in split_titles(part.title):
                    title_dates.setdefault((part.person, t), m.date or date)
        records_by_name: dict[str, list] = defaultdict(list)
        for p in report.persons:
            records_by_name[p.name].append(p)
        mention_count += len(report.persons)
        for name in _report_person_names(report):
            if not name.strip():
                log.warning("%s: empty person name skipped", doc)
                continue
            if (doc, name) in lookup:
                continue
            if name not in records_by_name:
                mention_count += 1  # named only as a participant or speaker
            key = person_key(name, zone, doc)
            lookup[(doc, name)] = key
            acc = persons.setdefault(key, _PersonAcc(name=name, zone=zone))
            acc.reports.append(doc)
            for rec in records_by_name.get(name, []):
                acc.present = acc.present or rec.present
                acc.mentions.extend((doc, s) for s in rec.spans)
                for t in rec.titles:
                    acc.add_title(TitleAttestation(t, doc, title_dates.get((name, t), date)))
        for m in report.meetings:
            for part in sorted(m.participants, key=lambda p: (p.role, p.order)):
                key = lookup.get((doc, part.person))
                if key is None:
                    continue
                acc = persons[key]
                acc.present = True
                for t in split_titles(part.title):
                    acc.add_title(TitleAttestation(t, doc, title_dates[(part.person, t)]))

    entities: dict[str, PersonEntity] = {}
    for key in sorted(persons):
        acc = persons[key]
        reps = tuple(sorted(set(acc.reports)))
        evidence: tuple[MergeEvidence, ...] = ()
        if len(reps) > 1:
            assert acc.zone is not None  # report-scoped keys cannot collect a second report
            evidence = (MergeEvidence(RULE_SAME_NAME_SAME_ZONE, acc.zone, reps),)
        entities[key] = PersonEntity(
            key=key, name=acc.name, zone=acc.zone,
            titles=tuple(acc.titles),  # reports were visited in doc_id order
            reports=reps, present=acc.present,
            mentions=tuple(sorted(acc.mentions, key=lambda m: (m[0], m[1].start, m[1].end))),
            evidence=evidence,
        )

    organizations, org_lookup, org_mentions = _resolve_organizations(reports)
    names = Counter(e.name for e in entities.values())
    stats = {
        "person_mentions": mention_count,
        "person_entities": len(entities),
        "persons_merged": sum(1 for e in entities.values() if e.evidence),
        "names_kept_apart": sum(1 for n in names.values() if n > 1),
        "organization_mentions": org_mentions,
        "organization_entities": len(organizations),
    }
    return Resolution(persons=entities, organizations=organizations, lookup=dict(sorted(lookup.items())),
                      org_lookup=org_lookup, stats=stats)


def _resolve_organizations(
    reports: Sequence[Report],
) -> tuple[dict[str, OrganizationEntity], dict[tuple[str, str], str], int]:
    kinds: dict[str, Counter] = defaultdict(Counter)
    info: dict[str, tuple[str, str | None]] = {}
    reps: dict[str, set[str]] = defaultdict(set)
    mentions: dict[str, list[tuple[str, Span]]] = defaultdict(list)
    lookup: dict[tuple[str, str], str] = {}
    count = 0
    for report in sorted_reports(reports):
        for o in report.organizations:
            if not o.name.strip():
                log.warning("%s: empty organization name skipped", report.doc_id)
                continue
            count += 1
            key = organization_key(o.name, report.zone or None, report.doc_id)
            lookup[(report.doc_id, o.name)] = key
            info[key] = (o.name, report.zone or None)
            kinds[key][o.kind] += 1
            reps[key].add(report.doc_id)
            mentions[key].append((report.doc_id, o.span))
    entities = {}
    for key in sorted(info):
        name, zone = info[key]
        # most frequent kind; ties go to the alphabetically first so the choice is stable
        kind = sorted(kinds[key].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        entities[key] = OrganizationEntity(
            key=key, name=name, zone=zone, kind=kind, reports=tuple(sorted(reps[key])),
            mentions=tuple(sorted(mentions[key], key=lambda m: (m[0], m[1].start, m[1].end))),
        )
    return entities, dict(sorted(lookup.items())), count


__all__ = [
    "RULE_SAME_NAME_SAME_ZONE", "COLLECTIVE_SPEAKER", "TitleAttestation", "MergeEvidence",
    "PersonEntity", "OrganizationEntity", "Resolution", "resolve", "person_key", "organization_key",
    "report_date", "split_titles", "sorted_reports",
]

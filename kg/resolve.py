"""Merge person and organization mentions across reports into entities, recording the evidence.

A name alone never merges two mentions (张伟 names some 290,000 people). Mentions in one report
are one person; across reports they merge when the reports are about the same zone and the titles
do not contradict each other, or when they share a title that only one person can hold (萍乡市委书记,
总书记). A report that names no zone takes the zone of other reports whose leaders it shares.
Whatever the rules cannot decide is kept apart and listed as an ambiguity, never guessed.
"""
from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Iterable, Sequence

from kg.errors import KgError
from kg.records import Report, Span

log = logging.getLogger(__name__)

RULE_SAME_ZONE_SHARED_TITLE = "same-zone-shared-title"
RULE_SAME_ZONE_COMPATIBLE_TITLES = "same-zone-compatible-titles"
RULE_DISTINCTIVE_TITLE = "same-distinctive-title"
RULE_ZONE_SHARED_LEADERS = "zone-from-shared-leaders"
RULE_ZONE_LONGER_NAME = "zone-longer-name"
RULE_ORGAN_OF_ZONE = "organ-of-zone"
RULE_TOWNSHIP_IN_ZONE = "township-in-zone"
RULE_PART_OF_BODY = "part-of-body"
RULE_DISPATCHED_BY_CITY = "dispatched-by-city"
RULE_LOWER_LEVEL_COMMITTEE = "lower-level-committee"
COLLECTIVE_SPEAKER = "会议"
E_DUPLICATE_DOC_ID = (
    "{doc_id}: two reports share this doc_id; give each report file a unique name (the stem is the doc_id)"
)

CJK = "\u4e00-\u9fff"
# Titles that say nothing about which post a person holds (区领导, 负责人).
GENERIC_TITLE_RE = re.compile(rf"^(?:[{CJK}]{{0,8}}?[省市县区镇乡村])?(?:领导|负责人|同志|代表|委员|班子成员|成员|干部)$")
# A title that names its place: 萍乡市委书记, 江西省省长, 中共长子县委常委.
PLACE_TITLE_RE = re.compile(rf"^(?:中共)?([{CJK}]{{2,8}}?)(省|市|县|区|镇|乡|街道)(?=[委人政纪党管长副常])")
NOT_IN_PLACE = frozenset("副常务委党府协局部办会长员书记主任区")
LEVEL_RE = re.compile(r"^(?:中共)?(省|市|县|区|镇|乡|街道|村)")
LEVEL_POST_RE = re.compile(r"(省|市|县|区|镇|乡)长$")
# Posts only one person holds at a time, whatever report names them.
NATIONAL_POSTS = frozenset({"总书记", "中共中央总书记", "国家主席", "国务院总理", "总理", "全国人大常委会委员长",
                            "全国政协主席", "中央军委主席"})
DEV_ZONE_RE = re.compile(rf"^([{CJK}]{{2,8}}?)(经济技术开发区|高新技术产业开发区|经济开发区|经开区|高新区|新区|开发区|示范区)$")
DEV_ZONE_SHORTS = ("经济技术开发区", "高新技术产业开发区", "经济开发区", "经开区", "高新区", "新区", "开发区", "示范区")
# The organs of a zone as written after its name, 区 or nothing (区党工委, 管委会, 区政府党组).
ZONE_ORGANS = ("党工委", "管委会", "工委", "纪工委", "委", "人民政府", "政府", "人大常委会", "人大", "政协", "纪委监委",
               "纪委", "监委")
BARE_ZONE_ORGANS = ("党工委", "管委会", "纪工委")  # 管委会 alone in a zone's report is that zone's
CITY_ORGANS = ("委", "人民政府", "政府", "人大常委会", "人大", "政协", "纪委监委", "纪委", "监委")
CLASSIFICATION = {"party": "party", "discipline": "party", "government": "government", "congress": "congress",
                  "cppcc": "cppcc", "committee": "committee", "township": "township"}
TOWNSHIP_KINDS = ("township",)


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class TitleAttestation:
    """A title as written for a person in one report, the date the report attests it, and where."""

    title: str
    doc_id: str
    date: str | None  # meeting or report date, "XXXX-MM-DD" when the year is unknown
    span: Span | None = None  # the mention that writes the title

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.title, "doc_id": self.doc_id, "date": self.date}
        if self.span is not None:
            out["span"] = self.span.to_list()
        return out

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> "TitleAttestation":
        return cls(obj["title"], obj["doc_id"], obj["date"], Span.from_list(obj["span"]) if "span" in obj else None)


@dataclass(frozen=True)
class MergeEvidence:
    """Why mentions from several reports were merged into one entity: rule, reports and what they share."""

    rule: str
    zone: str
    reports: tuple[str, ...]
    shared_titles: tuple[str, ...] = ()
    co_attendees: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "zone": self.zone, "reports": list(self.reports),
                "shared_titles": list(self.shared_titles), "co_attendees": list(self.co_attendees),
                "dates": list(self.dates)}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> "MergeEvidence":
        return cls(obj["rule"], obj["zone"], tuple(obj["reports"]), tuple(obj.get("shared_titles", ())),
                   tuple(obj.get("co_attendees", ())), tuple(obj.get("dates", ())))


@dataclass(frozen=True)
class PersonEntity:
    """One real person as far as the rules can tell, with every report that names them."""

    key: str
    name: str
    zone: str | None  # the zone the key is scoped to; None: scoped to the first report in ``reports``
    titles: tuple[TitleAttestation, ...]
    reports: tuple[str, ...]
    present: bool
    mentions: tuple[tuple[str, Span], ...]  # (doc_id, span), every mention
    evidence: tuple[MergeEvidence, ...] = ()
    zones: tuple[str, ...] = ()  # every zone of the reports that name them

    @property
    def title_names(self) -> list[str]:
        seen: list[str] = []
        for t in self.titles:
            if t.title not in seen:
                seen.append(t.title)
        return seen


@dataclass(frozen=True)
class OrganizationEntity:
    """A named body, keyed by its scope (zone, city or report) and its canonical name."""

    key: str
    name: str  # canonical: 区党工委 in a report about 萍乡经开区 is 萍乡经济技术开发区党工委
    zone: str | None
    kind: str
    reports: tuple[str, ...]
    mentions: tuple[tuple[str, Span], ...]
    names: tuple[str, ...] = ()  # as written
    classification: str = "other"  # party, government, congress, cppcc, committee, township, other
    parents: tuple[tuple[str, str], ...] = ()  # (organization key or "zone:<zone>", rule)


@dataclass(frozen=True)
class Resolution:
    """Entities, the map from each report's names to them, inferred zones and what stayed undecided."""

    persons: dict[str, PersonEntity]
    organizations: dict[str, OrganizationEntity]
    lookup: dict[tuple[str, str], str]  # (doc_id, person name) -> person key
    org_lookup: dict[tuple[str, str], str]  # (doc_id, organization name as written) -> organization key
    stats: dict[str, int] = field(default_factory=dict)
    zones: dict[str, str | None] = field(default_factory=dict)  # doc_id -> zone used (written or inferred)
    zone_evidence: dict[str, dict[str, Any]] = field(default_factory=dict)  # doc_id -> why its zone was inferred
    ambiguities: tuple[dict[str, Any], ...] = ()

    def summary(self) -> list[str]:
        """Run-report lines, e.g. ``persons: 212 mentions -> 97 entities (12 merged across reports, 3 ambiguous)``."""
        s = self.stats
        lines = [
            f"persons: {s['person_mentions']} mentions -> {s['person_entities']} entities "
            f"({s['persons_merged']} merged across reports, {s['ambiguous']} ambiguous)",
            f"organizations: {s['organization_mentions']} mentions -> {s['organization_entities']} entities",
        ]
        if self.zone_evidence:
            lines.append(f"zones: {len(self.zone_evidence)} inferred ("
                         + ", ".join(f"{d} -> {e['zone']}" for d, e in sorted(self.zone_evidence.items())) + ")")
        return lines

    def to_json(self) -> dict[str, Any]:
        """Plain JSON: entity lists in key order, lookups as [doc_id, name, key] rows."""
        def mentions(ms: tuple[tuple[str, Span], ...]) -> list[list]:
            return [[doc, span.start, span.end] for doc, span in ms]

        return {
            "persons": [
                {"key": p.key, "name": p.name, "zone": p.zone, "zones": list(p.zones),
                 "titles": [t.to_json() for t in p.titles], "reports": list(p.reports), "present": p.present,
                 "mentions": mentions(p.mentions), "evidence": [e.to_json() for e in p.evidence]}
                for p in self.persons.values()
            ],
            "organizations": [
                {"key": o.key, "name": o.name, "zone": o.zone, "kind": o.kind, "reports": list(o.reports),
                 "mentions": mentions(o.mentions), "names": list(o.names), "classification": o.classification,
                 "parents": [list(p) for p in o.parents]}
                for o in self.organizations.values()
            ],
            "lookup": [[doc, name, key] for (doc, name), key in self.lookup.items()],
            "org_lookup": [[doc, name, key] for (doc, name), key in self.org_lookup.items()],
            "stats": dict(self.stats),
            "zones": [[doc, zone] for doc, zone in self.zones.items()],
            "zone_evidence": [[doc, ev] for doc, ev in self.zone_evidence.items()],
            "ambiguities": [dict(a) for a in self.ambiguities],
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> "Resolution":
        """Rebuild a resolution from ``to_json`` output."""
        def mentions(rows: list[list]) -> tuple[tuple[str, Span], ...]:
            return tuple((doc, Span(start, end)) for doc, start, end in rows)

        persons = {
            p["key"]: PersonEntity(
                key=p["key"], name=p["name"], zone=p["zone"],
                titles=tuple(TitleAttestation.from_json(t) for t in p["titles"]),
                reports=tuple(p["reports"]), present=p["present"], mentions=mentions(p["mentions"]),
                evidence=tuple(MergeEvidence.from_json(e) for e in p["evidence"]), zones=tuple(p.get("zones", ())),
            )
            for p in obj["persons"]
        }
        organizations = {
            o["key"]: OrganizationEntity(key=o["key"], name=o["name"], zone=o["zone"], kind=o["kind"],
                                         reports=tuple(o["reports"]), mentions=mentions(o["mentions"]),
                                         names=tuple(o.get("names", ())),
                                         classification=o.get("classification", "other"),
                                         parents=tuple(tuple(p) for p in o.get("parents", ())))
            for o in obj["organizations"]
        }
        return cls(persons=persons, organizations=organizations,
                   lookup={(doc, name): key for doc, name, key in obj["lookup"]},
                   org_lookup={(doc, name): key for doc, name, key in obj["org_lookup"]},
                   stats=dict(obj.get("stats", {})),
                   zones={doc: zone for doc, zone in obj.get("zones", [])},
                   zone_evidence={doc: ev for doc, ev in obj.get("zone_evidence", [])},
                   ambiguities=tuple(obj.get("ambiguities", ())))


# ---------------------------------------------------------------- keys and small helpers


def person_key(name: str, zone: str | None, doc_id: str) -> str:
    """``person/<zone>/<name>``, or ``person/doc:<doc_id>/<name>`` when not scoped to one zone."""
    return f"person/{_scope(zone, doc_id)}/{name}"


def organization_key(name: str, zone: str | None, doc_id: str) -> str:
    """``org/<zone or city>/<name>``, or ``org/doc:<doc_id>/<name>`` when the report has no zone."""
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


# ---------------------------------------------------------------- titles


@lru_cache(maxsize=65536)
def is_generic_title(title: str) -> bool:
    """True for a title that names no post (区领导, 负责人)."""
    return GENERIC_TITLE_RE.match(title) is not None


@lru_cache(maxsize=65536)
def title_place(title: str) -> tuple[str, str] | None:
    """The place a title names and its level: 萍乡市委书记 -> (萍乡, 市); None for 市委书记."""
    m = PLACE_TITLE_RE.match(title)
    if m and not NOT_IN_PLACE.intersection(m.group(1)):
        return m.group(1), m.group(2)
    return None


@lru_cache(maxsize=65536)
def title_level(title: str) -> str | None:
    """The level of government a title belongs to (市委常委 -> 市, 常务副县长 -> 县), or None (管委会主任)."""
    place = title_place(title)
    if place:
        return place[1]
    m = LEVEL_RE.match(title)
    if m:
        return m.group(1)
    m = LEVEL_POST_RE.search(title)
    return m.group(1) if m else None


@lru_cache(maxsize=65536)
def is_local_title(title: str) -> bool:
    """A post of a zone's own bodies (区党工委书记, 管委会主任, 县长), not of the city, province or nation above."""
    if is_generic_title(title) or title in NATIONAL_POSTS or title.startswith(("中央", "全国", "国务院", "国家")):
        return False
    return title_level(title) not in ("省", "市")


@lru_cache(maxsize=65536)
def is_distinctive_title(title: str) -> bool:
    """A post only one person holds at a time anywhere: it names its place, or it is a national post."""
    return title in NATIONAL_POSTS or title_place(title) is not None


def titles_conflict(a: Iterable[str], b: Iterable[str]) -> bool:
    """True when two sets of titles cannot be one person's: different places or different levels, none shared.

    区长 and 区委副书记、区长 are compatible; 县委书记 and 镇长 are not; 萍乡市委书记 and 上饶市委书记 are not.
    """
    a = {t for t in a if not is_generic_title(t)}
    b = {t for t in b if not is_generic_title(t)}
    if not a or not b or a & b:
        return False
    for ta in a:
        pa = title_place(ta)
        for tb in b:
            pb = title_place(tb)
            if pa and pb and pa[1] == pb[1] and pa[0] != pb[0]:
                return True
    la = {lv for lv in map(title_level, a) if lv}
    lb = {lv for lv in map(title_level, b) if lv}
    return bool(la and lb and not la & lb)


# ---------------------------------------------------------------- per-report persons


@dataclass
class _Local:
    """Everything one report says about one name."""

    doc: str
    name: str
    zone: str | None
    date: str | None
    titles: list[TitleAttestation] = field(default_factory=list)
    present: bool = False
    mentions: list[tuple[str, Span]] = field(default_factory=list)

    def add_title(self, t: TitleAttestation) -> None:
        if not any(x.title == t.title and x.doc_id == t.doc_id and x.date == t.date for x in self.titles):
            self.titles.append(t)
            self.__dict__.pop("title_set", None)

    @cached_property
    def title_set(self) -> frozenset[str]:
        return frozenset(t.title for t in self.titles)


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


def _date_at(report: Report, pos: int, default: str | None) -> str | None:
    """The date of the meeting whose account a position falls in (the last one starting before it)."""
    date = None
    for m in report.meetings:
        if m.span.start <= pos:
            date = m.date or date
    if date is None and report.meetings:
        date = report.meetings[0].date
    return date or default


TITLE_GAP_RE = re.compile(r"[^。；;,，!?！？\n]{0,30}")


def _title_mention(text: str, title: str, spans: Sequence[Span]) -> Span | None:
    """The first mention written with ``title`` before the name (区党工委书记杨博), else the first mention."""
    for s in spans:
        i = text.rfind(title, max(0, s.start - 40), s.start)
        if i >= 0 and TITLE_GAP_RE.fullmatch(text, i + len(title), s.start):
            return Span(i, s.end)
        if text.startswith(title, s.end):
            return Span(s.start, s.end + len(title))  # post-posed: 吴贤德市长
    return spans[0] if spans else None


def _locals(report: Report) -> tuple[dict[str, _Local], int]:
    """The report's names with their titles, dates and mentions; and how many mentions it has."""
    doc, date = report.doc_id, report_date(report)
    out: dict[str, _Local] = {}
    count = len(report.persons)
    by_name: dict[str, list] = defaultdict(list)
    for p in report.persons:
        by_name[p.name].append(p)
    for name in _report_person_names(report):
        if not name.strip():
            log.warning("%s: empty person name skipped", doc)
            continue
        if name in out:
            continue
        if name not in by_name:
            count += 1  # named only as a participant or speaker
        loc = out[name] = _Local(doc, name, report.zone or None, date)
        for rec in by_name.get(name, []):
            loc.present = loc.present or rec.present
            loc.mentions.extend((doc, s) for s in rec.spans)
            written = {t for t, _ in rec.title_spans}
            for t, s in rec.title_spans:
                loc.add_title(TitleAttestation(t, doc, _date_at(report, s.start, date), s))
            for t in rec.titles:
                if t not in written:
                    where = _title_mention(report.text, t, rec.spans)
                    loc.add_title(TitleAttestation(t, doc, _date_at(report, where.start, date) if where else date,
                                                   where))
    for m in report.meetings:
        for part in sorted(m.participants, key=lambda p: (p.role, p.order)):
            loc = out.get(part.person)
            if loc is None:
                continue
            loc.present = True
            for t in split_titles(part.title):
                if not any(x.title == t and x.doc_id == doc for x in loc.titles):
                    loc.add_title(TitleAttestation(t, doc, m.date or date, part.span))
    for loc in out.values():
        # stable: titles written together (市委常委、区党工委书记) keep their written order
        loc.titles.sort(key=lambda t: (t.date or "", t.span.start if t.span else -1))
    return out, count


# ---------------------------------------------------------------- zones


def _canonical_zones(reports: list[Report]) -> tuple[dict[str, str | None], dict[str, dict[str, Any]]]:
    """Each report's zone, with a short form (温江区) read as the one longer name that ends with it (成都市温江区)."""
    written = sorted({r.zone for r in reports if r.zone})
    alias: dict[str, str] = {}
    for z in written:
        longer = [y for y in written if y != z and y.endswith(z) and len(z) >= 3]
        if len(longer) == 1:
            alias[z] = longer[0]
    zones = {r.doc_id: alias.get(r.zone, r.zone) if r.zone else None for r in reports}
    evidence = {r.doc_id: {"rule": RULE_ZONE_LONGER_NAME, "zone": alias[r.zone], "written": r.zone}
                for r in reports if r.zone in alias}
    return zones, evidence


def _officials(locs: dict[str, _Local]) -> dict[str, frozenset]:
    """The names a report gives a post of a zone's own bodies, with their non-generic titles.

    A national or provincial leader (总书记, 省委书记) is named by reports of every zone: no evidence of one.
    """
    out = {}
    for name, loc in locs.items():
        posts = frozenset(t for t in loc.title_set if not is_generic_title(t))
        if any(map(is_local_title, posts)):
            out[name] = posts
    return out


def _infer_zones(reports: list[Report], zones: dict[str, str | None], locs: dict[str, dict[str, _Local]],
                 ambiguities: list[dict]) -> dict[str, dict[str, Any]]:
    """Give a report that names no zone the zone of reports whose leaders it shares.

    Needs two shared officials with compatible titles, or one with the same full title of two posts or more;
    a report that would fit two zones keeps none and is listed as ambiguous.
    """
    officials = {r.doc_id: _officials(locs[r.doc_id]) for r in reports}
    holders: dict[str, list[str]] = defaultdict(list)  # official's name -> reports with a zone naming them
    for r in reports:
        if zones[r.doc_id]:
            for name in officials[r.doc_id]:
                holders[name].append(r.doc_id)
    evidence: dict[str, dict[str, Any]] = {}
    for r in reports:
        if zones[r.doc_id]:
            continue
        by_zone: dict[str, dict[str, Any]] = {}
        here = officials[r.doc_id]
        for name in sorted(here):
            a = here[name]
            for other in holders.get(name, ()):
                b = officials[other][name]
                if _conflict(a, b):
                    continue
                acc = by_zone.setdefault(zones[other], {"officials": {}, "reports": [], "decisive": False})
                if other not in acc["reports"]:
                    acc["reports"].append(other)
                acc["decisive"] = acc["decisive"] or (a == b and len(a) >= 2)
                acc["officials"].setdefault(name, {"name": name, "titles_here": sorted(a), "titles_there": sorted(b),
                                                   "shared_titles": sorted(a & b), "reports": []})["reports"].append(other)
        fits = sorted(z for z, acc in by_zone.items() if len(acc["officials"]) >= 2 or acc["decisive"])
        if len(fits) == 1:
            z = fits[0]
            acc = by_zone[z]
            evidence[r.doc_id] = {"rule": RULE_ZONE_SHARED_LEADERS, "zone": z, "reports": sorted(acc["reports"]),
                                  "shared_officials": [acc["officials"][n] for n in sorted(acc["officials"])]}
        elif len(fits) > 1:
            ambiguities.append({"kind": "zone", "doc_id": r.doc_id, "name": "", "candidates": fits,
                                "reason": "shares leaders with reports of several zones; zone left unknown"})
    for doc, ev in evidence.items():
        zones[doc] = ev["zone"]
    return evidence


# ---------------------------------------------------------------- persons


@dataclass
class _Cluster:
    members: list[_Local]
    evidence: list[MergeEvidence] = field(default_factory=list)
    titles: set[str] = field(default_factory=set)  # every title of every member
    title_sets: set[frozenset] = field(default_factory=set)  # each member's titles, once per distinct set
    last_with: dict[str, int] = field(default_factory=dict)  # title -> position of the last member with it

    def add(self, loc: _Local) -> None:
        for t in loc.title_set:
            self.last_with[t] = len(self.members)
        self.members.append(loc)
        self.titles |= loc.title_set
        self.title_sets.add(loc.title_set)

    def last_sharing(self, titles: Iterable[str]) -> _Local:
        """The last member holding one of ``titles``, else the last member."""
        return self.members[max((self.last_with[t] for t in titles if t in self.last_with), default=-1)]

    @property
    def docs(self) -> list[str]:
        return [m.doc for m in self.members]

    @property
    def zones(self) -> list[str]:
        return sorted({m.zone for m in self.members if m.zone})

    def conflicts(self, titles: frozenset) -> bool:
        return any(_conflict(t, titles) for t in self.title_sets)


@lru_cache(maxsize=65536)
def _conflict(a: frozenset, b: frozenset) -> bool:
    return titles_conflict(a, b)


def _new_cluster(loc: _Local) -> _Cluster:
    c = _Cluster([])
    c.add(loc)
    return c


def _evidence(rule: str, zone: str, a: _Local, b: _Local, shared: Iterable[str],
              names_by_doc: dict[str, set[str]]) -> MergeEvidence:
    """What two reports share about one name: the pair that joined, not the whole growing cluster."""
    co = tuple(sorted((names_by_doc[a.doc] & names_by_doc[b.doc]) - {a.name}))
    return MergeEvidence(rule, zone, (a.doc, b.doc), tuple(sorted(shared)), co, _dates([a, b]))


def _dates(locals_: Iterable[_Local]) -> tuple[str, ...]:
    return tuple(sorted({loc.date for loc in locals_ if loc.date}))


def _cluster_name(name: str, locs: list[_Local], names_by_doc: dict[str, set[str]],
                  ambiguities: list[dict]) -> list[_Cluster]:
    """The people behind one name: same-zone mentions first, then joins on a distinctive shared title."""
    clusters: list[_Cluster] = []
    by_zone: dict[str, list[_Cluster]] = defaultdict(list)
    for loc in sorted(locs, key=lambda x: x.doc):
        if loc.zone is None:
            clusters.append(_new_cluster(loc))
            continue
        mine = frozenset(loc.title_set)
        fits = [c for c in by_zone[loc.zone] if not c.conflicts(mine)]
        if len(fits) != 1:
            if fits:
                ambiguities.append({"kind": "person", "doc_id": loc.doc, "name": name,
                                    "candidates": [",".join(c.docs[:5]) for c in fits],
                                    "reason": f"fits several people of this name in {loc.zone}; kept apart"})
            c = _new_cluster(loc)
            clusters.append(c)
            by_zone[loc.zone].append(c)
            continue
        c = fits[0]
        posts = {t for t in mine if not is_generic_title(t)}
        # the report to cite: the latest one sharing a post, else the latest one
        anchor = c.last_sharing(posts)
        shared = anchor.title_set & mine
        rule = RULE_SAME_ZONE_SHARED_TITLE if shared & posts else RULE_SAME_ZONE_COMPATIBLE_TITLES
        c.evidence.append(_evidence(rule, loc.zone, anchor, loc, shared, names_by_doc))
        c.add(loc)

    # A post only one person holds joins people across zones and reports without one (总书记, 萍乡市委书记).
    parent = list(range(len(clusters)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    holders: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(clusters):
        for t in sorted(c.titles):
            if is_distinctive_title(t):
                holders[t].append(i)
    for t in sorted(holders):
        first = holders[t][0]
        for j in holders[t][1:]:
            ra, rb = find(first), find(j)
            if ra == rb:
                continue
            a, b = clusters[ra], clusters[rb]
            if a.zones and a.zones == b.zones and all(m.zone for m in a.members + b.members):
                continue  # kept apart within their zone on purpose
            if any(a.conflicts(ts) for ts in b.title_sets):
                continue
            la = next(m for m in a.members if t in m.title_set)
            lb = next(m for m in b.members if t in m.title_set)
            zone = ",".join(sorted(set(a.zones) | set(b.zones)))
            a.evidence += b.evidence + [_evidence(RULE_DISTINCTIVE_TITLE, zone, la, lb, [t], names_by_doc)]
            for m in b.members:
                a.add(m)
            a.members.sort(key=lambda x: x.doc)
            a.last_with = {t: i for i, m in enumerate(a.members) for t in m.title_set}
            parent[rb] = ra
    clusters = [c for i, c in enumerate(clusters) if find(i) == i]

    # A name in a report without a zone that other zones' reports also use: not decided, so said.
    zoned = [c for c in clusters if c.zones]
    for c in clusters:
        if c.zones or len(c.members) > 1:
            continue
        mine = frozenset(c.members[0].title_set)
        cands = sorted({",".join(o.zones) for o in zoned if not o.conflicts(mine)})
        if cands:
            ambiguities.append({"kind": "person", "doc_id": c.members[0].doc, "name": name, "candidates": cands,
                                "reason": "the report names no zone; same name in other zones; kept apart"})
    return clusters


def _person_entities(clusters_by_name: dict[str, list[_Cluster]]) -> dict[str, PersonEntity]:
    entities: dict[str, PersonEntity] = {}
    for name in sorted(clusters_by_name):
        primary: dict[str, _Cluster] = {}
        for c in sorted(clusters_by_name[name], key=lambda c: c.docs[0]):
            if len(c.zones) == 1 and all(m.zone for m in c.members):
                primary.setdefault(c.zones[0], c)
        for c in clusters_by_name[name]:
            scoped = len(c.zones) == 1 and primary.get(c.zones[0]) is c
            zone = c.zones[0] if scoped else None
            key = person_key(name, zone, c.docs[0])
            titles = sorted((t for m in c.members for t in m.titles),
                            key=lambda t: (t.date or "", t.doc_id, t.span.start if t.span else -1))
            entities[key] = PersonEntity(
                key=key, name=name, zone=zone, titles=tuple(titles), reports=tuple(sorted(c.docs)),
                present=any(m.present for m in c.members),
                mentions=tuple(sorted((mm for m in c.members for mm in m.mentions),
                                      key=lambda x: (x[0], x[1].start, x[1].end))),
                evidence=tuple(c.evidence), zones=tuple(c.zones),
            )
    return dict(sorted(entities.items()))


def resolve(reports: Sequence[Report]) -> Resolution:
    """Persons and organizations across reports, merged on evidence; zones inferred from shared leaders."""
    reports = sorted_reports(reports)
    zones, zone_evidence = _canonical_zones(reports)
    locs: dict[str, dict[str, _Local]] = {}
    mention_count = 0
    for r in reports:
        locs[r.doc_id], n = _locals(r)
        mention_count += n
        for loc in locs[r.doc_id].values():
            loc.zone = zones[r.doc_id]
    ambiguities: list[dict] = []
    inferred = _infer_zones(reports, zones, locs, ambiguities)
    for doc in inferred:
        for loc in locs[doc].values():
            loc.zone = zones[doc]
    zone_evidence.update(inferred)

    names_by_doc = {doc: set(ls) for doc, ls in locs.items()}
    by_name: dict[str, list[_Local]] = defaultdict(list)
    for doc in sorted(locs):
        for loc in locs[doc].values():
            by_name[loc.name].append(loc)
    clusters = {name: _cluster_name(name, by_name[name], names_by_doc, ambiguities) for name in sorted(by_name)}
    entities = _person_entities(clusters)
    lookup: dict[tuple[str, str], str] = {}
    for key, e in entities.items():
        for doc in e.reports:
            lookup[(doc, e.name)] = key

    organizations, org_lookup, org_mentions = _resolve_organizations(reports, zones)
    names = Counter(e.name for e in entities.values())
    ambiguities.sort(key=lambda a: (a["kind"], a["name"], a["doc_id"]))
    stats = {
        "person_mentions": mention_count,
        "person_entities": len(entities),
        "persons_merged": sum(1 for e in entities.values() if len(e.reports) > 1),
        "names_kept_apart": sum(1 for n in names.values() if n > 1),
        "ambiguous": len(ambiguities),
        "zones_inferred": len(inferred),
        "organization_mentions": org_mentions,
        "organization_entities": len(organizations),
    }
    return Resolution(persons=entities, organizations=organizations, lookup=dict(sorted(lookup.items())),
                      org_lookup=org_lookup, stats=stats, zones=dict(sorted(zones.items())),
                      zone_evidence=dict(sorted(zone_evidence.items())), ambiguities=tuple(ambiguities))


# ---------------------------------------------------------------- organizations


@lru_cache(maxsize=256)
def city_of(zone: str) -> str | None:
    """The city a zone belongs to: 萍乡市安源区 -> 萍乡市; 萍乡经济技术开发区 -> 萍乡市 (a zone is named after its city)."""
    i = zone.find("市")
    if 2 <= i < len(zone) - 1:
        return zone[:i + 1]
    m = DEV_ZONE_RE.match(zone)
    if not m or "县" in zone:
        return None
    import jieba
    import jieba.posseg

    first = jieba.lcut(m.group(1), HMM=False)[0]
    tag = jieba.posseg.dt.word_tag_tab.get(first, "")
    return first + "市" if len(first) >= 2 and tag == "ns" else None


def canonical_organization(name: str, zone: str | None, zone_short: str | None) -> tuple[str, str | None]:
    """An organization's full name and scope in a report about ``zone``.

    区党工委, 经开区党工委 or 管委会 in a report about 萍乡经济技术开发区 are 萍乡经济技术开发区党工委 / 管委会
    (scope: the zone); 市委 in it is 萍乡市委 (scope: the city). Other names stay as written, scoped to the zone.
    """
    if not zone:
        return name, None
    n = name.removeprefix("中共")
    prefixes = {zone, "区", "县", ""} | ({zone_short} if zone_short else set())
    if DEV_ZONE_RE.match(zone):
        prefixes |= {s for s in DEV_ZONE_SHORTS if zone.endswith(s) or s in (zone_short or "")}
        prefixes.add(DEV_ZONE_RE.match(zone).group(1) + next(s for s in DEV_ZONE_SHORTS if zone.endswith(s)))
        prefixes |= {DEV_ZONE_RE.match(zone).group(1) + s for s in DEV_ZONE_SHORTS}
    level = "县" if zone.endswith("县") else "区"
    for prefix in sorted(prefixes, key=len, reverse=True):
        if not n.startswith(prefix):
            continue
        rest = n[len(prefix):]
        organ = next((o for o in ZONE_ORGANS if rest.startswith(o)), None)
        if organ is None or (prefix == "" and organ not in BARE_ZONE_ORGANS):
            continue
        if prefix in ("区", "县") and prefix != level and not DEV_ZONE_RE.match(zone):
            continue  # 县委 in a report about a district is another body
        if prefix == "" and not DEV_ZONE_RE.match(zone):
            continue
        return zone + rest, zone
    city = city_of(zone)
    if city:
        for prefix in (city, "市"):
            rest = n[len(prefix):] if n.startswith(prefix) else None
            if rest and any(rest.startswith(o) for o in CITY_ORGANS):
                return city + rest, city
    return name, zone


def classification(kind: str) -> str:
    """The organization classes of the graph: party, government, congress, cppcc, committee, township, other."""
    return CLASSIFICATION.get(kind, "other")


def _parents(key: str, name: str, scope: str | None, kind: str, keys_by_scope_name: dict[tuple[str, str], str],
             zones: set[str]) -> tuple[tuple[str, str], ...]:
    """Which body or zone an organization belongs to, and the rule that says so."""
    if not scope:
        return ()
    out: list[tuple[str, str]] = []
    if scope in zones and name.startswith(scope) and name != scope:
        rest = name[len(scope):]
        for part, rule in (("党组", RULE_PART_OF_BODY), ("常委会", RULE_PART_OF_BODY)):
            body = keys_by_scope_name.get((scope, scope + rest.removesuffix(part)))
            if rest.endswith(part) and body and body != key:
                out.append((body, rule))
                break
        else:
            out.append((f"zone:{scope}", RULE_ORGAN_OF_ZONE))
            city = city_of(scope)
            if city:
                # a zone's 党工委/管委会 are sent by the city's party committee and government;
                # a district's 区委 answers to the city's 市委
                target = {"党工委": "委", "管委会": "政府", "委": "委"}.get(rest)
                parent = keys_by_scope_name.get((city, city + target)) if target else None
                if parent is None and rest == "管委会":
                    parent = keys_by_scope_name.get((city, city + "人民政府"))
                if parent:
                    rule = RULE_LOWER_LEVEL_COMMITTEE if rest == "委" else RULE_DISPATCHED_BY_CITY
                    out.append((parent, rule))
    elif scope in zones and kind in TOWNSHIP_KINDS:
        out.append((f"zone:{scope}", RULE_TOWNSHIP_IN_ZONE))
    return tuple(out)


def _resolve_organizations(
    reports: Sequence[Report], zones: dict[str, str | None],
) -> tuple[dict[str, OrganizationEntity], dict[tuple[str, str], str], int]:
    kinds: dict[str, Counter] = defaultdict(Counter)
    info: dict[str, tuple[str, str | None]] = {}
    written: dict[str, list[str]] = defaultdict(list)
    reps: dict[str, set[str]] = defaultdict(set)
    mentions: dict[str, list[tuple[str, Span]]] = defaultdict(list)
    lookup: dict[tuple[str, str], str] = {}
    count = 0
    for report in sorted_reports(reports):
        zone = zones.get(report.doc_id) or None
        for o in report.organizations:
            if not o.name.strip():
                log.warning("%s: empty organization name skipped", report.doc_id)
                continue
            count += 1
            name, scope = canonical_organization(o.name, zone, report.zone_short)
            key = organization_key(name, scope, report.doc_id)
            lookup[(report.doc_id, o.name)] = key
            info[key] = (name, scope)
            kinds[key][o.kind] += 1
            if o.name not in written[key]:
                written[key].append(o.name)
            reps[key].add(report.doc_id)
            mentions[key].append((report.doc_id, o.span))
    by_scope_name = {(scope, name): key for key, (name, scope) in info.items() if scope}
    zone_names = {z for z in zones.values() if z}
    entities = {}
    for key in sorted(info):
        name, scope = info[key]
        # most frequent kind; ties go to the alphabetically first so the choice is stable
        kind = sorted(kinds[key].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        entities[key] = OrganizationEntity(
            key=key, name=name, zone=scope, kind=kind, reports=tuple(sorted(reps[key])),
            mentions=tuple(sorted(mentions[key], key=lambda m: (m[0], m[1].start, m[1].end))),
            names=tuple(written[key]), classification=classification(kind),
            parents=_parents(key, name, scope, kind, by_scope_name, zone_names),
        )
    return entities, dict(sorted(lookup.items())), count


__all__ = [
    "RULE_SAME_ZONE_SHARED_TITLE", "RULE_SAME_ZONE_COMPATIBLE_TITLES", "RULE_DISTINCTIVE_TITLE",
    "RULE_ZONE_SHARED_LEADERS", "COLLECTIVE_SPEAKER", "TitleAttestation", "MergeEvidence", "PersonEntity",
    "OrganizationEntity", "Resolution", "resolve", "person_key", "organization_key", "report_date", "split_titles",
    "sorted_reports", "titles_conflict", "title_level", "is_local_title", "title_place", "is_distinctive_title", "is_generic_title",
    "canonical_organization", "city_of", "classification",
]

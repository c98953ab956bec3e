"""Extract stage: one normalized report in, one typed ``Report`` out."""
from __future__ import annotations

import re

from ..records import (Directive, Document, DocumentRef, Meeting, NormalizedText, Organization, Participation,
                       Person, Report, Span)
from . import directives as _directives
from . import furniture, meetings as _meetings, organizations as _orgs, persons as _persons
from .lexicon import PARTY_CONGRESSES
from .text import YEAR_RE, sentences

EXTRACTOR = "kg.extract.rules/1"
MEETING_SAYS_RE = re.compile(r"(?:^|[。\s])(会议)(?:还|最后|同时|并)?(强调|要求|指出|号召|认为|提出)[,，:：]?")
MEETING_STATEMENT_RE = re.compile(r"(?:^|[。\s])会议(?:还)?(?:传达|审议|听取|研究|通报|讨论|通过|学习|分析|总结|决定|以)")
FAR_YEAR_RE = re.compile(r"到|至|截至|截止|远景|以来|以前|前")


def infer_year(month: int, day: int, published: str | None, text: str) -> int | None:
    """The year of a year-less date, from the publication date, years in the text, or party-congress context."""
    if published:
        py, pm, pd = (int(x) for x in published.split("-"))
        return py if (month, day) <= (pm, pd) else py - 1
    years = []
    for m in YEAR_RE.finditer(text):
        around = text[max(0, m.start() - 3):m.start()] + text[m.end():m.end() + 3]
        if FAR_YEAR_RE.search(around):
            continue
        years.append(int(m.group(1)))
    if years:
        return max(years)
    for congress, (cy, cm) in PARTY_CONGRESSES.items():
        if re.search(f"迎接党的{congress}|迎接{congress}|喜迎{congress}|喜迎党的{congress}", text) and month <= cm:
            return cy
        if re.search(f"{congress}精神|{congress}胜利闭幕|{congress}胜利召开", text) and month >= cm:
            return cy
    return None


def _iso(year: int | None, month: int | None, day: int | None) -> str | None:
    if month is None or day is None:
        return None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"XXXX-{month:02d}-{day:02d}"


def _speech_starts(text: str, mentions, episodes) -> list[tuple[int, int, str]]:
    """Where each speech begins: a name or pronoun, then 强调/指出/要求… (position, end of lead, speaker)."""
    starts: list[tuple[int, int, str]] = []
    last: str | None = None
    points = [(m.name_start, m.end, m.name) for m in mentions]
    points += [(pm.start(1), pm.end(1), None) for pm in _meetings.PRONOUN_RE.finditer(text)]
    points.sort()
    nexts = [p[0] for p in points[1:]] + [len(text)]
    for (s, e, name), nxt in zip(points, nexts):
        ep = next((x for x in episodes if x.start <= s < x.end), None)
        reach = 40
        if ep is not None and ep.kind == "visit" and ep.anchor.start <= s < ep.anchor.end:
            reach = ep.anchor.end - e
        limit = min(nxt, e + reach, len(text))
        window = text[e:limit]
        lead = _directives.SPEECH_LEAD_RE.search(window)
        if not lead or "。" in window[:lead.start()]:
            if name is not None and {"speaker", "chair"} & set(_meetings.roles_after(window)):
                last = name
            continue
        if lead.start() > 0 and not (ep is not None and ep.kind == "visit") and not _meetings.SPEAK_AFTER_RE.match(window):
            continue
        speaker = name or last
        if speaker is None:
            continue
        last = speaker
        starts.append((s, e + lead.end(), speaker))
    return starts


def extract(doc: Document, norm: NormalizedText) -> Report:
    """Run every extractor over one report."""
    text = norm.text
    warnings = list(doc.warnings) + list(norm.warnings)
    published = furniture.published_date(text)
    byline_names, furniture_spans = furniture.bylines(text)
    sents = sentences(text)
    mentions = [m for m in _persons.find_mentions(text, furniture_spans) if m.name not in byline_names]
    episodes = _meetings.find_episodes(text, sents)
    _meetings.assign_roles(text, episodes, mentions)

    meetings: list[Meeting] = []
    for ep in episodes:
        year = ep.year
        if year is None and ep.month is not None:
            year = infer_year(ep.month, ep.day, published, text)
        order = {}
        parts = []
        for name, role, s, e, title in ep.roles:
            key = (name, role)
            if key in order:
                continue
            order[key] = len(order)
            parts.append(Participation(name, role, 0, Span(s, e), title))
        chairs = {p.person for p in parts if p.role == "chair"}
        speakers = [p for p in parts if p.role == "speaker"]
        for p in speakers:
            if p.person not in chairs and (p.person, "attendee") not in order:
                order[(p.person, "attendee")] = len(order)
                parts.append(Participation(p.person, "attendee", 0, p.span, p.title))
        parts = [p for p in parts if not (p.role == "attendee" and p.person in chairs)]
        parts.sort(key=lambda p: (p.span.start, p.role))
        parts = [Participation(p.person, p.role, i, p.span, p.title) for i, p in enumerate(parts)]
        meetings.append(Meeting(_iso(year, ep.month, ep.day), ep.time_of_day, ep.name,
                                Span(ep.anchor.start, ep.anchor.end), tuple(parts), ep.kind))

    # Persons: titles are the union over mentions; present when they took a role.
    present = {p.person for m in meetings for p in m.participants}
    persons: dict[str, dict] = {}
    for m in mentions:
        entry = persons.setdefault(m.name, {"titles": [], "spans": []})
        for t in m.titles:
            if t not in entry["titles"]:
                entry["titles"].append(t)
        entry["spans"].append(Span(m.name_start, m.name_end))
    person_records = tuple(Person(n, tuple(v["titles"]), n in present, tuple(v["spans"])) for n, v in persons.items())

    # Directives: speeches start at "X强调," and run until the next speech or meeting.
    ep_index = [(ep.start, i) for i, ep in enumerate(episodes)]
    starts = _speech_starts(text, mentions, episodes)
    for m in MEETING_SAYS_RE.finditer(text):
        starts.append((m.start(1), m.end(), "会议"))
    stops = [ep.start for ep in episodes] + [m.start() for m in MEETING_STATEMENT_RE.finditer(text)]
    found = _directives.find_directives(text, sents, starts, stops)
    directive_records = []
    for d in found:
        idx = max([i for st, i in ep_index if st <= d.start] or [0])
        if not meetings:
            continue
        directive_records.append(Directive(d.speaker, idx, text[d.start:d.end].strip(), Span(d.start, d.end)))

    zone_full, zone_short, _ = _orgs.zone(text)
    orgs = tuple(Organization(n, _orgs.kind_of(n), Span(s, e)) for n, s, e in _orgs.organizations(text))
    works = tuple(DocumentRef(t, Span(s, e)) for t, s, e in _orgs.referenced_works(text))
    if not meetings:
        warnings.append(f"{doc.path}: no meeting found")
    return Report(
        doc_id=doc.doc_id, path=doc.path, sha256=doc.sha256, text=text, script=norm.script,
        published=published, zone=zone_full, zone_short=zone_short, meetings=tuple(meetings),
        persons=person_records, organizations=orgs, referenced_documents=works,
        directives=tuple(directive_records), bylines=tuple(byline_names), warnings=tuple(warnings),
        extractor=EXTRACTOR,
    )

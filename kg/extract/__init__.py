"""Extract stage: one normalized report in, one typed ``Report`` out."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from operator import itemgetter

from ..records import (Directive, Document, DocumentRef, Meeting, NormalizedText, Organization, Participation,
                       Person, Report, Span)
from . import directives as _directives
from . import furniture, meetings as _meetings, organizations as _orgs, persons as _persons
from .dates import meeting_date
from .text import sentences

EXTRACTOR = "kg.extract.rules/1"
# 会议 at the start of the text or of a sentence. The check on what precedes comes after the word, so the
# pattern starts with 会议 and the regex engine can skip ahead to it; a match starts at 会议 itself.
_MEETING_AT_BREAK = r"会议(?<![^。\s]会议)"
MEETING_SAYS_RE = re.compile(rf"({_MEETING_AT_BREAK})(?:还|最后|同时|并)?(强调|要求|指出|号召|认为|提出)[,，:：]?")
MEETING_STATEMENT_RE = re.compile(rf"{_MEETING_AT_BREAK}(?:还)?(?:传达|审议|听取|研究|通报|讨论|通过|学习|分析|总结|决定|以)")


def _episode_at(episodes: list[_meetings.Episode], starts: list[int], pos: int) -> _meetings.Episode | None:
    """The first episode whose account holds ``pos``, or None.

    Episodes start in text order and each runs until the next later start, so only those with the
    last start at or before ``pos`` can hold it, and they all end at the same place.
    """
    i = bisect_right(starts, pos) - 1
    if i < 0:
        return None
    i = bisect_left(starts, starts[i])
    return episodes[i] if pos < episodes[i].end else None


# Sort keys of a role (person, role, start, end, title), read without a Python call.
_AT = itemgetter(2)
_AT_THEN_ROLE = itemgetter(2, 1)
# The roles whose holder a later pronoun (他强调) may stand for.
_LEAD_ROLES = frozenset({"speaker", "chair"})


def _speech_starts(text: str, mentions, episodes) -> list[tuple[int, int, str]]:
    """Where each speech begins: a name or pronoun, then 强调/指出/要求… (position, end of lead, speaker)."""
    starts: list[tuple[int, int, str]] = []
    last: str | None = None
    # A name that is the object of 学习/贯彻/宣讲… (宣讲习近平总书记…精神) neither speaks nor ends the speaker's lead.
    points = [(m.name_start, m.end, m.name) for m in mentions
              if not _meetings.is_object(text, m.start)]
    points += [(pm.start(1), pm.end(1), None) for pm in _meetings.pronoun_speeches(text)]
    points.sort()
    nexts = [p[0] for p in points[1:]] + [len(text)]
    ep_starts = [x.start for x in episodes]
    for (s, e, name), nxt in zip(points, nexts):
        ep = _episode_at(episodes, ep_starts, s)
        reach = 40
        if ep is not None and ep.kind == "visit" and ep.anchor.start <= s < ep.anchor.end:
            reach = ep.anchor.end - e
        limit = min(nxt, e + reach, len(text))
        window = text[e:limit]
        lead = _directives.SPEECH_LEAD_RE.search(window)
        if not lead or window.find("。", 0, lead.start()) >= 0:
            if name is not None and not _LEAD_ROLES.isdisjoint(_meetings.roles_after(window)):
                last = name
            continue
        in_visit = ep is not None and ep.kind == "visit"
        if lead.start() > 0 and not in_visit and not _meetings.SPEAK_AFTER_RE.match(window):
            continue
        speaker = name or last
        if speaker is None:
            continue
        last = speaker
        starts.append((s, e + lead.end(), speaker))
    return starts


def _participants(ep: _meetings.Episode) -> list[Participation]:
    """An episode's participations in text order, each person's role once, at its first mention."""
    seen: set[tuple[str, str]] = set()
    parts: list[tuple[str, str, int, int, str]] = []  # person, role, start, end, title
    for r in sorted(ep.roles, key=_AT):
        if (r[0], r[1]) not in seen:
            seen.add((r[0], r[1]))
            parts.append(r)
    chairs = {p[0] for p in parts if p[1] == "chair"}
    for p in [p for p in parts if p[1] == "speaker"]:
        if p[0] not in chairs and (p[0], "attendee") not in seen:
            seen.add((p[0], "attendee"))
            parts.append((p[0], "attendee", p[2], p[3], p[4]))
    if ep.kind != "visit":  # a visitor who also chairs a 座谈会 on the way is still a visitor
        parts = [p for p in parts if not (p[1] == "attendee" and p[0] in chairs)]
    parts.sort(key=_AT_THEN_ROLE)
    return [Participation(name, role, i, Span(s, e), title) for i, (name, role, s, e, title) in enumerate(parts)]


def _directive_records(text: str, found: list[_directives.DirectiveSpan], ep_starts: list[int]) -> list[Directive]:
    """Each directive's record: its text without the white space around it, and the span of just that text."""
    out: list[Directive] = []
    # One loop over plain tuples: a report has dozens of directives, and a call per directive is a share of its time.
    for speaker, start, end in found:
        raw = text[start:end]
        body = raw.strip()
        # Episodes start in text order, so a directive belongs to the last one starting at or before it.
        meeting_index = max(bisect_right(ep_starts, start) - 1, 0)
        # Most directives have no white space around them, and need no second pass.
        if len(body) != len(raw):
            start += len(raw) - len(raw.lstrip())
        out.append(Directive(speaker, meeting_index, body, Span(start, start + len(body))))
    return out


def extract(doc: Document, norm: NormalizedText) -> Report:
    """Run every extractor over one report."""
    text = norm.text
    warnings = list(doc.warnings) + list(norm.warnings)
    published = furniture.published_date(text)
    byline_names, furniture_spans = furniture.bylines(text)
    sents = sentences(text)
    lists = _persons.header_lists(text)
    mentions = _persons.find_mentions(text, furniture_spans, lists)
    # A byline name counts as a person only where the body names them with a title or a role (审稿人 who attended).
    in_body = {m.name for m in mentions if m.via != "known"}
    mentions = [m for m in mentions if m.name not in byline_names or m.name in in_body]
    episodes = _meetings.find_episodes(text, sents)
    _meetings.assign_roles(text, episodes, mentions, lists)

    meetings: list[Meeting] = []
    for ep in episodes:
        parts = _participants(ep)
        date = meeting_date(ep.year, ep.month, ep.day, published, text, ep.day_offset)
        meetings.append(Meeting(date, ep.time_of_day, ep.name, Span(ep.anchor.start, ep.anchor.end), tuple(parts),
                                ep.kind))

    # Persons: titles are the union over mentions; present when they took a role.
    present = {p.person for m in meetings for p in m.participants}
    persons: dict[str, tuple[list[str], list[Span], list[tuple[str, Span]]]] = {}  # titles, spans, title spans
    for name, start, name_start, name_end, end, titles, _ in mentions:
        entry = persons.get(name)
        if entry is None:  # not setdefault: that would build a fresh entry for every mention
            entry = persons[name] = ([], [], [])
        for t in titles:
            if t not in entry[0]:
                entry[0].append(t)
            entry[2].append((t, Span(start, end)))
        entry[1].append(Span(name_start, name_end))
    person_records = tuple(Person(n, tuple(titles), n in present, tuple(spans), tuple(title_spans))
                           for n, (titles, spans, title_spans) in persons.items())

    # Directives: speeches start at "X强调," and run until the next speech or meeting.
    ep_starts = [ep.start for ep in episodes]
    starts = _speech_starts(text, mentions, episodes)
    for m in MEETING_SAYS_RE.finditer(text):
        starts.append((m.start(1), m.end(), "会议"))
    # A statement stops the speech at the break before its 会议 (at 0 for a text that starts with it).
    stops = [ep.start for ep in episodes] + [max(m.start() - 1, 0) for m in MEETING_STATEMENT_RE.finditer(text)]
    found = _directives.find_directives(text, sents, starts, stops)
    directive_records = _directive_records(text, found, ep_starts) if meetings else []

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

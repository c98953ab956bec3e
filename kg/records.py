"""Typed records passed between pipeline stages; each one dumps to and loads from plain JSON."""
from __future__ import annotations

import copyreg
import operator
from dataclasses import MISSING, dataclass, fields
from typing import Any

ROLES = ("chair", "speaker", "attendee")


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range of code points [start, end) in a report's normalized text."""

    start: int
    end: int

    def to_list(self) -> list[int]:
        return [self.start, self.end]

    @classmethod
    def from_list(cls, value: list[int]) -> "Span":
        return cls(int(value[0]), int(value[1]))


@dataclass(frozen=True, slots=True)
class Document:
    """A report as loaded from disk: decoded text, before any normalization."""

    doc_id: str
    path: str
    text: str
    encoding: str
    format: str  # "text" or "html"
    sha256: str  # of the file's bytes
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Normalized (simplified, de-annotated, repaired) text with a map back to the original.

    ``offsets[i]`` is the index in ``original`` of normalized character ``i``;
    ``offsets[len(text)]`` is ``len(original)``, so a span maps back as
    ``original[offsets[start]:offsets[end]]``.
    """

    text: str
    original: str
    offsets: tuple[int, ...]
    script: str  # "simplified", "traditional" or "traditional-pinyin-garbled"
    warnings: tuple[str, ...] = ()

    def original_span(self, span: Span) -> Span:
        return Span(self.offsets[span.start], self.offsets[span.end])


@dataclass(frozen=True, slots=True)
class Participation:
    """One person's role at one meeting, with the text that says so."""

    person: str
    role: str  # one of ROLES
    order: int  # position in the list the text gives, from 0
    span: Span
    title: str = ""  # the title written with the name in that sentence, if any


@dataclass(frozen=True, slots=True)
class Meeting:
    """A meeting or meeting-like event (visit, 调研) described in a report."""

    date: str | None  # "2022-10-26", "XXXX-10-26" when the year is unknown, or None
    time_of_day: str | None  # 上午 / 下午 / 晚上
    name: str
    span: Span
    participants: tuple[Participation, ...] = ()
    kind: str = "meeting"  # "meeting" or "visit"

    def names(self, role: str) -> list[str]:
        seen: list[str] = []
        for p in sorted(self.participants, key=lambda p: p.order):
            if p.role == role and p.person not in seen:
                seen.append(p.person)
        return seen

    @property
    def chairs(self) -> list[str]:
        return self.names("chair")

    @property
    def speakers(self) -> list[str]:
        return self.names("speaker")

    @property
    def attendees(self) -> list[str]:
        return self.names("attendee")


@dataclass(frozen=True, slots=True)
class Person:
    """A person named in a report body, with the titles written with the name."""

    name: str
    titles: tuple[str, ...]
    present: bool
    spans: tuple[Span, ...]  # every mention
    title_spans: tuple[tuple[str, Span], ...] = ()  # each title with the span of the mention that writes it


@dataclass(frozen=True, slots=True)
class Organization:
    """A named body (party committee, government, town...) acting or addressed in a report."""

    name: str
    kind: str  # party, government, congress, cppcc, committee, township, zone, other
    span: Span


@dataclass(frozen=True, slots=True)
class Directive:
    """One instruction point a speaker gave at a meeting."""

    speaker: str  # a person's name, or "会议" for a collective statement
    meeting_index: int
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A titled work (《…》) studied or conveyed in a report."""

    title: str
    span: Span


@dataclass(frozen=True, slots=True)
class Report:
    """Everything extracted from one report; its JSON form uses the gold schema's field names."""

    doc_id: str
    path: str
    sha256: str
    text: str  # normalized text all spans refer to
    script: str
    published: str | None
    zone: str | None
    zone_short: str | None
    meetings: tuple[Meeting, ...] = ()
    persons: tuple[Person, ...] = ()
    organizations: tuple[Organization, ...] = ()
    referenced_documents: tuple[DocumentRef, ...] = ()
    directives: tuple[Directive, ...] = ()
    bylines: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    extractor: str = ""

    def text_only(self) -> "Report":
        """This report without its extracted records: what the graph files need once the graph holds the rest
        (the text its spans index, and the file it came from)."""
        return Report(self.doc_id, self.path, self.sha256, self.text, self.script, self.published, self.zone,
                      self.zone_short, extractor=self.extractor)

    def to_json(self, *, with_text: bool = False) -> dict[str, Any]:
        """The gold-schema view, plus spans and provenance under extra keys."""
        out: dict[str, Any] = {
            "doc_id": self.doc_id,
            "path": self.path,
            "sha256": self.sha256,
            "script": self.script,
            "published": self.published,
            "zone": self.zone,
            "zone_short": self.zone_short,
            "meetings": [
                {
                    "date": m.date,
                    "time_of_day": m.time_of_day,
                    "name": m.name,
                    "kind": m.kind,
                    "chairs": m.chairs,
                    "speakers": m.speakers,
                    "attendees": m.attendees,
                    "span": m.span.to_list(),
                    "participants": [
                        {"person": p.person, "role": p.role, "order": p.order,
                         "title": p.title, "span": p.span.to_list()}
                        for p in m.participants
                    ],
                }
                for m in self.meetings
            ],
            "persons": [
                {"name": p.name, "titles": list(p.titles), "present": p.present,
                 "spans": [s.to_list() for s in p.spans],
                 "title_spans": [[t, s.to_list()] for t, s in p.title_spans]}
                for p in self.persons
            ],
            "bylines": list(self.bylines),
            "organizations": [o.name for o in self.organizations],
            "organization_details": [
                {"name": o.name, "kind": o.kind, "span": o.span.to_list()} for o in self.organizations
            ],
            "referenced_documents": [d.title for d in self.referenced_documents],
            "referenced_document_spans": [d.span.to_list() for d in self.referenced_documents],
            "directives": [
                {"speaker": d.speaker, "meeting_index": d.meeting_index, "text": d.text,
                 "span": d.span.to_list()}
                for d in self.directives
            ],
            "warnings": list(self.warnings),
            "extractor": self.extractor,
        }
        if with_text:
            out["text"] = self.text
        return out

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> "Report":
        """Rebuild a report from ``to_json(with_text=True)`` output."""
        meetings = tuple(
            Meeting(
                date=m["date"], time_of_day=m["time_of_day"], name=m["name"],
                span=Span.from_list(m["span"]), kind=m.get("kind", "meeting"),
                participants=tuple(
                    Participation(p["person"], p["role"], p["order"], Span.from_list(p["span"]),
                                  p.get("title", ""))
                    for p in m.get("participants", [])
                ),
            )
            for m in obj.get("meetings", [])
        )
        persons = tuple(
            Person(p["name"], tuple(p["titles"]), p["present"],
                   tuple(Span.from_list(s) for s in p.get("spans", [])),
                   tuple((t, Span.from_list(s)) for t, s in p.get("title_spans", [])))
            for p in obj.get("persons", [])
        )
        orgs = tuple(
            Organization(o["name"], o["kind"], Span.from_list(o["span"]))
            for o in obj.get("organization_details", [])
        )
        refs = tuple(
            DocumentRef(t, Span.from_list(s))
            for t, s in zip(obj.get("referenced_documents", []), obj.get("referenced_document_spans", []))
        )
        directives = tuple(
            Directive(d["speaker"], d["meeting_index"], d["text"], Span.from_list(d["span"]))
            for d in obj.get("directives", [])
        )
        return cls(
            doc_id=obj["doc_id"], path=obj.get("path", ""), sha256=obj.get("sha256", ""),
            text=obj.get("text", ""), script=obj.get("script", "simplified"),
            published=obj.get("published"), zone=obj.get("zone"), zone_short=obj.get("zone_short"),
            meetings=meetings, persons=persons, organizations=orgs,
            referenced_documents=refs, directives=directives,
            bylines=tuple(obj.get("bylines", [])), warnings=tuple(obj.get("warnings", [])),
            extractor=obj.get("extractor", ""),
        )


__all__ = [
    "ROLES", "Span", "Document", "NormalizedText", "Participation", "Meeting", "Person",
    "Organization", "Directive", "DocumentRef", "Report",
]


# The records a Report is made of.
RECORDS = (Span, Participation, Meeting, Person, Organization, Directive, DocumentRef, Report)


def _by_fields(cls: type):
    """A pickle reducer that rebuilds a record by calling its class with its fields."""
    names = [f.name for f in fields(cls)]
    get = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda obj: (cls, (get(obj),))
    return lambda obj: (cls, get(obj))


def _slot_init(cls: type) -> None:
    """Give a frozen slotted record an ``__init__`` that fills each slot through the slot's own descriptor.

    The generated one calls ``object.__setattr__`` per field, which looks the descriptor up every time;
    a report builds about a hundred records, so that lookup is a sizeable share of extracting it. The
    signature (names, order, defaults) is the generated one's, so keyword construction and
    ``dataclasses.replace`` work as before.
    """
    if hasattr(cls, "__post_init__") or any(f.default_factory is not MISSING for f in fields(cls)):
        return  # the generated __init__ does more than fill slots: keep it
    params, body, scope = [], [], {}
    for f in fields(cls):
        scope[f"_set_{f.name}"] = getattr(cls, f.name).__set__
        if f.default is MISSING:
            params.append(f.name)
        else:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        body.append(f"    _set_{f.name}(self, {f.name})")
    exec(f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body), scope)
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init


for _record in RECORDS + (Document, NormalizedText):
    _slot_init(_record)


# Frozen dataclasses with slots pickle through the generic dataclass state functions, which look up the
# fields of every object; a report holds a hundred records and crosses from a worker (and into the
# cache) per report, so records pickle as a call of their class instead: half the time.
for _record in RECORDS:
    copyreg.pickle(_record, _by_fields(_record))

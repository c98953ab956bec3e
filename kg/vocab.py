"""Closed RDF vocabularies: the kg namespace and the external terms kg emits, so a typo raises."""
from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

KG_BASE = "https://kg.example.org/"
KG_NS = KG_BASE + "ns#"
DATA_BASE = KG_BASE + "id/"
ONTOLOGY_IRI = KG_BASE + "ns"

SCHEMA_NS = "https://schema.org/"
ORG_NS = "http://www.w3.org/ns/org#"
PROV_NS = "http://www.w3.org/ns/prov#"
OA_NS = "http://www.w3.org/ns/oa#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
BESLUIT_NS = "http://data.vlaanderen.be/ns/besluit#"


class KG(DefinedNamespace):
    """Terms minted by kg; every one is declared in ontology/kg.ttl."""

    _NS = Namespace(KG_NS)
    _fail = True

    # classes
    Meeting: URIRef
    Visit: URIRef
    Zone: URIRef
    Directive: URIRef
    Participation: URIRef
    ParticipantRole: URIRef
    Post: URIRef
    PostAttestation: URIRef

    # roles (individuals of ParticipantRole)
    ChairRole: URIRef
    SpeakerRole: URIRef
    AttendeeRole: URIRef

    # object properties
    chair: URIRef
    speaker: URIRef
    givenAt: URIRef
    inZone: URIRef
    textSpan: URIRef
    participant: URIRef
    inEvent: URIRef
    role: URIRef
    holder: URIRef
    post: URIRef

    # datatype properties
    dateWithoutYear: URIRef
    partOfDay: URIRef
    listOrder: URIRef
    titleAsWritten: URIRef
    attestedOn: URIRef
    organizationKind: URIRef
    collective: URIRef
    resolutionRule: URIRef
    script: URIRef
    fileSha256: URIRef
    textSha256: URIRef
    textLength: URIRef
    extractor: URIRef


class OA(DefinedNamespace):
    """The Web Annotation terms kg uses (rdflib ships no OA namespace)."""

    _NS = Namespace(OA_NS)
    _fail = True

    SpecificResource: URIRef
    TextPositionSelector: URIRef
    TextQuoteSelector: URIRef
    hasSource: URIRef
    hasSelector: URIRef
    start: URIRef
    end: URIRef
    exact: URIRef
    prefix: URIRef
    suffix: URIRef


class SCHEMA(DefinedNamespace):
    """The schema.org terms kg emits; rdflib's SDO is open, this subset is closed."""

    _NS = Namespace(SCHEMA_NS)
    _fail = True

    Event: URIRef
    Person: URIRef
    NewsArticle: URIRef
    Quotation: URIRef
    CreativeWork: URIRef
    name: URIRef
    startDate: URIRef
    datePublished: URIRef
    identifier: URIRef
    attendee: URIRef
    performer: URIRef
    organizer: URIRef
    creator: URIRef
    text: URIRef
    isBasedOn: URIRef
    subjectOf: URIRef
    about: URIRef
    mentions: URIRef


class BESLUIT(DefinedNamespace):
    """The one term of the Flemish local-council vocabulary that kg links to."""

    _NS = Namespace(BESLUIT_NS)
    _fail = True

    heeftVoorzitter: URIRef


__all__ = [
    "KG_BASE", "KG_NS", "DATA_BASE", "ONTOLOGY_IRI", "SCHEMA_NS", "ORG_NS", "PROV_NS", "OA_NS",
    "SKOS_NS", "BESLUIT_NS", "KG", "OA", "SCHEMA", "BESLUIT",
]

"""Closed RDF vocabularies: the kg namespace and the standard terms kg emits, so a typo raises."""
from __future__ import annotations

from rdflib.namespace import RDF, RDFS, XSD, DefinedNamespace, Namespace
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
RDF_NS = str(RDF._NS)
RDFS_NS = str(RDFS._NS)
XSD_NS = str(XSD._NS)
OWL_NS = "http://www.w3.org/2002/07/owl#"

# Prefixes of every serialization, in the order they are written.
PREFIXES = {
    "kg": KG_NS, "schema": SCHEMA_NS, "org": ORG_NS, "prov": PROV_NS, "oa": OA_NS, "skos": SKOS_NS,
    "rdf": RDF_NS, "rdfs": RDFS_NS, "xsd": XSD_NS,
}


class KG(DefinedNamespace):
    """Terms minted by kg, for what no standard vocabulary has; every one is declared in ontology/kg.ttl."""

    _NS = Namespace(KG_NS)
    _fail = True

    # classes
    Meeting: URIRef
    Visit: URIRef
    Zone: URIRef
    Directive: URIRef
    NormalizedText: URIRef

    # organization classification: a SKOS concept scheme and its concepts
    OrganizationClassification: URIRef
    PartyCommittee: URIRef
    Government: URIRef
    PeoplesCongress: URIRef
    PoliticalConsultativeConference: URIRef
    AdministrativeCommittee: URIRef
    TownshipOrSubdistrict: URIRef
    OtherOrganization: URIRef

    # object properties
    chair: URIRef
    speaker: URIRef
    participant: URIRef
    inEvent: URIRef
    givenAt: URIRef
    inZone: URIRef
    post: URIRef
    textSpan: URIRef

    # datatype properties
    monthDay: URIRef
    partOfDay: URIRef
    listOrder: URIRef
    titleAsWritten: URIRef
    attestedOn: URIRef
    collective: URIRef
    resolutionRule: URIRef
    mergeEvidence: URIRef
    script: URIRef
    fileSha256: URIRef
    textLength: URIRef
    extractor: URIRef


class SCHEMA(DefinedNamespace):
    """The schema.org terms kg emits; rdflib's SDO is open, this subset is closed."""

    _NS = Namespace(SCHEMA_NS)
    _fail = True

    Event: URIRef
    Person: URIRef
    Role: URIRef
    NewsArticle: URIRef
    Quotation: URIRef
    CreativeWork: URIRef
    MediaObject: URIRef
    name: URIRef
    alternateName: URIRef
    roleName: URIRef
    startDate: URIRef
    datePublished: URIRef
    identifier: URIRef
    attendee: URIRef
    performer: URIRef
    organizer: URIRef
    location: URIRef
    creator: URIRef
    text: URIRef
    isBasedOn: URIRef
    subjectOf: URIRef
    about: URIRef
    mentions: URIRef
    associatedMedia: URIRef
    encodesCreativeWork: URIRef
    encodingFormat: URIRef
    contentUrl: URIRef
    sha256: URIRef


class ORG(DefinedNamespace):
    """The W3C Organization Ontology terms kg emits."""

    _NS = Namespace(ORG_NS)
    _fail = True

    Organization: URIRef
    Post: URIRef
    Membership: URIRef
    member: URIRef
    organization: URIRef
    holds: URIRef
    postIn: URIRef
    subOrganizationOf: URIRef
    classification: URIRef


class PROV(DefinedNamespace):
    """The PROV-O terms kg emits."""

    _NS = Namespace(PROV_NS)
    _fail = True

    wasDerivedFrom: URIRef


class OA(DefinedNamespace):
    """The Web Annotation terms kg emits (rdflib ships no OA namespace)."""

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


class SKOS(DefinedNamespace):
    """The SKOS terms kg emits."""

    _NS = Namespace(SKOS_NS)
    _fail = True

    Concept: URIRef
    ConceptScheme: URIRef
    prefLabel: URIRef
    altLabel: URIRef
    inScheme: URIRef
    hasTopConcept: URIRef
    closeMatch: URIRef


class BESLUIT(DefinedNamespace):
    """The one term of the Flemish local-council vocabulary that kg links to."""

    _NS = Namespace(BESLUIT_NS)
    _fail = True

    heeftVoorzitter: URIRef


# Namespaces whose emitted terms must each be listed above or declared in ontology/kg.ttl.
CLOSED = (KG, SCHEMA, ORG, PROV, OA, SKOS)

__all__ = [
    "KG_BASE", "KG_NS", "DATA_BASE", "ONTOLOGY_IRI", "SCHEMA_NS", "ORG_NS", "PROV_NS", "OA_NS",
    "SKOS_NS", "BESLUIT_NS", "RDF_NS", "RDFS_NS", "XSD_NS", "OWL_NS", "PREFIXES", "CLOSED",
    "KG", "SCHEMA", "ORG", "PROV", "OA", "SKOS", "BESLUIT",
]

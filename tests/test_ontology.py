"""Tests for ontology/kg.ttl and kg.vocab: closed namespaces match the ontology, every emitted term is declared."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg import vocab
from kg.export import outputs
from kg.rdf import CLASSIFICATIONS
from kg.vocab import BESLUIT, KG, OA, ORG, PROV, SCHEMA, SKOS

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "kg.ttl"
DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                     OWL.NamedIndividual, RDF.Property, SKOS.Concept, SKOS.ConceptScheme}


@pytest.fixture(scope="module")
def ontology():
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def seed_rdf(seed_graph, seed_reports):
    return Graph().parse(data=outputs(seed_graph, seed_reports)["graph.ttl"], format="turtle")


def _declared(ontology: Graph) -> set[URIRef]:
    return {s for s, o in ontology.subject_objects(RDF.type) if o in DECLARATION_TYPES}


def _listed(namespace) -> set[URIRef]:
    return {namespace[name] for name in namespace.__annotations__}


def test_ontology_kg_namespace_is_exactly_what_kg_ttl_declares(ontology):
    assert (URIRef(vocab.ONTOLOGY_IRI), RDF.type, OWL.Ontology) in ontology
    assert dict(ontology.namespaces())["kg"] == URIRef(vocab.KG_NS)
    declared_kg = {t for t in _declared(ontology) if t.startswith(vocab.KG_NS)}
    assert declared_kg == _listed(KG)
    for term in declared_kg:
        labels = [o for o in ontology.objects(term, RDFS.label) if o.language == "en"]
        comments = [o for o in ontology.objects(term, RDFS.comment) if o.language == "en"]
        assert labels and comments, term


def test_ontology_declares_every_standard_term_listed_in_vocab(ontology):
    declared = _declared(ontology)
    for namespace in (SCHEMA, ORG, PROV, OA, SKOS):
        missing = _listed(namespace) - declared
        assert not missing, f"declare {sorted(missing)} in ontology/kg.ttl"


def test_ontology_every_class_and_predicate_in_the_seed_graph_is_declared(seed_rdf, ontology):
    declared = _declared(ontology)
    listed = set().union(*(_listed(ns) for ns in vocab.CLOSED))
    used = set(seed_rdf.predicates()) | set(seed_rdf.objects(None, RDF.type))
    assert len(used) > 40
    for term in used - {RDF.type}:
        assert term in declared or term in listed, f"{term} is neither in ontology/kg.ttl nor in kg.vocab"
        if str(term).startswith(vocab.KG_NS):
            assert term in declared, f"{term} is not declared in ontology/kg.ttl"


def test_ontology_links_chair_speaker_and_subclasses(ontology):
    assert (KG.chair, SKOS.closeMatch, BESLUIT.heeftVoorzitter) in ontology
    assert (KG.speaker, RDFS.subPropertyOf, SCHEMA.performer) in ontology
    assert (KG.Directive, RDFS.subClassOf, SCHEMA.Quotation) in ontology
    assert (KG.Zone, RDFS.subClassOf, ORG.Organization) in ontology
    assert (KG.Meeting, RDFS.subClassOf, SCHEMA.Event) in ontology
    assert (KG.Visit, RDFS.subClassOf, SCHEMA.Event) in ontology
    assert (KG.monthDay, RDFS.range, URIRef("http://www.w3.org/2001/XMLSchema#gMonthDay")) in ontology


def test_ontology_classification_scheme_matches_the_exporter(ontology):
    concepts = set(ontology.objects(KG.OrganizationClassification, SKOS.hasTopConcept))
    assert concepts == {URIRef(str(c)) for c, _zh, _en in CLASSIFICATIONS.values()}
    for concept, zh, en in CLASSIFICATIONS.values():
        assert (concept, RDF.type, SKOS.Concept) in ontology
        assert (concept, SKOS.inScheme, KG.OrganizationClassification) in ontology
        assert Literal(zh, lang="zh-Hans") in set(ontology.objects(concept, SKOS.prefLabel))
        assert Literal(en, lang="en") in set(ontology.objects(concept, SKOS.prefLabel))
    assert {"党委", "政府", "人大", "政协", "管委会", "乡镇街道"} <= {zh for _c, zh, _en in CLASSIFICATIONS.values()}


def test_ontology_and_shapes_parse_in_pyoxigraph_too(ontology):
    assert len(list(pyoxigraph.parse(path=str(ONTOLOGY), format=pyoxigraph.RdfFormat.TURTLE))) == len(ontology)
    shapes = ROOT / "ontology" / "shapes.ttl"
    assert len(list(pyoxigraph.parse(path=str(shapes), format=pyoxigraph.RdfFormat.TURTLE))) == len(
        Graph().parse(shapes, format="turtle"))


def test_ontology_closed_namespaces_reject_typos():
    with pytest.raises(AttributeError):
        KG.chiar  # noqa: B018
    with pytest.raises(AttributeError):
        OA.exactt  # noqa: B018
    with pytest.raises(AttributeError):
        SCHEMA.attendees  # noqa: B018
    with pytest.raises(AttributeError):
        ORG.memberof  # noqa: B018

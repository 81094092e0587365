"""What a harvester gets of records: each as the registry publishes it (the description as
accepted, ``records.history.published``), and the registered agents they cite.

Oxigraph keeps typed literals by value (``"846"^^xsd:nonNegativeInteger`` reads back as
``xsd:integer``), so nothing here serialises a description read from the store: every
record comes through ``published``, and so conforms to the profile it was accepted under.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF

from registry.rdf.namespaces import ACCESS_RIGHT, CIR, SPARQL_PROTOCOL
from registry.records.agents import cited_iris
from registry.records.history import published
from registry.records.layout import CATALOG_RECORD, Layout, record_facts, record_id_for
from registry.store.interface import Store

RDF_TYPE, FOAF_AGENT = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(FOAF.Agent))
WITHDRAWN = ox.NamedNode(str(CIR.withdrawn))
"""Marks a tombstone: the record was withdrawn."""
NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
"""UTF-8 bytes of characters XML 1.0 cannot carry (C0 controls but tab, LF and CR; U+FFFE
and U+FFFF); no other character's encoding contains these bytes."""


def current_record(store: Store, layout: Layout, record: str) -> list[ox.Triple] | None:
    """A record's current graph as published (its ``dcat:CatalogRecord``, the catalogue's
    links and the description as accepted); None if it holds none or is a tombstone.

    ``published`` keeps only the registry's own statements of the stored graph (the
    description comes from the version), so only those are read: the record's and the
    catalogue's links, a tenth of the graph. Decoding stored terms is most of a page's time.
    """
    own = store.subject_triples(record, record)
    if not own or any(t.predicate == WITHDRAWN for t in own):
        return None
    stored = own + store.subject_triples(layout.catalog_iri, record)
    described = published(store, layout, record, stored)
    if described is stored:  # no version keeps the description: publish the graph as stored
        return published(store, layout, record, store.graph_triples(record))
    return described


def catalog_description(store: Store, layout: Layout) -> list[ox.Triple]:
    """The catalogue's own description and record, as published, with the SPARQL endpoint
    it offers (``data_service``)."""
    described = _catalog_record(store, layout)
    return described + data_service(layout, described)


def _catalog_record(store: Store, layout: Layout) -> list[ox.Triple]:
    record = layout.record_iri(CATALOG_RECORD)
    return published(store, layout, record, store.graph_triples(layout.catalog_iri))


def sparql_service(store: Store, layout: Layout) -> list[ox.Triple]:
    """The registry's SPARQL endpoint as the ``dcat:DataService`` of its catalogue (for the
    endpoint's own service description)."""
    return data_service(layout, _catalog_record(store, layout))


def data_service(layout: Layout, catalogue: list[ox.Triple]) -> list[ox.Triple]:
    """``/sparql`` as a ``dcat:DataService`` (DCAT 3, 6.9): titled after the catalogue, its
    endpoint and the service description it answers with (``dcat:endpointDescription``),
    serving the whole catalogue (a ``dcat:Catalog`` is a ``dcat:Dataset``: one link instead
    of one per dataset on every page), public, published by the catalogue's publisher.

    Every document that publishes the catalogue carries it, so a DCAT client finds the
    endpoint where it finds the catalogue; the catalogue lists it with ``dcat:service``.
    The description is the registry's (the catalogue's own record cannot state it: the
    endpoint's address follows the base IRI)."""
    catalog, service = ox.NamedNode(layout.catalog_iri), ox.NamedNode(layout.iri("sparql"))
    about = [t for t in catalogue if t.subject == catalog]
    titles = [
        t.object
        for t in about
        if t.predicate == _iri(DCTERMS.title) and isinstance(t.object, ox.Literal)
    ]
    english = next((t.value for t in titles if t.language in ("en", None)), None)
    title = f"SPARQL endpoint: {english}" if english else "SPARQL endpoint of the catalogue"
    triples = [
        ox.Triple(catalog, _iri(DCAT.service), service),
        ox.Triple(service, _iri(RDF.type), _iri(DCAT.DataService)),
        ox.Triple(service, _iri(DCTERMS.title), ox.Literal(title, language="en")),
        ox.Triple(service, _iri(DCAT.endpointURL), service),
        ox.Triple(service, _iri(DCAT.endpointDescription), service),
        ox.Triple(service, _iri(DCAT.servesDataset), catalog),
        ox.Triple(service, _iri(DCTERMS.conformsTo), ox.NamedNode(SPARQL_PROTOCOL)),
        ox.Triple(service, _iri(DCTERMS.accessRights), _iri(ACCESS_RIGHT.PUBLIC)),
    ]
    triples += [
        ox.Triple(service, t.predicate, t.object)
        for t in about
        if t.predicate == _iri(DCTERMS.publisher)
    ]
    return triples


def _iri(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def agent_description(store: Store, layout: Layout, iri: str) -> list[ox.Triple] | None:
    """A registered agent's description as published, without its catalogue record; None
    if ``iri`` names no registered (current) agent.

    (An agent's ``dcat:CatalogRecord`` has a ``foaf:Agent`` as its primary topic, which the
    profile's CatalogRecord shape refuses; a harvester needs the agent, not its record.)
    """
    record = layout.record_iri(record_id_for(iri))
    if not store.has_graph(record):
        return None  # not a record: a concept, a licence, a provider's page
    described = current_record(store, layout, record)
    if described is None:
        return None
    facts = record_facts(described, record)
    if facts.get(str(PROV.wasAttributedTo)) != ox.NamedNode(iri):
        return None  # a dataset's record, not an agent's
    if ox.Triple(ox.NamedNode(iri), RDF_TYPE, FOAF_AGENT) not in described:
        return None
    node = ox.NamedNode(record)
    return [t for t in described if t.subject != node]


def cited_agents(store: Store, layout: Layout, triples: list[ox.Triple]) -> list[ox.Triple]:
    """The published descriptions of the registered agents ``triples`` cite without
    describing them (``agent_description`` of each)."""
    found: list[ox.Triple] = []
    for iri in sorted(cited_iris(triples)):
        found.extend(agent_description(store, layout, iri) or [])
    return found


def distinct(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples once each, in first-seen order (records citing one agent share it)."""
    return list(dict.fromkeys(triples))


def xml_safe(data: bytes) -> bytes:
    """RDF/XML (or any UTF-8 XML) with the characters XML 1.0 cannot carry replaced by U+FFFD.

    pyoxigraph writes a literal's control characters as they are, which no XML parser reads,
    and a description may hold one (Turtle writes it ``\\u0001``): one such literal would
    make a whole page or list unreadable to a harvester.
    """
    return NOT_XML.sub("\ufffd".encode(), data)

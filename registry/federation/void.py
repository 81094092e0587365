"""VoID (https://www.w3.org/TR/void/): the catalogue described as a dataset for machines.

``/.well-known/void`` (VoID section 7.2) says where the whole catalogue can be had: the dump
(``void:dataDump``, also the catalogue's ``dcat:Distribution``), the SPARQL endpoint and the
change feed, with the dump's triple and record counts. The subject is the catalogue's own
IRI, so these statements merge with what ``/catalog`` says of it.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, XSD

from registry.federation.dump import DumpInfo
from registry.rdf.namespaces import CIR, LDES, MEDIA_TYPES, VOID
from registry.records.layout import Layout

PREFIXES = {"void": str(VOID), "ldes": str(LDES)}
N_QUADS = "http://www.w3.org/ns/formats/N-Quads"
"""The W3C's IRI of the N-Quads format (https://www.w3.org/ns/formats/)."""


def _iri(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def _count(number: int) -> ox.Literal:
    return ox.Literal(str(number), datatype=_iri(XSD.integer))


def dump_distribution(layout: Layout, info: DumpInfo | None) -> list[ox.Triple]:
    """The dump as a ``dcat:Distribution`` of the catalogue: what ``/catalog`` may add to
    its own description (with ``<catalog> dcat:distribution <this>``)."""
    node = ox.NamedNode(layout.iri("dump.nq.gz#distribution"))
    download = ox.NamedNode(layout.iri("dump.nq.gz"))
    triples = [
        ox.Triple(_iri(layout.catalog_iri), _iri(DCAT.distribution), node),
        ox.Triple(node, _iri(RDF.type), _iri(DCAT.Distribution)),
        ox.Triple(
            node,
            _iri(DCTERMS.title),
            ox.Literal("Every current record, one named graph each (N-Quads, gzip)", language="en"),
        ),
        ox.Triple(node, _iri(DCAT.accessURL), download),
        ox.Triple(node, _iri(DCAT.downloadURL), download),
        ox.Triple(node, _iri(DCAT.mediaType), ox.NamedNode(MEDIA_TYPES + "application/n-quads")),
        ox.Triple(node, _iri(DCAT.compressFormat), ox.NamedNode(MEDIA_TYPES + "application/gzip")),
    ]
    if info is not None:
        size = ox.Literal(str(info.bytes), datatype=_iri(XSD.nonNegativeInteger))
        modified = ox.Literal(info.generated, datatype=_iri(XSD.dateTime))
        triples += [
            ox.Triple(node, _iri(DCAT.byteSize), size),
            ox.Triple(node, _iri(DCTERMS.modified), modified),
        ]
    return triples


def void_description(
    layout: Layout, info: DumpInfo | None, feed: str, change: str | None
) -> list[ox.Triple]:
    """The catalogue as a ``void:Dataset``: dump, SPARQL endpoint, feed and counts.

    ``feed`` is the change feed's IRI; ``change`` is the IRI of the last change the dump
    holds (``cir:latestChange``): load the dump, then follow the feed from the next one.
    """
    catalog = _iri(layout.catalog_iri)
    dump = ox.NamedNode(layout.iri("dump.nq.gz"))
    triples = [
        ox.Triple(catalog, _iri(RDF.type), _iri(VOID.Dataset)),
        ox.Triple(catalog, _iri(VOID.sparqlEndpoint), ox.NamedNode(layout.iri("sparql"))),
        ox.Triple(catalog, _iri(VOID.rootResource), catalog),
        ox.Triple(catalog, _iri(RDFS.seeAlso), ox.NamedNode(feed)),
        ox.Triple(ox.NamedNode(feed), _iri(RDF.type), _iri(LDES.EventStream)),
    ]
    if info is None:  # no dump yet: nothing to count or download
        return triples
    partitions = [(DCAT.Dataset, info.datasets, "datasets"), (FOAF.Agent, info.agents, "agents")]
    triples += [
        ox.Triple(catalog, _iri(VOID.dataDump), dump),
        ox.Triple(catalog, _iri(VOID.feature), ox.NamedNode(N_QUADS)),
        ox.Triple(catalog, _iri(VOID.triples), _count(info.triples)),
        ox.Triple(catalog, _iri(VOID.entities), _count(info.records)),
    ]
    for kind, number, name in partitions:
        partition = ox.NamedNode(layout.iri(f".well-known/void#{name}"))
        triples += [
            ox.Triple(catalog, _iri(VOID.classPartition), partition),
            ox.Triple(partition, _iri(VOID["class"]), _iri(kind)),
            ox.Triple(partition, _iri(VOID.entities), _count(number)),
        ]
    if change is not None:
        triples.append(ox.Triple(dump, _iri(CIR.latestChange), ox.NamedNode(change)))
    return triples + dump_distribution(layout, info)

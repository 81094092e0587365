"""The registry as a FAIR Data Point (https://specs.fairdatapoint.org/): the root metadata an
FDP index reads, and the optional ping that tells indexes where it is.

The root (the base IRI, asked for RDF) is an ``fdp-o:FAIRDataPoint``, ``fdp-o:MetadataService``
and ``r3d:Repository`` with the title, description, publisher (``foaf:name``), version and
country an index shows (FAIRDataPoint-index reads ``dct:title``, ``dct:description``,
``dct:hasVersion``, ``r3d:institutionCountry`` and the publisher's ``foaf:name``; the FDP
specification names ``dcat:version`` and ``r3d:country``: both are written). Its LDP
container lists the catalogue; each catalogue page lists its records in another
(``catalog_pages.records_container``), and each record dereferences to its dataset: every
dataset is one GET at a time from the root, with ``Accept: text/turtle``.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from importlib import metadata

import pyoxigraph as ox
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from registry.federation.documents import catalog_description, cited_agents
from registry.rdf.namespaces import COUNTRY, DCAT_VERSION, FDP_O, LDP, R3D
from registry.records.layout import CATALOG_RECORD, Layout, record_facts
from registry.store.interface import Store

FDP_SPECIFICATION = "https://specs.fairdatapoint.org/fdp-specs-v1.2.html"
PING_INTERVAL = 7 * 24 * 3600.0
"""Seconds between two pings: FDP indexes expect one at least weekly."""
PING_TIMEOUT = 10.0
log = logging.getLogger(__name__)


def _iri(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def software_version() -> str:
    """The registry's version, as installed."""
    try:
        return metadata.version("cancer-image-registry")
    except metadata.PackageNotFoundError:
        return "0"


def root_triples(store: Store, layout: Layout, country: str) -> list[ox.Triple]:
    """The FAIR Data Point's root metadata, named by the base IRI.

    Title, description and publisher are the catalogue's own (as published); the
    publisher's names come from the catalogue's description or the agent's record.
    """
    root, catalog = ox.NamedNode(layout.base_iri), ox.NamedNode(layout.catalog_iri)
    described = catalog_description(store, layout)
    about_catalog = [t for t in described if t.subject == catalog]
    kept = {_iri(DCTERMS.title), _iri(DCTERMS.description), _iri(DCTERMS.publisher)}
    version = ox.Literal(software_version())
    where = _iri(COUNTRY[country])
    triples = [ox.Triple(root, t.predicate, t.object) for t in about_catalog if t.predicate in kept]
    for kind in (FDP_O.FAIRDataPoint, FDP_O.MetadataService, R3D.Repository):
        triples.append(ox.Triple(root, _iri(RDF.type), _iri(kind)))
    triples += [
        ox.Triple(root, _iri(DCAT_VERSION), version),
        ox.Triple(root, _iri(DCTERMS.hasVersion), version),
        ox.Triple(root, _iri(FDP_O.hasSoftwareVersion), version),
        ox.Triple(root, _iri(FDP_O.conformsToFdpSpec), ox.NamedNode(FDP_SPECIFICATION)),
        ox.Triple(root, _iri(FDP_O.metadataIdentifier), root),
        ox.Triple(root, _iri(R3D.country), where),
        ox.Triple(root, _iri(R3D.institutionCountry), where),
        ox.Triple(root, _iri(DCAT.endpointURL), root),
        ox.Triple(root, _iri(FDP_O.metadataCatalog), catalog),
        ox.Triple(root, _iri(R3D.dataCatalog), catalog),
    ]
    triples += _issued(store, layout, root)
    triples += _publisher_names(store, layout, described, about_catalog)
    return triples + catalogs_container(root, catalog)


def _issued(store: Store, layout: Layout, root: ox.NamedNode) -> list[ox.Triple]:
    """When the catalogue's metadata was first issued and last modified."""
    record = layout.record_iri(CATALOG_RECORD)
    facts = record_facts(store.graph_triples(layout.catalog_iri), record)
    pairs = ((DCTERMS.issued, FDP_O.metadataIssued), (DCTERMS.modified, FDP_O.metadataModified))
    return [
        ox.Triple(root, _iri(ours), facts[str(theirs)])
        for theirs, ours in pairs
        if str(theirs) in facts
    ]


def _publisher_names(
    store: Store, layout: Layout, described: list[ox.Triple], about: list[ox.Triple]
) -> list[ox.Triple]:
    """The publisher as ``foaf:Agent`` with its ``foaf:name``s."""
    publishers = {t.object for t in about if t.predicate == _iri(DCTERMS.publisher)}
    known = described + cited_agents(store, layout, about)
    wanted = {_iri(RDF.type), _iri(FOAF.name)}
    return [t for t in known if t.subject in publishers and t.predicate in wanted]


def catalogs_container(root: ox.NamedNode, catalog: ox.NamedNode) -> list[ox.Triple]:
    """The LDP container of the root's catalogues, as an FDP index follows it."""
    container = ox.NamedNode(root.value + "#catalogs")
    return [
        ox.Triple(container, _iri(RDF.type), _iri(LDP.DirectContainer)),
        ox.Triple(container, _iri(DCTERMS.title), ox.Literal("Catalogues", language="en")),
        ox.Triple(container, _iri(LDP.membershipResource), root),
        ox.Triple(container, _iri(LDP.hasMemberRelation), _iri(FDP_O.metadataCatalog)),
        ox.Triple(container, _iri(LDP.contains), catalog),
    ]


def ping_urls(setting: str) -> list[str]:
    """The FDP indexes of the ``fdp_ping_urls`` setting (checked by ``load_settings``)."""
    return [url.strip() for url in setting.split(",") if url.strip()]


def ping(index: str, client_url: str, timeout: float = PING_TIMEOUT) -> int:
    """Tell one FDP index where this FAIR Data Point is (``POST {"clientUrl": ...}``, the
    FAIRDataPoint-index ping); return the answer's status (204 when accepted)."""
    body = json.dumps({"clientUrl": client_url}).encode("utf-8")
    request = urllib.request.Request(
        index, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def ping_all(indexes: list[str], client_url: str) -> dict[str, int | str]:
    """Ping each index once; an index that cannot be reached is logged, not raised."""
    answers: dict[str, int | str] = {}
    for index in indexes:
        try:
            answers[index] = ping(index, client_url)
        except (OSError, ValueError) as error:
            answers[index] = str(error)
        log.info("FDP index %s answered the ping with %s", index, answers[index])
    return answers


def start_pinging(
    indexes: list[str], client_url: str, interval: float = PING_INTERVAL, delay: float = 3.0
) -> threading.Event | None:
    """Ping the indexes after ``delay`` seconds and then every ``interval`` seconds, from a
    daemon thread; return the event that stops it (None when there is no index to ping).

    The delay lets the server listen first: an index reads the root as soon as it is pinged.
    """
    if not indexes:
        return None
    stop = threading.Event()

    def loop() -> None:
        stop.wait(delay)
        while not stop.is_set():
            ping_all(indexes, client_url)
            stop.wait(interval)

    threading.Thread(target=loop, name="fdp-ping", daemon=True).start()
    return stop

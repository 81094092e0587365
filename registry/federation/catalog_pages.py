"""One page of the paged catalogue (``/catalog``), as CKAN's ckanext-dcat RDF harvester and
piveau's RDF importer read it.

A page holds the ``dcat:Catalog`` (the catalogue's own description), the records of one
slice of a walk (``listing``): each dataset's description as accepted with its
distributions, its ``dcat:CatalogRecord`` and the catalogue's ``dcat:dataset`` and
``dcat:record`` links to it, and the registered agents those descriptions cite. Paging is
Hydra's, written twice over so that both harvesters follow it as they are: the page node is
a ``hydra:PartialCollectionView`` (ckanext-dcat >= 1.x, ``hydra:next``) and a
``hydra:PagedCollection`` (piveau, which reads ``hydra:nextPage`` and refuses a page without
``hydra:totalItems`` on that node), with absolute IRIs for first, previous, next and last
(https://www.hydra-cg.com/spec/latest/core/#collections). An LDP container lists the page's
records for FAIR Data Point clients, which follow ``ldp:contains``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pyoxigraph as ox
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from registry.errors import NotFound, RegistryError
from registry.federation.documents import (
    catalog_description,
    current_record,
    distinct,
)
from registry.federation.listing import Listing, Slot, Window, literal_time, stamp
from registry.rdf.namespaces import CIR, HYDRA, LDP
from registry.records.layout import CATALOG_RECORD, record_facts

MAX_PAGE_SIZE = 1_000
"""Datasets per page at most, whatever the setting: a page stays a few megabytes."""
PageUrl = Callable[[int], str]
"""Page number -> the page's absolute IRI (the web layer knows the paths)."""


def _iri(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def _count(number: int) -> ox.Literal:
    return ox.Literal(str(number), datatype=_iri(XSD.integer))


@dataclass(frozen=True)
class CatalogPage:
    """Page ``number`` of a walk: its slots (withdrawn ones included) and the walk's size."""

    number: int
    size: int
    window: Window
    slots: list[Slot]
    length: int
    """Slots in the walk: what the page count comes from."""
    items: int
    """Datasets the walk lists (its slots less the withdrawn records): hydra:totalItems."""

    @property
    def last(self) -> int:
        return max(1, -(-self.length // self.size))


def catalog_page(listing: Listing, number: int, window: Window, size: int) -> CatalogPage:
    """Return page ``number`` (1-based) of the walk ``window``, or raise NotFound past the
    last page (ckanext-dcat takes a 404 after page 1 as the end)."""
    if number < 1:
        raise RegistryError(f"page={number} is not a page number: pages count from 1.")
    size = max(1, min(size, MAX_PAGE_SIZE))
    start = (number - 1) * size
    slots, length = listing.members(window, start, start + size)
    page = CatalogPage(number, size, window, slots, length, listing.current(window))
    if number > page.last:
        raise NotFound(
            f"The catalogue has {page.last} page(s) of {size}; there is no page {number}."
        )
    return page


def validators(listing: Listing, page: CatalogPage) -> tuple[str, datetime | None]:
    """The page's entity tag (a digest of what it shows) and when it last changed.

    Both come from the listing and the catalogue's record, so a harvester's conditional GET
    is answered without reading a record graph. The agents a page cites are not known
    before it is built: any record's change (the listing's latest) counts for every page.
    """
    layout = listing.layout
    record = layout.record_iri(CATALOG_RECORD)
    facts = record_facts(listing.store.graph_triples(layout.catalog_iri), record)
    catalog = [str(facts.get(str(p))) for p in (CIR.versionNumber, DCTERMS.modified)]
    window = page.window
    shown = [
        stamp(window.as_of),
        window.since and stamp(window.since),
        window.until and stamp(window.until),
        page.number,
        page.size,
        page.length,
        page.items,
        catalog,
        listing.latest_change and stamp(listing.latest_change),  # the cited agents' changes
        [(s.record_id, s.version, s.withdrawn, stamp(s.modified)) for s in page.slots],
    ]
    digest = hashlib.sha256(repr(shown).encode("utf-8")).hexdigest()[:32]
    changes = [listing.latest_change, literal_time(facts.get(str(DCTERMS.modified)))]
    return digest, max((c for c in changes if c is not None), default=None)


def page_triples(listing: Listing, page: CatalogPage, url: PageUrl) -> list[ox.Triple]:
    """Everything page ``page`` says: catalogue, records, cited agents, container, paging."""
    store, layout = listing.store, listing.layout
    triples = catalog_description(store, layout)
    listed = []
    for slot in page.slots:
        described = None if slot.withdrawn else current_record(store, layout, slot.record)
        if described is not None:  # None: withdrawn, perhaps since the listing was read
            triples.extend(described)
            listed.append(slot.record)
    triples.extend(listing.cited_agents(triples))
    triples.extend(records_container(layout.catalog_iri, listed))
    triples.extend(paging(layout.catalog_iri, page, url))
    return distinct(triples)


def records_container(catalog_iri: str, records: list[str]) -> list[ox.Triple]:
    """The LDP container of the page's records: what a FAIR Data Point client follows from
    the catalogue (each record dereferences to its dataset's description)."""
    catalog = ox.NamedNode(catalog_iri)
    container = ox.NamedNode(catalog_iri + "#records")
    triples = [
        ox.Triple(container, _iri(RDF.type), _iri(LDP.DirectContainer)),
        ox.Triple(container, _iri(DCTERMS.title), ox.Literal("Records", language="en")),
        ox.Triple(container, _iri(LDP.membershipResource), catalog),
        ox.Triple(container, _iri(LDP.hasMemberRelation), _iri(DCAT.record)),
    ]
    triples.extend(ox.Triple(container, _iri(LDP.contains), ox.NamedNode(r)) for r in records)
    return triples


def paging(catalog_iri: str, page: CatalogPage, url: PageUrl) -> list[ox.Triple]:
    """The page node: both Hydra designs, each link under its current and deprecated name."""
    node = ox.NamedNode(url(page.number))
    triples = [
        ox.Triple(ox.NamedNode(catalog_iri), _iri(HYDRA.view), node),
        ox.Triple(node, _iri(RDF.type), _iri(HYDRA.PartialCollectionView)),
        ox.Triple(node, _iri(RDF.type), _iri(HYDRA.PagedCollection)),
        ox.Triple(node, _iri(HYDRA.totalItems), _count(page.items)),
        ox.Triple(node, _iri(HYDRA.itemsPerPage), _count(page.size)),
    ]
    links = [(HYDRA.first, HYDRA.firstPage, 1), (HYDRA.last, HYDRA.lastPage, page.last)]
    if page.number > 1:
        links.append((HYDRA.previous, HYDRA.previousPage, page.number - 1))
    if page.number < page.last:
        links.append((HYDRA.next, HYDRA.nextPage, page.number + 1))
    for current, deprecated, number in links:
        target = ox.NamedNode(url(number))
        triples.append(ox.Triple(node, _iri(current), target))
        triples.append(ox.Triple(node, _iri(deprecated), target))
    return triples

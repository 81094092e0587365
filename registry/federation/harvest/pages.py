"""Readers of linked pages: a paged DCAT-AP catalogue (Hydra) and a FAIR Data Point.

Hydra (https://www.hydra-cg.com/spec/latest/core/#collections): the next page is
``hydra:next`` (ckanext-dcat) or ``hydra:nextPage`` (piveau, CKAN's older pages), an IRI or
a literal, relative or absolute; ``hydra:totalItems`` is checked against the datasets read,
and a mismatch makes the run partial (a source that shifted while we paged may have hidden
datasets). FAIR Data Point (https://specs.fairdatapoint.org/): the root's
``fdp-o:metadataCatalog`` (and ``ldp:contains``) lead to catalogues, each read as pages;
a catalogue's ``dcat:dataset`` and ``ldp:contains`` members not described on the page are
fetched one by one.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pyoxigraph as ox
from rdflib.namespace import DCAT

from registry.federation.harvest.documents import RDF_ACCEPT, Reader, objects, triples
from registry.federation.harvest.fetch import Fetcher, HarvestStopped
from registry.federation.harvest.split import split
from registry.rdf.namespaces import FDP_O, HYDRA, LDP


def next_page(found: list[ox.Triple], url: str) -> str | None:
    """The page after this one, absolute; None on the last page."""
    for predicate in (HYDRA.next, HYDRA.nextPage):
        for target in objects(found, str(predicate)):
            if target.value.strip():
                return urljoin(url, target.value.strip())
    return None


def total_items(found: list[ox.Triple]) -> int | None:
    for total in objects(found, str(HYDRA.totalItems)):
        try:
            return int(total.value)
        except ValueError:
            return None
    return None


def read_pages(fetcher: Fetcher, url: str, seen_datasets: set[str] | None = None) -> Reader:
    """Every dataset of a paged catalogue from ``url`` on; checks the announced total."""
    datasets = set() if seen_datasets is None else seen_datasets
    total: int | None = None
    current: str | None = url
    while current is not None:
        page = fetcher.page(current, RDF_ACCEPT)
        found = triples(page)
        for description in split(found, page.url):
            if description.kind == "dataset":
                datasets.add(description.topic)
            yield description
        total = total_items(found) if total is None else total
        yield from _members(fetcher, found, page.url, datasets)
        current = next_page(found, page.url)
    if total is not None and total != len(datasets):
        raise HarvestStopped(
            f"The source announced {total} datasets (hydra:totalItems) but listed "
            f"{len(datasets)}: it may have changed while it was read."
        )


def read_dcat(fetcher: Fetcher, url: str, position: str | None) -> Reader:
    """A paged DCAT-AP catalogue (or a single catalogue document)."""
    yield from read_pages(fetcher, url)


def _members(fetcher: Fetcher, found: list[ox.Triple], url: str, datasets: set[str]) -> Reader:
    """Datasets a catalogue page lists but does not describe, fetched one by one (on the
    source's host only: another host's IRI is the dataset's name, not where to read it)."""
    described = {t.subject.value for t in found if isinstance(t.subject, ox.NamedNode)}
    listed = objects(found, str(DCAT.dataset)) + objects(found, str(LDP.contains))
    for member in listed:
        iri = member.value
        if iri in described or iri in datasets or not isinstance(member, ox.NamedNode):
            continue
        try:
            target = fetcher.allowed(iri)
        except HarvestStopped:
            continue
        document = fetcher.get(target, RDF_ACCEPT)
        for description in split(triples(document), document.url):
            if description.kind == "dataset":
                datasets.add(description.topic)
            yield description


def read_fdp(fetcher: Fetcher, url: str, position: str | None) -> Reader:
    """A FAIR Data Point: every catalogue the root lists, each read as pages."""
    root = fetcher.page(url, RDF_ACCEPT)
    found = triples(root)
    catalogs = objects(found, str(FDP_O.metadataCatalog)) or objects(found, str(LDP.contains))
    if not catalogs:
        raise HarvestStopped(f"<{root.url}> lists no catalogue (fdp-o:metadataCatalog).")
    datasets: set[str] = set()
    for catalog in catalogs:
        yield from read_pages(fetcher, urljoin(root.url, catalog.value), datasets)

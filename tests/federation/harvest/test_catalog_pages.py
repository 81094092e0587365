"""The paged catalogue as CKAN's ckanext-dcat and piveau read it: Turtle without Accept,
both Hydra designs, pages that do not shift while records change, modified_since, validators,
and 400 for malformed arguments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, FOAF, RDF
from werkzeug.test import TestResponse

from registry.federation import catalog_pages
from registry.federation.catalog_pages import MAX_PAGE_SIZE, catalog_page
from registry.rdf import formats
from registry.records.write import withdraw_record
from registry.runtime import Registry
from registry.web.app import create_app
from tests.conftest import BASE_IRI
from tests.federation.harvest.conftest import PAGE_SIZE
from tests.federation.harvest.harvesting import (
    HYDRA,
    START,
    assert_each_dataset_conforms,
    datasets_in,
    hydra_next,
    renamed,
    revised,
    sample_datasets,
    sample_description,
    submitted,
)

CATALOG = URIRef(BASE_IRI + "catalog")


def hydra(term: str) -> URIRef:
    return URIRef(HYDRA + term)


def as_graph(response: TestResponse) -> Graph:
    """The answer parsed by rdflib from its Content-Type, as ckanext-dcat parses it
    (JSON-LD by pyoxigraph: rdflib's JSON-LD parser warns of its own deprecations)."""
    if response.mimetype == "application/ld+json":
        return formats.to_rdflib(
            formats.parse(response.data, formats.syntax_for_media_type(response.mimetype))
        )
    return Graph().parse(data=response.data, format=response.mimetype)


def page_node(graph: Graph) -> URIRef:
    (node,) = set(graph.subjects(RDF.type, hydra("PagedCollection")))
    assert (node, RDF.type, hydra("PartialCollectionView")) in graph
    assert isinstance(node, URIRef)
    return node


def walk(client: FlaskClient, url: str, headers: dict[str, str] | None = None) -> list[Graph]:
    """Follow hydra:next (or nextPage) from ``url`` as ckanext-dcat does; every page once."""
    pages, seen = [], set()
    next_url: str | None = url
    while next_url:
        assert next_url not in seen, f"the walk came back to {next_url}"
        seen.add(next_url)
        response = client.get(next_url, headers=headers or {})
        assert response.status_code == 200, (next_url, response.data[:300])
        pages.append(as_graph(response))
        next_url = hydra_next(pages[-1])
    return pages


def listed(graph: Graph) -> set[str]:
    return {str(d) for d in graph.objects(CATALOG, DCAT.dataset)}


@pytest.mark.parametrize("accept", [None, "*/*"], ids=["no Accept", "*/*"])
def test_catalogue_answers_turtle_with_both_hydra_designs(
    harvest_client: FlaskClient, sample_ids: dict[str, str], accept: str | None
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = harvest_client.get("/catalog", headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = as_graph(response)
    node = page_node(graph)
    assert graph.value(node, hydra("totalItems")) == Literal(len(sample_ids))
    assert graph.value(node, hydra("itemsPerPage")) == Literal(PAGE_SIZE)
    assert (CATALOG, hydra("view"), node) in graph
    following = graph.value(node, hydra("next"))
    assert isinstance(following, URIRef) and following == graph.value(node, hydra("nextPage"))
    assert str(following).startswith(BASE_IRI + "catalog?page=2&as_of=")
    last = graph.value(node, hydra("last"))
    assert last == graph.value(node, hydra("lastPage")) and "page=4&" in str(last)
    assert graph.value(node, hydra("first")) == node
    assert graph.value(node, hydra("previous")) is None
    datasets = listed(graph)
    assert len(datasets) == PAGE_SIZE and datasets <= set(sample_ids)
    for dataset in datasets:  # described in full, with its record and its publisher's name
        assert graph.value(URIRef(dataset), DCAT.distribution) is not None
        record = graph.value(predicate=FOAF.primaryTopic, object=URIRef(dataset))
        assert (record, RDF.type, DCAT.CatalogRecord) in graph
        publisher = graph.value(URIRef(dataset), URIRef("http://purl.org/dc/terms/publisher"))
        assert graph.value(publisher, FOAF.name) is not None
    assert (CATALOG, RDF.type, DCAT.Catalog) in graph


def test_a_walk_reaches_every_sample_dataset_once_and_each_conforms(
    harvest_client: FlaskClient, harvest_registry: Registry, sample_ids: dict[str, str]
) -> None:
    pages = walk(harvest_client, "/catalog")
    assert len(pages) == 4
    seen: list[str] = [d for page in pages for d in listed(page)]
    assert len(seen) == len(set(seen)) and set(seen) == sample_datasets() == set(sample_ids)
    validated = 0
    for number, page in enumerate(pages, start=1):
        triples = formats.parse(page.serialize(format="nt", encoding="utf-8"), NT)
        validated += assert_each_dataset_conforms(harvest_registry, triples, f"page {number}")
    assert validated == len(sample_ids)


NT = next(s for s in formats.DOCUMENT_SYNTAXES if s.suffix == "nt")


@pytest.mark.parametrize("syntax", formats.DOCUMENT_SYNTAXES, ids=lambda s: s.name)
def test_every_syntax_by_accept_and_by_suffix(
    harvest_client: FlaskClient, sample_ids: dict[str, str], syntax: formats.RdfSyntax
) -> None:
    by_accept = harvest_client.get("/catalog", headers={"Accept": syntax.media_type})
    by_suffix = harvest_client.get(f"/catalog.{syntax.suffix}")
    for response in (by_accept, by_suffix):
        assert response.status_code == 200 and response.mimetype == syntax.media_type
        triples = formats.parse(response.data, syntax)
        assert len(datasets_in(triples)) == PAGE_SIZE
    following = hydra_next(as_graph(by_suffix))
    assert following and following.startswith(f"{BASE_IRI}catalog.{syntax.suffix}?page=2&")
    alternate = f'rel="alternate"; type="{syntax.media_type}"'
    assert f"<{BASE_IRI}catalog.{syntax.suffix}?page=1&" in by_accept.headers["Link"]
    assert alternate in by_accept.headers["Link"] and 'rel="next"' in by_accept.headers["Link"]


def test_a_browser_is_sent_to_the_home_page(harvest_client: FlaskClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = harvest_client.get("/catalog", headers={"Accept": browser})
    assert response.status_code == 303 and urlsplit(response.headers["Location"]).path == "/"
    assert response.headers["Vary"] == "Accept"


def test_head_is_answered_as_get_is(
    harvest_client: FlaskClient, sample_ids: dict[str, str]
) -> None:
    url = harvest_client.get("/catalog").headers["Link"].split(">", 1)[0].lstrip("<")
    got, head = harvest_client.get(url), harvest_client.head(url)
    assert head.status_code == 200 and head.data == b""
    for header in ("Content-Type", "Content-Length", "ETag", "Last-Modified"):
        assert head.headers[header] == got.headers[header], header


def test_head_then_get_builds_the_page_once(
    harvest_client: FlaskClient, sample_ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ckanext-dcat sends HEAD, then GET, for each page."""
    built = []
    original = catalog_pages.page_triples
    monkeypatch.setattr(catalog_pages, "page_triples", lambda *a: built.append(a) or original(*a))
    url = str(page_node(as_graph(harvest_client.get("/catalog"))))
    head, got = harvest_client.head(url), harvest_client.get(url)
    # /catalog was page 1 of the same walk (same as_of): the one page, built once for all three.
    assert len(built) == 1 and head.headers["ETag"] == got.headers["ETag"]
    assert head.headers["Content-Length"] == got.headers["Content-Length"] == str(len(got.data))


def test_conditional_get_answers_304_until_the_page_changes(
    harvest_client: FlaskClient, harvest_registry: Registry, sample_ids: dict[str, str]
) -> None:
    first = harvest_client.get("/catalog")
    url = str(page_node(as_graph(first)))
    got = harvest_client.get(url)
    etag, modified = got.headers["ETag"], got.headers["Last-Modified"]
    assert harvest_client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert harvest_client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert harvest_client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    dataset = sorted(listed(as_graph(got)))[0]
    withdraw_record(harvest_registry.records, sample_ids[dataset])
    again = harvest_client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag
    assert dataset not in listed(as_graph(again))


def test_pages_never_shift_or_repeat_while_records_change(
    harvest_client: FlaskClient, harvest_registry: Registry, sample_ids: dict[str, str]
) -> None:
    """Read page 1, then withdraw a dataset of page 1 and one of page 2, replace one of
    page 3 and register a new dataset: the rest of the walk lists the pages as they were
    when it started, less the withdrawn dataset of page 2; the new one waits for the next
    walk."""
    before = walk(harvest_client, "/catalog")
    first = harvest_client.get(str(page_node(before[0])))
    pages = [as_graph(first)]
    on_page = [sorted(listed(page)) for page in before]
    records = harvest_registry.records
    withdraw_record(records, sample_ids[on_page[0][0]])
    withdraw_record(records, sample_ids[on_page[1][0]])
    replaced = on_page[2][0]
    description = sample_description(replaced)
    submitted(harvest_registry, revised(description))
    newcomer = "https://data.hospital.example/dataset/newcomer"
    submitted(harvest_registry, renamed(description, replaced, newcomer))
    next_url = hydra_next(pages[0])
    while next_url:
        pages.append(as_graph(harvest_client.get(next_url)))
        next_url = hydra_next(pages[-1])
    seen = [sorted(listed(page)) for page in pages]
    assert len(seen) == len(on_page)
    assert seen[1] == on_page[1][1:] and seen[2:] == on_page[2:]
    flat = [d for page in seen for d in page]
    assert len(flat) == len(set(flat)) and newcomer not in flat
    last = page_node(pages[-1])
    assert pages[-1].value(last, hydra("totalItems")) == Literal(len(sample_ids) - 2)
    later = harvest_registry.listing.window(now=datetime.now(UTC) + timedelta(seconds=10))
    slots, _ = harvest_registry.listing.members(later, 0, 100)
    assert slots[-1].topic == newcomer  # the next walk lists it, in the last slot


def test_modified_since_lists_the_datasets_changed_since(
    harvest_client: FlaskClient, sample_ids: dict[str, str]
) -> None:
    since = START + timedelta(seconds=30)
    for value in (since.isoformat(), "2025-01-01T01:00:30+01:00", "2025-01-01T00:00:30Z"):
        pages = walk(harvest_client, "/catalog?" + urlencode({"modified_since": value}))
        found = {d for page in pages for d in listed(page)}
        assert len(found) == len(sample_ids) - 29, value
        node = page_node(pages[0])
        assert "modified_since=2025-01-01T00:00:30Z" in str(node)
        assert pages[0].value(node, hydra("totalItems")) == Literal(len(found))
    everything = walk(harvest_client, "/catalog?modified_since=2025-01-01")
    assert {d for page in everything for d in listed(page)} == set(sample_ids)
    nothing = harvest_client.get("/catalog?modified_since=2025-01-02")
    assert nothing.status_code == 200 and not listed(as_graph(nothing))


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("page=0", {}),
        ("page=-1", {}),
        ("page=abc", {}),
        ("page=1.5", {}),
        ("page=%EF%BC%91", {}),  # a full-width digit one
        ("page=99999999999999999999", {}),
        ("page=1&page=2", {}),
        ("modified_since=yesterday", {}),
        ("modified_since=2026-13-01", {}),
        ("modified_since=0001-01-01T00:00:00%2B01:00", {}),  # before year 1 in UTC
        ("modified_since=", {}),
        ("as_of=soon", {}),
        ("", {"Accept": "text/turtle;q=abc"}),
        ("", {"Accept": "garbage"}),
        ("", {"Accept": "text/turtle;q=2"}),
    ],
)
def test_malformed_requests_answer_400(
    harvest_client: FlaskClient, query: str, headers: dict[str, str]
) -> None:
    response = harvest_client.get(f"/catalog?{query}", headers=headers)
    assert response.status_code == 400, response.data[:300]
    assert response.json and response.json["message"]


def test_unacceptable_types_and_pages_past_the_end(
    harvest_client: FlaskClient, sample_ids: dict[str, str]
) -> None:
    assert harvest_client.get("/catalog", headers={"Accept": "image/png"}).status_code == 406
    assert harvest_client.get("/catalog?page=5").status_code == 404
    assert harvest_client.get("/catalog?page=4").status_code == 200
    assert harvest_client.get("/catalog.pdf").status_code == 404
    assert harvest_client.get("/catalog.nq").status_code == 404


def test_an_empty_catalogue_has_one_empty_page(empty_harvest_app: Flask) -> None:
    graph = as_graph(empty_harvest_app.test_client().get("/catalog"))
    node = page_node(graph)
    assert graph.value(node, hydra("totalItems")) == Literal(0)
    assert hydra_next(graph) is None and not listed(graph)


def test_page_size_is_bounded(harvest_registry: Registry, sample_ids: dict[str, str]) -> None:
    listing = harvest_registry.listing
    page = catalog_page(listing, 1, listing.window(), 10**9)
    assert page.size == MAX_PAGE_SIZE and len(page.slots) == len(sample_ids)
    with pytest.raises(ValueError, match="FEED_PAGE_SIZE"):
        create_app({"feed_page_size": 0})


def test_links_are_absolute_from_the_base_iri(
    harvest_client: FlaskClient, sample_ids: dict[str, str]
) -> None:
    response = harvest_client.get("/catalog", base_url="http://elsewhere.example:9999")
    graph = as_graph(response)
    node = page_node(graph)
    for predicate in ("next", "nextPage", "first", "last"):
        target = str(graph.value(node, hydra(predicate)))
        assert target.startswith(BASE_IRI), target
        assert parse_qs(urlsplit(target).query)["as_of"][0].endswith("Z")
    assert all(link.startswith(f"<{BASE_IRI}") for link in response.headers["Link"].split(", "))


def test_published_literals_keep_their_datatypes(
    harvest_client: FlaskClient, sample_ids: dict[str, str]
) -> None:
    """The pages come from the records as accepted: xsd:nonNegativeInteger stays itself
    (the store alone would answer xsd:integer)."""
    pages = walk(harvest_client, "/catalog.nt")
    counts = {
        o.datatype
        for page in pages
        for o in page.objects()
        if isinstance(o, Literal) and o.datatype is not None
    }
    assert URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger") in counts

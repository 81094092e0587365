"""The IRIs the registry mints, dereferenced: records, the catalogue's operator, sitemaps (the
catalogue's own IRI is paged, in ``web.federation``).

A browser asking for a record or the catalogue is sent (303 See Other) to the page about
it; an RDF client gets the description (https://www.w3.org/TR/cooluris/#r303gendocument).
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from registry.catalogue import read
from registry.errors import NotFound
from registry.rdf.iris import normal_iri
from registry.rdf.jsonld import context_file
from registry.records.layout import record_id_for
from registry.web.context import get_catalogue
from registry.web.negotiation import negotiated, suffix_document

linked_data = Blueprint("linked_data", __name__)
SITEMAP_URLS = 50_000
"""The sitemap protocol's limit of URLs per file (https://www.sitemaps.org/protocol.html)."""


@linked_data.get("/record/<record_id>")
def record(record_id: str) -> BaseResponse:
    catalogue = get_catalogue()
    card = catalogue.search.card(record_id)
    page = "pages.provider_page" if card and card["kind"] == "agent" else "pages.dataset_page"
    return negotiated(
        lambda: redirect(url_for(page, record_id=record_id), 303),
        lambda: read.record_document(catalogue, record_id),
        lambda s: url_for("linked_data.record_document", record_id=record_id, suffix=s),
    )


@linked_data.get("/resolve")
def resolve() -> BaseResponse:
    """Send a provider's own dataset (or agent) IRI to its page in the registry."""
    iri = normal_iri(request.args.get("iri", ""))  # any spelling of the IRI
    record_id = record_id_for(iri)
    card = get_catalogue().search.card(record_id)
    if card is None or card["topic"] != iri:
        raise NotFound(f"No dataset or provider in this catalogue has the IRI <{iri}>.")
    page = "pages.provider_page" if card["kind"] == "agent" else "pages.dataset_page"
    return redirect(url_for(page, record_id=record_id), 303)


@linked_data.get("/record/<record_id>.<suffix>")
def record_document(record_id: str, suffix: str) -> Response:
    return suffix_document(suffix, lambda: read.record_document(get_catalogue(), record_id))


@linked_data.get("/agent/<name>")
def operator(name: str) -> BaseResponse:
    """The catalogue's publisher (``<agent/operator>``), described in the catalogue graph."""
    catalogue = get_catalogue()
    iri = catalogue.layout.iri(f"agent/{name}")
    triples = [  # compared as text: a name with a space or a control character is no IRI
        t
        for t in catalogue.store.graph_triples(catalogue.catalog_iri)
        if isinstance(t.subject, ox.NamedNode) and t.subject.value == iri
    ]
    if not triples:
        raise NotFound(f"The registry names no agent {name!r}.")
    return negotiated(
        lambda: redirect(url_for("pages.home_page"), 303),
        lambda: triples,
        lambda s: url_for("federation.catalog_document", suffix=s),
    )


@linked_data.get("/context/<name>")
def context_document(name: str) -> BaseResponse:
    """A JSON-LD context the registry bundles (its own, which the samples cite, and
    DCAT-AP's), so providers' JSON-LD tools can read what the registry reads."""
    path = context_file(name)
    if path is None:
        raise NotFound(f"The registry serves no JSON-LD context called {name!r}.")
    response = Response(path.read_bytes(), mimetype="application/ld+json")
    response.cache_control.public, response.cache_control.max_age = True, 86_400
    return response


@linked_data.get("/sitemap.xml")
def sitemap_index() -> Response:
    datasets = get_catalogue().search.summary()["datasets"]
    files = range(1, max(1, -(-datasets // SITEMAP_URLS)) + 1)
    body = render_template("sitemap_index.xml", files=files)
    return Response(body, mimetype="application/xml")


@linked_data.get("/sitemap/<int:number>.xml")
def sitemap(number: int) -> Response:
    search = get_catalogue().search
    files = max(1, -(-search.summary()["datasets"] // SITEMAP_URLS))
    if not 1 <= number <= files:  # checked first: a huge offset overflows SQLite's integers
        raise NotFound(f"There is no sitemap {number}.")
    ids = list(search.record_dates("dataset", (number - 1) * SITEMAP_URLS, SITEMAP_URLS))
    providers = list(search.record_dates("agent", 0, SITEMAP_URLS)) if number == 1 else []
    body = render_template("sitemap.xml", datasets=ids, providers=providers, first=number == 1)
    return Response(body, mimetype="application/xml")

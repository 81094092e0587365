"""The IRIs the registry mints, dereferenced: records, the catalogue, its operator, sitemaps.

A browser asking for a record or the catalogue is sent (303 See Other) to the page about
it; an RDF client gets the description (https://www.w3.org/TR/cooluris/#r303gendocument).
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from registry.catalogue import views as catalogue
from registry.errors import NotFound
from registry.runtime import record_id_for
from registry.web.app import get_registry
from registry.web.negotiation import negotiated, rdf_response, suffix_syntax

linked_data = Blueprint("linked_data", __name__)
SITEMAP_URLS = 50_000
"""The sitemap protocol's limit of URLs per file (https://www.sitemaps.org/protocol.html)."""


@linked_data.get("/record/<record_id>")
def record(record_id: str) -> BaseResponse:
    registry = get_registry()
    card = registry.search.card(record_id)
    page = "pages.provider_page" if card and card["kind"] == "agent" else "pages.dataset_page"
    return negotiated(
        lambda: redirect(url_for(page, record_id=record_id), 303),
        lambda: catalogue.record_document(registry, record_id),
        lambda s: url_for("linked_data.record_document", record_id=record_id, suffix=s),
    )


@linked_data.get("/resolve")
def resolve() -> BaseResponse:
    """Send a provider's own dataset (or agent) IRI to its page in the registry."""
    iri = request.args.get("iri", "")
    record_id = record_id_for(iri)
    card = get_registry().search.card(record_id)
    if card is None or card["topic"] != iri:
        raise NotFound(f"No dataset or provider in this catalogue has the IRI <{iri}>.")
    page = "pages.provider_page" if card["kind"] == "agent" else "pages.dataset_page"
    return redirect(url_for(page, record_id=record_id), 303)


@linked_data.get("/record/<record_id>.<suffix>")
def record_document(record_id: str, suffix: str) -> Response:
    syntax = suffix_syntax(suffix)
    return rdf_response(catalogue.record_document(get_registry(), record_id), syntax)


@linked_data.get("/catalog")
def catalog() -> BaseResponse:
    registry = get_registry()
    return negotiated(
        lambda: redirect(url_for("pages.home_page"), 303),
        lambda: registry.store.graph_triples(registry.catalog_iri),
        lambda s: url_for("linked_data.catalog_document", suffix=s),
    )


@linked_data.get("/catalog.<suffix>")
def catalog_document(suffix: str) -> Response:
    registry = get_registry()
    return rdf_response(registry.store.graph_triples(registry.catalog_iri), suffix_syntax(suffix))


@linked_data.get("/agent/<name>")
def operator(name: str) -> BaseResponse:
    """The catalogue's publisher (``<agent/operator>``), described in the catalogue graph."""
    registry = get_registry()
    iri = registry.settings.iri(f"agent/{name}")
    triples = [
        t
        for t in registry.store.graph_triples(registry.catalog_iri)
        if t.subject == ox.NamedNode(iri)
    ]
    if not triples:
        raise NotFound(f"The registry names no agent {name!r}.")
    return negotiated(
        lambda: redirect(url_for("pages.home_page"), 303),
        lambda: triples,
        lambda s: url_for("linked_data.catalog_document", suffix=s),
    )


@linked_data.get("/sitemap.xml")
def sitemap_index() -> Response:
    datasets = get_registry().search.summary()["datasets"]
    files = range(1, max(1, -(-datasets // SITEMAP_URLS)) + 1)
    body = render_template("sitemap_index.xml", files=files)
    return Response(body, mimetype="application/xml")


@linked_data.get("/sitemap/<int:number>.xml")
def sitemap(number: int) -> Response:
    search = get_registry().search
    start = (number - 1) * SITEMAP_URLS
    ids = list(search.record_ids("dataset", start, SITEMAP_URLS))
    if number < 1 or (not ids and number > 1):
        raise NotFound(f"There is no sitemap {number}.")
    providers = list(search.record_ids("agent", 0, SITEMAP_URLS)) if number == 1 else []
    body = render_template("sitemap.xml", datasets=ids, providers=providers, first=number == 1)
    return Response(body, mimetype="application/xml")

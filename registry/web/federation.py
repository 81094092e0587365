"""The catalogue for machines, over HTTP: the paged catalogue (``/catalog``), the FAIR Data
Point root (``/`` asked for RDF, see ``pages.home_page``) and OAI-PMH (``/oai``).

Thin views: arguments parsed here, pages and answers made by ``registry.federation``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, redirect, request, url_for
from werkzeug.http import is_resource_modified
from werkzeug.wrappers import Response as BaseResponse

from registry.errors import RegistryError
from registry.federation import catalog_pages, documents, fdp, oai
from registry.federation.listing import Window, moment, stamp
from registry.rdf import formats
from registry.rdf.namespaces import FEDERATION_PREFIXES
from registry.web.context import get_listing, get_settings
from registry.web.negotiation import harvested_syntax, rdf_response, suffix_syntax

federation = Blueprint("federation", __name__)


@federation.get("/catalog")
def catalog() -> BaseResponse:
    """The catalogue's IRI: a page of it in RDF (Turtle without ``Accept``), or for a
    browser the home page (303 See Other)."""
    syntax = harvested_syntax()
    if syntax is None:
        response = redirect(url_for("pages.home_page"), 303)
        response.headers["Vary"] = "Accept"
        return response
    return catalog_response(syntax, None)


@federation.get("/catalog.<suffix>")
def catalog_document(suffix: str) -> BaseResponse:
    return catalog_response(suffix_syntax(suffix), suffix)


def single(name: str) -> str | None:
    """A URL argument given at most once (twice is a 400: which one would count?)."""
    values = request.args.getlist(name)
    if len(values) > 1:
        raise RegistryError(f"The argument {name} is given {len(values)} times; give it once.")
    return values[0] if values else None


def page_number(text: str | None) -> int:
    if text is None:
        return 1
    if not text.isascii() or not text.isdigit() or len(text) > 9 or int(text) < 1:
        raise RegistryError(f"page={text!r} is not a page number: pages count from 1.")
    return int(text)


def catalog_window() -> Window:
    """The walk a request continues (``as_of``) or starts, and its ``modified_since``."""
    as_of, since = single("as_of"), single("modified_since")
    return get_listing().window(
        moment(as_of, "as_of") if as_of is not None else None,
        moment(since, "modified_since") if since is not None else None,
    )


def catalog_response(syntax: formats.RdfSyntax, suffix: str | None) -> BaseResponse:
    """Page ``?page=N`` of the walk, with Hydra links, validators and conditional GET."""
    listing = get_listing()
    number = page_number(single("page"))
    window = catalog_window()
    page = catalog_pages.catalog_page(listing, number, window, get_settings().feed_page_size)
    digest, changed = catalog_pages.validators(listing, page)
    # Its links name the address asked (with or without the suffix): two documents.
    etag = f'"{digest}-{syntax.suffix}{"-document" if suffix else ""}"'

    def body() -> bytes:
        url = partial(page_address, window, suffix=suffix)
        triples = catalog_pages.page_triples(listing, page, url)
        data = formats.serialize(triples, syntax, FEDERATION_PREFIXES)
        return documents.xml_safe(data) if syntax.oxigraph == ox.RdfFormat.RDF_XML else data

    if not is_resource_modified(request.environ, etag=etag, last_modified=changed):
        response = Response(status=304)
    else:
        response = Response(page_bodies().get(etag, body), mimetype=syntax.media_type)
    response.headers["ETag"] = etag
    response.last_modified = changed
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = page_links(page, suffix)
    return response


def page_address(window: Window, number: int, suffix: str | None) -> str:
    """The absolute IRI of page ``number`` of a walk, at ``/catalog`` or ``/catalog.<suffix>``."""
    arguments: dict[str, object] = {"page": number, "as_of": stamp(window.as_of)}
    if window.since is not None:
        arguments["modified_since"] = stamp(window.since)
    document = get_listing().layout.catalog_iri + (f".{suffix}" if suffix else "")
    return f"{document}?{urlencode(arguments, safe=':')}"


def page_links(page: catalog_pages.CatalogPage, suffix: str | None) -> str:
    """The ``Link`` header: first, previous, next, last, and the page in each RDF syntax."""
    numbers = {"first": 1, "last": page.last, "prev": page.number - 1, "next": page.number + 1}
    links = [
        f'<{page_address(page.window, n, suffix)}>; rel="{rel}"'
        for rel, n in numbers.items()
        if 1 <= n <= page.last
    ]
    links += [
        f'<{page_address(page.window, page.number, s.suffix)}>; rel="alternate"; '
        f'type="{s.media_type}"'
        for s in formats.DOCUMENT_SYNTAXES
    ]
    return ", ".join(links)


class PageBodies:
    """The last pages served, by entity tag: ckanext-dcat sends HEAD then GET for each page
    and several harvesters may walk at once, so a page is built once for all of them."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, etag: str, build: Callable[[], bytes]) -> bytes:
        with self._lock:
            body = self._bodies.get(etag)
            if body is not None:
                self._bodies.move_to_end(etag)
                return body
        body = build()
        with self._lock:
            self._bodies[etag] = body
            while len(self._bodies) > self.size:
                self._bodies.popitem(last=False)
        return body


def page_bodies() -> PageBodies:
    """The app's page cache (kept beside the registry in ``app.extensions``)."""
    bodies: PageBodies = current_app.extensions.setdefault("catalog_page_bodies", PageBodies())
    return bodies


def fdp_root(syntax: formats.RdfSyntax) -> Response:
    """The FAIR Data Point's root metadata (the home page's IRI, asked for RDF)."""
    listing, settings = get_listing(), get_settings()
    triples = fdp.root_triples(listing.store, listing.layout, settings.catalog_country)
    return rdf_response(triples, syntax, prefixes=FEDERATION_PREFIXES)


@federation.route("/oai", methods=["GET", "POST"])
def oai_pmh() -> Response:
    """OAI-PMH 2.0: arguments in the URL (GET) or a form body (POST), section 3.1.1."""
    listing, settings = get_listing(), get_settings()
    repository = oai.Repository(
        listing,
        base_url=listing.layout.iri("oai"),
        name=settings.catalog_title,
        admin_email=oai.admin_email(listing, settings.admin_email),
        page_size=min(settings.feed_page_size, catalog_pages.MAX_PAGE_SIZE),
    )
    source = request.form if request.method == "POST" else request.args
    arguments = [(name, value) for name, values in source.lists() for value in values]
    body = oai.respond(repository, arguments, datetime.now(UTC))
    return Response(body, mimetype="text/xml")

"""Every Accept and suffix decision of the registry, in one place.

One resource answers in HTML, Turtle, JSON-LD, RDF/XML or N-Triples, chosen by ``Accept``
(https://www.w3.org/TR/cooluris/#conneg) or by a suffix (``.ttl``). Negotiated answers say
``Vary: Accept``, and a resource with a page lists its other forms in
``Link: <...>; rel="alternate"`` headers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import pyoxigraph as ox
from flask import Response, request
from werkzeug.wrappers import Response as BaseResponse

from registry.errors import NotAcceptable, NotFound, RegistryError
from registry.rdf import formats

HTML = "text/html"
RDF_TYPES = [s.media_type for s in formats.DOCUMENT_SYNTAXES]
"""The media types a description (one graph) can be sent in, Turtle first."""
TOKEN = r"[A-Za-z0-9!#$%&'*+.^_`|~-]+"
MEDIA_RANGE = re.compile(rf"(\*/\*|{TOKEN}/\*|{TOKEN}/{TOKEN})")
QUALITY = re.compile(r"(0(\.\d{0,3})?|1(\.0{0,3})?)")
"""RFC 9110, 12.5.1 and 12.4.2: a media range and a weight."""


def best_offer(offers: Sequence[str]) -> str | None:
    """The offer the client's ``Accept`` prefers; the first offer when it sends none; None
    when it accepts none of them."""
    if not request.accept_mimetypes:
        return offers[0]
    return request.accept_mimetypes.best_match(list(offers))


DATASET_TYPES = ["application/trig", "application/ld+json", "application/n-quads"]
"""The media types a document of several named graphs (the change feed) is sent in, TriG
first (DCAT-AP Feeds asks for TriG or JSON-LD)."""


def accepted_dataset_syntax(what: str) -> formats.RdfSyntax:
    """The syntax with named graphs the client accepts (TriG without ``Accept``; 406 if
    none): ``application/json`` is JSON-LD, as for one graph."""
    best = best_offer([*DATASET_TYPES, "application/json"])
    if best is None:
        raise NotAcceptable(f"{what} is RDF with named graphs: accept {', '.join(DATASET_TYPES)}.")
    return formats.syntax_for_media_type(best)


def dataset_response(body: bytes, syntax: formats.RdfSyntax) -> Response:
    """A document of named graphs serialised in ``syntax``."""
    response = Response(body, content_type=content_type(syntax.media_type))
    response.headers["Vary"] = "Accept"
    return response


def wants_html() -> bool:
    """True when the client prefers a page to JSON (browsers)."""
    best = request.accept_mimetypes.best_match(["application/json", HTML])
    return best == HTML and request.accept_mimetypes[HTML] > 0


def prefers_page(offers: Sequence[str]) -> bool:
    """True when the client prefers a page to each of ``offers`` (the resource's other
    forms), q-values counted: ``text/html;q=0.2`` beside Turtle at 0.6 asks for Turtle
    (Comunica's Accept). On a tie, as for ``*/*``, the data wins."""
    accept = request.accept_mimetypes
    return accept[HTML] > 0 and accept.best_match([*offers, HTML]) == HTML


def accepted_rdf_syntax(what: str = "This resource") -> formats.RdfSyntax:
    """The RDF syntax the client accepts for a resource that is only RDF (406 if none)."""
    best = best_offer(RDF_TYPES)
    if best is None:
        raise NotAcceptable(f"{what} is RDF: accept one of {', '.join(RDF_TYPES)}.")
    return formats.syntax_for_media_type(best)


def check_accept() -> None:
    """Refuse (400) an ``Accept`` header that is not a list of media ranges with weights.

    Werkzeug drops what it cannot parse, which would answer a typo as if no type were
    asked for.
    """
    for part in request.headers.get("Accept", "").split(","):
        if not part.strip():
            continue
        media_range, *parameters = (item.strip() for item in part.split(";"))
        weights = [p.partition("=")[2].strip() for p in parameters if p.lower().startswith("q=")]
        if not MEDIA_RANGE.fullmatch(media_range) or not all(QUALITY.fullmatch(w) for w in weights):
            raise RegistryError(
                f"Accept: {part.strip()!r} is not a media range with an optional q=0..1 "
                "(e.g. Accept: text/turtle, application/ld+json;q=0.8)."
            )


def harvested_syntax() -> formats.RdfSyntax | None:
    """The RDF syntax of a resource harvesters read that also has a page: Turtle when the
    client names no type or accepts anything (ckanext-dcat sends no ``Accept``; ``requests``
    and curl send ``*/*``), None when it prefers HTML (a browser); 400 for a malformed
    ``Accept``, 406 when it accepts neither."""
    check_accept()
    if not request.accept_mimetypes:
        return formats.DOCUMENT_SYNTAXES[0]
    offered = [m for s in formats.DOCUMENT_SYNTAXES for m in s.media_types] + [HTML]
    best = request.accept_mimetypes.best_match(offered)
    if best is None:
        raise NotAcceptable(
            f"This resource is RDF or a page: accept one of {', '.join(RDF_TYPES)}."
        )
    if best == HTML:
        return None
    return formats.syntax_for_media_type(best)


def wanted_syntax() -> formats.RdfSyntax | None:
    """The RDF syntax the client prefers to HTML, or None for a page."""
    offered = [HTML] + [m for s in formats.DOCUMENT_SYNTAXES for m in s.media_types]
    best = request.accept_mimetypes.best_match(offered, default=HTML)
    if best == HTML or request.accept_mimetypes[HTML] >= request.accept_mimetypes[best]:
        return None
    return next(s for s in formats.DOCUMENT_SYNTAXES if best in s.media_types)


def prefers(media_type: str) -> bool:
    """True when the client asks for ``media_type`` (a resource's non-RDF form, as CSV) before
    a page and before every RDF syntax; ``*/*`` prefers none of them."""
    offered = [media_type, HTML, *(m for s in formats.DOCUMENT_SYNTAXES for m in s.media_types)]
    accept = request.accept_mimetypes
    return (
        accept.best_match(offered, default=HTML) == media_type
        and accept[media_type] > accept[HTML]
    )


def suffix_syntax(suffix: str) -> formats.RdfSyntax:
    """The syntax of a document URL's suffix (``.ttl``); 404 for any other suffix."""
    syntax = formats.syntax_for_suffix(suffix)
    if syntax is None or syntax.has_graphs:
        raise NotFound(f"No RDF serialisation has the suffix .{suffix}.")
    return syntax


def content_type(media_type: str) -> str:
    """Text answers say their charset, so browsers and curl show non-ASCII correctly."""
    if media_type.startswith("text/") or media_type.endswith(("json", "xml")):
        return f"{media_type}; charset=utf-8"
    return media_type


def rdf_response(
    triples: list[ox.Triple],
    syntax: formats.RdfSyntax,
    etag: str | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> Response:
    """Triples serialised in ``syntax`` (with the profile's prefixes and ``prefixes``)."""
    response = Response(formats.serialize(triples, syntax, prefixes), mimetype=syntax.media_type)
    if etag:
        response.headers["ETag"] = etag
    return response


def accepted_rdf(
    triples: list[ox.Triple], etag: str | None = None, prefixes: dict[str, str] | None = None
) -> Response:
    """Triples in the RDF syntax the client accepts (Turtle without ``Accept``)."""
    response = rdf_response(triples, accepted_rdf_syntax(), etag, prefixes)
    response.headers["Vary"] = "Accept"
    return response


def suffix_document(suffix: str, triples: Callable[[], list[ox.Triple]]) -> Response:
    """The one handler of ``<resource>.<suffix>`` URLs: the suffix is checked before the
    triples are read, so an unknown suffix costs nothing."""
    syntax = suffix_syntax(suffix)
    return rdf_response(triples(), syntax)


def alternates(url_for_suffix: Callable[[str], str]) -> list[dict[str, str]]:
    """Name, media type and URL of each RDF form of a resource."""
    return [
        {"name": s.name, "type": s.media_type, "href": url_for_suffix(s.suffix)}
        for s in formats.DOCUMENT_SYNTAXES
    ]


def negotiated(
    page: Callable[[], str | BaseResponse],
    triples: Callable[[], list[ox.Triple]],
    url_for_suffix: Callable[[str], str],
) -> BaseResponse:
    """Answer with the page or the RDF the client asked for, with Vary and Link headers."""
    syntax = wanted_syntax()
    response = rdf_response(triples(), syntax) if syntax else page()
    if not isinstance(response, BaseResponse):
        response = Response(response, mimetype=HTML)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = ", ".join(
        f'<{a["href"]}>; rel="alternate"; type="{a["type"]}"' for a in alternates(url_for_suffix)
    )
    return response

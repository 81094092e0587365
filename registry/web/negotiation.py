"""Content negotiation for the IRIs the registry serves: a page for browsers, RDF for others.

One resource answers in HTML, Turtle, JSON-LD, RDF/XML or N-Triples, chosen by ``Accept``
(https://www.w3.org/TR/cooluris/#conneg) or by a suffix (``.ttl``). Every answer says
``Vary: Accept`` and lists the other forms in ``Link: <...>; rel="alternate"`` headers.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
from flask import Response, request
from werkzeug.wrappers import Response as BaseResponse

from registry.errors import NotFound
from registry.rdf import formats

HTML = "text/html"


def alternates(url_for_suffix: Callable[[str], str]) -> list[dict[str, str]]:
    """Name, media type and URL of each RDF form of a resource."""
    return [
        {"name": s.name, "type": s.media_type, "href": url_for_suffix(s.suffix)}
        for s in formats.DOCUMENT_SYNTAXES
    ]


def wanted_syntax() -> formats.RdfSyntax | None:
    """The RDF syntax the client prefers to HTML, or None for a page."""
    offered = [HTML] + [m for s in formats.DOCUMENT_SYNTAXES for m in s.media_types]
    best = request.accept_mimetypes.best_match(offered, default=HTML)
    if best == HTML or request.accept_mimetypes[HTML] >= request.accept_mimetypes[best]:
        return None
    return next(s for s in formats.DOCUMENT_SYNTAXES if best in s.media_types)


def suffix_syntax(suffix: str) -> formats.RdfSyntax:
    syntax = formats.syntax_for_suffix(suffix)
    if syntax is None or syntax.has_graphs:
        raise NotFound(f"No RDF serialisation has the suffix .{suffix}.")
    return syntax


def rdf_response(triples: list[ox.Triple], syntax: formats.RdfSyntax) -> Response:
    return Response(formats.serialize(triples, syntax), mimetype=syntax.media_type)


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

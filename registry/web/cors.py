"""Cross-origin reads (CORS, https://fetch.spec.whatwg.org/#http-cors-protocol), in one place.

Everything the registry publishes is public, so a query editor on another site (YASGUI) or
a SPARQL client in a browser (Comunica) may read it: any ``GET`` or ``HEAD`` answer, and a
``POST`` that is a read (a SPARQL query too long for a URL, an OAI-PMH request as a form),
with the preflight those send.
The provider API's writes never get CORS headers, so a browser on another site cannot send
them; and no credentials are ever allowed (``Authorization`` is not an allowed header and
``Access-Control-Allow-Credentials`` is never sent), so a page elsewhere cannot use a
visitor's token either. ``/metrics`` never gets them: it answers only to some networks, and
a page elsewhere must not read it through the browser of a visitor inside one.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.wrappers import Response

READS = frozenset({"GET", "HEAD"})
QUERIES = frozenset({"POST"})
"""What other sites may send besides reads, and only to the views in ``QUERY_SERVICES``."""
QUERY_SERVICES = frozenset({"endpoint.sparql_endpoint", "federation.oai_pmh"})
"""Views whose POST is a read: a SPARQL query (updates are refused there anyway) and an
OAI-PMH request (its arguments as a form, OAI-PMH 2.0 section 3.1.1.2)."""
PRIVATE = frozenset({"observability"})
"""Blueprints answered by the client's network, not to everyone: never cross-origin."""
ALLOWED_HEADERS = "Accept, Accept-Language, Content-Type"
EXPOSED_HEADERS = "ETag, Last-Modified, Link, Location, Vary"
"""Answer headers a script on another site may read (the alternates, the versions)."""
PREFLIGHT_SECONDS = 86400


def allowed_methods() -> frozenset[str]:
    """The methods another site may use on this request's resource."""
    return READS | QUERIES if request.endpoint in QUERY_SERVICES else READS


def cross_origin(response: Response) -> Response:
    """Add the CORS headers to an answer another site may read (``after_request``).

    They go on every such answer, asked by another site or not: the origin allowed is ``*``
    whoever asks, so a cached answer serves both without ``Vary: Origin``.
    """
    if request.blueprint in PRIVATE:
        return response
    methods = allowed_methods()
    if request.method == "OPTIONS":
        wanted = request.headers.get("Access-Control-Request-Method", "").upper()
        if wanted not in methods:
            return response  # a preflight for a write: no CORS headers, the browser refuses
        response.headers["Access-Control-Allow-Methods"] = ", ".join(sorted(methods))
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
    elif request.method not in methods:
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


def init_app(app: Flask) -> None:
    app.after_request(cross_origin)

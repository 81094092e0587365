"""The ``/sparql`` endpoint view: SPARQL 1.1 Protocol query operation, read-only.

https://www.w3.org/TR/sparql11-protocol/#query-operation
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from . import sparql
from .app import get_registry, wants_html
from .errors import QueryError, UnsupportedMediaType
from .formats import bare_media_type
from .namespaces import PREFIXES

endpoint = Blueprint("endpoint", __name__)


def query_text() -> str | None:
    """Return the query of a GET, form POST or direct POST, or raise the protocol's 400/415."""
    if request.method == "GET":
        queries = request.args.getlist("query")
    else:
        kind = bare_media_type(request.content_type)
        if kind == "application/sparql-update" or "update" in request.form:
            raise QueryError("This endpoint is read-only: SPARQL Update is not accepted.")
        if kind == "application/sparql-query":
            return request.get_data(as_text=False).decode("utf-8", errors="strict")
        if kind != "application/x-www-form-urlencoded":
            raise UnsupportedMediaType(
                "POST a query as application/sparql-query or application/x-www-form-urlencoded."
            )
        queries = request.form.getlist("query")
    if len(queries) > 1:
        raise QueryError("Send exactly one 'query' parameter.", link=sparql.PROTOCOL)
    return queries[0] if queries else None


def choose_media_type(offers: list[str]) -> str | None:
    """Return the offer the client's Accept header prefers; no header accepts the first."""
    if not request.accept_mimetypes:
        return offers[0]
    return request.accept_mimetypes.best_match(offers)


@endpoint.route("/sparql", methods=["GET", "POST"])
def sparql_endpoint() -> Response | str:
    try:
        text = query_text()
    except UnicodeDecodeError:
        raise QueryError("The query must be UTF-8.", link=sparql.PROTOCOL) from None
    if text is None and wants_html():
        return render_template("sparql.html", prefixes=PREFIXES)
    answer = sparql.run(get_registry().store, text or "", choose_media_type)
    response = Response(answer.body, mimetype=answer.media_type)
    response.headers["Vary"] = "Accept"
    return response

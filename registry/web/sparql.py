"""The ``/sparql`` view: the SPARQL 1.1 Protocol query operation, the service description
and the query page. Thin: reading the request is here, everything else in ``sparql``.

https://www.w3.org/TR/sparql11-protocol/#query-operation
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode

from flask import Blueprint, Response, render_template, request, url_for

from registry.errors import NotAcceptable, QueryError, RegistryError, UnsupportedMediaType
from registry.federation.documents import sparql_service
from registry.rdf import formats
from registry.rdf.formats import bare_media_type
from registry.rdf.namespaces import PREFIXES
from registry.runtime import Registry
from registry.sparql import description, tables
from registry.sparql import service as sparql
from registry.web.context import get_registry
from registry.web.negotiation import (
    RDF_TYPES,
    accepted_rdf_syntax,
    best_offer,
    content_type,
    prefers_page,
)
from registry.web.rate_limits import client_ip

endpoint = Blueprint("endpoint", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
DATA_TYPES = list(dict.fromkeys([*sparql.RESULT_TYPES, *sparql.GRAPH_TYPES, *RDF_TYPES]))
"""Everything ``/sparql`` answers besides its page: results, graphs, the service description."""


def _parameters(raw: bytes) -> dict[str, list[str]]:
    """Decode URL-encoded parameters, refusing bytes that are not UTF-8 (the protocol's 400)."""
    try:
        return parse_qs(raw.decode("ascii"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise QueryError(
            "Parameters must be UTF-8, percent-encoded.", link=sparql.PROTOCOL
        ) from None


def read_request() -> tuple[sparql.QueryRequest | None, dict[str, list[str]]]:
    """Return the query operation of a GET, form POST or direct POST, and its parameters.

    Raises the protocol's 400 (several queries, bad encoding), 403 (an update) or 415.
    """
    url = _parameters(request.query_string)
    if request.method in ("GET", "HEAD"):  # HEAD: a monitor's check, answered as GET
        parameters, text = url, None
    else:
        kind = bare_media_type(request.content_type)
        if kind == "application/sparql-update":
            raise sparql.refuse_update()
        if kind == DIRECT:
            charset = request.mimetype_params.get("charset", "utf-8").lower()
            try:
                if charset != "utf-8":
                    raise UnicodeDecodeError(charset, b"", 0, 0, "not UTF-8")
                text = request.get_data().decode("utf-8", errors="strict")
            except UnicodeDecodeError:
                raise QueryError("The query must be UTF-8.", link=sparql.PROTOCOL) from None
            parameters = url
        elif kind == FORM:
            parameters, text = _parameters(request.get_data()), None
        else:
            raise UnsupportedMediaType(f"POST a query as {DIRECT} or {FORM}.")
    if "update" in parameters or "using-graph-uri" in parameters:
        raise sparql.refuse_update()
    queries = parameters.get("query", [])
    if text is not None and queries:
        raise QueryError("Send the query once: in the body or as 'query'.", link=sparql.PROTOCOL)
    if len(queries) > 1:
        raise QueryError("Send exactly one 'query' parameter.", link=sparql.PROTOCOL)
    text = text if text is not None else (queries[0] if queries else None)
    if text is None:
        return None, parameters
    return sparql.QueryRequest(
        text,
        tuple(parameters.get("default-graph-uri", [])),
        tuple(parameters.get("named-graph-uri", [])),
    ), parameters


def negotiated_types(parameters: dict[str, list[str]]) -> tuple[str | None, str | None]:
    """Return the media types for (SELECT/ASK, CONSTRUCT/DESCRIBE) answers: the ``format``
    parameter's if given (for links in browsers), else the best of the Accept header.

    ``format`` may come several times, each a name or a comma-separated list of media
    types (SPARQLWrapper sends both): the first value naming a format wins.
    """
    given = parameters.get("format", [])
    wanted = [name.strip().lower() for value in given for name in value.split(",")]
    for name in wanted:
        for option in sparql.FORMATS:
            if option.named(name):
                return option.results, option.graph
    if given:
        names = ", ".join(option.name for option in sparql.FORMATS)
        raise NotAcceptable(f"Unknown format {', '.join(given)!r}; use one of: {names}.")
    results, graph = best_offer(list(sparql.RESULT_TYPES)), best_offer(list(sparql.GRAPH_TYPES))
    if graph is None and results is not None:
        # A client that accepts only result formats (roqet asks a CONSTRUCT for
        # application/sparql-results+xml) gets the default RDF syntax, as Fuseki and Virtuoso
        # answer it, rather than a 406; an Accept that names neither still gets the 406.
        graph = next(iter(sparql.GRAPH_TYPES))
    return results, graph


@endpoint.route("/sparql", methods=["GET", "POST"])
def sparql_endpoint() -> Response:
    query, parameters = read_request()
    registry = get_registry()
    browser = prefers_page(DATA_TYPES) and "format" not in parameters
    if browser:
        return query_page(registry, query)
    if query is None:
        return service_description(registry)
    results_type, graph_type = negotiated_types(parameters)
    answer = registry.endpoint().run(query, results_type, graph_type, client_ip())
    response = Response(answer.body, content_type=content_type(answer.media_type))
    response.headers["Vary"] = "Accept"
    return response


@endpoint.after_request
def retry_after(response: Response) -> Response:
    """A 503 (workers busy, a query stopped) says when to try again (RFC 9110, 10.2.3)."""
    if response.status_code == 503 and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = str(sparql.retry_after(get_registry().settings))
    return response


def query_page(registry: Registry, query: sparql.QueryRequest | None) -> Response:
    """The page for people: the form, examples, prefixes, and the answer as a table."""
    context: dict[str, Any] = {
        "query": query,
        "examples": description.examples(),
        "prefixes": PREFIXES,
        "settings": registry.settings,
        "endpoint_iri": registry.layout.iri("sparql"),
        "formats": sparql.FORMATS,
    }
    status = 200
    if query is not None:
        try:
            answer = registry.endpoint().run(
                query, tables.TABLE_RESULTS, tables.TABLE_GRAPH, client_ip()
            )
        except RegistryError as error:
            context["error"], status = error.to_dict(), error.status
        else:
            table = tables.table(answer)
            graph = table.kind == "graph"
            context["table"] = table
            context["downloads"] = [
                (option.label, download_link(query, option.name))
                for option in sparql.FORMATS
                if (option.graph if graph else option.results)
            ]
    response = Response(render_template("sparql.html", **context), status=status)
    # The one page with scripts: the editor, from our own static files, never inline.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; object-src 'none'"
    )
    return response


def service_description(registry: Registry) -> Response:
    """The ``sd:Service`` in the RDF syntax the client accepts (Turtle by default), also
    described as the catalogue's ``dcat:DataService``."""
    syntax = accepted_rdf_syntax("The service description")
    triples = description.service_triples(registry.settings)
    triples += sparql_service(registry.store, registry.layout)
    body = formats.serialize(triples, syntax)
    response = Response(body, content_type=content_type(syntax.media_type))
    response.headers["Vary"] = "Accept"
    return response


def download_link(query: sparql.QueryRequest, format_name: str) -> str:
    """The URL answering ``query`` in one format, for the page's download links."""
    parameters = [("query", query.query), ("format", format_name)]
    parameters += [("default-graph-uri", g) for g in query.default_graphs]
    parameters += [("named-graph-uri", g) for g in query.named_graphs]
    return url_for("endpoint.sparql_endpoint") + "?" + urlencode(parameters)

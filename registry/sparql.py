"""SPARQL 1.1 query evaluation for the public endpoint: read-only, no remote SERVICE.

No Flask here: the endpoint view hands over the query text and the media types the client
accepts; this module checks the query, runs it on the store and serialises the answer with
pyoxigraph (streaming serialisers, no Python structure per row).
Protocol: https://www.w3.org/TR/sparql11-protocol/
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import NotAcceptable, QueryError
from .formats import SYNTAXES
from .store import OxigraphStore

PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/#query-operation"

RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    media_type: syntax.oxigraph
    for syntax in SYNTAXES
    if not syntax.has_graphs
    for media_type in syntax.media_types
}

# Strings, IRIs, comments, variables: the parts of a query where the word SERVICE is not
# the keyword (https://www.w3.org/TR/sparql11-query/#grammar).
_NOT_KEYWORDS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>'
    r"|#[^\n]*"
    r"|[?$]\w+",
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w:])SERVICE(?![\w:])", re.IGNORECASE)
_UPDATE = re.compile(
    r"(?<![\w:])(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)(?![\w:])", re.IGNORECASE
)


@dataclass(frozen=True)
class Answer:
    body: bytes
    media_type: str


def keywords(query: str) -> str:
    """Return the query with strings, IRIs, comments and variables blanked out."""
    return _NOT_KEYWORDS.sub(" ", query)


def check_query(query: str) -> None:
    """Refuse what the public endpoint never evaluates, before evaluation starts."""
    if not query.strip():
        raise QueryError("The request has no query: pass it as 'query'.", link=PROTOCOL)
    if _SERVICE.search(keywords(query)):
        raise QueryError(
            "SERVICE (federated query) is not allowed on this endpoint: it would make the "
            "registry call other hosts.",
            link="https://www.w3.org/TR/sparql11-federated-query/",
        )


def _syntax_error(query: str, error: SyntaxError) -> QueryError:
    # An update's first keyword comes before its first brace; a query has none there.
    if _UPDATE.search(keywords(query).split("{", 1)[0]):
        return QueryError(
            "This endpoint is read-only: SPARQL Update is not accepted.",
            link="https://www.w3.org/TR/sparql11-protocol/#update-operation",
        )
    return QueryError(f"SPARQL syntax error: {error.msg}", link=PROTOCOL)


def run(
    store: OxigraphStore, query: str, choose: Callable[[list[str]], str | None]
) -> Answer:
    """Evaluate ``query`` and serialise it in the media type ``choose`` picks from the offers."""
    check_query(query)
    try:
        result = store.query(query)
    except SyntaxError as error:
        raise _syntax_error(query, error) from None
    if isinstance(result, ox.QueryTriples):
        offers: dict[str, ox.QueryResultsFormat] | dict[str, ox.RdfFormat] = GRAPH_FORMATS
    else:
        offers = RESULT_FORMATS
    media_type = choose(list(offers))
    if media_type is None:
        raise NotAcceptable(f"This result can be sent as: {', '.join(offers)}.")
    body = result.serialize(format=offers[media_type])  # type: ignore[arg-type]
    assert body is not None
    return Answer(body, media_type)

"""SPARQL 1.1 query operation for the public endpoint: read-only, time-boxed, capped.

No Flask here: the endpoint view hands over a ``QueryRequest`` and the media types the
client accepts. This module refuses what is never evaluated (updates, ``SERVICE`` to hosts
not on the allow-list), then has a worker process (``query_workers``) evaluate the query on
a read-only checkpoint (``snapshots``) within the timeout.
Protocol: https://www.w3.org/TR/sparql11-protocol/
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from registry.config import Settings
from registry.errors import (
    NotAcceptable,
    QueryError,
    QueryFailed,
    QueryUnavailable,
    ReadOnlyEndpoint,
    RegistryError,
    ResultTooLarge,
)
from registry.rdf.formats import DOCUMENT_SYNTAXES
from registry.rdf.namespaces import PREFIXES
from registry.sparql.workers import Job, QueryPool, QueryTimeout, WorkerDied
from registry.store.oxigraph import OxigraphStore
from registry.store.snapshots import Snapshots

PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/#query-operation"
UPDATE_REFUSED = "https://www.w3.org/TR/sparql11-protocol/#update-operation"
FEDERATION = "https://www.w3.org/TR/sparql11-federated-query/"


@dataclass(frozen=True)
class ResultFormat:
    """One answer format: its ``format`` parameter value and media types per query form."""

    name: str
    label: str
    results: str | None
    """For SELECT and ASK."""
    graph: str | None
    """For CONSTRUCT and DESCRIBE."""
    aliases: tuple[str, ...] = ()
    """Other names clients send (SPARQLWrapper sends ``format=json-ld``, Virtuoso-style)."""

    def named(self, wanted: str) -> bool:
        return wanted in (self.name, self.results, self.graph, *self.aliases)


FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("json", "JSON", "application/sparql-results+json", "application/ld+json"),
    ResultFormat("xml", "XML", "application/sparql-results+xml", "application/rdf+xml"),
    ResultFormat("csv", "CSV", "text/csv", None),
    ResultFormat("tsv", "TSV", "text/tab-separated-values", None),
    ResultFormat("turtle", "Turtle", None, "text/turtle", ("ttl", "n3")),
    ResultFormat("ntriples", "N-Triples", None, "application/n-triples", ("nt", "n-triples")),
    ResultFormat("jsonld", "JSON-LD", None, "application/ld+json", ("json-ld",)),
    ResultFormat("rdfxml", "RDF/XML", None, "application/rdf+xml", ("rdf+xml", "rdf")),
)

RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "application/sparql-results+json",
    "application/sparql-results+xml": "application/sparql-results+xml",
    "text/csv": "text/csv",
    "text/tab-separated-values": "text/tab-separated-values",
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
}
"""Media types a client may accept for SELECT/ASK -> the one the answer is labelled with."""
GRAPH_TYPES: dict[str, str] = {
    media_type: syntax.media_type
    for syntax in DOCUMENT_SYNTAXES
    for media_type in syntax.media_types
}
"""The same for CONSTRUCT/DESCRIBE: every triple syntax of ``formats``."""


@dataclass(frozen=True)
class QueryRequest:
    """A query operation as the protocol defines it."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    body: bytes
    media_type: str


# The tokens of a query where the word SERVICE is not the keyword, and the others
# (https://www.w3.org/TR/sparql11-query/#grammar).
_TOKENS = re.compile(
    r'(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*')"
    r'|(?P<iri><[^<>"{}|^`\\\s]*>)'
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<variable>[?$]\w+)"
    r"|(?P<name>[^\W\d][\w.-]*:[\w.:%-]*|:[\w.:%-]*|[^\W\d]\w*)"
    r"|(?P<other>\S)",
    re.DOTALL,
)
_DECLARED_PREFIX = re.compile(r"PREFIX\s+([^\W\d][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_UPDATE = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


def tokens(query: str) -> list[tuple[str, str]]:
    """Split a query into (kind, text) tokens, comments dropped.

    Codepoint escapes (``\\u0053ERVICE``) are decoded first, as the SPARQL grammar says
    and as the parser does, so the checks see the query the parser sees.
    """
    text = _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)
    found = ((m.lastgroup or "other", m.group()) for m in _TOKENS.finditer(text))
    return [(kind, value) for kind, value in found if kind != "comment"]


def service_target(token: tuple[str, str], declared: dict[str, str]) -> str | None:
    """Return the absolute IRI a SERVICE clause names, or None (a variable, a relative IRI)."""
    kind, value = token
    if kind == "iri":
        iri = value[1:-1]
    elif kind == "name" and ":" in value:
        prefix, local = value.split(":", 1)
        namespace = declared.get(prefix, PREFIXES.get(prefix))
        if namespace is None:
            return None
        iri = namespace + local
    else:
        return None
    return iri if urlsplit(iri).scheme in ("http", "https") else None


def check_service(query: str, allowed_hosts: frozenset[str]) -> None:
    """Refuse ``SERVICE`` to any host not on the allow-list, before evaluation starts."""
    found = tokens(query)
    declared = {prefix or "": iri for prefix, iri in _DECLARED_PREFIX.findall(query)}
    for index, (kind, value) in enumerate(found):
        if kind != "name" or value.upper() != "SERVICE":
            continue
        rest = found[index + 1 : index + 3]
        if rest and rest[0][1].upper() == "SILENT":
            rest = rest[1:]
        target = service_target(rest[0], declared) if rest else None
        host = urlsplit(target).hostname if target else None
        if host is None or host.lower() not in allowed_hosts:
            allowed = ", ".join(sorted(allowed_hosts)) or "none"
            raise QueryError(
                f"SERVICE {rest[0][1] if rest else ''} is not allowed: this endpoint calls only "
                f"the hosts on its allow-list ({allowed}), and only when named by an "
                "absolute IRI.",
                link=FEDERATION,
            )


def is_update(query: str) -> bool:
    """Whether the text reads as a SPARQL Update: an update keyword before any brace."""
    for kind, value in tokens(query):
        if value == "{":
            return False
        if kind == "name" and value.upper() in _UPDATE:
            return True
    return False


def refuse_update() -> ReadOnlyEndpoint:
    return ReadOnlyEndpoint(
        "This endpoint is read-only: SPARQL Update is not accepted. Providers change "
        "records through the registry's API.",
        link=UPDATE_REFUSED,
    )


def syntax_error(query: str, message: str) -> RegistryError:
    """The parser's message (with its line:column), or the read-only refusal for an update."""
    if is_update(query):
        return refuse_update()
    first_line = message.split("\n", 1)[0]
    shown = first_line if len(first_line) <= 300 else first_line[:300] + " ..."
    return QueryError(f"SPARQL syntax {shown}", link=PROTOCOL)


class Endpoint:
    """The query service: a checkpoint of the store and the worker processes reading it."""

    def __init__(self, store: OxigraphStore, settings: Settings) -> None:
        self.settings = settings
        folder = settings.store_path.with_name(settings.store_path.name + ".sparql-views")
        self.snapshots = Snapshots(store, folder, settings.sparql_refresh)
        self.pool = QueryPool(settings.sparql_workers)

    def run(
        self, request: QueryRequest, results_type: str | None, graph_type: str | None
    ) -> Answer:
        """Evaluate a query and return it serialised in the type its form calls for."""
        if not request.query.strip():
            raise QueryError("The request has no query: pass it as 'query'.", link=PROTOCOL)
        check_service(request.query, self.settings.service_hosts)
        graphs = bool(request.default_graphs or request.named_graphs)
        job = Job(
            query=request.query,
            snapshot=str(self.snapshots.current()),
            base_iri=self.settings.iri("sparql"),
            default_graphs=request.default_graphs if graphs else None,
            named_graphs=request.named_graphs if graphs else None,
            results_type=results_type and RESULT_TYPES[results_type],
            graph_type=graph_type and GRAPH_TYPES[graph_type],
            max_rows=self.settings.sparql_max_rows,
            max_bytes=self.settings.sparql_max_bytes,
        )
        timeout = self.settings.sparql_timeout
        try:
            outcome = self.pool.run(job, timeout)
        except QueryTimeout as stopped:
            raise QueryUnavailable(
                f"The query did not finish within {timeout:g} s ({stopped}). Narrow it "
                "(more specific patterns, LIMIT) or try again later."
            ) from None
        except WorkerDied as died:
            raise QueryUnavailable(f"The query could not be answered: {died}.") from None
        finally:
            self.snapshots.prune(self.pool.snapshots_in_use())
        if outcome.failure == "syntax":
            raise syntax_error(request.query, outcome.message)
        if outcome.failure == "not-acceptable":
            offers = RESULT_TYPES if outcome.message == "results" else GRAPH_TYPES
            raise NotAcceptable(f"This answer can be sent as: {', '.join(offers)}.")
        if outcome.failure == "too-large":
            raise ResultTooLarge(
                f"{outcome.message} Page through it with LIMIT and OFFSET, or narrow the query."
            )
        if outcome.failure:
            raise QueryFailed(f"The query failed: {outcome.message}")
        return Answer(outcome.body, outcome.media_type)

    def close(self) -> None:
        self.pool.close()
        self.snapshots.close()

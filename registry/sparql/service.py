"""SPARQL 1.1 query operation for the public endpoint: read-only, time-boxed, capped.

No Flask here: the endpoint view hands over a ``QueryRequest`` and the media types the
client accepts. A worker process (``workers``) screens the query (``screening``: updates,
``SERVICE`` to hosts not on the allow-list are never evaluated) and evaluates it on a
read-only checkpoint (``snapshots``) within the timeout and the memory cap; this module
turns what it answers into an answer or an error.
Protocol: https://www.w3.org/TR/sparql11-protocol/
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyoxigraph as ox

from registry.config import ENV_PREFIX, Settings
from registry.errors import (
    NotAcceptable,
    QueryError,
    QueryFailed,
    QueryUnavailable,
    ReadOnlyEndpoint,
    RegistryError,
    ResultTooLarge,
)
from registry.metrics import SPARQL_QUERIES
from registry.rdf.formats import DOCUMENT_SYNTAXES
from registry.records.layout import Layout
from registry.sparql.admission import Admission
from registry.sparql.workers import (
    Busy,
    Job,
    Outcome,
    OutOfMemory,
    QueryPool,
    QueryTimeout,
    WorkerDied,
)
from registry.store.interface import Store
from registry.store.remote import LiveViews

PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/#query-operation"
UPDATE_REFUSED = "https://www.w3.org/TR/sparql11-protocol/#update-operation"
FEDERATION = "https://www.w3.org/TR/sparql11-federated-query/"
SERVICE_FAILED = (
    "The query failed: a SERVICE it calls did not answer with SPARQL results. Why is not "
    "said (refused, reset, not SPARQL), so that answers tell nothing of other hosts' ports."
)


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


def refuse_invalid_graph_iris(request: QueryRequest) -> None:
    """``default-graph-uri`` and ``named-graph-uri`` are IRIs (SPARQL 1.1 Protocol 2.1.4):
    anything else is the client's mistake, told before a worker is asked."""
    for parameter, values in (
        ("default-graph-uri", request.default_graphs),
        ("named-graph-uri", request.named_graphs),
    ):
        for value in values:
            try:
                ox.NamedNode(value)
            except ValueError as error:
                raise QueryError(
                    f"{parameter} must be an absolute IRI, not {value[:200]!r} ({error}).",
                    link=PROTOCOL,
                ) from None


@dataclass(frozen=True)
class Answer:
    body: bytes
    media_type: str


def refuse_update() -> ReadOnlyEndpoint:
    return ReadOnlyEndpoint(
        "This endpoint is read-only: SPARQL Update is not accepted. Providers change "
        "records through the registry's API.",
        link=UPDATE_REFUSED,
    )


def retry_after(settings: Settings) -> int:
    """Seconds after which a 503 of the endpoint may be retried: a worker is free by then."""
    return max(1, math.ceil(settings.sparql_timeout))


def failure_error(outcome: Outcome) -> RegistryError:
    """The error for a query the worker refused or could not answer."""
    if outcome.failure == "update":
        return refuse_update()
    if outcome.failure == "service":
        return QueryError(outcome.message, link=FEDERATION)
    if outcome.failure == "syntax":
        first_line = outcome.message.split("\n", 1)[0]
        shown = first_line if len(first_line) <= 500 else first_line[:500] + " ..."
        return QueryError(shown, link=PROTOCOL)
    if outcome.failure == "not-acceptable":
        offers = RESULT_TYPES if outcome.message == "results" else GRAPH_TYPES
        return NotAcceptable(f"This answer can be sent as: {', '.join(offers)}.")
    if outcome.failure == "too-large":
        return ResultTooLarge(
            f"{outcome.message} Page through it with LIMIT and OFFSET, or narrow the query."
        )
    if outcome.failure == "unavailable":
        return QueryUnavailable(outcome.message, retry_after=5)
    if outcome.failure == "service-failed":
        return QueryFailed(SERVICE_FAILED, link=FEDERATION)
    return QueryFailed(f"The query failed: {outcome.message}")


class Endpoint:
    """The query service: a checkpoint of the store and the worker processes reading it."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.settings = settings
        folder = settings.store_path.with_name(settings.store_path.name + ".sparql-views")
        self.snapshots = (
            LiveViews(settings.sparql_url)
            if settings.sparql_url
            else store.views(folder, settings.sparql_refresh)
        )
        self.admission = Admission(
            settings.sparql_per_client,
            settings.sparql_rate,
            (f"{ENV_PREFIX}SPARQL_PER_CLIENT", f"{ENV_PREFIX}SPARQL_RATE"),
        )
        # Requests holding or waiting for a worker never take every thread of the web
        # server: one at least is left for the pages.
        slots = min(settings.sparql_workers + settings.sparql_queue, max(1, settings.threads - 1))
        self.pool = QueryPool(settings.sparql_workers, slots, settings.sparql_worker_memory)

    def run(
        self,
        request: QueryRequest,
        results_type: str | None,
        graph_type: str | None,
        client: str = "",
    ) -> Answer:
        """Evaluate a query for ``client`` (its IP) and return it serialised in the type its
        form calls for; count its outcome (``registry_sparql_queries``)."""
        try:
            with self.admission.admit(client):
                answer = self._evaluate(request, results_type, graph_type)
        except RegistryError as error:
            refused = "refused" if error.status < 500 else "failed"
            SPARQL_QUERIES.labels(error.details.get("outcome", refused)).inc()
            raise
        SPARQL_QUERIES.labels("answered").inc()
        return answer

    def _evaluate(
        self, request: QueryRequest, results_type: str | None, graph_type: str | None
    ) -> Answer:
        if not request.query.strip():
            raise QueryError("The request has no query: pass it as 'query'.", link=PROTOCOL)
        refuse_invalid_graph_iris(request)
        graphs = bool(request.default_graphs or request.named_graphs)
        job = Job(
            query=request.query,
            snapshot=self.snapshots.current(),
            base_iri=Layout(self.settings.base_iri).iri("sparql"),
            service_hosts=self.settings.service_hosts,
            default_graphs=request.default_graphs if graphs else None,
            named_graphs=request.named_graphs if graphs else None,
            results_type=results_type and RESULT_TYPES[results_type],
            graph_type=graph_type and GRAPH_TYPES[graph_type],
            max_rows=self.settings.sparql_max_rows,
            max_bytes=self.settings.sparql_max_bytes,
        )
        timeout = self.settings.sparql_timeout
        later = retry_after(self.settings)
        try:
            outcome = self.pool.run(job, timeout)
        except Busy:
            raise QueryUnavailable(
                f"Every query worker is busy and others wait already: try again in {later} s.",
                retry_after=later,
                outcome="busy",
            ) from None
        except QueryTimeout as stopped:
            raise QueryUnavailable(
                f"The query did not finish within {timeout:g} s ({stopped}). Narrow it "
                "(more specific patterns, LIMIT) or try again later.",
                retry_after=later,
                outcome="timeout",
            ) from None
        except OutOfMemory as stopped:
            raise QueryUnavailable(
                f"The query was stopped: {stopped}. Narrow it (more specific patterns, "
                "fewer variables in ORDER BY, GROUP BY or DISTINCT).",
                retry_after=later,
                outcome="memory",
            ) from None
        except WorkerDied as died:
            raise QueryUnavailable(
                f"The query could not be answered: {died}.", retry_after=later, outcome="failed"
            ) from None
        finally:
            self.snapshots.prune(self.pool.snapshots_in_use())
        if outcome.failure:
            raise failure_error(outcome)
        return Answer(outcome.body, outcome.media_type)

    def close(self) -> None:
        self.pool.close()
        self.snapshots.close()

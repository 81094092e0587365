"""The remote store: an Oxigraph server (``oxigraph serve``) over HTTP, the same interface as
the embedded store (``interface.Store``).

Queries go to the SPARQL 1.1 Protocol query endpoint (``/query``), every write but bulk
loads to the update endpoint (``/update``) as one SPARQL Update, graphs are read and bulk
loaded through the Graph Store Protocol (``/store``).
https://www.w3.org/TR/sparql11-protocol/ https://www.w3.org/TR/sparql11-http-rdf-update/

Several processes write one server, and the server does not make concurrent updates take
turns: Oxigraph 0.5 evaluates each update on a snapshot taken when it starts and commits its
write batch without looking for conflicting commits (``storage/rocksdb.rs``; issue #1310).
Two updates conditional on the same change-log head, running at the same moment, would both
see it and both commit. So writers take turns twice over:

- ``WriterLock``: an exclusive ``flock`` on a file the processes of this machine share
  (``REGISTRY_STORE_LOCK``), held while a record is read, checked and written;
- the write itself is conditional on the change-log head it read (``interface.Guard``),
  and read back: a writer that does not share the lock (another machine) and loses a race
  that is not simultaneous changes nothing and is told so (``WriteRaced``), and retries.

Several machines need a lock they share, the database's (PostgreSQL advisory lock), which
is the next step; until then, run every writing process of one store on one machine.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from urllib.parse import urlencode

import pyoxigraph as ox

from registry.errors import StoreUnavailable, WriteRaced
from registry.store import http
from registry.store.interface import (
    Graphs,
    Guard,
    QueryResult,
    Term,
    bind,
    guard_held,
    prologue,
    update_text,
    with_values,
)


@dataclass(frozen=True)
class Endpoints:
    """The server's three endpoints (Oxigraph's names, unless the settings say otherwise)."""

    query: str
    update: str
    graph: str

    @classmethod
    def of(cls, base: str, query: str = "", update: str = "", graph: str = "") -> Endpoints:
        base = base.rstrip("/")
        return cls(query or f"{base}/query", update or f"{base}/update", graph or f"{base}/store")


class WriterLock:
    """One writer at a time among the threads and processes that share ``path``.

    ``flock`` is per open file, so a thread lock comes first; the kernel releases the file
    lock of a process that dies. Waiting is bounded: a writer that holds it longer than
    ``wait`` seconds is stuck on the store, which is then reported unavailable.
    """

    def __init__(self, path: Path, wait: float) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.wait = wait
        self._threads = threading.Lock()
        self._file = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)

    def __enter__(self) -> WriterLock:
        if not self._threads.acquire(timeout=self.wait):
            raise StoreUnavailable(f"Another write holds the store for over {self.wait:g} s.")
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self._threads.release()
                    raise StoreUnavailable(
                        f"Another process holds the store's write lock for over {self.wait:g} s."
                    ) from None
                time.sleep(0.002)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        fcntl.flock(self._file, fcntl.LOCK_UN)
        self._threads.release()

    def close(self) -> None:
        os.close(self._file)


class LiveViews:
    """What the SPARQL workers read from a remote store: its query endpoint, live."""

    def __init__(self, url: str) -> None:
        self.url = url

    def current(self) -> str:
        return self.url

    def prune(self, in_use: set[str]) -> None:
        pass

    def close(self) -> None:
        pass


class RemoteStore:
    """A SPARQL 1.1 server holding the registry's graphs, shared by several processes."""

    def __init__(self, endpoints: Endpoints, client: http.Client, lock: WriterLock) -> None:
        self.endpoints = endpoints
        self.location = endpoints.query
        self.client = client
        self.writing = lock
        self._generation = 0

    @property
    def generation(self) -> int:
        """How many writes this process has made (other processes' are not counted)."""
        return self._generation

    def write_graphs(self, replace: Graphs, append: Graphs, guard: Guard | None = None) -> None:
        """One SPARQL Update; with a ``guard``, conditional and read back (``WriteRaced``).

        Reading back also tells a write the server applied but whose answer was lost (the
        connection dropped after the update) from one it did not apply.
        """
        text = update_text(replace, append, guard)
        try:
            self._update(text)
        finally:
            self._generation += 1
        if guard is not None and not guard_held(self, guard):
            raise WriteRaced("Another writer changed the store first; nothing was written.")

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        self.write_graphs({graph: triples}, {})

    def load_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Replace a large registry-owned graph with a Graph Store Protocol ``PUT``."""
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        self._store("PUT", {"graph": graph}, body, "application/n-triples")

    def trusted_bulk_load(self, data: bytes, format: ox.RdfFormat = ox.RdfFormat.TRIG) -> None:
        """Add a TriG or N-Quads document to the dataset (Graph Store Protocol ``POST``)."""
        self._store("POST", {}, data, format.media_type)

    def contains(self, triple: ox.Triple, graph: str) -> bool:
        found = self.query(
            "ASK { GRAPH ?g { ?s ?p ?o } }",
            {
                "g": ox.NamedNode(graph),
                "s": triple.subject,
                "p": triple.predicate,
                "o": triple.object,
            },
        )
        return bool(found)

    def graph_triples(self, graph: str) -> list[ox.Triple]:
        """Read one named graph (Graph Store Protocol ``GET``; none: no triples)."""
        answer = self.client.request("GET", self._graph_url(graph), headers={"Accept": http.GRAPH})
        if answer.status == 404:
            return []
        if answer.status != 200:
            raise http.failed(answer, self.endpoints.graph)
        return [quad.triple for quad in http.quads(answer, self.endpoints.graph)]

    def objects(self, subject: str, predicate: str, graph: str) -> list[Term]:
        rows = self.query(
            "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
            {"g": ox.NamedNode(graph), "s": ox.NamedNode(subject), "p": ox.NamedNode(predicate)},
        )
        return [row["o"] for row in rows]  # type: ignore[union-attr]

    def subject_triples(self, subject: str, graph: str) -> list[ox.Triple]:
        node = ox.NamedNode(subject)
        rows = self.query(
            "SELECT ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": ox.NamedNode(graph), "s": node}
        )
        return [ox.Triple(node, row["p"], row["o"]) for row in rows]  # type: ignore[union-attr]

    def has_graph(self, graph: str) -> bool:
        answer = self.client.request("HEAD", self._graph_url(graph))
        return answer.status == 200

    def quad_count(self) -> int:
        rows = self._query(
            "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
            union=False,
        )
        return int(next(iter(rows))["n"].value)  # type: ignore[arg-type, index, union-attr]

    def query(self, sparql: str, substitutions: Mapping[str, Term] | None = None) -> QueryResult:
        """Run a read-only query over the union of all graphs; the answer is read whole."""
        return self._query(bind(sparql, substitutions or {}), union=True)

    def query_each(self, sparql: str, name: str, terms: Iterable[Term]) -> QueryResult:
        """Run a read-only query once for many values of ``name``: one request."""
        return self._query(with_values(sparql, [name], ([term] for term in terms)), union=True)

    def ping(self, timeout: float) -> None:
        """Ask the query endpoint ``ASK {}`` and wait at most ``timeout`` s."""
        body, headers = http.form([("query", "ASK {}")])
        answer = self.client.request(
            "POST", self.endpoints.query, body, {**headers, "Accept": http.RESULTS}, timeout
        )
        if answer.status != 200:
            raise http.failed(answer, self.endpoints.query)
        http.results(answer, self.endpoints.query)

    def dump(self, path: Path) -> None:
        """Write every quad to ``path`` as N-Quads (Graph Store Protocol ``GET`` of all)."""
        answer = self.client.request("GET", self.endpoints.graph, headers={"Accept": http.GRAPH})
        if answer.status != 200:
            raise http.failed(answer, self.endpoints.graph)
        quads = http.quads(answer, self.endpoints.graph)
        path.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")

    def restore(self, path: Path) -> None:
        """Load an N-Quads backup into the (empty) server."""
        self.trusted_bulk_load(path.read_bytes(), ox.RdfFormat.N_QUADS)

    @contextmanager
    def consistent(self, scratch: Path) -> Iterator[RemoteStore]:
        """The server itself: a remote store has no checkpoint to read, so a long read (the
        dump) sees each query's own moment, not one for the whole read."""
        scratch.mkdir(parents=True, exist_ok=True)  # where the embedded store's copy would be
        yield self

    def views(self, folder: Path, refresh: float) -> LiveViews:
        return LiveViews(self.endpoints.query)

    def close(self) -> None:
        self.client.close()
        self.writing.close()

    def _query(self, sparql: str, union: bool) -> QueryResult:
        fields = [("query", prologue() + sparql)]
        if union:  # Oxigraph's extension of the protocol
            fields.append(("union-default-graph", ""))
        return send_query(self.client, self.endpoints.query, fields)

    def _update(self, text: str) -> None:
        headers = {"Content-Type": "application/sparql-update"}
        answer = self.client.request("POST", self.endpoints.update, text.encode(), headers)
        if answer.status not in (200, 204):
            raise http.failed(answer, self.endpoints.update)

    def _store(self, method: str, params: dict[str, str], body: bytes, media_type: str) -> None:
        url = self.endpoints.graph + (f"?{urlencode(params)}" if params else "")
        answer = self.client.request(method, url, body, {"Content-Type": media_type})
        if answer.status not in (200, 201, 204):
            raise http.failed(answer, self.endpoints.graph)

    def _graph_url(self, graph: str) -> str:
        return f"{self.endpoints.graph}?{urlencode({'graph': graph})}"


def send_query(client: http.Client, url: str, fields: list[tuple[str, str]]) -> QueryResult:
    """Send a query (protocol ``fields``: the query, the dataset) and read its whole answer:
    results in JSON, graphs in N-Quads, either parsed to its end (``http``)."""
    body, headers = http.form(fields)
    accept = f"{http.RESULTS}, {http.GRAPH};q=0.9"
    answer = client.request("POST", url, body, {**headers, "Accept": accept})
    if answer.status != 200:
        raise http.failed(answer, url)
    if ox.RdfFormat.from_media_type(answer.media_type) is not None:
        return as_triples(http.quads(answer, url))
    return http.results(answer, url)


def as_triples(quads: list[ox.Quad]) -> ox.QueryTriples:
    """A CONSTRUCT or DESCRIBE answer, read whole, as the embedded store returns one."""
    scratch = ox.Store()
    scratch.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    answer = scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(answer, ox.QueryTriples)
    return answer

"""Public queries over a remote store: the worker forwards them to the server's query
endpoint and reads the whole answer strictly (``store.http``), then serialises it as it
would an embedded store's.

The worker process stays the unit the timeout kills; the server cannot be told to stop a
query (Oxigraph's ``--timeout-s`` is the server's own guard; see README "Running at scale").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyoxigraph as ox

from registry.store import http
from registry.store.interface import QueryResult
from registry.store.remote import send_query

CONNECT = 2.0
READ = 3600.0
"""Seconds a forwarded query may wait for its answer: the parent kills the worker at the
SPARQL timeout, long before."""


class RemoteQueries:
    """A server's query endpoint, asked as pyoxigraph's ``Store.query`` is."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = http.Client(CONNECT, READ)

    def query(
        self,
        query: str,
        base_iri: str,
        prefixes: Mapping[str, str],
        use_default_graph_as_union: bool,
        default_graph: Sequence[ox.NamedNode] | None,
        named_graphs: Sequence[ox.NamedNode] | None,
    ) -> QueryResult:
        """Send one query (the SPARQL 1.1 Protocol's dataset parameters included)."""
        prologue = f"BASE <{base_iri}>\n" + "".join(
            f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items()
        )
        fields = [("query", prologue + query)]
        if use_default_graph_as_union:
            fields.append(("union-default-graph", ""))
        fields += [("default-graph-uri", g.value) for g in default_graph or ()]
        fields += [("named-graph-uri", g.value) for g in named_graphs or ()]
        return send_query(self.client, self.url, fields)

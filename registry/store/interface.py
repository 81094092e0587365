"""The store's one small interface, and the SPARQL text both backends write with.

Two classes implement ``Store``: ``oxigraph.EmbeddedStore`` (pyoxigraph in this process, a
folder on disk) and ``remote.RemoteStore`` (an Oxigraph server, or any SPARQL 1.1 Protocol
and Graph Store Protocol server, over HTTP). Callers see pyoxigraph terms and results from
both. A remote store is written with one conditional SPARQL Update (``update_text``): other
processes write the same server. The embedded store is the only writer of its folder, so it
checks a write's guard by reading under its write lock and sends the cheaper unconditional
form (``checked_update_text``); the tests of the guard run on both backends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from registry.rdf.namespaces import PREFIXES

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Graphs = Mapping[str, Iterable[ox.Triple]]


@dataclass(frozen=True)
class Guard:
    """A compare-and-set on one triple that a write is conditional on.

    The write happens only if ``graph`` holds ``subject predicate expected`` (``None``: no
    ``subject predicate ?any`` at all); it then holds ``subject predicate new`` instead. The
    change log's head is the guard of every record write: it changes with each write, so a
    write whose reader saw an older head changes nothing (``WriteRaced``).
    """

    graph: str
    subject: str
    predicate: str
    expected: Term | None
    new: Term

    def triple(self, value: Term | ox.Variable) -> str:
        return f"{ox.NamedNode(self.subject)} {ox.NamedNode(self.predicate)} {value}"


class Views(Protocol):
    """What the SPARQL worker processes read: a folder of a read-only checkpoint, or the URL
    of a query endpoint."""

    def current(self) -> str: ...

    def prune(self, in_use: set[str]) -> None: ...

    def close(self) -> None: ...


class Store(Protocol):
    """A quad store holding one named graph per record; every write is one transaction."""

    location: str
    """The folder or URL, for messages."""

    @property
    def writing(self) -> AbstractContextManager[object]:
        """Held by a writer while it reads, checks and writes a record: a thread lock for
        the embedded store, a lock shared by this machine's processes for a remote one."""

    @property
    def generation(self) -> int: ...

    def write_graphs(self, replace: Graphs, append: Graphs, guard: Guard | None = None) -> None:
        """Replace some named graphs and add triples to others, in one transaction; with a
        ``guard``, only if it holds (else ``WriteRaced``, and nothing was written)."""

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None: ...

    def load_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None: ...

    def trusted_bulk_load(self, data: bytes, format: ox.RdfFormat = ...) -> None: ...

    def contains(self, triple: ox.Triple, graph: str) -> bool: ...

    def graph_triples(self, graph: str) -> list[ox.Triple]: ...

    def objects(self, subject: str, predicate: str, graph: str) -> list[Term]: ...

    def subject_triples(self, subject: str, graph: str) -> list[ox.Triple]: ...

    def has_graph(self, graph: str) -> bool: ...

    def quad_count(self) -> int: ...

    def query(self, sparql: str, substitutions: Mapping[str, Term] | None = None) -> QueryResult:
        """Run a read-only query over the union of all graphs; the answer is complete."""

    def query_each(self, sparql: str, name: str, terms: Iterable[Term]) -> QueryResult:
        """``query`` once for many values of the variable ``name`` (``with_values``): one
        question about a whole batch instead of one a term."""

    def dump(self, path: Path) -> None: ...

    def restore(self, path: Path) -> None: ...

    def consistent(self, scratch: Path) -> AbstractContextManager[Store]:
        """A view of one moment of the store for a long read (the dump)."""

    def views(self, folder: Path, refresh: float) -> Views: ...

    def ping(self, timeout: float) -> None:
        """Return if the store answers a query within ``timeout`` s, else raise
        ``StoreUnavailable``."""

    def close(self) -> None: ...


def _block(graph: str, triples: Iterable[ox.Triple]) -> str:
    """One ``GRAPH <g> { ... }`` block: pyoxigraph's N-Triples serialiser escapes every term,
    so no submitted string is pasted into the update text as such."""
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return f"GRAPH {ox.NamedNode(graph)} {{\n{body.decode('utf-8')}}}\n"


def update_text(replace: Graphs, append: Graphs, guard: Guard | None = None) -> str:
    """The one SPARQL Update that replaces ``replace``'s graphs and appends to ``append``'s.

    Without a guard: ``DROP`` each replaced graph, then one ``INSERT DATA``. With one, the
    first operation swaps the guard's triple and every later one is conditional on the
    swapped-in value (``WHERE { GRAPH <guard> { s p new } }``): if the guard did not hold,
    nothing is deleted or inserted. The guard's graph is the guard's to write (it holds that
    one triple), so it is left out of ``replace``.
    """
    if guard is None:
        drops = "".join(f"DROP SILENT GRAPH {ox.NamedNode(g)} ;\n" for g in replace)
        blocks = [_block(g, t) for g, t in [*replace.items(), *append.items()]]
        return f"{drops}INSERT DATA {{\n{''.join(blocks)}}}"
    graph = ox.NamedNode(guard.graph)
    if guard.expected is None:
        where = f"FILTER NOT EXISTS {{ GRAPH {graph} {{ {guard.triple(ox.Variable('any'))} }} }}"
        swap = f"INSERT {{ GRAPH {graph} {{ {guard.triple(guard.new)} }} }} WHERE {{ {where} }}"
    else:
        old = f"GRAPH {graph} {{ {guard.triple(guard.expected)} }}"
        swap = (
            f"DELETE {{ {old} }} INSERT {{ GRAPH {graph} {{ {guard.triple(guard.new)} }} }}"
            f" WHERE {{ {old} }}"
        )
    held = f"GRAPH {graph} {{ {guard.triple(guard.new)} }}"
    clears = "".join(
        f" ;\nDELETE {{ GRAPH {ox.NamedNode(g)} {{ ?s ?p ?o }} }}"
        f" WHERE {{ {held} GRAPH {ox.NamedNode(g)} {{ ?s ?p ?o }} }}"
        for g in replace
        if g != guard.graph
    )
    blocks = [_block(g, t) for g, t in [*replace.items(), *append.items()] if g != guard.graph]
    return f"{swap}{clears} ;\nINSERT {{\n{''.join(blocks)}}} WHERE {{ {held} }}"


def checked_update_text(replace: Graphs, append: Graphs, guard: Guard) -> str:
    """The SPARQL Update of a guarded write whose writer checked the guard itself, under a
    lock that every other writer of the store takes (the embedded store, the only process
    writing its folder): it writes what ``update_text`` writes when the guard holds.

    Data operations only (``DELETE DATA``, ``CLEAR``, ``INSERT DATA``): Oxigraph evaluates no
    pattern and instantiates no template, which made the conditional form cost a loaded
    record about 0.8 ms more. ``CLEAR``, not ``DROP``, as the conditional form's pattern
    deletes keep a replaced graph's name; ``INSERT DATA``'s blank nodes are fresh, as the
    conditional template's are.
    """
    graph = ox.NamedNode(guard.graph)
    old = (
        f"DELETE DATA {{ GRAPH {graph} {{ {guard.triple(guard.expected)} }} }} ;\n"
        if guard.expected is not None
        else ""
    )
    clears = "".join(
        f"CLEAR SILENT GRAPH {ox.NamedNode(g)} ;\n" for g in replace if g != guard.graph
    )
    swap = f"GRAPH {graph} {{ {guard.triple(guard.new)} }}\n"
    blocks = [_block(g, t) for g, t in [*replace.items(), *append.items()] if g != guard.graph]
    return f"{old}{clears}INSERT DATA {{\n{swap}{''.join(blocks)}}}"


def guard_holds(store: Store, guard: Guard) -> bool:
    """Whether a guarded write may go ahead: the guard's triple holds its expected value
    (``None``: the guard's subject has no value for its predicate)."""
    found = store.objects(guard.subject, guard.predicate, guard.graph)
    return guard.expected in found if guard.expected is not None else not found


def guard_held(store: Store, guard: Guard) -> bool:
    """Whether the guard's triple holds its new value (read after a conditional write)."""
    return store.objects(guard.subject, guard.predicate, guard.graph) == [guard.new]


def prologue() -> str:
    """The ``PREFIX`` lines of the registry's namespaces (the embedded store takes them as
    an argument; a remote query carries them)."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


def bind(sparql: str, substitutions: Mapping[str, Term]) -> str:
    """Bind variables in a query sent over the protocol, which has no substitutions.

    A ``VALUES`` block opens the query's outermost group (``{ VALUES (?a ?b) { (x y) } ...``):
    evaluated first, it binds as pyoxigraph's substitutions do for the registry's ``.rq``
    queries (which project their bound variables): ``with_values`` with one row.
    """
    if not substitutions:
        return sparql
    return with_values(sparql, list(substitutions), [list(substitutions.values())])


def with_values(sparql: str, names: list[str], rows: Iterable[Iterable[Term]]) -> str:
    """The query with a ``VALUES`` block of ``rows`` (one term per name each) opening its
    outermost group (``bind``'s, with any number of rows: one query asks about many terms).

    The terms are written by pyoxigraph, which escapes them; comment lines are dropped first
    (they may hold a brace), and a ``CONSTRUCT``'s group is the one after ``WHERE``, not its
    template.
    """
    lines = [line for line in sparql.splitlines() if not line.lstrip().startswith("#")]
    text = "\n".join(lines)
    where = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
    construct = re.search(r"\bCONSTRUCT\s*\{", text, re.IGNORECASE)
    opening = where.end() if construct and where else text.index("{") + 1
    variables = " ".join(f"?{name}" for name in names)
    values = " ".join(f"({' '.join(str(term) for term in row)})" for row in rows)
    return f"{text[:opening]} VALUES ({variables}) {{ {values} }}\n{text[opening:]}"

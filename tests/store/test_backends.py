"""The store interface, on both backends: the embedded store and a real ``oxigraph serve``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from registry.config import load_settings
from registry.errors import WriteRaced
from registry.store.backends import open_store
from registry.store.interface import Guard, Store
from tests.store_server import oxigraph_server

EX = "http://example.org/"
HEAD, LOG = EX + "log/latest", EX + "log"


def node(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def triple(s: str, p: str, o: ox.NamedNode | ox.Literal | ox.BlankNode) -> ox.Triple:
    return ox.Triple(node(s), node(p), o)


@pytest.fixture
def store(backend: str, tmp_path: Path) -> Iterator[Store]:
    """An empty store of the backend under test."""
    if backend == "embedded":
        opened = open_store(load_settings({"store": str(tmp_path / "store")}))
        yield opened
        opened.close()
        return
    with oxigraph_server(tmp_path / "store") as server:
        settings = {"store": server.url, "local_folder": str(tmp_path / "local")}
        opened = open_store(load_settings(settings))
        yield opened
        opened.close()


def head(value: str) -> ox.Literal:
    return ox.Literal(value)


def test_write_graphs_replaces_and_appends(store: Store) -> None:
    blank = ox.BlankNode()
    store.write_graphs({EX + "g1": [triple("a", "p", ox.Literal("one \"quoted\"\n"))]}, {})
    store.write_graphs(
        {EX + "g1": [triple("a", "p", ox.Literal("two", language="en"))]},
        {EX + "g2": [ox.Triple(node("b"), node("q"), blank), ox.Triple(blank, node("r"), node("c"))]},
    )
    assert store.graph_triples(EX + "g1") == [triple("a", "p", ox.Literal("two", language="en"))]
    assert len(store.graph_triples(EX + "g2")) == 2
    assert store.objects(EX + "a", EX + "p", EX + "g1") == [ox.Literal("two", language="en")]
    assert store.subject_triples(EX + "a", EX + "g1") == store.graph_triples(EX + "g1")
    assert store.has_graph(EX + "g2") and not store.has_graph(EX + "none")
    assert store.graph_triples(EX + "none") == []
    assert store.contains(triple("a", "p", ox.Literal("two", language="en")), EX + "g1")
    assert store.quad_count() == 3


def test_query_binds_substitutions_over_the_union(store: Store) -> None:
    store.write_graphs({EX + "g1": [triple("a", "p", node("x"))], EX + "g2": [triple("b", "p", node("y"))]}, {})
    rows = store.query("SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }", {"s": node("b")})
    assert [(r["s"], r["o"]) for r in rows] == [(node("b"), node("y"))]  # type: ignore[union-attr, index]
    assert bool(store.query("ASK { ?s ?p ?o }", {"o": node("x")}))
    assert not bool(store.query("ASK { ?s ?p ?o }", {"o": node("z")}))
    graph = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": node("a")})
    assert list(graph) == [triple("a", "p", node("x"))]  # type: ignore[arg-type]


def test_query_each_asks_about_many_terms_at_once(store: Store) -> None:
    """One query for many values of a variable; terms are escaped, braces and quotes too."""
    tricky = ox.Literal('a "quoted" } { brace\n', language="en")
    store.write_graphs(
        {EX + "g1": [triple("a", "p", tricky), triple("b", "p", node("x"))], EX + "g2": [triple("c", "p", node("x"))]},
        {},
    )
    rows = store.query_each(
        "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }", "o", [tricky, node("x"), node("none")]
    )
    found = {(r["s"], r["o"]) for r in rows}  # type: ignore[union-attr, index]
    assert found == {(node("a"), tricky), (node("b"), node("x")), (node("c"), node("x"))}
    assert not list(store.query_each("SELECT ?s WHERE { ?s ?p ?o }", "s", [node("none")]))  # type: ignore[arg-type]


def test_guarded_write_changes_nothing_when_the_head_moved(store: Store) -> None:
    """A writer that read head 1 and writes after another writer moved it to 2 writes
    nothing and is told so, whichever backend (the guard is in a remote update's text; the
    embedded store reads it under the lock every writer of its folder takes)."""
    first = Guard(HEAD, LOG, EX + "last", None, head("1"))
    store.write_graphs({HEAD: [], EX + "rec": [triple("r", "v", head("1"))]}, {}, first)
    second = Guard(HEAD, LOG, EX + "last", head("1"), head("2"))
    store.write_graphs({EX + "rec": [triple("r", "v", head("2"))]}, {EX + "h": [triple("e", "n", head("2"))]}, second)
    stale = Guard(HEAD, LOG, EX + "last", head("1"), head("2b"))
    with pytest.raises(WriteRaced):
        store.write_graphs({EX + "rec": [triple("r", "v", head("lost"))]}, {EX + "h": [triple("e", "n", head("lost"))]}, stale)
    assert store.graph_triples(EX + "rec") == [triple("r", "v", head("2"))]
    assert store.graph_triples(EX + "h") == [triple("e", "n", head("2"))]
    assert store.objects(LOG, EX + "last", HEAD) == [head("2")]
    again = Guard(HEAD, LOG, EX + "last", None, head("1"))  # "the log is empty": no longer
    with pytest.raises(WriteRaced):
        store.write_graphs({EX + "rec": []}, {}, again)
    assert store.graph_triples(EX + "rec") == [triple("r", "v", head("2"))]


def test_guarded_write_keeps_blank_nodes_whole(store: Store) -> None:
    """The guarded update inserts through a template: a blank node shared by two triples
    stays one node (one solution of the condition), as ``INSERT DATA`` would write it."""
    blank = ox.BlankNode()
    data = [ox.Triple(node("d"), node("temporal"), blank), ox.Triple(blank, node("start"), head("2020"))]
    store.write_graphs({EX + "rec": data}, {}, Guard(HEAD, LOG, EX + "last", None, head("1")))
    stored = store.graph_triples(EX + "rec")
    assert len(stored) == 2
    assert stored[0].object == stored[1].subject or stored[1].object == stored[0].subject


def test_dump_and_restore_round_trip(store: Store, tmp_path: Path) -> None:
    store.write_graphs({EX + "g": [triple("a", "p", ox.Literal("é"))]}, {})
    store.dump(tmp_path / "dump.nq")
    assert b"\\u00E9" in (tmp_path / "dump.nq").read_bytes() or "é".encode() in (tmp_path / "dump.nq").read_bytes()
    store.write_graphs({EX + "g": []}, {})
    store.restore(tmp_path / "dump.nq")
    assert store.graph_triples(EX + "g") == [triple("a", "p", ox.Literal("é"))]

"""The two SPARQL Update forms of a guarded record write: the conditional one a remote store
is sent, and the plain data operations the embedded store sends after checking the guard
under its write lock (``checked_update_text``). Where the guard holds they write the same."""

from __future__ import annotations

import pyoxigraph as ox

from registry.store.interface import Guard, checked_update_text, update_text

EX = "http://example.org/"
HEAD, LOG, LAST = EX + "log/latest", EX + "log", EX + "last"


def node(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def state(store: ox.Store) -> tuple[set[ox.Quad], int, set[ox.NamedNode | ox.BlankNode]]:
    """The quads without blank nodes (fresh ones are named anew), how many, the graph names."""
    plain = {
        q for q in store if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))
    }
    return plain, len(store), set(store.named_graphs())


def test_a_checked_update_writes_what_the_conditional_one_writes() -> None:
    before = [
        ox.Quad(node("r"), node("v"), ox.Literal("1"), node("rec")),
        ox.Quad(node("old"), node("v"), ox.Literal("x"), node("emptied")),
        ox.Quad(node("e"), node("n"), ox.Literal("1"), node("h")),
        ox.Quad(ox.NamedNode(LOG), ox.NamedNode(LAST), ox.Literal("1"), ox.NamedNode(HEAD)),
    ]
    blank = ox.BlankNode()
    replace = {
        EX + "rec": [
            ox.Triple(node("r"), node("v"), ox.Literal('two "quoted" } {\n')),
            ox.Triple(node("r"), node("when"), blank),
            ox.Triple(blank, node("start"), ox.Literal("2020")),
        ],
        EX + "emptied": [],
        EX + "new": [ox.Triple(node("n"), node("v"), ox.Literal("é", language="fr"))],
        EX + "never": [],
    }
    append = {EX + "h": [ox.Triple(node("e2"), node("n"), ox.Literal("2"))]}
    guard = Guard(HEAD, LOG, LAST, ox.Literal("1"), ox.Literal("2"))
    conditional, checked = ox.Store(), ox.Store()
    for store in (conditional, checked):
        store.extend(before)
    conditional.update(update_text(replace, append, guard))
    checked.update(checked_update_text(replace, append, guard))
    assert state(checked) == state(conditional)
    assert len(checked) == len(before) - 2 + 4 + 1  # one blank node shared by two triples
    assert ox.NamedNode(EX + "emptied") in set(checked.named_graphs())  # cleared, as before
    assert ox.NamedNode(EX + "never") not in set(checked.named_graphs())


def test_a_checked_update_of_an_empty_log_writes_its_first_head() -> None:
    guard = Guard(HEAD, LOG, LAST, None, ox.Literal("1"))
    replace = {EX + "rec": [ox.Triple(node("r"), node("v"), ox.Literal("1"))]}
    conditional, checked = ox.Store(), ox.Store()
    conditional.update(update_text(replace, {}, guard))
    checked.update(checked_update_text(replace, {}, guard))
    assert state(checked) == state(conditional)
    assert len(checked) == 2

"""Descriptions copied into a document's named graphs as N-Triples lines: blank nodes
scoped per graph, nothing inside a literal touched."""

from __future__ import annotations

import pyoxigraph as ox

from registry.federation.graphs import Document, in_graph, scoped
from registry.rdf import formats

LINES = "\n".join(
    [
        '_:b0 <http://example.org/p> _:b1 .',
        '_:b1 <http://example.org/label> "ends like a blank node _:b1" .',
        '<http://example.org/s> <http://example.org/note> "in English _:b1"@en .',
        '<http://example.org/s> <http://example.org/code> "_:b1"^^<http://example.org/dt> .',
        '<http://example.org/s> <http://example.org/part> _:b0 .',
    ]
)


def test_blank_nodes_are_scoped_and_literals_kept_as_written() -> None:
    quads = list(ox.parse(scoped(LINES, "c7x").encode(), format=ox.RdfFormat.N_TRIPLES))
    labels = {t.value for q in quads for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)}
    assert labels == {"c7xb0", "c7xb1"}
    literals = sorted(q.object.value for q in quads if isinstance(q.object, ox.Literal))
    assert literals == ["_:b1", "ends like a blank node _:b1", "in English _:b1"]


def test_two_descriptions_in_one_document_keep_their_blank_nodes_apart() -> None:
    document = Document(
        [], [("http://example.org/g1", scoped(LINES, "c1x")), ("http://example.org/g2", scoped(LINES, "c2x"))]
    )
    for media_type in ("application/trig", "application/n-quads", "application/ld+json"):
        syntax = formats.syntax_for_media_type(media_type)
        quads = list(ox.parse(document.serialize(syntax, {}), format=syntax.oxigraph))
        assert len(quads) == 10, media_type
        graphs_of: dict[str, set[str]] = {}
        for quad in quads:
            if isinstance(quad.subject, ox.BlankNode):
                graphs_of.setdefault(quad.subject.value, set()).add(str(quad.graph_name))
        assert len(graphs_of) == 4 and all(len(g) == 1 for g in graphs_of.values()), media_type


def test_in_graph_turns_lines_into_quads_of_the_graph() -> None:
    text = in_graph(LINES, "http://example.org/g")
    quads = list(ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name for q in quads} == {ox.NamedNode("http://example.org/g")}
    assert len(quads) == 5 and in_graph("", "http://example.org/g") == ""

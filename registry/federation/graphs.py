"""Descriptions placed in the named graphs of one document (a feed fragment, the dump).

A description is published as accepted (``records.history.described``), blank node labels
included: JSON-LD and Turtle submissions both write ``_:b0``. Labels are scoped to a whole
TriG or N-Quads document, so two descriptions in one document would share their ``_:b0``;
each graph's blank nodes get their own prefix instead.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox


def in_graph(triples: Iterable[ox.Triple], graph: str, scope: str) -> list[ox.Quad]:
    """The triples as quads of ``graph``, blank node labels prefixed with ``scope`` (ASCII
    letters and digits, unique in the document)."""
    name = ox.NamedNode(graph)
    quads = []
    for triple in triples:
        subject, value = triple.subject, triple.object
        if isinstance(subject, ox.BlankNode):
            subject = ox.BlankNode(scope + subject.value)
        if isinstance(value, ox.BlankNode):
            value = ox.BlankNode(scope + value.value)
        quads.append(ox.Quad(subject, triple.predicate, value, name))
    return quads

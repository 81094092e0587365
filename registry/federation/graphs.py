"""Documents of named graphs whose descriptions are copied as accepted (the feed, the dump).

A version keeps its description as N-Triples text (``records.history.description_text``):
one triple a line, as the registry serialised it. A document carrying many descriptions
copies those lines into its graphs as they are, instead of parsing and serialising every
triple again (ten times faster for a feed fragment), so the lexical forms stay the ones
accepted.

Blank node labels are kept as accepted too, and JSON-LD and Turtle submissions both write
``_:b0``; labels are scoped to a whole TriG or N-Quads document, so each graph's blank nodes
get their own prefix. On an N-Triples line a blank node is the line's first token or its
last before `` .``: a literal's last token ends with ``"``, a language tag or a datatype
IRI, never a bare label, so these two places are rewritten and nothing inside a literal is.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from registry.rdf import formats

SUBJECT = re.compile(r"^_:", re.MULTILINE)
OBJECT = re.compile(r' _:([^\s"]+) \.$', re.MULTILINE)
END = re.compile(r" \.$", re.MULTILINE)


def scoped(ntriples: str, scope: str) -> str:
    """N-Triples lines with every blank node label prefixed by ``scope`` (ASCII letters and
    digits; no scope may begin another's)."""
    if "_:" not in ntriples:  # most descriptions name every node: nothing to scan
        return ntriples
    return OBJECT.sub(rf" _:{scope}\1 .", SUBJECT.sub(f"_:{scope}", ntriples))


def in_graph(ntriples: str, graph: str) -> str:
    """N-Triples lines as N-Quads lines of ``graph``."""
    return END.sub(f" <{graph}> .", ntriples.strip("\n")) + "\n" if ntriples.strip() else ""


@dataclass(frozen=True)
class Document:
    """Quads of the default graph (and a few of named graphs), and named graphs given as
    N-Triples text (blank nodes already scoped)."""

    quads: list[ox.Quad]
    graphs: list[tuple[str, str]]
    """(graph IRI, N-Triples lines)"""

    def serialize(self, syntax: formats.RdfSyntax, prefixes: dict[str, str]) -> bytes:
        """The document in TriG, N-Quads or JSON-LD (the syntaxes with named graphs)."""
        if syntax.oxigraph == ox.RdfFormat.TRIG:
            head = formats.serialize(self.quads, syntax, prefixes)
            blocks = "".join(f"<{graph}> {{\n{text.strip()}\n}}\n" for graph, text in self.graphs)
            return head + blocks.encode("utf-8")
        if syntax.oxigraph == ox.RdfFormat.N_QUADS:
            head = formats.serialize(self.quads, syntax)
            return head + self._nquads().encode("utf-8")
        return formats.serialize(self.all_quads(), syntax, prefixes)

    def _nquads(self) -> str:
        return "".join(in_graph(text, graph) for graph, text in self.graphs)

    def all_quads(self) -> Iterable[ox.Quad]:
        """Every quad, the named graphs' parsed (lenient: the registry wrote these lines)."""
        text = self._nquads().encode("utf-8")
        if not text:
            return self.quads
        parsed = ox.parse(text, format=ox.RdfFormat.N_QUADS, lenient=True)
        return itertools.chain(self.quads, parsed)

"""Answers laid out as a table for the query page: a cell per term, links only where they
are safe. No Flask here."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pyoxigraph as ox

from registry.rdf import formats
from registry.rdf.namespaces import compact
from registry.sparql.service import Answer

TABLE_RESULTS = "application/sparql-results+json"
"""The page asks for SELECT/ASK answers in this type and for graphs in ``TABLE_GRAPH``."""
TABLE_GRAPH = "application/n-triples"
XSD = "http://www.w3.org/2001/XMLSchema#"
PLAIN = {XSD + name for name in ("string", "integer", "decimal", "double", "boolean")}
"""Datatypes the table shows as bare values: what they are is obvious from the value."""
SHOWN_ROWS = 1000
"""Rows the page shows; the download links give the whole answer."""
LINKED_SCHEMES = frozenset({"http", "https", "mailto"})
"""IRIs the answer table links; any other (``javascript:``, ``data:``) is shown as text."""


@dataclass(frozen=True)
class Cell:
    text: str
    link: str | None = None


def iri_cell(iri: str) -> Cell:
    """A cell for an IRI: compacted, and a link only where following it is safe.

    Answers hold whatever IRIs a query makes (``IRI("javascript:...")``), and a link to a
    ``javascript:`` IRI runs script on the registry's page when clicked.
    """
    try:
        scheme = urlsplit(iri).scheme
    except ValueError:  # not splittable (a bad IPv6 literal): not a link
        scheme = ""
    return Cell(compact(iri), iri if scheme in LINKED_SCHEMES else None)


@dataclass
class Table:
    """An answer for people: column names and rows of cells (or the boolean of an ASK)."""

    kind: str
    """select, ask or graph."""
    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    total: int = 0
    boolean: bool | None = None


def json_cell(term: dict[str, str] | None) -> Cell:
    """A cell for one term of SPARQL JSON results."""
    if term is None:
        return Cell("")
    value = term["value"]
    if term["type"] == "uri":
        return iri_cell(value)
    if term["type"] == "bnode":
        return Cell(f"_:{value}")
    if "xml:lang" in term:
        return Cell(f'"{value}"@{term["xml:lang"]}')
    if "datatype" in term and term["datatype"] not in PLAIN:
        return Cell(f'"{value}"^^{compact(term["datatype"])}')
    return Cell(value)


def term_cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Cell:
    """A cell for one pyoxigraph term of a graph answer."""
    if isinstance(term, ox.NamedNode):
        return iri_cell(term.value)
    if isinstance(term, ox.Literal) and term.language:
        return Cell(f'"{term.value}"@{term.language}')
    if isinstance(term, ox.Literal):
        return Cell(f'"{term.value}"^^{compact(term.datatype.value)}')
    return Cell(str(term))


def table(answer: Answer) -> Table:
    """Lay out an answer (SPARQL JSON, or N-Triples for graphs) as at most SHOWN_ROWS rows."""
    if answer.media_type == TABLE_GRAPH:
        syntax = formats.syntax_for_media_type(TABLE_GRAPH)
        triples = formats.parse(answer.body, syntax)
        rows = [
            [term_cell(t.subject), term_cell(t.predicate), term_cell(t.object)] for t in triples
        ]
        return Table("graph", ["subject", "predicate", "object"], rows[:SHOWN_ROWS], len(rows))
    data = json.loads(answer.body)
    if "boolean" in data:
        return Table("ask", boolean=bool(data["boolean"]))
    columns = data["head"]["vars"]
    bindings = data["results"]["bindings"]
    rows = [[json_cell(b.get(c)) for c in columns] for b in bindings[:SHOWN_ROWS]]
    return Table("select", columns, rows, len(bindings))

"""RDF syntaxes: one table of media type <-> file suffix <-> parser/serialiser, and parsing.

Parsing and serialising are pyoxigraph's (strict, fast, positions in errors); validation needs
an rdflib graph, which ``to_rdflib`` builds from the parsed triples.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from registry.errors import EmptyBody, RdfSyntaxError, UnsupportedMediaType
from registry.rdf.jsonld import inline_contexts
from registry.rdf.namespaces import PREFIXES
from registry.rdf.xml_entities import check_entities


@dataclass(frozen=True)
class RdfSyntax:
    """One RDF serialisation: its media types and suffixes (the first is canonical)."""

    name: str
    media_types: tuple[str, ...]
    suffixes: tuple[str, ...]
    oxigraph: ox.RdfFormat
    has_graphs: bool = False

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def suffix(self) -> str:
        return self.suffixes[0]


SYNTAXES: tuple[RdfSyntax, ...] = (
    RdfSyntax("Turtle", ("text/turtle", "application/x-turtle"), ("ttl",), ox.RdfFormat.TURTLE),
    RdfSyntax(
        "JSON-LD",
        ("application/ld+json", "application/json"),
        ("jsonld", "json"),
        ox.RdfFormat.JSON_LD,
    ),
    RdfSyntax(
        "RDF/XML",
        ("application/rdf+xml", "application/xml", "text/xml"),
        ("rdf", "owl", "xml"),
        ox.RdfFormat.RDF_XML,
    ),
    RdfSyntax(
        "N-Triples", ("application/n-triples", "text/plain"), ("nt",), ox.RdfFormat.N_TRIPLES
    ),
    RdfSyntax("N-Quads", ("application/n-quads",), ("nq",), ox.RdfFormat.N_QUADS, True),
    RdfSyntax("TriG", ("application/trig",), ("trig",), ox.RdfFormat.TRIG, True),
)

DOCUMENT_SYNTAXES: tuple[RdfSyntax, ...] = tuple(s for s in SYNTAXES if not s.has_graphs)
"""The syntaxes of one graph (N-Quads and TriG carry datasets of graphs): what a record,
a submission or a CONSTRUCT answer can be written in."""


def bare_media_type(content_type: str | None) -> str:
    """Return the media type without parameters, lower-cased (``text/turtle; charset=utf-8``)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def syntax_for_media_type(content_type: str | None) -> RdfSyntax:
    """Return the syntax for a ``Content-Type`` value, or raise UnsupportedMediaType."""
    wanted = bare_media_type(content_type)
    for syntax in SYNTAXES:
        if wanted in syntax.media_types:
            return syntax
    accepted = ", ".join(s.media_type for s in SYNTAXES)
    shown = wanted or "none"
    raise UnsupportedMediaType(
        f"Content-Type {shown!r} is not an RDF syntax we read; use {accepted}."
    )


def syntax_for_suffix(suffix: str) -> RdfSyntax | None:
    """Return the syntax a file suffix (with or without dot) stands for, if any."""
    wanted = suffix.lower().lstrip(".")
    return next((s for s in SYNTAXES if wanted in s.suffixes), None)


def syntax_for_path(path: Path) -> RdfSyntax:
    """Return the syntax of a file by its suffix, or raise UnsupportedMediaType."""
    syntax = syntax_for_suffix(path.suffix)
    if syntax is None:
        suffixes = ", ".join("." + s for syn in SYNTAXES for s in syn.suffixes)
        raise UnsupportedMediaType(f"{path.name}: unknown RDF file suffix; use one of {suffixes}.")
    return syntax


def parse(data: bytes, syntax: RdfSyntax, base_iri: str | None = None) -> list[ox.Triple]:
    """Parse one RDF description (a single graph) into triples, or raise with line and column."""
    if not data.strip():
        raise EmptyBody(f"The {syntax.name} body is empty: send a dataset description.")
    if syntax.oxigraph == ox.RdfFormat.JSON_LD:
        data = inline_contexts(data)
    elif syntax.oxigraph == ox.RdfFormat.RDF_XML:
        check_entities(data)
    try:
        quads = ox.parse(data, format=syntax.oxigraph, base_iri=base_iri, without_named_graphs=True)
        triples = [quad.triple for quad in quads]
    except SyntaxError as error:
        raise RdfSyntaxError(f"{syntax.name}: {error.msg}", error.lineno, error.offset) from None
    except ValueError as error:  # e.g. invalid IRIs reported outside the grammar
        raise RdfSyntaxError(f"{syntax.name}: {error}") from None
    if any(isinstance(t.subject, ox.Triple) or isinstance(t.object, ox.Triple) for t in triples):
        raise RdfSyntaxError(
            f"{syntax.name}: quoted triples (RDF-star) are not part of DCAT-AP; "
            "state the facts as plain triples."
        )
    return triples


def serialize(
    triples: Iterable[ox.Triple] | Iterable[ox.Quad],
    syntax: RdfSyntax,
    prefixes: Mapping[str, str] | None = None,
) -> bytes:
    """Serialise triples (or quads, in a syntax with graphs) with the profile's prefixes and
    ``prefixes`` (where the syntax has prefixes)."""
    declared = {**PREFIXES, **prefixes} if prefixes else PREFIXES
    result = ox.serialize(triples, format=syntax.oxigraph, prefixes=declared)
    assert result is not None
    return result


def oxigraph_iri(term: object) -> ox.NamedNode:
    """Return the pyoxigraph IRI for an rdflib ``URIRef`` (or any IRI string)."""
    return ox.NamedNode(str(term))


def to_rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """Return the rdflib term for a pyoxigraph term (quoted triples are not expected here)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported RDF term {term!r}")


def to_rdflib(triples: Iterable[ox.Triple]) -> Graph:
    """Return an rdflib graph of the triples, for pySHACL."""
    graph = Graph()
    for triple in triples:
        graph.add(
            (
                to_rdflib_term(triple.subject),
                to_rdflib_term(triple.predicate),
                to_rdflib_term(triple.object),
            )
        )
    return graph

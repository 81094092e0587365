"""What every reader shares: the items a reader yields, and parsing a fetched document.

A reader is a generator of ``Description`` (a dataset or agent to store) and ``Deleted`` (a
dataset the source says is gone) items; it ends normally only when it has read its source
to the end (a complete run). Whatever stops it early raises ``HarvestStopped``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from registry.errors import RegistryError
from registry.federation.harvest.fetch import Fetched, HarvestStopped
from registry.federation.harvest.split import Description
from registry.rdf.formats import SYNTAXES, RdfSyntax, syntax_for_media_type, syntax_for_suffix
from registry.rdf.jsonld import inline_contexts
from registry.rdf.xml_entities import check_entities

RDF_ACCEPT = (
    "text/turtle, application/trig;q=0.95, application/n-triples;q=0.9, "
    "application/n-quads;q=0.9, application/ld+json;q=0.8, application/rdf+xml;q=0.7"
)


@dataclass(frozen=True)
class Deleted:
    """The source says a dataset is gone (a feed's ``as:Delete``, an OAI-PMH deleted record):
    by the dataset's IRI, or by the source's record IRI (``original``)."""

    topic: str | None = None
    original: str | None = None


@dataclass(frozen=True)
class Position:
    """Where an incremental reader stopped: the next run starts from here."""

    value: str


Item = Description | Deleted | Position
Reader = Iterator[Item]


def syntax_of(fetched: Fetched) -> RdfSyntax:
    """The RDF syntax of a fetched document, by its media type, else by its URL's suffix."""
    try:
        return syntax_for_media_type(fetched.media_type)
    except RegistryError:
        suffix = fetched.url.split("?", 1)[0].rsplit(".", 1)[-1]
        syntax = syntax_for_suffix(suffix)
        if syntax is None:
            known = ", ".join(s.media_type for s in SYNTAXES)
            raise HarvestStopped(
                f"<{fetched.url}> answered {fetched.media_type or 'no media type'}, "
                f"not RDF ({known})."
            ) from None
        return syntax


def quads(fetched: Fetched) -> list[ox.Quad]:
    """Parse a fetched document (any syntax, named graphs kept); a syntax error stops the
    run (a page that cannot be read may hide datasets: nothing may be withdrawn)."""
    syntax = syntax_of(fetched)
    data = fetched.body
    try:
        if syntax.oxigraph == ox.RdfFormat.JSON_LD:
            data = inline_contexts(data)
        elif syntax.oxigraph == ox.RdfFormat.RDF_XML:
            check_entities(data)
        return list(ox.parse(data, format=syntax.oxigraph, base_iri=fetched.url))
    except (SyntaxError, ValueError, RegistryError) as error:
        message = getattr(error, "message", None) or str(error)
        raise HarvestStopped(f"<{fetched.url}> is not valid {syntax.name}: {message}") from None


def triples(fetched: Fetched) -> list[ox.Triple]:
    """The default graph of a fetched document."""
    return [q.triple for q in quads(fetched) if isinstance(q.graph_name, ox.DefaultGraph)]


def objects(found: list[ox.Triple], predicate: str) -> list[ox.NamedNode | ox.Literal]:
    """The IRIs and literals ``predicate`` points to, in document order, without repeats."""
    node = ox.NamedNode(predicate)
    seen: dict[str, ox.NamedNode | ox.Literal] = {}
    for t in found:
        if t.predicate == node and isinstance(t.object, ox.NamedNode | ox.Literal):
            seen.setdefault(t.object.value, t.object)
    return list(seen.values())

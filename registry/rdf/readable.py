"""Descriptions written for a person to read and edit: Turtle and JSON-LD, each in one block.

``formats.serialize`` writes what machines read (every prefix, one block per blank node).
A draft or a form's result is read by a provider, so here a blank node cited once is written
inside the node that cites it (``[ ... ]`` in Turtle, a nested object in JSON-LD), Turtle
declares only the prefixes it uses, and JSON-LD is compacted with the registry's bundled
contexts (``jsonld.BUNDLED_CONTEXTS``), which the registry reads back without fetching.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import XSD

from registry.rdf import formats
from registry.rdf.jsonld import BUNDLED_CONTEXTS, bundled_context
from registry.rdf.namespaces import PREFIXES


def _graph(triples: Iterable[ox.Triple]) -> Graph:
    """An rdflib graph with the profile's prefixes; ``xsd:string`` literals written plain."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for subject, predicate, value in formats.to_rdflib(triples):
        if isinstance(value, Literal) and value.datatype == XSD.string:
            value = Literal(str(value))
        graph.add((subject, predicate, value))
    return graph


def turtle(triples: Iterable[ox.Triple]) -> bytes:
    """Return Turtle with the prefixes used and blank nodes cited once written in place."""
    return _graph(triples).serialize(format="turtle", encoding="utf-8")


def _terms() -> tuple[dict[tuple[str, str | None], str], dict[str, str], dict[str, str]]:
    """Read the bundled contexts (the later wins): properties, classes and prefixes.

    Properties are keyed by (IRI, coercion): "@id", a datatype IRI, or None.
    """
    merged: dict[str, Any] = {}
    for iri in BUNDLED_CONTEXTS:
        merged.update(bundled_context(iri))
    properties: dict[tuple[str, str | None], str] = {}
    classes: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for term, definition in sorted(merged.items()):
        if isinstance(definition, dict):
            properties.setdefault((definition["@id"], definition.get("@type")), term)
        elif definition.endswith(("#", "/")):
            prefixes[definition] = term
        else:
            classes.setdefault(definition, term)
    return properties, classes, prefixes


def _curie(iri: str, prefixes: dict[str, str]) -> str:
    namespace = max((ns for ns in prefixes if iri.startswith(ns)), key=len, default=None)
    return f"{prefixes[namespace]}:{iri[len(namespace) :]}" if namespace else iri


def _coercion(value: dict[str, Any]) -> str | None:
    """The coercion a term needs to write ``value`` (expanded) without a value object."""
    if "@value" not in value:
        return "@id"  # an IRI, or a nested node (a coerced term takes both)
    if "@language" in value:
        return "language"  # no term of the contexts declares one: always an object
    return value.get("@type")


def _compact_node(node: dict[str, Any], terms: tuple[Any, Any, Any]) -> dict[str, Any]:
    properties, classes, prefixes = terms
    result: dict[str, Any] = {}
    if "@id" in node and not node["@id"].startswith("_:"):
        result["@id"] = node["@id"]
    if "@type" in node:
        kinds = sorted(classes.get(kind) or _curie(kind, prefixes) for kind in node["@type"])
        result["@type"] = kinds[0] if len(kinds) == 1 else kinds
    written: dict[str, list[Any]] = {}
    for iri, values in node.items():
        if iri.startswith("@"):
            continue
        coercions = {_coercion(value) for value in values}
        term = properties.get((iri, coercions.pop())) if len(coercions) == 1 else None
        if term is not None:
            written[term] = [_coerced(value, terms) for value in values]
        else:
            term = properties.get((iri, None)) or _curie(iri, prefixes)
            written[term] = [_compact_value(value, terms) for value in values]
    for term, items in sorted(written.items()):
        items.sort(key=lambda item: json.dumps(item, sort_keys=True))
        result[term] = items[0] if len(items) == 1 else items
    return result


def _coerced(value: dict[str, Any], terms: tuple[Any, Any, Any]) -> Any:
    """Write a value under a term whose coercion matches it: an IRI or literal as a string."""
    if set(value) == {"@id"}:
        return value["@id"]
    if "@value" in value:
        return value["@value"]
    return _compact_node(value, terms)


def _compact_value(value: dict[str, Any], terms: tuple[Any, Any, Any]) -> Any:
    if "@value" in value:
        return value["@value"] if set(value) == {"@value"} else value
    if set(value) == {"@id"}:
        return value
    return _compact_node(value, terms)


def _nest(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Put each blank node cited once inside the node that cites it; return the top nodes."""
    cited = Counter(
        value["@id"]
        for node in nodes
        for key, values in node.items()
        if not key.startswith("@")
        for value in values
        if set(value) == {"@id"}
    )
    by_id = {node["@id"]: node for node in nodes}
    nested = {i for i, n in cited.items() if n == 1 and i.startswith("_:") and i in by_id}
    for node in nodes:
        for key, values in node.items():
            if not key.startswith("@"):
                node[key] = [
                    by_id[v["@id"]] if set(v) == {"@id"} and v["@id"] in nested else v
                    for v in values
                ]
    return [node for node in nodes if node["@id"] not in nested]


def jsonld(triples: Iterable[ox.Triple]) -> bytes:
    """Return JSON-LD compacted with the registry's contexts, cited by their IRIs.

    Terms are used where a context defines one for the property and its values (an IRI for
    an ``"@type": "@id"`` term, a literal of the term's datatype); anything else is written
    with a prefixed name and value objects, so the document reads back as the same graph.
    """
    expanded = json.loads(_graph(triples).serialize(format="json-ld"))
    terms = _terms()
    top = [_compact_node(node, terms) for node in _nest(expanded)]
    document: dict[str, Any] = {"@context": list(BUNDLED_CONTEXTS)}
    if len(top) == 1:
        document.update(top[0])
    else:
        document["@graph"] = top
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()

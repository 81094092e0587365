"""The read use cases behind the pages: named queries in, plain dicts out (no Flask here)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, FOAF, SKOS

from registry.catalogue.facade import Catalogue
from registry.catalogue.labels import DEFAULT, Label, pick_label, shown_iri
from registry.catalogue.search import concept
from registry.catalogue.summary import at_a_glance, contacts, distributions, schema_org
from registry.errors import NotFound
from registry.profile.fields import ORDER, label_for
from registry.queries import query
from registry.rdf.namespaces import CIR, compact
from registry.records.agents import agent_descriptions, cited_iris
from registry.records.history import gone, published
from registry.records.layout import is_record_id, record_facts

ENGLISH_FIRST = ("en",)
NAMES = (str(FOAF.name), str(DCTERMS.title), "http://www.w3.org/2006/vcard/ns#fn")
"""What names a described node, in this order."""
LINKABLE_SCHEMES = ("https:", "http:", "mailto:")
"""IRIs with other schemes (javascript:, data:) are shown as text, never as links."""
MAPPINGS = {
    str(SKOS[name])
    for name in (
        "exactMatch",
        "closeMatch",
        "broadMatch",
        "narrowMatch",
        "relatedMatch",
        "broader",
        "narrower",
        "inScheme",
    )
}
"""Concept-to-concept links a term page lists."""
WITHDRAWN = ox.NamedNode(str(CIR.withdrawn))
"""Marks a tombstone: the record answers 410 Gone."""


def _text(term: object) -> str | None:
    value = getattr(term, "value", None)
    return None if value is None else str(value)


def property_label(catalogue: Catalogue, predicate: str, preferred: Sequence[str]) -> Label:
    """How a page names a property: its ``rdfs:label`` from the registry's ontology files in
    the visitor's language (else English, marked), else the profile's English label, else
    its compact IRI."""
    texts = catalogue.property_labels.get(predicate)
    if texts:
        found = pick_label(texts, preferred)
        return Label(found.text[:1].upper() + found.text[1:], found.language)
    return Label(label_for(predicate), "en")


def language_order(preferred: Sequence[str]) -> Any:
    """Sort key of values: text in the visitor's languages first (in their order), then
    untagged text and IRIs, then other languages; by text within each."""

    languages = list(dict.fromkeys([*preferred, DEFAULT]))

    def key(value: dict[str, Any]) -> tuple[int, str]:
        language = value.get("language") or ""
        if not language:
            return (len(languages), value["text"])
        rank = languages.index(language) if language in languages else len(languages) + 1
        return (rank, value["text"])

    return key


def node_name(by_subject: dict[Any, list[ox.Triple]], node: Any, preferred: Sequence[str]) -> Label:
    """What a described node is called (a registered agent's name, a distribution's title)."""
    for predicate in NAMES:
        texts = {
            t.object.language or "": t.object.value
            for t in by_subject.get(node, [])
            if t.predicate.value == predicate and isinstance(t.object, ox.Literal)
        }
        if texts:
            return pick_label(texts, preferred)
    return Label("")


def _describe(
    catalogue: Catalogue,
    node: ox.NamedNode | ox.BlankNode,
    by_subject: dict[Any, list[ox.Triple]],
    preferred: Sequence[str],
    seen: frozenset[Any],
) -> list[dict[str, Any]]:
    """Return the fields of ``node`` in table order, nesting the nodes it points to."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for triple in by_subject.get(node, []):
        if triple.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type":
            continue
        groups.setdefault(triple.predicate.value, []).append(
            _value(catalogue, triple.object, by_subject, preferred, seen | {node})
        )
    order = language_order(preferred)
    return [
        {
            "predicate": p,
            "curie": compact(p),
            "label": property_label(catalogue, p, preferred),
            "values": sorted(v, key=order),
        }
        for p, v in sorted(groups.items(), key=lambda kv: (ORDER.get(kv[0], len(ORDER)), kv[0]))
    ]


def _value(
    catalogue: Catalogue,
    term: Any,
    by_subject: dict[Any, list[ox.Triple]],
    preferred: Sequence[str],
    seen: frozenset[Any],
) -> dict[str, Any]:
    if isinstance(term, ox.Literal):
        return {"text": term.value, "language": term.language, "iri": None, "fields": []}
    nested = (
        _describe(catalogue, term, by_subject, preferred, seen)
        if term in by_subject and term not in seen
        else []
    )
    if isinstance(term, ox.BlankNode):
        return {"text": "", "language": None, "iri": None, "fields": nested}
    known = term.value in catalogue.labels
    name = node_name(by_subject, term, preferred) if nested else Label("")
    label = concept(catalogue, term.value, preferred) if known else name
    return {
        "text": label.text or shown_iri(term.value),
        "language": label.language or None,
        "label": label if label.text else None,
        "iri": term.value,
        "term": known,
        "href": term.value if term.value.startswith(LINKABLE_SCHEMES) else None,
        "fields": nested,
    }


def _index(triples: Iterable[ox.Triple]) -> dict[Any, list[ox.Triple]]:
    by_subject: dict[Any, list[ox.Triple]] = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, []).append(triple)
    return by_subject


def dataset_view(
    catalogue: Catalogue, record_id: str, preferred: Sequence[str] = ENGLISH_FIRST
) -> dict[str, Any]:
    """Return what the dataset page shows of one record, or raise NotFound."""
    record = catalogue.record_iri(record_id)
    triples = record_document(catalogue, record_id)
    # Registered agents the record cites are shown with their names, as if inline.
    cited = agent_descriptions(catalogue.store, catalogue.layout, cited_iris(triples))
    by_subject = _index(triples + cited)
    record_node = ox.NamedNode(record)
    facts = record_facts(triples, record)
    dataset = facts[str(FOAF.primaryTopic)]
    assert isinstance(dataset, ox.NamedNode)
    titles = {
        t.object.language or "": t.object.value
        for t in by_subject.get(dataset, [])
        if t.predicate.value == str(DCTERMS.title) and isinstance(t.object, ox.Literal)
    }
    descriptions = {
        t.object.language or "": t.object.value
        for t in by_subject.get(dataset, [])
        if t.predicate.value == str(DCTERMS.description) and isinstance(t.object, ox.Literal)
    }
    view = {
        "id": record_id,
        "record": record,
        "dataset": dataset.value,
        "title": pick_label(titles, preferred) if titles else Label(dataset.value),
        "description": pick_label(descriptions, preferred),
        "issued": _text(facts.get(str(DCTERMS.issued))),
        "modified": _text(facts.get(str(DCTERMS.modified))),
        "conforms_to": _text(facts.get(str(DCTERMS.conformsTo))),
        "fields": _describe(catalogue, dataset, by_subject, preferred, frozenset({record_node})),
        "glance": at_a_glance(catalogue, record_id, preferred),
        "distributions": distributions(catalogue, by_subject, dataset, preferred),
        "contacts": contacts(by_subject, dataset),
    }
    view["schema_org"] = schema_org(view, by_subject, dataset)
    return view


def record_document(catalogue: Catalogue, record_id: str) -> list[ox.Triple]:
    """Return the triples of a record's graph (the description and its catalogue record), the
    description exactly as accepted (``history.published``)."""
    record = catalogue.record_iri(record_id)
    triples = catalogue.store.graph_triples(record) if is_record_id(record_id) else []
    if not triples:
        raise NotFound(f"There is no record {record_id!r} in this catalogue.")
    if any(t.predicate == WITHDRAWN for t in triples):
        raise gone(catalogue.store, catalogue.layout, record_id, triples)
    return published(catalogue.store, catalogue.layout, record, triples)


def is_current(catalogue: Catalogue, record_id: str) -> bool:
    """Whether ``record_id`` names a record that is published now (not unknown, not
    withdrawn): only such a record's page can be "not modified"."""
    if not is_record_id(record_id):
        return False
    record = catalogue.record_iri(record_id)
    own = catalogue.store.subject_triples(record, record)
    return bool(own) and not any(t.predicate == WITHDRAWN for t in own)


def concept_document(catalogue: Catalogue, iri: str) -> list[ox.Triple]:
    """Return what the vocabularies graph says about a concept, or raise NotFound."""
    try:
        concept_node = ox.NamedNode(iri)
    except ValueError:  # no IRI at all (``/term`` without ``iri``, ``/vocab/a%20b/x``)
        raise NotFound(f"{iri!r} is not an IRI: the vocabularies have no such term.") from None
    rows = catalogue.store.query(
        query("concept"),
        {"concept": concept_node, "graph": ox.NamedNode(catalogue.vocabularies_graph)},
    )
    assert isinstance(rows, ox.QuerySolutions)
    triples = [ox.Triple(concept_node, row["property"], row["value"]) for row in rows]
    if not triples:
        raise NotFound(f"The registry's vocabularies have no term <{iri}>.")
    return triples


def term_view(catalogue: Catalogue, iri: str, preferred: Sequence[str]) -> dict[str, Any]:
    """A concept's labels in every language, definition, mappings, and the datasets using it."""
    triples = concept_document(catalogue, iri)
    by_predicate: dict[str, list[Any]] = {}
    for triple in triples:
        by_predicate.setdefault(triple.predicate.value, []).append(triple.object)
    labels = {o.language or "": o.value for o in by_predicate.get(str(SKOS.prefLabel), [])}
    definitions = {o.language or "": o.value for o in by_predicate.get(str(SKOS.definition), [])}
    links = [
        {
            "label": property_label(catalogue, predicate, preferred),
            "targets": sorted(
                (o.value, concept(catalogue, o.value, preferred).text, o.value in catalogue.labels)
                for o in objects
                if isinstance(o, ox.NamedNode)
            ),
        }
        for predicate, objects in sorted(by_predicate.items())
        if predicate in MAPPINGS
    ]
    used = [
        (facet, datasets) for facet, value, datasets, _ in catalogue.search.totals() if value == iri
    ]
    return {
        "iri": iri,
        "label": concept(catalogue, iri, preferred),
        "labels": sorted(labels.items()),
        "definition": pick_label(definitions, preferred),
        "notations": sorted(o.value for o in by_predicate.get(str(SKOS.notation), [])),
        "links": [link for link in links if link["targets"]],
        "used": used,
    }


def provider_view(catalogue: Catalogue, record_id: str, preferred: Sequence[str]) -> dict[str, Any]:
    """A registered agent: its names, type, contact, homepage and the datasets it publishes."""
    record = catalogue.record_iri(record_id)
    triples = record_document(catalogue, record_id)
    facts = record_facts(triples, record)
    agent = facts.get(str(FOAF.primaryTopic))
    assert isinstance(agent, ox.NamedNode)
    by_subject = _index(triples)
    return {
        "id": record_id,
        "iri": agent.value,
        "name": pick_label(
            {
                t.object.language or "": t.object.value
                for t in by_subject.get(agent, [])
                if t.predicate.value == str(FOAF.name) and isinstance(t.object, ox.Literal)
            },
            preferred,
        ),
        "fields": _describe(
            catalogue, agent, by_subject, preferred, frozenset({ox.NamedNode(record)})
        ),
        "modified": _text(facts.get(str(DCTERMS.modified))),
    }

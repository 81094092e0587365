"""The read use cases behind the pages: named queries in, plain dicts out (no Flask here)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, FOAF

from .agents import agent_descriptions, cited_iris
from .errors import Gone, NotFound
from .fields import ORDER, label_for
from .namespaces import CIR
from .queries import query
from .services import Registry, record_facts

ENGLISH_FIRST = ("en",)
LINKABLE_SCHEMES = ("https:", "http:", "mailto:")
"""IRIs with other schemes (javascript:, data:) are shown as text, never as links."""
WITHDRAWN = ox.NamedNode(str(CIR.withdrawn))
"""Marks a tombstone: the record answers 410 Gone."""


def pick_language(texts: dict[str, str], preferred: Sequence[str] = ENGLISH_FIRST) -> str:
    """Return the text in the first preferred language, else untagged, else any (sorted)."""
    for language in (*preferred, "en", ""):
        if language in texts:
            return texts[language]
    return texts[sorted(texts)[0]] if texts else ""


def concept_label(registry: Registry, iri: str, preferred: Sequence[str] = ENGLISH_FIRST) -> str:
    """Return a vocabulary concept's label, or the last segment of its IRI as a fallback."""
    labels = registry.labels.get(iri)
    if labels:
        return pick_language(labels, preferred)
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1].replace("_", " ")


def _text(term: object) -> str | None:
    value = getattr(term, "value", None)
    return None if value is None else str(value)


def list_datasets(
    registry: Registry, page: int = 1, preferred: Sequence[str] = ENGLISH_FIRST
) -> dict[str, Any]:
    """Return one page of the catalogue, newest first, with totals for paging."""
    size = registry.settings.page_size
    catalog = {"catalog": ox.NamedNode(registry.catalog_iri)}
    counted = registry.store.query(query("count_records"), catalog)
    assert isinstance(counted, ox.QuerySolutions)
    row = next(iter(counted), None)
    total = int(row["records"].value) if row is not None else 0
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    # Integers only: LIMIT/OFFSET cannot be bound by substitution.
    text = query("dataset_page") % {"page": f"LIMIT {int(size)} OFFSET {int((page - 1) * size)}"}
    rows = registry.store.query(text, catalog)
    assert isinstance(rows, ox.QuerySolutions)
    items: dict[str, dict[str, Any]] = {}
    for row in rows:
        record = row["record"].value
        item = items.setdefault(
            record,
            {
                "id": record.rsplit("/", 1)[-1],
                "dataset": _text(row["dataset"]),
                "modified": _text(row["modified"]),
                "titles": {},
                "publishers": {},
                "conditions": set(),
            },
        )
        for key, variable in (("titles", "title"), ("publishers", "publisherName")):
            term = row[variable]
            if isinstance(term, ox.Literal):
                item[key][term.language or ""] = term.value
        if row["condition"] is not None:
            item["conditions"].add(row["condition"].value)
    datasets = [
        {
            "id": item["id"],
            "dataset": item["dataset"],
            "modified": item["modified"],
            "title": pick_language(item["titles"], preferred) or item["dataset"],
            "publisher": pick_language(item["publishers"], preferred),
            "conditions": sorted(concept_label(registry, c, preferred) for c in item["conditions"]),
        }
        for item in items.values()
    ]
    # The query's order: newest first, ties by record IRI ascending (stable two-pass sort).
    datasets.sort(key=lambda d: d["id"])
    datasets.sort(key=lambda d: d["modified"] or "", reverse=True)
    return {"datasets": datasets, "total": total, "page": page, "pages": pages}


def _describe(
    registry: Registry,
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
            _value(registry, triple.object, by_subject, preferred, seen | {node})
        )
    return [
        {"predicate": p, "label": label_for(p), "values": sorted(v, key=lambda x: x["text"])}
        for p, v in sorted(groups.items(), key=lambda kv: (ORDER.get(kv[0], len(ORDER)), kv[0]))
    ]


def _value(
    registry: Registry,
    term: Any,
    by_subject: dict[Any, list[ox.Triple]],
    preferred: Sequence[str],
    seen: frozenset[Any],
) -> dict[str, Any]:
    if isinstance(term, ox.Literal):
        return {"text": term.value, "language": term.language, "iri": None, "fields": []}
    nested = (
        _describe(registry, term, by_subject, preferred, seen)
        if term in by_subject and term not in seen
        else []
    )
    if isinstance(term, ox.BlankNode):
        return {"text": "", "language": None, "iri": None, "fields": nested}
    return {
        "text": concept_label(registry, term.value, preferred) if not nested else term.value,
        "language": None,
        "iri": term.value,
        "href": term.value if term.value.startswith(LINKABLE_SCHEMES) else None,
        "fields": nested,
    }


def _index(triples: Iterable[ox.Triple]) -> dict[Any, list[ox.Triple]]:
    by_subject: dict[Any, list[ox.Triple]] = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, []).append(triple)
    return by_subject


def dataset_view(
    registry: Registry, record_id: str, preferred: Sequence[str] = ENGLISH_FIRST
) -> dict[str, Any]:
    """Return what the dataset page shows of one record, or raise NotFound."""
    record = registry.record_iri(record_id)
    triples = record_document(registry, record_id)
    # Registered agents the record cites are shown with their names, as if inline.
    by_subject = _index(triples + agent_descriptions(registry, cited_iris(triples)))
    record_node = ox.NamedNode(record)
    facts = record_facts(triples, record)
    dataset = facts[str(FOAF.primaryTopic)]
    assert isinstance(dataset, ox.NamedNode)
    titles = {
        t.object.language or "": t.object.value
        for t in by_subject.get(dataset, [])
        if t.predicate.value == str(DCTERMS.title) and isinstance(t.object, ox.Literal)
    }
    return {
        "id": record_id,
        "record": record,
        "dataset": dataset.value,
        "title": pick_language(titles, preferred) or dataset.value,
        "issued": _text(facts.get(str(DCTERMS.issued))),
        "modified": _text(facts.get(str(DCTERMS.modified))),
        "conforms_to": _text(facts.get(str(DCTERMS.conformsTo))),
        "fields": _describe(registry, dataset, by_subject, preferred, frozenset({record_node})),
    }


def record_document(registry: Registry, record_id: str) -> list[ox.Triple]:
    """Return the triples of a record's graph (the description and its catalogue record)."""
    record = registry.record_iri(record_id)
    triples = registry.store.graph_triples(record) if record_id.isalnum() else []
    if not triples:
        raise NotFound(f"There is no record {record_id!r} in this catalogue.")
    if any(t.predicate == WITHDRAWN for t in triples):
        raise Gone(
            f"The record {record_id} was withdrawn; its versions stay readable.",
            history=f"/records/{record_id}/versions",
        )
    return triples

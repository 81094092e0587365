"""Splitting a harvested document into one description per dataset (and per agent).

A page, a dump graph or a SPARQL answer may describe many datasets with the agents and
distributions they cite. Each dataset becomes the triples reachable from it (its
distributions, contact points, blank nodes) without crossing into another dataset, a
catalogue record, the catalogue, or an agent with an IRI: those agents become descriptions
of their own, stored before the datasets that cite them (as ``registry load`` does), since
the registry keeps each agent once. The source's own ``dcat:CatalogRecord`` is left out; its
IRI is kept as the record's ``dct:source``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib.namespace import DCAT, FOAF, RDF

Node = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
TYPE = ox.NamedNode(str(RDF.type))
DATASET, RECORD = ox.NamedNode(str(DCAT.Dataset)), ox.NamedNode(str(DCAT.CatalogRecord))
CATALOG = ox.NamedNode(str(DCAT.Catalog))
AGENTS = {ox.NamedNode(str(FOAF[kind])) for kind in ("Agent", "Organization", "Person")}
PRIMARY_TOPIC = ox.NamedNode(str(FOAF.primaryTopic))


@dataclass(frozen=True)
class Description:
    """One dataset or agent as harvested: its triples and where they were read."""

    topic: str
    kind: str
    """``dataset`` or ``agent``."""
    triples: list[ox.Triple]
    document: str
    """The URL of the document it was read from."""
    original: str | None = None
    """The source's ``dcat:CatalogRecord`` of the dataset, if the document had one."""


def split(triples: Iterable[ox.Triple], document: str) -> list[Description]:
    """Every agent with an IRI, then every dataset, of one document."""
    by_subject: dict[Node, list[ox.Triple]] = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, []).append(triple)
    typed = {(t.subject, t.object) for ts in by_subject.values() for t in ts if t.predicate == TYPE}
    agents = sorted(
        {s for s, kind in typed if kind in AGENTS and isinstance(s, ox.NamedNode)}, key=str
    )
    datasets = sorted(
        {s for s, kind in typed if kind == DATASET and isinstance(s, ox.NamedNode)}, key=str
    )
    stops: set[Node] = {s for s, kind in typed if kind in (DATASET, RECORD, CATALOG)}
    stops |= set(agents)
    record_of = {
        t.object: t.subject
        for ts in by_subject.values()
        for t in ts
        if t.predicate == PRIMARY_TOPIC and (t.subject, RECORD) in typed
    }
    found = [
        Description(a.value, "agent", _reachable(a, by_subject, stops), document) for a in agents
    ]
    for dataset in datasets:
        original = record_of.get(dataset)
        found.append(
            Description(
                dataset.value,
                "dataset",
                _reachable(dataset, by_subject, stops),
                document,
                original.value if isinstance(original, ox.NamedNode) else None,
            )
        )
    return found


def _reachable(
    start: ox.NamedNode, by_subject: dict[Node, list[ox.Triple]], stops: set[Node]
) -> list[ox.Triple]:
    """The triples about ``start`` and the nodes it leads to, stopping at ``stops``."""
    seen: set[Node] = set()
    todo: list[Node] = [start]
    kept: list[ox.Triple] = []
    while todo:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for triple in by_subject.get(subject, []):
            kept.append(triple)
            target = triple.object
            if target in by_subject and target not in stops:
                todo.append(target)
    return kept

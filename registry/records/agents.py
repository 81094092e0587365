"""Registered agents: providers and access bodies described once, cited by many datasets.

An agent's description is a record of its own. A dataset cites the agent's IRI; validating
the dataset and showing its page need the agent's facts, which this module reads back.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib.namespace import FOAF, RDF

from registry.queries import query
from registry.records.layout import Layout, record_id_for
from registry.store.interface import Store

RDF_TYPE, FOAF_AGENT = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(FOAF.Agent))


def agent_descriptions(store: Store, layout: Layout, cited: Iterable[str]) -> list[ox.Triple]:
    """Return the stored descriptions of the registered agents among ``cited`` IRIs.

    A record's IRI derives from its topic's, so each cited IRI costs one graph lookup.
    """
    triples: list[ox.Triple] = []
    for iri in cited:
        record = layout.record_iri(record_id_for(iri))
        if not store.has_graph(record):
            continue
        stored = store.graph_triples(record)
        if ox.Triple(ox.NamedNode(iri), RDF_TYPE, FOAF_AGENT) in stored:
            triples.extend(t for t in stored if t.subject != ox.NamedNode(record))
    return triples


def is_registered(store: Store, layout: Layout, iri: str) -> bool:
    """Whether ``iri`` is a registered agent: its record describes it as a ``foaf:Agent``."""
    return bool(agent_descriptions(store, layout, [iri]))


def cited_iris(triples: list[ox.Triple]) -> set[str]:
    """IRIs the triples point to without describing them."""
    described = {t.subject for t in triples}
    return {
        t.object.value
        for t in triples
        if isinstance(t.object, ox.NamedNode) and t.object not in described
    }


def registered_agents(store: Store) -> dict[str, dict[str, str]]:
    """Every registered agent's IRI, with its names by language tag ("" untagged)."""
    agents: dict[str, dict[str, str]] = {}
    for row in store.query(query("registered_agents")):  # type: ignore[union-attr]
        names = agents.setdefault(row["agent"].value, {})
        name = row["name"]
        if isinstance(name, ox.Literal):
            names[name.language or ""] = name.value
    return agents

"""What harvesters get of a record: read from the record's own statements and its version,
the same as ``published`` over the whole stored graph; cited agents without their records."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import DCAT, FOAF, RDF

from registry.federation.documents import cited_agents, current_record
from registry.records.history import published
from registry.records.write import withdraw_record
from registry.runtime import Registry

AGENT = ox.NamedNode(str(FOAF.Agent))
CATALOG_RECORD = ox.NamedNode(str(DCAT.CatalogRecord))
TYPE = ox.NamedNode(str(RDF.type))


def test_a_record_is_published_as_from_its_whole_graph(
    harvest_registry: Registry, sample_ids: dict[str, str]
) -> None:
    store, layout = harvest_registry.store, harvest_registry.layout
    for record_id in sample_ids.values():
        record = layout.record_iri(record_id)
        whole = published(store, layout, record, store.graph_triples(record))
        assert set(current_record(store, layout, record) or []) == set(whole), record_id


def test_cited_agents_come_without_their_records(
    harvest_registry: Registry, sample_ids: dict[str, str]
) -> None:
    store, layout = harvest_registry.store, harvest_registry.layout
    record = layout.record_iri(next(iter(sample_ids.values())))
    triples = current_record(store, layout, record) or []
    agents = cited_agents(store, layout, triples)
    named = {t.subject for t in agents if t.predicate == ox.NamedNode(str(FOAF.name))}
    assert named and all(ox.Triple(agent, TYPE, AGENT) in agents for agent in named)
    assert not any(t.object == CATALOG_RECORD for t in agents)


def test_a_withdrawn_record_publishes_nothing(
    harvest_registry: Registry, sample_ids: dict[str, str]
) -> None:
    record_id = next(iter(sample_ids.values()))
    withdraw_record(harvest_registry.records, record_id)
    record = harvest_registry.layout.record_iri(record_id)
    assert current_record(harvest_registry.store, harvest_registry.layout, record) is None

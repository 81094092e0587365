"""Harvest runs against a second registry on 127.0.0.1, through every kind of source: every
sample dataset arrives valid, with its provenance, owned by the source; a re-run writes
nothing; a dropped dataset is withdrawn after a complete run, and only then."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV

from registry.errors import Conflict
from registry.federation.harvest.oai import overlapped
from registry.federation.harvest.run import Report
from registry.federation.harvest.sources import Source
from registry.federation.harvest.sparql import DATASETS, DESCRIBED, PAGE, holds_service
from registry.federation.listing import SETTLE
from registry.rdf import formats
from registry.rdf.namespaces import CIR
from registry.records import history
from registry.records.accounts import Provider
from registry.records.layout import record_facts, version_iri
from registry.records.submission import publish, registered_agents, submit
from registry.records.write import description_text, read_state, with_modified, withdraw_record
from registry.runtime import Registry
from tests.conftest import BASE_IRI, PROSTATE, TURTLE
from tests.federation.harvest.harvesting import (
    NTRIPLES,
    revised,
    sample_datasets,
    sample_description,
    submitted,
)
from tests.federation.harvest.servers import SOURCE_BASE

ENTRY_POINTS = {
    "feed": "feed",
    "dump": "dump.nq.gz",
    "dcat": "catalog",
    "fdp": "",
    "oai": "oai",
    "sparql": "sparql",
}


def harvest(registry: Registry, kind: str, name: str = "other") -> Report:
    """Add the second registry as a source of ``kind`` (once) and run it."""
    sources = registry.harvester.sources
    if name not in {s.name for s in sources.all()}:
        sources.add(Source(name, SOURCE_BASE + ENTRY_POINTS[kind], kind, 0))
    return registry.harvester.run(name)


def current_datasets(registry: Registry) -> set[str]:
    return {r.topic for r in registry.harvester.harvest_records("other")}


@pytest.mark.parametrize("kind", sorted(ENTRY_POINTS))
def test_every_sample_dataset_arrives_through_each_kind(
    kind: str, source: Registry, harvesting: Registry
) -> None:
    report = harvest(harvesting, kind)
    assert report.status == "complete", report
    assert report.refused == [], report.refused
    assert report.created == 36
    assert current_datasets(harvesting) == sample_datasets()
    again = harvest(harvesting, kind)
    assert again.status == "complete" and again.created == again.updated == 0, again


def record_of(registry: Registry, topic: str) -> str:
    return registry.layout.record_iri(registry.layout.record_id_for(topic))


def test_a_harvested_record_says_where_it_came_from_and_conforms(
    source: Registry, harvesting: Registry
) -> None:
    harvest(harvesting, "dump")
    (run,) = harvesting.harvester.sources.runs("other")
    topic = sorted(sample_datasets())[0]
    record = record_of(harvesting, topic)
    graph = harvesting.store.graph_triples(record)
    facts = record_facts(graph, record)
    assert facts[str(CIR.harvestedFrom)] == ox.NamedNode(BASE_IRI + "harvest#other")
    assert facts[str(CIR.harvestRun)] == ox.NamedNode(f"{BASE_IRI}harvest/runs/{run.id}")
    # dct:source: the second registry's own record of the dataset; read from its dump graph.
    original = record_of(source, topic)
    assert facts[str(DCTERMS.source)] == ox.NamedNode(original)
    assert facts[str(PROV.wasDerivedFrom)] == ox.NamedNode(original)
    assert str(CIR.harvested) in facts
    # As published (the description as accepted, the record with its provenance), with the
    # agents it cites, it conforms to the profile.
    shown = history.current(harvesting.records, harvesting.layout.record_id_for(topic)).triples
    agents = registered_agents(harvesting.records, shown)
    report = harvesting.shapes.validate(formats.to_rdflib(shown), agents)
    assert report.conforms, report.text()
    # The feed carries the description as the second registry published it: the round trip
    # (what it accepted, with the dataset's dct:modified it publishes, its record's).
    state = read_state(harvesting.records, record)
    ours = description_text(harvesting.store, version_iri(record, state.version))
    theirs = description_text(source.store, version_iri(original, 1))
    assert ours and theirs
    modified = record_facts(source.store.graph_triples(original), original)[str(DCTERMS.modified)]
    assert isomorphic(parsed(ours), parsed(with_modified(topic, theirs, modified)))


def parsed(text: str) -> Graph:
    return formats.to_rdflib(formats.parse(text.encode(), NTRIPLES))


@pytest.mark.parametrize("kind", ["dump", "sparql"])
def test_a_dropped_dataset_is_withdrawn_after_a_complete_run(
    kind: str, source: Registry, harvesting: Registry
) -> None:
    harvest(harvesting, kind)
    topic = sorted(sample_datasets())[0]
    withdraw_record(source.records, source.layout.record_id_for(topic))
    source.dump.write()
    report = harvest(harvesting, kind)
    assert report.status == "complete" and report.withdrawn == [topic], report
    assert read_state(harvesting.records, record_of(harvesting, topic)).withdrawn
    assert report.unchanged == 35 and report.created == report.updated == 0


def test_a_run_that_would_withdraw_most_records_withdraws_none(
    source: Registry, harvesting: Registry
) -> None:
    harvest(harvesting, "dump")
    dropped = sorted(sample_datasets())[:20]
    for topic in dropped:
        withdraw_record(source.records, source.layout.record_id_for(topic))
    source.dump.write()
    report = harvest(harvesting, "dump")
    assert report.withdrawn == [] and "20 of its 36" in (report.withdrawals_held or "")
    assert not any(
        read_state(harvesting.records, record_of(harvesting, t)).withdrawn for t in dropped
    )


def test_the_feed_is_read_from_where_the_last_run_stopped(
    source: Registry, harvesting: Registry
) -> None:
    harvest(harvesting, "feed")
    gone, changed = sorted(sample_datasets())[:2]
    withdraw_record(source.records, source.layout.record_id_for(gone))
    submitted(source, revised(sample_description(changed)))
    report = harvest(harvesting, "feed")
    assert report.status == "complete", report
    assert report.documents == 1  # the last fragment only
    assert report.updated == 1 and report.withdrawn == [gone], report
    assert report.unchanged == report.created == 0


def test_a_local_record_is_never_overwritten_nor_a_harvested_one_by_a_provider(
    source: Registry, harvesting: Registry
) -> None:
    data = PROSTATE.read_bytes()
    local = submit(harvesting.records, data, TURTLE)
    report = harvest(harvesting, "dump")
    assert [r["topic"] for r in report.refused] == [local.topic]
    assert read_state(harvesting.records, local.record).harvested_from is None
    other = sorted(sample_datasets() - {local.topic})[0]
    triples = sample_description(other)
    publisher = next(t.object.value for t in triples if t.predicate.value == str(DCTERMS.publisher))
    with pytest.raises(Conflict, match="harvested"):
        publish(
            harvesting.records,
            Provider("p", publisher),
            formats.serialize(triples, NTRIPLES),
            NTRIPLES,
            "publish",
        )


def test_oai_pmh_reads_from_the_last_complete_run(source: Registry, harvesting: Registry) -> None:
    harvest(harvesting, "oai")
    position = harvesting.harvester.sources.get("other").position
    assert position and position.endswith("Z")
    gone, changed = sorted(sample_datasets())[:2]
    withdraw_record(source.records, source.layout.record_id_for(gone))
    submitted(source, revised(sample_description(changed)))
    time.sleep(SETTLE.total_seconds() + 1)  # the source lists what settled before it answers
    report = harvest(harvesting, "oai")
    assert report.status == "complete", report
    assert report.updated == 1 and report.withdrawn == [gone], report
    assert report.created == 0 and report.unchanged < 36  # only what changed since `from`


def test_the_next_from_overlaps_the_last_answer() -> None:
    assert overlapped("2026-12-06T12:00:00Z") == "2026-12-06T11:55:00Z"
    assert overlapped("2026-12-06") == "2026-12-05"


def test_a_description_read_over_sparql_is_the_one_its_source_accepted(
    source: Registry, harvesting: Registry
) -> None:
    """The source's store gives ``xsd:nonNegativeInteger`` values back as ``xsd:integer``; the
    reader takes the description its source keeps verbatim, so the typed literals survive."""
    report = harvest(harvesting, "sparql")
    assert report.status == "complete" and report.refused == [], report
    topic = sorted(sample_datasets())[0]
    record, original = record_of(harvesting, topic), record_of(source, topic)
    state = read_state(harvesting.records, record)
    ours = description_text(harvesting.store, version_iri(record, state.version))
    theirs = description_text(source.store, version_iri(original, 1))
    assert ours and theirs and "XMLSchema#nonNegativeInteger>" in theirs
    assert isomorphic(parsed(ours), parsed(theirs))
    facts = record_facts(harvesting.store.graph_triples(record), record)
    assert facts[str(DCTERMS.source)] == ox.NamedNode(original)


def test_no_harvest_query_sends_service() -> None:
    assert not holds_service(DATASETS % (PAGE, 0))
    assert not holds_service(DESCRIBED % "http://example.org/d")
    assert holds_service(
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://x/> { ?s ?p ?o } } } }"
    )

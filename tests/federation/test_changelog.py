"""The ordered change log (``store.changelog``): one numbered entry per accepted write, in
the record's own transaction; nothing for a refused or failed write; rebuilt once from
history for a store written before the log."""

from __future__ import annotations

import gc
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyoxigraph as ox
import pytest

from registry.errors import Conflict
from registry.rdf import formats
from registry.records.changes import history_changes
from registry.records.layout import record_id_for
from registry.records.submission import submit
from registry.records.write import may_create, withdraw_record, write_record
from registry.runtime import Registry
from registry.store.changelog import Change
from registry.web.app import create_app
from tests.conftest import AGENTS, BASE_IRI, SAMPLES

TURTLE = formats.syntax_for_media_type("text/turtle")
PROSTATE = next(p for p in SAMPLES if p.name == "procancer-i-open-challenge-prostate.ttl")
DATASET = "https://datasets.procancer-i.example/open-challenge-prostate-v1"
CHANGED = PROSTATE.read_bytes().replace(b'"8237"', b'"8240"')


@pytest.mark.both_stores
def test_the_template_store_logs_the_catalogue_then_each_agent(registry: Registry) -> None:
    changes = registry.records.changes.changes(0, 1000)
    assert [c.sequence for c in changes] == list(range(1, len(AGENTS) + 2))
    assert changes[0].topic == registry.layout.catalog_iri and changes[0].kind == "create"
    assert {c.kind for c in changes[1:]} == {"create"}
    assert registry.records.changes.latest() == len(AGENTS) + 1


@pytest.mark.both_stores
def test_create_update_delete_and_create_again_each_take_the_next_number(
    registry: Registry,
) -> None:
    log = registry.records.changes
    start = log.latest()
    submit(registry.records, PROSTATE.read_bytes(), TURTLE)
    submit(registry.records, CHANGED, TURTLE)
    withdraw_record(registry.records, record_id_for(DATASET))
    submit(registry.records, PROSTATE.read_bytes(), TURTLE)
    changes = log.changes(start, 10)
    assert [(c.sequence, c.kind, c.version) for c in changes] == [
        (start + 1, "create", 1),
        (start + 2, "update", 2),
        (start + 3, "delete", 2),
        (start + 4, "create", 3),
    ]
    assert {c.topic for c in changes} == {DATASET}
    assert {c.record_id for c in changes} == {record_id_for(DATASET)}
    times = [c.time for c in log.changes(0, 1000)]
    assert times == sorted(times)


@pytest.mark.both_stores
def test_an_identical_resubmission_or_a_refused_write_logs_nothing(registry: Registry) -> None:
    log = registry.records.changes
    accepted = submit(registry.records, PROSTATE.read_bytes(), TURTLE)
    latest = log.latest()
    assert not submit(registry.records, PROSTATE.read_bytes(), TURTLE).changed
    with pytest.raises(Conflict):  # POST of a dataset already registered
        from registry.records.submission import change_for, check_for

        change = change_for(registry.records, check_for(registry.records, CHANGED, TURTLE))
        write_record(registry.records, change, precondition=may_create(None))
    assert log.latest() == latest
    assert log.changes(latest - 1, 10)[-1].record_id == accepted.record_id


@pytest.mark.both_stores
def test_a_failed_transaction_takes_no_number(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The regression a counter kept in memory would have: a number taken by a write whose
    transaction then failed leaves a gap."""
    log = registry.records.changes
    latest = log.latest()
    store = registry.store
    real = store.write_graphs

    def failing(replace: object, append: object, guard: object = None) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store, "write_graphs", failing)
    with pytest.raises(OSError):
        submit(registry.records, PROSTATE.read_bytes(), TURTLE)
    monkeypatch.setattr(store, "write_graphs", real)
    assert log.latest() == latest
    submit(registry.records, PROSTATE.read_bytes(), TURTLE)
    assert [c.sequence for c in log.changes(latest, 10)] == [latest + 1]


@pytest.mark.both_stores
def test_times_never_go_backwards_even_when_a_write_says_an_earlier_time(
    registry: Registry,
) -> None:
    log = registry.records.changes
    before = log.changes(log.latest() - 1, 1)[0].time
    earlier = before - timedelta(days=365)
    submit(registry.records, PROSTATE.read_bytes(), TURTLE, now=earlier)
    assert log.changes(log.latest() - 1, 1)[0].time == before


@pytest.mark.both_stores
def test_changes_pages_by_sequence_and_refuses_bad_bounds(registry: Registry) -> None:
    log = registry.records.changes
    everything = log.changes(0, 1000)
    assert log.changes(3, 4) == everything[3:7]
    assert log.changes(len(everything), 5) == []
    for after, limit in ((-1, 5), (0, 0)):
        with pytest.raises(ValueError):
            log.changes(after, limit)


@pytest.mark.both_stores
def test_the_log_says_nothing_about_a_dataset_in_the_union_graph(registry: Registry) -> None:
    """Pages and SPARQL read the union of all graphs: the log adds no triple naming a
    dataset, only opaque cir:change literals in its own graphs."""
    submit(registry.records, PROSTATE.read_bytes(), TURTLE)
    rows = registry.store.query(
        "SELECT ?g ?topic WHERE { GRAPH ?g { ?s ?p ?topic } }", {"topic": ox.NamedNode(DATASET)}
    )
    graphs = {row["g"].value for row in rows}  # type: ignore[union-attr]
    assert graphs and not any(g.startswith(registry.layout.changes_graph) for g in graphs)
    rows = registry.store.query(
        "SELECT DISTINCT ?p ?log WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ?log)) }",
        {"log": ox.Literal(registry.layout.changes_graph)},
    )
    predicates = {row["p"].value for row in rows}  # type: ignore[union-attr]
    assert predicates == {
        "https://w3id.org/cancer-image-registry/change",
        "https://w3id.org/cancer-image-registry/lastEntry",
    }


def opened(path: Path) -> Registry:
    registry: Registry = create_app({"store": str(path), "base_iri": BASE_IRI}).extensions[
        "registry"
    ]
    return registry


def log_after_opening(path: Path) -> list[Change]:
    """Open the store, read its whole log, close it again."""
    registry = opened(path)
    changes = registry.records.changes.changes(0, 1000)
    registry.close()
    del registry
    gc.collect()  # the embedded store is closed when its last reference goes
    return changes


def test_a_store_without_a_log_gets_it_from_history_once(
    template_store: Path, tmp_path: Path
) -> None:
    """A store written before the change log existed: opening it writes the log its
    history implies, in order, once; later writes follow it."""
    path = tmp_path / "old"
    shutil.copytree(template_store, path)
    registry = opened(path)
    submit(registry.records, PROSTATE.read_bytes(), TURTLE)
    submit(registry.records, CHANGED, TURTLE)
    withdraw_record(registry.records, record_id_for(DATASET))
    logged = registry.records.changes.changes(0, 1000)
    assert history_changes(registry.records) == logged
    graphs = registry.records.changes.graph, registry.records.changes.latest_graph
    registry.store.write_graphs(dict.fromkeys(graphs, []), {})
    assert not registry.records.changes.exists()
    registry.close()
    del registry
    gc.collect()
    assert log_after_opening(path) == logged
    assert log_after_opening(path) == logged  # once: the second opening keeps it as it is
    registry = opened(path)
    submit(registry.records, PROSTATE.read_bytes(), TURTLE)
    assert registry.records.changes.latest() == len(logged) + 1
    registry.close()


def test_a_new_store_starts_its_log_with_the_catalogue(tmp_path: Path) -> None:
    registry = opened(tmp_path / "new")
    [first] = registry.records.changes.changes(0, 10)
    assert (first.sequence, first.kind, first.topic) == (1, "create", f"{BASE_IRI}catalog")
    assert first.time <= datetime.now(UTC)
    registry.close()

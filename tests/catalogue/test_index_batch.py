"""A bulk load's batch reaches the search index in one SQLite transaction: the same index as
one record at a time, and the same order of writes when another thread writes meanwhile."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pyoxigraph as ox

from registry.catalogue.index.query import Query
from registry.catalogue.index.sqlite import SearchIndex
from registry.catalogue.index.sync import IndexSync
from registry.records.facade import Announcement
from registry.runtime import Registry
from tests.conftest import load_samples


def written_records(registry: Registry, count: int) -> list[Announcement]:
    """Record ids and current graphs of ``count`` sample datasets just loaded."""
    ids = load_samples(registry, count)
    return [
        (record_id, registry.store.graph_triples(registry.layout.record_iri(record_id)))
        for record_id in ids.values()
    ]


TABLES = ("meta", "entry", "facet", "total", "word", "synonym", "text_terms")


def dump(index: SearchIndex) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the index's tables (FTS5's own segments differ by how many transactions
    wrote them: its rows and terms are compared instead)."""
    with sqlite3.connect(index.path) as connection:
        rows = {table: sorted(connection.execute(f"SELECT * FROM {table}")) for table in TABLES}
        rows["text"] = list(connection.execute("SELECT rowid, * FROM text ORDER BY rowid"))
    return rows


def test_a_batch_indexes_as_one_record_at_a_time_does(registry: Registry, tmp_path: Path) -> None:
    written = written_records(registry, 6)
    tombstone: Announcement = (written[0][0], [])  # withdrawn: its entry goes
    one_by_one = IndexSync(SearchIndex(tmp_path / "one.sqlite"), registry.store, registry.layout)
    together = IndexSync(SearchIndex(tmp_path / "batch.sqlite"), registry.store, registry.layout)
    for index in (one_by_one, together):  # the same records indexed before
        index.records_written(written[:2])
    for record_id, triples in [*written[2:], tombstone]:
        one_by_one.records_written([(record_id, triples)])
    together.records_written([*written[2:], tombstone])
    assert dump(together.search) == dump(one_by_one.search)
    assert dump(together.search)["entry"]  # not two empty indexes
    query = Query(text="prostate")
    assert together.search.search(query, 10) == one_by_one.search.search(query, 10)
    assert together.search.stamps().keys() == {record_id for record_id, _ in written[1:]}


def test_a_record_written_twice_in_a_batch_is_indexed_as_last_written(
    registry: Registry, tmp_path: Path
) -> None:
    written = written_records(registry, 2)
    (first, triples), (second, _) = written
    index = IndexSync(SearchIndex(tmp_path / "batch.sqlite"), registry.store, registry.layout)
    index.records_written([(first, triples), (second, []), (first, []), (second, written[1][1])])
    assert index.search.stamps().keys() == {second}


def test_held_announcements_reach_listeners_in_store_order(registry: Registry) -> None:
    """A bulk load holds its batch's announcements; another thread's write delivers them
    before its own, and what the batch writes after that is delivered at its end."""
    heard: list[list[str]] = []
    records = registry.records
    records.subscribe(lambda written: heard.append([record_id for record_id, _ in written]))
    triples: list[ox.Triple] = []
    with records.announcing_together():
        records.announce("a", triples)
        records.announce("b", triples)
        assert heard == []
        other = threading.Thread(target=records.announce, args=("c", triples))
        other.start()
        other.join()
        assert heard == [["a", "b", "c"]]
        records.announce("d", triples)
    assert heard == [["a", "b", "c"], ["d"]]
    records.announce("e", triples)
    assert heard[-1] == ["e"]

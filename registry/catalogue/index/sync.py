"""Keeping the search index in step with the store: the write hook and the reconciliation.

Every write path that stores or removes a record calls ``index_record`` or ``drop_record``
right after the store's transaction; ``reconcile`` (run when the registry opens) repairs
whatever a crash between the two writes left behind, so the index is never stale for long
and never wrong after a restart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox

from registry.catalogue.index.entry import Entry, read_entry, stamp_of
from registry.queries import query

if TYPE_CHECKING:  # services opens the index and reconciles it at start
    from registry.runtime import Registry

BATCH = 2000
"""Records re-indexed per SQLite transaction during reconciliation."""


def index_record(registry: Registry, record_id: str, triples: list[ox.Triple]) -> None:
    """Index (or re-index) a record just written to the store with these triples."""
    entry = read_entry(record_id, registry.record_iri(record_id), triples)
    if entry is None:  # neither a dataset nor an agent (a tombstone, say): not searchable
        drop_record(registry, record_id)
    else:
        registry.search.write([entry])


def drop_record(registry: Registry, record_id: str) -> None:
    """Remove a record from the index (after it was removed or withdrawn from the store)."""
    registry.search.write([], dropped=[record_id])


def stored_stamps(registry: Registry) -> dict[str, str]:
    """Record id -> stamp of every record in the store (the source of truth)."""
    rows = registry.store.query(query("record_stamps"))
    assert isinstance(rows, ox.QuerySolutions)
    prefix = registry.record_iri("")
    return {
        row["record"].value[len(prefix) :]: stamp_of(row["digest"].value, row["modified"].value)
        for row in rows
        if row["record"].value.startswith(prefix)
    }


def reconcile(registry: Registry) -> int:
    """Re-index the records whose stamps differ from the store's, drop the vanished ones.

    Returns how many records were re-indexed or dropped (0 when the index was in step).
    """
    stored, indexed = stored_stamps(registry), registry.search.stamps()
    stale = [r for r, stamp in stored.items() if indexed.get(r) != stamp]
    vanished = [r for r in indexed if r not in stored]
    registry.search.write([], dropped=vanished)
    for start in range(0, len(stale), BATCH):
        batch = stale[start : start + BATCH]
        registry.search.write(_entries(registry, batch), dropped=batch)
    return len(stale) + len(vanished)


def _entries(registry: Registry, record_ids: Iterable[str]) -> Iterable[Entry]:
    for record_id in record_ids:
        record = registry.record_iri(record_id)
        entry = read_entry(record_id, record, registry.store.graph_triples(record))
        if entry is not None:
            yield entry

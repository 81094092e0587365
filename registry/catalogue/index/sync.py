"""Keeping the search index in step with the store: the commit listener and reconciliation.

``runtime`` subscribes ``IndexSync.records_written`` to the records' commits, so every record
stored or withdrawn reaches the index right after the store's transaction (a bulk load's
batch of them in one SQLite transaction, after the batch's); ``reconcile``
(run when the registry opens) repairs whatever a crash between the two writes left behind,
so the index is never stale for long and never wrong after a restart. Entries hold the words
of the concepts records cite, read from the store's vocabularies by the ``Thesaurus``: when
those change (their digest), every entry is rebuilt.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox

from registry.catalogue.index.entry import Entry, read_entry, stamp_of
from registry.catalogue.index.sqlite import SearchIndex
from registry.catalogue.index.thesaurus import Thesaurus
from registry.queries import query
from registry.records.facade import Announcement
from registry.records.layout import Layout
from registry.store.interface import Store

BATCH = 2000
"""Records re-indexed per SQLite transaction during reconciliation."""
VOCABULARIES = "vocabularies"
"""The index's ``meta`` key for the digest of the vocabularies its entries were built with."""


@dataclass(frozen=True)
class IndexSync:
    """The search index fed from the store's records."""

    search: SearchIndex
    store: Store
    layout: Layout

    @cached_property
    def thesaurus(self) -> Thesaurus:
        """The cited concepts' words, read from the store's vocabulary graph once each."""
        return Thesaurus(self.store, self.layout.vocabularies_graph)

    def records_written(self, written: list[Announcement]) -> None:
        """Index (or re-index) records just written to the store, each with its triples, in
        one SQLite transaction (a record written twice: its last graph)."""
        entries, dropped = [], []
        for record_id, triples in dict(written).items():
            record = self.layout.record_iri(record_id)
            entry = read_entry(record_id, record, triples, self.thesaurus)
            if entry is None:  # neither a dataset nor an agent (a tombstone, say): not searchable
                dropped.append(record_id)
            else:
                entries.append(entry)
        self.search.write(entries, dropped=dropped)

    def stored_stamps(self) -> dict[str, str]:
        """Record id -> stamp of every record in the store (the source of truth)."""
        rows = self.store.query(query("record_stamps"))
        assert isinstance(rows, ox.QuerySolutions)
        prefix = self.layout.record_prefix
        return {
            row["record"].value[len(prefix) :]: stamp_of(row["digest"].value, row["modified"].value)
            for row in rows
            if row["record"].value.startswith(prefix)
        }

    def reconcile(self) -> int:
        """Re-index the records whose stamps differ from the store's, drop the vanished ones.

        Returns how many records were re-indexed or dropped (0 when the index was in step).
        Every record is re-indexed when the vocabularies changed since the index was built,
        and all of them when SQLite finds the file damaged on the way (it is rebuilt).
        """
        try:
            return self._reconcile()
        except sqlite3.DatabaseError as error:
            self.search.recreate(damage=str(error))
            return self._reconcile()

    def _reconcile(self) -> int:
        stored, indexed = self.stored_stamps(), self.search.stamps()
        digest = self.thesaurus.digest()
        if self.search.meta(VOCABULARIES) != digest:
            indexed = {}
            self.search.set_synonyms(self.thesaurus.synonyms())
        stale = [r for r, stamp in stored.items() if indexed.get(r) != stamp]
        vanished = [r for r in indexed if r not in stored]
        self.search.write([], dropped=vanished)
        for start in range(0, len(stale), BATCH):
            batch = stale[start : start + BATCH]
            self.search.write(self._entries(batch), dropped=batch)
        self.search.set_meta(VOCABULARIES, digest)
        return len(stale) + len(vanished)

    def _entries(self, record_ids: Iterable[str]) -> Iterable[Entry]:
        for record_id in record_ids:
            record = self.layout.record_iri(record_id)
            entry = read_entry(record_id, record, self.store.graph_triples(record), self.thesaurus)
            if entry is not None:
                yield entry

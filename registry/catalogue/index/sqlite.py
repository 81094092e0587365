"""The search index: SQLite (FTS5) beside the store, for search, facets, sorting and totals.

SPARQL over 100,000 records takes seconds to sort or count; this index answers in
milliseconds. The Oxigraph store stays the source of truth: the index is written in the
same write path as each record (``index_record`` / ``drop_record``), and on open it is
reconciled with the store by each record's stamp (digest and modification time), so a crash
between the two writes is repaired at the next start. A missing file or another schema
version is rebuilt from the store, and so is a damaged one (``PRAGMA quick_check`` at open,
and any SQLite "malformed" error while reconciling): it is only ever a copy.

``SearchIndex`` owns the file: a connection per thread, the one write transaction, the
aggregates cached per write generation, and the reads pages make. The tables and the rows
of one entry are in ``tables``, a search's question and its SQL in ``query``, the facet
postings in ``bitmaps``, what typed words match in ``text`` (its ``TextSearch``) and
``matching``, their order in ``ranking``.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from registry.catalogue.index.bitmaps import FacetBitmaps, positions
from registry.catalogue.index.entry import Entry
from registry.catalogue.index.query import SORTS, Hits, Query, range_hits
from registry.catalogue.index.ranking import Ranking
from registry.catalogue.index.tables import (
    SCHEMA,
    SCHEMA_VERSION,
    columns,
    delete_entry,
    insert_entry,
    spelled,
)
from registry.catalogue.index.text import TextSearch

DEEP_OFFSET = 10_000
"""Pages past this many results are sliced from a cached listing instead of an OFFSET."""
FOLLOW_LIMIT = 500
"""Writes of more records than this reload the facet bitmaps instead of updating them."""
SIDE_FILES = ("-wal", "-shm", "-journal")
"""SQLite's files beside the index's: removed with it, or a stale log would replay."""

log = logging.getLogger(__name__)


class SearchIndex:
    """One SQLite file, one connection per thread; writers take turns."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self.generation = 0
        """Bumped on every write; caches of aggregates are keyed by it."""
        self._cache: dict[str, tuple[int, Any]] = {}
        self._bitmaps: FacetBitmaps | None = None
        self._bitmaps_lock = threading.Lock()
        self.text = TextSearch(
            self._connection,
            lambda: self.generation,
            lambda: self.bitmaps().datasets.bit_count(),
        )
        self._spelled: set[tuple[str, str]] | None = None
        """The ``word`` table's rows, loaded at the first write (new words only are written)."""
        self.damage: str | None = None
        """Why the file found at open was rebuilt (None: it was sound, or absent)."""
        if not self._fresh():
            self.recreate()

    def _fresh(self) -> bool:
        """Whether the file exists, sound, with this schema version (else it is rebuilt)."""
        if not self.path.exists():
            return False
        try:
            connection = self._connection()
            row = connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            (verdict,) = connection.execute("PRAGMA quick_check(1)").fetchone()
        except sqlite3.DatabaseError as error:
            row, verdict = None, str(error)
        if verdict != "ok":
            self.damage = str(verdict)
            log.warning(
                "The search index %s is damaged (%s): rebuilt from the store.", self.path, verdict
            )
        if verdict != "ok" or row is None or row[0] != SCHEMA_VERSION:
            self.close()
            return False
        return True

    def _note_damage(self, damage: str) -> None:
        self.damage = damage
        log.warning("Search index %s damaged (%s): rebuilt from the store", self.path, damage)

    def recreate(self, damage: str | None = None) -> None:
        """Start an empty index in place of the file (and its logs); ``damage`` says why."""
        if damage is not None:
            self.damage = damage
            log.warning(
                "The search index %s is damaged (%s): rebuilt from the store.", self.path, damage
            )
        self.close()
        for suffix in ("", *SIDE_FILES):
            self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
        with self._connection() as connection:
            connection.executescript(SCHEMA)
            connection.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        self.generation += 1
        self._cache.clear()
        self._bitmaps = None
        self._spelled = None

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit: readers hold no snapshot between requests; writers say BEGIN.
            connection = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            self._local.connection = connection
            self._connections.append(connection)
        return connection

    # ------------------------------------------------------------------ writing

    def stamps(self) -> dict[str, str]:
        """Record id -> stamp of every indexed record."""
        return dict(self._connection().execute("SELECT record_id, stamp FROM entry"))

    def meta(self, key: str) -> str | None:
        row = self._connection().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._write_lock:
            self._connection().execute(
                "INSERT INTO meta VALUES (?, ?) ON CONFLICT DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def set_synonyms(self, synonyms: dict[str, list[tuple[str, str]]]) -> None:
        """Replace the labels that find each other (``Thesaurus.synonyms``)."""
        rows = [
            (label, json.dumps(labels, ensure_ascii=False)) for label, labels in synonyms.items()
        ]
        with self._write_lock:
            connection = self._connection()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("DELETE FROM synonym")
            connection.executemany("INSERT INTO synonym VALUES (?, ?)", rows)
            connection.execute("COMMIT")
            self.generation += 1

    def write(self, entries: Iterable[Entry], dropped: Iterable[str] = ()) -> None:
        """Replace the entries of these records and drop those ids, in one transaction."""
        entries = list(entries)
        with self._write_lock:
            connection = self._connection()
            if self._spelled is None:
                self._spelled = set(connection.execute("SELECT word, term FROM word"))
            # In entry order, each entry's sorted: a word spelled alike in two languages
            # keeps the term it was first written with, as when entries come one by one.
            new_words = {
                pair: None
                for entry in entries
                if entry.kind == "dataset"
                for pair in sorted(
                    pair for texts in columns(entry).values() for pair in spelled(texts)
                )
                if pair not in self._spelled
            }
            connection.execute("BEGIN IMMEDIATE")
            removed: list[tuple[int, list[tuple[str, str]]]] = []
            added: list[tuple[int, list[tuple[str, str]]]] = []
            try:
                for record_id in [*dropped, *(e.record_id for e in entries)]:
                    removed.extend(delete_entry(connection, record_id))
                for entry in entries:
                    if entry.kind == "dataset":
                        added.append((insert_entry(connection, entry), entry.facets))
                    else:
                        insert_entry(connection, entry)
                connection.executemany("INSERT OR IGNORE INTO word VALUES (?, ?)", new_words)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
            self._spelled |= new_words.keys()
            self.generation += 1
            self._follow(removed, added)

    def _follow(
        self,
        removed: list[tuple[int, list[tuple[str, str]]]],
        added: list[tuple[int, list[tuple[str, str]]]],
    ) -> None:
        """Apply a committed write to the bitmaps (a big batch just drops them: reloading
        is cheaper than thousands of big-integer updates)."""
        with self._bitmaps_lock:
            if self._bitmaps is None:
                return
            if len(removed) + len(added) > FOLLOW_LIMIT:
                self._bitmaps = None
                return
            # A copy, swapped in whole: a search reading the bitmaps meanwhile keeps the
            # ones it started with (its counts and hits agree, its loops see no new key).
            followed = self._bitmaps.copy()
            for rid, facets in removed:
                followed.remove(rid, facets)
            for rid, facets in added:
                followed.add(rid, facets)
            self._bitmaps = followed

    # ------------------------------------------------------------------ reading

    def cached(self, key: str, compute: Any) -> Any:
        """Return ``compute()`` computed once per index generation."""
        hit = self._cache.get(key)
        if hit is None or hit[0] != self.generation:
            hit = (self.generation, compute())
            self._cache[key] = hit
        return hit[1]

    def totals(self) -> list[tuple[str, str, int, int]]:
        """(facet, value, datasets, individuals) over the whole catalogue."""
        return self.cached(
            "totals",
            lambda: (
                self._connection()
                .execute("SELECT facet, value, datasets, individuals FROM total WHERE datasets > 0")
                .fetchall()
            ),
        )

    def summary(self) -> dict[str, int]:
        """Datasets, individuals and studies over the whole catalogue."""

        def compute() -> dict[str, int]:
            rows = self._connection().execute(
                "SELECT COUNT(*), SUM(individuals), SUM(json_extract(card, '$.numbers.studies')) "
                "FROM entry WHERE kind = 'dataset'"
            )
            datasets, individuals, studies = rows.fetchone()
            return {"datasets": datasets, "individuals": individuals or 0, "studies": studies or 0}

        return self.cached("summary", compute)

    def agents(self) -> dict[str, dict[str, Any]]:
        """Agent IRI -> its card (names, record id), for provider labels."""

        def compute() -> dict[str, dict[str, Any]]:
            rows = self._connection().execute("SELECT card FROM entry WHERE kind = 'agent'")
            cards = (json.loads(card) for (card,) in rows)
            return {card["topic"]: card for card in cards}

        return self.cached("agents", compute)

    def card(self, record_id: str) -> dict[str, Any] | None:
        row = (
            self._connection()
            .execute("SELECT card FROM entry WHERE record_id = ?", (record_id,))
            .fetchone()
        )
        return None if row is None else json.loads(row[0])

    def record_ids(self, kind: str, start: int, count: int) -> Iterator[str]:
        """Record ids of one kind, in indexing order (stable across requests, for sitemaps)."""
        return (record_id for record_id, _ in self.record_dates(kind, start, count))

    def record_dates(self, kind: str, start: int, count: int) -> Iterator[tuple[str, str]]:
        """``record_ids`` with when each record last changed (its ``dct:modified``, as the
        sitemap's ``<lastmod>`` gives it)."""
        rows = self._connection().execute(
            "SELECT record_id, modified FROM entry WHERE kind = ? ORDER BY rid LIMIT ? OFFSET ?",
            (kind, count, start),
        )
        return ((record_id, modified) for record_id, modified in rows)

    def bitmaps(self) -> FacetBitmaps:
        """The facet postings as bitmaps, loaded on first use and then kept by ``write``."""
        with self._bitmaps_lock:
            if self._bitmaps is None:
                self._bitmaps = FacetBitmaps.load(self._connection())
            return self._bitmaps

    def search(self, query: Query, size: int) -> Hits:
        """Return one page of the datasets matching ``query``, their number and facet counts.

        Unfiltered listings page through covering indexes. A filtered search intersects facet
        bitmaps (with the rids of ranges and text, from SQLite), counts facets on the result,
        and sorts only the hits by their cached ranks; only the page's cards are read.
        """
        connection = self._connection()
        offset = (query.page - 1) * size
        order = SORTS.get(query.sort, SORTS["newest"])
        if not query.filtered:
            counts: dict[str, dict[str, int]] = {}
            for facet, value, number, _ in self.totals():
                counts.setdefault(facet, {})[value] = number
            if offset < DEEP_OFFSET:
                rows = connection.execute(
                    f"SELECT e.rid FROM entry e WHERE e.kind = 'dataset' ORDER BY {order} "
                    "LIMIT ? OFFSET ?",
                    (size, offset),
                )
                rids = [rid for (rid,) in rows]
            else:  # stepping over tens of thousands of index rows costs more than a slice
                rids = self._listing(order)[offset : offset + size]
            return Hits(self.summary()["datasets"], self._cards(rids), counts)
        bitmaps = self.bitmaps()
        hits = bitmaps.matching(query.selected) & range_hits(connection, query)
        match = self.text.match(query.text)
        if match is None:
            page = self._in_order(hits, order)[offset : offset + size]
            return Hits(hits.bit_count(), self._cards(page), bitmaps.counts(hits))
        hits = match.hits(hits)
        corrected = dict(match.corrected)
        if query.sort != "relevance":
            page = self._in_order(hits, order)[offset : offset + size]
            cards = self._cards(page)
            counts = bitmaps.counts(hits)
            return Hits(hits.bit_count(), cards, counts, [], corrected, match.unmatched)
        newest = SORTS["newest"]
        ranking = Ranking(
            connection,
            match,
            self._listing(newest),
            self._ranks(newest),
            bitmaps.datasets,
            self.text.bits,
        )
        scored = ranking.page(hits, offset, size)
        cards = self._cards([rid for rid, _ in scored])
        scores = [score for _, score in scored]
        unmatched = match.unmatched
        return Hits(hits.bit_count(), cards, bitmaps.counts(hits), scores, corrected, unmatched)

    def without_each(self, query: Query) -> list[tuple[str, int]]:
        """(clause as typed, datasets found without it) for each clause of the text."""
        match = self.text.match(query.text)
        if match is None:
            return []
        bitmaps = self.bitmaps()
        hits = bitmaps.matching(query.selected) & range_hits(self._connection(), query)
        return [
            (clause.text, match.without(i).hits(hits).bit_count())
            for i, clause in enumerate(match.clauses)
        ]

    def _listing(self, order: str) -> list[int]:
        """Every dataset's rid in one sort order, read once per index generation."""

        def compute() -> list[int]:
            rows = self._connection().execute(
                f"SELECT e.rid FROM entry e WHERE e.kind = 'dataset' ORDER BY {order}"
            )
            return [rid for (rid,) in rows]

        return self.cached(f"listing {order}", compute)

    def _ranks(self, order: str) -> dict[int, int]:
        """Each dataset's position in one sort order, once per index generation: sorting a
        result is then a dictionary lookup per hit, not a query."""
        return self.cached(
            f"ranks {order}", lambda: {rid: i for i, rid in enumerate(self._listing(order))}
        )

    def _in_order(self, hits: int, order: str) -> list[int]:
        """The hits' rids in one sort order.

        The ranks are read from SQLite after the bitmaps: a record replaced meanwhile (a new
        rid) is in one and not the other. Its old rid has no card any more and is left out
        (this was a KeyError, a 500, under concurrent writes).
        """
        ranks = self._ranks(order)
        return sorted((rid for rid in positions(hits) if rid in ranks), key=ranks.__getitem__)

    def _cards(self, rids: list[int]) -> list[dict[str, Any]]:
        """The cards of these entries, in this order."""
        rows = self._connection().execute(
            "SELECT rid, card FROM entry WHERE rid IN (SELECT value FROM json_each(?))",
            (json.dumps(rids),),
        )
        cards = {rid: card for rid, card in rows}
        return [json.loads(cards[rid]) for rid in rids if rid in cards]

    def close(self) -> None:
        for connection in self._connections:
            connection.close()
        self._connections.clear()
        self._local = threading.local()

"""The ordered change log: every create, update and delete of a record, numbered 1, 2, 3, ...

``records`` numbers each write under its writers' lock and hands the log's graphs to the same
``write_graphs`` call as the record (``graphs``), conditional on the head it read
(``guard``), so an entry exists exactly when its write does: a refused or failed write
leaves no number behind, a process killed mid-write leaves neither, a write that lost a
race to another process writes nothing, and the next write takes the next number. Numbers
are therefore gap-free and in store order, and times never go backwards (``number`` keeps
them at or after the latest).

Readers (the feed, and the search index of other processes) use ``changes(after, limit)``
and ``latest()``: a point lookup per entry, whatever the size of the log.

In the store the log is two named graphs the registry owns:

- ``<log>``: one triple per entry, ``<log#N> cir:change "{...}"^^rdf:JSON``;
- ``<log>/latest``: ``<log> cir:lastEntry "{...}"^^rdf:JSON``, replaced by each write.

Each entry is one JSON literal, like a version's description is one N-Triples literal: its
topic IRI appears in no triple, so the log adds nothing to what SPARQL or the pages find
about a dataset in the union of the graphs, only opaque ``cir:change`` literals.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice

import pyoxigraph as ox

from registry.rdf.namespaces import CIR
from registry.store.interface import Guard, Store

KINDS = ("create", "update", "delete")
ENTRY = str(CIR.change)
LATEST = str(CIR.lastEntry)
JSON = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON")
REBUILD_BATCH = 10_000
"""Entries per transaction when the whole log is rewritten (``rebuild``)."""

Graphs = dict[str, list[ox.Triple]]


@dataclass(frozen=True)
class Event:
    """A record write as the log will tell it, before the log numbers it."""

    kind: str
    """``create``, ``update`` or ``delete`` (a withdrawal)."""
    topic: str
    """The IRI of the dataset, agent or catalogue the record describes."""
    record_id: str
    version: int
    """The version written; for a withdrawal, the version withdrawn."""
    time: datetime


@dataclass(frozen=True)
class Change:
    """One entry of the log."""

    sequence: int
    kind: str
    topic: str
    record_id: str
    version: int
    time: datetime

    def to_json(self) -> str:
        return json.dumps(
            {
                "sequence": self.sequence,
                "kind": self.kind,
                "topic": self.topic,
                "record": self.record_id,
                "version": self.version,
                "time": timestamp(self.time),
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> Change:
        data = json.loads(text)
        return cls(
            data["sequence"],
            data["kind"],
            data["topic"],
            data["record"],
            data["version"],
            datetime.fromisoformat(data["time"]),
        )


EMPTY = Change(0, "", "", "", 0, datetime.min.replace(tzinfo=UTC))
"""What ``<log>/latest`` holds while the log has no entry."""


def timestamp(moment: datetime) -> str:
    """An ``xsd:dateTime`` in UTC with microseconds (``2026-01-31T12:00:00.000001Z``)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class ChangeLog:
    """The change log of one store, kept in the named graph ``graph`` (and ``graph/latest``)."""

    def __init__(self, store: Store, graph: str) -> None:
        self._store = store
        self.graph = graph
        self.latest_graph = graph + "/latest"

    def entry_iri(self, sequence: int) -> str:
        return f"{self.graph}#{sequence}"

    def exists(self) -> bool:
        """Whether this store has a log (a store written before the log had none)."""
        return self.latest_change() is not None

    def latest_change(self) -> Change | None:
        """The last entry written, or None for a store without a log."""
        found = self._store.objects(self.graph, LATEST, self.latest_graph)
        return Change.from_json(found[0].value) if found else None  # type: ignore[union-attr]

    def latest(self) -> int:
        """The sequence number of the last entry (0 when the log is empty)."""
        change = self.latest_change()
        return change.sequence if change else 0

    def changes(self, after: int, limit: int) -> list[Change]:
        """Return the entries numbered after ``after``, at most ``limit`` of them, in order."""
        if after < 0 or limit < 1:
            raise ValueError(f"changes(after={after}, limit={limit}): after >= 0, limit >= 1")
        last = min(after + limit, self.latest())
        return [self._read(sequence) for sequence in range(after + 1, last + 1)]

    def _read(self, sequence: int) -> Change:
        found = self._store.objects(self.entry_iri(sequence), ENTRY, self.graph)
        if not found:  # the write that numbered it wrote it: the store lost data
            raise LookupError(f"The change log has no entry {sequence} below its latest.")
        return Change.from_json(found[0].value)  # type: ignore[union-attr]

    def number(self, event: Event, latest: Change | None) -> Change:
        """The entry the next write logs: numbered after ``latest`` (the head the writer
        read), timed no earlier.

        Write ``graphs([change])`` in the write's own transaction, conditional on
        ``guard(latest, change)``: the number is taken only if that transaction commits,
        and only if no other write took it first.
        """
        if event.kind not in KINDS:
            raise ValueError(f"unknown change kind {event.kind!r}")
        latest = latest or EMPTY
        time = max(latest.time, event.time)
        return Change(
            latest.sequence + 1, event.kind, event.topic, event.record_id, event.version, time
        )

    def guard(self, latest: Change | None, change: Change) -> Guard:
        """The condition of the write that logs ``change``: the head is still ``latest``
        (none: the log is empty), and becomes ``change``."""
        expected = self._latest(latest).object if latest else None
        return Guard(self.latest_graph, self.graph, LATEST, expected, self._latest(change).object)

    def graphs(self, changes: list[Change]) -> tuple[Graphs, Graphs]:
        """The graphs to replace (the latest entry) and append to (the entries) when
        ``changes`` (consecutive, in order) are written."""
        entries = [self._triple(change) for change in changes]
        return {self.latest_graph: [self._latest(changes[-1])]}, {self.graph: entries}

    def rebuild(self, changes: Iterable[Change]) -> int:
        """Replace the whole log by ``changes`` (numbered 1, 2, ...); return how many.

        For a store written before the log existed (see ``records.changes.backfill``): the
        entries go in batches, the first one dropping any earlier attempt, and the latest
        entry last, so a rebuild interrupted by a crash leaves no log and is redone whole.
        """
        iterator: Iterator[Change] = iter(changes)
        written, last = 0, EMPTY
        self._store.write_graphs({self.graph: [], self.latest_graph: []}, {})
        while batch := list(islice(iterator, REBUILD_BATCH)):
            self._store.write_graphs({}, {self.graph: [self._triple(c) for c in batch]})
            written, last = written + len(batch), batch[-1]
        self._store.write_graphs({self.latest_graph: [self._latest(last)]}, {})
        return written

    def _triple(self, change: Change) -> ox.Triple:
        return ox.Triple(
            ox.NamedNode(self.entry_iri(change.sequence)),
            ox.NamedNode(ENTRY),
            ox.Literal(change.to_json(), datatype=JSON),
        )

    def _latest(self, change: Change) -> ox.Triple:
        literal = ox.Literal(change.to_json(), datatype=JSON)
        return ox.Triple(ox.NamedNode(self.graph), ox.NamedNode(LATEST), literal)

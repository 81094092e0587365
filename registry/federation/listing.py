"""The harvest listing: every dataset record in one stable order, and the walks harvesters
take through it (the paged catalogue, OAI-PMH lists).

**Slots.** A dataset record keeps one slot for life, its place in the order of (first
issued, record id). ``dct:issued`` is written once: a replacement keeps it, the tombstone of
a withdrawal keeps it and so does the record coming back. So a slot never moves, and a
withdrawn record keeps its slot, empty, so the pages after it do not shift. A new record is
issued after every record before it and takes a slot at the end.

**Walks.** A walk is one harvester's pass, from the page it starts on: it is fixed by the
moment ``as_of`` its first page was served (carried in every link and resumption token) and
lists the records issued before that moment. Records issued later wait for the next walk, so
no slot is added during a walk and page N stays page N: nothing shifts, nothing repeats
(ckanext-dcat loops on a repeated page; piveau and CKAN delete what a walk misses). ``as_of``
is a whole second, ``SETTLE`` before the request: a write stamps its time before it waits
for the write lock, so a record committed a moment late still has a time before any walk
that could have missed it.

With a window (``modified_since``; OAI-PMH ``from``/``until``) a walk lists the records
whose last change *before as_of* falls in it, so a record changed during the walk neither
enters nor leaves it. That last change is the record's ``dct:modified`` unless the record
changed after as_of; then it is read from the record's history (rare: only records changed
during a walk).

Pages show each record as it is when served: replaced during a walk, its new version;
withdrawn, no description (OAI-PMH: a deleted header).

The listing is kept in memory (tens of bytes per record), read from the store on first use
and then kept in step by ``records_written``, which ``runtime`` subscribes to the records'
commits.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, insort
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, FOAF, PROV

from registry.errors import RegistryError
from registry.federation.documents import agent_description
from registry.queries import query
from registry.rdf.namespaces import CIR
from registry.records.facade import Announcement
from registry.records.layout import Layout, history_iri, is_record_id, record_facts
from registry.store.interface import Store, Term

SETTLE = timedelta(seconds=2)
"""How long before a request a walk's ``as_of`` is: longer than a write waits for the lock."""
WALKS_CACHED = 32
"""Windowed walks whose members are kept (a walk's members never change)."""
Key = tuple[datetime, str]


def moment(text: str, name: str) -> datetime:
    """Parse an ISO 8601 date or date-time (UTC when it names no offset), or raise a 400."""
    try:
        value = datetime.fromisoformat(text)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    except (ValueError, OverflowError):
        raise RegistryError(
            f"{name}={text!r} is not an ISO 8601 date or date-time "
            "(e.g. 2026-01-31 or 2026-01-31T12:00:00Z)."
        ) from None


def stamp(value: datetime) -> str:
    """A UTC moment as ``2026-01-31T12:00:00Z`` (the form links and OAI-PMH carry)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def literal_time(term: Term | None) -> datetime | None:
    """The UTC moment an ``xsd:dateTime`` literal names (None for anything else)."""
    if not isinstance(term, ox.Literal):
        return None
    try:
        value = datetime.fromisoformat(term.value)
    except ValueError:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


@dataclass(frozen=True)
class Slot:
    """A dataset record's place in the listing and what it was when last written."""

    record_id: str
    record: str
    topic: str
    issued: datetime
    modified: datetime
    version: int
    withdrawn: bool

    @property
    def key(self) -> Key:
        return (self.issued, self.record_id)


TOPIC, ISSUED, MODIFIED = str(FOAF.primaryTopic), str(DCTERMS.issued), str(DCTERMS.modified)
VERSION, OWNER, WITHDRAWN = str(CIR.versionNumber), str(PROV.wasAttributedTo), str(CIR.withdrawn)
PREDICATES = (TOPIC, ISSUED, MODIFIED, VERSION, OWNER, WITHDRAWN)
"""What the listing reads of a record's own statements (the columns of
``listing_records.rq`` after ``?record``, in this order)."""
Columns = tuple[Term | None, ...]


def columns_of(facts: Mapping[str, Term]) -> Columns:
    """A record's own statements (predicate -> object) as the listing reads them."""
    return tuple(facts.get(predicate) for predicate in PREDICATES)


def slot_from(record_id: str, record: str, columns: Columns) -> Slot | None:
    """The slot of a dataset record; None for an agent's record (attributed to its own
    topic) or statements that are not a catalogue record."""
    topic, issued_at, modified_at, version, owner, withdrawn = columns
    issued, modified = literal_time(issued_at), literal_time(modified_at)
    if not isinstance(topic, ox.NamedNode) or issued is None or modified is None:
        return None
    if owner == topic:
        return None
    number = int(version.value) if isinstance(version, ox.Literal) else 0
    return Slot(record_id, record, topic.value, issued, modified, number, withdrawn is not None)


@dataclass(frozen=True)
class Window:
    """One walk: the records issued before ``as_of`` whose last change before ``as_of`` is
    at or after ``since`` and at or before ``until`` (either may be open)."""

    as_of: datetime
    since: datetime | None = None
    until: datetime | None = None

    @property
    def windowed(self) -> bool:
        return self.since is not None or self.until is not None

    def holds(self, changed: datetime | None) -> bool:
        """Whether a record last changed (before as_of) at ``changed`` is in the walk."""
        return (
            changed is not None
            and (self.since is None or changed >= self.since)
            and (self.until is None or changed <= self.until)
        )


def settled(now: datetime | None = None) -> datetime:
    """The latest ``as_of`` a walk may start from: a whole second, ``SETTLE`` ago."""
    now = (now or datetime.now(UTC)) - SETTLE
    return now.replace(microsecond=0)


class Listing:
    """The dataset records in slot order, shared by the web process's threads."""

    def __init__(self, store: Store, layout: Layout) -> None:
        self.store = store
        self.layout = layout
        self._lock = threading.Lock()
        self._slots: dict[str, Slot] | None = None
        self._keys: list[Key] = []
        self._withdrawn: list[Key] = []
        self._latest: datetime | None = None
        self._agents: dict[str, list[ox.Triple] | None] = {}
        """Registered agent IRI -> its published description, read when first cited."""
        self._agent_writes = 0
        self._walks: OrderedDict[Window, list[str]] = OrderedDict()

    def window(
        self,
        as_of: datetime | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        now: datetime | None = None,
    ) -> Window:
        """The walk starting now (``as_of`` None) or continuing from ``as_of``; a later
        ``as_of`` than a walk may have is brought back to the latest it may."""
        latest = settled(now)
        return Window(latest if as_of is None or as_of > latest else as_of, since, until)

    def records_written(self, written: list[Announcement]) -> None:
        """Take in records' new current graphs (subscribed to the records' commits)."""
        with self._lock:
            if self._slots is None:  # the first read loads them from the store
                return
            for record_id, triples in written:
                record = self.layout.record_iri(record_id)
                self._take(record_id, record, columns_of(record_facts(triples, record)))

    def members(self, window: Window, start: int, stop: int) -> tuple[list[Slot], int]:
        """The walk's slots ``start`` to ``stop`` (withdrawn ones included) and its length."""
        with self._lock:
            slots = self._loaded()
            if window.windowed:
                ids = self._windowed(window)
                return [slots[i] for i in ids[start:stop]], len(ids)
            length = bisect_left(self._keys, (window.as_of, ""))
            return [slots[key[1]] for key in self._keys[start : min(stop, length)]], length

    def current(self, window: Window) -> int:
        """How many of the walk's records are not withdrawn."""
        with self._lock:
            slots = self._loaded()
            if window.windowed:
                return sum(not slots[i].withdrawn for i in self._windowed(window))
            bound = (window.as_of, "")
            return bisect_left(self._keys, bound) - bisect_left(self._withdrawn, bound)

    def warm(self) -> None:
        """Read the listing from the store now (about 1.5 s of CPU per 10,000 records), so
        that the first harvester does not wait for it."""
        with self._lock:
            self._loaded()

    def slot(self, record_id: str) -> Slot | None:
        with self._lock:
            return self._loaded().get(record_id)

    @property
    def latest_change(self) -> datetime | None:
        """When a record (a dataset's or an agent's) last changed (None: there is none):
        a page shows the agents its datasets cite, so their changes change it too."""
        with self._lock:
            self._loaded()
            return self._latest

    @property
    def earliest_issue(self) -> datetime | None:
        """When the first dataset record still listed was issued."""
        with self._lock:
            self._loaded()
            return self._keys[0][0] if self._keys else None

    def _loaded(self) -> dict[str, Slot]:
        """The slots, read from the store on first use (callers hold the lock, so a commit
        announced meanwhile waits and is applied after)."""
        if self._slots is None:
            self._slots = {}
            prefix = self.layout.record_prefix
            for record, *columns in self.store.query(query("listing_records")):  # type: ignore[union-attr]
                iri = record.value
                record_id = iri[len(prefix) :] if iri.startswith(prefix) else ""
                if is_record_id(record_id):
                    self._take(record_id, iri, tuple(columns))
        return self._slots

    def _take(self, record_id: str, record: str, columns: Columns) -> None:
        """Note a record's last change, and place it if it is a dataset's (an agent's
        description is read again when next cited)."""
        modified = literal_time(columns[2])
        if modified is not None and (self._latest is None or modified > self._latest):
            self._latest = modified
        slot = slot_from(record_id, record, columns)
        if slot is not None:
            self._put(slot)
            return
        topic, owner = columns[0], columns[4]
        if isinstance(topic, ox.NamedNode) and topic == owner:
            self._agents[topic.value] = None
            self._agent_writes += 1

    def cited_agents(self, triples: list[ox.Triple]) -> list[ox.Triple]:
        """The registered agents ``triples`` cite without describing them, as published
        and without their records (``documents.agent_description``), kept in memory until
        they change: every page of a walk cites the same few providers and access bodies.
        """
        with self._lock:
            self._loaded()
            agents, writes = self._agents, self._agent_writes
        cited = {
            t.object.value
            for t in triples
            if isinstance(t.object, ox.NamedNode) and t.object.value in agents
        }
        cited -= {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
        found: list[ox.Triple] = []
        for iri in sorted(cited):
            described = agents.get(iri)
            if described is None:
                described = agent_description(self.store, self.layout, iri) or []
                with self._lock:  # kept unless an agent changed while it was read
                    if self._agent_writes == writes and iri in self._agents:
                        self._agents[iri] = described
            found.extend(described)
        return found

    def _put(self, slot: Slot) -> None:
        assert self._slots is not None
        old = self._slots.get(slot.record_id)
        if old is not None:
            self._keys.pop(bisect_left(self._keys, old.key))
            if old.withdrawn:
                self._withdrawn.pop(bisect_left(self._withdrawn, old.key))
        elif any(walk.as_of > slot.issued for walk in self._walks):
            self._walks.clear()  # a record committed later than SETTLE allows: recount
        self._slots[slot.record_id] = slot
        insort(self._keys, slot.key)
        if slot.withdrawn:
            insort(self._withdrawn, slot.key)

    def _windowed(self, window: Window) -> list[str]:
        """The record ids of a windowed walk, in slot order (kept: they never change)."""
        ids = self._walks.get(window)
        if ids is None:
            assert self._slots is not None
            length = bisect_left(self._keys, (window.as_of, ""))
            ids = [
                record_id
                for _, record_id in self._keys[:length]
                if window.holds(self._changed_before(self._slots[record_id], window.as_of))
            ]
            self._walks[window] = ids
            if len(self._walks) > WALKS_CACHED:
                self._walks.popitem(last=False)
        else:
            self._walks.move_to_end(window)
        return ids

    def _changed_before(self, slot: Slot, as_of: datetime) -> datetime | None:
        """When the record last changed before ``as_of``: its dct:modified, or for a record
        changed since, the latest earlier event of its history."""
        if slot.modified < as_of:
            return slot.modified
        events = self.store.query(
            query("record_history"), {"history": ox.NamedNode(history_iri(slot.record))}
        )
        times = [literal_time(row["time"]) for row in events]  # type: ignore[union-attr]
        earlier = [t.replace(microsecond=0) for t in times if t is not None and t < as_of]
        return max(earlier, default=None)

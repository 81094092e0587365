"""``Records``: what every write use case works with, built by ``runtime`` from explicit
collaborators (the store, the profile's shapes, the layout of IRIs, the audit log).

The write side does not know that a search index, a feed or a replica exists: ``commit``
numbers each write in the change log, in the store's transaction, and announces each record
it wrote to the listeners subscribed here (``runtime`` subscribes the search index's sync),
after that transaction, in store order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field

import pyoxigraph as ox

from registry.profile.validation import Shapes
from registry.rdf.limits import DescriptionLimits
from registry.records.audit import AuditLog
from registry.records.layout import Layout
from registry.store.changelog import ChangeLog
from registry.store.interface import Store

Announcement = tuple[str, list[ox.Triple]]
"""A record id and its new current graph (a tombstone has no dataset)."""
CommitListener = Callable[[list[Announcement]], None]
"""Called with records just written, in store order (one, or a bulk load's batch)."""


@dataclass
class Records:
    """The write side's collaborators; every function of ``registry.records`` takes it."""

    store: Store
    shapes: Shapes
    layout: Layout
    audit: AuditLog
    changes: ChangeLog
    """The ordered change log, written in each record's transaction (``write.commit``)."""
    limits: DescriptionLimits = field(default_factory=DescriptionLimits)
    """What one submitted description may weigh (from the settings)."""
    writing: AbstractContextManager[object] = field(default_factory=threading.Lock)
    """Held while a record is read, checked and written, so preconditions cannot race: the
    store's (``Store.writing``), shared by the processes writing a remote store."""
    listeners: list[CommitListener] = field(default_factory=list)
    _held: list[Announcement] = field(default_factory=list, init=False, repr=False)
    _holder: int | None = field(default=None, init=False, repr=False)
    """The thread whose announcements are held (``announcing_together``)."""
    _announcing: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def subscribe(self, listener: CommitListener) -> None:
        """Have ``listener`` told of every record written from now on."""
        self.listeners.append(listener)

    def announce(self, record_id: str, triples: list[ox.Triple]) -> None:
        """Tell the listeners of a record just written (later, inside this thread's
        ``announcing_together``)."""
        with self._announcing:
            self._held.append((record_id, triples))
            if self._holder != threading.get_ident():
                self._deliver()

    @contextmanager
    def announcing_together(self) -> Iterator[None]:
        """Hold this thread's announcements while the block runs and deliver them at its
        end, one call per listener: a bulk load's batch costs the search index one SQLite
        transaction instead of one a record.

        Another thread's write delivers what is held before its own, so listeners still hear
        every write in store order. A crash meanwhile leaves the listeners behind the store,
        as one between a record's transaction and its announcement does: their
        reconciliation heals both (the search index's when the registry opens). While
        another thread holds, this block holds nothing.
        """
        with self._announcing:
            holding = self._holder is None
            if holding:
                self._holder = threading.get_ident()
        try:
            yield
        finally:
            if holding:
                with self._announcing:
                    self._holder = None
                    self._deliver()

    def _deliver(self) -> None:
        announced, self._held = self._held, []
        if announced:
            for listener in self.listeners:
                listener(announced)

    @property
    def catalog_iri(self) -> str:
        return self.layout.catalog_iri

    def record_iri(self, record_id: str) -> str:
        return self.layout.record_iri(record_id)

"""``Records``: what every write use case works with, built by ``runtime`` from explicit
collaborators (the store, the profile's shapes, the layout of IRIs, the audit log).

The write side does not know that a search index, a feed or a replica exists: ``commit``
numbers each write in the change log, in the store's transaction, and announces each record
it wrote to the listeners subscribed here (``runtime`` subscribes the search index's sync),
after that transaction, in store order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import pyoxigraph as ox

from registry.profile.validation import Shapes
from registry.rdf.limits import DescriptionLimits
from registry.records.audit import AuditLog
from registry.records.layout import Layout
from registry.store.changelog import ChangeLog
from registry.store.interface import Store

CommitListener = Callable[[str, list[ox.Triple]], None]
"""Called with a record id and its new current graph (a tombstone has no dataset)."""


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

    def subscribe(self, listener: CommitListener) -> None:
        """Have ``listener`` told of every record written from now on."""
        self.listeners.append(listener)

    def announce(self, record_id: str, triples: list[ox.Triple]) -> None:
        for listener in self.listeners:
            listener(record_id, triples)

    @property
    def catalog_iri(self) -> str:
        return self.layout.catalog_iri

    def record_iri(self, record_id: str) -> str:
        return self.layout.record_iri(record_id)

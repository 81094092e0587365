"""Following the change log: the writes of other processes reach this one's listeners.

Each web process keeps its own search index (and listing) and hears of its own writes from
``write.commit``; it learns of the writes other processes made to a shared store by reading
the ordered change log from the last entry it applied, every ``interval`` seconds: each
changed record's current graph is read from the store and announced to the listeners as
its own write would be. Applying an entry twice is harmless (a listener takes a record's
current graph, whatever it held before), so a process starts at the head it read before
its index reconciled, and a process's own writes are simply heard a second time.

``lag()`` bounds how stale this process's view may be: the seconds since the follower last
saw itself in step with the head of the log (below ``interval`` when all is well; growing
while the store is down). Each followed change's arrival time (from the writer's clock to
its application here) goes to the ``registry_change_arrival_seconds`` histogram.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime

from registry import metrics
from registry.errors import RegistryError
from registry.records.facade import Records

BATCH = 500
"""Entries read from the log at once; a longer backlog is read in several batches."""

log = logging.getLogger(__name__)


class ChangeFollower(threading.Thread):
    """Replays the change log's new entries to ``records``' listeners, in log order."""

    def __init__(self, records: Records, position: int, interval: float) -> None:
        super().__init__(name="change-follower", daemon=True)
        self.records = records
        self.position = position
        """The last entry applied (this process had every write up to it at start)."""
        self.interval = interval
        self._in_step_at = time.monotonic()
        self._stopping = threading.Event()

    def run(self) -> None:
        failing = False
        while not self._stopping.wait(self.interval):
            try:
                self.catch_up()
            except (RegistryError, OSError, LookupError) as error:  # the store is down: retry
                if not failing:  # once, not every look
                    log.warning("Following the change log failed (%s); retrying.", error)
                failing = True
                continue
            if failing:
                log.info("Following the change log again, at entry %d.", self.position)
            failing = False

    def catch_up(self) -> int:
        """Apply every entry written since the last one applied; return how many."""
        applied = 0
        while True:
            latest = self.records.changes.latest()
            if latest <= self.position:
                self._in_step_at = time.monotonic()
                return applied
            changes = self.records.changes.changes(self.position, BATCH)
            # One search-index transaction for them; the position moves once they were
            # delivered (a failure applies them again: indexing a record twice is harmless).
            with self.records.announcing_together():
                for change in changes:
                    record_iri = self.records.layout.record_iri(change.record_id)
                    triples = self.records.store.graph_triples(record_iri)
                    self.records.announce(change.record_id, triples)
                    arrival = (datetime.now(UTC) - change.time).total_seconds()
                    metrics.CHANGE_ARRIVAL_SECONDS.observe(max(0.0, arrival))
            self.position = changes[-1].sequence
            applied += len(changes)

    def lag(self) -> float | None:
        """Seconds since this process last knew it had applied every entry of the log; None
        while it does not follow the log (a command, a test's app: nothing to measure)."""
        if not self.is_alive():
            return None
        return max(0.0, time.monotonic() - self._in_step_at)

    def stop(self) -> None:
        self._stopping.set()
        if self.is_alive():
            self.join(timeout=self.interval + 5)

"""Read-only views of the store: for the SPARQL worker processes, and for long reads.

The embedded store cannot stop a running query, so public queries run in worker processes
that can be killed. A second process must not open the live store while this one writes
it (undefined behaviour in RocksDB), so the workers read checkpoints: consistent copies
made of hard links, refreshed after writes and deleted once no worker reads them.

A long read in this process (the dump) opens a checkpoint of its own
(``EmbeddedStore.consistent``), so it sees one moment of the store however many writes
happen while it reads.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Protocol


class Checkpointed(Protocol):
    """A store that can copy itself (the embedded one)."""

    @property
    def generation(self) -> int: ...

    def snapshot(self, target: Path) -> int: ...


class Snapshots:
    """The current checkpoint of one store, refreshed on demand at most every ``refresh`` s."""

    def __init__(self, store: Checkpointed, folder: Path, refresh: float) -> None:
        self._store = store
        self._folder = folder
        self._refresh = refresh
        self._lock = threading.Lock()
        self._current: Path | None = None
        self._generation = -1
        self._taken_at = 0.0
        self._serial = 0
        self._taken: set[Path] = set()
        # Checkpoints of an earlier run are never read again.
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    def current(self) -> str:
        """Return the folder of an up-to-date checkpoint, taking one if the store changed.

        Under constant writes a checkpoint is taken at most every ``refresh`` seconds; until
        then queries read the previous one.
        """
        with self._lock:
            stale = self._generation != self._store.generation
            due = time.monotonic() - self._taken_at >= self._refresh
            if self._current is None or (stale and due):
                self._serial += 1
                target = self._folder / str(self._serial)
                self._generation = self._store.snapshot(target)
                self._taken_at = time.monotonic()
                self._current = target
                self._taken.add(target)
            return str(self._current)

    def prune(self, in_use: set[str]) -> None:
        """Delete the checkpoints that are neither current nor open in a worker."""
        with self._lock:
            keep = {Path(folder) for folder in in_use} | {self._current}
            for folder in self._taken - keep:
                shutil.rmtree(folder, ignore_errors=True)
            self._taken &= keep

    def close(self) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)

"""Read-only views of the store: for the SPARQL worker processes, and for long reads.

The embedded store cannot stop a running query, so public queries run in worker processes
that can be killed. A second process must not open the live store while this one writes
it (undefined behaviour in RocksDB), so the workers read checkpoints: consistent copies
made of hard links, refreshed after writes and deleted once no worker reads them.

A long read in this process (the dump) opens a checkpoint of its own (``checkpoint``), so
it sees one moment of the store however many writes happen while it reads.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from registry.store.oxigraph import OxigraphStore


class Snapshots:
    """The current checkpoint of one store, refreshed on demand at most every ``refresh`` s."""

    def __init__(self, store: OxigraphStore, folder: Path, refresh: float) -> None:
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

    def current(self) -> Path:
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
            return self._current

    def prune(self, in_use: set[Path]) -> None:
        """Delete the checkpoints that are neither current nor open in a worker."""
        with self._lock:
            keep = in_use | {self._current}
            for folder in self._taken - keep:
                shutil.rmtree(folder, ignore_errors=True)
            self._taken &= keep

    def close(self) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)


@contextmanager
def checkpoint(store: OxigraphStore, folder: Path) -> Iterator[OxigraphStore]:
    """A consistent read-only copy of ``store``, open while the block runs, then deleted.

    Taking it holds the store's write lock for the tens of milliseconds a RocksDB
    checkpoint takes, so writers pause that long, not for the whole read. ``folder`` must
    be on the store's file system (the copy is made of hard links).
    """
    folder.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="checkpoint-", dir=folder))
    try:
        store.snapshot(scratch / "store")
        copy = OxigraphStore(scratch / "store", read_only=True)
        try:
            yield copy
        finally:
            copy.close()
            del copy
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

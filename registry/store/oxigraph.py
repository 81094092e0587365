"""The embedded store: pyoxigraph's on-disk ``Store`` in this process, one named graph per
record, each write one transaction.

This is the only module that opens pyoxigraph's ``Store`` on the store's folder (the SPARQL
workers open its checkpoints); ``remote.RemoteStore`` is the same interface
(``interface.Store``) over HTTP. Only one process may open the folder.
"""

from __future__ import annotations

import gc
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyoxigraph import Store

from registry.errors import StorageUnavailable, StoreUnavailable, WriteRaced
from registry.rdf.namespaces import PREFIXES
from registry.store.interface import (
    Graphs,
    Guard,
    QueryResult,
    Term,
    checked_update_text,
    guard_holds,
    update_text,
    with_values,
)
from registry.store.snapshots import Snapshots

REOPEN_ATTEMPTS = 20
"""Tries to reopen the store after a failed write (readers may hold it for a moment)."""


class Reopening:
    """Stands for the store while it is reopened after a failed write: readers get a 503."""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        raise self.unavailable()

    def __len__(self) -> int:  # len() looks on the type, past __getattr__
        raise self.unavailable()

    @staticmethod
    def unavailable() -> StorageUnavailable:
        return StorageUnavailable(
            "The store is being reopened after a storage failure; try again in a moment.",
            retry_after=5,
        )


class EmbeddedStore:
    """An embedded, on-disk Oxigraph store shared by all threads of one process."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        """Open (or create) the store in the folder ``path``; ``read_only`` opens a
        checkpoint (``snapshot``), which no process writes, for reading only."""
        self.path = path
        self.location = str(path)
        self.read_only = read_only
        if read_only:
            self._store = Store.read_only(str(path))
        else:
            path.mkdir(parents=True, exist_ok=True)
            self._store = Store(str(path))
        # pyoxigraph 0.5 does not detect every write-write conflict between concurrent
        # transactions, so writers take turns; readers never wait for this lock.
        self._write_lock = threading.Lock()
        self.writing = threading.Lock()
        self._generation = 0
        self._failed = False
        """A write failed (a full disk, say): RocksDB then refuses every write until the
        store is reopened, which the next write does, once there is room again."""

    @property
    def generation(self) -> int:
        """How many writes this process has made: a snapshot of an older generation is stale."""
        return self._generation

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the write lock around one write; reopen the store first if a write failed,
        and count the write (``generation``) once it is done.

        Writers reach the store as ``self._store``, never as a local variable: a failed
        write's traceback keeps its frames, and a frame holding the store would keep it
        open (and locked) however long the error is kept (a log handler, say)."""
        with self._write_lock:
            if self._failed:
                self._reopen()
            try:
                yield
            except OSError:
                self._failed = True
                raise
            self._generation += 1

    def _reopen(self) -> None:
        """Close and open the store again (under the write lock); readers meanwhile get a
        503. Fails with ``StorageUnavailable`` while readers still hold the old one."""
        self._store = Reopening()  # type: ignore[assignment]
        for _ in range(REOPEN_ATTEMPTS):
            gc.collect()  # the last reference to the old store: RocksDB releases its lock
            try:
                self._store = Store(str(self.path))
            except OSError:
                time.sleep(0.1)
                continue
            self._failed = False
            return
        raise StorageUnavailable(
            "The store could not be reopened after a storage failure; try again later.",
            retry_after=30,
        )

    def snapshot(self, target: Path) -> int:
        """Write a consistent read-only copy of the store into the new folder ``target``.

        A RocksDB checkpoint: the data files are hard links, so it costs tens of
        milliseconds, not a copy. Other processes may open it with ``Store.read_only``, which
        is undefined behaviour on the live store while this process writes. Returns the
        generation the copy holds.
        """
        with self._write_lock:
            self._store.backup(str(target))
            return self._generation

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Replace the content of named graph ``graph`` in one transaction (one SPARQL
        Update: a reader never sees the graph missing)."""
        self.write_graphs({graph: triples}, {})

    def write_graphs(self, replace: Graphs, append: Graphs, guard: Guard | None = None) -> None:
        """Replace some named graphs and add triples to others, all in one transaction.

        A record's new version, its current graph and its history are written together, so
        a process killed at any moment leaves either all of them or none. With a ``guard``
        the write goes ahead only if the guard holds: RocksDB lets one process open the
        folder and every write here holds the write lock, so the guard read under the lock
        still holds when the update runs, and the update need not be conditional
        (``interface.checked_update_text``, a third of the cost of ``update_text``'s).
        """
        with self._writing():
            if guard is None:
                self._store.update(update_text(replace, append))
                return
            if not guard_holds(self, guard):
                raise WriteRaced("Another writer changed the store first; nothing was written.")
            self._store.update(checked_update_text(replace, append, guard))

    def load_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Replace a large, registry-owned graph with pyoxigraph's bulk loader.

        Not one transaction (the bulk loader is fast because it is not): use it only for
        graphs the registry rebuilds itself from its own files, never for a record.
        """
        name = ox.NamedNode(graph)
        with self._writing():
            self._store.remove_graph(name)
            quads = (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
            self._store.bulk_extend(quads)

    def trusted_bulk_load(self, data: bytes, format: ox.RdfFormat = ox.RdfFormat.TRIG) -> None:
        """Add a TriG or N-Quads document with pyoxigraph's bulk loader: no transaction, no
        check.

        Only for input known to be valid by construction (benchmarks building large stores
        from generator output); every other write goes through ``records.commit``.
        """
        with self._writing():
            self._store.bulk_load(data, format=format)

    def contains(self, triple: ox.Triple, graph: str) -> bool:
        """Whether ``graph`` holds ``triple``."""
        quad = ox.Quad(triple.subject, triple.predicate, triple.object, ox.NamedNode(graph))
        return quad in self._store

    def graph_triples(self, graph: str) -> list[ox.Triple]:
        """Return the triples of one named graph."""
        return [
            quad.triple
            for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        ]

    def objects(self, subject: str, predicate: str, graph: str) -> list[Term]:
        """Return the objects of ``subject predicate ?o`` in ``graph`` (one index lookup)."""
        quads = self._store.quads_for_pattern(
            ox.NamedNode(subject), ox.NamedNode(predicate), None, ox.NamedNode(graph)
        )
        return [quad.object for quad in quads]

    def subject_triples(self, subject: str, graph: str) -> list[ox.Triple]:
        """Return the triples of one named graph about one subject (a record's own
        statements, say, without reading the description beside them)."""
        pattern = self._store.quads_for_pattern(
            ox.NamedNode(subject), None, None, ox.NamedNode(graph)
        )
        return [quad.triple for quad in pattern]

    def ping(self, timeout: float) -> None:
        """The embedded store answers while this process runs."""
        if self.read_only and not self.path.exists():
            raise StoreUnavailable(f"The store checkpoint {self.path} is gone.")

    def has_graph(self, graph: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(graph))

    def quad_count(self) -> int:
        return len(self._store)

    def query(self, sparql: str, substitutions: Mapping[str, Term] | None = None) -> QueryResult:
        """Run a read-only SPARQL query over the union of all graphs.

        Only queries are parsed here (an Update is a syntax error), so this cannot write.
        """
        bindings = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
        return self._store.query(
            sparql,
            use_default_graph_as_union=True,
            prefixes=PREFIXES,
            substitutions=bindings or None,
        )

    def query_each(self, sparql: str, name: str, terms: Iterable[Term]) -> QueryResult:
        """Run a read-only query once for many values of ``name`` (a ``VALUES`` block:
        pyoxigraph's substitutions bind one term)."""
        return self.query(with_values(sparql, [name], ([term] for term in terms)))

    def dump(self, path: Path) -> None:
        """Write every quad to ``path`` as N-Quads (a backup)."""
        self._store.dump(str(path), format=ox.RdfFormat.N_QUADS)

    def restore(self, path: Path) -> None:
        """Load an N-Quads backup into this (empty) store with the bulk loader."""
        with self._writing():
            self._store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
            self._store.optimize()

    @contextmanager
    def consistent(self, scratch: Path) -> Iterator[EmbeddedStore]:
        """A consistent read-only copy of the store, open while the block runs, then deleted.

        Taking it holds the store's write lock for the tens of milliseconds a RocksDB
        checkpoint takes, so writers pause that long, not for the whole read. ``scratch``
        must be on the store's file system (the copy is made of hard links).
        """
        scratch.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="checkpoint-", dir=scratch))
        try:
            self.snapshot(folder / "store")
            copy = EmbeddedStore(folder / "store", read_only=True)
            try:
                yield copy
            finally:
                copy.close()
                del copy
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def views(self, folder: Path, refresh: float) -> Snapshots:
        """Checkpoints for the SPARQL workers, refreshed at most every ``refresh`` s."""
        return Snapshots(self, folder, refresh)

    def close(self) -> None:
        """Flush to disk; the store is closed when the object is collected."""
        if not self.read_only:
            self._store.flush()

"""SPARQL evaluation in worker processes that a timeout or a memory cap can kill.

pyoxigraph cannot cancel a query, so a runaway one would hold a thread of the web server
forever. Each query runs instead in one of a few long-lived processes (fresh
interpreters, so they share no lock or thread with the server) over a read-only
checkpoint of the store (``snapshots``). The worker screens the query (``screening``),
serialises the answer itself, with pyoxigraph, and sends bytes back; the parent waits at
most the timeout, watching the worker's memory, then kills the worker and starts another.
The parent also bounds how many requests may wait for a worker, so that queries never take
every thread of the web server.

This module is imported by the workers, so it imports nothing heavier than pyoxigraph and
rdflib's SPARQL grammar (``screening``).
"""

from __future__ import annotations

import gc
import io
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

import pyoxigraph as ox

from registry.errors import StoreUnavailable
from registry.rdf.namespaces import PREFIXES
from registry.sparql.forwarding import RemoteQueries
from registry.sparql.screening import Refusal, screen

MEMORY_WATCH = 0.05
"""Seconds between two looks at a busy worker's memory: at the fastest growth seen
(1.4 GB/s) it overshoots the cap by some 70 MB."""
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
STARTUP = 60.0
"""Seconds a new worker may take to import what it needs and say it is ready. Its start
does not count against a query's timeout: on a loaded machine it took longer than the
timeout, and the first query after a start or a kill was a 503."""
READY = "ready"


@dataclass(frozen=True)
class Job:
    """One query, with everything the worker needs to answer it."""

    query: str
    snapshot: str
    base_iri: str
    service_hosts: frozenset[str]
    """The hosts ``SERVICE`` may call."""
    default_graphs: tuple[str, ...] | None
    """The protocol's ``default-graph-uri`` (``None``: the union of all graphs)."""
    named_graphs: tuple[str, ...] | None
    results_type: str | None
    """Media type for SELECT and ASK answers; ``None`` when the client accepts none."""
    graph_type: str | None
    """Media type for CONSTRUCT and DESCRIBE answers; ``None`` when the client accepts none."""
    max_rows: int
    max_bytes: int


@dataclass(frozen=True)
class Outcome:
    """What the worker answers: a body, or the kind of failure and a message."""

    body: bytes = b""
    media_type: str = ""
    failure: str = ""
    """"" on success, else one of: update, service (refused), syntax, not-acceptable,
    too-large, service-failed, unavailable (the remote store), failed."""
    message: str = ""


class TooLarge(Exception):
    """Raised by ``CappedBuffer`` when an answer outgrows the byte cap."""


class CappedBuffer(io.RawIOBase):
    """A write-only buffer that refuses to grow past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._parts: list[bytes] = []
        self._size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._size += len(data)
        if self._size > self._limit:
            raise TooLarge(f"The answer is larger than the limit of {self._limit:,} bytes.")
        self._parts.append(bytes(data))
        return len(data)

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


def _capped(
    result: ox.QuerySolutions | ox.QueryTriples, job: Job
) -> tuple[bytes, ox.QueryResultsFormat | ox.RdfFormat]:
    """Serialise in a line-per-row format (TSV, N-Triples), refusing what breaks a cap.

    Both formats escape newlines inside terms, so lines count rows exactly. Returns the
    bytes and their format; ``convert`` turns them into what the client asked for.
    """
    buffer = CappedBuffer(job.max_bytes)
    if isinstance(result, ox.QuerySolutions):
        line_format: ox.QueryResultsFormat | ox.RdfFormat = ox.QueryResultsFormat.TSV
        header = 1
    else:
        line_format, header = ox.RdfFormat.N_TRIPLES, 0
    result.serialize(buffer, format=line_format)  # type: ignore[arg-type]
    body = buffer.getvalue()
    rows = body.count(b"\n") - header
    if rows > job.max_rows:
        what = "rows" if header else "triples"
        raise TooLarge(f"The answer has more than the limit of {job.max_rows:,} {what}.")
    return body, line_format


def convert(body: bytes, source: ox.QueryResultsFormat | ox.RdfFormat, media_type: str) -> bytes:
    """Re-serialise a TSV or N-Triples answer in ``media_type`` (pyoxigraph both ways)."""
    if isinstance(source, ox.QueryResultsFormat):
        target = ox.QueryResultsFormat.from_media_type(media_type)
        if target == source:
            return body
        solutions = ox.parse_query_results(body, format=source)
        return solutions.serialize(format=target) or b""
    rdf_target = ox.RdfFormat.from_media_type(media_type)
    if rdf_target == source:
        return body
    triples = ox.parse(body, format=source)
    return ox.serialize(triples, format=rdf_target, prefixes=PREFIXES) or b""


def evaluate(store: ox.Store | RemoteQueries, job: Job) -> Outcome:
    """Screen one job's query, run it on an open store and serialise its answer."""
    try:
        screened = screen(job.query, job.base_iri, job.service_hosts)
    except Refusal as refusal:
        return Outcome(failure=refusal.kind, message=str(refusal))
    try:
        return _answer(store, job, screened.has_dataset)
    except SyntaxError as error:
        return Outcome(failure="syntax", message=f"SPARQL syntax {error}")
    except TooLarge as error:
        return Outcome(failure="too-large", message=str(error))
    except StoreUnavailable as error:
        # A remote server that fails a SERVICE call mid-answer sends its error text in a
        # cut 200: it would tell open ports from closed ones, so it reads as any SERVICE
        # failure.
        if screened.services:
            return Outcome(failure="service-failed")
        return Outcome(failure="unavailable", message=error.message)
    except (OSError, ValueError, RuntimeError) as error:
        # A failed SERVICE call says why (refused, reset, not SPARQL): that would tell open
        # ports from closed ones on the allowed hosts, so every such failure reads the same.
        if screened.services:
            return Outcome(failure="service-failed")
        return Outcome(failure="failed", message=str(error))


def _answer(store: ox.Store | RemoteQueries, job: Job, has_dataset: bool) -> Outcome:
    """Evaluate over the dataset the protocol names, else the query's, else all graphs.

    The protocol's ``default-graph-uri``/``named-graph-uri`` override the query's ``FROM``/
    ``FROM NAMED``; with neither, the default graph is the union of all graphs. Oxigraph
    ignores ``FROM`` while the union is on, so it is off for a query naming its dataset.
    https://www.w3.org/TR/sparql11-protocol/#dataset
    """
    graphs = job.default_graphs is not None or job.named_graphs is not None
    result = store.query(
        job.query,
        base_iri=job.base_iri,
        prefixes=PREFIXES,
        use_default_graph_as_union=not graphs and not has_dataset,
        default_graph=[ox.NamedNode(g) for g in job.default_graphs or ()] if graphs else None,
        named_graphs=[ox.NamedNode(g) for g in job.named_graphs or ()] if graphs else None,
    )
    if isinstance(result, ox.QueryBoolean):
        if job.results_type is None:
            return Outcome(failure="not-acceptable", message="results")
        format = ox.QueryResultsFormat.from_media_type(job.results_type)
        return Outcome(result.serialize(format=format) or b"", job.results_type)
    media_type = job.graph_type if isinstance(result, ox.QueryTriples) else job.results_type
    if media_type is None:
        kind = "graph" if isinstance(result, ox.QueryTriples) else "results"
        return Outcome(failure="not-acceptable", message=kind)
    body, line_format = _capped(result, job)
    return Outcome(convert(body, line_format, media_type), media_type)


def serve(connection: Connection) -> None:
    """The worker's loop: answer jobs until the parent closes the pipe.

    A job names a checkpoint folder (embedded store) or a query endpoint (remote store).
    """
    store: ox.Store | RemoteQueries | None = None
    opened = ""
    connection.send(READY)
    while True:
        try:
            job: Job = connection.recv()
        except (EOFError, OSError):
            return
        if job.snapshot != opened:
            store = None
            gc.collect()  # the previous checkpoint is closed when its Store is freed
            remote = job.snapshot.startswith(("http://", "https://"))
            store = RemoteQueries(job.snapshot) if remote else ox.Store.read_only(job.snapshot)
            opened = job.snapshot
        assert store is not None
        connection.send(evaluate(store, job))


class QueryTimeout(Exception):
    """The query ran longer than the timeout; its worker was killed."""


class WorkerDied(Exception):
    """The worker process ended while answering (a crash)."""


class OutOfMemory(Exception):
    """The query made its worker use more memory than the cap; the worker was killed."""


class Busy(Exception):
    """Every worker is busy and as many requests as may wait are waiting."""


def resident_bytes(pid: int) -> int:
    """Return the resident memory of a process (Linux ``/proc``), 0 where it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return 0


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    connection: Connection
    snapshot: str | None = None
    ready: bool = False
    """True once the worker said it is ready (``serve`` sends ``READY`` first)."""


class QueryPool:
    """``size`` worker processes; ``run`` hands a job to an idle one and waits for it.

    At most ``slots`` calls of ``run`` hold or wait for a worker; another call waits
    ``slot_wait`` seconds for one of them to end, then raises ``Busy``. A worker whose
    resident memory passes ``memory`` bytes is killed. The memory is watched from here, not
    capped with ``RLIMIT_AS`` in the worker: an idle worker already reserves 0.4 to 0.9 GB
    of address space (malloc arenas, RocksDB), which would leave a query an unpredictable
    share of a 1 GiB cap; resident memory is what a runaway query takes from the machine.

    A worker is ``python -m registry.sparql.workers FD`` talking over a socket pair, not a
    ``multiprocessing.Process``: that would re-import the server's main module in each
    worker, which fails in scripts without a ``__main__`` guard.
    """

    def __init__(self, size: int, slots: int, memory: int, slot_wait: float = 0.25) -> None:
        self._slots = threading.BoundedSemaphore(slots)
        self._slot_wait = slot_wait
        self._memory = memory
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: list[Worker] = []
        self._closed = False
        for _ in range(size):
            self._idle.put(self._start())

    def _start(self) -> Worker:
        parent, child = socket.socketpair()
        with child:
            process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(child.fileno())],
                pass_fds=(child.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        worker = Worker(process, Connection(parent.detach()))
        with self._lock:
            self._workers.append(worker)
        return worker

    def _replace(self, worker: Worker) -> None:
        worker.process.kill()
        worker.process.wait()
        worker.connection.close()
        with self._lock:
            self._workers.remove(worker)
            closed = self._closed
        if not closed:
            self._idle.put(self._start())

    def snapshots_in_use(self) -> set[str]:
        with self._lock:
            return {w.snapshot for w in self._workers if w.snapshot is not None}

    def run(self, job: Job, timeout: float) -> Outcome:
        """Answer ``job`` within ``timeout`` seconds (waiting for a free worker included).

        Raises ``Busy`` at once (after ``slot_wait``) when every slot is taken.
        """
        if not self._slots.acquire(timeout=self._slot_wait):
            raise Busy("every query worker is busy and other queries are waiting")
        try:
            return self._run(job, timeout)
        finally:
            self._slots.release()

    def _run(self, job: Job, timeout: float) -> Outcome:
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout("every query worker stayed busy") from None
        deadline += self._started(worker)
        worker.snapshot = job.snapshot
        try:
            worker.connection.send(job)
            self._wait(worker, deadline)
            outcome: Outcome = worker.connection.recv()
        except (EOFError, OSError):
            self._replace(worker)
            raise WorkerDied("the query worker ended while answering") from None
        self._idle.put(worker)
        return outcome

    def _started(self, worker: Worker) -> float:
        """Wait until ``worker`` is ready; return the seconds that took."""
        if worker.ready:
            return 0.0
        began = time.monotonic()
        try:
            if not worker.connection.poll(STARTUP) or worker.connection.recv() != READY:
                raise EOFError
        except (EOFError, OSError):
            self._replace(worker)
            raise WorkerDied(f"a query worker did not start within {STARTUP:g} s") from None
        worker.ready = True
        return time.monotonic() - began

    def _wait(self, worker: Worker, deadline: float) -> None:
        """Wait for the worker's answer; kill it at the deadline or above the memory cap."""
        while not worker.connection.poll(min(MEMORY_WATCH, max(0.0, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                self._replace(worker)
                raise QueryTimeout("the query was stopped")
            if resident_bytes(worker.process.pid) > self._memory:
                self._replace(worker)
                raise OutOfMemory(f"the query needed more than {self._memory:,} bytes of memory")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._workers)
        for worker in workers:
            worker.connection.close()
            worker.process.kill()
            worker.process.wait()


if __name__ == "__main__":
    # Run the imported module's loop, so answers pickle as registry.sparql.workers.Outcome
    # (the parent cannot load classes of this process's __main__).
    from registry.sparql import workers as query_workers

    # rdflib's grammar recurses per nested bracket and per triple pattern of a block: the
    # default limit (1,000) stops at some 25 brackets or 300 patterns, which Oxigraph reads.
    # This one reads 1,000 patterns; a larger query is refused ("nested too deeply"), or at
    # worst crashes this worker, which is replaced.
    sys.setrecursionlimit(20_000)
    query_workers.serve(Connection(int(sys.argv[1])))

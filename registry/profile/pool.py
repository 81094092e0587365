"""SHACL validation in worker processes: every core, and no validation in the web threads.

pySHACL is Python holding the GIL, and rdflib's SPARQL machinery inside it is not
thread-safe, so in one process validations take turns on one core. Here each runs instead in
one of a few long-lived processes (``python -m registry.profile.pool FD`` over a socket pair,
as ``registry.sparql.workers`` does), each with the profile's shapes and vocabularies loaded
once (``load_profile``). The parent sends a description as N-Triples and gets back the
report's results and its graph's triples (unpickled only if someone reads the graph).

* **Back-pressure.** A caller waits at most ``wait`` seconds for an idle worker, then gets
  ``ValidatorsBusy`` (503 with ``Retry-After``) instead of a queue that grows without bound.
* **A worker that dies** (killed, out of memory) is replaced; the caller gets
  ``ValidatorFailed`` (503), never a hang: a worker that answers nothing within
  ``TIMEOUT_PER_RECORD`` seconds a record is killed and replaced as well.
* **Memory.** A worker reports its resident memory with each answer; one that grew more
  than ``recycle_mb`` since it loaded the profile is retired after answering and replaced.
* **Batches.** ``validate_many`` splits many descriptions across the idle workers, each
  worker validating its share one description at a time (the same results as one by one:
  merging descriptions into one data graph was measured to save about 10 % of pySHACL's
  time, not worth the conditions under which it stays exact).

This module is imported by the workers, so it imports nothing of the registry above
``profile``.
"""

from __future__ import annotations

import atexit
import functools
import os
import pickle
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from registry.errors import RegistryError
from registry.profile.validation import Report, Result, load_profile
from registry.rdf import formats

TIMEOUT_PER_RECORD = 120.0
"""Seconds a worker may take per description before it is taken for hung."""
START_TIMEOUT = 300.0
"""Seconds a new worker may take to load the profile (seconds, on a busy machine)."""
RECYCLE_MB = 500.0
"""Growth of a worker's resident memory since it loaded the profile that retires it."""


class ValidatorsBusy(RegistryError):
    """Every validator stayed busy for as long as a request may wait."""

    status = 503
    title = "Validators busy"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "Every validator is busy checking other descriptions; nothing was stored. "
            f"Send the description again in {retry_after} s.",
            retry_after=retry_after,
        )


class ValidatorFailed(RegistryError):
    """The worker validating a description ended or hung; it was replaced."""

    status = 503
    title = "Validator failed"

    def __init__(self, what: str) -> None:
        super().__init__(
            f"The validator checking this description {what}; it was replaced and nothing "
            "was stored. Send the description again; if it fails again, it may be too large "
            "to check.",
            retry_after=1,
        )


@dataclass(frozen=True)
class Job:
    """One description to validate: its triples and those it cites, as N-Triples."""

    data: bytes
    known: bytes


@dataclass(frozen=True)
class Answer:
    """A worker's report on one job: the results and the report graph's triples, pickled."""

    results: tuple[Result, ...]
    report: bytes


def job_for(data: Graph, known: Graph | None) -> Job:
    """Serialise what ``Shapes.validate`` takes for a worker (blank node labels kept)."""
    empty = b""
    return Job(
        data.serialize(format="nt", encoding="utf-8"),
        known.serialize(format="nt", encoding="utf-8") if known is not None else empty,
    )


def read_nt(data: bytes) -> Iterator[tuple[Node, Node, Node]]:
    """An N-Triples document's triples as rdflib terms, blank node labels kept (pyoxigraph
    parses); the worker builds one graph of them merged with what they cite."""
    for triple in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
        yield (
            formats.to_rdflib_term(triple.subject),
            formats.to_rdflib_term(triple.predicate),
            formats.to_rdflib_term(triple.object),
        )


def report_of(answer: Answer) -> Report:
    return Report(results=answer.results, source=answer.report)


def resident_mb() -> float:
    """This process's resident memory in MB (Linux; 0 where /proc is not there)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def serve(connection: Connection) -> None:
    """The worker's loop: load the profile, say so, answer batches until the pipe closes."""
    shapes = load_profile()
    shapes.prepare()  # before saying ready: the first record waits for no compilation
    connection.send(resident_mb())
    while True:
        try:
            jobs: list[Job] = connection.recv()
        except (EOFError, OSError):
            return
        answers = []
        for job in jobs:
            known = read_nt(job.known) if job.known else None
            report = shapes.validate_merged(shapes.merge(read_nt(job.data), known))
            # Pickled rdflib terms, not N-Triples: they keep blank node labels and tell a
            # plain literal from an xsd:string one, as the report graph in-process does.
            answers.append(Answer(report.results, pickle.dumps(tuple(report.graph))))
        try:
            connection.send((answers, resident_mb()))
        except OSError:  # the parent is gone
            return


class Worker:
    """One validator process and the parent's end of its socket."""

    def __init__(self) -> None:
        parent, child = socket.socketpair()
        with child:
            self.process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(child.fileno())],
                pass_fds=(child.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        self.connection = Connection(parent.detach())
        self.loaded_mb = 0.0

    def ready(self) -> bool:
        """Wait for the worker to load the profile; False if it ended or took too long."""
        try:
            if not self.connection.poll(START_TIMEOUT):
                return False
            self.loaded_mb = self.connection.recv()
        except (EOFError, OSError):
            return False
        return True

    def run(self, jobs: list[Job]) -> tuple[list[Answer], float]:
        """Send ``jobs``; return the answers and the worker's memory growth in MB."""
        self.connection.send(jobs)
        if not self.connection.poll(TIMEOUT_PER_RECORD * len(jobs)):
            raise TimeoutError
        answers, resident = self.connection.recv()
        return answers, resident - self.loaded_mb

    def stop(self) -> None:
        self.connection.close()
        self.process.kill()
        self.process.wait()


class ValidatorPool:
    """``size`` validator processes, started in the background by ``start`` (or the first
    validation)."""

    def __init__(self, size: int, wait: float = 5.0, recycle_mb: float = RECYCLE_MB) -> None:
        self.size = size
        self.wait = wait
        self.recycle_mb = recycle_mb
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[Worker] = set()
        self._closed = False
        self._started = False
        self._starting = 0
        self._fanout = ThreadPoolExecutor(max_workers=size, thread_name_prefix="validators")

    def start(self) -> ValidatorPool:
        """Start the workers (once); they load the profile in the background."""
        with self._lock:
            if self._started:
                return self
            self._started = True
        for _ in range(self.size):
            self._start()
        return self

    def _start(self) -> None:
        """Start a worker; it joins the idle ones once it has loaded the profile."""
        with self._lock:
            if self._closed:
                return
            worker = Worker()
            self._workers.add(worker)
            self._starting += 1

        def join_when_ready() -> None:
            ready = worker.ready()
            with self._lock:
                self._starting -= 1
                closed = self._closed
            if ready and not closed:
                self._idle.put(worker)
            else:
                self._retire(worker, replace=False)

        threading.Thread(target=join_when_ready, daemon=True, name="validator-start").start()

    def _retire(self, worker: Worker, replace: bool) -> None:
        worker.stop()
        with self._lock:
            self._workers.discard(worker)
        if replace:
            self._start()

    def _take(self, timeout: float) -> Worker:
        self.start()
        try:
            return self._idle.get(timeout=timeout)
        except queue.Empty:
            raise ValidatorsBusy(retry_after=max(1, round(self.wait))) from None

    def _run(self, worker: Worker, jobs: list[Job]) -> list[Answer]:
        """Run ``jobs`` on a taken worker and give the worker back (or replace it)."""
        try:
            answers, grown = worker.run(jobs)
        except TimeoutError:
            self._retire(worker, replace=True)
            raise ValidatorFailed("took too long and was stopped") from None
        except (EOFError, OSError):
            self._retire(worker, replace=True)
            raise ValidatorFailed("ended while checking it") from None
        if grown > self.recycle_mb:
            self._retire(worker, replace=True)
        else:
            self._idle.put(worker)
        return answers

    def validate(self, data: Graph, known: Graph | None = None) -> Report:
        """Validate one description in a worker, waiting at most ``wait`` s for one."""
        job = job_for(data, known)
        (answer,) = self._run(self._take(self.wait), [job])
        return report_of(answer)

    def validate_many(self, items: Sequence[tuple[Graph, Graph | None]]) -> list[Report]:
        """Validate many descriptions, split across the workers; reports in ``items`` order.

        A bulk caller waits for workers as long as they take (it is the only client that
        would otherwise be refused), but each share still fails alone if its worker dies.
        """
        jobs = [job_for(data, known) for data, known in items]
        if not jobs:
            return []
        shares = min(self.size, len(jobs))
        step = -(-len(jobs) // shares)
        parts = [jobs[i : i + step] for i in range(0, len(jobs), step)]
        deadline = START_TIMEOUT + TIMEOUT_PER_RECORD * step
        futures = [
            self._fanout.submit(lambda part: self._run(self._take(deadline), part), part)
            for part in parts
        ]
        return [report_of(answer) for future in futures for answer in future.result()]

    def pids(self) -> list[int]:
        """The worker processes' ids (for tests and the operator)."""
        with self._lock:
            return sorted(w.process.pid for w in self._workers)

    def ready(self, timeout: float = START_TIMEOUT) -> bool:
        """Wait until every worker has started (or ``timeout`` s passed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._starting == 0:
                    return True
            time.sleep(0.05)
        return False

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._workers)
        for worker in workers:
            worker.stop()
        self._fanout.shutdown(wait=False)


@functools.cache
def shared_pool(size: int, wait: float) -> ValidatorPool:
    """The process's pool of ``size`` validators (built once, not started).

    Workers hold nothing but the shipped profile, so every registry a process opens (the
    tests open hundreds) shares one pool instead of loading the profile into new processes
    each time; it stops when the process exits (and a worker whose parent is killed stops
    when its socket closes).
    """
    pool = ValidatorPool(size, wait)
    atexit.register(pool.close)
    return pool


if __name__ == "__main__":
    # Run the imported module's loop, so answers pickle as registry.profile.pool.Answer
    # (the parent cannot load classes of this process's __main__).
    from registry.profile import pool as validator_pool

    validator_pool.serve(Connection(int(sys.argv[1])))

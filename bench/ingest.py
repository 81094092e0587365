"""Provider API throughput: generated records POSTed over HTTP by concurrent clients to a
real ``registry serve`` process, then where a write's time goes.

    .venv/bin/python -m bench.ingest [--records 1000] [--clients 4]

Target: at least 40 records/s end to end on a 2-core machine, p95 at most 250 ms, and 5x
the baseline printed beside it (``bench.plain``: plain pySHACL validating the same kind of
records one at a time, shapes parsed once, in a fresh interpreter of this run). The
breakdown re-runs the records in this process on a second fresh store, one at a time and
phase by phase, since the server's threads interleave the phases of concurrent requests:
parse (and find the topic and the agents it cites), validate (in a validator process),
store (the record's transaction and the refusal of foreign subjects), index (the search
index's listener) and audit (the audit line).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import requests

from registry.config import load_settings
from registry.rdf import formats
from registry.records.submission import prepare_for, store, verdict
from registry.runtime import open_registry

from . import plain
from .workload import Submission, cpu_seconds, free_port, prepare, serve, wait_for_port

T = TypeVar("T")

BASE_IRI = "http://registry.bench/"
TURTLE = formats.syntax_for_suffix("ttl")


def client(url: str, queue: list[Submission], latencies: list[float], busy: list[int]) -> None:
    """POST records until the queue is empty; a 503 (every validator busy) is sent again
    after its ``Retry-After``, as a provider's client does, and counted in ``busy``."""
    with requests.Session() as session:
        while True:
            try:
                item = queue.pop()
            except IndexError:
                return
            started = time.perf_counter()
            while True:
                response = session.post(
                    f"{url}/api/records",
                    data=item.body,
                    headers={
                        "Authorization": f"Bearer {item.token}",
                        "Content-Type": "text/turtle",
                    },
                    timeout=120,
                )
                if response.status_code != 503:
                    break
                busy.append(1)
                time.sleep(float(response.headers.get("Retry-After", "1")))
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201:
                raise RuntimeError(f"{response.status_code}: {response.text[:300]}")


def over_http(
    folder: Path, submissions: list[Submission], clients: int
) -> tuple[float, list[float], float, int]:
    """Wall seconds, each request's latency, the CPU seconds the server and its validator
    processes spent on the requests, and the 503s (busy validators) answered."""
    port = free_port()
    # A bulk load from one address: the write limits are not what is measured.
    server = serve(
        folder / "http", port, BASE_IRI, {"threads": str(clients), "rate_limit_writes": ""}
    )
    wait_for_port(port, server, seconds=120)
    queue = list(reversed(submissions))
    latencies: list[float] = []
    busy: list[int] = []
    url = f"http://127.0.0.1:{port}"
    workers = [
        threading.Thread(target=client, args=(url, queue, latencies, busy)) for _ in range(clients)
    ]
    before = cpu_seconds(server.pid)
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds(server.pid) - before
    server.terminate()
    server.wait(timeout=30)
    return elapsed, latencies, cpu, len(busy)


class Stopwatch:
    """Seconds spent per phase, and wrappers that add a call's time to a phase."""

    def __init__(self) -> None:
        self.spent = dict.fromkeys(("parse", "validate", "store", "index", "audit"), 0.0)

    def timed(self, phase: str, call: Callable[..., T]) -> Callable[..., T]:
        def wrapper(*args: Any, **kwargs: Any) -> T:
            started = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                self.spent[phase] += time.perf_counter() - started

        return wrapper


def phases(folder: Path, submissions: list[Submission]) -> dict[str, float]:
    """Seconds spent in each phase of a write, the same records submitted one at a time."""
    assert TURTLE is not None
    prepare(folder / "phases", BASE_IRI, 0)
    registry = open_registry(load_settings({"store": str(folder / "phases"), "base_iri": BASE_IRI}))
    records = registry.records
    watch = Stopwatch()
    records.listeners[:] = [watch.timed("index", listener) for listener in records.listeners]
    records.audit.log = watch.timed("audit", records.audit.log)  # type: ignore[method-assign]
    for item in submissions:
        t0 = time.perf_counter()
        prepared = prepare_for(records, item.body, TURTLE)
        t1 = time.perf_counter()
        report = records.shapes.validate(prepared.graph, prepared.known)
        t2 = time.perf_counter()
        store(records, verdict(prepared, report))
        t3 = time.perf_counter()
        watch.spent["parse"] += t1 - t0
        watch.spent["validate"] += t2 - t1
        watch.spent["store"] += t3 - t2
    # The listeners and the audit line run inside store(): count them once.
    watch.spent["store"] -= watch.spent["index"] + watch.spent["audit"]
    registry.close()
    del registry
    gc.collect()
    return watch.spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--baseline", type=int, default=40, help="records the baseline times")
    parser.add_argument("--phases", type=int, default=300, help="records the breakdown times")
    args = parser.parse_args()
    baseline = plain.measure(args.baseline)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        submissions = prepare(folder / "http", BASE_IRI, args.records)
        elapsed, latencies, cpu, busy = over_http(folder, submissions, args.clients)
        spent = phases(folder, submissions[: args.phases])
    n = len(latencies)
    ordered = sorted(latencies)
    rate = n / elapsed
    print(
        f"{n} records over HTTP, {args.clients} clients, {elapsed:.1f} s: {rate:.1f} records/s "
        f"({busy} answers 503 'validators busy', sent again after Retry-After)"
    )
    print(
        f"latency p50 {statistics.median(ordered) * 1000:.0f} ms, "
        f"p95 {ordered[int(n * 0.95)] * 1000:.0f} ms"
    )
    cores = len(os.sched_getaffinity(0))
    print(
        f"server and validators: {cpu / n * 1000:.1f} ms CPU a record, so at most "
        f"{cores * n / cpu:.0f} records/s on {cores} idle cores "
        f"(load average now {os.getloadavg()[0]:.1f})"
    )
    print(
        f"baseline (plain pySHACL, shapes parsed once, one at a time): "
        f"{baseline['rate']:.1f} records/s, median {baseline['median'] * 1000:.0f} ms; "
        f"API / baseline: {rate / baseline['rate']:.1f}x"
    )
    total, m = sum(spent.values()), args.phases
    shares = ", ".join(f"{k} {v / total:.0%} ({v / m * 1000:.1f} ms)" for k, v in spent.items())
    print(f"where a write's time goes ({m} records, one at a time, in-process): {shares}")


if __name__ == "__main__":
    main()

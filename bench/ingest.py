"""Provider API throughput: generated records POSTed over HTTP by concurrent clients to a
real ``registry serve`` process, then where the time goes (parse, validate, write).

    .venv/bin/python -m bench.ingest [--records 1000] [--clients 4]

Target: at least 40 records/s end to end on a 2-core machine. The breakdown re-runs the
same records in this process on a second fresh store, phase by phase, since the server's
threads interleave the phases of concurrent requests.
"""

from __future__ import annotations

import argparse
import gc
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

from registry.config import load_settings
from registry.rdf import formats
from registry.records.submission import change_for, check_for
from registry.records.write import write_record
from registry.runtime import open_registry

from .workload import Submission, prepare

BASE_IRI = "http://registry.bench/"
TURTLE = formats.syntax_for_suffix("ttl")


def serve(store: Path, port: int, threads: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "REGISTRY_STORE": str(store),
        "REGISTRY_PORT": str(port),
        "REGISTRY_BASE_IRI": BASE_IRI,
        "REGISTRY_THREADS": str(threads),
        "REGISTRY_RATE_LIMIT_WRITES": "",  # a bulk load from one address: not what is measured
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "registry", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=1)
            return process
        except requests.ConnectionError:
            time.sleep(0.2)
    process.kill()
    raise TimeoutError("the server did not start")


def client(url: str, queue: list[Submission], latencies: list[float]) -> None:
    with requests.Session() as session:
        while True:
            try:
                item = queue.pop()
            except IndexError:
                return
            started = time.perf_counter()
            response = session.post(
                f"{url}/api/records",
                data=item.body,
                headers={"Authorization": f"Bearer {item.token}", "Content-Type": "text/turtle"},
                timeout=120,
            )
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201:
                raise RuntimeError(f"{response.status_code}: {response.text[:300]}")


def over_http(
    folder: Path, submissions: list[Submission], clients: int
) -> tuple[float, list[float]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = serve(folder / "http", port, threads=clients)
    queue = list(reversed(submissions))
    latencies: list[float] = []
    workers = [
        threading.Thread(target=client, args=(f"http://127.0.0.1:{port}", queue, latencies))
        for _ in range(clients)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    server.terminate()
    server.wait(timeout=30)
    return elapsed, latencies


def phases(folder: Path, submissions: list[Submission]) -> dict[str, float]:
    """Seconds spent parsing, validating and writing the same records, one at a time."""
    assert TURTLE is not None
    prepare(folder / "phases", BASE_IRI, 0)
    registry = open_registry(load_settings({"store": str(folder / "phases"), "base_iri": BASE_IRI}))
    spent = {"parse": 0.0, "validate": 0.0, "write": 0.0}
    for item in submissions:
        t0 = time.perf_counter()
        formats.parse(item.body, TURTLE)
        t1 = time.perf_counter()
        checked = check_for(registry.records, item.body, TURTLE)  # parses again, then validates
        change = change_for(registry.records, checked)
        t2 = time.perf_counter()
        write_record(registry.records, change)
        t3 = time.perf_counter()
        spent["parse"] += t1 - t0
        spent["validate"] += (t2 - t1) - (t1 - t0)
        spent["write"] += t3 - t2
    registry.close()
    del registry
    gc.collect()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        submissions = prepare(folder / "http", BASE_IRI, args.records)
        elapsed, latencies = over_http(folder, submissions, args.clients)
        spent = phases(folder, submissions)
    n = len(latencies)
    ordered = sorted(latencies)
    rate = n / elapsed
    print(f"{n} records over HTTP, {args.clients} clients, {elapsed:.1f} s: {rate:.1f} records/s")
    print(
        f"latency p50 {statistics.median(ordered) * 1000:.0f} ms, "
        f"p95 {ordered[int(n * 0.95)] * 1000:.0f} ms"
    )
    total = sum(spent.values())
    shares = ", ".join(f"{k} {v / total:.0%} ({v / n * 1000:.1f} ms)" for k, v in spent.items())
    print(f"share of server work per record (in-process rerun): {shares}")


if __name__ == "__main__":
    main()

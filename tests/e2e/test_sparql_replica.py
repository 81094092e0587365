"""Public queries on a read-only replica (``REGISTRY_SPARQL_URL``), the design README "Running
at scale" gives for runaway queries: Oxigraph cannot be told to cancel a query, so a runaway
one must never run on the store the registry writes; one client cannot hold every worker;
and the rate keeps the thread pile-up of the replica's ``--timeout-s`` bounded.

The replica is built as an operator would: ``registry backup``, ``oxigraph load`` of its
quads, ``oxigraph serve-read-only --timeout-s``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.sparql.test_limits import RUNAWAY
from tests.store_server import OXIGRAPH

from .servers import free_port, running_server, wait_for_port

REPLICA_TIMEOUT = 10
"""The replica's ``--timeout-s`` (it stops some runaway queries, not all: README)."""
DATASETS = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a dcat:Dataset }"
JSON = {"Accept": "application/sparql-results+json"}


def threads(pid: int) -> int:
    return len(list(Path(f"/proc/{pid}/task").iterdir()))


@dataclass(frozen=True)
class Replica:
    store: Path
    registry_port: int
    """The port the registry serves on: its store's IRIs are minted under it."""
    url: str
    """The replica's query endpoint."""
    pid: int


@pytest.fixture
def replica(tmp_path: Path, template_store: Path) -> Iterator[Replica]:
    """A store with the samples, and a read-only replica of it."""
    assert OXIGRAPH is not None
    store = tmp_path / "store"
    shutil.copytree(template_store, store)
    registry_port = free_port()  # the store's IRIs are minted under it
    with running_server(store, sample=True, port=registry_port):
        pass  # loads the samples, then stops: an embedded store has one writer
    environment = {**os.environ, "REGISTRY_STORE": str(store)}
    backup = tmp_path / "backup"
    subprocess.run(
        [sys.executable, "-m", "registry", "backup", str(backup)], env=environment, check=True
    )
    folder = tmp_path / "replica"
    load = [OXIGRAPH, "load", "--location", str(folder), "--file", str(backup / "store.nq")]
    subprocess.run(load, check=True, capture_output=True)
    port = free_port()
    serve = [OXIGRAPH, "serve-read-only", "--location", str(folder)]
    serve += ["--bind", f"127.0.0.1:{port}", "--timeout-s", str(REPLICA_TIMEOUT)]
    log = (tmp_path / "replica.log").open("wb")
    process = subprocess.Popen(serve, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, seconds=30)
        yield Replica(store, registry_port, f"http://127.0.0.1:{port}/query", process.pid)
    finally:
        process.kill()
        process.wait()
        log.close()


def count(session: requests.Session, url: str, client: str) -> int:
    """The datasets /sparql counts, once its workers are up (on a loaded machine their start
    may take longer than the timeout: a 503 with Retry-After)."""
    headers = {**JSON, "X-Forwarded-For": client}
    deadline = time.monotonic() + 60
    while True:
        answer = session.get(
            f"{url}/sparql", params={"query": DATASETS}, headers=headers, timeout=30
        )
        if answer.status_code != 503 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_runaways_run_on_the_replica_one_client_cannot_hold_every_worker(
    replica: Replica,
) -> None:
    settings = {
        "REGISTRY_SPARQL_URL": replica.url,
        "REGISTRY_SPARQL_TIMEOUT": "8",
        "REGISTRY_SPARQL_WORKERS": "3",
        "REGISTRY_SPARQL_PER_CLIENT": "2",
        "REGISTRY_TRUSTED_PROXIES": "1",
    }
    with (
        running_server(replica.store, settings, port=replica.registry_port) as url,
        requests.Session() as session,
    ):
        assert count(session, url, "10.0.0.9") == 36  # the samples, read on the replica

        others: list[tuple[int, float]] = []
        pages: list[tuple[int, float]] = []
        stop = threading.Event()

        def keep_asking(path: str, params: dict[str, str], into: list[tuple[int, float]]) -> None:
            with requests.Session() as own:
                while not stop.is_set():
                    started = time.monotonic()
                    answer = own.get(
                        f"{url}{path}",
                        params=params,
                        headers={**JSON, "X-Forwarded-For": "10.0.0.2"},
                        timeout=30,
                    )
                    into.append((answer.status_code, time.monotonic() - started))

        def runaway() -> tuple[int, float]:
            started = time.monotonic()
            answer = requests.get(
                f"{url}/sparql",
                params={"query": RUNAWAY},
                headers={**JSON, "X-Forwarded-For": "10.0.0.1"},
                timeout=60,
            )
            return answer.status_code, time.monotonic() - started

        helpers = [
            threading.Thread(target=keep_asking, args=("/sparql", {"query": DATASETS}, others)),
            threading.Thread(target=keep_asking, args=("/search", {"q": "lung"}, pages)),
        ]
        for helper in helpers:
            helper.start()
        with ThreadPoolExecutor(2) as pool:
            runaways = [pool.submit(runaway) for _ in range(2)]
            time.sleep(2)  # both are running on the replica now
            third = session.get(
                f"{url}/sparql",
                params={"query": RUNAWAY},
                headers={**JSON, "X-Forwarded-For": "10.0.0.1"},
                timeout=30,
            )
            stopped = [future.result() for future in runaways]
        stop.set()
        for helper in helpers:
            helper.join()

        # The third from the same client was refused at once, without a worker.
        assert third.status_code == 429, third.text
        assert "REGISTRY_SPARQL_PER_CLIENT" in third.json()["message"]
        assert third.headers["Retry-After"] == "1"
        # Each runaway was stopped at the registry's timeout.
        assert all(status == 503 and seconds < 20 for status, seconds in stopped), stopped
        # Another client and the pages were answered all along.
        # (On a loaded 2-core machine a replaced worker may start slower than a small query
        # may wait: now and then a 503.)
        assert pages and all(status == 200 for status, _ in pages), pages[:5]
        assert {status for status, _ in others} <= {200, 503}, others
        answered = [seconds for status, seconds in others if status == 200]
        assert len(answered) >= 0.8 * len(others) and len(answered) >= 10, others


def test_the_rate_keeps_the_replicas_threads_bounded(replica: Replica) -> None:
    """Oxigraph keeps a thread per query for ``--timeout-s`` seconds; the registry's rate
    keeps that at rate x timeout instead of the 16,000 threads (and a dead server) measured
    with an unbounded load."""
    replica_url, replica_pid = replica.url, replica.pid
    rate = 40
    settings = {
        "REGISTRY_SPARQL_URL": replica_url,
        "REGISTRY_SPARQL_RATE": str(rate),
        "REGISTRY_SPARQL_WORKERS": "4",
        "REGISTRY_SPARQL_QUEUE": "4",
        "REGISTRY_TRUSTED_PROXIES": "1",
    }
    with running_server(replica.store, settings, port=replica.registry_port) as url:
        baseline = threads(replica_pid)
        statuses: list[int] = []
        most = baseline
        deadline = time.monotonic() + REPLICA_TIMEOUT

        def burst(client: int) -> None:
            with requests.Session() as session:
                while time.monotonic() < deadline:
                    answer = session.get(
                        f"{url}/sparql",
                        params={"query": "ASK { ?s ?p ?o }"},
                        headers={**JSON, "X-Forwarded-For": f"10.0.1.{client}"},
                        timeout=30,
                    )
                    statuses.append(answer.status_code)

        clients = [threading.Thread(target=burst, args=(n,)) for n in range(8)]
        for client in clients:
            client.start()
        while any(client.is_alive() for client in clients):
            most = max(most, threads(replica_pid))
            time.sleep(0.05)

        answered, refused = statuses.count(200), statuses.count(503)
        assert answered + refused == len(statuses), set(statuses)
        assert refused > 0  # the burst asked for more than the rate
        # rate x window, one second's burst, and the server's own threads
        assert answered <= rate * (REPLICA_TIMEOUT + 1) + rate
        assert most <= baseline + rate * (REPLICA_TIMEOUT + 1) + rate, (baseline, most)

"""Slow anonymous SPARQL queries cannot take every thread of a live web server (issue
"Hardening", finding 5): a real server, eight looping clients, a visitor's page timed."""

from __future__ import annotations

import shutil
import statistics
import threading
import time
from pathlib import Path

import requests

from tests.conftest import BASE_IRI
from tests.e2e.servers import running_server
from tests.sparql.test_limits import RUNAWAY


def test_eight_slow_anonymous_queries_do_not_take_the_site_down(
    tmp_path: Path, template_store: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(template_store, store)
    settings = {
        "REGISTRY_BASE_IRI": BASE_IRI,
        "REGISTRY_THREADS": "8",
        "REGISTRY_SPARQL_WORKERS": "2",
        "REGISTRY_SPARQL_QUEUE": "2",
        "REGISTRY_SPARQL_TIMEOUT": "3",
        # The eight clients share one address; this test is about the queue, not their share.
        "REGISTRY_SPARQL_PER_CLIENT": "8",
    }
    with running_server(store, settings) as url:
        assert requests.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=30).ok
        stop = threading.Event()
        answers: list[tuple[int, float, str | None]] = []

        def slow_client() -> None:
            with requests.Session() as session:
                while not stop.is_set():
                    started = time.monotonic()
                    response = session.get(f"{url}/sparql", params={"query": RUNAWAY}, timeout=30)
                    seconds = time.monotonic() - started
                    answers.append((response.status_code, seconds, response.headers.get("Retry-After")))

        clients = [threading.Thread(target=slow_client) for _ in range(8)]
        for client in clients:
            client.start()
        time.sleep(1)  # every slot taken
        pages: list[float] = []
        with requests.Session() as visitor:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                started = time.monotonic()
                assert visitor.get(f"{url}/", timeout=30).status_code == 200
                pages.append(time.monotonic() - started)
                time.sleep(0.1)
        stop.set()
        for client in clients:
            client.join(timeout=30)
    p95 = statistics.quantiles(pages, n=20)[-1]
    assert p95 < 1.0, f"home page p95 {p95:.2f} s over {len(pages)} visits"
    assert answers and {status for status, _, _ in answers} == {503}
    assert all(retry is not None and int(retry) >= 1 for _, _, retry in answers)
    refused_at_once = [seconds for _, seconds, _ in answers if seconds < 1]
    stopped = [seconds for _, seconds, _ in answers if seconds >= 2.5]
    assert refused_at_once and stopped, answers

"""The public endpoint's timeout against a live server: a runaway query is stopped (its worker
process killed and replaced) while other clients are served."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import requests

from tests.conftest import BASE_IRI, children
from tests.sparql.test_limits import DATASETS, RUNAWAY

from .servers import running_server


def server_pid(url: str) -> int:
    port = int(url.rsplit(":", 1)[1])
    for candidate in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = candidate.read_bytes()
            environ = (candidate.parent / "environ").read_bytes()
        except OSError:
            continue
        if b"registry\0serve" in command and f"REGISTRY_PORT={port}\0".encode() in environ:
            return int(candidate.parent.name)
    raise LookupError(f"no registry server for {url}")


def test_a_runaway_query_is_stopped_while_other_clients_are_served(
    tmp_path: Path, template_store: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(template_store, store)
    settings = {
        "REGISTRY_BASE_IRI": BASE_IRI,
        "REGISTRY_SPARQL_TIMEOUT": "2",
        "REGISTRY_SPARQL_WORKERS": "2",
    }
    with running_server(store, settings) as url:
        endpoint = f"{url}/sparql"
        assert requests.get(endpoint, params={"query": "ASK {}"}, timeout=30).status_code == 200
        workers_before = children(server_pid(url))
        others: list[tuple[int, float]] = []
        stop = threading.Event()

        def other_client() -> None:
            with requests.Session() as session:
                while not stop.is_set():
                    started = time.monotonic()
                    response = session.get(endpoint, params={"query": "ASK {}"}, timeout=10)
                    others.append((response.status_code, time.monotonic() - started))

        thread = threading.Thread(target=other_client)
        thread.start()
        started = time.monotonic()
        runaway = requests.get(endpoint, params={"query": RUNAWAY}, timeout=30)
        elapsed = time.monotonic() - started
        stop.set()
        thread.join(timeout=15)
        assert runaway.status_code == 503, runaway.text
        assert "did not finish within 2 s" in runaway.json()["message"]
        assert elapsed <= 2 + 1, f"stopped after {elapsed:.2f} s"
        assert len(others) > 10 and all(status == 200 for status, _ in others)
        assert max(seconds for _, seconds in others) < 1.0
        # The worker that ran it is gone (not left computing), and another took its place.
        killed = workers_before - children(server_pid(url))
        assert len(killed) == 1
        assert not Path(f"/proc/{killed.pop()}").exists()
        after = requests.get(endpoint, params={"query": DATASETS}, timeout=30)
        assert after.status_code == 200

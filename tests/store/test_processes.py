"""Several registry processes over one ``oxigraph serve``: read-your-write, the If-Match race,
bursts of writes to one record, and the store going down and coming back.

Each writer is a real process (``tests/store/writer.py``), opened over the same server and
the same write-lock file, as web processes on one machine would be.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from registry.rdf import formats
from registry.records.submission import submit
from registry.records.write import read_state
from registry.runtime import Registry
from registry.web.app import create_app
from tests.conftest import BASE_IRI, PROSTATE, ROOT
from tests.store.writer import TITLE
from tests.store_server import OxigraphServer, oxigraph_server


@pytest.fixture
def served(tmp_path: Path, template_store: Path) -> Iterator[tuple[OxigraphServer, Flask]]:
    """A server over a copy of the template store, and an app (this process) over it."""
    shutil.copytree(template_store, tmp_path / "store")
    with oxigraph_server(tmp_path / "store") as server:
        app = create_app(
            {"store": server.url, "local_folder": str(tmp_path / "local"), "base_iri": BASE_IRI,
             "store_timeout": 3}
        )
        yield server, app
        app.extensions["registry"].close()


def registry_of(app: Flask) -> Registry:
    registry: Registry = app.extensions["registry"]
    return registry


def writer(server: OxigraphServer, local: Path, *args: str) -> subprocess.Popen[str]:
    """Start a writer process; it shares the app's local folder, so its write-lock file."""
    command = [sys.executable, "-m", "tests.store.writer", server.url, str(local), *args]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return out.strip().splitlines()[-1]


def open_gate(gate: Path, processes: list[subprocess.Popen[str]]) -> None:
    """Let the writers write once every one of them is ready (or say why one is not)."""
    deadline = time.monotonic() + 300
    while len(list(gate.glob("ready-*"))) < len(processes):
        for process in processes:
            if process.poll() is not None:
                raise AssertionError(f"a writer ended early: {process.communicate()}")
        assert time.monotonic() < deadline, "the writers did not get ready"
        time.sleep(0.05)
    (gate / "go").touch()


def together(server: OxigraphServer, tmp_path: Path, commands: list[list[str]]) -> list[str]:
    """Start one writer per command, let them write at once when all are ready, and return
    the last line each printed."""
    gate = tmp_path / "gate"
    gate.mkdir(exist_ok=True)
    writers = [writer(server, tmp_path / "local", *command, str(gate)) for command in commands]
    open_gate(gate, writers)
    return [finish(process) for process in writers]


def variant(tmp_path: Path, tag: str) -> Path:
    path = tmp_path / f"prostate-{tag}.ttl"
    path.write_bytes(PROSTATE.read_bytes().replace(TITLE, TITLE.replace(b'V1"', f'V1 {tag}"'.encode())))
    return path


def submit_prostate(registry: Registry) -> str:
    accepted = submit(registry.records, PROSTATE.read_bytes(), formats.syntax_for_path(PROSTATE))
    return accepted.record_id


def test_read_your_write_across_processes(served: tuple[OxigraphServer, Flask], tmp_path: Path) -> None:
    server, app = served
    registry = registry_of(app)
    record_id = submit_prostate(registry)
    assert finish(writer(server, tmp_path / "local", "read", record_id)) == "1"
    command = ["put", str(variant(tmp_path, "other")), '"1"']
    assert together(server, tmp_path, [command]) == ["200 2"]
    assert read_state(registry.records, registry.records.record_iri(record_id)).version == 2
    response = app.test_client().get(f"/api/records/{record_id}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and b"V1 other" in response.data


def test_if_match_race_across_processes(served: tuple[OxigraphServer, Flask], tmp_path: Path) -> None:
    """Two processes send the same If-Match at the same moment: one 200, one 412, and the
    change log holds exactly one entry for the race."""
    server, app = served
    registry = registry_of(app)
    record_id = submit_prostate(registry)
    before = registry.records.changes.latest()
    commands = [["put", str(variant(tmp_path, tag)), '"1"'] for tag in ("a", "b")]
    assert sorted(together(server, tmp_path, commands)) == ["200 2", "412"]
    assert registry.records.changes.latest() == before + 1
    assert read_state(registry.records, registry.records.record_iri(record_id)).version == 2


def test_bursts_from_three_processes_lose_no_write(served: tuple[OxigraphServer, Flask], tmp_path: Path) -> None:
    """Three processes write five versions each of one record at once: 16 versions, and a
    change log numbered without gap or repeat, one entry per version."""
    server, app = served
    registry = registry_of(app)
    record_id = submit_prostate(registry)
    before = registry.records.changes.latest()
    commands = [["burst", str(PROSTATE), "5", tag] for tag in ("p", "q", "r")]
    assert together(server, tmp_path, commands) == ["5", "5", "5"]
    assert read_state(registry.records, registry.records.record_iri(record_id)).version == 16
    changes = registry.records.changes.changes(before, 100)
    assert [c.sequence for c in changes] == list(range(before + 1, before + 16))
    assert sorted(c.version for c in changes) == list(range(2, 17))
    assert all(a.time <= b.time for a, b in zip(changes, changes[1:], strict=False))


def test_store_down_then_back(served: tuple[OxigraphServer, Flask], tmp_path: Path) -> None:
    """Down: /health, a dataset page and the API answer 503 within seconds. Back: writes
    work again in the same process."""
    server, app = served
    client, registry = app.test_client(), registry_of(app)
    record_id = submit_prostate(registry)
    assert client.get("/health").status_code == 200
    server.stop()
    for url in ("/health", f"/api/records/{record_id}", f"/datasets/{record_id}"):
        started = time.monotonic()
        response = client.get(url, headers={"Accept": "application/json"})
        assert response.status_code == 503, (url, response.data)
        assert time.monotonic() - started < 5, url
        assert url == "/health" or response.headers["Retry-After"] == "5"
    assert client.get("/health").json["store"]["status"] == "unavailable"  # type: ignore[index]
    server.start()
    assert client.get("/health").status_code == 200
    accepted = submit(registry.records, variant(tmp_path, "back").read_bytes(), formats.syntax_for_path(PROSTATE))
    assert accepted.changed
    assert read_state(registry.records, registry.records.record_iri(record_id)).version == 2


def test_a_store_that_stops_answering_is_503_not_a_hang(served: tuple[OxigraphServer, Flask]) -> None:
    """A server that accepts connections but never answers (stopped): 503 after the read
    timeout (``REGISTRY_STORE_TIMEOUT``, 3 s here), then answers again once it resumes."""
    server, app = served
    client = app.test_client()
    assert server.process is not None
    os.kill(server.process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        assert client.get("/health").status_code == 503
        assert client.get("/search").status_code in (200, 503)  # the search index may answer
        response = client.get("/api/records", headers={"Accept": "application/json"})
        assert response.status_code == 503
        assert time.monotonic() - started < 12
    finally:
        os.kill(server.process.pid, signal.SIGCONT)
    assert client.get("/health").status_code == 200

"""Writers of one ``oxigraph serve`` on several machines: each machine has its own write-lock
file, so they take turns through PostgreSQL's advisory lock (``database.WritersLock``).

The machines are simulated by real processes that share the server and one PostgreSQL
database but not their local folder (so not the lock file).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from registry.database import Database, WritersLock
from registry.errors import StoreUnavailable
from registry.records.write import read_state
from registry.runtime import Registry
from registry.web.app import create_app
from tests.conftest import BASE_IRI, PROSTATE, ROOT
from tests.postgresql import Cluster
from tests.store.test_processes import finish, open_gate, submit_prostate
from tests.store_server import OxigraphServer, oxigraph_server


@pytest.fixture
def shared(
    tmp_path: Path, template_store: Path, postgresql: Cluster
) -> Iterator[tuple[OxigraphServer, str, Registry]]:
    """A server over a copy of the template store, a PostgreSQL database, and a registry
    (this process: a first machine) over both."""
    shutil.copytree(template_store, tmp_path / "store")
    url = postgresql.database()
    with oxigraph_server(tmp_path / "store") as server:
        app: Flask = create_app(
            {
                "store": server.url,
                "local_folder": str(tmp_path / "local"),
                "base_iri": BASE_IRI,
                "database": url,
                "validators": 1,
                "validation_wait": 120,
            }
        )
        yield server, url, app.extensions["registry"]
        app.extensions["registry"].close()


def test_remote_store_with_postgresql_writes_under_the_advisory_lock(
    shared: tuple[OxigraphServer, str, Registry],
) -> None:
    assert isinstance(shared[2].records.writing, WritersLock)


def test_bursts_from_three_machines_lose_no_write(
    shared: tuple[OxigraphServer, str, Registry], tmp_path: Path
) -> None:
    """Three processes, each with its own lock file, write five versions each of one record
    at once: 16 versions, one change-log entry each, numbered without gap or repeat."""
    server, url, registry = shared
    record_id = submit_prostate(registry)
    before = registry.records.changes.latest()
    gate = tmp_path / "gate"
    gate.mkdir()
    # Validators load the profile slowly on a busy machine: the writers wait for theirs.
    env = {**os.environ, "REGISTRY_DATABASE": url, "REGISTRY_VALIDATION_WAIT": "120"}
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.store.writer",
                server.url,
                str(tmp_path / f"machine-{tag}"),
                "burst",
                str(PROSTATE),
                "5",
                tag,
                str(gate),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("p", "q", "r")
    ]
    open_gate(gate, writers)
    assert [finish(process) for process in writers] == ["5", "5", "5"]
    assert len({p for p in tmp_path.glob("machine-*/store.write.lock")}) == 3  # no shared file
    assert read_state(registry.records, registry.records.record_iri(record_id)).version == 16
    changes = registry.records.changes.changes(before, 100)
    assert [c.sequence for c in changes] == list(range(before + 1, before + 16))
    assert sorted(c.version for c in changes) == list(range(2, 17))


def test_a_held_lock_makes_another_machine_wait_then_refuse(postgresql: Cluster) -> None:
    """While one machine holds the lock, another waits at most its ``wait`` and gets a 503
    (StoreUnavailable); once released, the other takes it at once."""
    url = postgresql.database()
    first, second = Database(url), Database(url)
    try:
        first.upgrade()
        held, release = threading.Event(), threading.Event()

        def hold() -> None:
            with WritersLock(first, 5):
                held.set()
                release.wait(10)

        holder = threading.Thread(target=hold)
        holder.start()
        assert held.wait(10)
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="write lock"):
            with WritersLock(second, 0.5):
                pass
        assert 0.4 < time.monotonic() - started < 3
        release.set()
        holder.join(10)
        started = time.monotonic()
        with WritersLock(second, 5):
            assert time.monotonic() - started < 1
    finally:
        first.close()
        second.close()


HOLD_FOREVER = """
import sys, time
from registry.database import Database, WritersLock
with WritersLock(Database(sys.argv[1]), 5):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_killed_holder_releases_the_lock(postgresql: Cluster) -> None:
    """A writer killed while it holds the lock (SIGKILL) does not block the others: its
    connection closes and PostgreSQL releases the lock."""
    url = postgresql.database()
    database = Database(url)
    try:
        database.upgrade()
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_FOREVER, url], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreUnavailable):
            with WritersLock(database, 0.3):
                pass
        holder.kill()
        holder.wait(10)
        holder.stdout.close()
        deadline = time.monotonic() + 10
        while True:  # the server notices the closed connection within moments
            try:
                with WritersLock(database, 0.5):
                    break
            except StoreUnavailable:
                assert time.monotonic() < deadline, "the killed holder's lock was never released"
    finally:
        database.close()


def test_sqlite_has_no_advisory_lock(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="PostgreSQL"):
        WritersLock(Database(f"sqlite:///{tmp_path / 'db.sqlite'}"), 1)

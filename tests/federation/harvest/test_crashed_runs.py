"""A run whose process is killed mid-run: ``registry harvest run`` as its own process, stalled
on a source that answers nothing, killed with SIGKILL. The run it left ``running`` is marked
failed, with the reason, when the registry opens again; it withdrew nothing, and the
source runs again."""

from __future__ import annotations

import gc
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from registry.config import load_settings
from registry.database import harvest_run, open_database
from registry.federation.harvest.fetch import Limits
from registry.federation.harvest.run import fail_abandoned
from registry.federation.harvest.sources import Source, Sources
from registry.records.write import read_state
from registry.web.app import create_app
from tests.conftest import BASE_IRI
from tests.federation.harvest.servers import Answer, misbehaving
from tests.federation.harvest.test_misbehaving import FIRST, PROSTATE_TRIPLES, TURTLE, page


def harvest_command(store: Path, name: str, log: Path) -> subprocess.Popen[bytes]:
    """``registry harvest run NAME`` as its own process, its output in ``log``."""
    env = {
        **os.environ,
        "REGISTRY_STORE": str(store),
        "REGISTRY_BASE_IRI": BASE_IRI,
        "REGISTRY_VALIDATORS": "1",
    }
    command = [sys.executable, "-m", "registry", "harvest", "run", name]
    with log.open("wb") as output:
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


def test_a_killed_run_is_failed_and_withdraws_nothing(tmp_path: Path, template_store: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(template_store, store)
    stall = threading.Event()

    def answer(path: str) -> Answer:
        if stall.is_set():  # the second run waits for an answer that never comes
            time.sleep(120)
        return 200, TURTLE, page(PROSTATE_TRIPLES, None)

    with misbehaving(answer) as url:
        app = create_app({"store": str(store), "base_iri": BASE_IRI})
        registry = app.extensions["registry"]
        registry.harvester.sources.add(Source("slow", url + "catalog", "dcat", 0))
        assert registry.harvester.run("slow").created == 1
        record = registry.layout.record_iri(registry.layout.record_id_for(FIRST))
        registry.close()
        del app, registry
        gc.collect()  # a closed store is released when collected

        stall.set()
        log = tmp_path / "harvest.log"
        process = harvest_command(store, "slow", log)
        database = open_database(load_settings({"store": str(store), "base_iri": BASE_IRI}))
        sources = Sources(database)
        deadline = time.monotonic() + 60
        while not sources.running("slow"):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the run never started"
            time.sleep(0.2)
        time.sleep(1)  # it is reading the source now
        assert fail_abandoned(sources, Limits()) == []  # its process is alive: left alone
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        (left,) = sources.running("slow")
        assert left.pid == process.pid

        app = create_app({"store": str(store), "base_iri": BASE_IRI})
        registry = app.extensions["registry"]
        try:
            crashed = registry.harvester.sources.run(left.id)
            assert crashed.status == "failed" and crashed.finished
            assert f"pid {process.pid}" in crashed.report["stopped"]
            assert "nothing was withdrawn" in crashed.report["stopped"]
            assert crashed.report["withdrawn"] == []
            assert not read_state(registry.records, record).withdrawn
            stall.clear()
            again = registry.harvester.run("slow")
            assert again.status == "complete" and again.unchanged == 1, again
        finally:
            registry.close()
            database.close()


@pytest.fixture
def sources(tmp_path: Path, database_url: str) -> Iterator[Sources]:
    """One source, in SQLite beside a store or in PostgreSQL."""
    settings = load_settings({"store": str(tmp_path / "store"), "database": database_url})
    database = open_database(settings)
    sources = Sources(database)
    sources.add(Source("a", "https://a.example/", "dcat", 0))
    yield sources
    database.close()


def test_a_run_older_than_the_run_time_limit_is_abandoned(sources: Sources) -> None:
    run = sources.start_run("a")  # this process: alive, maybe another harvester's run
    assert fail_abandoned(sources, Limits(run_seconds=3600)) == []
    # A process of another machine sharing the database: its pid means nothing here.
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    with sources.database.writing() as db:
        elsewhere = {"host": "another-machine", "pid": finished.pid}
        db.execute(update(harvest_run).where(harvest_run.c.id == run).values(elsewhere))
    assert fail_abandoned(sources, Limits(run_seconds=3600)) == []
    time.sleep(1.1)
    assert fail_abandoned(sources, Limits(run_seconds=0, timeout=0)) == [run]
    assert "REGISTRY_HARVEST_RUN_SECONDS" in sources.run(run).report["stopped"]


def test_a_run_of_this_process_is_abandoned_before_its_source_runs_again(
    sources: Sources,
) -> None:
    """Under the harvester's lock no run of the source goes on in this process."""
    run = sources.start_run("a")
    assert fail_abandoned(sources, Limits()) == []
    assert fail_abandoned(sources, Limits(), "a") == [run]
    assert sources.run(run).status == "failed"

"""Two web processes (``registry serve --processes 2``) over one ``oxigraph serve`` and one
PostgreSQL database, on 127.0.0.1: read-your-write across the processes, the If-Match race,
a SIGKILL of one process during a write burst, and the store going down and coming back.

Both processes listen on one port (gunicorn's workers share the socket); ``/health`` says
which process answered (``process``) and the last change its search index applied
(``index.position``), so a test tells the processes apart and knows when each has a write.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib.namespace import DCTERMS

from bench.workload import Submission, inconsistencies, publisher_and_dataset
from registry.config import load_settings
from registry.records.accounts import Accounts
from registry.records.layout import record_id_for
from registry.records.submission import submit
from registry.runtime import Registry, open_registry
from registry.synthetic.agents import agents
from registry.synthetic.records import records
from tests.conftest import ROOT, children
from tests.e2e.servers import free_port, wait_for_port
from tests.e2e.test_live_api import race
from tests.postgresql import Cluster
from tests.store_server import OxigraphServer

pytestmark = pytest.mark.e2e

PROCESSES = 2
FOLLOW_WITHIN = 2.0
"""Seconds within which a write through one process is searchable in every process."""
RECORDS = 60


@dataclass
class Deployment:
    """The server, the web processes' master and URL, the records to send, and a registry
    (this test process) over the same store and database, for checking."""

    store: OxigraphServer
    master: subprocess.Popen[bytes]
    url: str
    submissions: list[Submission]
    registry: Registry


def prepared(
    store: OxigraphServer, folder: Path, base_iri: str, database: str
) -> tuple[Registry, list[Submission]]:
    """Register the generated agents and an account per publisher; return the registry
    (left open, for checks) and ``RECORDS`` generated records to POST."""
    settings = {
        "store": store.url,
        "local_folder": str(folder),
        "base_iri": base_iri,
        "database": database,
        "validators": 1,
        "validation_wait": 120,
    }
    registry = open_registry(load_settings(settings))
    for generated in agents():
        submit(registry.records, generated.data, generated.syntax)
    accounts = Accounts(registry.database)
    tokens: dict[str, str] = {}
    submissions = []
    for record in records(RECORDS, 11):
        agent, dataset = publisher_and_dataset(record.data)
        if agent not in tokens:
            name = f"provider-{len(tokens)}"
            accounts.add_provider(name, agent)
            tokens[agent] = accounts.new_token(name)
        submissions.append(Submission(record.data, tokens[agent], record_id_for(dataset)))
    return registry, submissions


@pytest.fixture(scope="module")
def deployment(
    tmp_path_factory: pytest.TempPathFactory, postgresql: Cluster
) -> Iterator[Deployment]:
    folder = tmp_path_factory.mktemp("processes")
    port = free_port()
    base_iri = f"http://127.0.0.1:{port}/"
    database = postgresql.database()
    (folder / "oxigraph").mkdir()
    store = OxigraphServer(folder / "oxigraph").start()
    registry, submissions = prepared(store, folder / "checker", base_iri, database)
    env = {
        **os.environ,
        "REGISTRY_STORE": store.url,
        "REGISTRY_DATABASE": database,
        "REGISTRY_LOCAL_FOLDER": str(folder / "web"),
        "REGISTRY_PORT": str(port),
        "REGISTRY_BASE_IRI": base_iri,
        "REGISTRY_VALIDATION_WAIT": "120",
        "REGISTRY_STORE_TIMEOUT": "3",
        "REGISTRY_RATE_LIMIT_WRITES": "",
        "REGISTRY_HARVEST_CHECK_INTERVAL": "0",
    }
    log = folder / "serve.log"
    with log.open("wb") as output:
        master = subprocess.Popen(
            [sys.executable, "-m", "registry", "serve", "--processes", str(PROCESSES)],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, master, seconds=300)
        url = f"http://127.0.0.1:{port}"
        processes(url, PROCESSES, seconds=300)  # every worker has started
        yield Deployment(store, master, url, submissions, registry)
    except BaseException:
        print(log.read_text(errors="replace"))
        raise
    finally:
        master.terminate()
        master.wait(60)
        registry.close()
        store.stop()


def health(url: str, timeout: float = 10) -> requests.Response:
    """``/health`` over a new connection (so that either process may take it)."""
    return requests.get(f"{url}/health", headers={"Connection": "close"}, timeout=timeout)


def processes(
    url: str, count: int, seconds: float = 30, at_least: int = 0
) -> dict[int, dict[str, object]]:
    """Ask ``/health`` until ``count`` processes answered with an index at ``at_least``;
    return each one's last answer by process id."""
    seen: dict[int, dict[str, object]] = {}
    deadline = time.monotonic() + seconds
    while True:
        try:
            body = health(url).json()
            if body["index"]["position"] >= at_least:
                seen[body["process"]] = body
        except requests.RequestException:
            pass  # a worker starting or just killed
        if len(seen) >= count:
            return seen
        assert time.monotonic() < deadline, f"{len(seen)} of {count} processes answered: {seen}"
        time.sleep(0.02)


def post(url: str, submission: Submission) -> requests.Response:
    headers = {
        "Authorization": f"Bearer {submission.token}",
        "Content-Type": "text/turtle",
        "Connection": "close",
    }
    return requests.post(f"{url}/api/records", data=submission.body, headers=headers, timeout=120)


def title_of(body: bytes) -> str:
    """The dataset's title (not a distribution's)."""
    _, dataset = publisher_and_dataset(body)
    triples = ox.parse(body, format=ox.RdfFormat.TURTLE)
    title = ox.NamedNode(str(DCTERMS.title))
    return next(
        t.object.value for t in triples if t.subject.value == dataset and t.predicate == title
    )


def retitled(submission: Submission, tag: str) -> bytes:
    title = title_of(submission.body)
    return submission.body.replace(f'"{title}"'.encode(), f'"{title} {tag}"'.encode())


def test_a_write_through_one_process_is_searchable_in_every_process_within_2_s(
    deployment: Deployment,
) -> None:
    url, submission = deployment.url, deployment.submissions[0]
    answer = post(url, submission)
    assert answer.status_code == 201, answer.text
    written = time.monotonic()
    latest = deployment.registry.records.changes.latest()
    caught_up = processes(url, PROCESSES, seconds=10, at_least=latest)
    assert time.monotonic() - written < FOLLOW_WITHIN, caught_up
    words = title_of(submission.body)
    for _ in range(10):  # whichever process answers has it: in search, and to read
        found = requests.get(
            f"{url}/search", params={"q": words}, headers={"Connection": "close"}, timeout=30
        )
        assert submission.record_id in found.text
        read = requests.get(
            f"{url}/api/records/{submission.record_id}",
            headers={"Accept": "text/turtle", "Connection": "close"},
            timeout=30,
        )
        assert read.status_code == 200 and words.encode() in read.content


def test_the_if_match_race_across_processes_has_one_winner(deployment: Deployment) -> None:
    """Two editors PUT with the same ETag at once, five rounds: one 200 and one 412 each
    round, the winner's version whole."""
    url, submission = deployment.url, deployment.submissions[1]
    assert post(url, submission).status_code == 201
    record = f"{url}/api/records/{submission.record_id}"
    etag = requests.get(record, timeout=30).headers["ETag"]
    for round_ in range(5):
        bodies = [retitled(submission, f"round {round_} editor {i}") for i in range(2)]
        sent = {
            "Authorization": f"Bearer {submission.token}",
            "Content-Type": "text/turtle",
            "If-Match": etag,
            "Connection": "close",
        }
        answers = race(record, sent, bodies, timeout=120)
        assert sorted(a.status_code for _, a in answers) == [200, 412], [a.text for _, a in answers]
        won, winner = next((body, a) for body, a in answers if a.status_code == 200)
        current = requests.get(record, headers={"Accept": "text/turtle"}, timeout=30)
        assert title_of(won).encode() in current.content
        assert all(
            title_of(lost).encode() not in current.content
            for lost, a in answers
            if a.status_code == 412
        )
        etag = winner.headers["ETag"]
    changes = deployment.registry.records.changes
    assert [c.sequence for c in changes.changes(0, 10_000)] == list(range(1, changes.latest() + 1))


def test_a_sigkilled_process_during_a_write_burst_loses_nothing_acknowledged(
    deployment: Deployment,
) -> None:
    """Four clients POST 40 records while one web process is SIGKILLed: every record
    acknowledged (201) is whole, the change log is numbered without gap, gunicorn starts a
    new process, and every process's index has every record."""
    url, burst = deployment.url, deployment.submissions[10:50]
    acknowledged: set[str] = set()
    sent = threading.Semaphore(0)
    lock = threading.Lock()
    queue = list(burst)

    def client() -> None:
        while True:
            with lock:
                if not queue:
                    return
                submission = queue.pop()
            try:
                if post(url, submission).status_code == 201:
                    with lock:
                        acknowledged.add(submission.record_id)
            except requests.RequestException:
                pass  # the killed process's connections: not acknowledged
            sent.release()

    workers = set(children(deployment.master.pid))
    assert len(workers) == PROCESSES
    clients = [threading.Thread(target=client) for _ in range(4)]
    for thread in clients:
        thread.start()
    for _ in range(10):
        sent.acquire(timeout=120)
    victim = sorted(workers)[0]
    os.kill(victim, signal.SIGKILL)
    for thread in clients:
        thread.join(300)
    assert len(acknowledged) >= 20, acknowledged
    registry = deployment.registry
    registry.index.reconcile()
    assert inconsistencies(registry, [s.record_id for s in burst], acknowledged) == []
    changes = registry.records.changes
    assert [c.sequence for c in changes.changes(0, 10_000)] == list(range(1, changes.latest() + 1))
    replaced = processes(url, PROCESSES, seconds=300, at_least=changes.latest())
    assert victim not in replaced  # gunicorn started another in its place
    for record_id in acknowledged:
        found = requests.get(
            f"{url}/api/records/{record_id}", headers={"Accept": "text/turtle"}, timeout=30
        )
        assert found.status_code == 200


def test_the_store_going_down_and_coming_back(deployment: Deployment) -> None:
    """Down: /health and the API answer 503 within seconds, in every process. Back: the
    same processes write again, and every one of them has the write within 2 s."""
    url, store = deployment.url, deployment.store
    before = set(processes(url, PROCESSES))
    record_id = deployment.submissions[0].record_id
    store.stop()
    try:
        for _ in range(6):
            started = time.monotonic()
            assert health(url).status_code == 503
            read = requests.get(
                f"{url}/api/records/{record_id}",
                headers={"Accept": "text/turtle", "Connection": "close"},
                timeout=30,
            )
            assert read.status_code == 503
            assert time.monotonic() - started < 8
    finally:
        store.start()
    deadline = time.monotonic() + 30
    while health(url).status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    answer = post(url, deployment.submissions[55])
    assert answer.status_code == 201, answer.text
    written = time.monotonic()
    latest = deployment.registry.records.changes.latest()
    after = processes(url, PROCESSES, seconds=10, at_least=latest)
    assert time.monotonic() - written < FOLLOW_WITHIN
    assert set(after) == before  # no process was restarted

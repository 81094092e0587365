"""Nothing lost, nothing half-written: a real server is SIGKILLed at random moments of a
bulk submission over HTTP, restarted, and every record is checked to be whole or absent.

Each round starts ``registry serve`` on the same store, lets two clients POST the records
not yet acknowledged, and kills the server at a random moment while they write. After at least
``KILLS`` kills and all ``RECORDS`` records acknowledged, the store is opened and each
record is checked: its current graph, its version graph and its history event agree, and
every record a client saw acknowledged (201) is there.
"""

from __future__ import annotations

import gc
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import requests

from bench.workload import Submission, prepare
from registry.config import load_settings
from registry.rdf.namespaces import CIR
from registry.records.write import history_iri, read_state, version_iri
from registry.runtime import Registry, open_registry

from .servers import free_port, wait_for_port

RECORDS = int(os.environ.get("CRASH_RECORDS", "1000"))
"""Records of the bulk submission (about 3.5 minutes on a quiet 2-core machine; set
``CRASH_RECORDS=200`` for a quicker run while developing)."""
KILLS = 20
BASE_IRI = "http://registry.test/"


def serve(store: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "REGISTRY_STORE": str(store),
        "REGISTRY_PORT": str(port),
        "REGISTRY_BASE_IRI": BASE_IRI,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "registry", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )


def submit_until_refused(
    url: str, pending: list[Submission], acknowledged: set[str], refused: list[str]
) -> None:
    """POST records until the server dies; note each one the server acknowledged."""
    with requests.Session() as session:
        while pending:
            try:
                item = pending.pop()
            except IndexError:
                return
            try:
                response = session.post(
                    f"{url}/api/records",
                    data=item.body,
                    headers={
                        "Authorization": f"Bearer {item.token}",
                        "Content-Type": "text/turtle",
                    },
                    timeout=30,
                )
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                pending.append(item)  # killed mid-answer, outcome unknown: resent next round
                return
            if response.status_code in (201, 409):  # 409: stored before a kill, then resent
                acknowledged.add(item.record_id)
            else:
                refused.append(f"{item.record_id} {response.status_code}: {response.text[:300]}")


def inconsistencies(registry: Registry, record_ids: list[str], acknowledged: set[str]) -> list[str]:
    """Return what is wrong with each record: half-written or lost."""
    problems = []
    for record_id in record_ids:
        record = registry.layout.record_iri(record_id)
        state = read_state(registry.records, record)
        versions = registry.store.has_graph(version_iri(record, 1))
        events = registry.store.graph_triples(history_iri(record))
        searchable = registry.search.card(record_id) is not None
        if not state.exists:
            if versions or events:
                problems.append(f"{record_id}: history without a record")
            if searchable:
                problems.append(f"{record_id}: in the search index, not in the store")
            if record_id in acknowledged:
                problems.append(f"{record_id}: acknowledged, then lost")
            continue
        version = registry.store.graph_triples(version_iri(record, state.version))
        digest = ox.NamedNode(str(CIR.descriptionDigest))
        if state.version != 1 or not any(
            t.predicate == digest and t.object.value == state.digest  # type: ignore[union-attr]
            for t in version
        ):
            problems.append(f"{record_id}: current record and version {state.version} differ")
        if len(events) == 0:
            problems.append(f"{record_id}: no history event")
        if not searchable:
            problems.append(f"{record_id}: stored, but missing from the search index")
        if len(registry.store.graph_triples(record)) < 50:
            problems.append(f"{record_id}: current graph incomplete")
    return problems


@dataclass
class KillRun:
    """What a submission under SIGKILLs ended with."""

    acknowledged: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)
    kills: int = 0


def submit_under_kills(
    store: Path, submissions: list[Submission], kills: int, seed: int
) -> KillRun:
    """Serve ``store`` and have two clients submit every record, SIGKILLing the server
    ``kills`` times at random moments (after a random number of this round's records were
    acknowledged, plus up to 0.3 s: mid-parse, -validate, -write), restarting it each time."""
    run, pending, rng = KillRun(), list(reversed(submissions)), random.Random(seed)
    while (run.kills < kills or pending) and not run.refused:
        port = free_port()
        server = serve(store, port)
        wait_for_port(port, server, seconds=60)
        clients = [
            threading.Thread(
                target=submit_until_refused,
                args=(f"http://127.0.0.1:{port}", pending, run.acknowledged, run.refused),
            )
            for _ in range(2)
        ]
        for client in clients:
            client.start()
        if run.kills < kills:
            target = len(run.acknowledged) + rng.randint(1, max(1, len(submissions) // kills))
            while len(run.acknowledged) < target and any(c.is_alive() for c in clients):
                time.sleep(0.01)
            time.sleep(rng.uniform(0, 0.3))
            server.send_signal(signal.SIGKILL)
            run.kills += 1
        for client in clients:
            client.join(timeout=120)
        server.kill()
        server.wait(timeout=30)
    gc.collect()
    return run


def test_sigkill_during_bulk_submission_leaves_every_record_whole_or_absent(
    tmp_path: Path,
) -> None:
    store = tmp_path / "store"
    submissions = prepare(store, BASE_IRI, RECORDS)
    run = submit_under_kills(store, submissions, KILLS, seed=20260101)
    acknowledged, refused, kills = run.acknowledged, run.refused, run.kills
    registry = open_registry(load_settings({"store": str(store), "base_iri": BASE_IRI}))
    try:
        problems = inconsistencies(registry, [s.record_id for s in submissions], acknowledged)
    finally:
        registry.close()
    print(
        f"{kills} kills, {len(acknowledged)} records acknowledged, {len(problems)} inconsistencies"
    )
    assert kills >= KILLS
    assert refused == []
    assert len(acknowledged) == RECORDS
    assert problems == []

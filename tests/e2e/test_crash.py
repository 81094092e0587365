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
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bench.workload import Submission, free_port, inconsistencies, prepare, serve, wait_for_port
from registry.config import load_settings
from registry.runtime import open_registry

RECORDS = int(os.environ.get("CRASH_RECORDS", "1000"))
"""Records of the bulk submission (about 3.5 minutes on a quiet 2-core machine; set
``CRASH_RECORDS=200`` for a quicker run while developing)."""
KILLS = 20
BASE_IRI = "http://registry.test/"


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
            elif response.status_code == 503:  # the validators' back-pressure: send it again
                pending.append(item)
                time.sleep(float(response.headers.get("Retry-After", "1")))
            else:
                refused.append(f"{item.record_id} {response.status_code}: {response.text[:300]}")


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
        # A bulk load from one address and token: the write limits would refuse it.
        server = serve(store, port, BASE_IRI, {"rate_limit_writes": ""})
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

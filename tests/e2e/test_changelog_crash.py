"""The change log after SIGKILLs: a real server is killed at random moments while two
clients POST records; after every record is acknowledged, the log is gap-free, holds one
entry per write the history holds, and one create for every record stored."""

from __future__ import annotations

import gc
import random
import signal
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from bench.workload import prepare
from registry.config import load_settings
from registry.records.changes import history_changes
from registry.runtime import open_registry
from tests.e2e.servers import free_port, wait_for_port
from tests.e2e.test_crash import serve, submit_until_refused

RECORDS, KILLS = 60, 5
BASE_IRI = "http://registry.test/"

pytestmark = pytest.mark.e2e


def test_sigkill_between_writes_leaves_the_change_log_gap_free(tmp_path: Path) -> None:
    store = tmp_path / "store"
    submissions = prepare(store, BASE_IRI, RECORDS)
    pending = list(reversed(submissions))
    acknowledged: set[str] = set()
    refused: list[str] = []
    rng = random.Random(20261206)
    kills = 0
    while (kills < KILLS or pending) and not refused:
        port = free_port()
        server = serve(store, port)
        wait_for_port(port, server, seconds=60)
        url = f"http://127.0.0.1:{port}"
        clients = [
            threading.Thread(target=submit_until_refused, args=(url, pending, acknowledged, refused))
            for _ in range(2)
        ]
        for client in clients:
            client.start()
        if kills < KILLS:
            target = len(acknowledged) + rng.randint(1, RECORDS // KILLS)
            while len(acknowledged) < target and any(c.is_alive() for c in clients):
                time.sleep(0.01)
            time.sleep(rng.uniform(0, 0.3))
            server.send_signal(signal.SIGKILL)
            kills += 1
        for client in clients:
            client.join(timeout=120)
        server.kill()
        server.wait(timeout=30)
    gc.collect()
    registry = open_registry(load_settings({"store": str(store), "base_iri": BASE_IRI}))
    try:
        latest = registry.records.changes.latest()
        logged = registry.records.changes.changes(0, latest + 1)  # a gap raises LookupError
        history = history_changes(registry.records)
    finally:
        registry.close()
    assert refused == [] and len(acknowledged) == RECORDS and kills == KILLS
    assert [c.sequence for c in logged] == list(range(1, latest + 1))
    # The log is in commit order, history in the order the writes began: the same writes.
    assert Counter((c.kind, c.record_id, c.version) for c in logged) == Counter(
        (c.kind, c.record_id, c.version) for c in history
    )
    created = {c.record_id for c in logged if c.kind == "create"}
    assert acknowledged <= created
    times = [c.time for c in logged]
    assert times == sorted(times)

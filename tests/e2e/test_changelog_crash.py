"""The change log after SIGKILLs: a real server is killed at random moments while two
clients POST records; after every record is acknowledged, the log is gap-free, holds one
entry per write the history holds, and one create for every record stored."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench.workload import prepare
from registry.config import load_settings
from registry.records.changes import history_changes
from registry.runtime import open_registry
from tests.e2e.test_crash import submit_under_kills

RECORDS, KILLS = 60, 5
BASE_IRI = "http://registry.test/"

pytestmark = pytest.mark.e2e


def test_sigkill_between_writes_leaves_the_change_log_gap_free(tmp_path: Path) -> None:
    store = tmp_path / "store"
    submissions = prepare(store, BASE_IRI, RECORDS)
    run = submit_under_kills(store, submissions, KILLS, seed=20261206)
    acknowledged, refused, kills = run.acknowledged, run.refused, run.kills
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

"""The load + kill suite, short: locust clients browse, search, query and write while the
server is SIGKILLed and restarted; no answer is a server error, and every write a client saw
acknowledged is in the store, whole (``python -m bench.load_kill`` is the long run, with
its figures in README)."""

from __future__ import annotations

from pathlib import Path

from bench.load_kill import report, run


def test_mixed_load_with_sigkills_loses_nothing_acknowledged(tmp_path: Path) -> None:
    outcome = run(users=8, seconds=40, kills=2, records=60, folder=tmp_path)
    print(report(outcome, 8, 40))
    assert len(outcome.restarts) == 2 and max(outcome.restarts) < 120
    assert outcome.server_errors == 0, outcome.failures
    assert outcome.acknowledged > 0
    assert outcome.problems == []
    answered = sum(int(row["Request Count"]) - int(row["Failure Count"]) for row in outcome.stats)
    assert answered > 0

"""A mixed load with SIGKILLs: 16 locust clients for 3 minutes (80 % pages and search, 15 %
SPARQL, 5 % provider writes; ``bench/locustfile.py``) while the server is SIGKILLed 5 times
and restarted at once.

    .venv/bin/python -m bench.load_kill [--users 16] [--seconds 180] [--kills 5]

Prints p50/p95 of the answered requests and the failures per kind of request (failures are
mostly connections refused while the server is down), the restart times (SIGKILL to the
port answering again: the store's recovery, the index's reconciliation, the validators'
start), and whether every write a client saw acknowledged is in the store, whole.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from registry.config import load_settings
from registry.records.loading import description_files, load_files
from registry.resources import resource_dir
from registry.runtime import open_registry

from .workload import free_port, inconsistencies, percentile, prepare, serve, wait_for_port

BASE_IRI = "http://registry.bench/"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
UNLIMITED = {"rate_limit_writes": "", "rate_limit_validation": "", "sparql_per_client": "16"}
"""Sixteen clients from one address are not one abusive client: no rate limits, and each
may have a query running."""


@dataclass
class Outcome:
    """What one run measured."""

    stats: list[dict[str, str]]
    """Locust's statistics per kind (its percentiles count refused connections too)."""
    failures: list[dict[str, str]]
    answers: dict[str, list[float]] = field(default_factory=dict)
    """Kind -> milliseconds of each request the server answered."""
    restarts: list[float] = field(default_factory=list)
    acknowledged: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        """Answers of 500 and above (not 503: a deliberate "busy, retry"), over all kinds."""
        return sum(
            int(f["Occurrences"])
            for f in self.failures
            if "Server Error" in f["Error"] and "503" not in f["Error"]
        )


def prepared(folder: Path, records: int) -> tuple[Path, Path]:
    """A store with the sample catalogue and the generated agents, the workload file for
    locust (dataset ids for pages, ``records`` generated submissions) and its acknowledged
    file."""
    store = folder / "store"
    submissions = prepare(store, BASE_IRI, records)
    registry = open_registry(load_settings({"store": str(store), "base_iri": BASE_IRI}))
    try:
        load_files(registry.records, description_files([resource_dir("data") / "sample"]))
        datasets = list(registry.search.record_ids("dataset", 0, 1000))
    finally:
        registry.close()
        del registry
        gc.collect()
    workload = folder / "workload.json"
    workload.write_text(
        json.dumps(
            {
                "datasets": datasets,
                "submissions": [
                    {"body": s.body.decode(), "token": s.token, "record_id": s.record_id}
                    for s in submissions
                ],
            }
        )
    )
    return store, workload


def run(users: int, seconds: int, kills: int, records: int, folder: Path) -> Outcome:
    """Serve a prepared store, load it with locust and SIGKILL the server ``kills`` times."""
    store, workload = prepared(folder, records)
    acknowledged, times = folder / "acknowledged.txt", folder / "times.tsv"
    acknowledged.touch()
    port = free_port()
    server = serve(store, port, BASE_IRI, UNLIMITED)
    wait_for_port(port, server, seconds=120)
    locust = subprocess.Popen(
        [
            sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
            "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s",
            "--host", f"http://127.0.0.1:{port}", "--csv", str(folder / "load"),
            "--only-summary", "--stop-timeout", "10", "--loglevel", "ERROR",
        ],
        env={"LOAD_WORKLOAD": str(workload), "LOAD_ACKNOWLEDGED": str(acknowledged),
             "LOAD_TIMES": str(times), **_path_env()},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    started, restarts = time.monotonic(), []
    try:
        for kill in range(1, kills + 1):
            time.sleep(max(0.0, started + seconds * kill / (kills + 1) - time.monotonic()))
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=30)
            down = time.monotonic()
            server = serve(store, port, BASE_IRI, UNLIMITED)
            wait_for_port(port, server, seconds=120)
            restarts.append(time.monotonic() - down)
        locust.wait(timeout=seconds + 120)
    finally:
        locust.kill()
        server.terminate()
        server.wait(timeout=30)
    outcome = Outcome(_rows(folder / "load_stats.csv"), _rows(folder / "load_failures.csv"))
    outcome.restarts = restarts
    for line in times.read_text().splitlines():
        kind, milliseconds, answered = line.split("\t")
        if answered == "1":
            outcome.answers.setdefault(kind, []).append(float(milliseconds))
    seen = set(acknowledged.read_text().split())
    outcome.acknowledged = len(seen)
    registry = open_registry(load_settings({"store": str(store), "base_iri": BASE_IRI}))
    try:
        outcome.problems = inconsistencies(registry, sorted(seen), seen)
    finally:
        registry.close()
    return outcome


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as table:
        return list(csv.DictReader(table))


def _path_env() -> dict[str, str]:
    """The environment locust needs: this interpreter's PATH and HOME, nothing else."""
    return {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}


def report(outcome: Outcome, users: int, seconds: int) -> str:
    lines = [
        f"{users} clients for {seconds} s, {len(outcome.restarts)} SIGKILLs",
        "| kind | requests | answered | p50 ms | p95 ms |",
        "|---|---|---|---|---|",
    ]
    for row in outcome.stats:
        answered = outcome.answers.get(row["Name"], [])
        p50, p95 = (percentile(answered, q) for q in (0.5, 0.95))
        lines.append(
            f"| {row['Name']} | {row['Request Count']} | {len(answered)} | {p50:.0f} | {p95:.0f} |"
        )
    restarts = ", ".join(f"{s:.1f}" for s in outcome.restarts)
    lines += [
        f"restart after SIGKILL (s): {restarts}",
        f"server errors (5xx but 503): {outcome.server_errors}",
        "failures by error: "
        + "; ".join(
            f"{f['Name']}: {f['Error'][:80]} x{f['Occurrences']}" for f in outcome.failures
        ),
        f"writes acknowledged: {outcome.acknowledged}, lost or half-written: "
        f"{len(outcome.problems)}",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--records", type=int, default=2000, help="writes available")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        outcome = run(args.users, args.seconds, args.kills, args.records, Path(folder))
    print(report(outcome, args.users, args.seconds))


if __name__ == "__main__":
    main()

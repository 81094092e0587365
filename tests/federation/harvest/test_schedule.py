"""The server's schedule: a source is run when its interval has passed or when the command
line asks (the store being the server's), one run at a time, in a background thread."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from registry.federation.harvest.harvester import Schedule
from registry.federation.harvest.sources import Source
from registry.runtime import Registry
from tests.federation.harvest.servers import SOURCE_BASE


def test_due_sources(harvesting: Registry) -> None:
    harvester = harvesting.harvester
    harvester.sources.add(Source("daily", "https://a.example/", "dcat", 86400))
    harvester.sources.add(Source("by-hand", "https://b.example/", "dcat", 0))
    assert harvester.due() == {"daily": False}  # never run
    run = harvester.sources.start_run("daily")
    harvester.sources.finish_run(run, "complete", {})
    assert harvester.due() == {}
    assert harvester.due(datetime.now(UTC) + timedelta(days=1, seconds=1)) == {"daily": False}
    harvester.sources.request_run("by-hand")
    assert harvester.due() == {"by-hand": False}


def test_a_requested_run_happens_in_the_background(source: Registry, harvesting: Registry) -> None:
    harvester = harvesting.harvester
    harvester.sources.add(Source("other", SOURCE_BASE + "dump.nq.gz", "dump", 0))
    schedule = Schedule(harvester, 0.1)
    schedule.start()
    try:
        harvester.sources.request_run("other")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            runs = harvester.sources.runs("other")
            if runs and runs[0].status != "running":
                break
            time.sleep(0.2)
        assert runs and runs[0].status == "complete" and runs[0].report["created"] == 36
    finally:
        schedule.stop()

"""``Harvester``: the harvest facade ``runtime`` builds (sources, runs, the schedule).

Runs go one at a time (``running``), whether the schedule, a CLI request or a test starts
them. While ``registry serve`` runs, ``Schedule`` looks every ``harvest_check_interval``
seconds for sources due (their ``every`` since the last run) or asked for by
``registry harvest run`` (which cannot open the store the server holds, so it leaves a
request in the sources file).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from registry.config import Settings
from registry.database import Database
from registry.federation.harvest.fetch import Limits
from registry.federation.harvest.run import Harvest, Report, fail_abandoned, run_source
from registry.federation.harvest.sources import Source, Sources
from registry.records.audit import Author
from registry.records.facade import Records
from registry.records.harvested import Harvested, harvested_records, withdraw_harvested

log = logging.getLogger(__name__)


class Harvester:
    """Harvest sources into one registry's records."""

    def __init__(
        self,
        records: Records,
        database: Database,
        settings: Settings,
        owner_of: Callable[[str], str | None] = lambda provider: None,
    ) -> None:
        self.sources = Sources(database)
        self.harvest = Harvest(
            records,
            self.sources,
            Limits.from_settings(settings),
            settings.harvest_withdraw_share,
            settings.harvest_withdraw_minimum,
            owner_of,
        )
        self.running = threading.Lock()
        fail_abandoned(self.sources, self.harvest.limits)  # runs a killed process left "running"

    def run(self, name: str, allow_withdraw: bool = False) -> Report:
        """Harvest ``name`` now (after any run in progress); ``allow_withdraw``: an operator
        confirmed withdrawals the guard would hold."""
        with self.running:
            return run_source(self.harvest, name, allow_withdraw)

    def harvest_records(self, name: str) -> list[Harvested]:
        """The current records harvested from source ``name``."""
        return harvested_records(self.harvest.records, self.harvest.source_iri(name))

    def withdraw_all(self, name: str) -> list[str]:
        """Withdraw every current record of the source (``harvest remove --withdraw-records``)."""
        source = self.harvest.source_iri(name)
        author = Author(f"harvest:{name}")
        with self.running:
            found = harvested_records(self.harvest.records, source)
            for record in found:
                withdraw_harvested(self.harvest.records, record.record_id, source, author)
        return [record.topic for record in found]

    def overview(self) -> list[dict[str, Any]]:
        """Each source with its latest run, for the /harvest page (operational data: never in
        the store)."""
        shown = []
        for source in self.sources.all():
            runs = self.sources.runs(source.name, limit=1)
            shown.append({"source": source, "run": runs[0] if runs else None})
        return shown

    def due(self, now: datetime | None = None) -> dict[str, bool]:
        """The sources whose interval has passed since their last run, and those asked for;
        each with whether the operator who asked allowed withdrawals past the guard."""
        now = now or datetime.now(UTC)
        due = self.sources.take_requests()
        for source in self.sources.all():
            if source.every > 0 and self._waited(source, now):
                due.setdefault(source.name, False)
        return dict(sorted(due.items()))

    def _waited(self, source: Source, now: datetime) -> bool:
        runs = self.sources.runs(source.name, limit=1)
        if not runs:
            return True
        last = datetime.fromisoformat(runs[0].started)
        return (now - last).total_seconds() >= source.every


class Schedule(threading.Thread):
    """Runs due sources in the background while the server serves (one run at a time)."""

    def __init__(self, harvester: Harvester, interval: float) -> None:
        super().__init__(name="harvest", daemon=True)
        self.harvester, self.interval = harvester, interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            for name, allow_withdraw in self.harvester.due().items():
                try:
                    report = self.harvester.run(name, allow_withdraw)
                    log.info("harvest %s: %s", name, report.status)
                except Exception:  # one source's trouble never stops the schedule
                    log.exception("harvest %s failed", name)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=self.interval + 5)

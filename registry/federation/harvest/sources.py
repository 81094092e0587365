"""Harvest sources and their runs: what to read, how often, and what each run did.

Operational data, like accounts: it lives in the operational database (``registry.database``:
SQLite beside the store, or PostgreSQL), never in the store, so nothing of it answers a
SPARQL query, and backups carry it with the accounts. Earlier versions kept it in
``<store>-harvest.sqlite``, imported once when the database is opened.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from registry.database import Database, harvest_request, harvest_run, harvest_source, now
from registry.errors import NotFound, RegistryError

KINDS = ("dcat", "feed", "fdp", "oai", "sparql", "dump")
"""The protocols a source may speak; one reader each (``readers``)."""


class SourceError(RegistryError):
    """A source cannot be added, changed or run as asked."""

    title = "Harvest source error"


@dataclass(frozen=True)
class Source:
    """A catalogue the registry harvests: where, which protocol, how often, for whom."""

    name: str
    url: str
    kind: str
    every: float
    """Seconds between two scheduled runs (0: only when started by hand)."""
    provider: str | None = None
    """The provider account whose records the harvested datasets become."""
    position: str | None = None
    """Where the reader stopped (a feed fragment, an OAI-PMH date): the next run starts there."""


@dataclass(frozen=True)
class Run:
    """One harvest of one source: when, how it ended, and its report (a JSON object)."""

    id: int
    source: str
    started: str
    finished: str | None
    status: str
    """``running``, ``complete`` (every page read), ``partial`` (stopped early) or ``failed``."""
    report: dict[str, Any]
    pid: int | None = None
    """The process that runs (or ran) it: a ``running`` run whose process is gone crashed."""
    host: str | None = None
    """The machine of that process (None: this one, as in an earlier version's file)."""


def parse_every(text: str) -> float:
    """Seconds in an interval written ``90s``, ``30m``, ``24h``, ``7d`` or ``0`` (never)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    text = text.strip().lower()
    try:
        if text and text[-1] in units:
            seconds = float(text[:-1]) * units[text[-1]]
        else:
            seconds = float(text)
    except ValueError:
        raise SourceError(f"--every {text!r}: write an interval like 30m, 24h or 7d.") from None
    if seconds < 0:
        raise SourceError(f"--every {text!r}: an interval cannot be negative.")
    return seconds


class Sources:
    """The harvest tables of the operational database; every call is one short transaction,
    so the server's scheduler and the ``registry harvest`` command share them safely (as
    ``Accounts`` does)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, source: Source) -> Source:
        """Keep a new source; a name in use, an unknown kind or a non-http(s) URL is refused."""
        if not source.name.strip() or not source.url.startswith(("http://", "https://")):
            raise SourceError("Give the source a name and an http(s) URL.")
        if source.kind not in KINDS:
            raise SourceError(f"Unknown kind {source.kind!r}; use one of {', '.join(KINDS)}.")
        row = {
            "name": source.name,
            "url": source.url,
            "kind": source.kind,
            "every": source.every,
            "provider": source.provider,
            "created": now(),
        }
        try:
            with self.database.writing() as db:
                db.execute(insert(harvest_source).values(row))
        except IntegrityError:
            raise SourceError(f"A source named {source.name!r} exists.") from None
        return source

    def get(self, name: str) -> Source:
        with self.database.reading() as db:
            row = db.execute(SOURCES.where(harvest_source.c.name == name)).first()
        if row is None:
            raise NotFound(f"There is no harvest source named {name!r}.")
        return Source(*row)

    def all(self) -> list[Source]:
        with self.database.reading() as db:
            rows = db.execute(SOURCES.order_by(harvest_source.c.name)).all()
        return [Source(*row) for row in rows]

    def remove(self, name: str) -> None:
        """Forget a source and its runs (its records are the caller's to keep or withdraw)."""
        self.get(name)
        with self.database.writing() as db:
            db.execute(delete(harvest_run).where(harvest_run.c.source == name))
            db.execute(delete(harvest_request).where(harvest_request.c.source == name))
            db.execute(delete(harvest_source).where(harvest_source.c.name == name))

    def keep_position(self, name: str, position: str | None) -> None:
        """Remember where the reader stopped, after a run that read up to there."""
        with self.database.writing() as db:
            db.execute(
                update(harvest_source)
                .where(harvest_source.c.name == name)
                .values(position=position)
            )

    def start_run(self, name: str) -> int:
        """Number a new run of ``name``, ``running`` in this process."""
        values = {
            "source": name,
            "started": now(),
            "status": "running",
            "report": "{}",
            "pid": os.getpid(),
            "host": socket.gethostname(),
        }
        with self.database.writing() as db:
            result = db.execute(insert(harvest_run).values(values))
        number: int = result.inserted_primary_key[0]  # type: ignore[index]
        return number

    def finish_run(self, run_id: int, status: str, report: dict[str, Any]) -> None:
        with self.database.writing() as db:
            db.execute(
                update(harvest_run)
                .where(harvest_run.c.id == run_id)
                .values(finished=now(), status=status, report=json.dumps(report))
            )

    def running(self, name: str | None = None) -> list[Run]:
        """The runs still marked ``running`` (of source ``name``, or of every source)."""
        query = RUNS.where(harvest_run.c.status == "running")
        if name is not None:
            query = query.where(harvest_run.c.source == name)
        with self.database.reading() as db:
            return [_run(row) for row in db.execute(query.order_by(harvest_run.c.id))]

    def runs(self, name: str, limit: int = 10) -> list[Run]:
        """The source's latest runs, newest first."""
        query = RUNS.where(harvest_run.c.source == name).order_by(harvest_run.c.id.desc())
        with self.database.reading() as db:
            return [_run(row) for row in db.execute(query.limit(limit))]

    def run(self, run_id: int) -> Run:
        with self.database.reading() as db:
            row = db.execute(RUNS.where(harvest_run.c.id == run_id)).first()
        if row is None:
            raise NotFound(f"There is no harvest run {run_id}.")
        return _run(row)

    def last_success(self, name: str) -> Run | None:
        """The source's latest complete run: OAI-PMH's ``from`` and the schedule count from it."""
        query = (
            RUNS.where(harvest_run.c.source == name, harvest_run.c.status == "complete")
            .order_by(harvest_run.c.id.desc())
            .limit(1)
        )
        with self.database.reading() as db:
            row = db.execute(query).first()
        return None if row is None else _run(row)

    def request_run(self, name: str, allow_withdraw: bool = False) -> None:
        """Ask the running server to harvest ``name`` soon (the CLI's way in while it serves);
        ``allow_withdraw``: the operator confirmed withdrawals the guard would hold."""
        self.get(name)
        asked = {"source": name, "requested": now(), "allow_withdraw": allow_withdraw}
        with self.database.writing() as db:
            db.execute(delete(harvest_request).where(harvest_request.c.source == name))
            db.execute(insert(harvest_request).values(asked))

    def take_requests(self) -> dict[str, bool]:
        """The sources asked for since the last call (with whether withdrawals were allowed),
        forgotten as they are handed out."""
        query = select(harvest_request.c.source, harvest_request.c.allow_withdraw)
        with self.database.writing() as db:
            asked = {name: bool(allow) for name, allow in db.execute(query)}
            db.execute(delete(harvest_request))
        return asked


SOURCES = select(
    harvest_source.c.name,
    harvest_source.c.url,
    harvest_source.c.kind,
    harvest_source.c.every,
    harvest_source.c.provider,
    harvest_source.c.position,
)
RUNS = select(
    harvest_run.c.id,
    harvest_run.c.source,
    harvest_run.c.started,
    harvest_run.c.finished,
    harvest_run.c.status,
    harvest_run.c.report,
    harvest_run.c.pid,
    harvest_run.c.host,
)


def _run(row: Sequence[Any]) -> Run:
    return Run(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), row[6], row[7])

"""Harvest sources and their runs: what to read, how often, and what each run did.

Operational data, like accounts: it lives in a small SQLite file beside the store
(``<store>-harvest.sqlite``), never in the store, so nothing of it answers a SPARQL query.
The interface is narrow on purpose (add, get, list, remove a source; start, finish and read
runs; keep a reader's position) so that it can move into the shared operational database
module (``registry/database.py`` in the house plan) without its callers changing.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from registry.errors import NotFound, RegistryError

KINDS = ("dcat", "feed", "fdp", "oai", "sparql", "dump")
"""The protocols a source may speak; one reader each (``readers``)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS source (
    name TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    every REAL NOT NULL,
    provider TEXT,
    position TEXT,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL,
    report TEXT NOT NULL DEFAULT '{}',
    pid INTEGER
);
CREATE INDEX IF NOT EXISTS run_by_source ON run (source, id);
CREATE TABLE IF NOT EXISTS run_request (
    source TEXT PRIMARY KEY,
    requested TEXT NOT NULL,
    allow_withdraw INTEGER NOT NULL DEFAULT 0
);
"""


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


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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
    """The harvest file; every call opens its own connection, so the server's scheduler and
    the ``registry harvest`` command share it safely (as ``Accounts`` does)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(run)")}
            if "pid" not in columns:  # a file written before runs kept their process
                db.execute("ALTER TABLE run ADD COLUMN pid INTEGER")
            columns = {row[1] for row in db.execute("PRAGMA table_info(run_request)")}
            if "allow_withdraw" not in columns:
                db.execute(
                    "ALTER TABLE run_request ADD COLUMN allow_withdraw INTEGER NOT NULL DEFAULT 0"
                )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed when the block ends, rolled back on an error."""
        with closing(sqlite3.connect(self.path, timeout=30)) as db, db:
            yield db

    def add(self, source: Source) -> Source:
        """Keep a new source; a name in use, an unknown kind or a non-http(s) URL is refused."""
        if not source.name.strip() or not source.url.startswith(("http://", "https://")):
            raise SourceError("Give the source a name and an http(s) URL.")
        if source.kind not in KINDS:
            raise SourceError(f"Unknown kind {source.kind!r}; use one of {', '.join(KINDS)}.")
        try:
            with self._connect() as db:
                db.execute(
                    "INSERT INTO source VALUES (?, ?, ?, ?, ?, NULL, ?)",
                    (source.name, source.url, source.kind, source.every, source.provider, now()),
                )
        except sqlite3.IntegrityError:
            raise SourceError(f"A source named {source.name!r} exists.") from None
        return source

    def get(self, name: str) -> Source:
        with self._connect() as db:
            row = db.execute(
                "SELECT name, url, kind, every, provider, position FROM source WHERE name = ?",
                (name,),
            ).fetchone()
        if row is None:
            raise NotFound(f"There is no harvest source named {name!r}.")
        return Source(*row)

    def all(self) -> list[Source]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT name, url, kind, every, provider, position FROM source ORDER BY name"
            ).fetchall()
        return [Source(*row) for row in rows]

    def remove(self, name: str) -> None:
        """Forget a source and its runs (its records are the caller's to keep or withdraw)."""
        self.get(name)
        with self._connect() as db:
            db.execute("DELETE FROM run WHERE source = ?", (name,))
            db.execute("DELETE FROM run_request WHERE source = ?", (name,))
            db.execute("DELETE FROM source WHERE name = ?", (name,))

    def keep_position(self, name: str, position: str | None) -> None:
        """Remember where the reader stopped, after a run that read up to there."""
        with self._connect() as db:
            db.execute("UPDATE source SET position = ? WHERE name = ?", (position, name))

    def start_run(self, name: str) -> int:
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO run (source, started, status, pid) VALUES (?, ?, 'running', ?)",
                (name, now(), os.getpid()),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def finish_run(self, run_id: int, status: str, report: dict[str, Any]) -> None:
        with self._connect() as db:
            db.execute(
                "UPDATE run SET finished = ?, status = ?, report = ? WHERE id = ?",
                (now(), status, json.dumps(report), run_id),
            )

    def running(self, name: str | None = None) -> list[Run]:
        """The runs still marked ``running`` (of source ``name``, or of every source)."""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {RUN_COLUMNS} FROM run WHERE status = 'running' "
                "AND (? IS NULL OR source = ?) ORDER BY id",
                (name, name),
            ).fetchall()
        return [_run(row) for row in rows]

    def runs(self, name: str, limit: int = 10) -> list[Run]:
        """The source's latest runs, newest first."""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {RUN_COLUMNS} FROM run WHERE source = ? ORDER BY id DESC LIMIT ?",
                (name, limit),
            ).fetchall()
        return [_run(row) for row in rows]

    def run(self, run_id: int) -> Run:
        with self._connect() as db:
            row = db.execute(
                f"SELECT {RUN_COLUMNS} FROM run WHERE id = ?",
                (run_id,),
            ).fetchone()
        if row is None:
            raise NotFound(f"There is no harvest run {run_id}.")
        return _run(row)

    def last_success(self, name: str) -> Run | None:
        """The source's latest complete run: OAI-PMH's ``from`` and the schedule count from it."""
        with self._connect() as db:
            row = db.execute(
                f"SELECT {RUN_COLUMNS} FROM run "
                "WHERE source = ? AND status = 'complete' ORDER BY id DESC LIMIT 1",
                (name,),
            ).fetchone()
        return None if row is None else _run(row)

    def request_run(self, name: str, allow_withdraw: bool = False) -> None:
        """Ask the running server to harvest ``name`` soon (the CLI's way in while it serves);
        ``allow_withdraw``: the operator confirmed withdrawals the guard would hold."""
        self.get(name)
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO run_request VALUES (?, ?, ?)",
                (name, now(), int(allow_withdraw)),
            )

    def take_requests(self) -> dict[str, bool]:
        """The sources asked for since the last call (with whether withdrawals were allowed),
        forgotten as they are handed out."""
        with self._connect() as db:
            rows = db.execute("SELECT source, allow_withdraw FROM run_request ORDER BY 1")
            asked = {name: bool(allow) for name, allow in rows}
            db.execute("DELETE FROM run_request")
        return asked

    def backup(self, target: Path) -> None:
        """Copy the sources and runs into ``target`` consistently (SQLite's online backup)."""
        with (
            closing(sqlite3.connect(self.path)) as original,
            closing(sqlite3.connect(target)) as copy,
        ):
            original.backup(copy)


RUN_COLUMNS = "id, source, started, finished, status, report, pid"


def _run(row: tuple[Any, ...]) -> Run:
    return Run(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), row[6])

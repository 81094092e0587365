"""Operational data: provider accounts, token digests, the audit log, harvest sources and
their runs, everything the registry keeps that is not published RDF, in one database. By
default an SQLite file beside the store (``<store>-database.sqlite``); PostgreSQL when
``REGISTRY_DATABASE`` names one.
It is never in the store, so nothing of it can be read through ``/sparql``.

One library and one code path for both: SQLAlchemy Core. Its expression language compiles
each statement for SQLite (the standard library's driver) and for PostgreSQL (psycopg 3), its
engine pools connections for the web server's threads, and the ``Table`` objects below are
the one description of the schema that queries, migrations and backups read. psycopg beside
``sqlite3`` would be two drivers with two parameter styles, two error trees and two ways to
number a row: every statement written twice. No ORM: the rows are few and flat.

Migrations are the numbered ``MIGRATIONS`` below and a ``schema_version`` table, applied by
``registry db upgrade`` and by every start in one transaction under a lock (PostgreSQL's
advisory lock, SQLite's ``BEGIN IMMEDIATE``), so web processes starting together upgrade
once. Alembic would add a script folder, an ``env.py`` and templates for a linear history
of a few tables, and does not serialise concurrent upgrades by itself; should the history
need branches or autogeneration, it can take over from ``schema_version``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    Table,
    Text,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from registry.config import Settings
from registry.errors import DatabaseUnavailable, RegistryError, StoreUnavailable

metadata = MetaData()
provider = Table(
    "provider",
    metadata,
    Column("name", Text, primary_key=True),
    Column("agent", Text, nullable=False, unique=True),
    Column("created", Text, nullable=False),
)
"""Times are ISO 8601 text in UTC, as the earlier files had them: they sort as strings."""
namespace = Table(
    "namespace",
    metadata,
    Column("provider", Text, ForeignKey("provider.name"), primary_key=True),
    Column("prefix", Text, primary_key=True),
)
"""IRI prefixes a provider's dataset IRIs must start with (none: any)."""
token = Table(
    "token",
    metadata,
    Column("id", Text, primary_key=True),
    Column("provider", Text, ForeignKey("provider.name"), nullable=False),
    Column("digest", Text, nullable=False),
    Column("created", Text, nullable=False),
    Column("expires", Text),
    Column("revoked", Text),
)
audit = Table(
    "audit",
    metadata,
    # SQLite numbers rows only in an INTEGER PRIMARY KEY; PostgreSQL's integer is 32 bits.
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("time", Text, nullable=False),
    Column("who", Text, nullable=False),
    Column("agent", Text),
    Column("action", Text, nullable=False),
    Column("record", Text),
    Column("topic", Text),
    Column("version", Integer),
    Column("result", Text, nullable=False),
    Column("status", Integer),
)
schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied", Text, nullable=False),
)
imported_file = Table(
    "imported_file",
    metadata,
    Column("kind", Text, primary_key=True),
    Column("rows", Integer, nullable=False),
    Column("imported", Text, nullable=False),
)
"""The files of earlier versions (accounts, audit, harvest) already imported: each once."""
harvest_source = Table(
    "harvest_source",
    metadata,
    Column("name", Text, primary_key=True),
    Column("url", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("every", Float, nullable=False),  # seconds between scheduled runs (0: by hand)
    Column("provider", Text),
    Column("position", Text),  # where its reader stopped (a feed fragment, an OAI-PMH date)
    Column("created", Text, nullable=False),
)
"""A catalogue the registry harvests (``federation.harvest.sources``)."""
harvest_run = Table(
    "harvest_run",
    metadata,
    # Run numbers are in harvested records' provenance (``<base>harvest/runs/N``): a backup
    # keeps them, and loading one moves PostgreSQL's sequence past them (``_renumbered``).
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("source", Text, ForeignKey("harvest_source.name"), nullable=False, index=True),
    Column("started", Text, nullable=False),
    Column("finished", Text),
    Column("status", Text, nullable=False),
    Column("report", Text, nullable=False),  # a JSON object
    Column("pid", Integer),  # its process: a ``running`` run whose process is gone crashed
    Column("host", Text),  # the machine of that process (web processes may share PostgreSQL)
)
harvest_request = Table(
    "harvest_request",
    metadata,
    Column("source", Text, ForeignKey("harvest_source.name"), primary_key=True),
    Column("requested", Text, nullable=False),
    Column("allow_withdraw", Boolean, nullable=False),
)
"""Runs ``registry harvest run`` asked of a running server, which its schedule takes."""

DATA_TABLES = (provider, namespace, token, audit, harvest_source, harvest_run, harvest_request)
"""What a backup holds, parents before children (tokens name their provider, runs their
source)."""

MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    # Version 1 is the schema as first released. A later change to one of its tables is a
    # new step, and this step then keeps its own copy of the table as it was.
    (
        1,
        "accounts, tokens, audit",
        lambda db: metadata.create_all(
            db, [provider, token, audit, schema_version, imported_file], checkfirst=False
        ),
    ),
    (2, "provider namespaces", lambda db: namespace.create(db, checkfirst=False)),
    (
        3,
        "harvest sources, runs and requests",
        lambda db: metadata.create_all(
            db, [harvest_source, harvest_run, harvest_request], checkfirst=False
        ),
    ),
]
LATEST = MIGRATIONS[-1][0]
CONNECT_TIMEOUT = 5
"""Seconds to wait for PostgreSQL to accept a connection before the answer is a 503."""
LOCK_KEY = 0x7265_6769_7374_7279  # "registry": the advisory lock of upgrades (PostgreSQL)
ACCOUNT_COLUMNS = {
    "provider": ("name", "agent", "created"),
    "token": ("id", "provider", "digest", "created", "expires", "revoked"),
}
HARVEST_COLUMNS = {
    "source": (harvest_source, ("name", "url", "kind", "every", "provider", "position", "created")),
    "run": (
        harvest_run,
        ("id", "source", "started", "finished", "status", "report", "pid", "host"),
    ),
    "run_request": (harvest_request, ("source", "requested", "allow_withdraw")),
}
"""The tables of an earlier version's harvest file (``<store>-harvest.sqlite``) and the
columns it may have (the last of run and run_request came late, or never: absent, they read
NULL)."""


def now() -> str:
    """The current time as the database keeps times (UTC, ISO 8601, seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def engine_url(url: str) -> str:
    """``url`` with its driver named: ``postgresql://`` means psycopg 3 here."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in ("sqlite", "postgresql+psycopg"):
        raise ValueError(f"REGISTRY_DATABASE must be a postgresql:// or sqlite:// URL, not {url!r}")
    return parsed.render_as_string(hide_password=False)


class Database:
    """The engine over the configured database; every use is one short transaction."""

    def __init__(self, url: str) -> None:
        self.url = engine_url(url)
        self.name = make_url(self.url).render_as_string(hide_password=True)
        self.sqlite = self.url.startswith("sqlite")
        if self.sqlite:
            Path(make_url(self.url).database or ".").parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(self.url)
            event.listen(self.engine, "connect", _sqlite_connected)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:  # a server that went away: checked before use, and never waited on long
            self.engine = create_engine(
                self.url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT}
            )

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back on an error.

        On SQLite it takes the write lock at its start (``BEGIN IMMEDIATE``), so a
        transaction that reads and then writes never fails halfway on another's lock; it
        waits for it instead (up to 30 s).
        """
        with self._unavailable_wrapped(), self.engine.begin() as connection:
            yield connection

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """One read-only transaction: a consistent view of every table (a snapshot)."""
        options: dict[str, Any] = {"reading": True}
        if not self.sqlite:
            options["isolation_level"] = "REPEATABLE READ"
        with self._unavailable_wrapped(), self.engine.connect() as connection:
            connection.execution_options(**options)
            with connection.begin():
                yield connection

    @contextmanager
    def _unavailable_wrapped(self) -> Iterator[None]:
        """Turn a database that cannot be reached into one error with a 503."""
        try:
            yield
        except OperationalError as error:
            raise DatabaseUnavailable(
                f"The database {self.name} is unavailable: {error.orig}"
            ) from error

    def version(self) -> int:
        """The schema version the database has (0: none yet)."""
        with self.reading() as db:
            return _version(db)

    def upgrade(self, legacy: Mapping[str, Path] | None = None) -> int:
        """Apply the missing migrations, then import the files of earlier versions that
        exist (``legacy``: ``accounts`` and ``audit`` paths), each once; return the version.

        One transaction under a lock: processes starting together do it once, and a
        failure leaves the database as it was.
        """
        with self.writing() as db:
            if not self.sqlite:
                db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            current = _version(db)
            if current > LATEST:
                raise RegistryError(
                    f"The database {self.name} is at schema version {current}, newer than this "
                    f"registry's {LATEST}: run the registry version that upgraded it."
                )
            for number, _about, step in MIGRATIONS:
                if number > current:
                    step(db)
                    db.execute(insert(schema_version).values(version=number, applied=now()))
            for kind, path in (legacy or {}).items():
                import_file(db, kind, path)
            return LATEST

    def refuse_data(self) -> None:
        """Raise unless the data tables are empty (a restore's precondition)."""
        with self.reading() as db:
            _refuse_data(db, self.name)

    def close(self) -> None:
        self.engine.dispose()

    def dump(self, path: Path) -> int:
        """Write every row of the data tables to ``path`` (JSON lines, one snapshot), with
        the schema version first; return the number of rows.

        Through SQLAlchemy rather than ``pg_dump``: one format for both databases (a backup
        of SQLite restores into PostgreSQL and back, the way to move to a server), no
        client binaries that must match the server's major version, and only the
        registry's tables, whatever else shares the database.
        """
        rows = 0
        with self.reading() as db, path.open("w", encoding="utf-8") as out:
            out.write(json.dumps({"schema_version": _version(db)}) + "\n")
            for table in DATA_TABLES:
                for row in db.execute(select(table).order_by(*table.primary_key)):
                    out.write(json.dumps({"table": table.name, "row": row._asdict()}) + "\n")
                    rows += 1
        return rows

    def load(self, path: Path) -> int:
        """Load a ``dump`` into this database, which must hold no accounts or audit yet.

        Audit rows are numbered anew, in their order (the numbers are not referenced).
        """
        lines = path.read_text(encoding="utf-8").splitlines()
        version = json.loads(lines[0])["schema_version"] if lines else 0
        if version > LATEST:
            raise RegistryError(f"{path} is of schema version {version}: upgrade the registry.")
        with self.writing() as db:
            _refuse_data(db, self.name)
            entries = [json.loads(line) for line in lines[1:]]
            for table in DATA_TABLES:
                rows = [e["row"] for e in entries if e["table"] == table.name]
                if table is audit:
                    rows = [{k: v for k, v in row.items() if k != "id"} for row in rows]
                if rows:
                    db.execute(insert(table), rows)
            _renumbered(db)
        return len(lines) - 1


def open_database(settings: Settings) -> Database:
    """The configured database, upgraded, with the files of earlier versions imported."""
    database = Database(settings.database_url)
    try:
        database.upgrade(settings.legacy_files)
    except BaseException:
        database.close()
        raise
    return database


def _refuse_data(db: Connection, name: str) -> None:
    if any(db.execute(select(func.count()).select_from(t)).scalar() for t in DATA_TABLES):
        raise RegistryError(
            f"The database {name} holds accounts, an audit log or harvest sources; restore "
            "into a new one."
        )


def _version(db: Connection) -> int:
    if not db.dialect.has_table(db, schema_version.name):
        return 0
    return int(db.execute(select(func.max(schema_version.c.version))).scalar() or 0)


def _sqlite_connected(connection: sqlite3.Connection, _record: object) -> None:
    """Hand transactions to ``_sqlite_begin``; wait for locks; write ahead (readers do not
    wait for the writer), syncing at checkpoints rather than at each commit (a process crash
    loses nothing, a power cut at most the last commits); check foreign keys."""
    connection.isolation_level = None
    pragmas = ("journal_mode = WAL", "synchronous = NORMAL", "busy_timeout = 30000",
               "foreign_keys = ON")
    with closing(connection.cursor()) as cursor:
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")


def _sqlite_begin(connection: Connection) -> None:
    reading = connection.get_execution_options().get("reading")
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def import_file(db: Connection, kind: str, path: Path) -> int:
    """Copy an earlier version's file into the database, unless it was done before; return
    the rows copied. ``kind`` is ``accounts`` (its SQLite file) or ``audit`` (JSON lines)."""
    done = db.execute(select(imported_file).where(imported_file.c.kind == kind)).first()
    if done is not None or not path.is_file():
        return 0
    copied = 0
    readers = {"accounts": accounts_rows, "audit": audit_rows, "harvest": harvest_rows}
    for table, rows in readers[kind](path):
        have = {tuple(r) for r in db.execute(select(*table.primary_key))}
        key = [c.name for c in table.primary_key]
        new = [row for row in rows if tuple(row.get(k) for k in key) not in have]
        if new:
            db.execute(insert(table), new)
        copied += len(new)
    db.execute(insert(imported_file).values(kind=kind, rows=copied, imported=now()))
    _renumbered(db)
    return copied


def _renumbered(db: Connection) -> None:
    """Move PostgreSQL's run numbers past those just copied with their numbers (SQLite
    numbers a row after the largest already)."""
    if db.dialect.name == "postgresql":
        db.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('harvest_run', 'id'), "
                "COALESCE(MAX(id), 0) + 1, false) FROM harvest_run"
            )
        )


def harvest_rows(path: Path) -> Iterator[tuple[Table, list[dict[str, Any]]]]:
    """The sources, runs and run requests of a harvest file (``<store>-harvest.sqlite``),
    sources first."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as old:
        for name, (table, columns) in HARVEST_COLUMNS.items():
            present = {row[1] for row in old.execute(f"PRAGMA table_info({name})")}
            chosen = [c if c in present else f"NULL AS {c}" for c in columns]
            found = old.execute(f"SELECT {', '.join(chosen)} FROM {name}").fetchall()
            rows = [dict(zip(columns, row, strict=True)) for row in found]
            if table is harvest_request:
                rows = [{**row, "allow_withdraw": bool(row["allow_withdraw"])} for row in rows]
            yield table, rows


def accounts_rows(path: Path) -> Iterator[tuple[Table, list[dict[str, Any]]]]:
    """The providers and tokens of an accounts file (``<store>-accounts.sqlite``)."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as old:
        for table in (provider, token):
            columns = ACCOUNT_COLUMNS[table.name]
            found = old.execute(f"SELECT {', '.join(columns)} FROM {table.name}").fetchall()
            yield table, [dict(zip(columns, row, strict=True)) for row in found]


def audit_rows(path: Path) -> Iterator[tuple[Table, list[dict[str, Any]]]]:
    """The lines of an audit file (``<store>-audit.jsonl``), oldest first; a last line cut
    short by a crash is left out, as it was never a whole entry."""
    content = path.read_text(encoding="utf-8")
    lines = content.splitlines()
    if lines and not content.endswith("\n"):
        lines.pop()
    columns = [c.name for c in audit.columns if c.name != "id"]
    rows = [json.loads(line) for line in lines if line.strip()]
    yield audit, [{name: row.get(name) for name in columns} for row in rows]


WRITERS_KEY = LOCK_KEY + 1
"""The advisory lock the writers of a shared store take in turn (PostgreSQL)."""
LOCK_NOT_AVAILABLE = "55P03"
"""PostgreSQL's SQLSTATE for a lock wait that ran out of ``lock_timeout``."""


class WritersLock:
    """One record writer at a time among every process using this PostgreSQL database, on
    any machine: a transaction-level advisory lock (``pg_advisory_xact_lock``).

    A remote store's writers must take turns (``registry.store.remote``): its file lock
    serves the processes of one machine, this one the processes of several. The lock is
    held by a transaction on a connection of its own, from ``__enter__`` to ``__exit__``,
    so PostgreSQL releases it when the write ends, and when the process dies (its
    connection closes). Waiting is bounded by ``lock_timeout``: a writer that holds it
    longer than ``wait`` seconds is stuck on the store, which is then reported unavailable.
    No table: the schema does not change.
    """

    def __init__(self, database: Database, wait: float) -> None:
        if database.sqlite:
            raise ValueError("An advisory lock needs PostgreSQL; SQLite has none.")
        self.database = database
        self.wait = wait
        self._held = threading.local()

    def __enter__(self) -> WritersLock:
        connection = self.database.engine.connect()
        transaction = connection.begin()
        try:
            milliseconds = max(1, int(self.wait * 1000))
            connection.execute(text(f"SET LOCAL lock_timeout = {milliseconds}"))
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITERS_KEY})
        except OperationalError as error:
            transaction.rollback()
            connection.close()
            if getattr(error.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
                raise StoreUnavailable(
                    f"Another writer holds the store's write lock for over {self.wait:g} s."
                ) from None
            raise DatabaseUnavailable(
                f"The database {self.database.name} is unavailable: {error.orig}"
            ) from error
        self._held.connection = connection
        return self

    def __exit__(self, *exc_info: object) -> None:
        connection: Connection = self._held.connection
        del self._held.connection
        try:
            connection.rollback()  # nothing was written in it: ending it releases the lock
        finally:
            connection.close()

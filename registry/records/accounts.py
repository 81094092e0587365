"""Provider accounts: a name, the agent IRI the provider publishes as, and API tokens.

Accounts live in a small SQLite file beside the store (``<store>-accounts.sqlite``), not in
the store: they are secrets, and the store is published over SPARQL. A token is shown once;
only its SHA-256 is kept (tokens are 256 random bits, so a slow password hash adds nothing).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from registry.errors import AccountError, Unauthorized
from registry.rdf.iris import normal_iri

SCHEMA = """
CREATE TABLE IF NOT EXISTS provider (
    name TEXT PRIMARY KEY,
    agent TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS namespace (
    provider TEXT NOT NULL REFERENCES provider(name),
    prefix TEXT NOT NULL,
    PRIMARY KEY (provider, prefix)
);
CREATE TABLE IF NOT EXISTS token (
    id TEXT PRIMARY KEY,
    provider TEXT NOT NULL REFERENCES provider(name),
    digest TEXT NOT NULL,
    created TEXT NOT NULL,
    expires TEXT,
    revoked TEXT
);
"""
PREFIX = "cir"


@dataclass(frozen=True)
class Provider:
    """An account: who writes, and the agent whose datasets it may change."""

    name: str
    agent: str
    namespaces: tuple[str, ...] = ()
    """IRI prefixes its dataset IRIs must start with (none: any IRI, as before)."""


@dataclass(frozen=True)
class TokenInfo:
    """What ``provider list`` shows of a token (never the secret)."""

    id: str
    provider: str
    created: str
    expires: str | None
    revoked: str | None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _normal_namespaces(namespaces: Sequence[str]) -> list[str]:
    """The namespaces in normal form (``rdf.iris``), as dataset IRIs are compared with them;
    each must be an http(s) IRI with at least the ``/`` after its host."""
    normal = sorted({normal_iri(namespace) for namespace in namespaces})
    for namespace in normal:
        if not namespace.startswith(("http://", "https://")) or namespace.count("/") < 3:
            raise AccountError(
                f"A namespace is an http(s) IRI prefix with a path, such as "
                f"https://data.example.org/datasets/ (not {namespace!r})."
            )
    return normal


class Accounts:
    """The accounts file; every call opens its own connection, so threads and processes
    (the server, the ``registry provider`` command) share it safely."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed when the block ends, rolled back on an error."""
        with closing(sqlite3.connect(self.path, timeout=30)) as db, db:
            yield db

    def add_provider(self, name: str, agent: str, namespaces: Sequence[str] = ()) -> Provider:
        """Create an account for ``agent``, limited to dataset IRIs under ``namespaces`` if
        any are given; a name or agent already in use is refused."""
        if not name.strip() or not agent.startswith(("http://", "https://")):
            raise AccountError("Give a name and the agent's http(s) IRI.")
        agent, namespaces = normal_iri(agent), _normal_namespaces(namespaces)
        try:
            with self._connect() as db:
                db.execute("INSERT INTO provider VALUES (?, ?, ?)", (name, agent, _now()))
                db.executemany(
                    "INSERT OR IGNORE INTO namespace VALUES (?, ?)",
                    [(name, namespace) for namespace in namespaces],
                )
        except sqlite3.IntegrityError:
            raise AccountError(
                f"A provider named {name!r} or with agent <{agent}> exists."
            ) from None
        return Provider(name, agent, tuple(namespaces))

    def set_namespaces(self, name: str, namespaces: Sequence[str]) -> None:
        """Replace the namespaces of account ``name`` (none: any dataset IRI)."""
        namespaces = _normal_namespaces(namespaces)
        with self._connect() as db:
            if not db.execute("SELECT 1 FROM provider WHERE name = ?", (name,)).fetchone():
                raise AccountError(f"There is no provider named {name!r}.")
            db.execute("DELETE FROM namespace WHERE provider = ?", (name,))
            db.executemany(
                "INSERT OR IGNORE INTO namespace VALUES (?, ?)",
                [(name, namespace) for namespace in namespaces],
            )

    def _namespaces(self, db: sqlite3.Connection, name: str) -> tuple[str, ...]:
        rows = db.execute(
            "SELECT prefix FROM namespace WHERE provider = ? ORDER BY prefix", (name,)
        )
        return tuple(prefix for (prefix,) in rows)

    def new_token(self, name: str, expires: datetime | None = None) -> str:
        """Return a new token for provider ``name``; only its digest is kept."""
        token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        until = expires.isoformat(timespec="seconds") if expires else None
        with self._connect() as db:
            if not db.execute("SELECT 1 FROM provider WHERE name = ?", (name,)).fetchone():
                raise AccountError(f"There is no provider named {name!r}.")
            db.execute(
                "INSERT INTO token VALUES (?, ?, ?, ?, ?, NULL)",
                (token_id, name, _digest(secret), _now(), until),
            )
        return f"{PREFIX}_{token_id}_{secret}"

    def revoke(self, token_id: str) -> None:
        """Revoke a token by its id (as ``provider list`` shows it)."""
        with self._connect() as db:
            changed = db.execute(
                "UPDATE token SET revoked = ? WHERE id = ? AND revoked IS NULL",
                (_now(), token_id),
            ).rowcount
        if not changed:
            raise AccountError(f"There is no active token {token_id!r}.")

    def providers(self) -> list[tuple[Provider, list[TokenInfo]]]:
        """Every account with its tokens, for ``registry provider list``."""
        with self._connect() as db:
            rows = db.execute("SELECT name, agent FROM provider ORDER BY name").fetchall()
            tokens = db.execute(
                "SELECT id, provider, created, expires, revoked FROM token ORDER BY created"
            ).fetchall()
            accounts = [Provider(name, agent, self._namespaces(db, name)) for name, agent in rows]
        return [
            (account, [TokenInfo(*t) for t in tokens if t[1] == account.name])
            for account in accounts
        ]

    def authenticate(self, token: str | None) -> Provider:
        """Return the provider a bearer token belongs to, or raise Unauthorized."""
        parts = (token or "").split("_", 2)
        if len(parts) != 3 or parts[0] != PREFIX:
            raise Unauthorized("Send your API token as 'Authorization: Bearer <token>'.")
        with self._connect() as db:
            row = db.execute(
                "SELECT digest, expires, revoked, provider.name, provider.agent FROM token "
                "JOIN provider ON provider.name = token.provider WHERE token.id = ?",
                (parts[1],),
            ).fetchone()
            namespaces = self._namespaces(db, row[3]) if row is not None else ()
        if row is None or not hmac.compare_digest(row[0], _digest(parts[2])):
            raise Unauthorized("This token is not valid.")
        if row[2] is not None:
            raise Unauthorized("This token was revoked; ask the operator for a new one.")
        if row[1] is not None and row[1] <= _now():
            raise Unauthorized("This token has expired; ask the operator for a new one.")
        return Provider(row[3], row[4], namespaces)

    def backup(self, target: Path) -> None:
        """Copy the accounts into ``target`` consistently (SQLite's online backup)."""
        with (
            closing(sqlite3.connect(self.path)) as source,
            closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy)

"""Provider accounts: a name, the agent IRI the provider publishes as, and API tokens.

Accounts live in the registry's database (``registry.database``), not in the store: they are
secrets, and the store is published over SPARQL. A token is shown once; only its SHA-256 is
kept (tokens are 256 random bits, so a slow password hash adds nothing).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from registry.database import Database, namespace, now, provider, token
from registry.errors import AccountError, Unauthorized
from registry.rdf.iris import normal_iri

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


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _normal_namespaces(namespaces: Sequence[str]) -> list[str]:
    """The namespaces in normal form (``rdf.iris``), as dataset IRIs are compared with them;
    each must be an http(s) IRI with at least the ``/`` after its host."""
    normal = sorted({normal_iri(namespace) for namespace in namespaces})
    for prefix in normal:
        if not prefix.startswith(("http://", "https://")) or prefix.count("/") < 3:
            raise AccountError(
                f"A namespace is an http(s) IRI prefix with a path, such as "
                f"https://data.example.org/datasets/ (not {prefix!r})."
            )
    return normal


def _namespaces_of(db: Connection, name: str) -> tuple[str, ...]:
    rows = db.execute(
        select(namespace.c.prefix).where(namespace.c.provider == name).order_by("prefix")
    )
    return tuple(prefix for (prefix,) in rows)


def _insert_namespaces(db: Connection, name: str, namespaces: list[str]) -> None:
    if namespaces:
        db.execute(insert(namespace), [{"provider": name, "prefix": p} for p in namespaces])


class Accounts:
    """The accounts in the database; each call is one transaction, so threads and processes
    (the web processes, the ``registry provider`` command) share them safely."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def add_provider(self, name: str, agent: str, namespaces: Sequence[str] = ()) -> Provider:
        """Create an account for ``agent``, limited to dataset IRIs under ``namespaces`` if
        any are given; a name or agent already in use is refused."""
        if not name.strip() or not agent.startswith(("http://", "https://")):
            raise AccountError("Give a name and the agent's http(s) IRI.")
        agent, normal = normal_iri(agent), _normal_namespaces(namespaces)
        try:
            with self.database.writing() as db:
                db.execute(insert(provider).values(name=name, agent=agent, created=now()))
                _insert_namespaces(db, name, normal)
        except IntegrityError:
            raise AccountError(
                f"A provider named {name!r} or with agent <{agent}> exists."
            ) from None
        return Provider(name, agent, tuple(normal))

    def set_namespaces(self, name: str, namespaces: Sequence[str]) -> None:
        """Replace the namespaces of account ``name`` (none: any dataset IRI)."""
        normal = _normal_namespaces(namespaces)
        with self.database.writing() as db:
            if db.execute(select(provider.c.name).where(provider.c.name == name)).first() is None:
                raise AccountError(f"There is no provider named {name!r}.")
            db.execute(delete(namespace).where(namespace.c.provider == name))
            _insert_namespaces(db, name, normal)

    def new_token(self, name: str, expires: datetime | None = None) -> str:
        """Return a new token for provider ``name``; only its digest is kept."""
        token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        until = expires.isoformat(timespec="seconds") if expires else None
        with self.database.writing() as db:
            if db.execute(select(provider.c.name).where(provider.c.name == name)).first() is None:
                raise AccountError(f"There is no provider named {name!r}.")
            db.execute(
                insert(token).values(
                    id=token_id, provider=name, digest=_digest(secret), created=now(), expires=until
                )
            )
        return f"{PREFIX}_{token_id}_{secret}"

    def revoke(self, token_id: str) -> None:
        """Revoke a token by its id (as ``provider list`` shows it)."""
        with self.database.writing() as db:
            changed = db.execute(
                update(token)
                .where(token.c.id == token_id, token.c.revoked.is_(None))
                .values(revoked=now())
            ).rowcount
        if not changed:
            raise AccountError(f"There is no active token {token_id!r}.")

    def providers(self) -> list[tuple[Provider, list[TokenInfo]]]:
        """Every account with its tokens, for ``registry provider list``."""
        columns = (token.c.id, token.c.provider, token.c.created, token.c.expires, token.c.revoked)
        with self.database.reading() as db:
            rows = db.execute(select(provider.c.name, provider.c.agent).order_by("name")).all()
            tokens = db.execute(select(*columns).order_by(token.c.created, token.c.id)).all()
            accounts = [Provider(name, agent, _namespaces_of(db, name)) for name, agent in rows]
        return [
            (account, [TokenInfo(*t) for t in tokens if t[1] == account.name])
            for account in accounts
        ]

    def agent_of(self, name: str) -> str | None:
        """The agent IRI provider ``name`` publishes as (None if there is no such account)."""
        with self.database.reading() as db:
            row = db.execute(select(provider.c.agent).where(provider.c.name == name)).first()
        return row[0] if row else None

    def authenticate(self, bearer: str | None) -> Provider:
        """Return the provider a bearer token belongs to, or raise Unauthorized."""
        parts = (bearer or "").split("_", 2)
        if len(parts) != 3 or parts[0] != PREFIX:
            raise Unauthorized("Send your API token as 'Authorization: Bearer <token>'.")
        found = select(
            token.c.digest, token.c.expires, token.c.revoked, provider.c.name, provider.c.agent
        ).join_from(token, provider).where(token.c.id == parts[1])
        with self.database.reading() as db:
            row = db.execute(found).first()
            namespaces = _namespaces_of(db, row[3]) if row is not None else ()
        if row is None or not hmac.compare_digest(row[0], _digest(parts[2])):
            raise Unauthorized("This token is not valid.")
        if row[2] is not None:
            raise Unauthorized("This token was revoked; ask the operator for a new one.")
        if row[1] is not None and row[1] <= now():
            raise Unauthorized("This token has expired; ask the operator for a new one.")
        return Provider(row[3], row[4], namespaces)

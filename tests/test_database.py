"""The operational database on SQLite and PostgreSQL: migrations from an empty database and
from the files of earlier versions (imported once), two processes checking and issuing
tokens at once, and none of it readable through ``/sparql``."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import delete, insert, inspect

from registry.cli.main import main
from registry.config import Settings, load_settings
from registry.database import MIGRATIONS, Database, metadata, open_database, schema_version
from registry.errors import RegistryError, Unauthorized
from registry.records.accounts import Accounts
from registry.records.audit import AuditLog

AGENT = "https://datasets.procancer-i.example/id/data-office"
OLD_ACCOUNTS = """
CREATE TABLE provider (name TEXT PRIMARY KEY, agent TEXT NOT NULL UNIQUE, created TEXT NOT NULL);
CREATE TABLE token (id TEXT PRIMARY KEY, provider TEXT NOT NULL REFERENCES provider(name),
    digest TEXT NOT NULL, created TEXT NOT NULL, expires TEXT, revoked TEXT);
INSERT INTO provider VALUES ('procancer', 'https://datasets.procancer-i.example/id/data-office',
    '2026-01-02T03:04:05+00:00');
INSERT INTO token VALUES ('3f9a0c1d2e4b', 'procancer',
    '{digest}', '2026-01-02T03:04:06+00:00', NULL, NULL);
""".format(digest=hashlib.sha256(b"secret").hexdigest())
"""The accounts file as ``records/accounts.py`` wrote it before the database; the token's
secret is ``secret``."""
OLD_TOKEN = "cir_3f9a0c1d2e4b_secret"
OLD_AUDIT = [
    {"time": "2026-01-02T03:05:00.000+00:00", "who": "procancer", "agent": AGENT,
     "action": "create", "record": "5fb0eb3567f25e0b", "topic": "https://x.example/d",
     "version": 1, "result": "accepted"},
    {"time": "2026-01-02T03:06:00.000+00:00", "who": "anonymous", "action": "publish",
     "result": "refused", "status": 401},
]


def settings_for(tmp_path: Path, database_url: str) -> Settings:
    return load_settings({"store": str(tmp_path / "store"), "database": database_url})


def write_old_files(accounts: Path, audit: Path, cut_short: bool = False) -> None:
    """Write an accounts file and an audit log as earlier versions did (beside the store,
    or in a backup)."""
    with sqlite3.connect(accounts) as old:
        old.executescript(OLD_ACCOUNTS)
    old.close()
    lines = "".join(json.dumps(entry) + "\n" for entry in OLD_AUDIT)
    audit.write_text(lines + ('{"time": "2026-' if cut_short else ""))


def test_an_empty_database_is_migrated_to_the_schema(tmp_path: Path, database_url: str) -> None:
    database = Database(settings_for(tmp_path, database_url).database_url)
    assert database.version() == 0
    assert database.upgrade() == MIGRATIONS[-1][0] == database.version()
    assert database.upgrade() == database.version()  # again: nothing to do
    with database.writing() as db:
        db.execute(insert(schema_version).values(version=99, applied="later"))
    with pytest.raises(RegistryError, match="newer than this registry"):
        database.upgrade()
    with database.writing() as db:
        db.execute(delete(schema_version).where(schema_version.c.version == 99))
    with database.reading() as db:
        found = inspect(db)
        for table in metadata.sorted_tables:
            columns = {c["name"] for c in found.get_columns(table.name)}
            assert columns == {c.name for c in table.columns}, table.name
    database.close()


def test_db_upgrade_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    monkeypatch.setenv("REGISTRY_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("REGISTRY_DATABASE", database_url)
    first = CliRunner().invoke(main, ["db", "upgrade"])
    assert first.exit_code == 0 and "upgraded from version 0" in first.output, first.output
    again = CliRunner().invoke(main, ["db", "upgrade"])
    assert again.exit_code == 0 and "already up to date" in again.output
    assert not (tmp_path / "store").exists()


def test_files_of_earlier_versions_are_imported_once(tmp_path: Path, database_url: str) -> None:
    settings = settings_for(tmp_path, database_url)
    old = settings.legacy_files
    write_old_files(old["accounts"], old["audit"], cut_short=True)
    for _ in range(2):  # a second start finds them imported
        database = open_database(settings)
        assert Accounts(database).authenticate(OLD_TOKEN).agent == AGENT
        assert AuditLog(database).entries() == OLD_AUDIT  # the cut-short line left out
        assert len(Accounts(database).providers()) == 1
        database.close()
    # Lines an older process appended after the import are not imported again, nor twice.
    with settings.legacy_files["audit"].open("a") as audit:
        audit.write(json.dumps(OLD_AUDIT[0]) + "\n")
    database = open_database(settings)
    assert AuditLog(database).entries() == OLD_AUDIT
    database.close()
    assert settings.legacy_files["accounts"].exists()  # kept: the operator may delete it


@pytest.mark.embedded_only  # earlier versions kept their accounts file beside an embedded store
def test_registry_start_imports_the_accounts_file(
    make_app: Callable[..., Flask], tmp_path: Path, database_url: str
) -> None:
    old_settings = load_settings({"store": str(tmp_path / "app0" / "store")})
    (tmp_path / "app0").mkdir()
    write_old_files(old_settings.legacy_files["accounts"], old_settings.legacy_files["audit"])
    app = make_app(database=database_url)  # its store is tmp_path / "app0" / "store"
    answer = app.test_client().delete(
        "/api/records/nothing", headers={"Authorization": f"Bearer {OLD_TOKEN}"}
    )
    assert answer.status_code == 404  # authenticated, then no such record
    assert app.extensions["registry"].records.audit.entries()[:2] == OLD_AUDIT


def issue_and_check(url: str, name: str, rounds: int) -> list[str]:
    """In a process of its own: open the database (upgrading it, as a start does), then
    issue a token and check it and every token issued so far, ``rounds`` times."""
    database = open_database(load_settings({"database": url}))
    accounts = Accounts(database)
    accounts.add_provider(name, f"https://{name}.example/agent")
    tokens = []
    for _ in range(rounds):
        tokens.append(accounts.new_token(name))
        for token in tokens:
            assert accounts.authenticate(token).name == name
    accounts.revoke(tokens[0].split("_")[1])
    database.close()
    return tokens


def test_two_processes_issue_and_check_tokens_at_once(tmp_path: Path, database_url: str) -> None:
    url = settings_for(tmp_path, database_url).database_url
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = [
            pool.apply_async(issue_and_check, (url, name, 30)) for name in ("first", "second")
        ]
        issued = [result.get(timeout=300) for result in results]
    database = Database(url)
    accounts = Accounts(database)
    listed = {p.name: tokens for p, tokens in accounts.providers()}
    assert {name: len(tokens) for name, tokens in listed.items()} == {"first": 30, "second": 30}
    for name, tokens in zip(("first", "second"), issued, strict=True):
        with pytest.raises(Unauthorized, match="revoked"):
            accounts.authenticate(tokens[0])
        assert all(accounts.authenticate(t).name == name for t in tokens[1:])
    database.close()


def test_nothing_operational_is_readable_through_sparql(
    make_app: Callable[..., Flask], database_url: str
) -> None:
    app = make_app(database=database_url)
    accounts: Accounts = app.extensions["accounts"]
    accounts.add_provider("secretive-provider", "https://secretive.example/agent")
    token = accounts.new_token("secretive-provider")
    client = app.test_client()
    client.delete("/api/records/nothing", headers={"Authorization": f"Bearer {token}"})
    assert app.extensions["registry"].records.audit.entries()  # the refusal is logged
    settings = app.extensions["registry"].settings
    beside = Path(settings.database_url.removeprefix("sqlite:///")).resolve()
    assert not beside.is_relative_to(settings.store_path.resolve())  # not in the store
    digest = hashlib.sha256(token.split("_", 2)[2].encode()).hexdigest()
    for needle in ("secretive-provider", "secretive.example", token.split("_")[1], digest):
        query = f'ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (CONTAINS(STR(?o), "{needle}")) }}'
        answer = client.get(
            "/sparql", query_string={"query": query},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert answer.status_code == 200 and answer.get_json()["boolean"] is False, needle
        found = client.get(
            "/sparql", query_string={"query": query.replace("?o", "?s")},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert found.get_json()["boolean"] is False, needle

"""``registry provider``: accounts and tokens from the command line, without the store, in
either database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from registry.cli.main import main
from registry.cli.provider import provider_accounts
from registry.config import load_settings
from registry.database import Database, open_database
from registry.errors import Unauthorized
from registry.records.accounts import Accounts
from tests.conftest import BASE_IRI

AGENT = "https://datasets.procancer-i.example/id/data-office"


def test_add_token_list_revoke(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    monkeypatch.setenv("REGISTRY_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("REGISTRY_DATABASE", database_url)
    runner = CliRunner()
    added = runner.invoke(main, ["provider", "add", "procancer", "--agent", AGENT])
    assert added.exit_code == 0, added.output
    again = runner.invoke(main, ["provider", "add", "procancer", "--agent", AGENT])
    assert again.exit_code == 1 and "exists" in again.output
    issued = runner.invoke(main, ["provider", "token", "procancer", "--expires-in", "30"])
    token = issued.output.strip()
    assert issued.exit_code == 0 and token.startswith("cir_")
    database = open_database(load_settings())
    accounts = Accounts(database)
    assert accounts.authenticate(token).agent == AGENT
    listed = runner.invoke(main, ["provider", "list"]).output
    token_id = token.split("_")[1]
    assert "procancer" in listed and AGENT in listed and token_id in listed
    assert token.split("_", 2)[2] not in listed  # the secret is shown once, never listed
    assert runner.invoke(main, ["provider", "revoke", token_id]).exit_code == 0
    with pytest.raises(Unauthorized, match="revoked"):
        accounts.authenticate(token)
    assert runner.invoke(main, ["provider", "revoke", token_id]).exit_code == 1
    assert runner.invoke(main, ["provider", "token", "nobody"]).exit_code == 1
    database.close()
    assert not (tmp_path / "store").exists()  # the store was never opened


def test_only_digests_are_stored(tmp_path: Path, database_url: str) -> None:
    url = database_url or f"sqlite:///{tmp_path / 'database.sqlite'}"
    database = Database(url)
    database.upgrade()
    accounts = Accounts(database)
    accounts.add_provider("p", AGENT)
    secret = accounts.new_token("p").split("_", 2)[2]
    database.dump(tmp_path / "rows.jsonl")
    database.close()
    assert AGENT in (tmp_path / "rows.jsonl").read_text()
    assert secret not in (tmp_path / "rows.jsonl").read_text()
    if not database_url:
        assert secret.encode() not in (tmp_path / "database.sqlite").read_bytes()


def test_an_unreachable_database_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGISTRY_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("REGISTRY_DATABASE", f"postgresql://nobody@/none?host={tmp_path}")
    listed = CliRunner().invoke(main, ["provider", "list"])
    assert listed.exit_code == 1 and "database" in listed.output and "unavailable" in listed.output


def test_provider_namespaces_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGISTRY_STORE", str(tmp_path / "store"))
    runner = CliRunner()
    added = runner.invoke(
        main,
        ["provider", "add", "procancer", "--agent", AGENT,
         "--namespace", "https://datasets.procancer-i.example/",
         "--namespace", "https://Archive.procancer-i.example:443/old/"],
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(main, ["provider", "list"]).output
    assert "datasets under <https://archive.procancer-i.example/old/>" in listed
    assert "datasets under <https://datasets.procancer-i.example/>" in listed
    token = runner.invoke(main, ["provider", "token", "procancer"]).output.strip()
    with provider_accounts() as accounts:
        assert len(accounts.authenticate(token).namespaces) == 2
        cleared = runner.invoke(main, ["provider", "namespaces", "procancer"])
        assert cleared.exit_code == 0 and "any IRI" in cleared.output
        assert accounts.authenticate(token).namespaces == ()
    bad = runner.invoke(main, ["provider", "namespaces", "procancer", "--namespace", "ftp://x"])
    assert bad.exit_code == 1 and "namespace" in bad.output


@pytest.mark.parametrize("days", ["0", "-1", "-3650", "99999999999"])
def test_token_expires_in_zero_or_negative_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, days: str
) -> None:
    """``--expires-in 0`` made a token that never expired; negative values were accepted."""
    monkeypatch.setenv("REGISTRY_STORE", str(tmp_path / "store"))
    runner = CliRunner()
    assert runner.invoke(main, ["provider", "add", "procancer", "--agent", AGENT]).exit_code == 0
    refused = runner.invoke(main, ["provider", "token", "procancer", "--expires-in", days])
    assert refused.exit_code == 2
    assert "--expires-in" in refused.output and "1<=x<=36500" in refused.output
    with provider_accounts() as accounts:
        assert all(not tokens for _, tokens in accounts.providers())


def test_token_expires_in_one_day_expires(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_STORE", str(tmp_path / "store"))
    runner = CliRunner()
    runner.invoke(main, ["provider", "add", "procancer", "--agent", AGENT])
    assert runner.invoke(main, ["provider", "token", "procancer", "--expires-in", "1"]).exit_code == 0
    with provider_accounts() as accounts:
        ((_, tokens),) = accounts.providers()
    assert tokens[0].expires is not None


def test_add_warns_when_the_agent_is_not_registered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template_store: Path
) -> None:
    """The template store has the sample agents registered: AGENT is, a typo of it is not."""
    store = tmp_path / "store"
    shutil.copytree(template_store, store)
    monkeypatch.setenv("REGISTRY_STORE", str(store))
    monkeypatch.setenv("REGISTRY_BASE_IRI", BASE_IRI)
    runner = CliRunner()
    registered = runner.invoke(main, ["provider", "add", "procancer", "--agent", AGENT])
    assert registered.exit_code == 0 and "Warning" not in registered.output
    typo = AGENT.replace("data-office", "dataoffice")
    unregistered = runner.invoke(main, ["provider", "add", "typo", "--agent", typo])
    assert unregistered.exit_code == 0  # the account is made; the agent may come later
    assert f"Warning: <{typo}> is not registered" in unregistered.output
    assert "registry load FILE" in unregistered.output and "/api/records" in unregistered.output


@pytest.mark.embedded_only  # only an embedded store is held by the process that opened it
def test_add_says_when_the_store_is_held_or_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app: Flask
) -> None:
    runner = CliRunner()
    monkeypatch.setenv("REGISTRY_STORE", app.extensions["registry"].settings.store)
    monkeypatch.setenv("REGISTRY_BASE_IRI", BASE_IRI)
    held = runner.invoke(main, ["provider", "add", "procancer", "--agent", AGENT])
    assert held.exit_code == 0 and "the store is in use" in held.output
    assert f"{BASE_IRI}resolve?iri=https%3A%2F%2Fdatasets" in held.output
    monkeypatch.setenv("REGISTRY_STORE", str(tmp_path / "new"))
    empty = runner.invoke(main, ["provider", "add", "procancer", "--agent", AGENT])
    assert empty.exit_code == 0 and "(the store is empty)" in empty.output
    assert not (tmp_path / "new").exists()

"""``registry provider``: accounts and tokens from the command line, without the store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from registry.cli.main import main
from registry.config import load_settings
from registry.errors import Unauthorized
from registry.records.accounts import Accounts
from tests.conftest import BASE_IRI

AGENT = "https://datasets.procancer-i.example/id/data-office"


def test_add_token_list_revoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_STORE", str(tmp_path / "store"))
    runner = CliRunner()
    added = runner.invoke(main, ["provider", "add", "procancer", "--agent", AGENT])
    assert added.exit_code == 0, added.output
    again = runner.invoke(main, ["provider", "add", "procancer", "--agent", AGENT])
    assert again.exit_code == 1 and "exists" in again.output
    issued = runner.invoke(main, ["provider", "token", "procancer", "--expires-in", "30"])
    token = issued.output.strip()
    assert issued.exit_code == 0 and token.startswith("cir_")
    accounts = Accounts(load_settings().accounts_path)
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
    assert not (tmp_path / "store").exists()  # the store was never opened


def test_only_digests_are_stored(tmp_path: Path) -> None:
    accounts = Accounts(tmp_path / "accounts.sqlite")
    accounts.add_provider("p", AGENT)
    token = accounts.new_token("p")
    assert token.split("_", 2)[2].encode() not in (tmp_path / "accounts.sqlite").read_bytes()


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

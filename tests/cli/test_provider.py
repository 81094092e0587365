"""``registry provider``: accounts and tokens from the command line, without the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from registry.cli.main import main
from registry.config import load_settings
from registry.errors import Unauthorized
from registry.records.accounts import Accounts

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

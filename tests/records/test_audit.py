"""Every write, accepted or refused, leaves an audit line, whichever way it arrives; the
catalogue's own description is versioned like any record (issue "Re-house", walk-through)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from registry.cli.main import main
from registry.records.accounts import Accounts
from registry.records.history import versions
from registry.runtime import Registry
from tests.conftest import BASE_IRI, ROOT

PUBLISHER = "https://procancer-i.example/"
SAMPLE = ROOT / "data" / "sample"
INVALID = ROOT / "data" / "invalid" / "age-as-text.ttl"


def audit_lines(registry: Registry) -> list[dict[str, Any]]:
    path = registry.settings.audit_path
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_refused_publish_through_the_form_is_audited(
    app: Flask, client: FlaskClient, registry: Registry
) -> None:
    accounts: Accounts = app.extensions["accounts"]
    accounts.add_provider("procancer", PUBLISHER)
    token = accounts.new_token("procancer")
    client.post("/submit", data={"token": "wrong", "text": "x", "action": "publish"})
    client.post(
        "/submit",
        data={"token": token, "text": INVALID.read_text(), "syntax": "text/turtle",
              "action": "publish"},
    )
    lines = audit_lines(registry)
    assert [(e["who"], e["action"], e["result"], e["status"]) for e in lines] == [
        ("anonymous", "publish", "refused", 401),
        ("procancer", "publish", "refused", 422),
    ]


def test_checking_in_the_form_is_not_a_write(client: FlaskClient, registry: Registry) -> None:
    client.post("/submit", data={"token": "wrong", "text": "x", "action": "check"})
    assert audit_lines(registry) == []


def test_refused_file_in_registry_load_is_audited(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("REGISTRY_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("REGISTRY_BASE_IRI", BASE_IRI)
    result = CliRunner().invoke(main, ["load", str(INVALID)])
    assert result.exit_code == 1
    log = tmp_path / "store-audit.jsonl"
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    refused = [e for e in lines if e["result"] == "refused"]
    assert [(e["who"], e["action"], e["status"]) for e in refused] == [
        ("operator", "submit", 422)
    ]


def test_catalogue_description_is_a_versioned_audited_record(registry: Registry) -> None:
    from registry.records.loading import load_files

    before = versions(registry.records, "catalog")
    assert [v["number"] for v in before["versions"]] == [1]  # written when the store began
    summary = load_files(registry.records, [SAMPLE / "catalog.ttl"])
    assert summary.loaded == [SAMPLE / "catalog.ttl"]
    after = versions(registry.records, "catalog")
    assert [v["number"] for v in after["versions"]] == [1, 2]
    assert [e["action"] for e in after["history"]] == ["create", "replace"]
    assert audit_lines(registry)[-1]["action"] == "replace"
    assert audit_lines(registry)[-1]["record"] == "catalog"
    # Loading the same description again writes nothing.
    again = load_files(registry.records, [SAMPLE / "catalog.ttl"])
    assert again.unchanged == [SAMPLE / "catalog.ttl"]

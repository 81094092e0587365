"""``registry validate --registry URL`` against a live ``registry serve --sample``: the
agents a file cites are read from it (read-only), and an unknown one gets a note."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_validate import CUSTODIAN, HDAB, PROSTATE, PUBLISHER, validate
from tests.e2e.servers import running_server


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """Run ``registry serve --sample`` as its own process on a free loopback port."""
    with running_server(tmp_path / "live-store", sample=True) as url:
        yield url


def test_agents_are_read_from_a_running_registry(tmp_path: Path, live_server: str) -> None:
    """The sample's agents are registered in the live registry: the file conforms. An agent
    it does not know gets a note; only the cited agents are asked for, once each."""
    result = validate("--registry", live_server, str(PROSTATE), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Conforms" in result.stdout and "Note:" not in result.stdout

    unknown = tmp_path / "unknown-publisher.ttl"
    unknown.write_text(
        PROSTATE.read_text(encoding="utf-8").replace(PUBLISHER, "https://unregistered.example/org")
    )
    result = validate("--registry", live_server + "/", "--format", "json", str(PROSTATE), str(unknown), cwd=tmp_path)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["lookups"]["found"] == sorted([PUBLISHER, HDAB, CUSTODIAN])
    assert document["lookups"]["missing"] == ["https://unregistered.example/org"]
    assert document["lookups"]["errors"] == [] and document["lookups"]["skipped"] == []
    [notes] = [f["notes"] for f in document["files"] if f["file"] == str(unknown)]
    assert notes == [
        f"<https://unregistered.example/org> is not registered at {live_server}: register the "
        "agent's own description first (registry load, or POST /api/records), or describe it here."
    ]

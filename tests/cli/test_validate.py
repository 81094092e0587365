"""``registry validate`` as a provider runs it: offline, against a running registry
(``--registry URL``, read-only; the live registry is in
tests/e2e/test_validate_remote.py), and for CI pipelines (``--format json``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import DATA

PROSTATE = DATA / "sample" / "datasets" / "chaimeleon-prostate-mr.ttl"
PUBLISHER = "https://repository.chaimeleon.example/id/repository"
HDAB = "https://hdab.es.example/id/hdab"
CUSTODIAN = "https://data.hospital-ejemplo.example/id/hospital"


def validate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REGISTRY_STORE": str(cwd / "never-opened")}
    return subprocess.run(
        [sys.executable, "-m", "registry", "validate", *args],
        env=env, capture_output=True, text=True, timeout=180, cwd=cwd,
    )


def test_offline_a_file_citing_registered_agents_gets_one_note(tmp_path: Path) -> None:
    result = validate(str(PROSTATE), cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    violations = [line for line in lines if line.strip().startswith("Violation:")]
    assert len(violations) == 3  # publisher, HDAB, custodian: once each
    assert len(set(lines)) == len(lines), "a line printed twice"
    [note] = [line for line in lines if line.strip().startswith("Note:")]
    for agent in (PUBLISHER, HDAB, CUSTODIAN):
        assert f"<{agent}>" in note
    assert "--registry URL" in note
    assert not (tmp_path / "never-opened").exists()


def test_json_for_ci_pipelines(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n")
    agents = sorted((DATA / "sample" / "agents").iterdir())
    result = validate("--format", "json", *map(str, agents), str(PROSTATE), str(broken), cwd=tmp_path)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["conforms"] is False and document["lookups"] is None
    by_file = {Path(f["file"]).name: f for f in document["files"]}
    prostate = by_file[PROSTATE.name]
    assert prostate["conforms"] is True and prostate["violations"] == 0 and prostate["notes"] == []
    assert {r["severity"] for r in prostate["results"]} <= {"Warning", "Info"}
    assert by_file["broken.ttl"]["conforms"] is False and "line 2" in by_file["broken.ttl"]["error"]


def test_registry_must_be_an_http_address(tmp_path: Path) -> None:
    result = validate("--registry", "file:///etc", str(PROSTATE), cwd=tmp_path)
    assert result.returncode == 2 and "--registry" in result.stderr


def test_an_unreachable_registry_is_said_not_hidden(tmp_path: Path) -> None:
    result = validate("--registry", "http://127.0.0.1:9", str(PROSTATE), cwd=tmp_path)
    assert result.returncode == 1
    assert "not looked up at http://127.0.0.1:9" in result.stdout
    assert "Lookups that failed" in result.stderr

"""The ``registry`` command as a user runs it: real processes, real exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from registry.config import load_settings
from registry.runtime import open_registry
from tests.conftest import AGENTS, DATA, INVALID, PROSTATE, SAMPLE_FILES, SAMPLES


def registry_cmd(*args: str, store: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REGISTRY_STORE": str(store)}
    return subprocess.run(
        [sys.executable, "-m", "registry", *args],
        env=env, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.parametrize("command", ["serve", "load", "validate"])
def test_each_command_prints_help(tmp_path: Path, command: str) -> None:
    result = registry_cmd(command, "--help", store=tmp_path / "s")
    assert result.returncode == 0 and "Usage:" in result.stdout


def test_load_samples_exits_0_and_summarises(tmp_path: Path) -> None:
    result = registry_cmd("load", str(DATA / "sample"), store=tmp_path / "s")
    assert result.returncode == 0, result.stderr
    assert f"{len(SAMPLE_FILES)} loaded, 0 unchanged, 0 rejected" in result.stdout
    again = registry_cmd("load", str(DATA / "sample"), store=tmp_path / "s")
    assert f"0 loaded, {len(SAMPLE_FILES)} unchanged, 0 rejected" in again.stdout


def test_load_with_a_bad_file_exits_1_and_says_why(tmp_path: Path) -> None:
    result = registry_cmd("load", str(DATA), store=tmp_path / "s")
    assert result.returncode == 1
    assert f"{len(SAMPLE_FILES)} loaded, 0 unchanged, {len(INVALID)} rejected" in result.stdout
    assert "REJECTED" in result.stderr and "Add a title" in result.stderr


def test_validate_exit_codes(tmp_path: Path) -> None:
    good = registry_cmd("validate", *map(str, AGENTS + SAMPLES), store=tmp_path / "s")
    assert good.returncode == 0 and "Conforms" in good.stdout
    bad = registry_cmd("validate", *map(str, AGENTS + INVALID), store=tmp_path / "s")
    assert bad.returncode == 1 and "Violation" in bad.stdout and "dct:title" in bad.stdout
    assert not (tmp_path / "s").exists(), "validate must not open a store"


def test_validate_reports_syntax_errors_with_position(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c ex:d .\n")
    result = registry_cmd("validate", str(broken), store=tmp_path / "s")
    assert result.returncode == 1 and "line 2" in result.stdout


def test_cli_explains_a_locked_store_without_a_traceback(tmp_path: Path) -> None:
    store = tmp_path / "locked"
    holder = open_registry(load_settings({"store": str(store)}))
    try:
        result = subprocess.run(
            [sys.executable, "-m", "registry", "load", str(PROSTATE)],
            env={**os.environ, "REGISTRY_STORE": str(store)},
            capture_output=True, text=True, timeout=60,
        )
    finally:
        holder.close()
    assert result.returncode == 1
    assert "Cannot open the store" in result.stderr and "Traceback" not in result.stderr

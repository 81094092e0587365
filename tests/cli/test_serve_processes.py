"""``registry serve --processes N``: refused over the embedded store, saying why."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from registry.cli.main import main
from registry.config import load_settings


def test_several_processes_over_the_embedded_store_are_refused_with_the_reason(
    tmp_path: Path,
) -> None:
    store = tmp_path / "store"
    result = CliRunner().invoke(
        main, ["serve", "--processes", "2"], env={"REGISTRY_STORE": str(store)}
    )
    assert result.exit_code == 1
    assert "only one process may open" in result.output
    assert f"oxigraph serve --location {store}" in result.output
    assert not store.exists()  # refused before anything was opened


def test_processes_from_the_environment_are_refused_too(tmp_path: Path) -> None:
    env = {"REGISTRY_STORE": str(tmp_path / "store"), "REGISTRY_PROCESSES": "3"}
    result = CliRunner().invoke(main, ["serve"], env=env)
    assert result.exit_code == 1 and "--processes 3 needs a shared store" in result.output


@pytest.mark.parametrize(("processes", "validators", "workers"), [(1, 2, 4), (2, 1, 2), (4, 1, 1)])
def test_each_process_gets_its_share_of_validators_and_sparql_workers(
    processes: int, validators: int, workers: int
) -> None:
    settings = load_settings({"processes": processes, "validators": 2, "sparql_workers": 4})
    share = settings.one_process()
    assert (share.validators, share.sparql_workers) == (validators, workers)

"""A ``registry serve`` process harvesting another one on its schedule: the source is
``registry serve --sample``, the harvester a new store with one source added by
``registry harvest add`` (every 2 s), looking every second. Its first run takes in every sample
dataset, which its search and pages then show with where it came from; its next scheduled
run writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.servers import running_server
from tests.federation.harvest.harvesting import sample_datasets

pytestmark = pytest.mark.e2e
DATASET = "https://repository.chaimeleon.example/dataset/prostate-mr"
TITLE = "Prostate cancer multiparametric MRI cohort"


def runs(url: str, numbers: range) -> list[dict[str, Any]]:
    """The finished runs among ``numbers`` (their JSON reports)."""
    found = []
    for number in numbers:
        answer = requests.get(f"{url}/harvest/runs/{number}.json", timeout=30)
        if answer.status_code == 200 and answer.json()["finished"]:
            found.append(answer.json())
    return found


def test_a_serving_registry_harvests_another_on_its_schedule(tmp_path: Path) -> None:
    with running_server(tmp_path / "source", sample=True) as source:
        harvester = tmp_path / "harvester"
        added = subprocess.run(
            [
                sys.executable,
                "-m",
                "registry",
                "harvest",
                "add",
                "samples",
                f"{source}/catalog",
                "--every",
                "2s",
            ],
            env={**os.environ, "REGISTRY_STORE": str(harvester)},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert added.returncode == 0 and ": dcat source" in added.stdout, added.stderr
        settings = {"REGISTRY_HARVEST_CHECK_INTERVAL": "1", "REGISTRY_VALIDATORS": "1"}
        with running_server(harvester, settings) as url:
            deadline = time.monotonic() + 300
            while len(done := runs(url, range(1, 3))) < 2:  # the first run, then the next
                assert time.monotonic() < deadline, "no two scheduled runs in 5 minutes"
                time.sleep(1)
            first, second = done
            assert first["status"] == "complete" and first["refused"] == [], first
            assert first["created"] == len(sample_datasets())
            assert second["status"] == "complete", second
            assert second["created"] == second["updated"] == 0
            assert second["unchanged"] == len(sample_datasets())

            found = requests.get(f"{url}/search", params={"q": "prostate"}, timeout=30)
            assert found.status_code == 200 and TITLE in found.text
            resolved = requests.get(f"{url}/resolve", params={"iri": DATASET}, timeout=30)
            assert resolved.status_code == 200 and TITLE in resolved.text
            record = requests.get(
                resolved.url, headers={"Accept": "application/n-triples"}, timeout=30
            ).text
            assert f"<{url}/harvest#samples>" in record  # cir:harvestedFrom
            overview = requests.get(f"{url}/harvest", timeout=30).text
            assert 'id="samples"' in overview and f"{source}/catalog" in overview

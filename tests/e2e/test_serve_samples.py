"""``./start`` (``registry serve --sample``) at every start: samples fill a new store, and
never replace a record a provider changed since (the silent overwrite of issue 19)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import requests

from tests.conftest import DATA
from tests.e2e.servers import free_port, running_server

PROSTATE = DATA / "sample" / "datasets" / "chaimeleon-prostate-mr.ttl"
DATASET = "https://repository.chaimeleon.example/dataset/prostate-mr"
PUBLISHER = "https://repository.chaimeleon.example/id/repository"


def provider_token(store: Path) -> str:
    env = {**os.environ, "REGISTRY_STORE": str(store)}
    for args in (["add", "chaimeleon", "--agent", PUBLISHER], ["token", "chaimeleon"]):
        result = subprocess.run(
            [sys.executable, "-m", "registry", "provider", *args],
            env=env, capture_output=True, text=True, timeout=60, check=True,
        )
    return result.stdout.strip()


def test_a_restart_keeps_what_a_provider_changed_in_a_sample(tmp_path: Path) -> None:
    store, port = tmp_path / "store", free_port()
    log = store.with_name(f"{store.name}-server-{port}.log")
    with running_server(store, sample=True, port=port) as url:
        catalogue = requests.get(f"{url}/catalog.ttl", timeout=30).text
        assert "sample federation catalogue" in catalogue  # the sample replaced the default
        page = requests.get(f"{url}/resolve", params={"iri": DATASET}, allow_redirects=False, timeout=30)
        record_id = page.headers["Location"].rsplit("/", 1)[-1]
        edited = PROSTATE.read_text(encoding="utf-8").replace(
            "Prostate cancer multiparametric MRI cohort", "Prostate mpMRI cohort, edited by its provider"
        )
        answer = requests.put(
            f"{url}/api/records/{record_id}",
            data=edited.encode(),
            headers={
                "Authorization": f"Bearer {provider_token(store)}",
                "Content-Type": "text/turtle",
                "If-Match": '"1"',
            },
            timeout=60,
        )
        assert answer.status_code == 200, answer.text
        assert answer.headers["ETag"] == '"2"'

    with running_server(store, sample=True, port=port) as url:
        current = requests.get(f"{url}/api/records/{record_id}", timeout=30)
        assert current.headers["ETag"] == '"2"'
        assert "edited by its provider" in current.text
        versions = requests.get(f"{url}/api/records/{record_id}/versions", timeout=30).json()
        output = log.read_text(errors="replace")
    assert len(versions["versions"]) == 2, versions
    [kept] = [line for line in output.splitlines() if line.startswith("KEPT ")]
    assert kept.split(":", 1)[0].endswith(PROSTATE.name), output
    assert "differs from this sample and is kept" in kept
    assert "0 loaded, 62 unchanged, 1 kept (changed in the store since), 0 rejected" in output

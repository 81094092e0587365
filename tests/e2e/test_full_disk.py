"""A full disk: writes are refused with a 503 to retry (never a 500), nothing is half
written, pages keep answering, and writes work again once there is room, without a restart
(hardening: after a full disk the server stayed broken until restarted).

The disk is a small tmpfs mounted for the test (root, or a container allowed to mount);
elsewhere the test is skipped and says why.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.records.layout import record_id_for
from registry.web.app import create_app
from tests.conftest import BASE_IRI, PROSTATE

PUBLISHER = "https://datasets.procancer-i.example/id/data-office"
DATASET = "https://datasets.procancer-i.example/open-challenge-prostate-v1"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=160M", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with filler.open("wb") as out:
        try:
            while True:
                out.write(b"\0" * 1_000_000)
        except OSError:
            pass
    return filler


def test_a_full_disk_refuses_writes_with_503_and_recovers_without_a_restart(
    small_disk: Path, template_store: Path
) -> None:
    shutil.copytree(template_store, small_disk / "store")
    app = create_app({"store": str(small_disk / "store"), "base_iri": BASE_IRI, "validators": 1})
    registry = app.extensions["registry"]
    try:
        accounts = app.extensions["accounts"]
        accounts.add_provider("procancer", PUBLISHER)
        headers = {
            "Authorization": f"Bearer {accounts.new_token('procancer')}",
            "Content-Type": "text/turtle",
        }
        client = app.test_client()
        assert registry.shapes.validators.ready(timeout=120)  # a 503 below is the disk's
        filler = fill(small_disk)
        refused = client.post("/api/records", data=PROSTATE.read_bytes(), headers=headers)
        assert refused.status_code == 503, refused.get_data(as_text=True)
        assert (refused.json or {})["error"] == "Storage unavailable"
        assert int(refused.headers["Retry-After"]) > 0
        record = f"/api/records/{record_id_for(DATASET)}"
        assert client.get("/").status_code == 200
        assert client.get("/search?q=prostate").status_code == 200
        filler.unlink()
        assert client.get(record).status_code == 404  # nothing half-written
        stored = client.post("/api/records", data=PROSTATE.read_bytes(), headers=headers)
        assert stored.status_code == 201, stored.get_data(as_text=True)
        assert stored.headers["Location"].endswith(record)
        assert client.get(record).status_code == 200
        assert client.get("/search?q=prostate").status_code == 200
    finally:
        registry.close()

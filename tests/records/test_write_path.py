"""The write path with the validator processes: bulk loading in batches gives each file the
outcome submitting it alone gives, refusals are audited per file, and a busy pool answers
503 with Retry-After without storing anything."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from registry.errors import RegistryError
from registry.rdf import formats
from registry.records.loading import describes_dataset, load_files, reason
from registry.records.submission import submit
from registry.runtime import Registry
from registry.web.app import create_app
from tests.conftest import AGENTS, BASE_IRI, INVALID, SAMPLE_FILES, SAMPLES

PROSTATE = next(p for p in SAMPLES if p.name == "procancer-i-open-challenge-prostate.ttl")


def unlabelled(text: str) -> str:
    return re.sub(r"_:[0-9a-f]{20,}", "_:", text)


def test_loading_in_batches_is_submitting_one_by_one(registry: Registry) -> None:
    files = SAMPLES[:5] + INVALID + SAMPLES[5:9]
    summary = load_files(registry.records, files)
    assert sorted(summary.loaded) == sorted(SAMPLES[:9])
    assert [path for path, _ in summary.rejected] == INVALID
    # Each refused file submitted alone is refused for the same reason (blank nodes written
    # as [] in a file get new labels at every parse).
    for path, why in summary.rejected:
        with pytest.raises(RegistryError) as refused:
            submit(registry.records, path.read_bytes(), formats.syntax_for_path(path))
        assert unlabelled(reason(refused.value)) == unlabelled(why)
    again = load_files(registry.records, SAMPLES[:9])
    assert sorted(again.unchanged) == sorted(SAMPLES[:9]) and not again.loaded


def test_every_refused_file_of_a_batch_is_audited(registry: Registry) -> None:
    load_files(registry.records, INVALID + SAMPLES[:2])
    lines = [json.loads(line) for line in registry.settings.audit_path.read_text().splitlines()]
    refused = [line for line in lines if line["result"] == "refused"]
    assert len(refused) == len(INVALID)


def test_agents_and_the_catalogue_are_told_from_datasets_by_their_first_statements() -> None:
    assert not any(describes_dataset(path) for path in AGENTS)
    assert all(describes_dataset(path) for path in SAMPLES)
    assert {p for p in SAMPLE_FILES if not describes_dataset(p)} >= set(AGENTS)


def test_a_busy_pool_answers_503_with_retry_after_and_stores_nothing(
    tmp_path: Path, template_store: Path
) -> None:
    shutil.copytree(template_store, tmp_path / "store")
    app = create_app(
        {"store": str(tmp_path / "store"), "base_iri": BASE_IRI, "validators": 1,
         "validation_wait": 0.1}
    )
    registry: Registry = app.extensions["registry"]
    pool = registry.shapes.validators
    client: FlaskClient = app.test_client()
    try:
        assert pool is not None and pool.ready()  # type: ignore[attr-defined]
        held = pool._take(1)  # type: ignore[attr-defined]  # the one validator busy
        response = client.post(
            "/api/validate", data=PROSTATE.read_bytes(), content_type="text/turtle"
        )
        pool._idle.put(held)  # type: ignore[attr-defined]
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "1"
        assert response.get_json()["retry_after"] == 1
    finally:
        registry.close()

"""Regressions found by a newcomer review, each with its input inline."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from registry.config import load_settings
from registry.errors import DatasetNotFound, ForeignDataset, RdfSyntaxError, StoreMismatch
from registry.rdf import formats
from registry.records.loading import load_files
from registry.records.submission import submit
from registry.runtime import Registry, open_registry
from registry.web.app import create_app
from tests.conftest import SAMPLE_FILES, SAMPLES

TURTLE = formats.syntax_for_suffix("ttl")
PROSTATE = next(p for p in SAMPLES if p.name == "procancer-i-open-challenge-prostate.ttl")
LUNG = next(p for p in SAMPLES if p.name == "chaimeleon-lung.jsonld")
LUNG_IRI = "https://repository.chaimeleon.example/dataset/lung-ct-pet"


def load_all(registry: Registry) -> None:
    """Load the sample catalogue, agents first, into a registry of its own."""
    assert not load_files(registry.records, SAMPLE_FILES).rejected


def test_statements_about_another_records_dataset_are_refused(
    client: FlaskClient, registry: Registry
) -> None:
    load_all(registry)
    before = registry.store.quad_count()
    hijack = PROSTATE.read_bytes() + (
        f"\n<{LUNG_IRI}> eucaim:hasCondition "
        "<https://w3id.org/cancer-image-registry/vocab/condition/neuroblastoma> .\n"
    ).encode()
    with pytest.raises(ForeignDataset, match="another record"):
        submit(registry.records, hijack, TURTLE)  # type: ignore[arg-type]
    assert registry.store.quad_count() == before
    page = client.get("/").get_data(as_text=True)
    assert "Lung cancer, Neuroblastoma" not in page


def test_a_provider_may_resubmit_its_own_dataset(registry: Registry) -> None:
    load_all(registry)
    changed = PROSTATE.read_bytes().replace(b'"8237"', b'"8238"')
    assert submit(registry.records, changed, TURTLE).changed  # type: ignore[arg-type]


def test_changing_the_base_iri_of_a_loaded_store_is_refused(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    first = open_registry(load_settings({"store": store, "base_iri": "http://a.test/"}))
    load_all(first)
    first.close()
    del first
    gc.collect()  # the embedded store is closed when its last reference goes
    with pytest.raises(StoreMismatch, match="http://a.test/catalog"):
        open_registry(load_settings({"store": store, "base_iri": "http://b.test/"}))


def test_rdf_star_is_refused_with_a_message() -> None:
    body = b'<< <http://x/s> <http://x/p> "o" >> <http://x/q> "star" .'
    with pytest.raises(RdfSyntaxError, match="RDF-star"):
        formats.parse(body, TURTLE)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_samples_use_only_absolute_http_iris_as_predicates(path: Path) -> None:
    triples = formats.parse(path.read_bytes(), formats.syntax_for_path(path))
    bad = {t.predicate.value for t in triples if not t.predicate.value.startswith("http")}
    assert not bad, f"undefined prefixes or terms: {bad}"


def test_a_second_incomplete_dataset_says_exactly_one(registry: Registry) -> None:
    body = PROSTATE.read_bytes() + b"\npca:extra a dcat:Dataset .\n"
    with pytest.raises(DatasetNotFound, match="exactly one"):
        submit(registry.records, body, TURTLE)  # type: ignore[arg-type]


def test_page_size_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="above 0"):
        load_settings({"page_size": 0})


def test_paging_order_is_the_same_across_pages(tmp_path: Path) -> None:
    app = create_app({"store": str(tmp_path / "s"), "page_size": 1})
    registry = app.extensions["registry"]
    load_all(registry)
    client = app.test_client()
    ids = []
    for page in range(1, len(SAMPLES) + 1):
        html = client.get(f"/search?page={page}").get_data(as_text=True)
        ids.append(html.split('href="/datasets/')[1].split('"')[0])
    listing = client.get("/search?page=1").get_data(as_text=True)  # one record per page
    assert len(set(ids)) == len(SAMPLES), f"pages repeated or skipped a record: {ids}"
    assert f"Page 1 of {len(SAMPLES)}" in listing
    registry.close()


def test_direct_update_post_is_403_read_only(client: FlaskClient) -> None:
    response = client.post(
        "/sparql",
        data=b"INSERT DATA { <http://x/s> <http://x/p> 1 }",
        headers={"Content-Type": "application/sparql-update"},
    )
    assert response.status_code == 403 and "read-only" in response.get_json()["message"]


def test_javascript_iris_are_not_links(client: FlaskClient, registry: Registry) -> None:
    body = PROSTATE.read_bytes().replace(
        b"<https://platform.procancer-i.example/request-access>", b"<javascript:alert(1)>"
    )
    accepted = submit(registry.records, body, TURTLE)  # type: ignore[arg-type]
    page = client.get(f"/datasets/{accepted.record_id}").get_data(as_text=True)
    assert "javascript:alert(1)" in page and 'href="javascript:' not in page


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

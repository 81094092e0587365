"""Fixtures: an app with small harvest pages over a fresh copy of a store holding the sample
catalogue, written once per session as of a moment in the past (validating the 36 sample
datasets takes seconds)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registry.federation.listing import SETTLE
from registry.records.layout import record_id_for
from registry.records.loading import load_files
from registry.runtime import Registry
from registry.web.app import create_app
from tests.conftest import BASE_IRI, SAMPLE_FILES, writing_to
from tests.federation.harvest.harvesting import load_sample_catalogue, sample_datasets
from tests.federation.harvest.servers import SOURCE_BASE, serving_registry

PAGE_SIZE = 10
"""Datasets per page: the 36 sample datasets make four pages."""


def harvest_settings(store: Path) -> dict[str, object]:
    return {"store": str(store), "base_iri": BASE_IRI, "feed_page_size": PAGE_SIZE}


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory, template_store: Path) -> Path:
    """The template store with the sample catalogue issued in the past."""
    path = tmp_path_factory.mktemp("harvest") / "store"
    shutil.copytree(template_store, path)
    with writing_to(path, feed_page_size=PAGE_SIZE) as registry:
        load_sample_catalogue(registry)
    return path


def opened(source: Path, target: Path) -> Flask:
    shutil.copytree(source, target)
    return create_app(harvest_settings(target))


@pytest.fixture
def harvest_app(tmp_path: Path, sample_store: Path) -> Iterator[Flask]:
    """The app over a fresh copy of the sample catalogue, ten datasets a page."""
    app = opened(sample_store, tmp_path / "store")
    yield app
    app.extensions["registry"].close()


@pytest.fixture
def empty_harvest_app(tmp_path: Path, template_store: Path) -> Iterator[Flask]:
    """The app over a store with agents and no dataset."""
    app = opened(template_store, tmp_path / "store")
    yield app
    app.extensions["registry"].close()


@pytest.fixture
def harvest_registry(harvest_app: Flask) -> Registry:
    registry: Registry = harvest_app.extensions["registry"]
    return registry


@pytest.fixture
def harvest_client(harvest_app: Flask) -> FlaskClient:
    return harvest_app.test_client()


@pytest.fixture
def sample_ids() -> dict[str, str]:
    """The sample datasets: dataset IRI -> record id."""
    return {topic: record_id_for(topic) for topic in sample_datasets()}


@pytest.fixture(scope="session")
def source_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second registry's store (base ``SOURCE_BASE``) with the whole sample catalogue."""
    path = tmp_path_factory.mktemp("source") / "store"
    with writing_to(path, base_iri=SOURCE_BASE, feed_page_size=10) as registry:
        assert not load_files(registry.records, SAMPLE_FILES).rejected
    # A walk of the catalogue lists what settled SETTLE before it starts: a test that
    # harvested at once would find none of the records.
    time.sleep(SETTLE.total_seconds() + 1)
    return path


@pytest.fixture
def source(tmp_path: Path, source_template: Path) -> Iterator[Registry]:
    """The second registry, served on 127.0.0.1 (a fresh copy per test: tests change it)."""
    with serving_registry(source_template, tmp_path / "source") as registry:
        yield registry


@pytest.fixture
def harvesting(empty_harvest_app: Flask) -> Registry:
    """The registry that harvests: agents registered, no dataset."""
    registry: Registry = empty_harvest_app.extensions["registry"]
    return registry

"""A store with the whole sample catalogue, loaded once per module and copied per test."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from registry.federation.listing import SETTLE
from registry.records.loading import load_files
from registry.web.app import create_app
from tests.conftest import BASE_IRI, SAMPLE_FILES, writing_to

PAGE_SIZE = 5
"""Activities per feed fragment in these tests: the sample catalogue spans a dozen."""
SETTLED: dict[Path, float] = {}
"""When each sample store's records are all in a walk of the catalogue (``SETTLE`` after
the last write): a page asked for sooner lists only those that settled."""


@pytest.fixture(scope="module")
def sample_store(template_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template store with every sample file loaded (catalogue, agents, datasets)."""
    path = tmp_path_factory.mktemp("sample") / "store"
    shutil.copytree(template_store, path)
    with writing_to(path) as registry:
        summary = load_files(registry.records, SAMPLE_FILES)
        assert not summary.rejected, summary.rejected
    SETTLED[path] = time.monotonic() + SETTLE.total_seconds() + 1
    return path


@pytest.fixture
def sample_app(sample_store: Path, tmp_path: Path) -> Iterator[Flask]:
    """The app over a fresh copy of the sample store, ``PAGE_SIZE`` activities a fragment."""
    shutil.copytree(sample_store, tmp_path / "store")
    time.sleep(max(0.0, SETTLED.get(sample_store, 0.0) - time.monotonic()))
    app = create_app(
        {"store": str(tmp_path / "store"), "base_iri": BASE_IRI, "feed_page_size": PAGE_SIZE}
    )
    yield app
    app.extensions["registry"].close()

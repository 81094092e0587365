"""A registry with the sample catalogue loaded, shared by a module's tests (loading the 36
samples takes seconds; these tests only read)."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from registry.records.loading import load_files
from registry.web.app import create_app
from tests.conftest import BASE_IRI, SAMPLES


@pytest.fixture(scope="module")
def sample_app(tmp_path_factory: pytest.TempPathFactory, template_store: Path) -> Iterator[Flask]:
    """The app over a store with the sample agents and datasets, read-only for its module."""
    store = tmp_path_factory.mktemp("samples") / "store"
    shutil.copytree(template_store, store)
    app = create_app({"store": str(store), "base_iri": BASE_IRI})
    summary = load_files(app.extensions["registry"].records, SAMPLES)
    assert not summary.rejected, summary.rejected
    yield app
    app.extensions["registry"].close()
    del app
    gc.collect()

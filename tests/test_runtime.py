"""Opening a registry (runtime.open_registry): what it refuses before anything is written."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from registry.config import load_settings
from registry.errors import StoreMismatch
from registry.runtime import open_registry
from tests.conftest import load_all


def test_changing_the_base_iri_of_a_loaded_store_is_refused(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    first = open_registry(load_settings({"store": store, "base_iri": "http://a.test/"}))
    load_all(first)
    first.close()
    del first
    gc.collect()  # the embedded store is closed when its last reference goes
    with pytest.raises(StoreMismatch, match="http://a.test/catalog"):
        open_registry(load_settings({"store": store, "base_iri": "http://b.test/"}))

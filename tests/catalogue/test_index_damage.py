"""A damaged search index never stops the registry: it is detected at start, rebuilt from
the store (the source of truth), and the log says so (hardening: a corrupt search index
stopped start-up in 2 of 6 corruptions and had to be deleted by hand)."""

from __future__ import annotations

import gc
import logging
import random
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from registry.catalogue.index.query import Query
from registry.config import load_settings
from registry.runtime import search_index_path
from registry.web.app import create_app
from tests.conftest import BASE_IRI, load_samples, writing_to

SAMPLED = 4


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, template_store: Path) -> Path:
    """A store with a few sample datasets and its search index, closed."""
    folder = tmp_path_factory.mktemp("indexed")
    shutil.copytree(template_store, folder / "store")
    with writing_to(folder / "store", base_iri=BASE_IRI) as registry:
        load_samples(registry, SAMPLED)
        assert registry.search.summary()["datasets"] == SAMPLED
    return folder


def scrambled(path: Path, start: int, length: int) -> None:
    data = bytearray(path.read_bytes())
    noise = random.Random(7).randbytes(length)
    data[start : start + length] = noise[: max(0, min(length, len(data) - start))]
    path.write_bytes(bytes(data))


def half(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def garbage(path: Path) -> None:
    path.write_bytes(random.Random(1).randbytes(path.stat().st_size))


def empty(path: Path) -> None:
    path.write_bytes(b"")


def header(path: Path) -> None:
    scrambled(path, 0, 100)


def middle(path: Path) -> None:
    size = path.stat().st_size
    for start in range(4096, size, size // 8 or 1):
        scrambled(path, start, 2048)


def stray_log(path: Path) -> None:
    path.with_name(path.name + "-wal").write_bytes(random.Random(3).randbytes(70_000))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "half of it": half,
    "garbage": garbage,
    "empty": empty,
    "header scrambled": header,
    "pages scrambled": middle,
    "stray write-ahead log": stray_log,
}


@pytest.fixture
def damaged_copy(indexed: Path, tmp_path: Path) -> Iterator[dict[str, str]]:
    shutil.copytree(indexed, tmp_path, dirs_exist_ok=True)
    yield {"store": str(tmp_path / "store"), "base_iri": BASE_IRI}
    gc.collect()


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_index_is_rebuilt_at_start(
    damaged_copy: dict[str, str],
    damage: Callable[[Path], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    damage(search_index_path(load_settings(damaged_copy)))
    with caplog.at_level(logging.WARNING, logger="registry.catalogue.index.sqlite"):
        app = create_app(damaged_copy)
    registry = app.extensions["registry"]
    try:
        assert registry.search.summary()["datasets"] == SAMPLED
        assert registry.search.search(Query(text="cancer"), 10).total > 0
        assert registry.index.reconcile() == 0  # in step with the store
        client = app.test_client()
        assert client.get("/search?q=cancer").status_code == 200
        assert client.get("/").status_code == 200
    finally:
        registry.close()
    if damage is not stray_log:  # SQLite may simply ignore a log that does not match
        assert any("rebuilt" in r.getMessage() for r in caplog.records), caplog.text
        assert registry.search.damage is not None


def test_a_sound_index_is_kept(damaged_copy: dict[str, str], caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="registry.catalogue.index.sqlite"):
        registry = create_app(damaged_copy).extensions["registry"]
    try:
        assert registry.search.damage is None and registry.index.reconcile() == 0
    finally:
        registry.close()
    assert not caplog.records

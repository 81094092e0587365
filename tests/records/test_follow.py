"""Following the change log: two registries over one ``oxigraph serve`` (two web processes,
in one test process), each with its own search index; a write through one reaches the
other's index by the log alone."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.config import load_settings
from registry.rdf import formats
from registry.records.submission import submit
from registry.runtime import Registry, open_registry
from tests.conftest import BASE_IRI, PROSTATE
from tests.store.writer import TITLE
from tests.store_server import OxigraphServer, oxigraph_server


@pytest.fixture
def pair(
    tmp_path: Path, template_store: Path
) -> Iterator[tuple[OxigraphServer, Registry, Registry]]:
    shutil.copytree(template_store, tmp_path / "store")
    with oxigraph_server(tmp_path / "store") as server:
        opened = [
            open_registry(
                load_settings(
                    {
                        "store": server.url,
                        "local_folder": str(tmp_path / name),
                        "base_iri": BASE_IRI,
                        "validation_wait": 120,
                        "change_follow_interval": 0.1,
                        "store_timeout": 3,
                    }
                )
            )
            for name in ("one", "two")
        ]
        yield server, opened[0], opened[1]
        for registry in opened:
            registry.close()


def titled(tag: str) -> bytes:
    return PROSTATE.read_bytes().replace(TITLE, TITLE.replace(b'V1"', f'V1 {tag}"'.encode()))


def test_a_write_through_one_reaches_the_other_by_the_log(
    pair: tuple[OxigraphServer, Registry, Registry],
) -> None:
    _, one, two = pair
    start = two.follower.position
    record_id = submit(
        one.records, PROSTATE.read_bytes(), formats.syntax_for_path(PROSTATE)
    ).record_id
    assert one.search.card(record_id) is not None  # its own write, at once
    assert two.search.card(record_id) is None  # the other's index has not heard of it
    assert two.follower.catch_up() == one.records.changes.latest() - start
    assert two.search.card(record_id) is not None
    assert two.follower.position == one.records.changes.latest()
    assert two.follower.catch_up() == 0  # in step: nothing to apply
    assert two.follower.lag() is None  # not following: catch_up was called by hand


def test_the_follower_thread_brings_a_new_version_within_a_second(
    pair: tuple[OxigraphServer, Registry, Registry],
) -> None:
    _, one, two = pair
    record_id = submit(
        one.records, PROSTATE.read_bytes(), formats.syntax_for_path(PROSTATE)
    ).record_id
    two.follow_changes()
    submit(one.records, titled("followed"), formats.syntax_for_path(PROSTATE))
    deadline = time.monotonic() + 1
    while "followed" not in str(two.search.card(record_id)):
        assert time.monotonic() < deadline, two.search.card(record_id)
        time.sleep(0.02)


def test_the_lag_grows_while_the_store_is_down_and_the_follower_catches_up_after(
    pair: tuple[OxigraphServer, Registry, Registry],
) -> None:
    server, one, two = pair
    two.follow_changes()
    server.stop()
    time.sleep(1.5)
    lag = two.follower.lag()
    assert lag is not None and lag > 1  # it could not look at the log
    server.start()
    record_id = submit(
        one.records, PROSTATE.read_bytes(), formats.syntax_for_path(PROSTATE)
    ).record_id
    deadline = time.monotonic() + 5
    while two.search.card(record_id) is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    lag = two.follower.lag()
    assert lag is not None and lag < 1

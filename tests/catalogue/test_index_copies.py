"""Each web process's own copy of the search index: seeded from the shared file, removed
when the process stops, and removed by the next process when its process died."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from registry.catalogue.index.copies import copy_path, own_copy, remove_copy, remove_orphans


def seed_with_rows(path: Path, rows: int) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE entry (id TEXT)")
        connection.executemany("INSERT INTO entry VALUES (?)", [(str(i),) for i in range(rows)])


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_copy_holds_the_seed_and_is_named_after_the_process(tmp_path: Path) -> None:
    seed = tmp_path / "remote.search.sqlite"
    seed_with_rows(seed, 3)
    copy = own_copy(seed)
    assert copy == tmp_path / f"remote.search.{os.getpid()}.sqlite"
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT count(*) FROM entry").fetchone() == (3,)
    remove_copy(copy)
    assert not copy.exists() and seed.exists()


def test_without_a_seed_the_process_starts_empty(tmp_path: Path) -> None:
    copy = own_copy(tmp_path / "remote.search.sqlite")
    assert not copy.exists()  # the SearchIndex creates it, then reconciles from the store


def test_copies_of_dead_processes_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    seed = tmp_path / "remote.search.sqlite"
    seed_with_rows(seed, 1)
    dead = copy_path(seed, dead_pid())
    for suffix in ("", "-wal", "-shm"):
        dead.with_name(dead.name + suffix).write_bytes(b"")
    alive = copy_path(seed, os.getppid())
    alive.write_bytes(b"")
    assert remove_orphans(seed) == [dead]
    assert not list(tmp_path.glob(f"{dead.name}*"))
    assert alive.exists() and seed.exists()

"""One search index per web process, seeded from the shared one.

A ``SearchIndex`` keeps aggregates and facet bitmaps in memory, read once from its file and
then updated by its own writes: two processes writing one file would each keep serving
their own stale bitmaps. So under ``registry serve --processes N`` each process indexes into
its own file, ``<index>.<pid>.sqlite``, beside the shared one. The shared file is the seed:
``registry serve`` brings it in step with the store before the processes start, each copies
it (SQLite's online backup: a consistent copy, even while another process reads it) and
reconciles only what changed since, then follows the change log. A process removes its
copy when it stops; the copies of processes that died (SIGKILL, a crash) are removed by the
next process that starts.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

from registry.catalogue.index.sqlite import SIDE_FILES


def own_copy(seed: Path) -> Path:
    """Copy ``seed`` (if it exists) to this process's index file and return its path."""
    remove_orphans(seed)
    path = copy_path(seed, os.getpid())
    _remove(path)
    if seed.exists():
        source = sqlite3.connect(f"file:{seed}?mode=ro", uri=True)
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        except sqlite3.DatabaseError:  # a damaged seed: this process builds from the store
            target.close()
            _remove(path)
        finally:
            source.close()
            target.close()
    return path


def copy_path(seed: Path, pid: int) -> Path:
    return seed.with_name(f"{seed.stem}.{pid}{seed.suffix}")


def remove_copy(path: Path) -> None:
    """Remove a process's index file and SQLite's files beside it."""
    _remove(path)


def remove_orphans(seed: Path) -> list[Path]:
    """Remove the copies of ``seed`` whose process is gone; return them."""
    pattern = re.compile(re.escape(seed.stem) + r"\.(\d+)" + re.escape(seed.suffix) + "$")
    removed = []
    for path in seed.parent.glob(f"{seed.stem}.*{seed.suffix}"):
        found = pattern.match(path.name)
        if found and not _alive(int(found[1])):
            _remove(path)
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _remove(path: Path) -> None:
    for suffix in ("", *SIDE_FILES):
        path.with_name(path.name + suffix).unlink(missing_ok=True)

"""Writing the agents and n records into a folder, on every core::

    agents/hdab-esp.ttl, agents/provider-001.ttl, ...
    datasets/000/000000.ttl ... datasets/099/099999.ttl    (at most 1,000 files a folder)

Workers write chunks of records by index; since a record depends only on its seed and
index, the files are the same bytes whatever the number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

from registry.synthetic.agents import agents
from registry.synthetic.records import record
from registry.synthetic.tables import vocabulary

CHUNK = 500
"""Records a worker process writes per task."""


@dataclass(frozen=True)
class Summary:
    """What ``write`` wrote."""

    datasets: int
    agents: int
    triples: int
    bytes: int


def write_records(task: tuple[Path, int, int, int]) -> tuple[int, int, int]:
    """Write records start .. stop-1 under ``out``; return (records, triples, bytes)."""
    out, seed, start, stop = task
    triples = size = 0
    folder = None
    for index in range(start, stop):
        generated = record(index, seed)
        path = out / generated.path
        if path.parent != folder:
            folder = path.parent
            folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(generated.data)
        triples += generated.triples
        size += len(generated.data)
    return stop - start, triples, size


def write(
    out: Path,
    n: int,
    seed: int = 0,
    workers: int | None = None,
    progress: Callable[[int], object] | None = None,
) -> Summary:
    """Write the agents and n records under ``out`` with ``workers`` processes (all cores).

    Refuses a folder whose ``agents/`` or ``datasets/`` holds files: those of an earlier,
    larger run would mix with this one.
    """
    for part in ("agents", "datasets"):
        if (out / part).is_dir() and any((out / part).iterdir()):
            raise FileExistsError(f"{out / part} is not empty: write to a new folder")
    (out / "agents").mkdir(parents=True, exist_ok=True)
    written = list(agents())
    for agent in written:
        (out / agent.path).write_bytes(agent.data)
    tasks = [(out, seed, start, min(start + CHUNK, n)) for start in range(0, n, CHUNK)]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers = min(workers or cores or 1, len(tasks))
    vocabulary()  # read before forking: every worker inherits it
    if workers > 1 and "fork" in get_all_start_methods():
        # fork, not spawn: a spawned child would re-run ``python -m registry``'s main module.
        with get_context("fork").Pool(workers) as pool:
            results = [_report(r, progress) for r in pool.imap_unordered(write_records, tasks)]
    else:
        results = [_report(write_records(task), progress) for task in tasks]
    return Summary(
        n,
        len(written),
        sum(a.triples for a in written) + sum(r[1] for r in results),
        sum(len(a.data) for a in written) + sum(r[2] for r in results),
    )


def _report(
    result: tuple[int, int, int], progress: Callable[[int], object] | None
) -> tuple[int, int, int]:
    if progress is not None:
        progress(result[0])
    return result

"""How fast ``registry generate`` writes synthetic records, against a baseline.

Ours: ``registry.synthetic.writer.write`` of N records (default 100,000) and their agents, one
process per core. Baseline: N copies of one fixed sample description written in the same
layout (``datasets/NNN/NNNNNN.ttl``) by one plain loop: the cost of the files alone. A third
line composes records without writing them (one process), to tell generation from file
system work.

The machine is shared: besides wall time each line gives the CPU time spent (user + system,
workers included) and the load average before it, so a slow run can be told from a busy
machine. Both trees are deleted only at the end: ext4 without a journal (this VM's) is slow
to create files right after many were deleted, which would penalise whichever runs second.

    .venv/bin/python -m bench.generate [--records 100000] [--seed 0] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from registry.resources import resource_dir
from registry.synthetic.records import records
from registry.synthetic.tables import vocabulary
from registry.synthetic.writer import write

T = TypeVar("T")


def sample_file() -> Path:
    """The first Turtle dataset description of the sample catalogue."""
    sample = resource_dir("data") / "sample"
    datasets = sorted((sample / "datasets").glob("*.ttl")) or sorted(sample.rglob("*.ttl"))
    return datasets[0]


def write_copies(out: Path, data: bytes, n: int) -> None:
    """The baseline: ``n`` copies of ``data`` in the generator's folder layout."""
    for index in range(n):
        path = out / f"datasets/{index // 1000:03d}/{index:06d}.ttl"
        if index % 1000 == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def timed(run: Callable[[], T]) -> tuple[T, float, float, str]:
    """Run; return its result, wall seconds, CPU seconds (workers too), prior load average."""
    load = f"load {os.getloadavg()[0]:.1f}"
    before, started = os.times(), time.perf_counter()
    result = run()
    wall, after = time.perf_counter() - started, os.times()
    cpu = sum(after[:4]) - sum(before[:4])  # user, system, children's user and system
    return result, wall, cpu, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    n = args.records
    vocabulary()
    source = sample_file()
    data = source.read_bytes()

    with tempfile.TemporaryDirectory() as folder:
        summary, ours, ours_cpu, load = timed(
            lambda: write(Path(folder) / "generated", n, args.seed, args.workers)
        )
        print(
            f"registry generate: {n} records in {ours:6.2f} s = {n / ours:6.0f} records/s, "
            f"{summary.triples / ours:7.0f} triples/s; CPU {ours_cpu:5.1f} s; {load} "
            f"({summary.triples / n:.0f} triples, {summary.bytes / n / 1000:.1f} kB a record)"
        )
        subset = min(n, 10_000)
        _, composing, _, load = timed(lambda: sum(1 for _ in records(subset, args.seed)))
        print(
            f"composing only:    {subset} records in {composing:6.2f} s = "
            f"{subset / composing:6.0f} records/s (one process, no files); {load}"
        )
        _, baseline, baseline_cpu, load = timed(
            lambda: write_copies(Path(folder) / "copies", data, n)
        )
        print(
            f"baseline copies:   {n} files   in {baseline:6.2f} s = {n / baseline:6.0f} files/s"
            f"; CPU {baseline_cpu:5.1f} s; {load} "
            f"(copies of {source.name}, {len(data) / 1000:.1f} kB, one process)"
        )
        print(
            f"ratio generate / baseline: {ours / baseline:.2f}x the wall time, "
            f"{ours_cpu / baseline_cpu:.2f}x the CPU time of writing copies"
        )
        print("deleting the two trees ...", flush=True)


if __name__ == "__main__":
    main()

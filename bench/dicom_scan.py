"""How fast ``registry dicom scan`` reads DICOM headers, against a plain pydicom loop.

Baseline: one process, ``pydicom.dcmread(path, stop_before_pixels=True)`` over the list of
files, nothing else. Scanner: the scan as the command runs it, end to end: listing the
folder, starting worker processes on every core, reading and summing the headers, merging
the workers' tallies. Building the RDF draft from the tally is timed on its own line.

The files are synthetic studies (tests/dicom/fixtures.py: CT, MR, PET series with vendor
private blocks, de-identified headers), written once into a temporary folder, or into
``--dir`` and reused there on the next run. Rounds alternate baseline and scanner; the
best round of each is compared, as other processes on the machine slow some rounds down.

    .venv/bin/python -m bench.dicom_scan [--files 20000] [--rounds 3] [--dir DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pydicom

from registry.dicom.draft import build_draft
from registry.dicom.folder import cores, files_under, scan_files
from tests.dicom.fixtures import bench_patients, write_patients


def _write(args: tuple[Path, int, int, int]) -> int:
    root, count, seed, first = args
    return write_patients(root, bench_patients(count, seed), seed, first).instances


def generate(root: Path, count: int) -> None:
    """Write ``count`` instances under ``root`` on every core (about 1.5 ms a file each)."""
    parts = max(1, min(cores(), count // 1000))
    sizes = [count // parts + (i < count % parts) for i in range(parts)]
    jobs = [(root, size, seed, seed * 100_000) for seed, size in enumerate(sizes)]
    with ProcessPoolExecutor(parts) as pool:
        written = sum(pool.map(_write, jobs))
    assert written == count, (written, count)


Timing = tuple[float, float]  # wall seconds, CPU seconds of this process


def timed(work: Callable[[], object]) -> Timing:
    wall, cpu = time.perf_counter(), _cpu()
    work()
    return time.perf_counter() - wall, _cpu() - cpu


def _cpu() -> float:
    # This process only: the scan's workers are children of the forkserver, not of this one.
    return time.process_time()


def baseline(paths: list[str]) -> None:
    for path in paths:
        pydicom.dcmread(path, stop_before_pixels=True)


def line(name: str, count: int, timings: list[Timing], reference: float | None = None) -> str:
    walls = [wall for wall, _ in timings]
    best = min(walls)
    ratio = f"  {reference / best:4.2f}x baseline" if reference else ""
    cpu = min(cpu for _, cpu in timings) / count * 1e6
    return (
        f"{name:<34} best {count / best:7.0f} files/s, median "
        f"{count / statistics.median(walls):7.0f} files/s, "
        + (f"{cpu:4.0f} CPU-us/file" if cpu > 50 else "CPU in workers")
        + ratio
    )


def run(root: Path, count: int, rounds: int, workers: int | None) -> None:
    existing = len(files_under(root))
    if existing and existing != count:
        raise SystemExit(f"{root} holds {existing} files, not {count}: use another --dir")
    if not existing:
        started = time.perf_counter()
        generate(root, count)
        print(f"wrote {count} synthetic DICOM files in {time.perf_counter() - started:.1f} s")
    paths = files_under(root)
    size = sum(os.path.getsize(p) for p in paths) / len(paths)
    print(
        f"{len(paths)} files ({size / 1024:.1f} KiB each) under {root}; {cores()} cores; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    base, ours, single = [], [], []
    for _ in range(rounds):
        base.append(timed(lambda: baseline(paths)))
        ours.append(timed(lambda: scan_files(files_under(root), root, workers)))
        single.append(timed(lambda: scan_files(files_under(root), root, 1)))
    best = min(wall for wall, _ in base)
    print(line("baseline: dcmread loop, 1 process", len(paths), base))
    print(line(f"scanner: {workers or cores()} processes", len(paths), ours, best))
    print(line("scanner: 1 process", len(paths), single, best))
    tally = scan_files(paths, root, workers)
    started = time.perf_counter()
    build_draft(tally)
    print(f"draft from the tally: {(time.perf_counter() - started) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None, help="scanner processes [cores]")
    parser.add_argument("--dir", type=Path, default=None, help="keep the files here and reuse")
    args = parser.parse_args()
    if args.dir:
        args.dir.mkdir(parents=True, exist_ok=True)
        run(args.dir, args.files, args.rounds, args.workers)
        return
    with tempfile.TemporaryDirectory(prefix="cir-dicom-bench-") as folder:
        run(Path(folder), args.files, args.rounds, args.workers)


if __name__ == "__main__":
    main()

"""``registry load`` of generated records with full validation, against a baseline.

    .venv/bin/python -m bench.load [--records 10000] [--baseline 40]

``registry generate``'s agents and records are written to a folder, then loaded as
``registry load`` loads them (``load_files``: agents first, then the datasets in batches
validated in the validator processes while the previous batch is written), into a new
store. Target: at least 150 records/s, and 15x the baseline printed beside it
(``bench.plain``: plain pySHACL validating the same kind of records one at a time, shapes
parsed once, in a fresh interpreter of this run).

The sample descriptions (``data/sample``) are still available as copies with their own
IRIs (``variants``), for ``bench.validate``.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from registry.config import load_settings
from registry.rdf import formats
from registry.records.loading import description_files, load_files
from registry.resources import resource_dir
from registry.runtime import open_registry
from registry.synthetic.writer import write

from . import plain
from .workload import cpu_seconds

SAMPLE = resource_dir("data") / "sample"
N_TRIPLES = formats.syntax_for_suffix("nt")


def variants(copies: int) -> list[tuple[bytes, formats.RdfSyntax]]:
    """Return ``copies`` N-Triples descriptions per sample dataset, each with its own IRIs.

    Every IRI the file describes (dataset, distributions) gets a copy suffix; the agents it
    cites keep theirs, so the copies validate against the registered sample agents.
    """
    assert N_TRIPLES is not None
    bodies = []
    for path in sorted((SAMPLE / "datasets").iterdir()):
        triples = formats.parse(path.read_bytes(), formats.syntax_for_path(path))
        own = {t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}
        for i in range(copies):
            renamed = [
                ox.Triple(
                    renamed_term(t.subject, own, i), t.predicate, renamed_term(t.object, own, i)
                )
                for t in triples
            ]
            bodies.append((ox.serialize(renamed, format=ox.RdfFormat.N_TRIPLES) or b"", N_TRIPLES))
    return bodies


def renamed_term(term: Any, own: set[Any], copy: int) -> Any:
    """The copy's IRI for an IRI the description describes; any other term unchanged."""
    return ox.NamedNode(f"{term.value}-copy{copy}") if term in own else term


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=40, help="records the baseline times")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print where the loading process's CPU goes (cProfile on CPU time)",
    )
    args = parser.parse_args()
    baseline = plain.measure(args.baseline)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write(folder / "files", args.records, seed=7)
        files = description_files([folder / "files"])
        started = time.perf_counter()
        registry = open_registry(load_settings({"store": str(folder / "store")}))
        opened = time.perf_counter() - started
        assert registry.shapes.validators is not None
        registry.shapes.validators.ready()  # type: ignore[attr-defined]
        cpu = os.times()
        family = cpu_seconds(os.getpid())
        # The writing thread's own CPU: a process clock would charge this thread's frames
        # with what the reading thread and RocksDB's threads burn meanwhile.
        profile = cProfile.Profile(time.thread_time) if args.profile else None
        started, writer = time.perf_counter(), time.thread_time()
        if profile is not None:
            profile.enable()
        summary = load_files(registry.records, files)
        if profile is not None:
            profile.disable()
        elapsed, writer = time.perf_counter() - started, time.thread_time() - writer
        after = os.times()
        family = cpu_seconds(os.getpid()) - family
        registry.close()
    loaded = len(summary.loaded)
    rate = loaded / elapsed
    busy = (after.user - cpu.user) + (after.system - cpu.system)
    print(f"open registry (store, profile, validators starting): {opened:.1f} s")
    print(
        f"registry load: {loaded} loaded, {len(summary.rejected)} rejected of {len(files)} "
        f"files in {elapsed:.1f} s = {rate:.1f} records/s"
    )
    cores = len(os.sched_getaffinity(0))
    print(
        f"CPU a record: {family / max(loaded, 1) * 1000:.1f} ms in all, "
        f"{busy / max(loaded, 1) * 1000:.1f} ms of it in this process (parse, store, index, "
        f"audit), so at most {cores * loaded / family:.0f} records/s on {cores} idle cores "
        f"(load average now {os.getloadavg()[0]:.1f}); the writing thread "
        f"{writer / max(loaded, 1) * 1000:.1f} ms, so at most {loaded / writer:.0f} records/s"
    )
    print(
        f"baseline (plain pySHACL, shapes parsed once, one at a time): "
        f"{baseline['rate']:.1f} records/s, median {baseline['median'] * 1000:.0f} ms; "
        f"load / baseline: {rate / baseline['rate']:.1f}x"
    )
    if summary.rejected:
        path, why = summary.rejected[0]
        print(f"first rejected: {path}: {why[:300]}")
    if profile is not None:
        print_phases(pstats.Stats(profile), writer, max(loaded, 1))


PHASES = {
    "foreign subjects (who else describes what it cites)": (
        "registry/records/foreign.py",
        "refuse_foreign_subjects",
    ),
    "foreign subjects: the batch's question": ("registry/records/foreign.py", "ask"),
    "digest": ("registry/records/submission.py", "digest"),
    "store transaction": ("registry/records/write.py", "commit"),
    "search index": ("registry/catalogue/index/sync.py", "records_written"),
    "catalogue listing": ("registry/federation/listing.py", "records_written"),
    "audit": ("registry/records/audit.py", "log"),
}
"""Where a loaded record's CPU goes in the loading process's writing thread: functions whose
inclusive time is one phase (some nest: the store transaction includes the catalogue
listing; the search index hears of a batch at its end). Reading, parsing and sending the
next batch to the validators run in the reading thread, beside it."""


def print_phases(stats: pstats.Stats, busy: float, loaded: int) -> None:
    """Each phase's inclusive CPU a record and its share of the writing thread's CPU."""
    inclusive: dict[str, float] = {}
    for (filename, _line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        for phase, (suffix, name) in PHASES.items():
            if function == name and filename.endswith(suffix):
                inclusive[phase] = inclusive.get(phase, 0.0) + row[3]
    print("where the writing thread's CPU goes (inclusive, phases may nest):")
    for phase, seconds in inclusive.items():
        share = seconds / busy if busy else 0.0
        print(f"  {phase:46} {seconds / loaded * 1000:7.2f} ms a record  {share:6.1%}")
    print("the functions with the most CPU of their own:")
    stats.sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()

"""Harvesting another registry's paged catalogue, next to ``registry load`` of the same records.

    .venv/bin/python -m bench.harvest [--records 1000]

A source registry gets ``--records`` generated records (and their agents) through the
trusted bulk path and serves them with ``registry serve``; a new store harvests its paged
``/catalog`` (``registry harvest``'s DCAT-AP pages reader: every page read over HTTP, every
description validated and written through ``records``); the baseline loads the generator's
files into another new store with ``registry load``'s ``load_files``. Both validate every
record, so the difference is what reading the source over HTTP and splitting its documents
cost.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from pathlib import Path

from registry.config import load_settings
from registry.federation.harvest.sources import Source
from registry.records.loading import description_files, load_files
from registry.runtime import open_registry
from registry.synthetic.agents import agents
from registry.synthetic.records import records
from registry.synthetic.writer import write

from .trusted_load import trusted_bulk_load
from .workload import free_port, serve, wait_for_port


def source_store(folder: Path, base_iri: str, n: int) -> Path:
    """A store holding the generated agents and ``n`` generated records (trusted path)."""
    store = folder / "source"
    registry = open_registry(load_settings({"store": str(store), "base_iri": base_iri}))
    try:
        trusted_bulk_load(registry, [*agents(), *records(n)])
    finally:
        registry.close()
        del registry
        gc.collect()
    return store


def harvested(folder: Path, url: str) -> tuple[float, dict[str, object]]:
    """Seconds to harvest ``url``'s paged catalogue into a new store, and the run's report."""
    settings = load_settings({"store": str(folder / "harvester"), "base_iri": "http://h.test/"})
    registry = open_registry(settings)
    try:
        registry.harvester.sources.add(Source("source", f"{url}/catalog", "dcat", 0))
        started = time.perf_counter()
        report = registry.harvester.run("source")
        return time.perf_counter() - started, report.__dict__
    finally:
        registry.close()


def loaded(folder: Path, n: int) -> float:
    """Seconds for ``load_files`` of the generator's files (agents and ``n`` records)."""
    files = folder / "files"
    write(files, n)
    settings = load_settings({"store": str(folder / "loaded"), "base_iri": "http://l.test/"})
    registry = open_registry(settings)
    try:
        started = time.perf_counter()
        summary = load_files(registry.records, description_files([files]))
        assert not summary.rejected, summary.rejected[:3]
        return time.perf_counter() - started
    finally:
        registry.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        port = free_port()
        base = f"http://127.0.0.1:{port}/"
        server = serve(source_store(folder, base, args.records), port, base)
        try:
            wait_for_port(port, server, seconds=300)
            seconds, report = harvested(folder, base.rstrip("/"))
        finally:
            server.terminate()
            server.wait(timeout=30)
        baseline = loaded(folder, args.records)
    written = int(report["created"]) + int(report["updated"])  # type: ignore[call-overload]
    print(
        f"harvest of a paged catalogue: {written} datasets in {seconds:.1f} s, "
        f"{written / seconds:.1f} records/s ({report['status']})"
    )
    print(
        f"registry load of the same records: {args.records / baseline:.1f} records/s; "
        f"harvest / load: {(written / seconds) / (args.records / baseline):.2f}"
    )


if __name__ == "__main__":
    main()

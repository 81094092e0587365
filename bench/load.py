"""How fast descriptions go through submit (parse, validate, store), against a baseline.

Baseline: pyoxigraph's own ``bulk_load`` of the same triples into a fresh store, no
validation, in the same process. The ratio says what the registry's checks cost.

    .venv/bin/python -m bench.load [--copies 200]

Copies of the sample descriptions get distinct dataset IRIs, so every submit is a new record.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from registry.config import load_settings
from registry.rdf import formats
from registry.records.loading import load_files
from registry.records.submission import submit
from registry.resources import resource_dir
from registry.runtime import Registry, open_registry

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


def register_sample_agents(registry: Registry) -> None:
    """Store the sample providers and access bodies the sample datasets cite."""
    summary = load_files(registry.records, sorted((SAMPLE / "agents").iterdir()))
    assert not summary.rejected, summary.rejected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--copies", type=int, default=200)
    args = parser.parse_args()
    bodies = variants(args.copies)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        registry = open_registry(load_settings({"store": str(Path(folder) / "registry")}))
        opened = time.perf_counter() - started
        register_sample_agents(registry)
        timings = []
        for body, syntax in bodies:
            t0 = time.perf_counter()
            submit(registry.records, body, syntax)
            timings.append(time.perf_counter() - t0)
        total = sum(timings)
        triples = [q for body, syntax in bodies for q in formats.parse(body, syntax)]
        baseline_store = ox.Store(str(Path(folder) / "baseline"))
        t0 = time.perf_counter()
        baseline_store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        baseline = time.perf_counter() - t0
        registry.close()
    n = len(bodies)
    print(f"open registry (shapes, vocabularies): {opened * 1000:.0f} ms")
    print(f"submit: {n} descriptions in {total:.2f} s = {n / total:.0f} descriptions/s")
    print(
        f"submit latency: median {statistics.median(timings) * 1000:.1f} ms, "
        f"p95 {sorted(timings)[int(n * 0.95)] * 1000:.1f} ms"
    )
    print(f"baseline bulk_extend of the same {len(triples)} triples: {baseline * 1000:.0f} ms")
    print(f"ratio submit / baseline: {total / baseline:.0f}x")


if __name__ == "__main__":
    main()

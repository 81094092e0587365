"""``registry backup`` and ``registry restore`` on a large store: how long each takes.

    .venv/bin/python -m bench.backup [--records 100000] [--folder /tmp/backup-bench]

The store is built with the records' own layout (current graph, version 1, history event,
from ``records.record_graphs``) through the bulk loader, without validation, which would take
hours at this size; backup and restore then run as the commands do, in subprocesses.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from registry.config import load_settings
from registry.rdf import formats
from registry.records.write import OPERATOR, Change, RecordState, record_graphs
from registry.runtime import open_registry
from registry.synthetic.records import records

from .workload import publisher_and_dataset

BASE_IRI = "http://registry.bench/"


def nquads(quads: list[ox.Quad]) -> bytes:
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def build(store: Path, n: int) -> int:
    """Write n generated records into a new store; return its quad count."""
    registry = open_registry(load_settings({"store": str(store), "base_iri": BASE_IRI}))
    now = datetime.now(UTC)
    batch: list[ox.Quad] = []
    for record in records(n):
        triples = formats.parse(record.data, record.syntax)
        publisher, dataset = publisher_and_dataset(record.data)
        digest = hashlib.sha256(record.data).hexdigest()
        change = Change(URIRef(dataset), "dataset", triples, digest, publisher)
        replace, append = record_graphs(registry.records, change, RecordState(False), OPERATOR, now)
        for graph, graph_triples in [*replace.items(), *append.items()]:
            name = ox.NamedNode(graph)
            batch.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in graph_triples)
        if len(batch) > 500_000:
            registry.store.trusted_bulk_load(nquads(batch), ox.RdfFormat.N_QUADS)
            batch = []
    registry.store.trusted_bulk_load(nquads(batch), ox.RdfFormat.N_QUADS)
    count = registry.store.quad_count()
    registry.close()
    del registry
    gc.collect()
    return count


def timed(command: list[str], store: Path) -> float:
    env = {**os.environ, "REGISTRY_STORE": str(store), "REGISTRY_BASE_IRI": BASE_IRI}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "registry", *command], env=env, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=100_000)
    default = Path(tempfile.gettempdir()) / "registry-backup-bench"
    parser.add_argument("--folder", type=Path, default=default)
    args = parser.parse_args()
    shutil.rmtree(args.folder, ignore_errors=True)
    started = time.perf_counter()
    quads = build(args.folder / "store", args.records)
    print(f"built {args.records} records, {quads} quads, in {time.perf_counter() - started:.0f} s")
    backup = timed(["backup", str(args.folder / "backup")], args.folder / "store")
    size = (args.folder / "backup" / "store.nq").stat().st_size / 1e9
    print(f"registry backup: {backup:.0f} s ({size:.1f} GB of N-Quads)")
    restore = timed(["restore", str(args.folder / "backup")], args.folder / "restored")
    print(f"registry restore: {restore:.0f} s")
    shutil.rmtree(args.folder, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The change feed and the dump at scale, each against the plain alternative in the same run.

Builds N generated records (default 2,000; ``--records 100000`` for the real figure) in the
records' own layout (current graph, version 1, history event, one millisecond apart) with
the bulk loader, as ``bench.backup`` does, then writes the change log from their history,
as a store written before the log gets it when it opens (``records.changes.backfill``).
Then it times, through Flask's test client (server time, no network):

- one full feed fragment from the middle of the log (``/feed/N``, TriG, 100 activities with
  their descriptions as accepted), against one SPARQL CONSTRUCT of the same page of
  records (``bench/baseline/feed_fragment.rq``: ORDER BY, OFFSET, LIMIT over the records);
- the dump (``registry dump``: a checkpoint, every current record as published, gzipped
  N-Quads), against Oxigraph's own ``Store.dump`` of the whole store to N-Quads.

    .venv/bin/python -m bench.feed [--records 100000] [--repeat 20] [--keep /tmp/bench-feed]

``--keep DIR`` keeps the built store there and reuses it on the next run. Keep it out of the
repository.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from registry.rdf import formats
from registry.records.changes import backfill
from registry.records.write import OPERATOR, Change, RecordState, record_graphs
from registry.runtime import Registry
from registry.synthetic.records import records as generated_records
from registry.web.app import create_app

from .workload import publisher_and_dataset

BASE_IRI = "http://registry.bench/"
PAGE_SIZE = 100
BATCH = 200_000
START = datetime(2025, 1, 1, tzinfo=UTC)
BASELINE = Path(__file__).parent / "baseline" / "feed_fragment.rq"


def build(registry: Registry, n: int) -> None:
    """Write ``n`` generated records into the store in the records' layout, bulk-loaded."""
    quads: list[ox.Quad] = []
    for number, record in enumerate(generated_records(n)):
        triples = formats.parse(record.data, record.syntax)
        publisher, dataset = publisher_and_dataset(record.data)
        digest = hashlib.sha256(record.data).hexdigest()
        change = Change(URIRef(dataset), "dataset", triples, digest, publisher)
        now = START + timedelta(milliseconds=number)
        replace, append = record_graphs(registry.records, change, RecordState(False), OPERATOR, now)
        for graph, graph_triples in [*replace.items(), *append.items()]:
            name = ox.NamedNode(graph)
            quads.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in graph_triples)
        if len(quads) >= BATCH:
            registry.store.trusted_bulk_load(nquads(quads), ox.RdfFormat.N_QUADS)
            quads = []
    registry.store.trusted_bulk_load(nquads(quads), ox.RdfFormat.N_QUADS)


def nquads(quads: list[ox.Quad]) -> bytes:
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def rebuild_log(registry: Registry) -> float:
    """Empty the change log and write it again from history; return the seconds it took.

    The bulk loader bypasses the record transaction, so the generated records have no log
    entries: this is the backfill a store written before the log gets when it opens.
    """
    log = registry.records.changes
    registry.store.write_graphs({log.graph: [], log.latest_graph: []}, {})
    started = time.perf_counter()
    backfill(registry.records)
    return time.perf_counter() - started


def percentiles(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """p50 and p95 wall time of ``action()`` over ``repeat`` calls, in milliseconds."""
    action()  # warm-up
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, int(len(timings) * 0.95))]


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--baseline-repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) the built store")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        settings = {"store": str(folder / "store"), "base_iri": BASE_IRI}
        app = create_app({**settings, "feed_page_size": PAGE_SIZE})
        registry: Registry = app.extensions["registry"]
        if registry.records.changes.latest() < args.records:
            started = time.perf_counter()
            build(registry, args.records)
            print(f"built {args.records:,} records in {time.perf_counter() - started:.0f} s")
        backfilled = rebuild_log(registry)
        latest = registry.records.changes.latest()
        print(f"change log of {latest:,} entries written from history in {backfilled:.1f} s")
        rows = measure(app, registry, args, folder, latest)
        quads = registry.store.quad_count()
        registry.close()
        del registry, app
        gc.collect()
    print(
        f"\n{args.records:,} records ({quads:,} quads in the store), {os.cpu_count()} cores; "
        f"fragment: server time over {args.repeat} requests (ours) and "
        f"{args.baseline_repeat} queries (SPARQL)"
    )
    print(f"{'':<34}{'ours':>12}{'baseline':>12}{'ours/baseline':>15}")
    for name, ours, baseline, unit in rows:
        ratio = ours / baseline
        print(f"{name:<34}{ours:>10.1f}{unit:<2}{baseline:>10.1f}{unit:<2}{ratio:>14.2f}x")


def measure(
    app: object, registry: Registry, args: argparse.Namespace, folder: Path, latest: int
) -> list[tuple[str, float, float, str]]:
    client = app.test_client()  # type: ignore[attr-defined]
    middle = max(1, latest // PAGE_SIZE // 2)

    def fragment() -> None:
        response = client.get(f"/feed/{middle}", headers={"Accept": "application/trig"})
        assert response.status_code == 200, response.data[:300]

    page = f"LIMIT {PAGE_SIZE} OFFSET {(middle - 1) * PAGE_SIZE}"
    text = BASELINE.read_text(encoding="utf-8") % {"page": page}

    def construct() -> None:
        answer = registry.store.query(text)
        assert isinstance(answer, ox.QueryTriples)
        ox.serialize(answer, format=ox.RdfFormat.TURTLE)

    ours50, ours95 = percentiles(fragment, args.repeat)
    plain50, plain95 = percentiles(construct, args.baseline_repeat)
    size = len(client.get(f"/feed/{middle}").data)
    print(f"fragment {middle}: {size / 1e3:.0f} kB of TriG; p95 ours {ours95:.1f} ms, "
          f"SPARQL {plain95:.1f} ms")
    dumped = timed(registry.dump.write)
    info = registry.dump.info()
    assert info is not None
    baseline_file = folder / "store-oxigraph-dump.nq"
    plain = timed(lambda: registry.store.dump(baseline_file))
    print(
        f"dump: {info.records:,} records, {info.triples:,} triples, {info.bytes / 1e6:.0f} MB "
        f"gzipped; Store.dump: {baseline_file.stat().st_size / 1e6:.0f} MB of N-Quads "
        f"({registry.store.quad_count():,} quads: versions, history and the log included)"
    )
    baseline_file.unlink()
    return [
        (f"feed fragment (p50, {PAGE_SIZE} activities)", ours50, plain50, "ms"),
        ("dump (whole catalogue)", dumped, plain, "s "),
    ]


if __name__ == "__main__":
    main()

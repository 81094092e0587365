"""A harvester's walk of the whole paged catalogue at scale, against the plain alternative.

Loads N generated records (default 2,000) with the TRUSTED bulk path of
``bench.trusted_load`` (no validation: generator output conforms by construction), then
walks ``/catalog`` as ckanext-dcat does (no ``Accept``: Turtle), page after page through the
Flask test client (server time, no network), following each page's ``Link: rel="next"``.
The baseline builds the same pages with plain SPARQL on the same store: one ``CONSTRUCT``
per page of the records' graphs (``bench/baseline/catalog_page.rq``, ordered by first issue,
LIMIT/OFFSET) serialised as Turtle, without the cited agents, the catalogue or the paging
links the registry adds. The first request of the walk also reads the listing from the
store (once per process); it is reported apart.

    .venv/bin/python -m bench.harvest_pages [--records 10000] [--page-size 100]
        [--keep /tmp/bench-harvest]

``--keep DIR`` keeps the loaded store there and reuses it on the next run. Keep it out of
the repository.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from registry.rdf import formats
from registry.runtime import Registry
from registry.synthetic.agents import agents
from registry.synthetic.records import records as generated_records
from registry.web.app import create_app

from .trusted_load import trusted_bulk_load

BASELINE = Path(__file__).parent / "baseline" / "catalog_page.rq"


def load(registry: Registry, records: int) -> None:
    have = registry.search.summary()["datasets"]
    if have >= records:
        print(f"reusing a store of {have:,} records")
        return
    started = time.perf_counter()
    trusted_bulk_load(registry, itertools.chain(agents(), generated_records(records)))
    print(f"trusted bulk load of {records:,} records: {time.perf_counter() - started:.0f} s")


Timings = tuple[list[float], list[float]]
"""Per page: wall-clock ms and this process's CPU ms (the server's, with the test client;
the machine may be shared, so both are shown)."""


def timed(action: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def walk(client: Any) -> tuple[Timings, int, float]:
    """Every page from /catalog by rel="next": per-page ms, pages, megabytes."""
    walls: list[float] = []
    cpus: list[float] = []
    size, url = 0, "/catalog"
    while url:
        response, wall, cpu = timed(lambda: client.get(url))  # noqa: B023 (called at once)
        walls.append(wall)
        cpus.append(cpu)
        assert response.status_code == 200, (url, response.status_code)
        size += len(response.data)
        links = [part for part in response.headers["Link"].split(", ") if 'rel="next"' in part]
        url = links[0].split(">", 1)[0].lstrip("<") if links else ""
    return (walls, cpus), len(walls), size / 1e6


def baseline(registry: Registry, pages: int, page_size: int) -> tuple[Timings, float]:
    """The same pages from one SPARQL CONSTRUCT each, serialised as Turtle."""
    text = BASELINE.read_text(encoding="utf-8")
    turtle = formats.DOCUMENT_SYNTAXES[0]
    catalog = ox.NamedNode(registry.layout.catalog_iri)
    walls: list[float] = []
    cpus: list[float] = []
    size = 0

    def page(number: int) -> int:
        bounds = f"LIMIT {page_size} OFFSET {number * page_size}"
        answer = registry.store.query(text % {"page": bounds}, {"catalog": catalog})
        return len(formats.serialize(list(answer), turtle))  # type: ignore[arg-type]

    for number in range(pages):
        length, wall, cpu = timed(lambda: page(number))  # noqa: B023 (called at once)
        size += length
        walls.append(wall)
        cpus.append(cpu)
    return (walls, cpus), size / 1e6


def summary(timings: Timings) -> str:
    walls, cpus = timings
    ordered = sorted(walls)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"total {sum(walls) / 1000:>7.2f} s   per page p50 {statistics.median(walls):>6.1f} ms"
        f"  p95 {p95:>6.1f} ms   CPU per page p50 {statistics.median(cpus):>6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=2_000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) the loaded store")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        settings = {"store": str(folder / "store"), "feed_page_size": args.page_size}
        app = create_app(settings)
        registry: Registry = app.extensions["registry"]
        load(registry, args.records)
        client = app.test_client()
        # The first request reads the listing from the store (once per process).
        _, first, first_cpu = timed(lambda: client.head("/catalog"))
        ours, pages, megabytes = walk(client)
        plain, plain_megabytes = baseline(registry, pages, args.page_size)
        registry.close()
    print(
        f"\n{args.records:,} records, {pages} pages of {args.page_size}, {os.cpu_count()} cores;"
        " server time (Flask test client)"
    )
    print(f"first request (reads the listing, then page 1): {first:.0f} ms, CPU {first_cpu:.0f} ms")
    print(f"walk /catalog, Turtle ({megabytes:.1f} MB):        {summary(ours)}")
    print(f"one SPARQL CONSTRUCT a page ({plain_megabytes:.1f} MB): {summary(plain)}")
    ratio = sum(plain[0]) / sum(ours[0]), sum(plain[1]) / sum(ours[1])
    print(f"SPARQL / ours, walk totals: {ratio[0]:.1f} (wall clock), {ratio[1]:.1f} (CPU)")


if __name__ == "__main__":
    main()

"""Server time of the catalogue pages at scale, against the same pages from plain SPARQL.

Loads N generated records (default 100,000) with the TRUSTED bulk path of
``bench.trusted_load`` (generator output is valid by construction; no validation), then
times, through the Flask test client (server time, no network): the home page, a search
with three facets selected, a deep page (page 2,000 of the listing, newest first), a
dataset page, and four kinds of typed search: one word, common words, three words with
typos, a code (each cycles through four queries, so caches see several). The baseline
computes what each page shows with plain SPARQL on the same store
(``bench/baseline/*.rq``): facet totals, a filtered title-sorted page with its counts, a
deep OFFSET page, one record graph with labels (the typed searches have no baseline: run
them on the code before a change to compare).

    .venv/bin/python -m bench.pages [--records 100000] [--repeat 60] [--keep /tmp/bench-pages]
        [--rebuild-index]

``--keep DIR`` keeps the loaded store there and reuses it on the next run (its index is
reconciled on open, not rebuilt). Keep it out of the repository. ``--rebuild-index`` first
deletes the search index and times its rebuild from the store (and prints its size).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from registry.rdf.namespaces import CIR_VOCAB, COUNTRY, DCTERMS, EUCAIM
from registry.runtime import Registry
from registry.synthetic.agents import agents
from registry.synthetic.records import records as generated_records
from registry.web.app import create_app

from .trusted_load import trusted_bulk_load

BASELINE = Path(__file__).parent / "baseline"
PAGE_SIZE = 50
FACETED = (  # (condition, modality, country): three facets selected
    ("lung-cancer", "CT", "DEU"),
    ("breast-cancer", "MG", "ESP"),
    ("prostate-cancer", "MR", "ITA"),
    ("colon-cancer", "CT", "FRA"),
)
TYPED = {  # the typed searches: one word, common words, three words with typos, a code
    "one word": ("cancer", "lung", "breast", "MRI"),
    "common words": (
        "lung cancer CT",
        "breast cancer MRI",
        "prostate cancer imaging",
        "colon cancer staging",
    ),
    "three words, typos": (
        "prostrate cancre imaging",
        "lung cancr screning",
        "brest cancer mamography",
        "glioblastma MRI folow",
    ),
    "code": ("C34", "C61", "C50", "C18"),
}
CHARTED = (EUCAIM.hasCondition, EUCAIM.hasImageModality, EUCAIM.hasImageBodyPart, DCTERMS.spatial)


def faceted_url(i: int) -> str:
    """The search with three facets selected (the ``i``-th of ``FACETED``), sorted by title."""
    condition, modality, country = FACETED[i % len(FACETED)]
    return (
        f"/search?condition={CIR_VOCAB}condition/{condition}"
        f"&modality={CIR_VOCAB}modality/{modality}&country={COUNTRY}{country}&sort=title"
    )


def baseline_query(name: str) -> str:
    return (BASELINE / f"{name}.rq").read_text(encoding="utf-8")


def percentiles(action: Callable[[int], object], repeat: int) -> tuple[float, float]:
    """p50 and p95 wall time of ``action(i)`` over ``repeat`` calls, in milliseconds."""
    action(0)  # warm-up: first-use caches (templates, the index's per-generation totals)
    timings = []
    for i in range(repeat):
        started = time.perf_counter()
        action(i)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, int(len(timings) * 0.95))]


def load(registry: Registry, records: int) -> None:
    have = registry.search.summary()["datasets"]
    if have >= records:
        print(f"reusing a store of {have} records")
        return
    started = time.perf_counter()
    files = itertools.chain(agents(), generated_records(records))
    trusted_bulk_load(registry, files)
    print(
        f"trusted bulk load + index rebuild of {records} records: "
        f"{time.perf_counter() - started:.0f} s"
    )


def run(registry: Registry, client, args: argparse.Namespace) -> list[tuple[str, tuple, tuple]]:
    store = registry.store
    rng = random.Random(0)
    ids = list(registry.search.record_ids("dataset", 0, args.records))
    sample_ids = [rng.choice(ids) for _ in range(args.repeat + 1)]
    deep = args.records // PAGE_SIZE

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)


    def sparql(text: str, bindings: dict | None = None) -> list:
        return list(store.query(text, bindings))  # type: ignore[arg-type]

    def home_baseline(_: int) -> None:
        sparql(baseline_query("totals"))
        for predicate in CHARTED:
            sparql(baseline_query("facet_totals"), {"property": ox.NamedNode(str(predicate))})
        newest = baseline_query("newest_page") % {"page": "LIMIT 6"}
        sparql(newest, {"catalog": ox.NamedNode(registry.layout.catalog_iri)})

    def faceted_baseline(i: int) -> None:
        condition, modality, country = FACETED[i % len(FACETED)]
        bound = {
            "condition": ox.NamedNode(f"{CIR_VOCAB}condition/{condition}"),
            "modality": ox.NamedNode(f"{CIR_VOCAB}modality/{modality}"),
            "country": ox.NamedNode(f"{COUNTRY}{country}"),
        }
        matches = sparql(baseline_query("three_facets"), bound)
        _ = matches[:PAGE_SIZE], len(matches)
        sparql(baseline_query("three_facets_counts"), bound)

    def deep_baseline(_: int) -> None:
        page = f"LIMIT {PAGE_SIZE} OFFSET {(deep - 1) * PAGE_SIZE}"
        text = baseline_query("newest_page") % {"page": page}
        sparql(text, {"catalog": ox.NamedNode(registry.layout.catalog_iri)})

    def dataset_baseline(i: int) -> None:
        record = ox.NamedNode(registry.layout.record_iri(sample_ids[i]))
        sparql(baseline_query("record_graph"), {"record": record})

    cases = (
        ("home page /", lambda i: get("/"), home_baseline),
        ("search, three facets", lambda i: get(faceted_url(i)), faceted_baseline),
        (f"deep page {deep:,}", lambda i: get(f"/search?page={deep}"), deep_baseline),
        ("dataset page", lambda i: get(f"/datasets/{sample_ids[i]}"), dataset_baseline),
    )
    skipped = (float("nan"), float("nan"))
    rows = [
        (
            name,
            percentiles(ours, args.repeat),
            percentiles(plain, args.baseline_repeat) if args.baseline_repeat else skipped,
        )
        for name, ours, plain in cases
    ]
    for name, texts in TYPED.items():

        def typed(i: int, texts: tuple[str, ...] = texts) -> None:
            get(f"/search?q={texts[i % len(texts)]}")

        timed = percentiles(typed, args.repeat)
        rows.append((f"search: {name}", timed, skipped))
    return rows


def rebuild_index(folder: Path) -> None:
    """Delete the search index of the store in ``folder`` and time its rebuild."""
    index = folder / "store.search.sqlite"
    for path in folder.glob("store.search.sqlite*"):
        path.unlink()
    started = time.perf_counter()
    app = create_app({"store": str(folder / "store"), "page_size": PAGE_SIZE})
    print(f"index rebuilt from the store in {time.perf_counter() - started:.1f} s (open included)")
    app.extensions["registry"].close()
    del app
    gc.collect()  # the embedded store is closed when its last reference goes
    print(f"index size {index.stat().st_size / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--baseline-repeat", type=int, default=5, help="0: no SPARQL baseline")
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) the loaded store")
    parser.add_argument("--rebuild-index", action="store_true", help="time an index rebuild")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        if args.rebuild_index and (folder / "store").exists():
            rebuild_index(folder)
        app = create_app({"store": str(folder / "store"), "page_size": PAGE_SIZE})
        registry = app.extensions["registry"]
        load(registry, args.records)
        rows = run(registry, app.test_client(), args)
        registry.close()
    print(
        f"\n{args.records:,} records, {os.cpu_count()} cores; server time in ms (Flask test "
        f"client), ours over {args.repeat} requests, plain SPARQL over {args.baseline_repeat}"
    )
    print(f"{'page':<30}{'p50':>9}{'p95':>9}{'SPARQL p50':>13}{'SPARQL p95':>13}")
    for name, (p50, p95), (b50, b95) in rows:
        print(f"{name:<30}{p50:>9.1f}{p95:>9.1f}{b50:>13.1f}{b95:>13.1f}")


if __name__ == "__main__":
    main()

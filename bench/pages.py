"""Latency of the catalogue page, a dataset page and a /sparql SELECT, against a baseline.

Baseline: the same SELECT run directly on the store (no HTTP, no serialisation), in the same
process. Records are copies of the samples (see ``bench.load``), stored through ``submit``.

    .venv/bin/python -m bench.pages [--copies 300] [--repeat 200]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from registry.app import create_app
from registry.submission import submit

from .load import register_sample_agents, variants

SELECT = "SELECT ?d ?t WHERE { ?d a dcat:Dataset ; dct:title ?t } LIMIT 50"


def median_ms(action: Callable[[], object], repeat: int) -> float:
    """Return the median wall time of ``action`` in milliseconds."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--copies", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"store": str(Path(folder) / "store")})
        registry = app.extensions["registry"]
        record_id = ""
        register_sample_agents(registry)
        for body, syntax in variants(args.copies):
            record_id = submit(registry, body, syntax).record_id
        client = app.test_client()

        def get(url: str, **headers: str) -> Callable[[], object]:
            def fetch() -> object:
                response = client.get(url, headers=headers)
                assert response.status_code == 200, (url, response.status_code)
                return response.data

            return fetch

        baseline = median_ms(lambda: list(registry.store.query(SELECT)), args.repeat)
        figures = {
            "catalogue page /": median_ms(get("/"), args.repeat),
            "dataset page": median_ms(get(f"/datasets/{record_id}"), args.repeat),
            "/sparql SELECT (JSON)": median_ms(
                get(f"/sparql?query={SELECT}", Accept="application/sparql-results+json"),
                args.repeat,
            ),
        }
        registry.close()
    records = args.copies * 3
    print(f"{records} records; medians over {args.repeat} requests (Flask test client)")
    print(f"baseline store.query SELECT: {baseline:.2f} ms")
    for name, value in figures.items():
        print(f"{name}: {value:.2f} ms (ratio to baseline {value / baseline:.1f}x)")


if __name__ == "__main__":
    main()

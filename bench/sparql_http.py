"""Throughput and latency of /sparql over HTTP, against Oxigraph's own server on the same data.

Loads ``registry generate``'s catalogue (20,000 records; ``--records 100000`` for the full
run) into one store, one named graph per record, opens the registry on it (which adds the
vocabularies and the catalogue), and copies it. ``registry serve`` answers from the
original, ``oxigraph serve-read-only --union-default-graph`` (PyPI package ``oxigraph``)
from the copy. Both get the same requests from ``wrk`` (Debian package) with 16
connections, one query at a time, and the table prints req/s, p50 and p95 and the ratio
ours / Oxigraph.

    .venv/bin/pip install -e '.[bench]' && apt-get install wrk
    .venv/bin/python -m bench.sparql_http [--records 20000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox

from registry.config import load_settings
from registry.runtime import open_registry
from registry.store.oxigraph import EmbeddedStore
from registry.synthetic.records import records

BASE = "http://127.0.0.1:8080/"
ACCEPT_RESULTS = "application/sparql-results+json"
ACCEPT_GRAPH = "text/turtle"
# Full IRIs: Oxigraph's server has no predeclared prefixes.
QUERIES = {
    "ASK {}": ("ASK {}", ACCEPT_RESULTS),
    "DESCRIBE one dataset": ("DESCRIBE <{dataset}>", ACCEPT_GRAPH),
    "facet count by modality": (
        "SELECT ?m (COUNT(?d) AS ?n) WHERE "
        "{ ?d <https://cancerimage.eu/ontology/EUCAIM#hasImageModality> ?m } GROUP BY ?m",
        ACCEPT_RESULTS,
    ),
    "10,000-row SELECT": (
        "SELECT ?d ?t WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> ; "
        "<http://purl.org/dc/terms/title> ?t } LIMIT 10000",
        ACCEPT_RESULTS,
    ),
}
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %f %f %f %d %d\\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout, summary.requests))
end
"""


def quads(n: int) -> Iterator[ox.Quad]:
    """The generated records, each in its own named graph as the registry keeps them."""
    for index, generated in enumerate(records(n)):
        graph = ox.NamedNode(f"{BASE}record/bench-{index}")
        for quad in ox.parse(generated.data, format=generated.syntax.oxigraph):
            yield ox.Quad(quad.subject, quad.predicate, quad.object, graph)


def first_dataset(store: ox.Store) -> str:
    """The IRI of one dataset in the store (its query result is gone when this returns)."""
    solutions = store.query(
        "SELECT ?d WHERE { GRAPH ?g { ?d a <http://www.w3.org/ns/dcat#Dataset> } } LIMIT 1"
    )
    assert isinstance(solutions, ox.QuerySolutions)
    return next(iter(solutions))["d"].value


def build(folder: Path, n: int) -> tuple[Path, Path, str]:
    """Write the two identical stores; return their folders and one dataset IRI."""
    ours, theirs = folder / "ours", folder / "oxigraph"
    started = time.perf_counter()
    store = ox.Store(str(ours))
    store.bulk_extend(quads(n))
    store.flush()
    dataset = first_dataset(store)
    del store  # the registry opens the folder next; a live query result would keep it locked
    registry = open_registry(load_settings({"store": str(ours), "base_iri": BASE}))
    assert isinstance(registry.store, EmbeddedStore)
    registry.store.snapshot(theirs)
    registry.close()
    del registry
    print(f"loaded {n:,} records into both stores in {time.perf_counter() - started:.0f} s")
    return ours, theirs, dataset


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    import requests

    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=30)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise TimeoutError(url)


def wrk(url: str, accept: str, seconds: int, script: Path) -> tuple[float, float, float, int]:
    """Drive ``url`` for ``seconds`` with 16 connections; return req/s, p50, p95 (ms), errors."""
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "30s", "-s", str(script)]
    output = subprocess.run(
        [*command, "-H", f"Accept: {accept}", url], capture_output=True, text=True, check=True
    ).stdout
    line = next(row for row in output.splitlines() if row.startswith("RESULT"))
    rate, p50, p95, errors, _ = line.split()[1:]
    return float(rate), float(p50), float(p95), int(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4, help="REGISTRY_SPARQL_WORKERS")
    args = parser.parse_args()
    oxigraph = shutil.which("oxigraph", path=str(Path(sys.executable).parent))
    if oxigraph is None or shutil.which("wrk") is None:
        sys.exit(
            "needs the oxigraph server (pip install -e '.[bench]') and wrk (apt-get install wrk)"
        )
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        ours, theirs, dataset = build(folder, args.records)
        script = folder / "report.lua"
        script.write_text(WRK_SCRIPT)
        env = {
            **os.environ,
            "REGISTRY_STORE": str(ours),
            "REGISTRY_BASE_IRI": BASE,
            "REGISTRY_PORT": "8080",
            "REGISTRY_THREADS": "16",
            "REGISTRY_SPARQL_WORKERS": str(args.workers),
            # wrk's 16 connections come from one address: each may have a query running.
            "REGISTRY_SPARQL_PER_CLIENT": "16",
        }
        servers = {
            "ours": (
                subprocess.Popen(
                    [sys.executable, "-m", "registry", "serve"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                ),
                "http://127.0.0.1:8080/sparql",
            ),
            "oxigraph": (
                subprocess.Popen(
                    [
                        oxigraph,
                        "serve-read-only",
                        "--location",
                        str(theirs),
                        "--bind",
                        "127.0.0.1:7878",
                        "--union-default-graph",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                ),
                "http://127.0.0.1:7878/query",
            ),
        }
        try:
            for process, url in servers.values():
                wait_until_up(url, process)
            print(
                f"{'query':26} {'server':9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6}"
            )
            for label, (text, accept) in QUERIES.items():
                query = text.replace("{dataset}", dataset)
                rates = {}
                for server, (_, url) in servers.items():
                    rate, p50, p95, errors = wrk(
                        f"{url}?{urlencode({'query': query})}", accept, args.seconds, script
                    )
                    rates[server] = rate
                    print(f"{label:26} {server:9} {rate:8.0f} {p50:8.2f} {p95:8.2f} {errors:6}")
                print(f"{label:26} {'ratio':9} {rates['ours'] / rates['oxigraph']:8.0%}")
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(timeout=30)


if __name__ == "__main__":
    main()

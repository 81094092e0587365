"""Pages and /sparql with 1, 2 and 4 web processes over one ``oxigraph serve``, next to the
server alone (the limit), in one run.

Loads ``registry generate``'s records into a store (``bench.remote_store.build``), serves it
with ``oxigraph serve`` (PyPI package ``oxigraph``), and runs ``registry serve`` over it with
one process (waitress) and with ``--processes 2`` and ``4`` (gunicorn), one after the other.
Each gets the same requests from ``wrk`` (Debian package), 16 connections: the home page, a
three-facet search, a dataset page, and the four SPARQL queries of ``bench.sparql_http``,
which also go to the server's own ``/query`` (``union-default-graph``: the registry's view).
The table prints req/s and p50 / p95 in ms.

    .venv/bin/pip install -e '.[bench]' && apt-get install wrk
    .venv/bin/python -m bench.processes [--records 2000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import requests

from bench.pages import faceted_url
from bench.remote_store import BASE, build
from bench.sparql_http import QUERIES, WRK_SCRIPT, wrk
from bench.workload import free_port, wait_for_port
from registry.catalogue.index.sqlite import SearchIndex
from registry.records.layout import Layout

PROCESSES = (1, 2, 4)
TEXT_HTML = "text/html"


def dataset_of(store_url: str, record_id: str) -> str:
    """The IRI of the dataset the record ``record_id`` describes."""
    graph = Layout(BASE).record_iri(record_id)
    query = f"SELECT ?d WHERE {{ GRAPH <{graph}> {{ ?d a <http://www.w3.org/ns/dcat#Dataset> }} }}"
    answer = requests.post(
        f"{store_url}/query",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    return str(answer.json()["results"]["bindings"][0]["d"]["value"])


def targets(dataset: str, record_id: str) -> dict[str, tuple[str, str]]:
    """Label -> (path and query, Accept) of every request the table measures."""
    paths = {
        "home page": ("/", TEXT_HTML),
        "search, three facets": (faceted_url(0), TEXT_HTML),
        "dataset page": (f"/datasets/{record_id}", TEXT_HTML),
    }
    for label, (text, accept) in QUERIES.items():
        query = text.replace("{dataset}", dataset)
        paths[f"SPARQL {label}"] = ("/sparql?" + urlencode({"query": query}), accept)
    return paths


def started_registry(
    store_url: str, processes: int, folder: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """``registry serve`` over the server with ``processes`` processes, ready to answer."""
    port = free_port()
    env = {
        **os.environ,
        "REGISTRY_STORE": store_url,
        "REGISTRY_LOCAL_FOLDER": str(folder / f"local-{processes}"),
        "REGISTRY_BASE_IRI": BASE,  # the records' IRIs
        "REGISTRY_PORT": str(port),
        "REGISTRY_LOG_FORMAT": "text",
        "REGISTRY_DUMP_INTERVAL": "0",
        "REGISTRY_HARVEST_CHECK_INTERVAL": "0",
        # wrk's 16 connections come from one address: each may have a query running.
        "REGISTRY_SPARQL_PER_CLIENT": "16",
    }
    local = folder / f"local-{processes}"
    local.mkdir()  # seeded with the built index: each start reconciles, not rebuilds
    shutil.copyfile(folder / "store.search.sqlite", local / "remote.search.sqlite")
    command = [sys.executable, "-m", "registry", "serve", "--processes", str(processes)]
    log = (folder / f"serve-{processes}.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    wait_for_port(port, process, seconds=600)
    url = f"http://127.0.0.1:{port}"
    seen: set[int] = set()
    while len(seen) < processes:  # every worker has started (each says its process id)
        seen.add(
            requests.get(f"{url}/health", headers={"Connection": "close"}, timeout=120).json()[
                "process"
            ]
        )
    return process, url


def row(label: str, server: str, rate: float, p50: float, p95: float, errors: int) -> None:
    print(f"{label:34} {server:16} {rate:8.0f} {p50:8.1f} {p95:8.1f} {errors:6}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    oxigraph = shutil.which("oxigraph", path=str(Path(sys.executable).parent))
    if oxigraph is None or shutil.which("wrk") is None:
        sys.exit(
            "needs the oxigraph server (pip install -e '.[bench]') and wrk (apt-get install wrk)"
        )
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        build(folder, args.records)
        record_id = next(
            iter(SearchIndex(folder / "store.search.sqlite").record_ids("dataset", 0, 1))
        )
        script = folder / "report.lua"
        script.write_text(WRK_SCRIPT)
        port = free_port()
        server = subprocess.Popen(
            [oxigraph, "serve", "--location", str(folder / "store"), "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        store_url = f"http://127.0.0.1:{port}"
        try:
            wait_for_port(port, server)
            dataset = dataset_of(store_url, record_id)
            print(f"{'request':34} {'server':16} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} errors")
            for label, (text, accept) in QUERIES.items():
                query = urlencode(
                    {"query": text.replace("{dataset}", dataset), "union-default-graph": ""}
                )
                rate, p50, p95, errors = wrk(
                    f"{store_url}/query?{query}", accept, args.seconds, script
                )
                row(f"SPARQL {label}", "oxigraph alone", rate, p50, p95, errors)
            for processes in PROCESSES:
                registry, url = started_registry(store_url, processes, folder)
                kind = "waitress" if processes == 1 else "gunicorn"
                try:
                    for label, (path, accept) in targets(dataset, record_id).items():
                        rate, p50, p95, errors = wrk(url + path, accept, args.seconds, script)
                        row(label, f"{processes} ({kind})", rate, p50, p95, errors)
                finally:
                    registry.terminate()
                    registry.wait(timeout=60)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()

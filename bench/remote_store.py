"""The cost of the remote store: pages and writes over ``oxigraph serve`` against the same over
the embedded store, in one run on one machine.

Loads N generated records (default 2,000) into an embedded store with the TRUSTED bulk path
(``bench.trusted_load``), copies its folder (and search index) for an ``oxigraph serve``
child on 127.0.0.1, opens one app over each, and times through the Flask test client
(server time: the store's round trips included, no client network): the home page, a
three-facet search, a dataset page, a record from the API (Turtle); then record writes
(``records.write.write_record`` of a checked description: the store's part of a PUT,
validation excluded, which costs the same on both) of the same K new records into each.

    .venv/bin/python -m bench.remote_store [--records 2000] [--repeat 60] [--writes 40]

Needs the ``oxigraph`` command (``pip install -e '.[test]'`` or ``'.[bench]'``).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from registry.records.write import write_record
from registry.runtime import Registry
from registry.synthetic.agents import agents
from registry.synthetic.records import records as generated_records
from registry.web.app import create_app

from .pages import faceted_url, percentiles
from .sparql_http import wait_until_up
from .trusted_load import change_of, trusted_bulk_load

BASE = "http://127.0.0.1:8080/"
SETTINGS = {"base_iri": BASE, "page_size": 50, "dump_interval": 0}


def oxigraph_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    """``oxigraph serve`` over ``folder``, once it answers."""
    oxigraph = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph"
    command = [oxigraph, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command)
    wait_until_up(f"http://127.0.0.1:{port}/query", server)
    return server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build(folder: Path, n: int) -> None:
    """The embedded store with N records, its search index beside it, closed."""
    app = create_app({"store": str(folder / "store"), **SETTINGS})
    registry: Registry = app.extensions["registry"]
    started = time.perf_counter()
    trusted_bulk_load(registry, itertools.chain(agents(), generated_records(n)))
    print(f"loaded {n:,} records in {time.perf_counter() - started:.0f} s")
    registry.close()
    del registry, app
    gc.collect()  # the embedded store is closed when its last reference goes


def actions(app: Flask, ids: list[str], n: int, writes: int) -> dict[str, Callable[[int], None]]:
    """What is timed, by name: four pages and a record write (``writes`` new records, the
    warm-up's included, checked beforehand: the store's part of a PUT)."""
    client = app.test_client()
    registry: Registry = app.extensions["registry"]
    new = list(generated_records(n + writes + 1))[n + 1 :]
    changes = iter([change_of(generated) for generated in new])

    def write(_: int) -> None:  # each call a new record (the warm-up's too)
        assert write_record(registry.records, next(changes)).changed

    def get(url: str, **headers: str) -> None:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)

    return {
        "home page": lambda i: get("/"),
        "search, three facets": lambda i: get(faceted_url(i)),
        "dataset page": lambda i: get(f"/datasets/{ids[i]}"),
        "API record (Turtle)": lambda i: get(f"/api/records/{ids[i]}", Accept="text/turtle"),
        "record write (store part)": write,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--writes", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        build(folder, args.records)
        shutil.copytree(folder / "store", folder / "served")
        (folder / "local").mkdir()
        shutil.copyfile(folder / "store.search.sqlite", folder / "local" / "remote.search.sqlite")
        port = free_port()
        server = oxigraph_server(folder / "served", port)
        try:
            embedded = create_app({"store": str(folder / "store"), **SETTINGS})
            remote = create_app(
                {"store": f"http://127.0.0.1:{port}", "local_folder": str(folder / "local"),
                 **SETTINGS}
            )
            registry: Registry = embedded.extensions["registry"]
            every = list(registry.search.record_ids("dataset", 0, args.records))
            ids = random.Random(0).choices(every, k=args.repeat + 1)
            timed = {
                name: actions(app, ids, args.records, args.writes + 1)
                for name, app in (("embedded", embedded), ("remote", remote))
            }
            rows: dict[str, dict[str, tuple[float, float]]] = {"embedded": {}, "remote": {}}
            for what in timed["embedded"]:  # each figure of both stores back to back
                repeat = args.writes if what.startswith("record write") else args.repeat
                for name, action in timed.items():
                    rows[name][what] = percentiles(action[what], repeat)
            for app in (embedded, remote):
                app.extensions["registry"].close()
        finally:
            server.terminate()
            server.wait()
    print(
        f"\n{args.records:,} records, {os.cpu_count()} cores; server time in ms (Flask test "
        f"client) over {args.repeat} requests, {args.writes} writes"
    )
    print(f"{'':<28}{'embedded p50':>13}{'p95':>8}{'remote p50':>12}{'p95':>8}{'remote/emb.':>12}")
    for name, (e50, e95) in rows["embedded"].items():
        r50, r95 = rows["remote"][name]
        print(f"{name:<28}{e50:>13.1f}{e95:>8.1f}{r50:>12.1f}{r95:>8.1f}{r50 / e50:>11.1f}x")


if __name__ == "__main__":
    main()

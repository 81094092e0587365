"""The cost suite: 8 clients each send the most expensive request a route allows, over and
over, while a visitor reads pages; the visitor's p95 must stay under a second.

    .venv/bin/python -m bench.cost [--seconds 60]

Against a live ``registry serve`` with the sample catalogue. The expensive requests are
anonymous: a runaway SPARQL join, a CONSTRUCT of the whole store, a validation of the
largest description the limits let through, a search selecting every facet value it may
with a long misspelt query, a record's versions and their difference, the last catalogue
page, the whole feed's last fragment and the dump. Each is bounded by a setting (timeouts,
caps, workers, rate limits), so they are answered, refused (413, 429) or told to come back
(503 with ``Retry-After``), never with another 5xx, while pages stay fast.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import requests

from registry.resources import resource_dir

from .workload import free_port, percentile, serve, wait_for_port

SAMPLE = resource_dir("data") / "sample"
PROSTATE = SAMPLE / "datasets" / "procancer-i-open-challenge-prostate.ttl"
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
EVERYTHING = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
CONDITION = "https://w3id.org/cancer-image-registry/vocab/condition/"
CANCERS = ("lung-cancer", "breast-cancer", "prostate-cancer", "colon-cancer", "rectal-cancer")


@dataclass
class Tally:
    """Statuses per kind of expensive request, and the visitor's page times."""

    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    visitor: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def server_errors(self) -> int:
        """Answers of 500 and above other than 503 (a deliberate "busy, come back")."""
        return sum(n for c in self.statuses.values() for s, n in c.items() if s >= 500 and s != 503)

    def visitor_p95(self) -> float:
        return percentile(self.visitor, 0.95)


def heaviest_description() -> bytes:
    """The prostate sample with as many keywords as the description limits let through."""
    keywords = ", ".join(f'"keyword number {i} of a long list"@en' for i in range(4_000))
    return PROSTATE.read_bytes().replace(b'"prostate"@en,', f"{keywords},".encode(), 1)


def expensive_requests(url: str, record_id: str) -> dict[str, tuple[str, str, bytes | None]]:
    """Kind -> (method, URL, body): the costliest request each route family allows."""
    facets = "&".join(f"condition={quote(CONDITION + c, safe='')}" for c in CANCERS)
    words = quote("prostrate cancre lungg mamography screning glioblastma imagng follow")
    return {
        "SPARQL runaway join": ("GET", f"{url}/sparql?query={quote(RUNAWAY)}", None),
        "SPARQL whole store": ("GET", f"{url}/sparql?query={quote(EVERYTHING)}", None),
        "largest validation": ("POST", f"{url}/api/validate", heaviest_description()),
        "widest search": ("GET", f"{url}/search?q={words}&{facets}&sort=largest&page=3", None),
        "versions and diff": ("GET", f"{url}/records/{record_id}/versions", None),
        "last catalogue page": ("GET", f"{url}/catalog?page=1000000", None),
        "feed": ("GET", f"{url}/feed", None),
        "dump": ("GET", f"{url}/dump.nq.gz", None),
    }


def hammer(kind: str, request: tuple[str, str, bytes | None], until: float, tally: Tally) -> None:
    method, target, body = request
    statuses = tally.statuses.setdefault(kind, Counter())
    headers = {"Content-Type": "text/turtle", "Accept": "application/json, */*;q=0.1"}
    with requests.Session() as session:
        while time.monotonic() < until:
            try:
                answer = session.request(method, target, data=body, headers=headers, timeout=60)
                statuses[answer.status_code] += 1
            except requests.RequestException as error:
                tally.failures.append(f"{kind}: {error}")
                time.sleep(0.5)


def visit(url: str, record_id: str, until: float, tally: Tally) -> None:
    pages = (f"{url}/", f"{url}/datasets/{record_id}", f"{url}/search?q=lung")
    with requests.Session() as session:
        while time.monotonic() < until:
            for page in pages:
                started = time.monotonic()
                try:
                    session.get(page, timeout=30).raise_for_status()
                except requests.RequestException as error:
                    tally.failures.append(f"visitor {page}: {error}")
                tally.visitor.append(time.monotonic() - started)
            time.sleep(0.2)


def run(url: str, seconds: float) -> Tally:
    """Load the server at ``url`` (the sample catalogue) for ``seconds``."""
    listing = requests.get(f"{url}/search?q=prostate", headers={"Accept": "application/json"})
    record_id = listing.json()["results"][0]["id"]
    tally, until = Tally(), time.monotonic() + seconds
    threads = [
        threading.Thread(target=hammer, args=(kind, request, until, tally))
        for kind, request in expensive_requests(url, record_id).items()
    ]
    threads.append(threading.Thread(target=visit, args=(url, record_id, until, tally)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def report(tally: Tally) -> str:
    lines = ["| expensive request | answers by status |", "|---|---|"]
    for kind, statuses in tally.statuses.items():
        lines.append(f"| {kind} | {', '.join(f'{s}: {n}' for s, n in sorted(statuses.items()))} |")
    lines.append(
        f"visitor: {len(tally.visitor)} pages, p95 {tally.visitor_p95() * 1000:.0f} ms; "
        f"server errors (5xx but 503): {tally.server_errors()}; "
        f"failed requests: {len(tally.failures)}"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        server = serve(Path(folder) / "store", port, f"http://127.0.0.1:{port}/", sample=True)
        try:
            wait_for_port(port, server, seconds=300)
            print(report(run(f"http://127.0.0.1:{port}", args.seconds)))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()

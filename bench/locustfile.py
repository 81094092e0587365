"""The mixed load ``bench.load_kill`` drives through locust: 80 % pages and search, 15 %
SPARQL, 5 % provider writes.

Locust runs it in its own process (``locust -f bench/locustfile.py --headless``); what it
needs comes from files named by environment variables the driver sets:
``LOAD_WORKLOAD`` (JSON: dataset record ids for pages, the submissions to POST) and
``LOAD_ACKNOWLEDGED`` (each record id a write saw acknowledged, one a line, appended as it
happens: the driver checks every one is in the store and whole after the SIGKILLs).
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

WORKLOAD: dict[str, Any] = json.loads(Path(os.environ["LOAD_WORKLOAD"]).read_text())
ACKNOWLEDGED = Path(os.environ["LOAD_ACKNOWLEDGED"])
PENDING: list[dict[str, str]] = list(reversed(WORKLOAD["submissions"]))
"""Records not yet sent; a write whose answer was lost (the server died) is sent again."""

SEARCHES = (
    "/search?q=lung",
    "/search?q=prostate+MRI",
    "/search?q=Lungenkrebs",
    "/search?q=brest+cancr",
    "/search?condition=https%3A%2F%2Fw3id.org%2Fcancer-image-registry%2Fvocab%2Fcondition%2Flung-cancer",
    "/search?q=cancer&sort=newest&page=2",
)
QUERIES = (
    "ASK {}",
    "PREFIX eucaim: <https://cancerimage.eu/ontology/EUCAIM#> "
    "SELECT ?m (COUNT(?d) AS ?n) WHERE { ?d eucaim:hasImageModality ?m } GROUP BY ?m",
    "PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dct: <http://purl.org/dc/terms/> "
    "SELECT ?d ?t WHERE { ?d a dcat:Dataset ; dct:title ?t } LIMIT 100",
)
ACCEPTED = (200, 201, 409)
"""A write's answers that mean stored (409: stored before a kill, then sent again)."""


class Visitor(HttpUser):
    """A visitor, a SPARQL partner or a provider, by the task's weight."""

    wait_time = between(0.05, 0.3)

    @task(40)
    def search(self) -> None:
        self.client.get(random.choice(SEARCHES), name="search")

    @task(25)
    def dataset_page(self) -> None:
        record_id = random.choice(WORKLOAD["datasets"])
        self.client.get(f"/datasets/{record_id}", name="dataset page")

    @task(15)
    def home_page(self) -> None:
        self.client.get("/", name="home page")

    @task(15)
    def sparql(self) -> None:
        self.client.get(
            "/sparql",
            params={"query": random.choice(QUERIES)},
            headers={"Accept": "application/sparql-results+json"},
            name="SPARQL",
        )

    @task(5)
    def write(self) -> None:
        if not PENDING:
            return
        item = PENDING.pop()
        headers = {"Authorization": f"Bearer {item['token']}", "Content-Type": "text/turtle"}
        with self.client.post(
            "/api/records", data=item["body"], headers=headers, name="write", catch_response=True
        ) as response:
            if response.status_code in ACCEPTED:
                with ACKNOWLEDGED.open("a") as out:
                    out.write(item["record_id"] + "\n")
                response.success()
            elif response.status_code in (0, 503):  # the server died, or was busy: again later
                PENDING.append(item)

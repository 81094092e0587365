"""A dataset carries ``dct:modified`` wherever it is published: the provider's own date if the
description gives one, else its record's (``records.write.dataset_modified``); on the page, in
the page's schema.org ``dateModified``, in its RDF documents, the feed, the dump and SPARQL."""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, datetime

import pyoxigraph as ox
from flask import Flask
from flask.testing import FlaskClient

from registry.rdf import formats
from registry.records.layout import record_id_for
from registry.records.submission import submit
from registry.records.write import read_state
from registry.runtime import Registry
from tests.conftest import BASE_IRI, SAMPLES

PROSTATE = next(p for p in SAMPLES if p.name == "procancer-i-open-challenge-prostate.ttl")
DATASET = "https://datasets.procancer-i.example/open-challenge-prostate-v1"
MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")
TURTLE = formats.DOCUMENT_SYNTAXES[0]
OWN_DATE = '"2025-03-01"^^<http://www.w3.org/2001/XMLSchema#date>'


def published_dates(client: FlaskClient) -> dict[str, set[str]]:
    """The dataset's dct:modified (N-Triples form) as each published form gives it, and the
    record's."""
    record_id = record_id_for(DATASET)
    record = ox.NamedNode(f"{BASE_IRI}record/{record_id}")
    dataset = ox.NamedNode(DATASET)
    found: dict[str, set[str]] = {}
    document = client.get(f"/datasets/{record_id}.ttl")
    assert document.status_code == 200
    triples = formats.parse(document.data, TURTLE)
    found["document"] = {
        str(t.object) for t in triples if (t.subject, t.predicate) == (dataset, MODIFIED)
    }
    found["record"] = {
        str(t.object) for t in triples if (t.subject, t.predicate) == (record, MODIFIED)
    }
    answer = client.get(
        "/sparql",
        query_string={"query": f"SELECT ?m WHERE {{ <{DATASET}> <{MODIFIED.value}> ?m }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200, answer.data
    bindings = answer.get_json()["results"]["bindings"]
    found["sparql"] = {f'"{b["m"]["value"]}"^^<{b["m"]["datatype"]}>' for b in bindings}
    page = client.get(f"/datasets/{record_id}", headers={"Accept": "text/html"})
    match = re.search(rb'<script type="application/ld\+json">(.*?)</script>', page.data, re.S)
    assert match is not None
    found["schema.org"] = {json.loads(match.group(1))["dateModified"]}
    return found


def feed_dates(client: FlaskClient) -> list[set[str]]:
    """The dataset's dct:modified in each activity graph of the feed that describes it, in
    order."""
    dates, url = [], "/feed/1"
    while url:
        page = client.get(url, headers={"Accept": "application/n-quads"})
        assert page.status_code == 200, page.data
        quads = list(ox.parse(page.data, format=ox.RdfFormat.N_QUADS))
        graphs = {q.graph_name for q in quads if q.subject == ox.NamedNode(DATASET)}
        for graph in sorted(graphs, key=lambda g: int(g.value.rsplit("/", 1)[1])):
            dates.append(
                {str(q.object) for q in quads if q.graph_name == graph and q.predicate == MODIFIED}
            )
        nodes = [q.object.value for q in quads if q.predicate.value.endswith("tree#node")]
        url = nodes[0].removeprefix(BASE_IRI.rstrip("/")) if nodes else ""
    return dates


def dumped_dates(registry: Registry) -> set[str]:
    registry.dump.write()
    quads = ox.parse(gzip.decompress(registry.dump.path.read_bytes()), format=ox.RdfFormat.N_QUADS)
    return {
        str(q.object)
        for q in quads
        if (q.subject, q.predicate) == (ox.NamedNode(DATASET), MODIFIED)
    }


def test_a_dataset_without_its_own_date_carries_its_records_everywhere(
    sample_app: Flask,
) -> None:
    registry: Registry = sample_app.extensions["registry"]
    client = sample_app.test_client()
    changed = PROSTATE.read_bytes().replace(b'"8237"', b'"8240"')
    submit(registry.records, changed, TURTLE, now=datetime(2026, 2, 1, 9, 30, tzinfo=UTC))
    stamp = '"2026-02-01T09:30:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>'
    found = published_dates(client)
    assert found["record"] == {stamp}
    assert found["document"] == {stamp}, "the RDF document"
    assert found["sparql"] == {stamp}, "SPARQL reads the store"
    assert found["schema.org"] == {"2026-02-01T09:30:00Z"}
    assert dumped_dates(registry) == {stamp}
    # The first version's activity carries that version's date, the update's its own.
    *_, first, update = feed_dates(client)
    assert update == {stamp} and len(first) == 1 and first != update
    page = client.get(f"/datasets/{record_id_for(DATASET)}", headers={"Accept": "text/html"})
    assert b'datetime="2026-02-01T09:30:00Z"' in page.data


def test_a_providers_own_date_is_kept_and_never_replaced(sample_app: Flask) -> None:
    registry: Registry = sample_app.extensions["registry"]
    client = sample_app.test_client()
    own = PROSTATE.read_bytes().replace(
        b"dcat:Dataset ;", f"dcat:Dataset ; dct:modified {OWN_DATE} ;".encode(), 1
    )
    assert own != PROSTATE.read_bytes()
    submit(registry.records, own, TURTLE, now=datetime(2026, 2, 1, tzinfo=UTC))
    found = published_dates(client)
    assert found["document"] == {OWN_DATE} and found["sparql"] == {OWN_DATE}
    assert found["schema.org"] == {"2025-03-01"}
    assert found["record"] != {OWN_DATE}  # the record keeps its own, a moment of the registry
    assert dumped_dates(registry) == {OWN_DATE}
    assert feed_dates(client)[-1] == {OWN_DATE}


def test_a_record_read_and_sent_back_keeps_no_stamp_as_its_own(
    sample_app: Flask,
) -> None:
    """GET then PUT as it is writes nothing; an edit sent back with the old stamp gets a new
    one (the registry's date is never frozen into the provider's description)."""
    registry: Registry = sample_app.extensions["registry"]
    client = sample_app.test_client()
    record_id = record_id_for(DATASET)
    accounts = sample_app.extensions["accounts"]
    state = client.get(f"/api/records/{record_id}")
    assert state.status_code == 200
    owner = next(
        t.object
        for t in formats.parse(state.data, TURTLE)
        if t.predicate.value == "http://www.w3.org/ns/prov#wasAttributedTo"
    )
    assert isinstance(owner, ox.NamedNode)
    accounts.add_provider("owner", owner.value)
    headers = {
        "Authorization": f"Bearer {accounts.new_token('owner')}",
        "Content-Type": "text/turtle",
    }
    again = client.put(f"/api/records/{record_id}", data=state.data, headers=headers)
    assert again.status_code == 200 and again.headers["ETag"] == state.headers["ETag"]
    edited = state.data.replace(b'"8237"', b'"8240"')
    assert edited != state.data
    written = client.put(f"/api/records/{record_id}", data=edited, headers=headers)
    assert written.status_code == 200 and written.headers["ETag"] != state.headers["ETag"]
    found = published_dates(client)
    assert found["document"] == found["record"], "the stamp follows the record"
    assert read_state(registry.records, f"{BASE_IRI}record/{record_id}").version == 2

"""The public endpoint's safety in process: SERVICE calls no host off the allow-list, answers
are capped, queries never hold up writes (the timeout against a live server is in
``tests/e2e/test_sparql_timeout.py``)."""

from __future__ import annotations

import html as html_module
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask

from registry.rdf import formats
from tests.conftest import BASE_IRI, SAMPLES, load_samples

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
"""The vocabularies alone are 140,000 triples: this join would run for years."""
JSON_RESULTS = "application/sparql-results+json"
DATASETS = "SELECT ?d WHERE { ?d a dcat:Dataset } ORDER BY ?d"


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(4)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    watcher = Listener()
    yield watcher
    watcher.close()


def test_service_calls_no_host_off_the_allow_list(
    make_app: Callable[..., Flask], listener: Listener
) -> None:
    client = make_app().test_client()
    target = f"http://127.0.0.1:{listener.port}/sparql"
    queries = [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"PREFIX remote: <http://127.0.0.1:{listener.port}/> "
        "SELECT * WHERE { SERVICE remote:sparql { ?s ?p ?o } }",
        # \u0053 is S: the parser decodes codepoint escapes before it reads keywords.
        f"SELECT * WHERE {{ \\u0053ERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{target}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    ]
    for query in queries:
        response = client.get("/sparql", query_string={"query": query})
        assert response.status_code == 400, query
        assert "SERVICE" in response.get_json()["message"]
    time.sleep(0.5)
    assert listener.connections == 0


def test_a_host_on_the_allow_list_is_called(
    make_app: Callable[..., Flask], listener: Listener
) -> None:
    client = make_app(sparql_service_hosts="127.0.0.1", sparql_timeout=5).test_client()
    target = f"http://127.0.0.1:{listener.port}/sparql"
    query = f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}"
    client.get("/sparql", query_string={"query": query}, headers={"Accept": JSON_RESULTS})
    assert listener.connections >= 1
    other = "SELECT * WHERE { SERVICE <http://localhost:9/sparql> { ?s ?p ?o } }"
    assert client.get("/sparql", query_string={"query": other}).status_code == 400


def test_answers_above_the_row_cap_are_refused_with_advice(make_app: Callable[..., Flask]) -> None:
    app = make_app(sparql_max_rows=5)
    load_samples(app.extensions["registry"], 10)
    client = app.test_client()
    too_many = client.get("/sparql", query_string={"query": DATASETS})
    assert too_many.status_code == 400
    message = too_many.get_json()["message"]
    assert "more than the limit of 5 rows" in message and "LIMIT" in message
    for media_type in ("text/csv", "text/tab-separated-values", JSON_RESULTS):
        paged = client.get(
            "/sparql",
            query_string={"query": DATASETS + " LIMIT 5"},
            headers={"Accept": media_type},
        )
        assert paged.status_code == 200 and paged.mimetype == media_type
    csv = client.get(
        "/sparql", query_string={"query": DATASETS + " LIMIT 5"}, headers={"Accept": "text/csv"}
    )
    assert len(csv.get_data(as_text=True).strip().splitlines()) == 1 + 5
    graph = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s dct:title ?t }"})
    assert graph.status_code == 400 and "5 triples" in graph.get_json()["message"]


def test_answers_above_the_byte_cap_are_refused(make_app: Callable[..., Flask]) -> None:
    app = make_app(sparql_max_bytes=2_000)
    load_samples(app.extensions["registry"], 10)
    client = app.test_client()
    big = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s dct:description ?d }"})
    assert big.status_code == 400 and "2,000 bytes" in big.get_json()["message"]
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


def test_queries_do_not_hold_up_writes(make_app: Callable[..., Flask]) -> None:
    app = make_app(sparql_timeout=4)
    registry = app.extensions["registry"]
    client = app.test_client()
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    answers: list[int] = []
    query = threading.Thread(
        target=lambda: answers.append(
            client.get("/sparql", query_string={"query": RUNAWAY}).status_code
        )
    )
    query.start()
    time.sleep(0.5)
    load_samples(registry, 3)
    assert query.is_alive(), "the writes waited for the query"
    query.join(timeout=15)
    assert answers == [503]


@pytest.mark.embedded_only  # a remote store has no checkpoints: queries read it live
def test_a_write_is_seen_by_the_next_query_and_old_views_are_deleted(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(sparql_refresh=0, sparql_workers=2)
    registry = app.extensions["registry"]
    client = app.test_client()

    def datasets() -> int:
        response = client.get("/sparql", query_string={"query": DATASETS})
        return len(response.get_json()["results"]["bindings"])

    for count in range(1, 6):
        load_samples(registry, count)
        assert datasets() == count
    views = Path(registry.settings.store + ".sparql-views")
    assert len(list(views.iterdir())) <= 2 + 1


@pytest.mark.embedded_only  # a remote store has no checkpoints: queries read it live
def test_under_constant_writes_the_view_is_refreshed_at_most_every_refresh_seconds(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(sparql_refresh=60)
    client = app.test_client()

    def datasets() -> int:
        response = client.get("/sparql", query_string={"query": DATASETS})
        return len(response.get_json()["results"]["bindings"])

    assert datasets() == 0
    load_samples(app.extensions["registry"], 2)
    assert datasets() == 0  # the copy taken a moment ago answers, by design


def test_negotiation_with_q_values_format_parameter_and_406(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    load_samples(app.extensions["registry"], 3)
    client = app.test_client()
    ask = {"query": "ASK { ?d a dcat:Dataset }"}
    preferred = client.get(
        "/sparql",
        query_string=ask,
        headers={"Accept": "text/csv;q=0.5, application/sparql-results+xml;q=0.9"},
    )
    assert preferred.mimetype == "application/sparql-results+xml"
    assert b"<boolean>true</boolean>" in preferred.data
    assert preferred.headers["Vary"] == "Accept"
    by_format = client.get("/sparql", query_string={**ask, "format": "tsv"})
    assert by_format.mimetype == "text/tab-separated-values"
    refused = client.get("/sparql", query_string=ask, headers={"Accept": "image/png"})
    assert refused.status_code == 406 and "application/sparql-results+json" in refused.text
    unknown = client.get("/sparql", query_string={**ask, "format": "yaml"})
    assert unknown.status_code == 406 and "turtle" in unknown.get_json()["message"]
    construct = {"query": "CONSTRUCT WHERE { ?d a dcat:Dataset ; dct:title ?t }"}
    for name, syntax in [
        ("turtle", "ttl"),
        ("ntriples", "nt"),
        ("jsonld", "jsonld"),
        ("rdfxml", "rdf"),
    ]:
        response = client.get("/sparql", query_string={**construct, "format": name})
        expected = formats.syntax_for_suffix(syntax)
        assert expected is not None and response.mimetype == expected.media_type
        triples = ox.parse(response.data, format=expected.oxigraph)
        assert len([t for t in triples if t.predicate.value.endswith("title")]) >= 3


def test_the_service_description_in_every_rdf_syntax(make_app: Callable[..., Flask]) -> None:
    client = make_app().test_client()
    sd = "http://www.w3.org/ns/sparql-service-description#"
    for media_type in ("text/turtle", "application/ld+json", "application/rdf+xml"):
        response = client.get("/sparql", headers={"Accept": media_type})
        assert response.status_code == 200 and response.mimetype == media_type
        parsed = ox.parse(response.data, format=ox.RdfFormat.from_media_type(media_type))
        triples = [quad.triple for quad in parsed]
        service = ox.NamedNode(BASE_IRI + "sparql")
        assert ox.Triple(service, ox.NamedNode(sd + "endpoint"), service) in triples
        languages = {
            t.object.value for t in triples if t.predicate.value == sd + "supportedLanguage"
        }
        assert languages == {sd + "SPARQL11Query"}
        assert any(t.predicate.value == sd + "resultFormat" for t in triples)
    assert client.get("/sparql", headers={"Accept": "image/png"}).status_code == 406


def test_the_query_page_shows_answers_and_download_links(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    load_samples(app.extensions["registry"])
    client = app.test_client()
    html = {"Accept": "text/html"}
    page = client.get("/sparql", query_string={"query": DATASETS}, headers=html)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and f"{len(SAMPLES)} rows" in text
    assert text.count("<tr>") >= len(SAMPLES)
    for label in ("JSON", "XML", "CSV", "TSV"):
        assert f">{label}</a>" in text
    link = re.search(r'<a href="([^"]+)" download>CSV</a>', text)
    assert link is not None
    csv = client.get(html_module.unescape(link.group(1)))
    assert csv.mimetype == "text/csv" and len(csv.get_data(as_text=True).splitlines()) == 37
    error = client.get("/sparql", query_string={"query": "SELECT ?x WHERE {"}, headers=html)
    assert error.status_code == 400 and "SELECT ?x WHERE {" in error.get_data(as_text=True)
    assert 'role="alert"' in error.get_data(as_text=True)


def test_every_example_query_answers_on_the_sample_catalogue(
    make_app: Callable[..., Flask],
) -> None:
    from registry.sparql.description import examples

    app = make_app()
    load_samples(app.extensions["registry"])
    client = app.test_client()
    assert len(examples()) >= 4
    for example in examples():
        response = client.get(
            "/sparql",
            query_string={"query": example.query},
            headers={"Accept": f"{JSON_RESULTS}, text/turtle;q=0.9"},
        )
        assert response.status_code == 200, (example.title, response.text)
        if response.mimetype == JSON_RESULTS:
            assert response.get_json()["results"]["bindings"], example.title
        else:
            assert len(list(ox.parse(response.data, format=ox.RdfFormat.TURTLE))) > 20, (
                example.title
            )


def test_the_editor_is_served_by_the_registry_and_the_csp_allows_no_inline_script(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app().test_client()
    page = client.get("/sparql", headers={"Accept": "text/html"})
    text = page.get_data(as_text=True)
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    scripts = [part.split('"', 1)[0] for part in text.split('<script src="')[1:]]
    assert len(scripts) == 3 and all(src.startswith("/static/") for src in scripts)
    for src in scripts:
        asset = client.get(src)
        assert asset.status_code == 200 and asset.mimetype is not None
        assert "javascript" in asset.mimetype
        asset.close()

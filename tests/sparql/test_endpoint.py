"""The /sparql endpoint through Flask's client: protocol forms, read-only, SERVICE refused
(real clients over a socket are in ``tests/e2e/test_sparql_clients.py``)."""

from __future__ import annotations

import socket
import threading

import pytest
from flask.testing import FlaskClient
from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, RDF

from registry.rdf import formats
from registry.records.submission import submit
from registry.runtime import Registry
from tests.conftest import SAMPLES

DATASETS = "SELECT ?d WHERE { ?d a dcat:Dataset } ORDER BY ?d"
JSON_RESULTS = "application/sparql-results+json"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


@pytest.fixture
def loaded(registry: Registry) -> Registry:
    for path in SAMPLES:
        submit(registry.records, path.read_bytes(), formats.syntax_for_path(path))
    return registry


def sample_titles() -> int:
    """How many dct:title values the sample datasets have, over all languages."""
    count = 0
    for path in SAMPLES:
        graph = formats.to_rdflib(formats.parse(path.read_bytes(), formats.syntax_for_path(path)))
        for dataset in graph.subjects(RDF.type, DCAT.Dataset):
            count += len(list(graph.objects(dataset, DCTERMS.title)))
    return count


def dataset_iris(body: dict) -> list[str]:
    return [row["d"]["value"] for row in body["results"]["bindings"]]


def test_select_by_get_form_post_and_direct_post(client: FlaskClient, loaded: Registry) -> None:
    answers = [
        client.get("/sparql", query_string={"query": DATASETS}, headers={"Accept": JSON_RESULTS}),
        client.post("/sparql", data={"query": DATASETS}, headers={"Accept": JSON_RESULTS}),
        client.post(
            "/sparql",
            data=DATASETS.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": JSON_RESULTS},
        ),
    ]
    for answer in answers:
        assert answer.status_code == 200
        assert answer.mimetype == JSON_RESULTS
        assert answer.headers["Vary"] == "Accept"
        assert len(dataset_iris(answer.get_json())) == len(SAMPLES)


def test_ask_and_construct(client: FlaskClient, loaded: Registry) -> None:
    ask = client.get("/sparql", query_string={"query": "ASK { ?d a dcat:Dataset }"})
    assert ask.get_json() == {"head": {}, "boolean": True}
    construct = client.get(
        "/sparql",
        query_string={
            "query": "CONSTRUCT { ?d dct:title ?t } WHERE { ?d a dcat:Dataset ; dct:title ?t }"
        },
        headers={"Accept": "text/turtle"},
    )
    assert construct.mimetype == "text/turtle"
    triples = formats.parse(construct.data, formats.syntax_for_media_type("text/turtle"))
    assert len(triples) == sample_titles()


def test_a_construct_asked_for_result_formats_gets_the_default_rdf_syntax(
    client: FlaskClient, loaded: Registry
) -> None:
    """roqet asks every query for application/sparql-results+xml: a CONSTRUCT gets Turtle."""
    construct = {"query": "CONSTRUCT { ?d dct:title ?t } WHERE { ?d a dcat:Dataset ; dct:title ?t }"}
    roqet = client.get(
        "/sparql", query_string=construct, headers={"Accept": "application/sparql-results+xml"}
    )
    assert roqet.status_code == 200 and roqet.mimetype == "text/turtle"
    assert len(formats.parse(roqet.data, formats.syntax_for_media_type("text/turtle"))) == sample_titles()
    refused = client.get("/sparql", query_string=construct, headers={"Accept": "image/png"})
    assert refused.status_code == 406


def test_result_formats_by_accept(client: FlaskClient, loaded: Registry) -> None:
    csv = client.get("/sparql", query_string={"query": DATASETS}, headers={"Accept": "text/csv"})
    assert csv.mimetype == "text/csv" and csv.data.startswith(b"d\r\n")
    refused = client.get("/sparql", query_string={"query": DATASETS}, headers={"Accept": "image/png"})
    assert refused.status_code == 406


def test_update_is_refused_and_changes_nothing(client: FlaskClient, loaded: Registry) -> None:
    before = loaded.store.quad_count()
    insert = "INSERT DATA { GRAPH <http://x/g> { <http://x/s> <http://x/p> 1 } }"
    for response in (
        client.get("/sparql", query_string={"query": insert}),
        client.post("/sparql", data={"update": insert}),
        client.post("/sparql", data=insert, headers={"Content-Type": "application/sparql-update"}),
    ):
        assert response.status_code == 403
        assert "read-only" in response.get_json()["message"]
    assert loaded.store.quad_count() == before


def test_malformed_and_multiple_queries_are_400(client: FlaskClient) -> None:
    bad = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x"})
    assert bad.status_code == 400 and "syntax" in bad.get_json()["message"]
    two = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert two.status_code == 400
    wrong = client.post("/sparql", data=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert wrong.status_code == 415
    latin1 = client.post(
        "/sparql", data="ASK { ?s ?p 'é' }".encode("latin-1"),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert latin1.status_code == 400 and "UTF-8" in latin1.get_json()["message"]


def test_service_is_refused_before_any_connection(client: FlaskClient) -> None:
    """A listener on 127.0.0.1 proves the endpoint never calls out."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(1.0)
    port = listener.getsockname()[1]
    connections: list[object] = []

    def accept() -> None:
        try:
            connections.append(listener.accept())
        except OSError:
            pass

    watcher = threading.Thread(target=accept)
    watcher.start()
    query = f"SELECT * WHERE {{ SeRvIcE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", query_string={"query": query})
    watcher.join(timeout=5)
    listener.close()
    assert response.status_code == 400 and "SERVICE" in response.get_json()["message"]
    assert connections == []


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?service WHERE { ?service rdfs:label "SERVICE" }',
        "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o } # SERVICE <http://x>",
    ],
)
def test_the_word_service_elsewhere_is_fine(client: FlaskClient, query: str) -> None:
    assert client.get("/sparql", query_string={"query": query}).status_code == 200


def test_browser_gets_the_query_page(client: FlaskClient) -> None:
    page = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<form" in page and "healthdcatap:" in page


COMUNICA = (
    "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,"
    "application/n-triples;q=0.8,text/turtle;q=0.6,application/rdf+xml;q=0.5,"
    "text/n3;q=0.35,application/xml;q=0.3,image/svg+xml;q=0.3,text/xml;q=0.3,"
    "text/html;q=0.2,application/xhtml+xml;q=0.18,application/json;q=0.135"
)
"""The Accept header Comunica sends when it reads a SPARQL endpoint's service description."""


def test_the_service_description_honours_q_values_beside_text_html(client: FlaskClient) -> None:
    """text/html at q=0.2 is Comunica's last resort, not its wish: it gets RDF."""
    response = client.get("/sparql", headers={"Accept": COMUNICA})
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"  # q=0.9, the best RDF syntax offered
    syntax = formats.syntax_for_media_type(response.mimetype)
    described = formats.to_rdflib(formats.parse(response.data, syntax))
    assert (None, RDF.type, SD.Service) in described
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert client.get("/sparql", headers={"Accept": browser}).mimetype == "text/html"
    assert client.get("/sparql", headers={"Accept": "*/*"}).mimetype == "text/turtle"


def test_head_answers_as_get_for_monitors(client: FlaskClient) -> None:
    for accept in ({}, {"Accept": "text/turtle"}, {"Accept": "text/html"}):
        head, get = client.head("/sparql", headers=accept), client.get("/sparql", headers=accept)
        assert head.status_code == get.status_code == 200, accept
        assert head.mimetype == get.mimetype and head.data == b""
    asked = client.head("/sparql", query_string={"query": "ASK {}"},
                        headers={"Accept": JSON_RESULTS})
    assert asked.status_code == 200 and asked.mimetype == JSON_RESULTS


def test_oversized_body_is_413_and_json(tmp_path) -> None:
    from registry.web.app import create_app

    app = create_app({"store": str(tmp_path / "small"), "max_body_bytes": 1000})
    response = app.test_client().post(
        "/sparql",
        data=b"ASK { " + b" " * 2000 + b"}",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
    )
    assert response.status_code == 413 and response.get_json()["status"] == 413
    app.extensions["registry"].close()


def test_direct_update_post_is_403_read_only(client: FlaskClient) -> None:
    response = client.post(
        "/sparql",
        data=b"INSERT DATA { <http://x/s> <http://x/p> 1 }",
        headers={"Content-Type": "application/sparql-update"},
    )
    assert response.status_code == 403 and "read-only" in response.get_json()["message"]

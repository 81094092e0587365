"""Cross-origin reads: YASGUI or Comunica on another site may query and read; no site may
write through the provider API from a visitor's browser."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from registry.rdf import formats
from registry.records.submission import submit
from registry.runtime import Registry
from tests.conftest import SAMPLES

ORIGIN = {"Origin": "https://yasgui.example"}
ASK = "ASK { ?s ?p ?o }"


def preflight(client: FlaskClient, url: str, method: str, headers: str = "content-type"):
    return client.options(
        url,
        headers={
            **ORIGIN,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


def test_a_query_from_another_site_may_be_read(client: FlaskClient) -> None:
    by_get = client.get("/sparql", query_string={"query": ASK}, headers={**ORIGIN, "Accept": "application/sparql-results+json"})
    by_form = client.post("/sparql", data={"query": ASK}, headers=ORIGIN)
    by_body = client.post("/sparql", data=ASK, content_type="application/sparql-query", headers=ORIGIN)
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response.headers


def test_the_query_service_answers_the_preflight_of_a_post(client: FlaskClient) -> None:
    """A direct POST (application/sparql-query) is not a "simple" request: Comunica and
    YASGUI send a preflight first."""
    response = preflight(client, "/sparql", "POST")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]
    assert "Authorization" not in response.headers["Access-Control-Allow-Headers"]


def test_an_oai_pmh_request_by_post_may_be_read(client: FlaskClient) -> None:
    """OAI-PMH sends its arguments as a form POST too: a read, as a SPARQL query is."""
    assert "POST" in preflight(client, "/oai", "POST").headers["Access-Control-Allow-Methods"]
    response = client.post("/oai", data={"verb": "Identify"}, headers=ORIGIN)
    assert response.status_code == 200 and b"<Identify>" in response.data
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_rdf_documents_and_pages_may_be_read(client: FlaskClient, registry: Registry) -> None:
    accepted = submit(registry.records, SAMPLES[0].read_bytes(), formats.syntax_for_path(SAMPLES[0]))
    for url in (f"/datasets/{accepted.record_id}.ttl", f"/record/{accepted.record_id}",
                f"/api/records/{accepted.record_id}", "/vocab/modality.csv", "/catalog.ttl", "/"):
        response = client.get(url, headers={**ORIGIN, "Accept": "text/turtle"})
        assert response.headers.get("Access-Control-Allow-Origin") == "*", url
        assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    missing = client.get("/datasets/nothing-here", headers=ORIGIN)
    assert missing.status_code == 404 and missing.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("method", "url"),
    [("POST", "/api/records"), ("PUT", "/api/records/abc"), ("DELETE", "/api/records/abc"),
     ("POST", "/api/validate"), ("POST", "/submit")],
)
def test_never_for_the_provider_api_writes(client: FlaskClient, method: str, url: str) -> None:
    response = preflight(client, url, method, "authorization, content-type")
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Methods" not in response.headers
    sent = client.open(url, method=method, data="", content_type="text/turtle",
                       headers={**ORIGIN, "Authorization": "Bearer cir_x_y"})
    assert sent.status_code >= 400
    assert "Access-Control-Allow-Origin" not in sent.headers


def test_never_for_the_metrics_a_network_may_read(client: FlaskClient) -> None:
    """/metrics answers by the client's network: a page elsewhere must not read it through
    the browser of a visitor inside that network."""
    metrics = client.get("/metrics", headers=ORIGIN)
    assert metrics.status_code == 200
    assert "Access-Control-Allow-Origin" not in metrics.headers
    assert "Access-Control-Allow-Origin" not in preflight(client, "/metrics", "GET").headers

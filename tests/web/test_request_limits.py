"""Limits on what one request may ask, findings of the hostile-client review (issue
"Hardening"), each kept fixed by its own test: at most 20 facet values of 500 characters on
/search, at most 100 URL arguments on every route, a description's size (``rdf.limits``)."""

from __future__ import annotations

import time

from flask.testing import FlaskClient

from tests.conftest import PROSTATE

DATASET = "https://datasets.procancer-i.example/open-challenge-prostate-v1"


def test_search_amplification_by_repeated_facet_values_is_refused(client: FlaskClient) -> None:
    values = "&".join(f"provider=http://p.example/{i}" for i in range(4_000))
    started = time.monotonic()
    response = client.get(f"/search?{values}", headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert len(response.data) < 20_000
    assert time.monotonic() - started < 2


def test_search_selects_at_most_twenty_values(client: FlaskClient) -> None:
    twenty = "&".join(f"provider=http://p.example/{i}" for i in range(20))
    assert client.get(f"/search?{twenty}").status_code == 200
    response = client.get(f"/search?{twenty}&modality=x", headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert b"at most 20 facet values" in response.data


def test_a_facet_value_longer_than_any_iri_is_refused(client: FlaskClient) -> None:
    response = client.get("/search?provider=" + "x" * 501, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "longer than 500" in response.get_json()["message"]


def test_more_than_a_hundred_url_arguments_are_refused_on_every_route(
    client: FlaskClient,
) -> None:
    many = "&".join("x=1" for _ in range(101))
    for path in ("/", "/sparql", "/api/records"):
        response = client.get(f"{path}?{many}", headers={"Accept": "application/json"})
        assert response.status_code == 400, path
        assert response.get_json()["error"] == "Too many arguments"


def test_no_length_limits_on_provider_text_answers_413_naming_the_setting(
    client: FlaskClient,
) -> None:
    """A 2 MB title is under the request cap (5 MB) and over a record's (1 MB)."""
    body = PROSTATE.read_bytes() + (
        f'<{DATASET}> <http://purl.org/dc/terms/title> "{"x" * 2_000_000}"@en .\n'
    ).encode()
    response = client.post(
        "/api/validate", data=body, headers={"Content-Type": "text/turtle"}
    )
    assert response.status_code == 413
    assert "REGISTRY_MAX_RECORD_BYTES" in response.get_json()["message"]


def test_jsonld_nested_500_deep_or_with_a_5000_digit_integer_is_not_a_500(
    client: FlaskClient,
) -> None:
    nested = '{"@id": "http://e.org/s", "http://e.org/p": ' + "[" * 500 + '"x"' + "]" * 500 + "}"
    big = '{"@id": "http://e.org/s", "http://e.org/n": ' + "9" * 5_000 + "}"
    for body, status in ((nested, 413), (big, 400)):
        response = client.post(
            "/api/validate", data=body, headers={"Content-Type": "application/ld+json"}
        )
        assert response.status_code == status, response.get_json()

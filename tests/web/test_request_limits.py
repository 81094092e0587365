"""Limits on what one request may ask, findings of the hostile-client review (issue
"Hardening"), each kept fixed by its own test: at most 20 facet values of 500 characters on
/search, at most 100 URL arguments on every route."""

from __future__ import annotations

import time

from flask.testing import FlaskClient


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

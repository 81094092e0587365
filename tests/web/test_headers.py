"""Security headers on every response type, and what a 405 says (issue "Hardening")."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/", "text/html"),
        ("/submit", "text/html"),
        ("/api/records", "application/json"),
        ("/catalog.ttl", "text/turtle"),
        ("/no-such-page", "text/html"),
        ("/no-such-page", "application/json"),
    ],
)
def test_security_headers_on_every_response_type(
    client: FlaskClient, path: str, accept: str
) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


def test_hsts_when_served_over_https(client: FlaskClient) -> None:
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_sparql_page_keeps_its_own_policy_and_cannot_be_framed(client: FlaskClient) -> None:
    policy = client.get("/sparql", headers={"Accept": "text/html"}).headers[
        "Content-Security-Policy"
    ]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_405_says_which_methods_are_allowed(client: FlaskClient) -> None:
    response = client.delete("/", headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}

"""``/health`` on both backends: the store's status, the change log's position, the version."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from registry import __version__
from registry.config import load_settings
from registry.database import LATEST


def test_health_says_the_store_answers(client: FlaskClient, backend: str) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json
    assert body is not None
    assert body["status"] == "ok" and body["version"] == __version__
    assert body["store"]["backend"] == backend and body["store"]["status"] == "ok"
    assert body["store"]["changes"] >= 1  # the catalogue's record, at least


def test_health_names_the_database_the_index_and_a_base_iri_that_leads_elsewhere(
    make_app: Callable[..., Flask],
) -> None:
    sound = make_app().test_client().get("/health").json or {}
    assert sound["database"] == {"backend": "sqlite", "status": "ok", "schema": LATEST}
    assert sound["index"]["status"] == "ok" and "rebuilt_because" not in sound["index"]
    assert sound["warnings"] == []
    elsewhere = make_app(base_iri="http://127.0.0.1:9999/", port=8080).test_client()
    (warning,) = (elsewhere.get("/health").json or {})["warnings"]
    assert "serves port 8080" in warning and "port 9999" in warning


def test_a_public_base_iri_behind_a_proxy_is_no_warning() -> None:
    assert load_settings({"base_iri": "https://registry.example.org/"}).address_warning() is None
    assert load_settings({"base_iri": "http://localhost:8080/"}).address_warning() is None

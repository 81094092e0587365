"""``/health`` on both backends: the store's status, the change log's position, the version."""

from __future__ import annotations

from flask.testing import FlaskClient

from registry import __version__


def test_health_says_the_store_answers(client: FlaskClient, backend: str) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json
    assert body is not None
    assert body["status"] == "ok" and body["version"] == __version__
    assert body["store"]["backend"] == backend and body["store"]["status"] == "ok"
    assert body["store"]["changes"] >= 1  # the catalogue's record, at least

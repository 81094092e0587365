"""``/harvest``: the sources with their last run, and each run's report as a page and JSON,
in the visitor's language."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from registry.federation.harvest.sources import Source
from registry.runtime import Registry


def test_sources_and_a_run_report(app: Flask) -> None:
    registry: Registry = app.extensions["registry"]
    sources = registry.harvester.sources
    sources.add(Source("national", "https://national.example/catalog", "dcat", 86400))
    sources.add(Source("idle", "https://idle.example/feed", "feed", 0))
    run = sources.start_run("national")
    report = {
        "status": "partial",
        "stopped": "<https://national.example/catalog?page=2> answered 500.",
        "created": 3,
        "updated": 1,
        "unchanged": 0,
        "withdrawn": [],
        "documents": 2,
        "refused": [{"topic": "https://national.example/ds/1", "reason": "no dct:accessRights"}],
    }
    sources.finish_run(run, "partial", report)
    client = app.test_client()
    page = client.get("/harvest").get_data(as_text=True)
    assert 'id="national"' in page and "https://national.example/catalog" in page
    assert "3 created, 1 updated, 0 unchanged, 0 withdrawn" in page and "1 refused" in page
    assert "answered 500" in page and "Not run yet." in page
    shown = client.get(f"/harvest/runs/{run}").get_data(as_text=True)
    assert "https://national.example/ds/1" in shown and "no dct:accessRights" in shown
    data = client.get(f"/harvest/runs/{run}.json").get_json()
    assert data["id"] == run and data["refused"][0]["topic"] == "https://national.example/ds/1"
    german = client.get("/harvest?lang=de").get_data(as_text=True)
    assert "Geerntete Kataloge" in german and "3 neu, 1 geändert" in german
    assert client.get("/harvest/runs/999").status_code == 404


def test_no_source_yet(app: Flask) -> None:
    page = app.test_client().get("/harvest").get_data(as_text=True)
    assert "registry harvest add NAME URL" in page


def test_a_run_number_beyond_the_database_is_404(client: FlaskClient) -> None:
    """Found by the e2e fuzz suite: a 30-digit run number was a 500 (SQLite's integers)."""
    huge = "9" * 30
    for path in (f"/harvest/runs/{huge}", f"/harvest/runs/{huge}.json"):
        assert client.get(path).status_code == 404

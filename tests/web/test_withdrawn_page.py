"""A withdrawn record's 410 says what it was, when it was withdrawn and by whom, on its page
(in the visitor's language) and in the JSON an API client gets."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient

from registry.records.audit import Author
from registry.records.submission import submit
from registry.records.write import withdraw_record
from registry.runtime import Registry
from tests.conftest import PROSTATE, TURTLE

PROVIDER = Author("procancer-editor", "https://ror.example/procancer-i")


def withdrawn(registry: Registry) -> str:
    accepted = submit(registry.records, PROSTATE.read_bytes(), TURTLE)
    withdraw_record(
        registry.records, accepted.record_id, PROVIDER, now=datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
    )
    return accepted.record_id


def test_the_withdrawn_page_names_the_dataset_when_and_who(
    client: FlaskClient, registry: Registry
) -> None:
    record_id = withdrawn(registry)
    page = client.get(
        f"/datasets/{record_id}", headers={"Accept": "text/html", "Accept-Language": "en"}
    )
    assert page.status_code == 410
    text = page.get_data(as_text=True)
    assert "<h1>Withdrawn from the catalogue: " in text
    assert "prostate" in text.split("<h1>", 1)[1].split("</h1>", 1)[0].lower()
    assert 'Withdrawn on <time datetime="2026-03-04T05:06:00Z">2026-03-04</time>' in text
    assert "by procancer-editor (<code>https://ror.example/procancer-i</code>)" in text
    assert f"/records/{record_id}/versions" in text
    assert page.headers["Link"].endswith('rel="version-history"')


def test_the_withdrawn_page_speaks_the_visitors_language(
    client: FlaskClient, registry: Registry
) -> None:
    record_id = withdrawn(registry)
    page = client.get(
        f"/datasets/{record_id}", headers={"Accept": "text/html", "Accept-Language": "de"}
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 410 and "Aus dem Katalog zurückgezogen" in text
    assert "Zurückgezogen am" in text and " von procancer-editor" in text
    assert "Accept-Language" in page.headers["Vary"]


def test_api_clients_get_the_same_facts_as_json(client: FlaskClient, registry: Registry) -> None:
    record_id = withdrawn(registry)
    for url in (f"/api/records/{record_id}", f"/datasets/{record_id}.ttl"):
        answer = client.get(url, headers={"Accept": "application/json"})
        assert answer.status_code == 410, url
        body = answer.get_json()
        assert body["withdrawn"] == record_id and body["withdrawn_at"] == "2026-03-04T05:06:00Z"
        assert body["withdrawn_by"] == "procancer-editor"
        assert body["withdrawn_by_agent"] == "https://ror.example/procancer-i"
        assert any("prostate" in title.lower() for title in body["titles"].values())
        assert "was withdrawn on 2026-03-04T05:06:00Z" in body["message"]

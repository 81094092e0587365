"""Pages and record documents carry ETag and Last-Modified and answer conditional GETs with
304 (``web.validators``); the sitemap gives each page's ``<lastmod>``."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from registry.records.submission import submit
from registry.runtime import Registry
from tests.conftest import PROSTATE, TURTLE, load_samples


def urls(record_id: str) -> list[tuple[str, dict[str, str]]]:
    """Each validated answer: pages (chosen by Accept-Language) and documents."""
    page = {"Accept": "text/html", "Accept-Language": "de"}
    return [
        (f"/datasets/{record_id}", page),
        (f"/datasets/{record_id}", {"Accept": "text/turtle"}),
        (f"/datasets/{record_id}.ttl", {}),
        ("/", page),
        ("/search?q=prostate&page=1", page),
        ("/search?q=prostate", {"Accept": "application/json"}),
    ]


@pytest.fixture
def record_id(registry: Registry) -> str:
    return next(iter(load_samples(registry, 3).values()))


def test_every_validated_answer_is_304_when_the_client_has_it(
    client: FlaskClient, record_id: str
) -> None:
    for url, headers in urls(record_id):
        first = client.get(url, headers=headers)
        assert first.status_code == 200, (url, first.data[:300])
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert "no-cache" in first.headers["Cache-Control"]
        same = client.get(url, headers={**headers, "If-None-Match": etag})
        assert same.status_code == 304 and not same.data, url
        # RFC 9110, 15.4.5: a 304 carries ETag, Vary and Cache-Control (Last-Modified, a
        # representation header, is left out by werkzeug, as the RFC allows).
        assert same.headers["ETag"] == etag and "no-cache" in same.headers["Cache-Control"]
        assert "Accept" in same.headers["Vary"]
        if "Accept-Language" in headers:  # the page was chosen by it: so is its 304
            assert "Accept-Language" in first.headers["Vary"], url
            assert "Accept-Language" in same.headers["Vary"], url
        since = client.get(url, headers={**headers, "If-Modified-Since": modified})
        assert since.status_code == 304, url
        stale = client.get(url, headers={**headers, "If-None-Match": '"something-else"'})
        assert stale.status_code == 200 and stale.data == first.data, url


def test_each_representation_has_its_own_tag(client: FlaskClient, record_id: str) -> None:
    """A German page's tag never validates the French one, nor the page the Turtle."""
    url = f"/datasets/{record_id}"
    german = client.get(url, headers={"Accept": "text/html", "Accept-Language": "de"})
    french = client.get(
        url,
        headers={
            "Accept": "text/html",
            "Accept-Language": "fr",
            "If-None-Match": german.headers["ETag"],
        },
    )
    assert french.status_code == 200 and '<html lang="fr">' in french.get_data(as_text=True)
    turtle = client.get(
        url, headers={"Accept": "text/turtle", "If-None-Match": german.headers["ETag"]}
    )
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    chosen = client.get(
        url + "?lang=el", headers={"Accept": "text/html", "If-None-Match": german.headers["ETag"]}
    )
    assert chosen.status_code == 200


def test_a_write_makes_every_copy_stale(
    client: FlaskClient, registry: Registry, record_id: str
) -> None:
    before = {url: client.get(url, headers=headers) for url, headers in urls(record_id)}
    changed = PROSTATE.read_bytes().replace(b'"8237"', b'"8240"')
    assert changed != PROSTATE.read_bytes()
    submit(registry.records, changed, TURTLE)
    for url, headers in urls(record_id):
        again = client.get(url, headers={**headers, "If-None-Match": before[url].headers["ETag"]})
        assert again.status_code == 200, url
        assert again.headers["ETag"] != before[url].headers["ETag"]


def test_withdrawn_and_unknown_records_are_never_304(client: FlaskClient) -> None:
    answer = client.get("/datasets/0123456789abcdef", headers={"If-None-Match": "*"})
    assert answer.status_code == 404


def test_the_sitemap_gives_each_dataset_its_last_change(
    client: FlaskClient, registry: Registry
) -> None:
    ids = load_samples(registry, 4).values()
    sitemap = client.get("/sitemap/1.xml").get_data(as_text=True)
    for record_id in ids:
        card = registry.catalogue.search.card(record_id)
        assert card is not None
        match = re.search(rf"/datasets/{record_id}</loc><lastmod>([^<]+)</lastmod>", sitemap)
        assert match is not None, record_id
        assert match.group(1) == card["modified"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", match.group(1))

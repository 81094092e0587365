"""The home page's charts: every value charted or "the 10 largest of N" said, numbers in the
interface language's format, the heading in the visitor's language, and labels shown in
another language marked and explained."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from registry.catalogue import search as browse
from registry.records.submission import submit
from registry.runtime import Registry
from tests.conftest import ROOT, TURTLE, load_samples

NARROW_SPACE = "\u202f"
"""French groups thousands with a narrow no-break space (CLDR)."""


def country_chart(page: str) -> str:
    return page.split('id="chart-country-caption"', 1)[1].split("</figure>", 1)[0]


@pytest.fixture
def home(client: FlaskClient, registry: Registry) -> FlaskClient:
    load_samples(registry)
    catalogue = ROOT / "data" / "sample" / "catalog.ttl"  # its title in ten languages
    assert submit(registry.records, catalogue.read_bytes(), TURTLE).changed
    return client


def test_every_country_is_charted(home: FlaskClient, registry: Registry) -> None:
    page = home.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    countries = sum(1 for row in registry.catalogue.search.totals() if row[0] == "country")
    assert countries > 10  # the sample catalogue spans 11 countries
    chart = country_chart(page)
    assert chart.count('class="bar-label') == countries
    assert "Sweden" in chart and "largest of" not in chart
    assert f"<dt>Countries</dt><dd>{countries}</dd>" in page


def test_a_chart_of_many_values_says_it_shows_the_largest(
    home: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(browse, "CHART_ALL", 5)
    page = home.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    chart = country_chart(page)
    assert chart.count('class="bar-label') == browse.CHART_BARS
    found = re.search(r"The 10 largest of (\d+); the table lists all\.", chart)
    assert found is not None
    rows = chart.split("<tbody>", 1)[1].count('<th scope="row">')
    assert rows == int(found.group(1)) > 10  # the table still lists every country


def test_numbers_and_heading_are_in_the_visitors_language(home: FlaskClient) -> None:
    english = home.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    german = home.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    french = home.get("/?lang=fr").get_data(as_text=True)
    people = re.search(r"<dt>Individuals</dt><dd>([^<]+)</dd>", english)
    assert people is not None and "," in people.group(1), "a sample count above a thousand"
    figure = people.group(1)
    assert f"<dd>{figure.replace(',', '.')}</dd>" in german
    assert "<dd>" + figure.replace(",", NARROW_SPACE) + "</dd>" in french
    assert "<h1>Cancer Image Registry: Beispielkatalog der Föderation</h1>" in german
    assert "<title>Cancer Image Registry: Beispielkatalog der Föderation</title>" in german


def test_labels_in_another_language_are_marked_and_explained(home: FlaskClient) -> None:
    """Some codes have no Swedish label yet: they are shown in English, underlined, with a
    title saying so, and the charts' legend explains the underline."""
    page = home.get("/", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "<h1>Cancer Image Registry: exempelkatalog för federationen</h1>" in page
    assert 'class="bar-label fallback" lang="en"' in page
    assert 'class="fallback" title="Inte översatt än: visas på English"' in page
    assert "Prickad understrykning" in page
    english = home.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "fallback-legend" not in english and "bar-label fallback" not in english

"""Search arguments the page cannot follow are said on the page (and in the JSON answer's
``errors``), never ignored in silence and never a 5xx; what can be followed still is."""

from __future__ import annotations

import html

import pytest
from flask.testing import FlaskClient

from registry.runtime import Registry
from tests.conftest import load_samples

MR = "https://w3id.org/cancer-image-registry/vocab/modality/MR"
CASES = [
    ("modality=MRI", "modality", "“MRI” is not a value of the Image modality filter"),
    ("segmented=maybe", "segmented", "“maybe” is not a value of the Has segmentations filter"),
    ("individuals_min=ten", "individuals_min", "“ten” is not a whole number (individuals_min)"),
    ("age_max=%C2%B2", "age_max", "“²” is not a whole number (age_max)"),
    ("age_min=80&age_max=18", "age_min", "The minimum is above the maximum (80 &gt; 18)"),
    ("page=two", "page", "“two” is not a page number: the first page is shown."),
    ("page=0", "page", "“0” is not a page number"),
    ("page=999", "page", "There are 1 pages: the last one is shown."),
    ("sort=oldest", "sort", "“oldest” is not a sort order: the default order is used."),
]


@pytest.mark.parametrize(("args", "argument", "said"), CASES, ids=[c[0] for c in CASES])
def test_an_argument_the_search_cannot_follow_is_said(
    client: FlaskClient, registry: Registry, args: str, argument: str, said: str
) -> None:
    load_samples(registry, 3)
    page = client.get(f"/search?{args}", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert '<div class="notices" role="status">' in text and said in text, text[:3000]
    assert "result" in text  # the results are still shown, the argument left out
    answer = client.get(f"/search?{args}", headers={"Accept": "application/json"})
    assert answer.status_code == 200
    errors = answer.get_json()["errors"]
    assert [e["argument"] for e in errors] == [argument]
    assert html.unescape(said) in errors[0]["message"]


def test_notices_are_in_the_visitors_language(client: FlaskClient, registry: Registry) -> None:
    load_samples(registry, 3)
    page = client.get("/search?modality=MRI&page=x", headers={"Accept-Language": "de"})
    text = page.get_data(as_text=True)
    assert "„MRI“ ist kein Wert des Filters" in text
    assert "„x“ ist keine Seitenzahl" in text


def test_known_values_and_good_arguments_say_nothing(
    client: FlaskClient, registry: Registry
) -> None:
    load_samples(registry, 3)
    good = f"/search?modality={MR}&age_min=18&age_max=80&page=1&sort=title&segmented=yes"
    page = client.get(good, headers={"Accept": "text/html"})
    assert page.status_code == 200 and 'class="notices"' not in page.get_data(as_text=True)
    assert client.get(good, headers={"Accept": "application/json"}).get_json()["errors"] == []


def test_a_filter_left_out_no_longer_hides_every_dataset(
    client: FlaskClient, registry: Registry
) -> None:
    load_samples(registry, 3)
    everything = client.get("/search", headers={"Accept": "application/json"}).get_json()
    typo = client.get("/search?modality=MRI", headers={"Accept": "application/json"}).get_json()
    assert typo["total"] == everything["total"] > 0
    assert typo["query"]["selected"] == {}

"""Anonymous requests that answered 500, each now a 4xx or a correct answer: regressions of
the hostile-client review (issue "Hardening": 500s on anonymous input)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from registry.records.submission import submit
from registry.runtime import Registry
from tests.conftest import PROSTATE, TURTLE

HUGE = "9" * 5_000
"""More digits than Python's int() reads (4,300)."""
BIG = "99999999999999999999"
"""Past SQLite's integers (2**63 - 1)."""
ACCEPTS = ("text/html", "application/json")


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize(
    "url", ["/term", "/term?iri=", "/term?iri=not%20an%20iri", "/term.ttl?iri=%20", "/term?iri=http://x/%00"]
)
def test_500s_on_anonymous_input_term_without_a_valid_iri(
    client: FlaskClient, url: str, accept: str
) -> None:
    response = client.get(url, headers={"Accept": accept})
    assert response.status_code == 404


@pytest.mark.parametrize("url", ["/vocab/a%20b/x", "/vocab/%00/x", "/vocab/a%20b/x.ttl", "/vocab/a/%7B%7D"])
def test_500s_on_anonymous_input_vocab_path_that_is_no_iri(client: FlaskClient, url: str) -> None:
    assert client.get(url, headers={"Accept": "text/html"}).status_code == 404


@pytest.mark.parametrize("accept", ACCEPTS)
def test_500s_on_anonymous_input_search_segmented_x(client: FlaskClient, accept: str) -> None:
    response = client.get("/search?segmented=x&segmented=yes", headers={"Accept": accept})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "args",
    [
        f"individuals_min={HUGE}",
        f"individuals_min={BIG}",
        f"individuals_max={BIG}",
        f"age_min={BIG}&age_max={HUGE}",
        "individuals_min=%C2%B2",  # "²": str.isdigit() says yes, int() says no
        f"page={HUGE}",
        "page=%C2%B2",
    ],
)
def test_500s_on_anonymous_input_huge_numbers_in_search(
    client: FlaskClient, registry: Registry, args: str
) -> None:
    submit(registry.records, PROSTATE.read_bytes(), TURTLE)
    response = client.get(f"/search?{args}", headers={"Accept": "text/html"})
    assert response.status_code == 200


def test_huge_lower_bounds_match_nothing_and_huge_upper_bounds_everything(
    client: FlaskClient, registry: Registry
) -> None:
    submit(registry.records, PROSTATE.read_bytes(), TURTLE)
    assert "0 datasets" in client.get(f"/search?individuals_min={HUGE}").get_data(as_text=True)
    assert "1 dataset" in client.get(f"/search?individuals_max={HUGE}").get_data(as_text=True)


@pytest.mark.parametrize("number", [HUGE, BIG, "9223372036854775807", "0", "2"])
def test_500s_on_anonymous_input_sitemap_numbers(client: FlaskClient, number: str) -> None:
    assert client.get(f"/sitemap/{number}.xml").status_code == 404
    assert client.get("/sitemap/1.xml").status_code == 200


@pytest.mark.parametrize("name", ["%C2%8A%C3%8Br", "a%20b", "%00", "operator%0A"])
def test_500s_on_anonymous_input_agent_name_that_is_no_iri(client: FlaskClient, name: str) -> None:
    """Found by the fuzz suite: /agent/<name> built an IRI of the name, and pyoxigraph
    refused it (ValueError, a 500)."""
    assert client.get(f"/agent/{name}", headers={"Accept": "text/html"}).status_code == 404
    assert client.get("/agent/operator", headers={"Accept": "text/turtle"}).status_code == 200

"""Catalogue and dataset pages, rendered from the real store."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from registry.rdf import formats
from registry.records.loading import load_files
from registry.records.submission import submit
from registry.runtime import Registry
from tests.conftest import INVALID, PROSTATE, SAMPLE_FILES, SAMPLES, TURTLE, load_samples


def test_empty_catalogue_says_how_to_add(client: FlaskClient) -> None:
    for url in ("/", "/search"):
        page = client.get(url).get_data(as_text=True)
        assert "registry load" in page, url
    assert "0 datasets" in client.get("/search").get_data(as_text=True)


def test_catalogue_lists_title_publisher_and_cancer_type(
    client: FlaskClient, registry: Registry
) -> None:
    load_samples(registry)
    page = client.get("/search", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"{len(SAMPLES)} datasets" in page
    assert "Open Challenge Prostate Cancer V1" in page
    # The publisher is a registered agent, described in its own record.
    assert "ProCAncer-I data office, Heraklion (illustrative)" in page
    assert "Prostate cancer" in page and "Lung cancer" in page and "Neuroblastoma" in page


def test_catalogue_title_follows_accept_language(client: FlaskClient, registry: Registry) -> None:
    load_samples(registry)
    page = client.get("/search", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Cohorte de cáncer de pulmón TC y PET-TC" in page
    assert "Tipos de cáncer" not in page  # scheme labels are not dataset titles
    assert "Cáncer de pulmón" in page


def test_catalogue_pages_through_records(tmp_path) -> None:
    from registry.web.app import create_app

    size = 20
    app = create_app({"store": str(tmp_path / "paged"), "page_size": size})
    reg = app.extensions["registry"]
    assert not load_files(reg.records, SAMPLE_FILES).rejected
    client = app.test_client()
    first = client.get("/search").get_data(as_text=True)
    second = client.get("/search?page=2").get_data(as_text=True)
    last = -(-len(SAMPLES) // size)
    assert f"Page 1 of {last}" in first and 'rel="next"' in first
    assert f"Page 2 of {last}" in second
    assert first.count('<li class="result">') == size
    assert second.count('<li class="result">') == len(SAMPLES) - size
    reg.close()


def test_dataset_page_shows_fields_with_readable_labels(
    client: FlaskClient, registry: Registry
) -> None:
    ids = load_samples(registry)
    record_id = ids["https://datasets.procancer-i.example/open-challenge-prostate-v1"]
    response = client.get(f"/datasets/{record_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in (
        "Open Challenge Prostate Cancer V1",
        "Cancer type",
        "Prostate cancer",
        "Image modality",
        "Magnetic resonance",
        "Individuals",
        "8237",
        "Imaging studies",
        "8789",
        "Acquisition period",
        "2015-01-01",
        "Access URL",
        "https://platform.procancer-i.example/request-access",
        "ProCAncer-I data access desk",
        "https://w3id.org/cancer-image-registry/profile/1.0.0",
    ):
        assert text in page, text
    assert 'type="text/turtle"' in page


def test_dataset_document_in_each_syntax(client: FlaskClient, registry: Registry) -> None:
    ids = load_samples(registry)
    record_id = next(iter(ids.values()))
    for syntax in formats.SYNTAXES:
        response = client.get(f"/datasets/{record_id}.{syntax.suffix}")
        if syntax.has_graphs:
            assert response.status_code == 404
            continue
        assert response.status_code == 200, syntax.name
        assert response.mimetype == syntax.media_type
        triples = formats.parse(response.data, syntax)
        assert any(t.object == ox.NamedNode("http://www.w3.org/ns/dcat#Dataset") for t in triples)


def test_markup_in_a_title_is_shown_as_text(client: FlaskClient, registry: Registry) -> None:
    path = next(p for p in SAMPLES if p.name == "procancer-i-open-challenge-prostate.ttl")
    hostile = path.read_bytes().replace(
        b'"Open Challenge Prostate Cancer V1"@en',
        b'"<script>alert(1)</script><img src=x onerror=alert(2)>"@en',
    )
    accepted = submit(registry.records, hostile, TURTLE)
    for url in ("/", f"/datasets/{accepted.record_id}"):
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert "<script>alert(1)" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "script-src 'none'" in response.headers["Content-Security-Policy"]


def test_unknown_dataset_is_404_page_or_json(client: FlaskClient) -> None:
    html = client.get("/datasets/0123456789abcdef", headers={"Accept": "text/html"})
    assert html.status_code == 404 and "no record" in html.get_data(as_text=True)
    data = client.get("/datasets/../../etc", headers={"Accept": "application/json"})
    assert data.status_code == 404
    api = client.get("/datasets/0123456789abcdef", headers={"Accept": "application/json"})
    assert api.status_code == 404 and api.get_json()["status"] == 404


def test_a_rejection_answers_json_with_the_report(app) -> None:
    """The 422 body carries every result, for API clients (and the CLI reads the same value)."""
    from registry.errors import InvalidDescription

    @app.get("/_submit_invalid")
    def submit_invalid() -> str:
        submit(app.extensions["registry"].records, INVALID[0].read_bytes(), TURTLE)
        return "unreachable"

    response = app.test_client().get("/_submit_invalid", headers={"Accept": "application/json"})
    body = response.get_json()
    assert response.status_code == InvalidDescription.status == 422
    assert body["report"]["conforms"] is False
    first = body["report"]["results"][0]
    assert first["severity"] == "Violation" and first["path"] and first["message"]


def test_javascript_iris_are_not_links(client: FlaskClient, registry: Registry) -> None:
    body = PROSTATE.read_bytes().replace(
        b"<https://platform.procancer-i.example/request-access>", b"<javascript:alert(1)>"
    )
    accepted = submit(registry.records, body, TURTLE)
    page = client.get(f"/datasets/{accepted.record_id}").get_data(as_text=True)
    assert "javascript:alert(1)" in page and 'href="javascript:' not in page


def test_answers_chosen_by_language_vary_with_it(client: FlaskClient) -> None:
    """A cache must not give one visitor's German page to another: pages say
    ``Vary: Accept-Language``; RDF documents, which no language picks, do not."""
    home = client.get("/", headers={"Accept-Language": "de"})
    assert home.status_code == 200 and 'lang="de"' in home.get_data(as_text=True)
    assert "Accept-Language" in home.headers["Vary"]
    code_list = client.get("/vocab/modality", headers={"Accept-Language": "fr"})
    assert {"Accept", "Accept-Language"} <= {v.strip() for v in code_list.headers["Vary"].split(",")}
    missing = client.get("/datasets/nothing-here", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "Accept-Language" in missing.headers["Vary"]
    turtle = client.get("/catalog", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and "Accept-Language" not in turtle.headers.get("Vary", "")


def test_a_page_not_found_offers_a_search(client: FlaskClient) -> None:
    page = client.get("/datasets/nothing-here?lang=de", headers={"Accept": "text/html"})
    assert page.status_code == 404
    text = page.get_data(as_text=True)
    assert 'role="search"' in text and 'action="/search' in text
    assert '<input type="hidden" name="lang" value="de">' in text
    data = client.get("/datasets/nothing-here", headers={"Accept": "application/json"})
    assert data.status_code == 404 and data.get_json()["status"] == 404


@pytest.mark.parametrize("trimmed", ["/datasets", "/datasets/", "/providers", "/providers/"])
def test_a_trimmed_dataset_or_provider_url_leads_to_every_dataset(
    client: FlaskClient, trimmed: str
) -> None:
    answer = client.get(trimmed + "?lang=de")
    assert answer.status_code == 302 and answer.headers["Location"] == "/search?lang=de"
    assert client.get(trimmed).headers["Location"] == "/search"

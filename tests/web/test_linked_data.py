"""Minted IRIs dereference: pages for browsers, RDF by Accept or suffix, schema.org, sitemaps."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient

from registry.rdf import formats
from registry.records.submission import submit
from registry.runtime import Registry
from tests.conftest import SAMPLES, TURTLE, load_samples

RDF_TYPES = formats.DOCUMENT_SYNTAXES


@pytest.mark.parametrize("syntax", RDF_TYPES, ids=lambda s: s.name)
def test_dataset_iri_negotiates_rdf_with_vary_and_link(
    client: FlaskClient, registry: Registry, syntax: formats.RdfSyntax
) -> None:
    record_id = next(iter(load_samples(registry).values()))
    response = client.get(f"/datasets/{record_id}", headers={"Accept": syntax.media_type})
    assert response.status_code == 200 and response.mimetype == syntax.media_type
    assert response.headers["Vary"] == "Accept"
    assert f'</datasets/{record_id}.{syntax.suffix}>; rel="alternate"' in response.headers["Link"]
    assert formats.parse(response.data, syntax)
    page = client.get(f"/datasets/{record_id}", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.mimetype == "text/html" and page.headers["Vary"] == "Accept, Accept-Language"
    assert f'rel="alternate" type="{syntax.media_type}"' in page.get_data(as_text=True)


def test_record_and_catalogue_iris_dereference(client: FlaskClient, registry: Registry) -> None:
    record_id = next(iter(load_samples(registry).values()))
    html = client.get(f"/record/{record_id}", headers={"Accept": "text/html"})
    assert html.status_code == 303 and html.headers["Location"].endswith(f"/datasets/{record_id}")
    turtle = client.get(f"/record/{record_id}", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle" and b"CatalogRecord" in turtle.data
    assert client.get(f"/record/{record_id}.nt").mimetype == "application/n-triples"
    catalog = client.get("/catalog", headers={"Accept": "application/ld+json"})
    assert catalog.mimetype == "application/ld+json" and b"Catalog" in catalog.data
    assert client.get("/catalog.ttl").status_code == 200
    assert client.get("/agent/operator", headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/agent/nobody", headers={"Accept": "text/turtle"}).status_code == 404


def test_a_provider_iri_resolves_to_its_registry_page(
    client: FlaskClient, registry: Registry
) -> None:
    ids = load_samples(registry)
    iri, record_id = next(iter(ids.items()))
    response = client.get("/resolve", query_string={"iri": iri})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/datasets/{record_id}")
    assert client.get("/resolve", query_string={"iri": iri + "x"}).status_code == 404


def test_provider_and_term_pages(client: FlaskClient, registry: Registry) -> None:
    load_samples(registry)
    agents = registry.search.agents()
    chaimeleon = agents["https://repository.chaimeleon.example/id/repository"]
    page = client.get(f"/providers/{chaimeleon['id']}").get_data(as_text=True)
    assert "CHAIMELEON repository (illustrative)" in page and "Datasets of this provider" in page
    lung = "https://w3id.org/cancer-image-registry/vocab/condition/lung-cancer"
    term = client.get("/vocab/condition/lung-cancer").get_data(as_text=True)
    assert "Lung cancer" in term and "Cáncer de pulmón" in term and "datasets" in term
    assert client.get("/term", query_string={"iri": lung}).status_code == 200
    rdf = client.get("/vocab/condition/lung-cancer", headers={"Accept": "text/turtle"})
    assert rdf.mimetype == "text/turtle" and b"prefLabel" in rdf.data
    assert client.get("/term.ttl", query_string={"iri": lung}).status_code == 200
    assert client.get("/term", query_string={"iri": "https://nowhere.example/x"}).status_code == 404


def test_dataset_page_embeds_schema_org_as_inert_json(
    client: FlaskClient, registry: Registry
) -> None:
    path = next(p for p in SAMPLES if p.name == "procancer-i-open-challenge-prostate.ttl")
    hostile = path.read_bytes().replace(
        b'"Open Challenge Prostate Cancer V1"@en', b'"</script><script>alert(1)</script>"@en'
    )
    accepted = submit(registry.records, hostile, TURTLE)
    response = client.get(f"/datasets/{accepted.record_id}")
    page = response.get_data(as_text=True)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1 and "<script>alert" not in page
    data = json.loads(blocks[0])
    assert data["@type"] == "Dataset" and data["name"] == "</script><script>alert(1)</script>"
    assert data["url"].endswith(f"/datasets/{accepted.record_id}")
    assert "script-src 'none'" in response.headers["Content-Security-Policy"]


def test_sitemap_lists_every_dataset_page(client: FlaskClient, registry: Registry) -> None:
    ids = load_samples(registry).values()
    index = client.get("/sitemap.xml")
    assert index.mimetype == "application/xml" and b"/sitemap/1.xml" in index.data
    urls = client.get("/sitemap/1.xml").get_data(as_text=True)
    assert all(f"/datasets/{record_id}</loc>" in urls for record_id in ids)
    assert client.get("/sitemap/2.xml").status_code == 404


def test_language_from_url_overrides_browser_and_sticks_to_links(
    client: FlaskClient, registry: Registry
) -> None:
    load_samples(registry)
    page = client.get("/?lang=de", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="de">' in page and "Datensätze durchsuchen" in page
    assert "/search?lang=de" in page  # links keep the chosen language
    french = client.get("/", headers={"Accept-Language": "fr-BE,fr;q=0.9"}).get_data(as_text=True)
    assert '<html lang="fr">' in french
    # A label missing in the visitor's language falls back visibly (marked with its own lang).
    swedish = client.get("/search?lang=sv").get_data(as_text=True)
    assert 'class="fallback"' in swedish
    unknown = client.get("/?lang=tlh").get_data(as_text=True)
    assert '<html lang="en">' in unknown


def test_the_bundled_json_ld_contexts_are_served(client: FlaskClient) -> None:
    """Providers' JSON-LD tools read the context the samples cite from the registry."""
    sample = next(p for p in SAMPLES if p.suffix == ".jsonld")
    cited = [c for c in json.loads(sample.read_text())["@context"] if isinstance(c, str)]
    own = next(c for c in cited if "cancer-image-registry" in c)
    answer = client.get(f"/context/{own.rsplit('/', 1)[1]}", headers={"Origin": "https://x.org"})
    assert answer.status_code == 200 and answer.mimetype == "application/ld+json"
    assert "@context" in json.loads(answer.data)
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/context/dcat-ap-3.0.1.jsonld").status_code == 200
    for name in ("README.md", "..%2Fvocab%2Fmodality-1.0.0.ttl", "nothing.jsonld"):
        assert client.get(f"/context/{name}").status_code == 404

"""The code lists on the web: ``/vocab`` and ``/vocab/<name>`` as a page, RDF and CSV, linked
from ``/profile`` and from every message about an unknown code."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask.testing import FlaskClient
from rdflib import URIRef
from rdflib.namespace import SKOS

from registry.profile.validation import load_profile
from registry.rdf import formats
from registry.records.submission import submit
from registry.runtime import Registry
from tests.conftest import DATA, SAMPLES

VOCAB = "https://w3id.org/cancer-image-registry/vocab/"
NAMES = [code_list.name for code_list in load_profile().code_lists]


def test_the_index_lists_every_code_list_the_profile_checks(client: FlaskClient) -> None:
    page = client.get("/vocab").get_data(as_text=True)
    for name in NAMES:
        assert f'href="/vocab/{name}"' in page
    for heading in ("The registry&#39;s schemes", "HealthDCAT-AP tables", "EU tables"):
        assert heading in page
    assert {"modality", "condition", "body-part", "data-theme", "health-theme"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_every_code_list_has_a_page(client: FlaskClient, name: str) -> None:
    response = client.get(f"/vocab/{name}")
    assert response.status_code == 200 and response.mimetype == "text/html"


def test_a_code_list_page_shows_each_concept(client: FlaskClient, registry: Registry) -> None:
    for path in SAMPLES[:3]:
        submit(registry.records, path.read_bytes(), formats.syntax_for_path(path))
    page = client.get("/vocab/modality", headers={"Accept-Language": "de"}).get_data(as_text=True)
    row = re.search(r'<tr id="MR">.*?</tr>', page, re.S)
    assert row, page[:2000]
    mr = row.group(0)
    assert 'href="/vocab/modality/MR"' in mr and "Magnetresonanztomographie" in mr
    assert 'lang="fr"' in mr  # every language, under "In N languages"
    assert "http://dicom.nema.org/resources/ontology/DCM/MR" in mr  # mappings
    assert re.search(r'class="number"><a [^>]*>[1-9]', mr), "datasets using MR"
    assert f"&lt;{VOCAB}modality/AR&gt;" in page  # how to cite a code


def test_a_long_code_list_is_paged(client: FlaskClient) -> None:
    first = client.get("/vocab/language").get_data(as_text=True)
    assert 'rel="next" href="/vocab/language?page=2"' in first
    assert first.count('<tr id="') == 100
    last = client.get("/vocab/language?page=83")
    assert last.status_code == 200 and 'rel="next"' not in last.get_data(as_text=True)
    assert client.get("/vocab/language?page=84").status_code == 404
    assert client.get("/vocab/language?page=two").status_code == 400
    # Found by the fuzz suite: 5,000 digits were a 500 (Python's integer-string limit).
    for huge in ("9" * 30, "9" * 5_000, "²"):
        assert client.get(f"/vocab/language?page={huge}").status_code == 400


@pytest.mark.parametrize("suffix", ["ttl", "jsonld", "rdf", "nt"])
def test_a_code_list_as_rdf(client: FlaskClient, suffix: str) -> None:
    syntax = formats.syntax_for_suffix(suffix)
    assert syntax is not None
    by_suffix = client.get(f"/vocab/body-part.{suffix}")
    by_accept = client.get("/vocab/body-part", headers={"Accept": syntax.media_type})
    assert by_suffix.mimetype == by_accept.mimetype == syntax.media_type
    assert by_accept.headers["Vary"] == "Accept"
    graph = formats.to_rdflib(formats.parse(by_suffix.data, syntax))
    concepts = set(graph.subjects(SKOS.inScheme, URIRef(VOCAB + "body-part/")))
    assert URIRef(VOCAB + "body-part/BREAST") in concepts and len(concepts) > 300
    assert (URIRef(VOCAB + "body-part/"), SKOS.prefLabel, None) in graph


def test_a_code_list_as_csv(client: FlaskClient) -> None:
    by_suffix = client.get("/vocab/condition.csv")
    by_accept = client.get("/vocab/condition", headers={"Accept": "text/csv"})
    assert by_suffix.mimetype == by_accept.mimetype == "text/csv"
    assert by_suffix.data == by_accept.data
    rows = list(csv.DictReader(io.StringIO(by_suffix.get_data(as_text=True))))
    lung = next(r for r in rows if r["code"] == "lung-cancer")
    assert lung["iri"] == VOCAB + "condition/lung-cancer"
    assert lung["label@en"] and lung["label@de"] and lung["datasets"] == "0"
    assert "skos:" in lung["mappings"]


def test_an_unknown_code_list_is_404(client: FlaskClient) -> None:
    response = client.get("/vocab/modalities")
    assert response.status_code == 404 and "modality" in response.get_json()["message"]


def test_profile_links_each_code_list(client: FlaskClient) -> None:
    page = client.get("/profile").get_data(as_text=True)
    assert 'href="/vocab"' in page
    for name in ("modality", "condition", "body-part", "data-theme", "access-right"):
        assert f'href="/vocab/{name}"' in page, name


def test_every_code_list_a_message_names_is_linked_and_resolves(client: FlaskClient) -> None:
    text = (DATA / "sample" / "datasets" / "chaimeleon-prostate-mr.ttl").read_text(encoding="utf-8")
    text = text.replace("mod:MR,", "mod:MRI,").replace("body:PROSTATE", "body:prostate")
    html = client.post(
        "/api/validate", data=text, content_type="text/turtle", headers={"Accept": "text/html"}
    ).get_data(as_text=True)
    links = set(re.findall(r'href="(/vocab/[^"]+)"', html))
    assert {"/vocab/modality", "/vocab/modality/MR", "/vocab/body-part/PROSTATE"} <= links
    for link in links:
        assert client.get(link).status_code == 200, link

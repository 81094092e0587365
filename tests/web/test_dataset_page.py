"""The dataset page a visitor reads: the description under the title in the page's language,
every property named in that language, readable link texts with their IRIs as titles, and
the schema.org data dataset search engines want."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal
from rdflib.namespace import RDFS

from registry.profile.fields import FIELDS
from registry.rdf import formats
from registry.rdf.namespaces import compact
from registry.records.submission import submit
from registry.runtime import Registry
from registry.web.languages import catalogues
from tests.conftest import ROOT, SAMPLES

PROSTATE = next(p for p in SAMPLES if p.name == "chaimeleon-prostate-mr.ttl")
CURIE = re.compile(r"^[a-z][a-z0-9]*:[A-Za-z]")


class Fields(HTMLParser):
    """The (title, text) of every <dt> and every link of a piece of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.terms: list[tuple[str | None, str]] = []
        self.links: list[tuple[str | None, str]] = []
        self.open: str | None = None
        self.title: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("dt", "a"):
            self.open, self.title, self.text = tag, dict(attrs).get("title"), ""

    def handle_endtag(self, tag: str) -> None:
        if tag == self.open:
            (self.terms if tag == "dt" else self.links).append((self.title, self.text.strip()))
            self.open = None

    def handle_data(self, data: str) -> None:
        if self.open:
            self.text += data


def full_description(page: str) -> Fields:
    """The "Full description" section's property names and links."""
    parser = Fields()
    parser.feed(page[page.index('id="fields-heading"') : page.index('id="record-heading"')])
    return parser


def found(pattern: re.Pattern[str], text: str) -> str:
    """The first group of ``pattern``'s first match in ``text`` (which must have one)."""
    match = pattern.search(text)
    assert match is not None, pattern.pattern
    return match.group(1)


@pytest.fixture
def prostate(registry: Registry) -> str:
    return submit(registry.records, PROSTATE.read_bytes(), formats.syntax_for_path(PROSTATE)).record_id


def test_the_description_comes_first_in_the_page_language(client: FlaskClient, prostate: str) -> None:
    english = client.get(f"/datasets/{prostate}").get_data(as_text=True)
    spanish = client.get(f"/datasets/{prostate}?lang=es").get_data(as_text=True)
    lead = re.compile(r'<h1>.*?</h1>\s*<p class="lead description">(.*?)</p>', re.S)
    assert found(lead, english).startswith("Multiparametric prostate MRI")
    assert found(lead, spanish).startswith("RM multiparamétrica de próstata")
    # In the full description too, the page's language comes first (not Spanish first).
    titles = english[english.index('id="fields-heading"'):]
    assert titles.index("Prostate cancer multiparametric MRI cohort") < titles.index("Cohorte de RM")


def test_every_property_is_named_in_each_interface_language(
    client: FlaskClient, registry: Registry
) -> None:
    for path in SAMPLES:
        submit(registry.records, path.read_bytes(), formats.syntax_for_path(path))
    record_ids = list(registry.catalogue.search.record_ids("dataset", 0, 100))
    assert len(record_ids) == len(SAMPLES)
    for language in sorted(catalogues()):
        for record_id in record_ids:
            page = client.get(f"/datasets/{record_id}?lang={language}").get_data(as_text=True)
            for curie, text in full_description(page).terms:
                assert text and text != curie and not CURIE.match(text), (language, curie, text)


def test_links_read_as_names_or_addresses_with_the_iri_as_title(
    client: FlaskClient, prostate: str
) -> None:
    page = client.get(f"/datasets/{prostate}").get_data(as_text=True)
    links = full_description(page).links
    assert links
    for title, text in links:
        assert title and title.startswith(("http", "mailto")), (title, text)
        assert text not in ("oj", "request", "repository", "hdab"), (title, text)
    texts = dict((title, text) for title, text in links)
    assert texts["http://data.europa.eu/eli/reg/2025/327/oj"] == "data.europa.eu/eli/reg/2025/327/oj"
    assert texts["https://repository.chaimeleon.example/request"] == "repository.chaimeleon.example/request"
    assert texts["https://repository.chaimeleon.example/id/repository"] == "CHAIMELEON repository (illustrative)"


def test_the_english_page_labels_agree_with_the_profile_fields() -> None:
    """ontology/property-labels-*.ttl names the properties on pages; where the profile's
    field table (reports, /profile) names one too, the English words are the same."""
    [path] = (ROOT / "ontology").glob("property-labels-*.ttl")
    graph = Graph().parse(path)
    english = {str(s): str(o) for s, o in graph.subject_objects(RDFS.label) if isinstance(o, Literal) and o.language == "en"}
    for field in FIELDS:
        if field.predicate in english:
            assert english[field.predicate] == field.label, compact(field.predicate)
    languages = {o.language for o in graph.objects(None, RDFS.label) if isinstance(o, Literal)}
    assert languages == set(catalogues())
    for subject in set(graph.subjects(RDFS.label)):
        labels = graph.objects(subject, RDFS.label)
        assert {o.language for o in labels if isinstance(o, Literal)} == languages, subject


def test_schema_org_has_the_dataset_release_date_and_its_licences(
    client: FlaskClient, registry: Registry
) -> None:
    path = next(p for p in SAMPLES if p.name == "procancer-i-open-challenge-prostate.ttl")
    record_id = submit(registry.records, path.read_bytes(), formats.syntax_for_path(path)).record_id
    page = client.get(f"/datasets/{record_id}").get_data(as_text=True)
    data = json.loads(found(re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S), page))
    issued = found(re.compile(r'dct:issued "([0-9-]+)"'), path.read_text(encoding="utf-8"))
    assert data["datePublished"] == issued
    assert data["license"] and all(i.startswith("http") for i in data["license"])
    for download in data["distribution"]:
        assert download["contentUrl"].startswith("http") and download.get("license")


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_page_leads_to_the_versions_and_to_the_form_opened_from_its_record(
    client: FlaskClient, prostate: str, language: str
) -> None:
    """A provider who found their dataset can change it from its page; anyone can read what
    changed between versions."""
    page = client.get(f"/datasets/{prostate}?lang={language}").get_data(as_text=True)
    record = page[page.index('id="record-heading"') : page.index('id="sparql-heading"')]
    messages = catalogues()[language]
    # Links keep the page's language (?lang=).
    versions = f'/records/{prostate}/versions?lang={language}">{messages["record_versions_link"]}<'
    edit = f'/submit?record={prostate}&amp;lang={language}">{messages["record_edit"]}<'
    assert versions in record and edit in record
    assert client.get(f"/records/{prostate}/versions").status_code == 200
    form = client.get(f"/submit?record={prostate}").get_data(as_text=True)
    assert f'name="record" value="{prostate}"' in form
    assert "Prostate cancer multiparametric MRI cohort" in form

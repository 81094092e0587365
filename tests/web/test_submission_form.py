"""The guided /submit without JavaScript, as a browser posts it: each request sends the
controls of the page's form as the page rendered them (``Page.fields``), so what is tested is
what a visitor's browser would send. Real store, real validation, real publish and If-Match."""

from __future__ import annotations

import io
import random
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from rdflib.compare import isomorphic

from registry.cli.dicom import dicom
from registry.rdf import formats
from registry.records import history
from registry.records.accounts import Accounts
from registry.records.layout import record_id_for
from registry.runtime import Registry
from tests.conftest import PROSTATE, snapshot
from tests.dicom.fixtures import sample_patients, write_patients

PUBLISHER = "https://datasets.procancer-i.example/id/data-office"
HDAB = "https://hdab.pt.example/id/hdab"
DATASET = "https://datasets.procancer-i.example/guided-prostate"
VOCAB = "https://w3id.org/cancer-image-registry/vocab/"
FILLED = {
    "dataset": DATASET,
    "text-0-lang": "en",
    "text-0-title": "Guided prostate MRI",
    "text-0-description": "Biparametric prostate MRI of men on active surveillance.",
    "text-0-keywords": "prostate, MRI",
    "identifier": "GUIDED-1",
    "access_rights": "http://publications.europa.eu/resource/authority/access-right/RESTRICTED",
    "condition": VOCAB + "condition/prostate-cancer",
    "modality": VOCAB + "modality/MR",
    "body_part": VOCAB + "body-part/PROSTATE",
    "collection_method": VOCAB + "collection-method/retrospective",
    "interoperability": VOCAB + "interoperability-tier/tier-1",
    "health_category": "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/EHRS",
    "birth_sex": VOCAB + "birth-sex/male",
    "manufacturer": "SIEMENS, Philips",
    "individuals": "120",
    "records": "130",
    "publisher": PUBLISHER,
    "hdab": HDAB,
    "contact_name": "Imaging data desk",
    "contact_email": "imaging@procancer-i.example",
    "dist-0-title": "Access on request",
    "dist-0-access_url": "https://datasets.procancer-i.example/request",
}
"""What a provider types and picks in an empty form for a description that conforms."""


class Page(HTMLParser):
    """The successful controls of ``form#submission`` (HTML's form submission algorithm,
    for the controls this page has), and the order of a few landmarks."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self.in_form = False
        self.select: str | None = None
        self.textarea: str | None = None
        self.positions: dict[str, int] = {}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == "submission":
            self.in_form = True
            self.positions.setdefault("form", self.getpos()[0])
        if tag == "button" and a.get("value") == "publish":
            self.positions.setdefault("publish", self.getpos()[0])
        if not self.in_form:
            return
        name = a.get("name", "")
        if tag == "option" and self.select and "selected" in a:
            self.fields[self.select].append(a.get("value", ""))
        elif tag == "input" and a.get("type") not in ("file", "submit") and name:
            self.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select":
            self.select = name
            self.fields.setdefault(name, [])
        elif tag == "textarea":
            self.textarea = name
            self.fields[name] = [""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.fields[self.textarea][0] += data

    def send(self, **changes: str | list[str]) -> dict[str, list[str]]:
        """The form as the browser posts it, with what the visitor changed."""
        sent = dict(self.fields)
        sent.update({k: v if isinstance(v, list) else [v] for k, v in changes.items()})
        return sent


def post(client: FlaskClient, data: dict[str, list[str]]) -> tuple[int, str, Page]:
    response = client.post("/submit", data=data, content_type="multipart/form-data")
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    return response.status_code, html, Page(html)


@pytest.fixture
def token(app: Flask) -> str:
    accounts: Accounts = app.extensions["accounts"]
    accounts.add_provider("procancer", PUBLISHER)
    return accounts.new_token("procancer")


def test_an_empty_form_offers_the_code_lists_and_registered_agents(client: FlaskClient) -> None:
    page = client.get("/submit").get_data(as_text=True)
    assert 'value="https://w3id.org/cancer-image-registry/vocab/modality/MR"' in page
    assert "Magnetic resonance" in page  # the concept's label, not its code
    assert f'value="{PUBLISHER}"' in page and f'value="{HDAB}"' in page
    assert "<script" not in page.split('<main id="main">')[1]  # no JavaScript needed


def test_fill_check_publish_without_javascript(
    client: FlaskClient, token: str, registry: Registry
) -> None:
    blank = Page(client.get("/submit").get_data(as_text=True))
    status, html, checked = post(client, blank.send(token=token, action="check", **FILLED))
    assert status == 200, html
    assert "Conforms to the profile" in html and "0 violation(s)" in html
    # The summary and Publish come first: before the form, not 2,800 px down.
    assert checked.positions["publish"] < checked.positions["form"]
    status, html, done = post(client, checked.send(token=token, action="publish"))
    assert status == 200 and "Version 1 of record" in html, html
    record_id = record_id_for(DATASET)
    triples, etag = history.for_editing(registry.records, record_id)
    assert etag == '"1"' and done.fields["if_match"] == ['"1"']
    graph = formats.to_rdflib(triples)
    assert len(graph) > 25 and "Guided prostate MRI" in {str(o) for o in graph.objects()}


def test_values_that_cannot_be_stated_are_named_and_nothing_is_stored(
    client: FlaskClient, token: str, registry: Registry
) -> None:
    before = snapshot(registry)
    blank = Page(client.get("/submit").get_data(as_text=True))
    wrong = {**FILLED, "landing_page": "not an iri", "individuals": "twelve"}
    status, html, page = post(client, blank.send(token=token, action="publish", **wrong))
    assert status == 422
    assert "is not an IRI" in html and "is not a whole number 0 or more" in html
    assert page.fields["individuals"] == ["twelve"]  # what was typed is kept
    assert snapshot(registry) == before


def test_a_violation_is_summed_up_on_top_and_nothing_is_published(
    client: FlaskClient, token: str
) -> None:
    blank = Page(client.get("/submit").get_data(as_text=True))
    status, html, page = post(
        client, blank.send(token=token, action="check", **{**FILLED, "access_rights": ""})
    )
    assert status == 422 and "Does not conform" in html
    assert html.index("violation(s)") < html.index('id="submission"')
    assert "publish" not in page.positions


def test_two_editors_cannot_overwrite_each_other(
    client: FlaskClient, token: str, registry: Registry
) -> None:
    """Both open version 1; the first publishes version 2; the second gets a conflict."""
    blank = Page(client.get("/submit").get_data(as_text=True))
    post(client, blank.send(token=token, action="publish", **FILLED))
    record_id = record_id_for(DATASET)
    first = Page(client.get(f"/submit?record={record_id}").get_data(as_text=True))
    second = Page(client.get(f"/submit?record={record_id}").get_data(as_text=True))
    assert first.fields["if_match"] == ['"1"'] and first.fields["record"] == [record_id]
    assert first.fields["text-0-title"] == ["Guided prostate MRI"]
    status, html, _ = post(client, first.send(token=token, action="publish", individuals="121"))
    assert status == 200 and "Version 2 of record" in html
    status, html, kept = post(client, second.send(token=token, action="publish", individuals="125"))
    assert status == 412, html
    assert "Precondition failed" in html and "Nothing was overwritten" in html
    assert f"/submit?record={record_id}" in html
    assert kept.fields["individuals"] == ["125"]  # the second editor's work is not lost
    triples, etag = history.for_editing(registry.records, record_id)
    assert etag == '"2"'
    counts = {
        str(t.object.value)  # type: ignore[union-attr]
        for t in triples
        if t.predicate.value.endswith("numberOfUniqueIndividuals")
    }
    assert counts == {"121"}


def test_creating_a_registered_dataset_again_links_to_its_record(
    client: FlaskClient, token: str
) -> None:
    blank = Page(client.get("/submit").get_data(as_text=True))
    post(client, blank.send(token=token, action="publish", **FILLED))
    status, html, _ = post(client, blank.send(token=token, action="publish", **FILLED))
    assert status == 409 and f"/submit?record={record_id_for(DATASET)}" in html


def test_start_from_a_sample_keeps_what_the_form_has_no_field_for(client: FlaskClient) -> None:
    page = Page(client.get(f"/submit?sample={PROSTATE.name}").get_data(as_text=True))
    assert page.fields["identifier"] == ["PCAI-OC-V1"]
    assert "healthdcatap:analytics" in page.fields["extra"][0]
    status, html, turtle = post(client, page.send(action="turtle"))
    assert status == 200 and turtle.fields["view"] == ["turtle"]
    built = formats.to_rdflib(formats.parse(turtle.fields["text"][0].encode(), formats.SYNTAXES[0]))
    original = formats.to_rdflib(formats.parse(PROSTATE.read_bytes(), formats.SYNTAXES[0]))
    assert isomorphic(built, original)  # the sample states the form's constants too
    status, _, back = post(client, turtle.send(action="form"))
    assert status == 200 and back.fields["identifier"] == ["PCAI-OC-V1"]
    assert client.get("/submit?sample=../../etc/passwd").status_code == 404


def test_start_from_a_dicom_scan_draft(
    client: FlaskClient, token: str, tmp_path: Path
) -> None:
    """The draft `registry dicom scan` writes, uploaded: the form shows its codes and keeps
    its counts; the provider adds the rest and the description conforms."""
    patients = [p for p in sample_patients(random.Random(1)) if not p.identified]
    write_patients(tmp_path / "export", patients[:2])
    draft = tmp_path / "draft.ttl"
    result = CliRunner().invoke(dicom, ["scan", str(tmp_path / "export"), "--out", str(draft)])
    assert result.exit_code == 0, result.output
    upload = {"action": ["load"], "draft": [(io.BytesIO(draft.read_bytes()), "draft.ttl")]}
    response = client.post("/submit", data=upload, content_type="multipart/form-data")
    page = Page(response.get_data(as_text=True))
    assert response.status_code == 200
    assert page.fields["modality"] == [VOCAB + "modality/MR", VOCAB + "modality/SEG"]
    assert page.fields["body_part"] == [VOCAB + "body-part/PROSTATE"]
    assert page.fields["manufacturer"] == ["SIEMENS"]
    assert "eucaim:nbrOfSegmentations" in page.fields["extra"][0]
    assert page.fields["individuals"] == ["2"]  # counted by the scan
    scanned = ("modality", "body_part", "individuals", "records", "birth_sex", "manufacturer")
    provider_fields = {k: v for k, v in FILLED.items() if k not in scanned}
    status, html, checked = post(client, page.send(token=token, action="check", **provider_fields))
    assert status == 200 and "Conforms to the profile" in html, html
    assert checked.fields["individuals"] == ["2"]
    assert "eucaim:nbrOfSegmentations" in checked.fields["extra"][0]
    empty = client.post("/submit", data={"action": "load"}, content_type="multipart/form-data")
    assert empty.status_code == 400


def test_the_raw_view_publishes_with_if_match_too(
    client: FlaskClient, token: str, registry: Registry
) -> None:
    """A record opened as Turtle carries its entity tag like the form does."""
    blank = Page(client.get("/submit").get_data(as_text=True))
    post(client, blank.send(token=token, action="publish", **FILLED))
    record_id = record_id_for(DATASET)
    raw = Page(client.get(f"/submit?record={record_id}&view=turtle").get_data(as_text=True))
    assert raw.fields["view"] == ["turtle"] and raw.fields["if_match"] == ['"1"']
    assert "Guided prostate MRI" in raw.fields["text"][0]
    changed = raw.fields["text"][0].replace("GUIDED-1", "GUIDED-2")
    status, html, _ = post(client, raw.send(token=token, action="publish", text=changed))
    assert status == 200 and "Version 2 of record" in html
    status, html, _ = post(client, raw.send(token=token, action="publish"))
    assert status == 412 and f"/submit?record={record_id}&amp;view=turtle" in html
    assert history.for_editing(registry.records, record_id)[1] == '"2"'

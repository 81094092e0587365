"""The provider API through Flask's client on a real on-disk store: accounts, status codes,
versions, tombstones, entity tags; a refused write changes nothing."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph
from rdflib.namespace import RDF, SH

from registry.rdf import formats
from registry.records.accounts import Accounts
from registry.records.layout import record_id_for
from registry.runtime import Registry
from tests.conftest import INVALID, PROSTATE, TURTLE, snapshot

PUBLISHER = "https://datasets.procancer-i.example/id/data-office"
DATASET = "https://datasets.procancer-i.example/open-challenge-prostate-v1"
RECORD_ID = record_id_for(DATASET)
BODY = PROSTATE.read_bytes()
CHANGED = BODY.replace(b'"8237"', b'"8240"')


@pytest.fixture
def accounts(app: Flask) -> Accounts:
    accounts: Accounts = app.extensions["accounts"]
    return accounts


@pytest.fixture
def token(accounts: Accounts) -> str:
    accounts.add_provider("procancer", PUBLISHER)
    return accounts.new_token("procancer")


@pytest.fixture
def other_token(accounts: Accounts) -> str:
    accounts.add_provider("elsewhere", "https://hospital.elsewhere.example/id/office")
    return accounts.new_token("elsewhere")


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle", **headers}


def create(client: FlaskClient, token: str, body: bytes = BODY):
    return client.post("/api/records", data=body, headers=auth(token))


@pytest.mark.both_stores
def test_create_answers_201_with_location_etag_and_warnings(
    client: FlaskClient, token: str
) -> None:
    response = create(client, token)
    assert response.status_code == 201, response.json
    assert response.headers["Location"] == f"/api/records/{RECORD_ID}"
    assert response.headers["ETag"] == '"1"'
    assert response.get_json()["version"] == 1
    assert response.get_json()["report"]["conforms"] is True
    assert "warnings" in response.get_json()["report"]
    got = client.get(response.headers["Location"])
    assert got.status_code == 200
    assert got.headers["ETag"] == '"1"'
    assert got.mimetype == "text/turtle"
    graph = Graph().parse(data=got.data, format="turtle")
    assert (None, None, None) in graph and len(graph) > 50


@pytest.mark.parametrize("syntax", formats.DOCUMENT_SYNTAXES, ids=lambda s: s.name)
def test_create_in_each_format(client: FlaskClient, token: str, syntax) -> None:
    body = formats.serialize(formats.parse(BODY, TURTLE), syntax)
    headers = auth(token, **{"Content-Type": syntax.media_type})
    assert client.post("/api/records", data=body, headers=headers).status_code == 201


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer nonsense"}, 401),
        ({"Authorization": "Bearer cir_000000000000_wrong"}, 401),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, 401),
    ],
    ids=["no-token", "garbage", "unknown", "basic"],
)
def test_without_a_valid_token_nothing_is_written(
    client: FlaskClient, registry: Registry, headers: dict[str, str], status: int
) -> None:
    before = snapshot(registry)
    response = client.post(
        "/api/records", data=BODY, headers={"Content-Type": "text/turtle", **headers}
    )
    assert response.status_code == status
    assert response.get_json()["status"] == status
    assert snapshot(registry) == before


def test_revoked_and_expired_tokens_are_refused(
    client: FlaskClient, accounts: Accounts, token: str
) -> None:
    from datetime import UTC, datetime, timedelta

    token_id = token.split("_")[1]
    accounts.revoke(token_id)
    assert create(client, token).status_code == 401
    expired = accounts.new_token("procancer", datetime.now(UTC) - timedelta(seconds=1))
    response = create(client, expired)
    assert response.status_code == 401 and "expired" in response.get_json()["message"]


def test_another_providers_dataset_is_403(
    client: FlaskClient, registry: Registry, other_token: str
) -> None:
    before = snapshot(registry)
    response = create(client, other_token)
    assert response.status_code == 403
    assert PUBLISHER in response.get_json()["message"]
    assert snapshot(registry) == before


def test_dataset_registered_by_another_provider_is_409(
    client: FlaskClient, accounts: Accounts, token: str
) -> None:
    assert create(client, token).status_code == 201
    # The other provider claims to publish the dataset under its own agent.
    accounts.add_provider("thief", "https://thief.example/agent")
    thief = accounts.new_token("thief")
    stolen = BODY.replace(
        b"dct:publisher <https://datasets.procancer-i.example/id/data-office>",
        b"dct:publisher <https://thief.example/agent>",
    )
    response = create(client, thief, stolen)
    assert response.status_code in (409, 422)  # the thief agent is not registered: 422 first
    assert create(client, token).status_code == 409  # POST of an existing record: use PUT


def test_a_create_of_an_existing_record_names_it_and_its_location(
    client: FlaskClient, token: str
) -> None:
    created = create(client, token)
    again = create(client, token, CHANGED)
    assert again.status_code == 409
    body = again.get_json()
    assert body["id"] == created.get_json()["id"] == RECORD_ID and body["version"] == 1
    assert again.headers["Location"] == created.headers["Location"]
    assert "PUT" in body["message"] and 'If-Match: "1"' in body["message"]
    replaced = client.put(
        again.headers["Location"], data=CHANGED, headers=auth(token, **{"If-Match": '"1"'})
    )
    assert replaced.status_code == 200 and replaced.headers["ETag"] == '"2"'


def test_violation_is_422_with_report_in_json_turtle_and_html(
    client: FlaskClient, registry: Registry, token: str
) -> None:
    bad = BODY.replace(b'dct:identifier "PCAI-OC-V1" ;', b"")
    before = snapshot(registry)
    response = create(client, token, bad)
    assert response.status_code == 422
    assert response.get_json()["report"]["violations"] >= 1
    turtle = client.post("/api/records", data=bad, headers=auth(token, Accept="text/turtle"))
    assert turtle.status_code == 422 and turtle.mimetype == "text/turtle"
    report = Graph().parse(data=turtle.data, format="turtle")
    assert (None, RDF.type, SH.ValidationReport) in report
    page = client.post("/api/records", data=bad, headers=auth(token, Accept="text/html"))
    assert page.status_code == 422 and page.mimetype == "text/html"
    assert "identifier" in page.get_data(as_text=True).lower()
    assert snapshot(registry) == before


@pytest.mark.parametrize("path", INVALID[:6], ids=lambda p: p.name)
def test_invalid_files_are_refused_and_change_nothing(
    client: FlaskClient, registry: Registry, token: str, path
) -> None:
    before = snapshot(registry)
    syntax = formats.syntax_for_path(path)
    response = client.post(
        "/api/records",
        data=path.read_bytes(),
        headers=auth(token, **{"Content-Type": syntax.media_type}),
    )
    assert response.status_code in (400, 403, 409, 422), response.json
    assert snapshot(registry) == before


def test_syntax_error_is_400_with_line_and_column(client: FlaskClient, token: str) -> None:
    response = create(
        client, token, b"@prefix d: <http://www.w3.org/ns/dcat#> .\n<http://x> a d:Dataset"
    )
    assert response.status_code == 400
    assert response.get_json()["line"] == 2 and "column" in response.json


def test_unsupported_media_type_is_415_and_large_body_413(
    app: Flask, client: FlaskClient, token: str
) -> None:
    response = client.post(
        "/api/records", data=b"x", headers=auth(token, **{"Content-Type": "image/png"})
    )
    assert response.status_code == 415
    app.config["MAX_CONTENT_LENGTH"] = 100
    assert create(client, token).status_code == 413


@pytest.mark.both_stores
def test_replace_with_if_match_then_stale_tag_is_412(
    client: FlaskClient, registry: Registry, token: str
) -> None:
    create(client, token)
    url = f"/api/records/{RECORD_ID}"
    replaced = client.put(url, data=CHANGED, headers=auth(token, **{"If-Match": '"1"'}))
    assert replaced.status_code == 200 and replaced.headers["ETag"] == '"2"'
    before = snapshot(registry)
    stale = client.put(url, data=BODY, headers=auth(token, **{"If-Match": '"1"'}))
    assert stale.status_code == 412
    assert snapshot(registry) == before
    withdrawn = client.delete(url, headers=auth(token, **{"If-Match": '"1"'}))
    assert withdrawn.status_code == 412


def test_replace_of_another_dataset_or_missing_record(client: FlaskClient, token: str) -> None:
    assert (
        client.put("/api/records/0123456789abcdef", data=BODY, headers=auth(token)).status_code
        == 409
    )
    assert (
        client.put(f"/api/records/{RECORD_ID}", data=BODY, headers=auth(token)).status_code == 404
    )


def test_versions_history_and_diff(client: FlaskClient, token: str) -> None:
    create(client, token)
    client.put(f"/api/records/{RECORD_ID}", data=CHANGED, headers=auth(token))
    found = client.get(f"/api/records/{RECORD_ID}/versions").get_json()
    assert [v["number"] for v in found["versions"]] == [1, 2]
    assert found["versions"][1]["wasRevisionOf"].endswith("/version/1")
    assert found["versions"][1]["submittedBy"] == "procancer"
    assert [e["action"] for e in found["history"]] == ["create", "replace"]
    first = client.get(
        f"/api/records/{RECORD_ID}/versions/1", headers={"Accept": "application/n-triples"}
    )
    assert first.status_code == 200 and b'"8237"' in first.data
    assert client.get(f"/api/records/{RECORD_ID}/versions/9").status_code == 404
    page = client.get(f"/records/{RECORD_ID}/versions?from=1&to=2")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "- " in text and "8237" in text and "8240" in text


def test_withdraw_publishes_a_tombstone_and_keeps_history(
    client: FlaskClient, registry: Registry, token: str, other_token: str
) -> None:
    created = create(client, token)
    url = created.headers["Location"]
    assert client.delete(url, headers=auth(other_token)).status_code == 403
    response = client.delete(url, headers=auth(token, **{"If-Match": '"1"'}))
    assert response.status_code == 200 and response.get_json()["withdrawn"]
    gone = client.get(url)
    assert gone.status_code == 410
    assert f"/api/records/{RECORD_ID}/versions" in gone.headers["Link"]
    for page in (f"/datasets/{RECORD_ID}", f"/record/{RECORD_ID}.ttl"):
        answer = client.get(page, headers={"Accept": "text/html"})
        assert answer.status_code == 410
        assert f"/records/{RECORD_ID}/versions>" in answer.headers["Link"], page
    assert client.delete(url, headers=auth(token)).status_code == 410
    assert client.get(f"/api/records/{RECORD_ID}/versions").get_json()["withdrawn"] is True
    listed = client.get(f"/api/records?provider={PUBLISHER}").get_json()["records"]
    assert [r["withdrawn"] for r in listed if r["id"] == RECORD_ID] == [True]
    # The dataset is no longer in the catalogue or the union graph pages and SPARQL read.
    assert not bool(registry.store.query("ASK { ?d a dcat:Dataset }", {"d": ox.NamedNode(DATASET)}))
    again = create(client, token)
    assert again.status_code == 201 and again.get_json()["version"] == 2


def test_listing_filters_by_provider_and_date(client: FlaskClient, token: str) -> None:
    create(client, token)
    listed = client.get(f"/api/records?provider={PUBLISHER}").get_json()["records"]
    # The provider's own agent record, registered with the sample agents, and its dataset.
    assert {r["id"] for r in listed} == {RECORD_ID, record_id_for(PUBLISHER)}
    assert client.get("/api/records?provider=https://nobody.example/").get_json()["records"] == []
    assert client.get("/api/records?modified_since=2999-01-01").get_json()["records"] == []
    assert client.get("/api/records?modified_since=yesterday").status_code == 400


def test_validate_never_stores(client: FlaskClient, registry: Registry) -> None:
    before = snapshot(registry)
    good = client.post("/api/validate", data=BODY, headers={"Content-Type": "text/turtle"})
    assert good.status_code == 200 and good.get_json()["conforms"] is True
    bad = client.post(
        "/api/validate",
        data=BODY.replace(b'dct:identifier "PCAI-OC-V1" ;', b""),
        headers={"Content-Type": "text/turtle"},
    )
    assert bad.status_code == 200 and bad.get_json()["conforms"] is False
    assert snapshot(registry) == before


def test_audit_log_has_every_write(app: Flask, client: FlaskClient, token: str) -> None:
    create(client, token)
    create(client, token)  # refused: exists
    client.post("/api/records", data=BODY, headers={"Content-Type": "text/turtle"})
    lines = app.extensions["registry"].records.audit.entries()
    assert [(e["action"], e["result"], e.get("status")) for e in lines] == [
        ("create", "accepted", None),
        ("create", "refused", 409),
        ("create", "refused", 401),
    ]
    assert lines[0]["who"] == "procancer" and lines[0]["agent"] == PUBLISHER


def test_web_form_checks_then_publishes(client: FlaskClient, token: str) -> None:
    bad = BODY.replace(b'dct:identifier "PCAI-OC-V1" ;', b"")
    form = {"token": token, "text": bad.decode(), "syntax": "text/turtle", "action": "check"}
    refused = client.post("/submit", data=form)
    assert refused.status_code == 422 and b"Publish" not in refused.data.split(b"<form")[1]
    form["text"] = BODY.decode()
    checked = client.post("/submit", data=form)
    assert checked.status_code == 200 and b'value="publish"' in checked.data
    published = client.post("/submit", data={**form, "action": "publish"})
    assert published.status_code == 200 and b"Version 1" in published.data
    wrong = client.post("/submit", data={**form, "token": "cir_x_y"})
    assert wrong.status_code == 401


def test_an_uploaded_file_checked_in_the_form_is_published_without_choosing_it_again(
    client: FlaskClient, token: str
) -> None:
    import html
    import io
    import re

    upload = {"token": token, "action": "check", "file": (io.BytesIO(BODY), "dataset.ttl")}
    checked = client.post("/submit", data=upload, content_type="multipart/form-data")
    assert checked.status_code == 200 and b'value="publish"' in checked.data
    assert checked.headers["Cache-Control"] == "no-store"
    shown = re.search(rb"<textarea[^>]*>(.*?)</textarea>", checked.data, re.S)
    assert shown is not None and b"PCAI-OC-V1" in shown.group(1)
    # What a browser sends on Publish: the text field the page filled, an empty file input.
    form = {
        "token": token,
        "text": html.unescape(shown.group(1).decode()),
        "syntax": "text/turtle",
        "action": "publish",
        "file": (io.BytesIO(b""), ""),
    }
    published = client.post("/submit", data=form, content_type="multipart/form-data")
    assert published.status_code == 200 and b"Version 1" in published.data

"""One dataset IRI, one record, and only in the namespaces the operator gave a provider:
regressions of the hostile-client review (issue "Hardening": dataset-IRI squatting; the
aliases %64, an upper-case host and :443 became separate records)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registry.errors import AccountError
from registry.rdf.iris import normal_iri
from registry.records.accounts import Accounts
from registry.records.layout import record_id_for
from registry.records.submission import submit
from registry.runtime import Registry
from tests.conftest import PROSTATE, TURTLE

DATASET = "https://datasets.procancer-i.example/open-challenge-prostate-v1"
PUBLISHER = "https://datasets.procancer-i.example/id/data-office"
OTHER_AGENT = "https://repository.chaimeleon.example/id/repository"
"""A registered sample agent: another organisation."""
ALIAS_PREFIX = b"@prefix pca: <HTTPS://%64atasets.ProCancer-I.example:443/> ."


@pytest.mark.parametrize(
    ("alias", "normal"),
    [
        ("https://example.org/%64ataset", "https://example.org/dataset"),
        ("HTTPS://Example.ORG/dataset", "https://example.org/dataset"),
        ("https://example.org:443/dataset", "https://example.org/dataset"),
        ("http://example.org:80", "http://example.org/"),
        ("https://example.org/a/./b/../dataset%7e%2f", "https://example.org/a/dataset~%2F"),
        ("https://example.org:8443/Dataset?Q=%41#F", "https://example.org:8443/Dataset?Q=A#F"),
    ],
)
def test_iri_normal_form(alias: str, normal: str) -> None:
    assert normal_iri(alias) == normal
    assert normal_iri(normal) == normal


def test_dataset_iri_aliases_map_to_one_record(registry: Registry, client: FlaskClient) -> None:
    first = submit(registry.records, PROSTATE.read_bytes(), TURTLE)
    alias = PROSTATE.read_bytes().replace(b"@prefix pca: <https://datasets.procancer-i.example/> .", ALIAS_PREFIX)
    assert alias != PROSTATE.read_bytes()
    again = submit(registry.records, alias, TURTLE)
    assert again.record_id == first.record_id == record_id_for(DATASET)
    assert again.topic == DATASET and not again.changed
    assert registry.search.summary()["datasets"] == 1
    found = client.get("/resolve?iri=https://DATASETS.procancer-i.example:443/open-challenge-prostate-v1")
    assert found.status_code == 303 and first.record_id in found.headers["Location"]


@pytest.fixture
def accounts(app: Flask) -> Accounts:
    accounts: Accounts = app.extensions["accounts"]
    return accounts


def post(client: FlaskClient, token: str, body: bytes):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}
    return client.post("/api/records", data=body, headers=headers)


def test_dataset_iri_squatting_outside_the_providers_namespaces(
    client: FlaskClient, accounts: Accounts
) -> None:
    """Another organisation registers an IRI in procancer's namespace as its own dataset."""
    squat = PROSTATE.read_bytes().replace(f"<{PUBLISHER}>".encode(), f"<{OTHER_AGENT}>".encode())
    accounts.add_provider("chaimeleon", OTHER_AGENT, ["https://repository.chaimeleon.example/"])
    refused = post(client, accounts.new_token("chaimeleon"), squat)
    assert refused.status_code == 403
    assert "https://repository.chaimeleon.example/" in refused.get_json()["message"]
    accounts.add_provider("procancer", PUBLISHER, ["https://Datasets.procancer-i.example:443/"])
    assert post(client, accounts.new_token("procancer"), PROSTATE.read_bytes()).status_code == 201


def test_an_account_without_namespaces_claims_any_iri_as_before(
    client: FlaskClient, accounts: Accounts
) -> None:
    squat = PROSTATE.read_bytes().replace(f"<{PUBLISHER}>".encode(), f"<{OTHER_AGENT}>".encode())
    accounts.add_provider("chaimeleon", OTHER_AGENT)
    assert post(client, accounts.new_token("chaimeleon"), squat).status_code == 201


def test_namespaces_are_http_iris_with_a_path(accounts: Accounts) -> None:
    for wrong in ("ftp://datasets.procancer-i.example/", "datasets/"):
        with pytest.raises(AccountError, match="namespace"):
            accounts.add_provider("p", PUBLISHER, [wrong])
    # A bare host is read as its root, so it never matches another host that starts alike.
    assert normal_iri("https://datasets.procancer-i.example") == "https://datasets.procancer-i.example/"
    account = accounts.add_provider("p", PUBLISHER, ["HTTPS://Datasets.procancer-i.example/"])
    assert account.namespaces == ("https://datasets.procancer-i.example/",)
    accounts.set_namespaces("p", [])
    assert accounts.providers()[0][0].namespaces == ()
    with pytest.raises(AccountError, match="no provider"):
        accounts.set_namespaces("nobody", ["https://x.example/"])

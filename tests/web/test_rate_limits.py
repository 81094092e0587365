"""Rate limits on writes, validation and failed sign-ins (``web.rate_limits``): a regression
of the hostile-client review (issue "Hardening": no rate limiting; 1,044 failed token
attempts a second through the API, 751 through /submit, each failure an audit line)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registry.records.accounts import Accounts
from registry.web.app import create_app
from tests.conftest import BASE_IRI, PROSTATE

PUBLISHER = "https://datasets.procancer-i.example/id/data-office"
BODY = PROSTATE.read_bytes()
TURTLE = {"Content-Type": "text/turtle"}


@pytest.fixture
def limited(tmp_path: Path, template_store: Path) -> Iterator[Any]:
    """Make apps over a fresh copy of the template store with the settings given."""
    made: list[Flask] = []

    def make(**settings: object) -> Flask:
        store = tmp_path / f"store{len(made)}"
        shutil.copytree(template_store, store)
        app = create_app({"store": str(store), "base_iri": BASE_IRI, **settings})
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["registry"].close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **TURTLE}


def test_no_rate_limiting_failed_token_attempts_get_429_and_stop_growing_the_audit_log(
    client: FlaskClient, app: Flask
) -> None:
    audit = app.extensions["registry"].records.audit
    answers = [
        client.post("/api/records", data=BODY, headers=bearer(f"cir_{i:012x}_guess"))
        for i in range(12)
    ]
    assert [a.status_code for a in answers] == [401] * 10 + [429] * 2
    refused = answers[-1]
    assert int(refused.headers["Retry-After"]) > 0
    assert "REGISTRY_RATE_LIMIT_FAILED_AUTH" in refused.get_json()["message"]
    for i in range(100):
        client.post("/api/records", data=BODY, headers=bearer(f"cir_{i:012x}_guess"))
    assert len(audit.entries()) == 10  # the 429s are not logged


def test_no_rate_limiting_failed_sign_ins_through_the_submission_form(client: FlaskClient) -> None:
    form = {"token": "cir_000000000000_guess", "text": "x", "action": "publish"}
    answers = [client.post("/submit", data=form).status_code for _ in range(12)]
    assert answers == [401] * 10 + [429] * 2


def test_a_valid_token_is_not_counted_as_a_failed_sign_in(client: FlaskClient, app: Flask) -> None:
    accounts: Accounts = app.extensions["accounts"]
    accounts.add_provider("procancer", PUBLISHER)
    token = accounts.new_token("procancer")
    for _ in range(12):  # 409 after the first: not a failed sign-in
        assert client.post("/api/records", data=BODY, headers=bearer(token)).status_code in (201, 409)


def test_writes_are_limited_per_token_across_addresses(limited: Any) -> None:
    app = limited(rate_limit_writes="3 per minute")
    accounts: Accounts = app.extensions["accounts"]
    accounts.add_provider("procancer", PUBLISHER)
    token = accounts.new_token("procancer")
    client = app.test_client()
    answers = [
        client.post(
            "/api/records", data=BODY, headers=bearer(token),
            environ_base={"REMOTE_ADDR": f"10.0.0.{i}"},
        ).status_code
        for i in range(5)
    ]
    assert answers[:3] == [201, 409, 409] and answers[3:] == [429, 429]


def test_validation_is_limited_per_client_ip(limited: Any) -> None:
    client = limited(rate_limit_validation="2 per minute").test_client()
    answers = [client.post("/api/validate", data=BODY, headers=TURTLE).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    other = client.post("/api/validate", data=BODY, headers=TURTLE, environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert other.status_code == 200
    assert client.get("/").status_code == 200  # pages are not limited


def test_client_ip_behind_a_trusted_proxy(limited: Any) -> None:
    """Without trusted proxies, X-Forwarded-For is ignored (a client could pick its IP);
    with one, each forwarded client has its own counter."""
    untrusting = limited(rate_limit_validation="1 per minute").test_client()
    forwarded = [{"X-Forwarded-For": f"192.0.2.{i}", **TURTLE} for i in range(2)]
    answers = [untrusting.post("/api/validate", data=BODY, headers=h).status_code for h in forwarded]
    assert answers == [200, 429]
    trusting = limited(rate_limit_validation="1 per minute", trusted_proxies=1).test_client()
    answers = [trusting.post("/api/validate", data=BODY, headers=h).status_code for h in forwarded]
    assert answers == [200, 200]


def test_an_empty_limit_turns_it_off_and_a_bad_one_is_refused(limited: Any) -> None:
    client = limited(rate_limit_failed_auth="").test_client()
    answers = {client.post("/api/records", data=BODY, headers=bearer("cir_0_x")).status_code for _ in range(15)}
    assert answers == {401}
    with pytest.raises(ValueError, match="REGISTRY_RATE_LIMIT_WRITES"):
        limited(rate_limit_writes="many")


def test_trusted_proxies_counts_from_zero() -> None:
    from registry.config import load_settings

    assert load_settings({"trusted_proxies": "0"}).trusted_proxies == 0
    with pytest.raises(ValueError, match="REGISTRY_TRUSTED_PROXIES must be a whole number 0 or more"):
        load_settings({"trusted_proxies": "-1"})
    with pytest.raises(ValueError, match="above 0"):
        load_settings({"threads": "0"})


def test_retry_after_only_on_a_rate_limit_429(limited: Any) -> None:
    """flask-limiter set Retry-After on every answer of a limited route (its window's reset):
    a 200 carried one, and a full validator pool's 503 said 59 s instead of its own 1 s
    (tests/records/test_write_path.py holds the 503)."""
    client = limited(rate_limit_validation="1 per minute").test_client()
    accepted = client.post("/api/validate", data=BODY, headers=TURTLE)
    assert accepted.status_code == 200 and "Retry-After" not in accepted.headers
    assert accepted.headers["X-RateLimit-Limit"] == "1"
    refused = client.post("/api/validate", data=BODY, headers=TURTLE)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0

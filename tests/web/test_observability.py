"""Request ids, structured log lines and ``/metrics`` (Prometheus text format), through
Flask's client on a real store; the SPARQL outcomes through the real query workers."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from registry.config import load_settings
from registry.records.accounts import Accounts
from registry.web.observability import JsonLines
from tests.conftest import PROSTATE

PUBLISHER = "https://datasets.procancer-i.example/id/data-office"


def sample(name: str, **labels: str) -> float:
    """A counter's or histogram's current value in this process (0 before its first use)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def counted(name: str, result: str) -> list[tuple[dict[str, str], float]]:
    """The samples of ``name`` in this process whose ``result`` label is ``result``."""
    return [
        (s.labels, s.value)
        for family in REGISTRY.collect()
        for s in family.samples
        if s.name == name and s.labels.get("result") == result
    ]


def scraped(client: FlaskClient) -> dict[str, list[tuple[dict[str, str], float]]]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=")
    families: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for s in family.samples:
            families.setdefault(s.name, []).append((s.labels, s.value))
    return families


def test_every_answer_has_a_request_id_and_a_sane_given_one_is_kept(client: FlaskClient) -> None:
    fresh = {client.get("/").headers["X-Request-ID"] for _ in range(3)}
    assert len(fresh) == 3 and all(len(i) == 32 for i in fresh)
    kept = client.get("/", headers={"X-Request-ID": "proxy-42.a:b"})
    assert kept.headers["X-Request-ID"] == "proxy-42.a:b"
    missing = client.get("/no/such/page", headers={"X-Request-ID": "x" * 65})
    assert missing.status_code == 404 and len(missing.headers["X-Request-ID"]) == 32
    hostile = client.get("/", headers={"X-Request-ID": '<a"}{"level": "fake'})
    assert len(hostile.headers["X-Request-ID"]) == 32


def test_each_request_logs_one_line_with_its_id_route_status_and_time(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="registry.requests"):
        answer = client.get("/search?q=lung", headers={"X-Request-ID": "trace-1"})
    (record,) = [r for r in caplog.records if r.name == "registry.requests"]
    line = json.loads(JsonLines().format(record))
    assert line["request_id"] == "trace-1" == answer.headers["X-Request-ID"]
    assert line["route"] == "pages.search_page" and line["status"] == 200
    assert line["method"] == "GET" and line["path"] == "/search" and line["duration_ms"] >= 0
    assert line["level"] == "info" and line["time"].endswith("Z")
    assert "q=lung" not in json.dumps(line)  # the query string (search words) is not logged


def test_metrics_count_requests_by_route_and_status_with_latency(client: FlaskClient) -> None:
    before = sample(
        "registry_http_requests_total", route="pages.home_page", method="GET", status="200"
    )
    for _ in range(3):
        client.get("/")
    client.get("/no/such/page")
    families = scraped(client)
    home = [
        v
        for labels, v in families["registry_http_requests_total"]
        if labels == {"route": "pages.home_page", "method": "GET", "status": "200"}
    ]
    assert home == [before + 3]
    assert any(
        labels["route"] == "unmatched" and labels["status"] == "404"
        for labels, _ in families["registry_http_requests_total"]
    )
    buckets = families["registry_http_request_duration_seconds_bucket"]
    assert any(labels["route"] == "pages.home_page" for labels, _ in buckets)
    assert families["registry_changelog_position"][0][1] >= 1


def test_raw_paths_never_become_labels(client: FlaskClient) -> None:
    for i in range(20):
        client.get(f"/datasets/no-such-{i}")
    routes = {labels["route"] for labels, _ in scraped(client)["registry_http_requests_total"]}
    assert not any("no-such" in route for route in routes)


def test_record_writes_refusals_and_validation_are_counted(app: Flask) -> None:
    accounts: Accounts = app.extensions["accounts"]
    accounts.add_provider("procancer", PUBLISHER)
    headers = {
        "Authorization": f"Bearer {accounts.new_token('procancer')}",
        "Content-Type": "text/turtle",
    }
    client = app.test_client()
    accepted = sum(v for labels, v in counted("registry_record_events_total", "accepted"))
    refused = sum(v for labels, v in counted("registry_record_events_total", "refused"))
    validated = sample("registry_validated_records_total")
    assert (
        client.post("/api/records", data=PROSTATE.read_bytes(), headers=headers).status_code == 201
    )
    assert client.post("/api/records", data=b"<a> <b> .", headers=headers).status_code == 400
    families = scraped(client)
    events = families["registry_record_events_total"]
    assert sum(v for labels, v in events if labels["result"] == "accepted") == accepted + 1
    assert sum(v for labels, v in events if labels["result"] == "refused") == refused + 1
    assert families["registry_validated_records_total"][0][1] == validated + 1
    assert sum(v for _, v in families["registry_validation_seconds_count"]) >= 1


def test_sparql_outcomes_are_counted(client: FlaskClient) -> None:
    answered = sample("registry_sparql_queries_total", outcome="answered")
    refused = sample("registry_sparql_queries_total", outcome="refused")
    accept = {"Accept": "application/sparql-results+json"}
    assert client.get("/sparql?query=ASK%20%7B%7D", headers=accept).status_code == 200
    assert client.get("/sparql?query=SELEKT", headers=accept).status_code == 400
    assert sample("registry_sparql_queries_total", outcome="answered") == answered + 1
    assert sample("registry_sparql_queries_total", outcome="refused") == refused + 1


def test_metrics_answer_only_the_allowed_networks(make_app: Callable[..., Flask]) -> None:
    outside = {"REMOTE_ADDR": "198.51.100.7"}
    closed = make_app().test_client()
    assert closed.get("/metrics", environ_base=outside).status_code == 403
    assert closed.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    opened = make_app(metrics_networks="198.51.100.0/24, 10.0.0.0/8").test_client()
    assert opened.get("/metrics", environ_base=outside).status_code == 200
    assert opened.get("/metrics").status_code == 403


@pytest.mark.parametrize(
    ("setting", "value"), [("log_format", "xml"), ("metrics_networks", "10.0.0.0/8,localhost")]
)
def test_bad_observability_settings_stop_the_start(setting: str, value: str) -> None:
    with pytest.raises(ValueError, match=setting.upper()):
        load_settings({setting: value})

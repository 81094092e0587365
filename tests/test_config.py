"""Settings: defaults, then REGISTRY_* environment, then the caller's mapping."""

from __future__ import annotations

import pytest

from registry.config import Settings, load_settings


def test_defaults() -> None:
    settings = load_settings()
    assert settings.port == Settings.port and settings.base_iri.endswith("/")


def test_environment_then_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_PORT", "9001")
    monkeypatch.setenv("REGISTRY_BASE_IRI", "https://registry.example.eu/cir")
    monkeypatch.setenv("OTHER_PORT", "1")
    settings = load_settings()
    assert settings.port == 9001
    assert settings.base_iri == "https://registry.example.eu/cir/"
    assert load_settings({"port": 9002}).port == 9002


def test_bad_values_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_PORT", "eighty")
    with pytest.raises(ValueError, match="REGISTRY_PORT must be a whole number"):
        load_settings()
    monkeypatch.delenv("REGISTRY_PORT")
    with pytest.raises(ValueError, match="Unknown setting"):
        load_settings({"stroe": "x"})


def test_page_size_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="above 0"):
        load_settings({"page_size": 0})


def test_the_database_is_beside_the_store_unless_named() -> None:
    beside = load_settings({"store": "var/elsewhere"}).database_url
    assert beside == "sqlite:///var/elsewhere-database.sqlite"
    url = "postgresql://registry:pw@db.example.org/registry"
    assert load_settings({"database": url}).database_url == url
    with pytest.raises(ValueError, match="REGISTRY_DATABASE must be a postgresql:// URL"):
        load_settings({"database": "mysql://db.example.org/registry"})


def test_a_public_query_endpoint_must_be_http_and_a_rate_is_not_negative() -> None:
    with pytest.raises(ValueError, match="REGISTRY_SPARQL_URL must be the http"):
        load_settings({"sparql_url": "file:///srv/replica"})
    with pytest.raises(ValueError, match="REGISTRY_SPARQL_RATE must be a number of queries"):
        load_settings({"sparql_rate": "-5"})
    assert load_settings({"sparql_url": "http://127.0.0.1:7879/query"}).sparql_url

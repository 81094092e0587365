"""``registry backup`` / ``registry restore`` round trip: records, versions, history, tombstones
come back isomorphic, and accounts and the audit log come back whole, from SQLite and from
PostgreSQL, and from a backup of an earlier version (accounts file, audit JSON lines)."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from registry.backup import LEGACY, QUADS
from registry.cli.main import main
from registry.config import Settings, load_settings
from registry.database import open_database
from registry.federation.harvest.sources import Source, Sources
from registry.rdf import formats
from registry.records.accounts import Accounts, Provider, TokenInfo
from registry.records.audit import AuditLog
from registry.records.submission import publish
from registry.records.write import withdraw_record
from registry.runtime import open_registry
from registry.store.oxigraph import EmbeddedStore
from tests.conftest import BASE_IRI, TURTLE
from tests.test_database import AGENT, OLD_AUDIT, OLD_TOKEN, write_old_files
from tests.web.test_api import BODY, CHANGED, PUBLISHER, RECORD_ID


def record_graphs(store_path: Path) -> dict[str, Graph]:
    """Every named graph but the vocabularies', as rdflib graphs (blank nodes compared by shape)."""
    registry = open_registry(load_settings({"store": str(store_path), "base_iri": BASE_IRI}))
    names = registry.store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    graphs = {
        row["g"].value: formats.to_rdflib(registry.store.graph_triples(row["g"].value))
        for row in names  # type: ignore[union-attr]
        if row["g"].value != registry.layout.vocabularies_graph
    }
    registry.close()
    del registry
    gc.collect()
    return graphs


def other_database(request: pytest.FixtureRequest, url: str) -> str:
    """A second, empty database of the same engine as ``url`` (empty: SQLite beside the store)."""
    return request.getfixturevalue("postgresql").database() if url else ""


AccountRows = list[tuple[Provider, tuple[TokenInfo, ...]]]


def operational_data(settings: Settings) -> tuple[AccountRows, list[dict[str, Any]]]:
    """The accounts with their tokens, and the audit log, of ``settings``' database."""
    database = open_database(settings)
    try:
        accounts = [(p, tuple(t)) for p, t in Accounts(database).providers()]
        return accounts, AuditLog(database).entries()
    finally:
        database.close()


def test_backup_and_restore_round_trip(
    tmp_path: Path,
    template_store: Path,
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    request: pytest.FixtureRequest,
) -> None:
    store = tmp_path / "store"
    shutil.copytree(template_store, store)
    settings = load_settings({"store": str(store), "base_iri": BASE_IRI, "database": database_url})
    registry = open_registry(settings)
    accounts = Accounts(registry.database)
    provider = accounts.add_provider("procancer", PUBLISHER)
    token = accounts.new_token("procancer")
    registry.harvester.sources.add(Source("national", "https://national.example/", "dcat", 0))
    run = registry.harvester.sources.start_run("national")
    registry.harvester.sources.finish_run(run, "complete", {"created": 1})
    publish(registry.records, provider, BODY, TURTLE, "create")
    publish(registry.records, provider, CHANGED, TURTLE, "replace", RECORD_ID)
    withdraw_record(registry.records, RECORD_ID)
    registry.close()
    del registry
    gc.collect()

    runner = CliRunner()
    monkeypatch.setenv("REGISTRY_BASE_IRI", BASE_IRI)
    monkeypatch.setenv("REGISTRY_STORE", str(store))
    monkeypatch.setenv("REGISTRY_DATABASE", database_url)
    assert runner.invoke(main, ["backup", str(tmp_path / "backup")]).exit_code == 0
    restored = tmp_path / "restored"
    monkeypatch.setenv("REGISTRY_STORE", str(restored))
    monkeypatch.setenv("REGISTRY_DATABASE", other_database(request, database_url))
    result = runner.invoke(main, ["restore", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    again = runner.invoke(main, ["restore", str(tmp_path / "backup")])
    assert again.exit_code == 1 and "exists" in again.output
    copied = load_settings()
    monkeypatch.setenv("REGISTRY_DATABASE", copied.database_url)  # holds the restored rows
    monkeypatch.setenv("REGISTRY_STORE", str(tmp_path / "third"))
    into_used = runner.invoke(main, ["restore", str(tmp_path / "backup")])
    assert into_used.exit_code == 1 and "holds accounts" in into_used.output
    assert not (tmp_path / "third").exists()

    original, copy = record_graphs(store), record_graphs(restored)
    assert any(name.endswith("/version/2") for name in original)
    assert original.keys() == copy.keys()
    for name, graph in original.items():
        assert isomorphic(graph, copy[name]), name
    assert operational_data(copied) == operational_data(settings)
    assert [e["action"] for e in operational_data(copied)[1]][-3:] == [
        "create",
        "replace",
        "withdraw",
    ]
    database = open_database(copied)
    assert Accounts(database).authenticate(token).agent == PUBLISHER
    sources = Sources(database)
    assert sources.get("national").url == "https://national.example/"
    # Run numbers are in harvested records' provenance: kept, and the next one follows them.
    assert sources.run(run).report == {"created": 1}
    assert sources.start_run("national") == run + 1
    database.close()


def test_a_backup_of_an_earlier_version_restores(
    tmp_path: Path, template_store: Path, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    """Its accounts file and audit JSON lines go into the database."""
    folder = tmp_path / "backup"
    folder.mkdir()
    store = EmbeddedStore(template_store, read_only=True)
    store.dump(folder / QUADS)
    store.close()
    write_old_files(folder / LEGACY["accounts"], folder / LEGACY["audit"])
    monkeypatch.setenv("REGISTRY_STORE", str(tmp_path / "restored"))
    monkeypatch.setenv("REGISTRY_DATABASE", database_url)
    result = CliRunner().invoke(main, ["restore", str(folder)])
    assert result.exit_code == 0, result.output
    database = open_database(load_settings())
    assert Accounts(database).authenticate(OLD_TOKEN).agent == AGENT
    assert AuditLog(database).entries() == OLD_AUDIT
    database.close()

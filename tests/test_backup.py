"""``registry backup`` / ``registry restore`` round trip: records, versions, history, tombstones
and accounts come back isomorphic."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from registry.cli.main import main
from registry.config import load_settings
from registry.rdf import formats
from registry.records.accounts import Accounts
from registry.records.submission import publish
from registry.records.write import withdraw_record
from registry.runtime import open_registry
from tests.conftest import BASE_IRI, TURTLE
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


def test_backup_and_restore_round_trip(
    tmp_path: Path, template_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    shutil.copytree(template_store, store)
    settings = load_settings({"store": str(store), "base_iri": BASE_IRI})
    accounts = Accounts(settings.accounts_path)
    provider = accounts.add_provider("procancer", PUBLISHER)
    token = accounts.new_token("procancer")
    registry = open_registry(settings)
    publish(registry.records, provider, BODY, TURTLE, "create")
    publish(registry.records, provider, CHANGED, TURTLE, "replace", RECORD_ID)
    withdraw_record(registry.records, RECORD_ID)
    registry.close()
    del registry
    gc.collect()

    runner = CliRunner()
    monkeypatch.setenv("REGISTRY_BASE_IRI", BASE_IRI)
    monkeypatch.setenv("REGISTRY_STORE", str(store))
    assert runner.invoke(main, ["backup", str(tmp_path / "backup")]).exit_code == 0
    restored = tmp_path / "restored"
    monkeypatch.setenv("REGISTRY_STORE", str(restored))
    result = runner.invoke(main, ["restore", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    again = runner.invoke(main, ["restore", str(tmp_path / "backup")])
    assert again.exit_code == 1 and "exists" in again.output

    original, copy = record_graphs(store), record_graphs(restored)
    assert any(name.endswith("/version/2") for name in original)
    assert original.keys() == copy.keys()
    for name, graph in original.items():
        assert isomorphic(graph, copy[name]), name
    assert (
        Accounts(load_settings({"store": str(restored)}).accounts_path).authenticate(token).agent
        == PUBLISHER
    )

"""``registry harvest``: sources added (their kind found from what the URL answers), listed,
shown, run with the server stopped, asked of a running server, and removed with their
records kept or withdrawn, as the operator says. Plus the harvest file on its own."""

from __future__ import annotations

import gc
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from registry.cli.main import main
from registry.config import load_settings
from registry.errors import NotFound
from registry.federation.harvest.sources import Source, SourceError, Sources, parse_every
from registry.runtime import Registry
from registry.web.app import create_app
from tests.conftest import BASE_IRI
from tests.federation.harvest.servers import SOURCE_BASE


@pytest.fixture
def operator(tmp_path: Path, template_store: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The command line over a stopped registry (agents registered, no dataset)."""
    shutil.copytree(template_store, tmp_path / "store")
    monkeypatch.setenv("REGISTRY_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("REGISTRY_BASE_IRI", BASE_IRI)
    monkeypatch.setenv("REGISTRY_VALIDATORS", "2")
    return CliRunner()


def test_the_kind_is_found_from_what_the_url_answers(source: Registry, operator: CliRunner) -> None:
    expected = {
        "feed": "feed",
        "dump.nq.gz": "dump",
        "catalog": "dcat",
        "": "fdp",
        "oai": "oai",
        "sparql": "sparql",
    }
    for number, (path, kind) in enumerate(expected.items()):
        added = operator.invoke(main, ["harvest", "add", f"s{number}", SOURCE_BASE + path])
        assert added.exit_code == 0, added.output
        assert f": {kind} source" in added.output, (path, added.output)
    listed = operator.invoke(main, ["harvest", "list"]).output
    assert listed.count("never run") == len(expected)


def test_add_run_show_remove_with_the_server_stopped(source: Registry, operator: CliRunner) -> None:
    url = SOURCE_BASE + "dump.nq.gz"
    added = operator.invoke(
        main, ["harvest", "add", "other", url, "--kind", "dump", "--every", "0"]
    )
    assert added.exit_code == 0, added.output
    ran = operator.invoke(main, ["harvest", "run", "other"])
    assert ran.exit_code == 0, ran.output
    assert "other: complete; 36 created" in ran.output
    shown = operator.invoke(main, ["harvest", "show", "other"])
    assert '"status": "complete"' in shown.output and '"created": 36' in shown.output
    refused = operator.invoke(main, ["harvest", "remove", "other"])
    assert refused.exit_code == 2 and "--keep-records or --withdraw-records" in refused.output
    gc.collect()  # a closed store is released when collected (in tests, many commands a process)
    removed = operator.invoke(main, ["harvest", "remove", "other", "--withdraw-records"])
    assert removed.exit_code == 0 and "Withdrew 36 records" in removed.output, removed.output
    assert "other" not in operator.invoke(main, ["harvest", "list"]).output
    assert operator.invoke(main, ["harvest", "show", "other"]).exit_code == 1


def test_a_run_asked_of_a_running_server_is_left_for_its_schedule(
    source: Registry, operator: CliRunner
) -> None:
    url = SOURCE_BASE + "feed"
    assert operator.invoke(main, ["harvest", "add", "other", url, "--kind", "feed"]).exit_code == 0
    serving = create_app()  # holds the store, as `registry serve` would
    registry: Registry = serving.extensions["registry"]
    try:
        asked = operator.invoke(main, ["harvest", "run", "other"])
        assert asked.exit_code == 0 and "asked it to harvest other" in asked.output, asked.output
        assert registry.harvester.due() == {"other": False}  # the schedule's next look runs it
        assert registry.harvester.sources.take_requests() == {}
        confirmed = operator.invoke(main, ["harvest", "run", "other", "--allow-withdraw"])
        assert confirmed.exit_code == 0, confirmed.output
        assert registry.harvester.due() == {"other": True}  # the permission travels along
    finally:
        registry.close()


def test_an_unknown_source_or_provider_is_refused(operator: CliRunner) -> None:
    assert operator.invoke(main, ["harvest", "run", "nothing"]).exit_code == 1
    added = operator.invoke(
        main,
        ["harvest", "add", "x", "http://127.0.0.1:9/", "--kind", "dcat", "--provider", "nobody"],
    )
    assert added.exit_code == 1 and "no provider account" in added.output


def test_the_harvest_file_beside_the_store(tmp_path: Path) -> None:
    sources = Sources(tmp_path / "store-harvest.sqlite")
    sources.add(Source("a", "https://example.org/feed", "feed", 3600, "prov"))
    with pytest.raises(SourceError, match="exists"):
        sources.add(Source("a", "https://example.org/other", "feed", 0))
    with pytest.raises(SourceError, match="Unknown kind"):
        sources.add(Source("b", "https://example.org/", "ckan", 0))
    with pytest.raises(SourceError, match="http"):
        sources.add(Source("b", "ftp://example.org/", "dump", 0))
    run = sources.start_run("a")
    sources.finish_run(run, "complete", {"created": 2})
    sources.keep_position("a", "here")
    assert sources.get("a").position == "here"
    assert sources.last_success("a") == sources.run(run)
    assert sources.run(run).report == {"created": 2}
    sources.remove("a")
    with pytest.raises(NotFound):
        sources.get("a")
    assert sources.runs("a") == []


def test_the_harvest_file_is_not_in_the_store() -> None:
    """Operational data never answers a SPARQL query: it is a file beside the store."""
    settings = load_settings({"store": "var/store"})
    assert settings.harvest_path.parent == settings.store_path.parent
    assert settings.store_path not in settings.harvest_path.parents


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("30m", 1800), ("24h", 86400), ("7d", 604800), ("0", 0)]
)
def test_intervals(text: str, seconds: float) -> None:
    assert parse_every(text) == seconds


def test_an_unreadable_interval_is_refused() -> None:
    with pytest.raises(SourceError):
        parse_every("daily")
    assert json.dumps(Source("a", "http://x/", "dcat", 1).__dict__)

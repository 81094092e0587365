"""``registry harvest``: sources added (their kind found from what the URL answers), listed,
shown, run with the server stopped, asked of a running server, and removed with their
records kept or withdrawn, as the operator says. Plus the harvest tables on their own, on
SQLite and PostgreSQL, and the import of an earlier version's harvest file."""

from __future__ import annotations

import gc
import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from registry.cli.main import main
from registry.config import load_settings
from registry.database import DATA_TABLES, Database, open_database
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


@pytest.fixture
def database(tmp_path: Path, database_url: str) -> Iterator[Database]:
    """The operational database, once SQLite beside the store, once PostgreSQL."""
    database = open_database(
        load_settings({"store": str(tmp_path / "store"), "database": database_url})
    )
    yield database
    database.close()


def test_sources_and_runs_in_the_database(database: Database) -> None:
    sources = Sources(database)
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


EARLIER_FILE = """
CREATE TABLE source (name TEXT PRIMARY KEY, url TEXT NOT NULL, kind TEXT NOT NULL,
    every REAL NOT NULL, provider TEXT, position TEXT, created TEXT NOT NULL);
CREATE TABLE run (id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL,
    started TEXT NOT NULL, finished TEXT, status TEXT NOT NULL, report TEXT NOT NULL);
CREATE TABLE run_request (source TEXT PRIMARY KEY, requested TEXT NOT NULL);
INSERT INTO source VALUES ('old', 'https://old.example/feed', 'feed', 86400, NULL,
    'https://old.example/feed?page=3', '2026-01-01T00:00:00+00:00');
INSERT INTO run VALUES (7, 'old', '2026-01-01T00:00:00+00:00', '2026-01-01T00:01:00+00:00',
    'complete', '{"created": 4}');
INSERT INTO run_request VALUES ('old', '2026-01-02T00:00:00+00:00');
"""
"""The harvest file of an earlier version (``<store>-harvest.sqlite``), before runs kept
their process and requests their permission to withdraw."""


def test_an_earlier_harvest_file_is_imported_once(tmp_path: Path, database_url: str) -> None:
    with closing(sqlite3.connect(tmp_path / "store-harvest.sqlite")) as old, old:
        old.executescript(EARLIER_FILE)
    settings = load_settings({"store": str(tmp_path / "store"), "database": database_url})
    for opening in range(2):  # the second imports nothing again
        database = open_database(settings)
        try:
            sources = Sources(database)
            assert [s.name for s in sources.all()] == ["old"]
            assert sources.get("old").position == "https://old.example/feed?page=3"
            (run,) = sources.runs("old")
            assert (run.id, run.status, run.report, run.pid) == (
                7,
                "complete",
                {"created": 4},
                None,
            )
            assert sources.take_requests() == ({"old": False} if opening == 0 else {})
        finally:
            database.close()
    database = open_database(settings)
    try:
        assert Sources(database).start_run("old") == 8  # numbered after the imported runs
    finally:
        database.close()


def test_harvest_sources_are_backed_up_with_the_database() -> None:
    """Operational data never answers a SPARQL query; it is backed up with the accounts."""
    assert {"harvest_source", "harvest_run", "harvest_request"} <= {t.name for t in DATA_TABLES}


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("30m", 1800), ("24h", 86400), ("7d", 604800), ("0", 0)]
)
def test_intervals(text: str, seconds: float) -> None:
    assert parse_every(text) == seconds


def test_an_unreadable_interval_is_refused() -> None:
    with pytest.raises(SourceError):
        parse_every("daily")
    assert json.dumps(Source("a", "http://x/", "dcat", 1).__dict__)

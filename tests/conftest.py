"""Shared fixtures (a fresh on-disk store per test, the app over it) and the sample files and
helpers that tests in several packages use. Live servers are in ``tests/e2e/``."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from registry.rdf import formats
from registry.records.loading import load_files
from registry.records.submission import submit
from registry.runtime import Registry
from registry.web.app import create_app
from tests.postgresql import Cluster
from tests.store_server import oxigraph_server

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SAMPLES = sorted((DATA / "sample" / "datasets").iterdir())
"""The sample dataset descriptions."""
AGENTS = sorted((DATA / "sample" / "agents").iterdir())
"""The sample providers and access bodies, each in its own file, cited by the datasets."""
SAMPLE_FILES = sorted(p for p in (DATA / "sample").rglob("*") if p.is_file())
"""Everything ``registry load data/sample`` loads: catalogue, agents, datasets."""
INVALID = sorted((DATA / "invalid").iterdir())
PROSTATE = next(p for p in SAMPLES if p.name == "procancer-i-open-challenge-prostate.ttl")
"""The sample most tests submit or change."""
TURTLE = formats.syntax_for_media_type("text/turtle")
BASE_IRI = "http://registry.test/"


def load_samples(registry: Registry, count: int = len(SAMPLES)) -> dict[str, str]:
    """Submit the first ``count`` sample datasets (the template store has their agents);
    return dataset IRI -> record id."""
    ids = {}
    for path in SAMPLES[:count]:
        accepted = submit(registry.records, path.read_bytes(), formats.syntax_for_path(path))
        ids[accepted.topic] = accepted.record_id
    return ids


def load_all(registry: Registry) -> None:
    """Load the sample catalogue, agents first, into a registry of its own."""
    assert not load_files(registry.records, SAMPLE_FILES).rejected


def snapshot(registry: Registry) -> bytes:
    """Return every quad outside the vocabulary graph, canonically ordered, plus the store's
    quad count (the 140,000 vocabulary triples are counted, not compared one by one)."""
    vocabularies = ox.NamedNode(registry.layout.vocabularies_graph)
    quads = registry.store.query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != {vocabularies}) }}"
    )
    lines = sorted(ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES).splitlines())  # type: ignore[arg-type, union-attr]
    return b"\n".join([str(registry.store.quad_count()).encode(), *lines])


def children(pid: int) -> set[int]:
    """The process ids whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


@contextmanager
def writing_to(store: Path, **settings: object) -> Iterator[Registry]:
    """The registry over ``store`` for a fixture to fill, closed after (the embedded store
    is closed when its last reference goes, so it is collected before another opens it)."""
    registry: Registry = create_app(
        {"store": str(store), "base_iri": BASE_IRI, **settings}
    ).extensions["registry"]
    try:
        yield registry
    finally:
        registry.close()
        del registry
        gc.collect()


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the vocabularies (loading them takes seconds) and the sample agents
    registered, once per session: the sample datasets cite the agents by IRI."""
    path = tmp_path_factory.mktemp("template") / "store"
    with writing_to(path) as registry:
        summary = load_files(registry.records, AGENTS)
        assert not summary.rejected, summary.rejected
    return path


BACKENDS = ("embedded", "remote")
BOTH_BACKENDS = ("tests/store/", "tests/records/")
"""Folders whose tests run against both backends in every run (``--store`` decides for the
rest of the suite: ``--store=remote`` runs it all against an Oxigraph server)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store",
        choices=(*BACKENDS, "both"),
        default="embedded",
        help="the store the app fixtures open: embedded (default), remote (a real `oxigraph "
        "serve` per test) or both; tests/store and tests/records always run on both",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise every test that opens a store (through ``backend``) over the backends."""
    if "backend" not in metafunc.fixturenames:
        return
    chosen = metafunc.config.getoption("--store")
    path = Path(str(metafunc.definition.path)).relative_to(ROOT).as_posix()
    both = chosen == "both" or path.startswith(BOTH_BACKENDS)
    both = both or metafunc.definition.get_closest_marker("both_stores") is not None
    if metafunc.definition.get_closest_marker("embedded_only") is not None:
        metafunc.parametrize("backend", ["embedded"], indirect=True)
        return
    metafunc.parametrize("backend", BACKENDS if both else [chosen], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """``embedded`` or ``remote``: the store the app fixtures open (parametrised above)."""
    return str(request.param)


@contextmanager
def store_settings(backend: str, template: Path, folder: Path) -> Iterator[dict[str, str]]:
    """A fresh copy of the template store, embedded or served by ``oxigraph serve`` (the
    server opens the copied folder), as the settings that open it."""
    shutil.copytree(template, folder / "store")
    if backend == "embedded":
        yield {"store": str(folder / "store")}
        return
    with oxigraph_server(folder / "store") as server:
        yield {"store": server.url, "local_folder": str(folder / "local")}


@pytest.fixture
def app(tmp_path: Path, template_store: Path, backend: str) -> Iterator[Flask]:
    """The app over a fresh on-disk copy of the template store (embedded or served)."""
    with store_settings(backend, template_store, tmp_path) as settings:
        app = create_app({**settings, "base_iri": BASE_IRI})
        yield app
        app.extensions["registry"].close()


@pytest.fixture
def make_app(tmp_path: Path, template_store: Path, backend: str) -> Iterator[Callable[..., Flask]]:
    """Build apps over fresh copies of the template store, with the given settings."""
    apps: list[Flask] = []
    with ExitStack() as stack:

        def make(**settings: Any) -> Flask:
            folder = tmp_path / f"app{len(apps)}"
            store = stack.enter_context(store_settings(backend, template_store, folder))
            app = create_app({**store, "base_iri": BASE_IRI, **settings})
            apps.append(app)
            return app

        yield make
        for app in apps:
            app.extensions["registry"].close()


@pytest.fixture(scope="session")
def postgresql() -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster, started the first time a test asks for it."""
    cluster = Cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """A test's database setting, once per engine: empty (the SQLite file beside the store)
    or the URL of a new, empty PostgreSQL database."""
    if request.param == "sqlite":
        return ""
    cluster: Cluster = request.getfixturevalue("postgresql")
    return cluster.database()


@pytest.fixture
def registry(app: Flask) -> Registry:
    registry: Registry = app.extensions["registry"]
    return registry


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The end-to-end tests first: ./test hands whole modules to its workers in this order
    (``--no-loadscope-reorder``), so the minutes-long ones (the crash test, the fuzz) start
    at once instead of keeping one worker busy after the others finish."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is None)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """List the screenshots the browser tests wrote (test artefacts)."""
    shots = sorted((ROOT / "tests" / "artifacts").glob("*.png"))
    if shots:
        terminalreporter.write_sep("-", f"{len(shots)} screenshots in tests/artifacts")
        for path in shots:
            terminalreporter.write_line(str(path.relative_to(ROOT)))

"""Fixtures: a fresh on-disk store per test, the app over it, and a real server process."""

from __future__ import annotations

import gc
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registry.records.loading import load_files
from registry.runtime import Registry
from registry.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SAMPLES = sorted((DATA / "sample" / "datasets").iterdir())
"""The sample dataset descriptions."""
AGENTS = sorted((DATA / "sample" / "agents").iterdir())
"""The sample providers and access bodies, each in its own file, cited by the datasets."""
SAMPLE_FILES = sorted(p for p in (DATA / "sample").rglob("*") if p.is_file())
"""Everything ``registry load data/sample`` loads: catalogue, agents, datasets."""
INVALID = sorted((DATA / "invalid").iterdir())
BASE_IRI = "http://registry.test/"


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the vocabularies (loading them takes seconds) and the sample agents
    registered, once per session: the sample datasets cite the agents by IRI."""
    path = tmp_path_factory.mktemp("template") / "store"
    registry = create_app({"store": str(path), "base_iri": BASE_IRI}).extensions["registry"]
    summary = load_files(registry.records, AGENTS)
    assert not summary.rejected, summary.rejected
    registry.close()
    del registry
    gc.collect()  # the embedded store is closed when its last reference goes
    return path


@pytest.fixture
def app(tmp_path: Path, template_store: Path) -> Iterator[Flask]:
    """The app over a fresh on-disk copy of the template store."""
    shutil.copytree(template_store, tmp_path / "store")
    app = create_app({"store": str(tmp_path / "store"), "base_iri": BASE_IRI})
    yield app
    app.extensions["registry"].close()


@pytest.fixture
def registry(app: Flask) -> Registry:
    registry: Registry = app.extensions["registry"]
    return registry


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"server exited early: {output}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


@contextmanager
def running_server(
    store: Path,
    settings: dict[str, str] | None = None,
    sample: bool = False,
    port: int | None = None,
) -> Iterator[str]:
    """Run ``registry serve`` on ``store`` as its own process on 127.0.0.1.

    ``settings`` are extra ``REGISTRY_*`` variables; ``port`` is for a store written under
    the server's base IRI before it starts (default: a free one). The server's output goes
    to a log beside the store (a pipe nobody reads would block it once full) and is shown
    if it does not start. Yields the server's base URL.
    """
    port = port or free_port()
    env = {
        **os.environ,
        "REGISTRY_STORE": str(store),
        "REGISTRY_PORT": str(port),
        "REGISTRY_BASE_IRI": f"http://127.0.0.1:{port}/",
        **(settings or {}),
    }
    command = [sys.executable, "-m", "registry", "serve"] + (["--sample"] if sample else [])
    log = store.with_name(f"{store.name}-server-{port}.log")
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        try:
            wait_for_port(port, process, seconds=120)
        except (RuntimeError, TimeoutError) as error:
            raise RuntimeError(f"{error}\n{log.read_text(errors='replace')}") from None
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """Run ``registry serve --sample`` as its own process on a free loopback port."""
    with running_server(tmp_path / "live-store", sample=True) as url:
        yield url


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """List the screenshots the browser tests wrote (test artefacts)."""
    shots = sorted((ROOT / "tests" / "artifacts").glob("*.png"))
    if shots:
        terminalreporter.write_sep("-", f"{len(shots)} screenshots in tests/artifacts")
        for path in shots:
            terminalreporter.write_line(str(path.relative_to(ROOT)))

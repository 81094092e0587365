"""Real ``registry serve`` processes on 127.0.0.1, for the tests where the socket is the thing
under test."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.workload import free_port, wait_for_port

__all__ = ["free_port", "running_server", "wait_for_port"]


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

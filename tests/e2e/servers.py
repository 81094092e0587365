"""Real ``registry serve`` processes on 127.0.0.1, for the tests where the socket is the thing
under test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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



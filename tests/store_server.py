"""A real Oxigraph server (``oxigraph serve``, PyPI package ``oxigraph``) on a free port of
127.0.0.1, over a folder of its own: the remote store the tests run against."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.servers import free_port, wait_for_port

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
    "oxigraph"
)


class OxigraphServer:
    """``oxigraph serve`` over ``folder``; stopped and started again on the same port."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        if OXIGRAPH is None:
            raise RuntimeError("No `oxigraph` command: pip install -e '.[test]' installs it.")
        self.folder = folder
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = folder.with_name(f"{folder.name}-oxigraph-{self.port}.log")

    def start(self) -> OxigraphServer:
        assert OXIGRAPH is not None
        command = [OXIGRAPH, "serve", "--location", str(self.folder)]
        command += ["--bind", f"127.0.0.1:{self.port}"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_port(self.port, self.process, seconds=30)
        except (RuntimeError, TimeoutError):
            self.stop()
            raise RuntimeError(f"oxigraph serve did not start: {self.log.read_text()}") from None
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


@contextmanager
def oxigraph_server(folder: Path) -> Iterator[OxigraphServer]:
    """A started server over ``folder`` (created if missing), stopped after the block."""
    folder.mkdir(parents=True, exist_ok=True)
    server = OxigraphServer(folder).start()
    try:
        yield server
    finally:
        server.stop()

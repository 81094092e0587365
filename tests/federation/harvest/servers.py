"""Real HTTP servers on 127.0.0.1 for the harvest runs: a second registry (waitress in a
thread, serving /feed, /dump.nq.gz, /oai, /catalog, its FDP root and /sparql) and a small
misbehaving source (``http.server``) whose answers each test writes."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from waitress.server import BaseWSGIServer, create_server

from registry.runtime import Registry
from registry.web.app import create_app
from tests.e2e.servers import free_port

SOURCE_PORT = free_port()
SOURCE_BASE = f"http://127.0.0.1:{SOURCE_PORT}/"
"""The second registry's base IRI: its links must lead back to the server that serves it."""


@contextmanager
def serving_registry(template: Path, target: Path) -> Iterator[Registry]:
    """A copy of ``template`` (a store with base ``SOURCE_BASE``) served on ``SOURCE_PORT``."""
    shutil.copytree(template, target)
    app = create_app({"store": str(target), "base_iri": SOURCE_BASE, "feed_page_size": 10})
    registry: Registry = app.extensions["registry"]
    registry.dump.write()
    server = create_server(app, host="127.0.0.1", port=SOURCE_PORT, threads=4)
    assert isinstance(server, BaseWSGIServer)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield registry
    finally:
        server.close()
        thread.join(timeout=5)
        registry.close()


Answer = tuple[int, str, bytes]
"""Status, media type and body of one answer of the misbehaving source (for a redirect,
the body is its Location)."""


@contextmanager
def misbehaving(answer: Callable[[str], Answer], delay: float = 0) -> Iterator[str]:
    """A source answering each path with ``answer(path)`` (after ``delay`` seconds of
    silence per body); yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            status, media_type, body = answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            if 300 <= status < 400:  # the body is where to go
                self.send_header("Location", body.decode())
                body = b""
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if delay:
                time.sleep(delay)
            try:
                self.wfile.write(body)
            except OSError:
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()

"""A cut answer is never taken for a whole one: Oxigraph's server answers a query that ran out
of time with a 200 whose body just ends, and a connection can drop mid-answer."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.config import load_settings
from registry.errors import StoreUnavailable
from registry.store import http
from registry.store.backends import open_store

WHOLE = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://e/1"}}]}}'


@pytest.mark.parametrize("cut", [len(WHOLE) - 1, len(WHOLE) - 4, 40])
def test_a_cut_json_answer_is_refused(cut: int) -> None:
    answer = http.Answer(200, http.RESULTS, WHOLE[:cut])
    with pytest.raises(StoreUnavailable, match="incomplete"):
        http.results(answer, "http://store/query")


def test_a_whole_json_answer_is_read() -> None:
    solutions = http.results(http.Answer(200, http.RESULTS, WHOLE), "http://store/query")
    assert [row["s"].value for row in solutions] == ["http://e/1"]  # type: ignore[union-attr, index]


def test_an_nquads_answer_cut_inside_a_line_is_refused() -> None:
    body = b"<http://e/s> <http://e/p> <http://e/o> <http://e/g> .\n<http://e/s> <http://e/p> \"cu"
    with pytest.raises(StoreUnavailable):
        http.quads(http.Answer(200, http.GRAPH, body), "http://store/store")


def serve_once(raw: bytes) -> Iterator[str]:
    """A server on 127.0.0.1 that answers every request with ``raw`` and closes."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def run() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.recv(65536)
                connection.sendall(raw)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop.set()
        thread.join()
        listener.close()


HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
ANSWERS = {
    "shorter than its length": HEAD + b"Content-Length: 500\r\n\r\n" + WHOLE[:50],
    "chunked, no last chunk": HEAD + b"Transfer-Encoding: chunked\r\n\r\n32\r\n" + WHOLE[:50] + b"\r\n",
    "well framed, cut JSON": HEAD + b"Content-Length: 50\r\nConnection: close\r\n\r\n" + WHOLE[:50],
}


@pytest.mark.parametrize("raw", ANSWERS.values(), ids=ANSWERS.keys())
def test_the_remote_store_refuses_a_cut_answer(raw: bytes, tmp_path: Path) -> None:
    for url in serve_once(raw):
        settings = load_settings({"store": url, "local_folder": str(tmp_path), "store_timeout": 2})
        store = open_store(settings)
        try:
            with pytest.raises(StoreUnavailable):
                store.query("SELECT ?s WHERE { ?s ?p ?o }")
        finally:
            store.close()


def test_nothing_listening_is_unavailable_at_once(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store = open_store(load_settings({"store": f"http://127.0.0.1:{port}", "local_folder": str(tmp_path)}))
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        store.ping(1.0)
    store.close()

"""Slow clients (slowloris): connections that send half a request and then nothing hold the
server's connections only until ``channel_timeout``; then a visitor is answered again."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import requests

from .servers import running_server


def test_idle_half_sent_connections_are_closed_and_visitors_answered(tmp_path: Path) -> None:
    settings = {"REGISTRY_CONNECTION_LIMIT": "8", "REGISTRY_CHANNEL_TIMEOUT": "2"}
    with running_server(tmp_path / "store", settings) as url:
        port = int(url.rsplit(":", 1)[1])
        stalled = []
        for _ in range(12):  # more than the server holds
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            stalled.append(sock)
        try:
            started = time.monotonic()
            answer = requests.get(f"{url}/", timeout=30)
            waited = time.monotonic() - started
        finally:
            for sock in stalled:
                sock.close()
    assert answer.status_code == 200
    # The limit holds (the visitor waited for the stalled ones to time out), and the timeout
    # ends them (waitress's own would be 120 s).
    assert 1 < waited < 15, f"a visitor waited {waited:.1f} s behind stalled connections"


def test_an_oversized_request_line_is_refused_at_once(tmp_path: Path) -> None:
    """A 60 MB URL: past its header limit (256 KB) waitress answers 431 and closes, so a
    sender still sending sees the connection reset within a second, and nobody else waits.
    (The fuzz suite's "hangs" on such URLs were its client's own time quoting 60 MB.)"""
    with running_server(tmp_path / "store") as url:
        port = int(url.rsplit(":", 1)[1])
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        started = time.monotonic()
        try:
            sock.sendall(b"GET /health?x=" + b"%C3%A9" * 10_000_000 + b" HTTP/1.1\r\n")
            answer = sock.recv(200)
        except (ConnectionResetError, BrokenPipeError):
            answer = b"(reset)"
        finally:
            sock.close()
        refused = time.monotonic() - started
        visitor = requests.get(f"{url}/health", timeout=10)
    assert answer.startswith(b"HTTP/1.1 431 ") or answer == b"(reset)", answer
    assert refused < 5, f"the oversized request was refused after {refused:.1f} s"
    assert visitor.status_code == 200

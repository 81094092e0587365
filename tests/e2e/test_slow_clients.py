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

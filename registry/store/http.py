"""HTTP to a SPARQL server: kept-alive connections with bounded waits, and strict answers.

Every failure to get a whole answer (refused, reset, no answer within the timeout, a body
shorter than announced, a chunked body that stops before its last chunk) is one error,
``StoreUnavailable`` (503), never a partial answer taken for a whole one. Oxigraph's server
answers a query that ran out of time with a 200 whose body just ends: the result parsers
here read every byte and fail on a document that is not closed (``results`` and ``quads``),
so such an answer is refused too.
"""

from __future__ import annotations

import http.client
import threading
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from registry.errors import StoreUnavailable

RESULTS = "application/sparql-results+json"
"""SELECT and ASK answers are asked for in JSON: a cut JSON document does not parse (a cut
TSV one would, at a line break)."""
GRAPH = "application/n-quads"
"""Graph answers: each N-Quads line ends in " .", so a cut last line does not parse; a cut
at a line break is caught by the length checks of HTTP itself."""


@dataclass(frozen=True)
class Answer:
    status: int
    media_type: str
    body: bytes


class Client:
    """One kept-alive connection per thread and server; ``connect`` and ``read`` bound the
    wait for a connection and for each read of the answer (seconds)."""

    def __init__(self, connect: float, read: float) -> None:
        self.connect = connect
        self.read = read
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: set[http.client.HTTPConnection] = set()

    def request(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        read: float | None = None,
    ) -> Answer:
        """Send one request and return the whole answer, or raise ``StoreUnavailable``.

        A kept-alive connection the server closed meanwhile fails at once: the request is
        sent again once on a new connection. Every request the registry sends may be sent
        twice (queries; replacements; appends of the same triples; guarded writes, whose
        second copy finds the guard already swapped and changes nothing).
        """
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        for attempt in (1, 2):
            connection, reused = self._connection(parts.scheme, parts.netloc)
            try:
                connection.request(method, target or "/", body=body, headers=headers or {})
                if connection.sock is not None:
                    connection.sock.settimeout(read or self.read)
                response = connection.getresponse()
                data = response.read()
                media_type = (response.getheader("Content-Type") or "").split(";")[0].strip()
                if response.getheader("Connection", "").lower() == "close":
                    self._drop(parts.netloc)
                return Answer(response.status, media_type, data)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as e:
                self._drop(parts.netloc)
                if attempt == 1 and reused:
                    continue
                raise StoreUnavailable(f"The store at {url} closed the connection: {e}.") from e
            except TimeoutError as error:
                self._drop(parts.netloc)
                raise StoreUnavailable(
                    f"The store at {url} did not answer within {read or self.read:g} s."
                ) from error
            except (OSError, http.client.HTTPException) as error:
                self._drop(parts.netloc)
                raise StoreUnavailable(f"The store at {url} cannot be reached: {error}.") from error
        raise AssertionError("unreachable")

    def _connection(self, scheme: str, netloc: str) -> tuple[http.client.HTTPConnection, bool]:
        connections: dict[str, http.client.HTTPConnection] = self._local.__dict__.setdefault(
            "connections", {}
        )
        if netloc in connections:
            return connections[netloc], True
        kind = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        connection = kind(netloc, timeout=self.connect)
        connections[netloc] = connection
        with self._lock:
            self._open.add(connection)
        return connection, False

    def _drop(self, netloc: str) -> None:
        connection = self._local.__dict__.get("connections", {}).pop(netloc, None)
        if connection is not None:
            connection.close()
            with self._lock:
                self._open.discard(connection)

    def close(self) -> None:
        """Close the connections of every thread (they open again if used)."""
        with self._lock:
            for connection in self._open:
                connection.close()
            self._open.clear()


def form(fields: list[tuple[str, str]]) -> tuple[bytes, dict[str, str]]:
    """A ``application/x-www-form-urlencoded`` body and its headers."""
    return urlencode(fields).encode(), {"Content-Type": "application/x-www-form-urlencoded"}


def results(answer: Answer, url: str) -> ox.QuerySolutions | ox.QueryBoolean:
    """Parse a whole SELECT or ASK answer; a cut or malformed one raises ``StoreUnavailable``.

    pyoxigraph parses lazily, so the answer is parsed once to its end (which fails on an
    unclosed document) and once more for the caller.
    """
    format = ox.QueryResultsFormat.from_media_type(answer.media_type or RESULTS)
    if format is None:
        raise StoreUnavailable(f"The store at {url} answered {answer.media_type!r}.")
    try:
        parsed = ox.parse_query_results(answer.body, format=format)
        if isinstance(parsed, ox.QuerySolutions):
            for _ in parsed:
                pass
    except (SyntaxError, ValueError) as error:
        raise StoreUnavailable(f"The store at {url} sent an incomplete answer: {error}") from None
    return ox.parse_query_results(answer.body, format=format)


def quads(answer: Answer, url: str) -> list[ox.Quad]:
    """Parse a whole N-Quads (or N-Triples) answer; a cut one raises ``StoreUnavailable``."""
    format = ox.RdfFormat.from_media_type(answer.media_type or GRAPH) or ox.RdfFormat.N_QUADS
    if answer.body and not answer.body.endswith(b"\n"):
        raise StoreUnavailable(f"The store at {url} sent an answer cut inside a line.")
    try:
        return list(ox.parse(answer.body, format=format))
    except (SyntaxError, ValueError) as error:
        raise StoreUnavailable(f"The store at {url} sent an incomplete answer: {error}") from None


def failed(answer: Answer, url: str) -> Exception:
    """The error for a non-2xx answer: the server's message as a syntax error for a 400 (the
    registry's own query or update is wrong), else ``StoreUnavailable``."""
    message = answer.body.decode("utf-8", "replace")[:500]
    if answer.status == 400:
        return SyntaxError(f"{url}: {message}")
    return StoreUnavailable(f"The store at {url} answered {answer.status}: {message}")

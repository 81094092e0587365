"""Who may start a public query now: a share of the workers per client, and a rate per process.

The worker pool (``workers``) bounds how many queries run at once, but not who runs them: one
client sending runaway queries in parallel would hold every worker until each timed out. So a
client (its IP) may have ``per_client`` queries running at once in a web process; more are
refused with 429 while the others' queries go on.

The rate is for a query endpoint that is not ours to stop. Oxigraph's server cannot be told
to cancel a query; only its own ``--timeout-s`` stops one, and it keeps a thread per query for
that many seconds whether the query ended or not (measured with 0.5.13: about 16,000 threads
after two seconds of 11,000 small queries a second, then "Resource temporarily unavailable"
and the process gone). A token bucket of ``rate`` queries a second (holding one second's
worth) keeps that below ``processes x rate x T`` threads; a query over the rate is a 503 with
``Retry-After: 1``, as a full worker pool is.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from registry.errors import QueryUnavailable, TooManyQueries


class Admission:
    """Admits a query for ``client``, or refuses it before a worker is asked."""

    def __init__(self, per_client: int, rate: float, setting_names: tuple[str, str]) -> None:
        self.per_client = per_client
        self.rate = rate
        self._names = setting_names
        self._lock = threading.Lock()
        self._running: Counter[str] = Counter()
        self._tokens = max(rate, 1.0)
        self._filled = time.monotonic()

    @contextmanager
    def admit(self, client: str) -> Iterator[None]:
        """Hold one of ``client``'s places for the block; refuse when it has none or the
        process started its share of queries this second."""
        with self._lock:
            if self._running[client] >= self.per_client:
                raise TooManyQueries(
                    f"This client has {self._running[client]} queries running, as many as one "
                    f"client may ({self._names[0]}={self.per_client}): send the next when one "
                    "has answered.",
                    retry_after=1,
                    outcome="client-limit",
                )
            if self.rate and not self._take_token():
                raise QueryUnavailable(
                    f"This server starts at most {self.rate:g} queries a second "
                    f"({self._names[1]}): try again in 1 s.",
                    retry_after=1,
                    outcome="rate",
                )
            self._running[client] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[client] -= 1
                if not self._running[client]:
                    del self._running[client]

    def _take_token(self) -> bool:
        now = time.monotonic()
        self._tokens = min(max(self.rate, 1.0), self._tokens + (now - self._filled) * self.rate)
        self._filled = now
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True

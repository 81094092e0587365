"""Bounded HTTP for harvesting: a source is untrusted input.

Every request has a timeout, a byte cap and a redirect limit, goes only to http(s) URLs on
the hosts the source's URL allows (its own), and counts towards the run's caps (documents,
bytes, time). A page fetched twice while paging is a cycle. Hitting any of these stops the
run as partial: a partial run withdraws nothing (``run``).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO
from urllib.parse import urljoin, urlsplit

from registry.config import Settings
from registry.errors import RegistryError

CHUNK = 1 << 16
USER_AGENT = "CancerImageRegistry-harvester/1"


class HarvestStopped(RegistryError):
    """A run stopped before reading its source to the end (a limit, a cycle, an error)."""

    title = "Harvest stopped"


@dataclass(frozen=True)
class Limits:
    """The caps of one run, from the ``harvest_*`` settings."""

    timeout: float = 30.0
    run_seconds: float = 3600.0
    page_bytes: int = 50_000_000
    run_bytes: int = 2_000_000_000
    pages: int = 10_000
    redirects: int = 5

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            settings.harvest_timeout,
            settings.harvest_run_seconds,
            settings.harvest_page_bytes,
            settings.harvest_run_bytes,
            settings.harvest_pages,
            settings.harvest_redirects,
        )


@dataclass(frozen=True)
class Fetched:
    """One document: where it ended up (after redirects), its media type and its bytes."""

    url: str
    media_type: str
    body: bytes


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Hand 3xx answers back: ``Fetcher`` follows them itself, checking each target."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


@dataclass
class Fetcher:
    """The HTTP client of one run; it keeps the run's counts (documents, bytes, pages seen)."""

    source_url: str
    limits: Limits = field(default_factory=Limits)
    documents: int = 0
    bytes_read: int = 0
    seen: set[str] = field(default_factory=set)
    started: float = field(default_factory=time.monotonic)

    @property
    def hosts(self) -> set[str]:
        """The hosts the source's URL allows: its own (with its port)."""
        return {urlsplit(self.source_url).netloc.lower()}

    def allowed(self, url: str) -> str:
        """Return ``url`` if a request may go there, else stop the run."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise HarvestStopped(f"Refused <{url}>: only http and https are harvested.")
        if parts.netloc.lower() not in self.hosts:
            raise HarvestStopped(
                f"Refused <{url}>: a source may only link to its own host ({parts.netloc})."
            )
        return url

    def page(self, url: str, accept: str) -> Fetched:
        """Fetch the next page of a listing; a page seen before in this run is a cycle."""
        key = url.split("#", 1)[0]
        if key in self.seen:
            raise HarvestStopped(f"The source links back to <{url}>, read before: a cycle.")
        self.seen.add(key)
        return self.get(url, accept)

    def get(self, url: str, accept: str) -> Fetched:
        """Fetch a whole document (at most ``page_bytes``)."""
        with self.open(url, accept) as (final, media_type, stream):
            body = self._read(stream, final)
        return Fetched(final, media_type, body)

    @contextmanager
    def open(self, url: str, accept: str) -> Iterator[tuple[str, str, Counted]]:
        """Open a document for streaming (a dump): its URL after redirects, media type and
        body, read through ``counted`` so the run's byte cap holds."""
        self._count_document()
        current = self.allowed(url)
        for _ in range(self.limits.redirects + 1):
            response = self._request(current, accept)
            location = response.headers.get("Location")
            if response.status in (301, 302, 303, 307, 308) and location:
                response.close()
                current = self.allowed(urljoin(current, location))
                continue
            if (response.status or 500) >= 400:
                response.close()
                raise HarvestStopped(f"<{current}> answered {response.status}.")
            media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip()
            with response:
                yield current, media_type.lower(), Counted(self, response, current)
            return
        raise HarvestStopped(f"<{url}> redirects more than {self.limits.redirects} times.")

    def _request(self, url: str, accept: str) -> urllib.response.addinfourl:
        self.check_time()
        request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": USER_AGENT})
        try:
            return _OPENER.open(request, timeout=self.limits.timeout)
        except urllib.error.HTTPError as error:
            return error  # 3xx and 4xx/5xx: the caller reads the status
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise HarvestStopped(f"Cannot read <{url}>: {reason}.") from None

    def _count_document(self) -> None:
        self.documents += 1
        if self.documents > self.limits.pages:
            raise HarvestStopped(
                f"The run reached its cap of {self.limits.pages} documents "
                "(REGISTRY_HARVEST_PAGES)."
            )

    def _read(self, stream: Counted, url: str) -> bytes:
        chunks, size = [], 0
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > self.limits.page_bytes:
                raise HarvestStopped(
                    f"<{url}> is larger than {self.limits.page_bytes} bytes "
                    "(REGISTRY_HARVEST_PAGE_BYTES)."
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def count_bytes(self, size: int) -> None:
        self.bytes_read += size
        if self.bytes_read > self.limits.run_bytes:
            raise HarvestStopped(
                f"The run read more than {self.limits.run_bytes} bytes "
                "(REGISTRY_HARVEST_RUN_BYTES)."
            )
        self.check_time()

    def check_time(self) -> None:
        if time.monotonic() - self.started > self.limits.run_seconds:
            raise HarvestStopped(
                f"The run took longer than {self.limits.run_seconds:g} s "
                "(REGISTRY_HARVEST_RUN_SECONDS)."
            )


class Counted:
    """A response body whose reads count towards the run's bytes and time; a stalled read
    past the timeout stops the run."""

    def __init__(self, fetcher: Fetcher, response: IO[bytes], url: str) -> None:
        self.fetcher, self.response, self.url = fetcher, response, url

    def read(self, size: int = -1) -> bytes:
        try:
            chunk = self.response.read(size)
        except (TimeoutError, OSError) as error:
            raise HarvestStopped(f"Reading <{self.url}> failed: {error}.") from None
        self.fetcher.count_bytes(len(chunk))
        return chunk

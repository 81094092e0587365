"""Settings: defaults, then ``REGISTRY_*`` environment variables, then the caller's mapping.

This is the only module that reads ``os.environ``; everything else receives a ``Settings``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "REGISTRY_"


@dataclass(frozen=True)
class Settings:
    """Every configuration key; README.md lists them with their environment variable."""

    store: str = "var/store"
    """Folder of the embedded Oxigraph store (created if missing), or the http(s):// URL of an
    Oxigraph server (``oxigraph serve``) that several registry processes share."""
    store_query_url: str = ""
    """The remote store's SPARQL query endpoint; empty: ``REGISTRY_STORE`` + ``/query``."""
    store_update_url: str = ""
    """The remote store's SPARQL update endpoint; empty: ``REGISTRY_STORE`` + ``/update``."""
    store_graph_url: str = ""
    """The remote store's Graph Store Protocol endpoint; empty: ``REGISTRY_STORE`` + ``/store``."""
    store_connect_timeout: float = 2.0
    """Seconds to wait for a connection to the remote store; longer: the store is down (503)."""
    store_timeout: float = 30.0
    """Seconds to wait for each read of the remote store's answer; longer: 503."""
    store_lock: str = ""
    """The file this machine's registry processes lock to write a remote store in turn;
    empty: ``store.write.lock`` in ``REGISTRY_LOCAL_FOLDER``."""
    local_folder: str = "var"
    """With a remote store, the folder of the files each process keeps beside it: accounts,
    audit log, dump, search index, SPARQL views."""
    base_iri: str = "http://127.0.0.1:8080/"
    """IRI prefix under which the registry mints records and catalogue.

    Fixed once a store holds records (they are keyed by it), so it does not follow ``port``.
    """
    host: str = "127.0.0.1"
    port: int = 8080
    threads: int = 8
    """Worker threads of the WSGI server."""
    max_body_bytes: int = 5_000_000
    """Largest request body accepted (submissions, SPARQL POST)."""
    catalog_title: str = "Cancer Image Registry"
    catalog_description: str = (
        "Public catalogue of cancer-imaging datasets described in HealthDCAT-AP."
    )
    catalog_publisher: str = "Cancer Image Registry operators"
    page_size: int = 50
    """Datasets per catalogue page."""
    sparql_timeout: float = 10.0
    """Seconds a SPARQL query may run before its worker process is killed (answer: 503)."""
    sparql_workers: int = 4
    """Worker processes evaluating SPARQL queries: how many queries run at once."""
    sparql_queue: int = 2
    """SPARQL queries that may wait for a busy worker; more are refused at once (503), so
    that queries never hold every thread of the web server."""
    sparql_worker_memory: int = 1_073_741_824
    """Bytes of memory (resident) one SPARQL worker may use; above, its query is stopped (503)."""
    sparql_max_rows: int = 100_000
    """Most result rows (SELECT) or triples (CONSTRUCT, DESCRIBE) one answer may hold."""
    sparql_max_bytes: int = 50_000_000
    """Largest serialised SPARQL answer, in bytes."""
    sparql_service_hosts: str = ""
    """Comma-separated host names SPARQL ``SERVICE`` may call; empty: SERVICE is refused."""
    validators: int = field(default_factory=lambda: os.cpu_count() or 1)
    """Validator processes checking descriptions against the profile (default: the cores)."""
    validation_wait: float = 5.0
    """Seconds a submission waits for a free validator before the answer is 503."""
    sparql_refresh: float = 1.0
    """Seconds between two refreshes of the read-only view /sparql queries, under writes.

    The first query after a write sees it, unless the view was refreshed less than this
    long ago; then it answers from the previous view, at most this many seconds old.
    """

    feed_page_size: int = 100
    """Activities per fragment of the change feed (``/feed``): fix it once harvesters follow
    the feed, since full fragments are served as immutable."""
    dump_interval: float = 3600.0
    """Seconds between two regenerations of the dump (``/dump.nq.gz``) while serving."""
    """Datasets per page of the paged catalogue (/catalog) and records per OAI-PMH list
    response (at most 1,000: a page stays a few megabytes)."""
    fdp_ping_urls: str = ""
    """Comma-separated FAIR Data Point indexes to ping (POST {"clientUrl": base IRI}) when
    ``registry serve`` starts and weekly after; empty: no ping."""
    catalog_country: str = "EUR"
    """The operator's country, a code of the EU country table (the FAIR Data Point's
    r3d:country); EUR is the European Union."""
    admin_email: str = ""
    """The operator's e-mail address (OAI-PMH Identify); empty: the catalogue publisher's
    contact e-mail, else postmaster@ the base IRI's host."""

    @property
    def remote_store(self) -> bool:
        """Whether ``store`` is the URL of a server rather than a folder."""
        return self.store.startswith(("http://", "https://"))

    @property
    def store_path(self) -> Path:
        """The embedded store's folder; with a remote store, the name the files kept beside
        it are named after (``var/remote-accounts.sqlite``, say)."""
        return Path(self.local_folder) / "remote" if self.remote_store else Path(self.store)

    @property
    def store_lock_path(self) -> Path:
        default = Path(self.local_folder) / "store.write.lock"
        return Path(self.store_lock) if self.store_lock else default

    @property
    def service_hosts(self) -> frozenset[str]:
        """The hosts SPARQL ``SERVICE`` may call, lower-cased."""
        return frozenset(
            host.strip().lower() for host in self.sparql_service_hosts.split(",") if host.strip()
        )

    @property
    def accounts_path(self) -> Path:
        """Provider accounts and token digests: a SQLite file beside the store."""
        return self.store_path.with_name(self.store_path.name + "-accounts.sqlite")

    @property
    def audit_path(self) -> Path:
        """The audit log (one JSON object per line) beside the store."""
        return self.store_path.with_name(self.store_path.name + "-audit.jsonl")

    @property
    def dump_path(self) -> Path:
        """The gzipped N-Quads dump ``/dump.nq.gz`` serves, beside the store."""
        return self.store_path.with_name(self.store_path.name + "-dump.nq.gz")



def _coerce(name: str, raw: Any) -> Any:
    """Convert a raw value (often a string from the environment) to the field's type."""
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if kind in ("float", float):
        message = f"{ENV_PREFIX}{name.upper()} must be a number of seconds, 0 or more, not {raw!r}"
        try:
            number = float(raw)
        except (TypeError, ValueError):
            raise ValueError(message) from None
        if not 0 <= number < float("inf"):
            raise ValueError(message)
        return number
    if kind in ("int", int):
        message = f"{ENV_PREFIX}{name.upper()} must be a whole number above 0, not {raw!r}"
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise ValueError(message) from None
        if value < 1:
            raise ValueError(message)
        return value
    return str(raw)


def load_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """Build the settings from defaults, the environment and ``overrides`` (keys in lower case)."""
    known = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    for key, raw in os.environ.items():
        if key.startswith(ENV_PREFIX) and key[len(ENV_PREFIX) :].lower() in known:
            name = key[len(ENV_PREFIX) :].lower()
            values[name] = _coerce(name, raw)
    for key, raw in (overrides or {}).items():
        name = key.lower()
        if name not in known:
            raise ValueError(f"Unknown setting {key!r}; known: {', '.join(sorted(known))}")
        values[name] = _coerce(name, raw)
    settings = replace(Settings(), **values)
    if not settings.base_iri.endswith("/"):
        settings = replace(settings, base_iri=settings.base_iri + "/")
    if not re.fullmatch(r"[A-Z]{3}", settings.catalog_country):
        raise ValueError(
            f"{ENV_PREFIX}CATALOG_COUNTRY must be a code of the EU country table "
            f"(three capitals, e.g. EUR or NLD), not {settings.catalog_country!r}"
        )
    for url in settings.fdp_ping_urls.split(","):
        if url.strip() and not url.strip().startswith(("http://", "https://")):
            raise ValueError(f"{ENV_PREFIX}FDP_PING_URLS: {url.strip()!r} is not an http(s) URL")
    return settings

"""Settings: defaults, then ``REGISTRY_*`` environment variables, then the caller's mapping.

This is the only module that reads ``os.environ``; everything else receives a ``Settings``.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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
    database: str = ""
    """URL of the operational database (accounts, token digests, audit log):
    ``postgresql://user:password@host/name``, or empty for an SQLite file beside the store."""
    base_iri: str = "http://127.0.0.1:8080/"
    """IRI prefix under which the registry mints records and catalogue.

    Fixed once a store holds records (they are keyed by it), so it does not follow ``port``.
    """
    host: str = "127.0.0.1"
    port: int = 8080
    threads: int = 8
    """Worker threads of the WSGI server (of each web process)."""
    processes: int = 1
    """Web processes ``registry serve`` runs (gunicorn's pre-forked workers when above 1; a
    remote store only). ``--processes`` overrides it."""
    change_follow_interval: float = 0.5
    """Seconds between two looks of each web process at the change log, for the writes other
    processes made (its search index and listing follow them)."""
    connection_limit: int = 100
    """Connections the WSGI server holds open at once; more wait in the listen backlog."""
    channel_timeout: int = 30
    """Seconds an idle or stalled connection (a slow client's half-sent request) is kept."""
    max_body_bytes: int = 5_000_000
    """Largest request body accepted (submissions, SPARQL POST)."""
    max_record_bytes: int = 1_000_000
    """Largest description a record may have, in bytes (a submission or validation body)."""
    max_record_triples: int = 5_000
    """Most triples one description may have (the samples have at most 165)."""
    max_literal_length: int = 10_000
    """Most characters in one literal of a description (a title, a description...)."""
    max_blank_node_depth: int = 16
    """Deepest nesting of blank nodes in a description (the samples nest 3 deep)."""
    max_jsonld_contexts: int = 16
    """Most ``@context`` entries (scoped ones included) in one JSON-LD description."""
    max_jsonld_depth: int = 32
    """Deepest nesting of JSON objects and arrays in one JSON-LD description."""
    rate_limit_writes: str = "30 per minute; 600 per hour"
    """Writes (``/api/records``, ``/submit``) one client IP, and one token, may make; empty:
    no limit."""
    rate_limit_validation: str = "30 per minute; 600 per hour"
    """Validations (``/api/validate``) one client IP may ask for; empty: no limit."""
    rate_limit_failed_auth: str = "10 per minute; 100 per hour"
    """Failed sign-ins (401 answers of the write routes) one client IP may have; empty: no
    limit."""
    rate_limit_storage: str = "memory://"
    """Where the rate limits are counted: ``memory://`` (one process) or a ``redis://`` or
    ``memcached://`` URI shared by several web processes."""
    trusted_proxies: int = 0
    """Proxies in front of the server that set ``X-Forwarded-For`` and ``-Proto``: the
    client's IP (for rate limits) and scheme are read from them; 0: none, trust no header."""
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
    """Worker processes evaluating SPARQL queries: how many queries run at once (with
    several web processes, shared out among them, at least one each)."""
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
    sparql_url: str = ""
    """The SPARQL query endpoint public ``/sparql`` queries are sent to: a read-only replica
    (``oxigraph serve-read-only --timeout-s``) so that a runaway query never runs on the
    store the registry writes; empty: the store itself (README "Running at scale")."""
    sparql_per_client: int = 2
    """Queries one client IP may have running at once in one web process; more: 429."""
    sparql_rate: float = 0.0
    """Queries a second one web process starts at most (more: 503 with ``Retry-After``);
    0: no limit. With a replica that has ``--timeout-s T``, keep processes x rate x T under
    its thread budget: Oxigraph keeps a thread per query for T seconds."""
    metrics_networks: str = "127.0.0.0/8,::1/128"
    """Comma-separated networks (CIDR) whose clients may read ``/metrics``."""
    log_format: str = "json"
    """``json``: one JSON object a line (time, level, message, request id, ...); ``text``."""
    validators: int = field(default_factory=lambda: os.cpu_count() or 1)
    """Validator processes checking descriptions against the profile (default: the cores;
    with several web processes, shared out among them, at least one each)."""
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

    harvest_timeout: float = 30.0
    """Seconds one harvest request may wait for the source (connecting, or between bytes)."""
    harvest_run_seconds: float = 3600.0
    """Seconds one harvest run may take; a run stopped by it is partial (withdraws nothing)."""
    harvest_page_bytes: int = 50_000_000
    """Largest document one harvest request may read (a page, a record, a SPARQL answer)."""
    harvest_run_bytes: int = 2_000_000_000
    """Bytes one harvest run may read in all (a dump counts as it streams)."""
    harvest_pages: int = 10_000
    """Documents one harvest run may fetch (pages, records, fragments)."""
    harvest_redirects: int = 5
    """Redirects one harvest request may follow (http(s) only, on the source's own host)."""
    harvest_withdraw_share: float = 0.5
    """Largest share (0 to 1) of a source's records one run may withdraw; a run that would
    withdraw more (and more than ``harvest_withdraw_minimum``) withdraws nothing and says why,
    until an operator confirms with ``registry harvest run NAME --allow-withdraw``."""
    harvest_withdraw_minimum: int = 5
    """Withdrawals a run may always make whatever their share (a small source's few), unless
    the source listed no dataset at all."""
    harvest_check_interval: float = 30.0
    """Seconds between two looks of ``registry serve`` for sources due (or asked for) a run;
    0: the server never harvests."""

    @property
    def remote_store(self) -> bool:
        """Whether ``store`` is the URL of a server rather than a folder."""
        return self.store.startswith(("http://", "https://"))

    def address_warning(self) -> str | None:
        """Why the IRIs minted would lead nowhere, if they would: a base IRI on this machine
        (loopback) with another port than the one served (None otherwise; a public base IRI
        behind a proxy is the operator's to get right)."""
        base = urlsplit(self.base_iri)
        if base.hostname not in ("127.0.0.1", "localhost", "::1"):
            return None
        port = base.port or (443 if base.scheme == "https" else 80)
        if port == self.port:
            return None
        return (
            f"REGISTRY_BASE_IRI is {self.base_iri} but the registry serves port {self.port}: "
            f"the IRIs it mints (records, the catalogue) lead to port {port}. Set "
            "REGISTRY_BASE_IRI to the address clients use, before the first load."
        )

    def one_process(self) -> Settings:
        """The settings of one of ``processes`` web processes: the validators and SPARQL
        workers shared out among them (at least one each), so that N processes on a small
        machine do not start N times the processes one would."""
        share = self.processes
        return replace(
            self,
            validators=max(1, self.validators // share),
            sparql_workers=max(1, self.sparql_workers // share),
        )

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
    def database_url(self) -> str:
        """``database``, or the SQLite file beside the store (``var/store-database.sqlite``)."""
        if self.database:
            return self.database
        return f"sqlite:///{self.store_path.with_name(self.store_path.name + '-database.sqlite')}"

    @property
    def legacy_files(self) -> dict[str, Path]:
        """The files earlier versions kept beside the store, imported once into the database:
        the accounts (SQLite), the audit log (one JSON object per line) and the harvest
        sources and runs (SQLite)."""
        name = self.store_path.name
        return {
            "accounts": self.store_path.with_name(name + "-accounts.sqlite"),
            "audit": self.store_path.with_name(name + "-audit.jsonl"),
            "harvest": self.store_path.with_name(name + "-harvest.sqlite"),
        }

    @property
    def dump_path(self) -> Path:
        """The gzipped N-Quads dump ``/dump.nq.gz`` serves, beside the store."""
        return self.store_path.with_name(self.store_path.name + "-dump.nq.gz")


COUNTS_FROM_ZERO = frozenset({"trusted_proxies"})
"""Whole-number settings for which 0 means something (none); the others start at 1."""


def _coerce(name: str, raw: Any) -> Any:
    """Convert a raw value (often a string from the environment) to the field's type."""
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if kind in ("float", float):
        unit = "queries a second" if name == "sparql_rate" else "seconds"
        message = f"{ENV_PREFIX}{name.upper()} must be a number of {unit}, 0 or more, not {raw!r}"
        try:
            number = float(raw)
        except (TypeError, ValueError):
            raise ValueError(message) from None
        if not 0 <= number < float("inf"):
            raise ValueError(message)
        return number
    if kind in ("int", int):
        least = 0 if name in COUNTS_FROM_ZERO else 1
        above = "0 or more" if least == 0 else "above 0"
        message = f"{ENV_PREFIX}{name.upper()} must be a whole number {above}, not {raw!r}"
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise ValueError(message) from None
        if value < least:
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
    if settings.log_format not in ("json", "text"):
        raise ValueError(f"{ENV_PREFIX}LOG_FORMAT is json or text, not {settings.log_format!r}")
    for network in settings.metrics_networks.split(","):
        try:
            if network.strip():
                ipaddress.ip_network(network.strip(), strict=False)
        except ValueError:
            raise ValueError(
                f"{ENV_PREFIX}METRICS_NETWORKS: {network.strip()!r} is no network (e.g. 10.0.0.0/8)"
            ) from None
    if settings.database and not settings.database.startswith(("postgresql", "sqlite")):
        raise ValueError(
            f"{ENV_PREFIX}DATABASE must be a postgresql:// URL (or sqlite:///FILE), "
            f"not {settings.database!r}"
        )
    if settings.sparql_url and not settings.sparql_url.startswith(("http://", "https://")):
        raise ValueError(
            f"{ENV_PREFIX}SPARQL_URL must be the http(s) URL of a SPARQL query endpoint, "
            f"not {settings.sparql_url!r}"
        )
    for url in settings.fdp_ping_urls.split(","):
        if url.strip() and not url.strip().startswith(("http://", "https://")):
            raise ValueError(f"{ENV_PREFIX}FDP_PING_URLS: {url.strip()!r} is not an http(s) URL")
    if settings.harvest_withdraw_minimum < 0:
        raise ValueError(
            f"{ENV_PREFIX}HARVEST_WITHDRAW_MINIMUM is a count of records, "
            f"not {settings.harvest_withdraw_minimum}"
        )
    if settings.harvest_withdraw_share > 1:
        raise ValueError(
            f"{ENV_PREFIX}HARVEST_WITHDRAW_SHARE is a share between 0 and 1, "
            f"not {settings.harvest_withdraw_share}"
        )
    return settings

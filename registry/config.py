"""Settings: defaults, then ``REGISTRY_*`` environment variables, then the caller's mapping.

This is the only module that reads ``os.environ``; everything else receives a ``Settings``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "REGISTRY_"


@dataclass(frozen=True)
class Settings:
    """Every configuration key; README.md lists them with their environment variable."""

    store: str = "var/store"
    """Folder of the on-disk Oxigraph store (created if missing)."""
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

    @property
    def store_path(self) -> Path:
        return Path(self.store)

    @property
    def accounts_path(self) -> Path:
        """Provider accounts and token digests: a SQLite file beside the store."""
        return self.store_path.with_name(self.store_path.name + "-accounts.sqlite")

    @property
    def audit_path(self) -> Path:
        """The audit log (one JSON object per line) beside the store."""
        return self.store_path.with_name(self.store_path.name + "-audit.jsonl")

    def iri(self, path: str) -> str:
        """Return an IRI minted under the base IRI."""
        return self.base_iri.rstrip("/") + "/" + path.lstrip("/")


def _coerce(name: str, raw: Any) -> Any:
    """Convert a raw value (often a string from the environment) to the field's type."""
    kind = {f.name: f.type for f in fields(Settings)}[name]
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
    return settings

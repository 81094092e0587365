"""``/health``: whether this web process can answer, for load balancers and operators."""

from __future__ import annotations

import os

from flask import Blueprint, Response, jsonify

from registry import __version__
from registry.errors import DatabaseUnavailable, StoreUnavailable
from registry.runtime import Registry
from registry.web.context import get_registry

health = Blueprint("health", __name__)

STORE_WAIT = 2.0
"""Seconds the store is given to answer: a store that is down is told within seconds."""


@health.get("/health")
def health_check() -> Response:
    """The store's and the database's status, the search index, the version, the process
    that answered (one of ``--processes``) and warnings about the settings as JSON: 200 when
    the store and the database answer, else 503."""
    ok, body = report(get_registry())
    response = jsonify(body)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def report(registry: Registry) -> tuple[bool, dict[str, object]]:
    """Whether the registry can answer, and what ``/health`` says of each part."""
    store, database = store_status(registry), database_status(registry)
    ok = store["status"] == database["status"] == "ok"
    warning = registry.settings.address_warning()
    return ok, {
        "status": "ok" if ok else "unavailable",
        "version": __version__,
        "process": os.getpid(),
        "store": store,
        "database": database,
        "index": index_status(registry),
        "warnings": [warning] if warning else [],
    }


def store_status(registry: Registry) -> dict[str, object]:
    """The store's backend and status, and the change log's position."""
    backend = "remote" if registry.settings.remote_store else "embedded"
    try:
        registry.store.ping(STORE_WAIT)
        return {"backend": backend, "status": "ok", "changes": registry.records.changes.latest()}
    except StoreUnavailable as down:
        return {"backend": backend, "status": "unavailable", "message": down.message}


def database_status(registry: Registry) -> dict[str, object]:
    """The operational database's kind, status and schema version."""
    kind = "sqlite" if registry.database.sqlite else "postgresql"
    try:
        return {"backend": kind, "status": "ok", "schema": registry.database.version()}
    except DatabaseUnavailable as down:
        return {"backend": kind, "status": "unavailable", "message": down.message}


def index_status(registry: Registry) -> dict[str, object]:
    """The search index's datasets, the last change it applied and its lag (seconds since
    it was last in step with the change log), and whether it was found damaged and rebuilt
    at start."""
    lag = registry.follower.lag()
    index: dict[str, object] = {
        "status": "ok",
        "datasets": registry.search.summary()["datasets"],
        "position": registry.follower.position,
        "lag_seconds": None if lag is None else round(lag, 3),
    }
    if registry.search.damage:
        index.update(rebuilt_because=registry.search.damage)
    return index

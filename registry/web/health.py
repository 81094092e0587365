"""``/health``: whether this web process can answer, for load balancers and operators."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from registry.web.context import get_registry

health = Blueprint("health", __name__)


@health.get("/health")
def health_check() -> Response:
    """The store's status and the version as JSON: 200 when the store answers, else 503
    (within seconds: the store is asked with a short wait)."""
    ok, body = get_registry().health()
    response = jsonify(body)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response

"""The Flask application factory: settings, the opened registry, blueprints, headers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from registry.config import load_settings
from registry.errors import TooManyArguments
from registry.records.accounts import Accounts
from registry.resources import resource_dir
from registry.runtime import open_registry
from registry.web import cors
from registry.web.api import api
from registry.web.dump import dump
from registry.web.errors import handle_error
from registry.web.federation import federation
from registry.web.feed import feed
from registry.web.harvest import harvest_pages
from registry.web.health import health
from registry.web.linked_data import linked_data
from registry.web.observability import observability, observe
from registry.web.pages import pages
from registry.web.rate_limits import init_rate_limits
from registry.web.sparql import endpoint
from registry.web.submission_pages import provider_pages
from registry.web.vocabularies import vocab

CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'none'; object-src 'none'"
MAX_ARGUMENTS = 100
"""URL arguments of one request (repeated keys counted each time)."""


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings from defaults, ``REGISTRY_*`` environment, then ``config``."""
    settings = load_settings(config)
    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("templates") / "static"),
    )
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    registry = app.extensions["registry"] = open_registry(settings)
    app.extensions["accounts"] = Accounts(registry.database)
    app.register_error_handler(Exception, handle_error)
    blueprints = (pages, vocab, endpoint, linked_data, api, provider_pages, feed, dump, federation)
    for blueprint in (*blueprints, harvest_pages, health, observability):
        app.register_blueprint(blueprint)
    observe(app)
    app.before_request(bounded_arguments)
    app.after_request(security_headers)
    app.extensions["rate_limits"] = init_rate_limits(app, settings)
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    cors.init_app(app)
    return app


def bounded_arguments() -> None:
    """Refuse a URL with more arguments than any route reads, before a view sees it."""
    if sum(len(values) for _, values in request.args.lists()) > MAX_ARGUMENTS:
        raise TooManyArguments(f"A request takes at most {MAX_ARGUMENTS} URL arguments.")


def security_headers(response: Response) -> Response:
    """Headers every answer carries, pages, data and errors alike: no scripts (the SPARQL
    page sets its own policy), no framing (clickjacking of the submission form), no
    sniffing, no referrer to other sites, and HSTS when served over HTTPS."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    policy = response.headers["Content-Security-Policy"]
    if "frame-ancestors" not in policy:
        response.headers["Content-Security-Policy"] = f"{policy}; frame-ancestors 'none'"
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response

"""The Flask application factory, the resource accessor and the one error handler."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from registry.config import load_settings
from registry.errors import RegistryError, TooManyArguments
from registry.records.accounts import Accounts
from registry.resources import resource_dir
from registry.runtime import Registry, open_registry

MAX_ARGUMENTS = 100
"""URL arguments of one request (repeated keys counted each time)."""


def get_registry() -> Registry:
    """Return the registry (store, shapes, settings) of the running app."""
    registry: Registry = current_app.extensions["registry"]
    return registry


def wants_html() -> bool:
    """True when the client prefers a page to data (browsers)."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and request.accept_mimetypes["text/html"] > 0


def handle_error(error: Exception) -> Response:
    """Answer any error in the form the client asked for: a page, or JSON.

    A withdrawn record's 410 links its history (``Link: rel="version-history"``), so
    harvesters find the versions from any of its URLs.
    """
    if isinstance(error, RegistryError):
        status, title, body = error.status, error.title, error.to_dict()
    elif isinstance(error, HTTPException):
        status, title = error.code or 500, error.name
        body = {"error": title, "status": status, "message": error.description}
    else:
        current_app.logger.exception("unhandled error")
        status, title = 500, "Internal server error"
        body = {"error": title, "status": status, "message": "The registry failed; see its log."}
    if wants_html():
        response = current_app.make_response((render_template("error.html", error=body), status))
    else:
        response = current_app.make_response((jsonify(body), status))
    if isinstance(error, RegistryError) and "history" in error.details:
        response.headers["Link"] = f'<{error.details["history"]}>; rel="version-history"'
    return response


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings from defaults, ``REGISTRY_*`` environment, then ``config``."""
    settings = load_settings(config)
    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("templates") / "static"),
    )
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.extensions["registry"] = open_registry(settings)
    app.extensions["accounts"] = Accounts(settings.accounts_path)
    app.register_error_handler(Exception, handle_error)

    from registry.web.api import api
    from registry.web.linked_data import linked_data
    from registry.web.pages import pages
    from registry.web.sparql import endpoint
    from registry.web.submission_pages import provider_pages

    app.register_blueprint(pages)
    app.register_blueprint(endpoint)
    app.register_blueprint(linked_data)
    app.register_blueprint(api)
    app.register_blueprint(provider_pages)

    @app.before_request
    def bounded_arguments() -> None:
        """Refuse a URL with more arguments than any route reads, before a view sees it."""
        if sum(len(values) for _, values in request.args.lists()) > MAX_ARGUMENTS:
            raise TooManyArguments(f"A request takes at most {MAX_ARGUMENTS} URL arguments.")

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'self'; script-src 'none'; object-src 'none'"
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    return app

"""The one error handler: any error answered in the form the client asked for.

A browser gets a page, an API or RDF client gets JSON (datasette's ``handle_exception``).
Domain errors carry data; the links they imply (a withdrawn record's history) are made here,
where URL paths live.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, render_template, request, url_for
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Response

from registry.catalogue.labels import Label, pick_label
from registry.errors import Conflict, RegistryError, StorageUnavailable
from registry.web.negotiation import wants_html
from registry.web.pages import preferred

STORAGE_RETRY_AFTER = 60
"""Seconds a client is told to wait after a storage failure (an operator must act)."""


def handle_error(error: Exception) -> Response:
    """Answer any error in the form the client asked for: a page, or JSON.

    A withdrawn record's 410 links its history (``Link: rel="version-history"``), so
    harvesters find the versions from any of its URLs. An ``OSError`` that reaches here is
    the disk's (the store's, the index's, the audit log's): a 503 to retry, not a 500.
    """
    if isinstance(error, OSError):
        current_app.logger.error("storage failed: %s", str(error))  # not the error: its frames
        error = StorageUnavailable(
            "The registry cannot write to its storage at the moment (a full or failing disk); "
            "nothing was stored. Send the same request again later.",
            retry_after=STORAGE_RETRY_AFTER,
        )
    if isinstance(error, RegistryError):
        status, title, body = error.status, error.title, error.to_dict()
    elif isinstance(error, HTTPException):
        status, title = error.code or 500, error.name
        body = {"error": title, "status": status, "message": error.description}
    else:
        current_app.logger.exception("unhandled error")
        status, title = 500, "Internal server error"
        body = {"error": title, "status": status, "message": "The registry failed; see its log."}
    history = history_link(error)
    if history:
        body["history"] = history
    if wants_html():
        page = render_template("error.html", error=body, withdrawn_title=withdrawn_title(body))
        response = current_app.make_response((page, status))
    else:
        response = current_app.make_response((jsonify(body), status))
    if history:
        response.headers["Link"] = f'<{history}>; rel="version-history"'
    existing = existing_record(error)
    if existing:  # a create refused as the record exists: where it is (its id is in the body)
        response.headers["Location"] = existing
    retry_after = error.details.get("retry_after") if isinstance(error, RegistryError) else None
    if retry_after:  # a busy or failed validator (503): when to send the request again
        response.headers["Retry-After"] = str(retry_after)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


def withdrawn_title(body: dict[str, Any]) -> Label | None:
    """What a withdrawn record was called, in the visitor's language if it was given in it."""
    titles = body.get("titles")
    return pick_label(titles, preferred()) if isinstance(titles, dict) and titles else None


def history_link(error: Exception) -> str | None:
    """The versions of the withdrawn record a ``Gone`` error is about, if any: as data for
    an API client, as the versions page for everyone else."""
    record_id = error.details.get("withdrawn") if isinstance(error, RegistryError) else None
    if not record_id:
        return None
    if request.blueprint == "api":
        return url_for("api.record_versions", record_id=record_id)
    return url_for("provider_pages.versions_page", record_id=record_id)


def existing_record(error: Exception) -> str | None:
    """The API address of the record a refused create collides with (``Conflict`` with an
    ``id``), if any."""
    record_id = error.details.get("id") if isinstance(error, Conflict) else None
    if not record_id or request.blueprint != "api":
        return None
    return url_for("api.get_record", record_id=record_id)

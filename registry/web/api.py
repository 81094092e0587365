"""The provider API under ``/api/``: thin views over ``submission``, ``records`` and ``history``.

Errors answer JSON (``errors.RegistryError.to_dict``); a refused description's report can also
be had as Turtle (``sh:ValidationReport``) or as a page, by ``Accept``.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    g,
    jsonify,
    render_template,
    request,
    url_for,
)

from registry.errors import InvalidDescription, RegistryError, UnsupportedMediaType
from registry.profile.validation import Report
from registry.rdf import formats
from registry.records import history
from registry.records.accounts import Provider
from registry.records.audit import Author
from registry.records.submission import check_for, publish
from registry.records.write import Written, may_change, withdraw_record
from registry.web.context import get_accounts, get_records
from registry.web.errors import handle_error
from registry.web.negotiation import RDF_TYPES, accepted_rdf, best_offer
from registry.web.openapi import openapi_document
from registry.web.report import report_groups

api = Blueprint("api", __name__, url_prefix="/api")
WRITES = {"POST": "create", "PUT": "replace", "DELETE": "withdraw"}
"""HTTP method -> the audit log's action (as ``records`` names accepted writes)."""


def signed_in() -> Provider:
    """Return the provider whose bearer token the request carries, or raise 401."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    provider = get_accounts().authenticate(token.strip() if scheme.lower() == "bearer" else None)
    g.provider = provider  # for the audit line of a refused write
    return provider


def body_syntax() -> tuple[bytes, formats.RdfSyntax]:
    """Return the request body and its RDF syntax (415 for others, 413 above the cap)."""
    syntax = formats.syntax_for_media_type(request.content_type)
    if syntax.has_graphs:
        raise UnsupportedMediaType(
            f"A description is one graph; {syntax.name} holds datasets of graphs: "
            f"use {', '.join(RDF_TYPES)}."
        )
    return request.get_data(), syntax


def store_description(mode: str, record_id: str | None = None) -> tuple[Written, Report]:
    """Check the body and write it as the provider's record; raise the reason it cannot be."""
    provider = signed_in()
    data, syntax = body_syntax()
    if_match = request.headers.get("If-Match")
    return publish(get_records(), provider, data, syntax, mode, record_id, if_match)


def accepted(written: Written, report: Report, status: int) -> tuple[Response, int]:
    body = {
        "id": written.record_id,
        "record": written.record,
        "version": written.version,
        "changed": written.changed,
        "report": report.to_dict(),
    }
    response = jsonify(body)
    response.headers["ETag"] = written.etag
    response.headers["Location"] = url_for("api.get_record", record_id=written.record_id)
    return response, status


@api.post("/records")
def create_record() -> tuple[Response, int]:
    written, report = store_description("create")
    return accepted(written, report, 201)


@api.put("/records/<record_id>")
def replace_record(record_id: str) -> tuple[Response, int]:
    written, report = store_description("replace", record_id)
    return accepted(written, report, 200)


@api.delete("/records/<record_id>")
def withdraw(record_id: str) -> Response:
    provider = signed_in()
    precondition = may_change(provider.agent, request.headers.get("If-Match"))
    author = Author(provider.name, provider.agent)
    state = withdraw_record(get_records(), record_id, author, precondition)
    history_url = url_for("api.record_versions", record_id=record_id)
    return jsonify(
        {"id": record_id, "withdrawn": True, "version": state.version, "history": history_url}
    )


@api.post("/validate")
def validate() -> Response | tuple[Response, int]:
    data, syntax = body_syntax()
    try:
        report = check_for(get_records(), data, syntax).report
    except InvalidDescription as refused:
        report = refused.report
    return report_response(report, 200)


@api.get("/records/<record_id>")
def get_record(record_id: str) -> Response:
    found = history.current(get_records(), record_id)
    return accepted_rdf(found.triples, found.state.etag)


@api.get("/records/<record_id>/versions")
def record_versions(record_id: str) -> Response:
    return jsonify(history.versions(get_records(), record_id))


@api.get("/records/<record_id>/versions/<int:number>")
def record_version(record_id: str, number: int) -> Response:
    return accepted_rdf(history.version(get_records(), record_id, number), f'"{number}"')


@api.get("/records")
def list_records() -> Response:
    provider, since = request.args.get("provider"), request.args.get("modified_since")
    return jsonify({"records": history.listing(get_records(), provider, since)})


@api.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


REPORT_TYPES = ("application/json", "text/turtle", "text/html")
"""A validation report as data (the default), as a ``sh:ValidationReport``, or a page."""


def report_response(report: Report, status: int) -> tuple[Response, int]:
    """The report as JSON (default), Turtle ``sh:ValidationReport`` or a page, by ``Accept``."""
    best = best_offer(REPORT_TYPES)
    if best == "text/turtle":
        body = report.graph.serialize(format="turtle")
        return Response(body, mimetype="text/turtle"), status
    if best == "text/html":
        page = render_template("report.html", groups=report_groups(report), report=report)
        return Response(page, mimetype="text/html"), status
    return jsonify({"conforms": report.conforms, "report": report.to_dict()}), status


@api.errorhandler(Exception)
def api_error(error: Exception) -> Any:
    """Answer as the app does, with the report by ``Accept``; log refused writes."""
    audited = isinstance(error, RegistryError) and error.audited
    if request.method in WRITES and request.endpoint != "api.validate" and not audited:
        status = error.status if isinstance(error, RegistryError) else getattr(error, "code", 500)
        provider = g.get("provider")
        get_records().audit.log(
            Author(provider.name, provider.agent) if provider else Author("anonymous"),
            WRITES[request.method],
            request.view_args.get("record_id") if request.view_args else None,
            None,
            None,
            "refused",
            status,
        )
    if isinstance(error, InvalidDescription) and best_offer(REPORT_TYPES) != REPORT_TYPES[0]:
        return report_response(error.report, 422)
    return handle_error(error)

"""The OpenAPI 3.1 description of ``/api/``, served at ``/api/openapi.json``.

tests/e2e/test_live_api.py runs schemathesis against a live server with it, so every status,
media type and body schema written here is what the views really answer.
"""

from __future__ import annotations

from typing import Any

from registry.rdf.formats import DOCUMENT_SYNTAXES

RDF_TYPES = [s.media_type for s in DOCUMENT_SYNTAXES]
ERROR = {"$ref": "#/components/schemas/Error"}
REASONS = {
    400: "Syntax error (with line and column) or a malformed request",
    401: "No token, or an unknown, revoked or expired one",
    403: "The token's provider may not write this record",
    404: "No such record or version",
    406: "No acceptable RDF syntax",
    409: "The dataset is registered by another provider, already exists, or is another record's",
    410: "The record was withdrawn; Link names its history",
    412: "If-Match names a version that is no longer current",
    413: "The body is larger than max_body_bytes",
    415: "Content-Type is not an RDF syntax the registry reads",
    422: "The description has a Violation (the report is in the body) or no single dataset",
}


def _errors(*codes: int) -> dict[str, Any]:
    return {
        str(code): {
            "description": REASONS[code],
            "content": {"application/json": {"schema": ERROR}},
        }
        for code in codes
    }


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _rdf(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"ETag": {"schema": {"type": "string"}}},
        "content": {t: {"schema": {"type": "string"}} for t in RDF_TYPES},
    }


RECORD_ID = {
    "name": "record_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "The record id (16 hexadecimal digits, derived from the dataset IRI)",
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "The ETag of the version the change is based on",
}
BODY = {
    "required": True,
    "description": "One dataset (or agent) description",
    "content": {t: {"schema": {"type": "string"}} for t in RDF_TYPES},
}
SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "status", "message"],
        "properties": {
            "error": {"type": "string"},
            "status": {"type": "integer"},
            "message": {"type": "string"},
            "line": {"type": "integer"},
            "column": {"type": "integer"},
            "history": {"type": "string"},
            "report": {"$ref": "#/components/schemas/Report"},
        },
    },
    "Report": {
        "type": "object",
        "required": ["conforms", "violations", "warnings", "results"],
        "properties": {
            "conforms": {"type": "boolean"},
            "violations": {"type": "integer"},
            "warnings": {"type": "integer"},
            "results": {"type": "array", "items": {"type": "object"}},
        },
    },
    "Accepted": {
        "type": "object",
        "required": ["id", "record", "version", "changed", "report"],
        "properties": {
            "id": {"type": "string"},
            "record": {"type": "string"},
            "version": {"type": "integer"},
            "changed": {"type": "boolean"},
            "report": {"$ref": "#/components/schemas/Report"},
        },
    },
}
WRITTEN = {
    "description": "Stored (warnings in the report)",
    "headers": {"ETag": {"schema": {"type": "string"}}, "Location": {"schema": {"type": "string"}}},
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}},
}
SECURED: list[dict[str, list[str]]] = [{"token": []}]


def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI document (paths are relative to the server root)."""
    paths: dict[str, Any] = {
        "/api/records": {
            "post": {
                "summary": "Create a record",
                "security": SECURED,
                "requestBody": BODY,
                "responses": {"201": WRITTEN, **_errors(400, 401, 403, 409, 413, 415, 422)},
            },
            "get": {
                "summary": "List records and tombstones, oldest change first",
                "parameters": [
                    {"name": "provider", "in": "query", "schema": {"type": "string"}},
                    {"name": "modified_since", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": _json("The records", {"type": "object", "required": ["records"]}),
                    **_errors(400),
                },
            },
        },
        "/api/records/{record_id}": {
            "parameters": [RECORD_ID],
            "get": {
                "summary": "The current version as RDF",
                "responses": {"200": _rdf("The record"), **_errors(404, 406, 410)},
            },
            "put": {
                "summary": "Replace a record",
                "security": SECURED,
                "parameters": [IF_MATCH],
                "requestBody": BODY,
                "responses": {
                    "200": WRITTEN,
                    **_errors(400, 401, 403, 404, 409, 410, 412, 413, 415, 422),
                },
            },
            "delete": {
                "summary": "Withdraw a record (its history stays; it answers 410)",
                "security": SECURED,
                "parameters": [IF_MATCH],
                "responses": {
                    "200": _json("Withdrawn", {"type": "object", "required": ["withdrawn"]}),
                    **_errors(401, 403, 404, 410, 412),
                },
            },
        },
        "/api/records/{record_id}/versions": {
            "parameters": [RECORD_ID],
            "get": {
                "summary": "Every version and the audit trail",
                "responses": {
                    "200": _json("The versions", {"type": "object", "required": ["versions"]}),
                    **_errors(404),
                },
            },
        },
        "/api/records/{record_id}/versions/{number}": {
            "parameters": [
                RECORD_ID,
                {"name": "number", "in": "path", "required": True, "schema": {"type": "integer"}},
            ],
            "get": {
                "summary": "One version's description as RDF",
                "responses": {"200": _rdf("The version"), **_errors(404, 406)},
            },
        },
        "/api/validate": {
            "post": {
                "summary": "Validate without storing",
                "requestBody": BODY,
                "responses": {
                    "200": _json(
                        "The report",
                        {
                            "type": "object",
                            "required": ["conforms", "report"],
                            "properties": {"report": {"$ref": "#/components/schemas/Report"}},
                        },
                    ),
                    **_errors(400, 413, 415, 422),
                },
            },
        },
        "/api/openapi.json": {
            "get": {
                "summary": "This document",
                "responses": {"200": _json("OpenAPI 3.1", {"type": "object"})},
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Cancer Image Registry provider API", "version": "1.0.0"},
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
    }

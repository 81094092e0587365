"""The whole catalogue at once: ``/dump.nq.gz`` and the VoID description naming it."""

from __future__ import annotations

from flask import Blueprint, Response, send_file

from registry.federation.void import PREFIXES, void_description
from registry.web.context import get_dump, get_feed, get_records
from registry.web.negotiation import accepted_rdf

dump = Blueprint("dump", __name__)


@dump.get("/dump.nq.gz")
def dump_file() -> Response:
    """Every current record as gzipped N-Quads (503 before the first dump is written);
    conditional and range requests are answered from the file."""
    path = get_dump().current()
    response = send_file(
        path, mimetype="application/gzip", download_name="dump.nq.gz", conditional=True
    )
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@dump.get("/.well-known/void")
def void() -> Response:
    """The catalogue as a ``void:Dataset`` (Turtle unless asked otherwise)."""
    info, feed = get_dump().info(), get_feed()
    change = feed.activity_iri(info.latest_change) if info and info.latest_change else None
    triples = void_description(get_records().layout, info, feed.stream_iri, change)
    return accepted_rdf(triples, prefixes=PREFIXES)

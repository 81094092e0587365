"""Validators for catalogue pages and record documents: ``ETag`` and ``Last-Modified``, and
conditional GET (``If-None-Match``, ``If-Modified-Since`` -> 304 Not Modified, RFC 9110, 13).

A page reads more than its record: the search index (facet labels, counts), the agents it
cites, the vocabularies and the templates. What it shows can only change when the change
log moves (a write, in any process), when this process's index changes, or when the process
starts (new code or vocabularies). The entity tag is a digest of that position with what
chose the representation (path, query, ``Accept``, the visitor's languages); the last
modification is the later of the last change and the process's start. Coarse (a write
elsewhere revalidates every page) but never stale, and computed before the page is built,
so a 304 costs one read of the log's head.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from flask import current_app, request
from werkzeug.http import is_resource_modified
from werkzeug.wrappers import Response as BaseResponse

from registry.web.context import get_catalogue, get_records

STARTED = "validators.started"
"""The app's extension key holding the moment this process began answering."""


def started() -> datetime:
    """When this app began answering (whole seconds, as HTTP dates carry them)."""
    moment: datetime | None = current_app.extensions.get(STARTED)
    if moment is None:
        moment = datetime.now(UTC).replace(microsecond=0)
        current_app.extensions[STARTED] = moment
    return moment


def conditional(
    build: Callable[[], BaseResponse],
    languages: Sequence[str] = (),
    exists: Callable[[], bool] = lambda: True,
) -> BaseResponse:
    """``build()``'s answer with an ``ETag`` and ``Last-Modified``, or a 304 without building
    it when the client's copy is current. ``languages``: the visitor's, when the answer is
    chosen by them (its ``Vary: Accept-Language`` comes from reading them). ``exists``: false
    when the resource is not there (an unknown or withdrawn record): ``build`` then answers
    its 404 or 410, never a 304 (``If-None-Match: *`` matches only what exists)."""
    if not exists():
        return build()
    head = get_records().changes.latest_change()
    begun = started()
    parts = (
        begun.isoformat(),
        head.sequence if head else 0,
        get_catalogue().search.generation,
        request.full_path,
        request.headers.get("Accept", ""),
        list(languages),
    )
    etag = hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]
    changed = max(head.time, begun) if head else begun
    if is_resource_modified(request.environ, etag=etag, last_modified=changed):
        response = build()
    else:
        response = BaseResponse(status=304)
        response.vary.add("Accept")
    response.set_etag(etag)
    response.last_modified = changed
    # Stored, but revalidated before each use: Last-Modified alone would let a browser
    # reuse a page heuristically, long after the catalogue changed.
    response.cache_control.no_cache = True
    return response

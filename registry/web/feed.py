"""The change feed for harvesters: ``/feed`` (DCAT-AP Feeds), its fragments and activities.

Full fragments never change, so they are cached for a year as immutable; the last fragment
and the stream's own document grow, so they are cached briefly and revalidated by ETag
(DCAT-AP Feeds, https://semiceu.github.io/LDES-DCAT-AP-feeds/#pagination).
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from registry.errors import RegistryError
from registry.federation.feed import PREFIXES
from registry.web.context import get_feed
from registry.web.negotiation import accepted_dataset_syntax, dataset_response

feed = Blueprint("feed", __name__)
IMMUTABLE = "public, max-age=31536000, immutable"
GROWING = "public, max-age=5"
"""The last fragment gains activities with every write: a few seconds of cache at most."""


def whole_number(text: str, what: str) -> int:
    """A fragment or change number as the feed writes it (1, 2, ...), or 400."""
    if not (text.isascii() and text.isdigit()) or text.startswith("0") or len(text) > 18:
        raise RegistryError(
            f"{what} {text!r} is not a number the feed links: a whole number from 1, "
            "without leading zeros."
        )
    return int(text)


@feed.get("/feed")
def stream() -> Response:
    """The ``ldes:EventStream``: what it is and where its view starts."""
    syntax = accepted_dataset_syntax("The change feed")
    response = dataset_response(get_feed().stream_document().serialize(syntax, PREFIXES), syntax)
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
    response.headers["Cache-Control"] = GROWING
    return response.make_conditional(request)  # type: ignore[return-value]


@feed.get("/feed/<fragment>")
def fragment(fragment: str) -> Response:
    """Fragment ``n`` of the feed; 304 when the client holds it already."""
    number = whole_number(fragment, "The fragment")
    syntax = accepted_dataset_syntax("A fragment of the change feed")
    current = get_feed()
    tag, full = current.state(number)
    if request.if_none_match.contains(f"{tag}-{syntax.suffix}"):
        response = Response(status=304)
        response.headers["Vary"] = "Accept"
    else:
        page = current.fragment(number)
        response = dataset_response(page.document.serialize(syntax, PREFIXES), syntax)
        tag, full = page.tag, page.full
    response.set_etag(f"{tag}-{syntax.suffix}")
    response.headers["Cache-Control"] = IMMUTABLE if full else GROWING
    return response


@feed.get("/feed/change/<sequence>")
def change(sequence: str) -> BaseResponse:
    """An activity's IRI: 303 to the fragment that holds it."""
    current = get_feed()
    number = current.fragment_of(whole_number(sequence, "The change"))
    return redirect(current.fragment_iri(number), 303)

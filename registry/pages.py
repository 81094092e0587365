"""Server-rendered catalogue pages (thin views over ``catalogue``)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from . import catalogue, formats
from .app import get_registry
from .errors import NotFound
from .profile import LEGEND, Profile, build_profile, shapes_turtle

pages = Blueprint("pages", __name__)


def preferred_languages() -> list[str]:
    """Return the visitor's languages in order of preference (primary subtags)."""
    return [value.split("-", 1)[0].lower() for value, _ in request.accept_languages] or ["en"]


@pages.get("/")
def catalogue_page() -> str:
    registry = get_registry()
    page = request.args.get("page", default=1, type=int) or 1
    listing = catalogue.list_datasets(registry, page, preferred_languages())
    return render_template("catalogue.html", settings=registry.settings, **listing)


@pages.get("/datasets/<record_id>")
def dataset_page(record_id: str) -> str:
    registry = get_registry()
    view = catalogue.dataset_view(registry, record_id, preferred_languages())
    alternates = [(s.name, s.suffix) for s in formats.SYNTAXES if not s.has_graphs]
    media_types = {s.name: s.media_type for s in formats.SYNTAXES}
    return render_template("dataset.html", d=view, alternates=alternates, media_types=media_types)


@pages.get("/datasets/<record_id>.<suffix>")
def dataset_document(record_id: str, suffix: str) -> Response:
    syntax = formats.syntax_for_suffix(suffix)
    if syntax is None or syntax.has_graphs:
        raise NotFound(f"No RDF serialisation has the suffix .{suffix}.")
    triples = catalogue.record_document(get_registry(), record_id)
    return Response(formats.serialize(triples, syntax), mimetype=syntax.media_type)


def published_profile() -> tuple[Profile, bytes]:
    """Return the profile's tables and its shapes as Turtle, built once per app."""
    # The shapes do not change while the app runs; reading them takes ~0.1 s.
    published: tuple[Profile, bytes] | None = current_app.extensions.get("profile")
    if published is None:
        shapes = get_registry().shapes
        published = (build_profile(shapes), shapes_turtle(shapes))
        current_app.extensions["profile"] = published
    return published


@pages.get("/profile")
def profile_page() -> str:
    return render_template("profile.html", profile=published_profile()[0], legend=LEGEND)


@pages.get("/profile/shapes.ttl")
def profile_shapes() -> Response:
    return Response(published_profile()[1], mimetype="text/turtle")

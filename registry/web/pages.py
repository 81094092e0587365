"""Server-rendered catalogue pages (thin views over ``catalogue.search`` and ``catalogue.read``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from urllib.parse import urlencode

from babel.numbers import format_decimal
from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
)
from flask import url_for as flask_url_for
from markupsafe import Markup, escape
from werkzeug.wrappers import Response as BaseResponse

from registry.catalogue import read
from registry.catalogue import search as browse
from registry.catalogue.labels import DEFAULT, Label
from registry.profile.tables import LEGEND, Profile, build_profile, shapes_turtle
from registry.rdf.namespaces import CIR_VOCAB
from registry.web import search_args
from registry.web.context import get_catalogue, get_settings, get_shapes
from registry.web.federation import fdp_root
from registry.web.languages import (
    Messages,
    catalogues,
    interface_language,
    preferred_languages,
)
from registry.web.negotiation import (
    HTML,
    alternates,
    best_offer,
    negotiated,
    suffix_document,
    wanted_syntax,
)
from registry.web.validators import conditional

pages = Blueprint("pages", __name__)
JSON = "application/json"
ENGLISH = Messages("en")
"""The notices' words in a JSON answer (a client's own language is not the interface's)."""


def preferred() -> list[str]:
    """The visitor's languages: ``?lang=`` first, then ``Accept-Language`` (so the answer
    varies with it: ``vary_by_language``)."""
    g.by_language = True
    return preferred_languages(
        request.args.get("lang"), [value for value, _ in request.accept_languages]
    )


def page_languages() -> list[str]:
    """The visitor's languages when the answer is a page; none for RDF, which is the same in
    every language (and so does not vary with ``Accept-Language``)."""
    return preferred() if wanted_syntax() is None else []


@pages.after_app_request
def vary_by_language(response: BaseResponse) -> BaseResponse:
    """An answer that read the visitor's languages says so (``Vary: Accept-Language``), so a
    cache never serves one visitor's German page to another who reads French."""
    if g.get("by_language"):
        response.vary.add("Accept-Language")
    return response


@pages.app_url_defaults
def keep_language(endpoint: str, values: dict[str, Any]) -> None:
    """Links keep a language chosen in the URL, so a shared link reads the same."""
    if endpoint != "static" and has_request_context() and "lang" in request.args:
        values.setdefault("lang", request.args["lang"])


@pages.app_context_processor
def interface() -> dict[str, Any]:
    """The interface language, its strings (``t``) and the language switcher's links."""
    if not has_request_context():
        return {}
    language = g.ui_lang = interface_language(preferred())
    # Each of the switcher's links repeats the URL's arguments: a long query string (which
    # no page of ours makes) is left out, so that a page's size stays bounded.
    kept = request.args.to_dict(flat=False) if len(request.query_string) <= 2_000 else {}
    args = {**(request.view_args or {}), **kept}
    switcher = (
        [
            (
                tag,
                Messages(tag).language_name(tag),
                flask_url_for(request.endpoint or "pages.home_page", **{**args, "lang": tag}),
            )
            for tag in catalogues()
        ]
        if request.endpoint
        else []
    )
    return {"t": Messages(language), "ui_lang": language, "switcher": switcher}


@pages.app_template_global()
def label(value: Label) -> Markup:
    """A label from data, marked with its own language when it is not the interface's
    (a visible fallback). A function rather than a macro: pages show hundreds of labels."""
    if value.language and value.language != g.get("ui_lang"):
        return Markup('<span lang="{}" class="fallback" title="{}">{}</span>').format(
            value.language, fallback_title(value.language), value.text
        )
    return escape(value.text)


def fallback_title(language: str) -> str:
    """Why a label is underlined: "Not translated yet: shown in English" (its language named
    in its own words, as the language switcher names it)."""
    name = Messages(language).language_name(language) if language in catalogues() else language
    return Messages(g.get("ui_lang") or DEFAULT)("fallback_title", language=name)


@pages.app_template_global()
def labels(*groups: list[Label]) -> Markup:
    """Labels joined by commas within a group and by a dot between groups."""
    return Markup(" · ").join(
        Markup(", ").join(label(value) for value in group) for group in groups if group
    )


@pages.app_template_filter()
def number(value: int | None) -> str:
    """A count as the interface's language writes it (22,213 in English, 22.213 in German,
    22 213 in French and Swedish: CLDR's separators, through Babel), or a dash when
    unknown."""
    if value is None:
        return "—"
    return format_decimal(value, locale=g.get("ui_lang") or DEFAULT)


@pages.app_template_global()
def notice_text(messages: Messages, notice: dict[str, Any]) -> str:
    """A search notice in words: a facet named as the page names it."""
    argument = notice["argument"]
    if notice["problem"] == "unknown_value":
        argument = messages(f"facet_{argument}")
    values = {**notice, "argument": argument, "pages": notice.get("pages", 0)}
    return messages(f"notice_{notice['problem']}", **values)


@pages.app_template_global()
def search_href(args: dict[str, Any]) -> str:
    """The search page's URL for these arguments (cheaper than ``url_for`` per facet value,
    which matters with a hundred facet links on a page)."""
    if "lang" in request.args:
        args = {**args, "lang": request.args["lang"]}
    query = urlencode(args, doseq=True)
    return flask_url_for("pages.search_page", lang=None) + ("?" + query if query else "")


@pages.get("/")
def home_page() -> BaseResponse:
    """The home page; asked for RDF (``Accept: text/turtle``), the FAIR Data Point's root."""
    return conditional(home_answer, page_languages())


def home_answer() -> BaseResponse:
    syntax = wanted_syntax()
    if syntax is not None:
        response = fdp_root(syntax)
    else:
        view = browse.home(get_catalogue(), preferred())
        response = Response(render_template("home.html", settings=get_settings(), **view))
    response.headers["Vary"] = "Accept"
    return response


@pages.get("/search")
def search_page() -> BaseResponse:
    """The search page, or its results as JSON (with scores) for ``Accept: application/json``."""
    return conditional(search_answer, preferred())


def search_answer() -> Response:
    query, notices = search_args.read_query(list(request.args.items(multi=True)))
    query, unknown = browse.known_values(get_catalogue(), query)
    view = browse.search(get_catalogue(), query, preferred())
    view["notices"] = [asdict(n) for n in notices] + unknown + view["notices"]
    if best_offer([HTML, JSON]) == JSON:
        response = jsonify(search_document(view))
    else:
        response = Response(render_template("search.html", browse=search_args, **view))
    response.headers["Vary"] = "Accept"
    return response


def search_document(view: dict[str, Any]) -> dict[str, Any]:
    """The search results as JSON: the same ranking as the page, with each result's score."""
    query = view["query"]
    return {
        "query": {"text": query.text, "sort": query.sort, "selected": dict(query.selected)},
        "total": view["total"],
        "page": view["page"],
        "pages": view["pages"],
        "corrected": view["corrected"],
        "unmatched": view["unmatched"],
        "results": [
            {
                "id": item["id"],
                "url": flask_url_for("pages.dataset_page", record_id=item["id"], _external=True),
                "title": item["title"].text,
                "score": item.get("score"),
                "description": item["description"].text,
                "conditions": [c.text for c in item["conditions"]],
                "modalities": [m.text for m in item["modalities"]],
                "individuals": item["individuals"],
                "modified": item["modified"],
            }
            for item in view["items"]
        ],
        "facets": {
            f["name"]: {v["value"]: v["count"] for v in f["values"]} for f in view["facets"]
        },
        "no_result": view["no_result"],
        "offers": [{**offer, "label": offer["label"].text} for offer in view["offers"]],
        "errors": [{**n, "message": notice_text(ENGLISH, n)} for n in view["notices"]],
    }


@pages.get("/datasets")
@pages.get("/datasets/")
@pages.get("/providers")
@pages.get("/providers/")
def listing_page() -> BaseResponse:
    """A dataset or provider URL trimmed to its folder: every dataset, on the search page,
    where the provider facet lists the providers (a redirect keeps the language)."""
    language = request.args.get("lang")
    target = flask_url_for("pages.search_page", lang=language) if language else None
    return redirect(target or flask_url_for("pages.search_page"), code=302)


@pages.get("/datasets/<record_id>")
def dataset_page(record_id: str) -> BaseResponse:
    exists = lambda: read.is_current(get_catalogue(), record_id)  # noqa: E731
    return conditional(lambda: dataset_answer(record_id), page_languages(), exists)


def dataset_answer(record_id: str) -> BaseResponse:
    catalogue = get_catalogue()

    def page() -> str:
        view = read.dataset_view(catalogue, record_id, preferred())
        view["schema_org"]["url"] = request.base_url
        view["schema_org"]["includedInDataCatalog"] = {
            "@type": "DataCatalog",
            "url": flask_url_for("pages.home_page", _external=True),
        }
        return render_template(
            "dataset.html", d=view, record_id=record_id, alternates=document_links(record_id)
        )

    return negotiated(
        page, lambda: read.record_document(catalogue, record_id), suffix_url(record_id)
    )


@pages.get("/datasets/<record_id>.<suffix>")
def dataset_document(record_id: str, suffix: str) -> BaseResponse:
    return record_document_answer(record_id, suffix)


@pages.get("/providers/<record_id>")
def provider_page(record_id: str) -> BaseResponse:
    exists = lambda: read.is_current(get_catalogue(), record_id)  # noqa: E731
    return conditional(lambda: provider_answer(record_id), page_languages(), exists)


def provider_answer(record_id: str) -> BaseResponse:
    catalogue = get_catalogue()

    def page() -> str:
        view = read.provider_view(catalogue, record_id, preferred())
        query = browse.Query(selected=(("provider", (view["iri"],)),))
        results = browse.search(catalogue, query, preferred())
        links = alternates(provider_suffix_url(record_id))
        return render_template("provider.html", p=view, alternates=links, **results)

    return negotiated(
        page, lambda: read.record_document(catalogue, record_id), provider_suffix_url(record_id)
    )


@pages.get("/providers/<record_id>.<suffix>")
def provider_document(record_id: str, suffix: str) -> BaseResponse:
    return record_document_answer(record_id, suffix)


def record_document_answer(record_id: str, suffix: str) -> BaseResponse:
    """A record's RDF document by suffix (``/datasets/<id>.ttl``), validated."""
    catalogue = get_catalogue()
    return conditional(
        lambda: suffix_document(suffix, lambda: read.record_document(catalogue, record_id)),
        exists=lambda: read.is_current(catalogue, record_id),
    )


def provider_suffix_url(record_id: str) -> Any:
    return lambda s: flask_url_for("pages.provider_document", record_id=record_id, suffix=s)


@pages.get("/term")
def term_page() -> BaseResponse:
    iri = request.args.get("iri", "")
    return term_response(iri, lambda s: flask_url_for("pages.term_document", suffix=s, iri=iri))


@pages.get("/term.<suffix>")
def term_document(suffix: str) -> Response:
    iri = request.args.get("iri", "")
    return suffix_document(suffix, lambda: read.concept_document(get_catalogue(), iri))


@pages.get("/vocab/<scheme>/<code>")
def vocabulary_term(scheme: str, code: str) -> BaseResponse:
    iri = f"{CIR_VOCAB}{scheme}/{code}"
    url = "pages.vocabulary_document"
    return term_response(iri, lambda s: flask_url_for(url, scheme=scheme, code=code, suffix=s))


@pages.get("/vocab/<scheme>/<code>.<suffix>")
def vocabulary_document(scheme: str, code: str, suffix: str) -> Response:
    iri = f"{CIR_VOCAB}{scheme}/{code}"
    return suffix_document(suffix, lambda: read.concept_document(get_catalogue(), iri))


def term_response(iri: str, url_for_suffix: Any) -> BaseResponse:
    """The term page of ``iri``, or its RDF, as the client asks."""
    catalogue = get_catalogue()

    def page() -> str:
        view = read.term_view(catalogue, iri, preferred())
        return render_template("term.html", c=view, alternates=alternates(url_for_suffix))

    return negotiated(page, lambda: read.concept_document(catalogue, iri), url_for_suffix)


def suffix_url(record_id: str) -> Any:
    return lambda s: flask_url_for("pages.dataset_document", record_id=record_id, suffix=s)


def document_links(record_id: str) -> list[dict[str, str]]:
    return alternates(suffix_url(record_id))


def published_profile() -> tuple[Profile, bytes]:
    """Return the profile's tables and its shapes as Turtle, built once per app."""
    # The shapes do not change while the app runs; reading them takes ~0.1 s.
    published: tuple[Profile, bytes] | None = current_app.extensions.get("profile")
    if published is None:
        shapes = get_shapes()
        published = (build_profile(shapes), shapes_turtle(shapes))
        current_app.extensions["profile"] = published
    return published


@pages.get("/profile")
def profile_page() -> str:
    return render_template("profile.html", profile=published_profile()[0], legend=LEGEND)


@pages.get("/profile/shapes.ttl")
def profile_shapes() -> Response:
    return Response(published_profile()[1], mimetype="text/turtle")

"""The code lists on the web: ``/vocab`` (every scheme the profile checks) and
``/vocab/<name>`` (one scheme's concepts) as a page, RDF or CSV (thin views over
``catalogue.vocabularies``). A concept's own page stays ``/vocab/<name>/<code>`` (pages)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from registry.catalogue import vocabularies as read
from registry.errors import RegistryError
from registry.profile.code_lists import CodeList, CodeLists
from registry.rdf.namespaces import CIR_VOCAB
from registry.web.context import get_catalogue, get_shapes
from registry.web.negotiation import alternates, negotiated, prefers, suffix_document
from registry.web.pages import preferred

vocab = Blueprint("vocab", __name__)
CSV = "text/csv"


class BadPage(RegistryError):
    title = "Bad page number"


def code_lists() -> CodeLists:
    return get_shapes().code_lists


@vocab.app_template_global()
def code_list_href(iri: str | None) -> str | None:
    """The page of the code list whose scheme is ``iri`` (for the profile's tables)."""
    code_list = code_lists().by_scheme.get(iri or "")
    return url_for("vocab.scheme_page", name=code_list.name) if code_list else None


@vocab.app_template_global()
def concept_href(iri: str) -> str:
    """The registry's page of a concept: ``/vocab/<name>/<code>`` for its own schemes, else
    the term page that shows any concept the registry knows."""
    if iri.startswith(str(CIR_VOCAB)):
        name, _, code = iri.removeprefix(str(CIR_VOCAB)).partition("/")
        if name and code and "/" not in code:
            return url_for("pages.vocabulary_term", scheme=name, code=code)
    return url_for("pages.term_page", iri=iri)


@vocab.get("/vocab")
def index_page() -> str:
    groups = read.schemes_view(get_catalogue(), code_lists(), preferred())
    return render_template("vocab_index.html", groups=groups)


@vocab.get("/vocab/<name>")
def scheme_page(name: str) -> BaseResponse:
    code_list = read.code_list_or_404(code_lists(), name)
    catalogue = get_catalogue()
    if prefers(CSV):
        response = csv_response(code_list)
        response.headers["Vary"] = "Accept"
        return response

    def page() -> str:
        view = read.scheme_view(catalogue, code_lists(), code_list, preferred(), page_number())
        return render_template("vocab.html", s=view, alternates=downloads(name))

    return negotiated(page, lambda: read.scheme_document(catalogue, code_list), suffix_url(name))


@vocab.get("/vocab/<name>.<suffix>")
def scheme_document(name: str, suffix: str) -> Response:
    code_list = read.code_list_or_404(code_lists(), name)
    if suffix == "csv":
        return csv_response(code_list)
    return suffix_document(suffix, lambda: read.scheme_document(get_catalogue(), code_list))


def csv_response(code_list: CodeList) -> Response:
    body = read.scheme_csv(get_catalogue(), code_list)
    response = Response(body, mimetype=CSV)
    response.headers["Content-Disposition"] = f'inline; filename="{code_list.name}.csv"'
    return response


def page_number() -> int:
    """``?page=N`` (1 when absent); anything but a positive whole number is refused."""
    text = request.args.get("page", "1")
    # ASCII digits only ("²".isdigit() is true), and few: no list has a billion pages.
    if not (text.isascii() and text.isdigit()) or len(text) > 9 or int(text) < 1:
        raise BadPage(f"page must be a whole number from 1, not {text[:20]!r}.")
    return int(text)


def suffix_url(name: str) -> Any:
    return lambda s: url_for("vocab.scheme_document", name=name, suffix=s)


def downloads(name: str) -> list[dict[str, str]]:
    """The page's other forms: each RDF syntax, then CSV."""
    csv = url_for("vocab.scheme_document", name=name, suffix="csv")
    return [*alternates(suffix_url(name)), {"name": "CSV", "type": CSV, "href": csv}]

"""Pages for providers: the submission page (a guided form or the raw description; sign in
with a token, check, publish) and a record's versions with the difference between two of them.

Thin views: the form's values become Turtle in ``records.form_build`` and a description
becomes the form's values in ``records.form_fill``; checking and publishing are the API's
own ``submission.check_for`` and ``publish``. Everything works without JavaScript: each
button posts the form and the server renders the result.

Publishing never overwrites silently: a description opened from a record carries that
version's entity tag and is published as a replace guarded by it (``If-Match``, 412 when
the record changed meanwhile); a new one is published as a create (409 when the dataset
is registered already), each with a link to the record to open.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, render_template, request
from werkzeug.datastructures import FileStorage

from registry.errors import EmptyBody, InvalidDescription, NotFound, RegistryError
from registry.rdf import formats, readable
from registry.records import history
from registry.records.audit import Author
from registry.records.form_build import describe
from registry.records.form_fields import (
    DATASET_FIELDS,
    DISTRIBUTION_FIELDS,
    Form,
    FormProblems,
)
from registry.records.form_fill import fill
from registry.records.submission import check_for, publish
from registry.web.context import get_accounts, get_records
from registry.web.report import report_groups
from registry.web.submission_choices import choices, code_sets, registered, sample_files

provider_pages = Blueprint("provider_pages", __name__)
TURTLE = formats.SYNTAXES[0]


def form_body() -> tuple[bytes, formats.RdfSyntax]:
    """The uploaded file (its suffix names the syntax) or the pasted text (syntax chosen)."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        return upload.read(), formats.syntax_for_path(Path(upload.filename))
    return request.form.get("text", "").encode("utf-8"), formats.syntax_for_media_type(
        request.form.get("syntax", "text/turtle")
    )


@provider_pages.route("/submit", methods=["GET", "POST"])
def submit_page() -> Response:
    shown = form_outcome() if request.method == "POST" else start()
    status = int(shown.pop("status", 200))
    shown.setdefault("view", "form")
    shown.setdefault("form", Form())
    shown.setdefault("text", request.form.get("text", ""))
    shown.setdefault("syntax", request.form.get("syntax", "text/turtle"))
    for kept in ("record", "if_match"):
        shown.setdefault(kept, request.form.get(kept, ""))
    page = render_template(
        "submit.html",
        syntaxes=formats.DOCUMENT_SYNTAXES,
        choices=choices(),
        samples=[path.name for path in sample_files()],
        dataset_fields=DATASET_FIELDS,
        distribution_fields=DISTRIBUTION_FIELDS,
        **shown,
    )
    response = Response(page, status=status)
    # The page carries the provider's token back into the form: never cache it.
    response.headers["Cache-Control"] = "no-store"
    return response


def start() -> dict[str, Any]:
    """The page's starting point: a stored record (with its entity tag), a sample, the
    raw view, or an empty form."""
    record_id, sample = request.args.get("record"), request.args.get("sample")
    raw = request.args.get("view") == "turtle"
    if record_id:
        triples, etag = history.for_editing(get_records(), record_id)
        opened = {"record": record_id, "if_match": etag}
        if raw:
            return {**opened, "view": "turtle", "text": readable.turtle(triples).decode()}
        return {**opened, "form": filled(triples)}
    if sample:
        found = [path for path in sample_files() if path.name == sample]
        if not found:
            raise NotFound(f"There is no sample {sample!r}; the samples are listed on /submit.")
        data = found[0].read_bytes()
        return {"form": filled(formats.parse(data, formats.syntax_for_path(found[0])))}
    return {"view": "turtle" if raw else "form"}


def filled(triples: list[Any]) -> Form:
    return fill(triples, code_sets(), {iri for iri, _ in registered()})


def posted_view() -> str:
    """The view the page was posted from; a post without one (a script, a saved page of
    the raw box) that carries a description's text or file is the raw view."""
    view = request.form.get("view")
    if view in ("form", "turtle"):
        return view
    return "turtle" if "text" in request.form or "file" in request.files else "form"


def description() -> tuple[bytes, formats.RdfSyntax, dict[str, Any]]:
    """What the page sends: the form's values built into Turtle, or the raw description."""
    if posted_view() == "turtle":
        data, syntax = form_body()
        # An uploaded file comes back as text, so Publish after Check sends it again.
        shown = {"text": data.decode("utf-8", errors="replace"), "syntax": syntax.media_type}
        return data, syntax, {**shown, "view": "turtle"}
    data, form = describe(request.form.to_dict(flat=False))
    return data, TURTLE, {"form": form, "text": data.decode("utf-8")}


def form_outcome() -> dict[str, Any]:
    """Do what the pressed button asks; a refusal is shown, never raised."""
    action = request.form.get("action", "check")
    shown: dict[str, Any] = {"view": posted_view()}
    try:
        if action in ("turtle", "form", "load"):
            return switched(action)
        provider = get_accounts().authenticate(request.form.get("token", "").strip())
        data, syntax, shown = description()
        if action == "publish":
            return published(provider, data, syntax, shown)
        report = check_for(get_records(), data, syntax).report
        return {**shown, "report": report, "groups": report_groups(report), "clean": True}
    except FormProblems as problems:
        form = Form(request.form.to_dict(flat=False), problems.problems)
        return {"form": form, "error": problems.to_dict(), "status": problems.status}
    except InvalidDescription as refused:
        report = refused.report
        return {**shown, "report": report, "groups": report_groups(report), "status": 422}
    except RegistryError as error:
        if action == "publish" and not error.audited:
            # Refused before it reached the records (a bad token, an unreadable body).
            get_records().audit.log(
                Author("anonymous"), "publish", None, None, None, "refused", error.status
            )
        if "form" not in shown:
            shown["form"] = Form(request.form.to_dict(flat=False))
        return {**shown, "error": error.to_dict(), "status": error.status}


def published(provider: Any, data: bytes, syntax: formats.RdfSyntax, shown: dict[str, Any]):
    """Publish as a replace of the record the page was opened from, guarded by the entity
    tag it started with, or as a create; the page then holds the new version's tag."""
    record_id, if_match = request.form.get("record") or None, request.form.get("if_match")
    written, report = publish(
        get_records(), provider, data, syntax, "publish", record_id, if_match or None
    )
    return {
        **shown,
        "report": report,
        "groups": report_groups(report),
        "written": written,
        "record": written.record_id,
        "if_match": written.etag,
    }


def switched(action: str) -> dict[str, Any]:
    """Change views without checking anything: the form as Turtle, a description (pasted
    or an uploaded draft, such as ``registry dicom scan`` writes) into the form."""
    if action == "turtle":
        data, form = describe(request.form.to_dict(flat=False))
        return {"view": "turtle", "text": data.decode("utf-8"), "form": form}
    if action == "load":
        upload: FileStorage | None = request.files.get("draft")
        if upload is None or not upload.filename:
            raise EmptyBody("Choose the draft file to start from (.ttl or .jsonld).")
        data, syntax = upload.read(), formats.syntax_for_path(Path(upload.filename))
    else:
        data, syntax = form_body()
    return {"view": "form", "form": filled(formats.parse(data, syntax))}


@provider_pages.get("/records/<record_id>/versions")
def versions_page(record_id: str) -> str:
    records = get_records()
    found = history.versions(records, record_id)
    numbers = [v["number"] for v in found["versions"]]
    first = request.args.get("from", type=int) or (numbers[-2] if len(numbers) > 1 else None)
    second = request.args.get("to", type=int) or numbers[-1]
    changes = history.diff(records, record_id, first, second) if first else None
    return render_template(
        "versions.html", id=record_id, found=found, first=first, second=second, changes=changes
    )

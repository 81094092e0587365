"""Pages for providers: the submission form (sign in with a token, check, publish) and a
record's versions with the difference between two of them. Thin views over ``submission.publish``
and ``history``."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, render_template, request

from registry.errors import InvalidDescription, RegistryError
from registry.rdf import formats
from registry.records import history
from registry.records.audit import Author
from registry.records.submission import check_for, publish
from registry.web.context import get_accounts, get_records
from registry.web.report import report_groups

provider_pages = Blueprint("provider_pages", __name__)


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
    outcome = form_outcome() if request.method == "POST" else {}
    status = int(str(outcome.pop("status", 200)))
    outcome.setdefault("text", request.form.get("text", ""))
    outcome.setdefault("syntax", request.form.get("syntax", "text/turtle"))
    page = render_template("submit.html", syntaxes=formats.DOCUMENT_SYNTAXES, **outcome)
    response = Response(page, status=status)
    # The page carries the provider's token back into the form: never cache it.
    response.headers["Cache-Control"] = "no-store"
    return response


def form_outcome() -> dict[str, object]:
    """Check or publish what the form sent; a refusal is shown, never raised."""
    records = get_records()
    shown: dict[str, object] = {}
    try:
        provider = get_accounts().authenticate(request.form.get("token", "").strip())
        data, syntax = form_body()
        # An uploaded file comes back as text, so Publish after Check sends it again.
        shown = {"text": data.decode("utf-8", errors="replace"), "syntax": syntax.media_type}
        if request.form.get("action") == "publish":
            written, report = publish(records, provider, data, syntax, "publish")
            return {**shown, "report": report, "groups": report_groups(report), "written": written}
        report = check_for(records, data, syntax).report
        return {**shown, "report": report, "groups": report_groups(report), "clean": True}
    except InvalidDescription as refused:
        report = refused.report
        return {**shown, "report": report, "groups": report_groups(report), "status": 422}
    except RegistryError as error:
        if request.form.get("action") == "publish" and not error.audited:
            # Refused before it reached the records (a bad token, an unreadable body).
            records.audit.log(
                Author("anonymous"), "publish", None, None, None, "refused", error.status
            )
        return {**shown, "error": error.to_dict(), "status": error.status}


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

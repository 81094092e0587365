"""A validation report arranged for people: grouped by node, each result with the property's
label, the offending value and what to do (the shapes' messages say how to fix), with the
code lists and codes a message names linked to their pages."""

from __future__ import annotations

import re
from typing import Any

from flask import url_for

from registry.profile.fields import label_for
from registry.profile.messages import CODE_LIST_PAGE
from registry.profile.validation import Report
from registry.rdf.namespaces import compact
from registry.web.context import get_catalogue, get_shapes
from registry.web.vocabularies import concept_href

NAME = r"(?P<name>[a-z0-9-]+)"
CODE_LIST = r"(?<![\w/.:-])" + re.escape(CODE_LIST_PAGE).replace(r"\{name\}", NAME)
LINKED = re.compile(r"<(?P<iri>https?://[^<>\s]+)>|" + CODE_LIST)
"""What a message names that the registry has a page for: an IRI in angle brackets (a code,
a code list) or a code list's page (``profile.messages.CODE_LIST_PAGE``)."""


def report_groups(report: Report) -> list[dict[str, Any]]:
    """Return one group per focus node, Violations first, in the report's order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for result in report.results:
        groups.setdefault(result.focus, []).append(
            {
                "severity": result.severity,
                "property": label_for(result.path) if result.path else "(the node itself)",
                "path": compact(result.path) if result.path else "",
                "value": result.value,
                "message": result.message,
                "parts": message_parts(result.message),
            }
        )
    return [{"node": node, "results": results} for node, results in groups.items()]


def message_parts(message: str) -> list[tuple[str, str | None]]:
    """The message as (text, link) pieces: codes and code lists the registry has a page for
    are linked, everything else is text."""
    parts: list[tuple[str, str | None]] = []
    at = 0
    for match in LINKED.finditer(message):
        href = link_for(match)
        if href is None:
            continue
        parts.append((message[at : match.start()], None))
        parts.append((match.group(0), href))
        at = match.end()
    parts.append((message[at:], None))
    return [part for part in parts if part[0]]


def link_for(match: re.Match[str]) -> str | None:
    """The registry's page of what a message names, if it has one."""
    code_lists = get_shapes().code_lists
    if match.group("name"):
        known = code_lists.named(match.group("name"))
        return url_for("vocab.scheme_page", name=known.name) if known else None
    iri = match.group("iri")
    scheme = code_lists.by_scheme.get(iri)
    if scheme is not None:
        return url_for("vocab.scheme_page", name=scheme.name)
    return concept_href(iri) if iri in get_catalogue().labels else None

"""Labels from data (titles, concept labels) in the visitor's languages, with fallback.

The visitor's languages come in order (``web.languages`` reads them from the request);
labels fall back visibly: the chosen text keeps its own ``lang`` so the page can say it is
not in the visitor's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT = "en"


@dataclass(frozen=True)
class Label:
    """A text and the language it is in ('' when untagged)."""

    text: str
    language: str = ""


def pick_label(texts: dict[str, str], preferred: Sequence[str]) -> Label:
    """The text in the first preferred language, else English, untagged, any (sorted)."""
    for language in (*preferred, DEFAULT, ""):
        if language in texts:
            return Label(texts[language], language)
    if not texts:
        return Label("")
    language = sorted(texts)[0]
    return Label(texts[language], language)


def shown_iri(iri: str) -> str:
    """An IRI as link text when nothing names it: without its scheme, so that a visitor reads
    where it leads (``data.europa.eu/eli/reg/2025/327/oj``), not its last segment ("oj")."""
    return iri.split("://", 1)[1].removeprefix("www.") if "://" in iri else iri

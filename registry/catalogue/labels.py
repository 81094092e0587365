"""Languages: which one a visitor reads, the interface strings in it, labels with fallback.

The interface language is the first of the visitor's languages (``?lang=`` first, then
``Accept-Language``) that has a message catalogue (``templates/messages/<tag>.json``);
English is complete and every other catalogue falls back to it key by key. Labels from data
(titles, concept labels) follow the same order and fall back visibly: the chosen text keeps
its own ``lang`` so the page can say it is not in the visitor's language.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from registry.resources import resource_dir

DEFAULT = "en"


@cache
def catalogues() -> dict[str, dict[str, str]]:
    """Language tag -> key -> interface string, read once from ``templates/messages``."""
    folder = resource_dir("templates") / "messages"
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.json"))
    }


def interface_language(preferred: Sequence[str]) -> str:
    """The first preferred language with a message catalogue, else English."""
    known = catalogues()
    return next((language for language in preferred if language in known), DEFAULT)


@dataclass(frozen=True)
class Messages:
    """The interface strings of one language, English where a key is missing."""

    language: str

    def __call__(self, key: str, **values: object) -> str:
        known = catalogues()
        text = known.get(self.language, {}).get(key) or known[DEFAULT][key]
        return text.format(**values) if values else text

    def language_name(self, tag: str) -> str:
        """A language's own name for itself (for the switcher)."""
        return catalogues()[tag]["language_name"]


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


def preferred_languages(chosen: str | None, accepted: Sequence[str]) -> list[str]:
    """The visitor's languages, in order: the one chosen in the URL, then the browser's."""
    languages = [chosen.lower()] if chosen and chosen.isalpha() else []
    for tag in accepted:
        primary = tag.split("-", 1)[0].lower()
        if primary.isalpha() and primary not in languages:
            languages.append(primary)
    return languages or [DEFAULT]

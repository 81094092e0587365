"""Interface languages: which one a visitor reads, and the interface strings in it.

The interface language is the first of the visitor's languages (``?lang=`` first, then
``Accept-Language``) that has a message catalogue (``templates/messages/<tag>.json``);
English is complete and every other catalogue falls back to it key by key.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from registry.catalogue.labels import DEFAULT
from registry.resources import resource_dir


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


def preferred_languages(chosen: str | None, accepted: Sequence[str]) -> list[str]:
    """The visitor's languages, in order: the one chosen in the URL, then the browser's."""
    languages = [chosen.lower()] if chosen and chosen.isalpha() else []
    for tag in accepted:
        primary = tag.split("-", 1)[0].lower()
        if primary.isalpha() and primary not in languages:
            languages.append(primary)
    return languages or [DEFAULT]

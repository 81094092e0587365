"""Words as the search index keeps them: split, case- and accent-folded, stemmed per language.

The index and the query side must agree on every word, so both go through here. A text is
normalised in the language of its literal (``"Brustkrebs"@de`` by the German stemmer); a
typed word's language is unknown, so it is looked up in every form it may have: folded,
and stemmed by each language the catalogue has a stemmer for. Stemming first and folding
accents after keeps the stemmers' own rules (the French stemmer reads accents).

Stemmers: ``snowballstemmer`` (PyPI; the Snowball project's algorithms, pure Python, no
compiled part, BSD): 30-odd languages including every EU language with a Snowball stemmer
(not Bulgarian, Croatian, Latvian, Maltese, Slovak, Slovenian: those are folded only).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import snowballstemmer

STEMMERS = {
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "et": "estonian",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hu": "hungarian",
    "it": "italian",
    "lt": "lithuanian",
    "nl": "dutch",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "sv": "swedish",
}
"""Language tag -> Snowball algorithm."""
UNTAGGED = "en"
"""Untagged text (keywords, codes, names) is read as English, the catalogue's default."""
TOKEN = re.compile(r"\w+(?:[./]\d+)*", re.UNICODE)
"""A word, or a code with its dots or slashes (C22.0, 8170/3: kept as one word)."""
CODE_MARKS = re.compile(r"[./]")


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower case without accents (``Pulmón`` -> ``pulmon``, ``ß`` -> ``ss``)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def normal(word: str, language: str) -> str:
    """One word as the index keeps it in ``language``: stemmed, then folded.

    Words with digits are codes or numbers: folded, with the dots of codes left out.
    """
    lowered = word.casefold()
    if any(c.isdigit() for c in lowered):
        return CODE_MARKS.sub("", fold(lowered))
    algorithm = STEMMERS.get(language.split("-")[0].lower() or UNTAGGED)
    if algorithm is not None:
        lowered = _stemmer(algorithm).stemWord(lowered)
    return fold(lowered)


@cache
def _stemmer(algorithm: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(algorithm)


def words(text: str) -> list[str]:
    """The words of a text, as written."""
    return TOKEN.findall(text)


def terms(text: str, language: str) -> list[str]:
    """The index terms of a text in ``language``, in order (phrases keep their positions)."""
    return [normal(word, language) for word in TOKEN.findall(text)]


@lru_cache(maxsize=20_000)
def forms(word: str) -> tuple[str, ...]:
    """Every index term a typed word may stand for: folded, and stemmed in each language."""
    found = {normal(word, "zxx"), *(normal(word, language) for language in STEMMERS)}
    return tuple(sorted(found))

"""What a search asks (``Query``), what it answers (``Hits``), the typed text as FTS5
clauses (``parse``), and the SQL for ranges.

The facet side of a search is in ``bitmaps``; ``SearchIndex.search`` puts the parts together.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field, replace
from typing import Any

from registry.catalogue.index.bitmaps import bitmap
from registry.catalogue.index.words import STEMMERS, fold, forms, normal, terms, words

SORTS = {
    "newest": "e.modified DESC, e.rid DESC",
    "title": "e.title_key ASC, e.rid ASC",
    "largest": "e.individuals DESC, e.rid DESC",
}
"""Sort name -> ORDER BY clause (each backed by an index); ``relevance`` needs a text query."""
LANGUAGES = ("zxx", *STEMMERS)
"""A phrase's words are looked up folded (``zxx``: no stemmer) and in each stemmed form."""


@dataclass(frozen=True)
class Query:
    """A search: text, selected facet values, ranges, sort and page (all from the URL)."""

    text: str = ""
    selected: tuple[tuple[str, tuple[str, ...]], ...] = ()
    individuals: tuple[int | None, int | None] = (None, None)
    ages: tuple[int | None, int | None] = (None, None)
    sort: str = "newest"
    page: int = 1

    @property
    def filtered(self) -> bool:
        return bool(self.text.strip() or self.selected or any(self.individuals + self.ages))


@dataclass(frozen=True)
class Hits:
    """One page of a search's results, with the number of hits and the facet counts."""

    total: int
    cards: list[dict[str, Any]]
    counts: dict[str, dict[str, int]]
    """Facet -> value -> datasets among the hits."""
    scores: list[float] = field(default_factory=list)
    """Relevance of each card (sorted by relevance): words matched, plus BM25 squashed
    into [0, 1); empty for other sorts."""
    corrected: dict[str, str] = field(default_factory=dict)
    """Typed word -> the known word searched instead (it matched nothing)."""
    unmatched: list[str] = field(default_factory=list)
    """Typed words no dataset has, left out because others matched."""


MUST, SHOULD, NOT = "must", "should", "not"
CHUNK = re.compile(r'(-?)"([^"]*)"?|(\S+)')
MAX_CLAUSES = 12
"""Parts of a typed query beyond this many are ignored (the text is 200 characters at most)."""


@dataclass(frozen=True)
class Clause:
    """One part of a typed query: a word, a quoted phrase, or alternatives joined by ``OR``.

    A quoted phrase must match, ``-word`` must not, and of the plain words enough must
    (``required``): a long query stays precise without being all-or-nothing.
    """

    text: str
    """As typed (``prostate``, ``"lung cancer"``, ``CT OR MR``)."""
    expression: str
    """The FTS5 expression matching it (the typed text never reaches FTS5 as syntax)."""
    kind: str = SHOULD
    words: tuple[str, ...] = ()
    """The typed words (a single-word clause is a candidate for spelling correction)."""

    @property
    def correctable(self) -> bool:
        return len(self.words) == 1 and self.words[0].isalpha() and "*" not in self.text


def word_clause(word: str, kind: str = SHOULD) -> Clause:
    """A typed word, matching any of its forms (folded, or stemmed in any language)."""
    expression = " OR ".join(f'"{form}"' for form in forms(word))
    return Clause(word, f"({expression})", kind, (word,))


def phrase_clause(text: str, kind: str) -> Clause | None:
    """Words that must follow each other, in any one language's forms."""
    typed = words(text)
    if not typed:
        return None
    if len(typed) == 1:
        return replace(word_clause(typed[0], kind), text=text)
    variants = {" ".join(normal(w, language) for w in typed) for language in LANGUAGES}
    expression = " OR ".join(f'"{variant}"' for variant in sorted(variants))
    return Clause(text, f"({expression})", kind, tuple(typed))


def with_synonyms(clause: Clause, labels: list[tuple[str, str]]) -> Clause:
    """The clause, also matching these labels (each a phrase in its own language)."""
    if not labels or clause.kind == MUST or len(clause.words) != len(words(clause.text)):
        return clause
    phrases = {" ".join(terms(text, language)) for language, text in labels}
    either = " OR ".join(f'"{phrase}"' for phrase in sorted(phrases) if phrase)
    return replace(clause, expression=f"({clause.expression} OR {either})")


def chunk_clause(chunk: str) -> Clause | None:
    """One unquoted chunk: a word, ``word*`` (a prefix), ``-word``, or ``PET-CT`` (a phrase)."""
    kind = NOT if chunk.startswith("-") and len(chunk) > 1 else SHOULD
    chunk = chunk[1:] if kind == NOT else chunk
    typed = words(chunk)
    if len(typed) == 1 and chunk.endswith("*") and len(typed[0]) >= 2:
        return Clause(chunk, f'"{fold(typed[0])}"*', kind, (typed[0],))
    if len(typed) == 1:
        return word_clause(typed[0], kind)
    return phrase_clause(chunk, kind)


def parse(text: str) -> list[Clause]:
    """The clauses of a typed query: ``"a phrase"``, ``-word``, ``a OR b``, ``pre*``, words."""
    clauses: list[Clause] = []
    joining = False
    for match in CHUNK.finditer(text):
        negated, quoted, chunk = match.groups()
        if chunk == "OR" and clauses:
            joining = True
            continue
        if quoted is not None:
            clause = phrase_clause(quoted, NOT if negated else MUST)
        else:
            clause = chunk_clause(chunk)
        if clause is None:
            continue
        if joining and clause.kind != NOT and clauses[-1].kind != NOT:
            before = clauses.pop()
            clause = Clause(
                f"{before.text} OR {clause.text}",
                f"({before.expression} OR {clause.expression})",
                SHOULD,
                before.words + clause.words,
            )
        joining = False
        clauses.append(clause)
    return clauses[:MAX_CLAUSES]


def required(should: int) -> int:
    """How many of ``should`` plain words a dataset must match (minimum should match):
    all of one or two, all but one of three or four, 70 % of more."""
    if should <= 2:
        return should
    if should <= 4:
        return should - 1
    return -(-should * 7 // 10)


def range_hits(connection: sqlite3.Connection, query: Query) -> int:
    """The bitmap of datasets within the query's ranges (all bits set when it has none)."""
    ranges = [
        (column, operator, bound)
        for column, operator, bound in (
            ("individuals", ">=", query.individuals[0]),
            ("individuals", "<=", query.individuals[1]),
            # An age range matches datasets whose typical ages overlap it.
            ("max_age", ">=", query.ages[0]),
            ("min_age", "<=", query.ages[1]),
        )
        if bound is not None
    ]
    if not ranges:
        return -1  # every bit set
    tests = " AND ".join(f"{column} {operator} ?" for column, operator, _ in ranges)
    rows = connection.execute(
        f"SELECT rid FROM entry WHERE kind = 'dataset' AND {tests}",
        [bound for _, _, bound in ranges],
    )
    return bitmap(rid for (rid,) in rows)

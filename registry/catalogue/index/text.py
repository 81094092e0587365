"""What typed words match in the search index: each clause's datasets as a bitmap (cached
until the next write), misspelt words corrected to the index's own words, and vocabulary
labels standing for each other (``NSCLC`` for "non-small cell lung cancer").

``SearchIndex`` owns the file and builds one ``TextSearch`` over its connections; the
clauses come from ``query.parse``, their combination is ``matching``'s, the order
``ranking``'s.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import replace

from registry.catalogue.index.matching import ClauseCache, TextMatch
from registry.catalogue.index.query import SHOULD, parse, with_synonyms, word_clause
from registry.catalogue.index.spelling import Speller
from registry.catalogue.index.words import fold

PREFIX = 3
"""A last word that matches nothing is tried as a prefix if it has this many letters."""
CORRECTIONS = 2000
"""Typed words whose corrections are kept (all are forgotten at the next write)."""


class TextSearch:
    """Typed words against one index file (its connection, write generation and size)."""

    def __init__(
        self,
        connection: Callable[[], sqlite3.Connection],
        generation: Callable[[], int],
        datasets: Callable[[], int],
    ) -> None:
        self._connection = connection
        self._generation = generation
        self._datasets = datasets
        self._clauses = ClauseCache()
        self._speller: tuple[int, Speller] | None = None
        self._corrections: tuple[int, dict[str, str | None]] = (-1, {})

    def bits(self, expression: str) -> int:
        """The datasets an FTS5 expression matches (kept until the next write)."""
        return self._clauses.bits(self._connection(), self._generation(), expression)

    def match(self, text: str) -> TextMatch | None:
        """The datasets each clause of a typed text matches, with misspelt words (that
        match nothing) replaced by the closest known word; None for no words."""
        clauses = parse(text)
        if not clauses:
            return None
        corrected: list[tuple[str, str]] = []
        bits: list[int] = []
        for i, clause in enumerate(clauses):
            clause = clauses[i] = with_synonyms(clause, self.synonyms(" ".join(clause.words)))
            found = self.bits(clause.expression)
            if not found and clause.kind == SHOULD and clause.correctable:
                if i == len(clauses) - 1 and len(clause.words[0]) >= PREFIX:
                    # The last word may be cut short ("prost"): try it as a prefix first.
                    prefix = replace(clause, expression=f'"{fold(clause.words[0])}"*')
                    found = self.bits(prefix.expression)
                    clauses[i] = prefix if found else clause
            if not found and clause.kind == SHOULD and clause.correctable:
                better = self.correction(clause.words[0])
                if better is not None:
                    clauses[i] = replace(word_clause(better, clause.kind), text=clause.text)
                    corrected.append((clause.words[0], better))
                    found = self.bits(clauses[i].expression)
            bits.append(found)
        return TextMatch(tuple(clauses), tuple(bits), self._datasets(), tuple(corrected))

    def correction(self, word: str) -> str | None:
        """The known word a word that matches nothing is corrected to (kept until a write)."""
        generation, known = self._corrections
        if generation != self._generation() or len(known) > CORRECTIONS:
            known = {}
            self._corrections = (self._generation(), known)
        if word not in known:
            known[word] = self.speller().correct(word, self.term_datasets)
        return known[word]

    def speller(self) -> Speller:
        """The catalogue's words for correcting typos (re-read when new words arrive)."""
        connection = self._connection()
        (count,) = connection.execute("SELECT COUNT(*) FROM word").fetchone()
        held = self._speller
        if held is None or held[0] != count:
            held = (count, Speller(dict(connection.execute("SELECT word, term FROM word"))))
            self._speller = held
        return held[1]

    def term_datasets(self, term: str) -> int:
        """How many datasets have this index term."""
        row = (
            self._connection()
            .execute("SELECT doc FROM text_terms WHERE term = ?", (term,))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def synonyms(self, typed: str) -> list[tuple[str, str]]:
        """The (language, label) pairs a typed label also stands for (none for most text)."""
        row = (
            self._connection()
            .execute("SELECT labels FROM synonym WHERE label = ?", (fold(typed),))
            .fetchone()
        )
        return [] if row is None else [(language, text) for language, text in json.loads(row[0])]

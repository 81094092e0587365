"""Correcting a typed word to the closest word the catalogue holds.

Candidates share letter trigrams with the typed word (an in-memory trigram index over the
index's ``word`` table, tens of thousands of words at 100,000 records); the closest by
optimal-string-alignment distance (a swap of two letters counts one) wins, the word in more
datasets breaking ties. This was chosen over FTS5's ``trigram`` tokenizer (it finds
substrings, not near words) and ``spellfix1`` (a loadable extension that Python's
``sqlite3`` builds do not ship): it is a few dozen lines and measured in
``tests/catalogue/test_judged.py``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from registry.catalogue.index.words import fold

CANDIDATES = 60
"""Words sharing the most trigrams with the typed word that are compared letter by letter."""


def allowed_distance(word: str) -> int:
    """Edits allowed to correct a word: none below four letters, one up to five, else two."""
    return 0 if len(word) < 4 else 1 if len(word) <= 5 else 2


def trigrams(word: str) -> set[str]:
    padded = f"$${word}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance of ``a`` and ``b``, or ``limit + 1`` if above."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


class Speller:
    """The catalogue's words (folded, as written) with their index terms."""

    def __init__(self, words: dict[str, str]) -> None:
        self.words = words
        self._by_trigram: dict[str, list[str]] = {}
        for word in words:
            for gram in trigrams(word):
                self._by_trigram.setdefault(gram, []).append(word)

    def candidates(self, typed: str, limit: int) -> list[tuple[int, str]]:
        """(distance, word) of the known words within ``limit`` edits of ``typed``."""
        shared: Counter[str] = Counter()
        for gram in trigrams(typed):
            shared.update(self._by_trigram.get(gram, ()))
        near = (word for word, _ in shared.most_common(CANDIDATES) if word != typed)
        found = [(distance(typed, word, limit), word) for word in near]
        return [(d, word) for d, word in found if d <= limit]

    def correct(self, typed: str, datasets: Callable[[str], int], extra: int = 0) -> str | None:
        """The known word closest to ``typed`` that some dataset has, or None.

        ``datasets(term)`` says how many datasets have an index term; ``extra`` allows
        more edits than a silent correction would (for a suggestion).
        """
        folded = fold(typed)
        limit = allowed_distance(folded) + extra if allowed_distance(folded) else 0
        if not limit:
            return None
        ranked = sorted(
            (d, -datasets(self.words[word]), word) for d, word in self.candidates(folded, limit)
        )
        return next((word for _, negative, word in ranked if negative < 0), None)

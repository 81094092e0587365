"""Typed words against the index: which datasets match (the order is ``ranking``'s).

Each clause of a query (``query.parse``) is matched by FTS5 once and kept as a bitmap of
datasets, so that combining them is big-integer arithmetic: quoted phrases must match,
``-words`` must not, and of the plain words a dataset must match ``query.required(n)``,
counting only the words that tell datasets apart (in at most half of them, ``COMMON``).
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass

from registry.catalogue.index.bitmaps import bitmap
from registry.catalogue.index.query import MUST, NOT, SHOULD, Clause, required

COMMON = 0.5
"""Clauses matching more than this share of all datasets neither count towards the minimum
nor take part in BM25 (whose inverse document frequency is about zero for them anyway)."""


class ClauseCache:
    """FTS5 expression -> bitmap of the rows matching it, for one index generation.

    A common word's rows take tens of milliseconds to read at 100,000 records; people
    repeat words, so the bitmaps are kept (a few hundred, about 12 kB each at that size)
    until the next write.
    """

    def __init__(self, limit: int = 512) -> None:
        self.limit = limit
        self.generation = -1
        self._bits: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()

    def bits(self, connection: sqlite3.Connection, generation: int, expression: str) -> int:
        with self._lock:
            if generation != self.generation:
                self._bits.clear()
                self.generation = generation
            found = self._bits.get(expression)
            if found is not None:
                self._bits.move_to_end(expression)
                return found
        rows = connection.execute("SELECT rowid FROM text WHERE text MATCH ?", (expression,))
        found = bitmap(rid for (rid,) in rows)
        with self._lock:
            if generation == self.generation:
                self._bits[expression] = found
                while len(self._bits) > self.limit:
                    self._bits.popitem(last=False)
        return found


def exactly(bits: list[int], universe: int) -> list[int]:
    """``result[k]``: the datasets of ``universe`` in exactly ``k`` of ``bits``."""
    tiers = [universe] + [0] * len(bits)
    for b in bits:
        for k in range(len(tiers) - 1, 0, -1):
            tiers[k] = (tiers[k] & ~b) | (tiers[k - 1] & b)
        tiers[0] &= ~b
    return tiers


@dataclass(frozen=True)
class TextMatch:
    """A query's clauses and the datasets each matches."""

    clauses: tuple[Clause, ...]
    bits: tuple[int, ...]
    datasets: int
    """How many datasets the catalogue has (a clause in more than half of them is common)."""
    corrected: tuple[tuple[str, str], ...] = ()
    """(typed word, known word searched instead)."""

    def common(self, bits: int) -> bool:
        return bits.bit_count() > COMMON * self.datasets

    def of(self, kind: str) -> list[tuple[Clause, int]]:
        return [(c, b) for c, b in zip(self.clauses, self.bits, strict=True) if c.kind == kind]

    def hits(self, universe: int) -> int:
        """The datasets of ``universe`` this text matches."""
        hits = universe
        for _, bits in self.of(MUST):
            hits &= bits
        for _, bits in self.of(NOT):
            hits &= ~bits
        # Words in most datasets ("cancer", "du") do not count towards the minimum: they
        # would let "cancer du poumon" match every "cancer du sein". They still rank. Nor do
        # words no dataset has, beside words some have ("IRM prostate"): the page says so.
        should = [bits for _, bits in self.of(SHOULD) if bits] or [b for _, b in self.of(SHOULD)]
        telling = [bits for bits in should if not self.common(bits)] or should
        if telling:
            tiers = exactly(telling, hits)
            hits = 0
            for tier in tiers[required(len(telling)) :]:
                hits |= tier
        return hits

    @property
    def unmatched(self) -> list[str]:
        """The plain words no dataset has, when other words match (they were left out)."""
        should = self.of(SHOULD)
        if not any(bits for _, bits in should):
            return []
        return [clause.text for clause, bits in should if not bits]

    def without(self, index: int) -> TextMatch:
        """The same text without one clause."""
        keep = [i for i in range(len(self.clauses)) if i != index]
        return TextMatch(
            tuple(self.clauses[i] for i in keep),
            tuple(self.bits[i] for i in keep),
            self.datasets,
            self.corrected,
        )

    def tiers(self, hits: int) -> list[tuple[int, int]]:
        """(words matched, datasets) of the hits, most words first."""
        should = [bits for _, bits in self.of(SHOULD)]
        tiers = exactly(should, hits)
        return [(k, tiers[k]) for k in range(len(tiers) - 1, -1, -1) if tiers[k]]

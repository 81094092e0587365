"""Typed words against the index: which datasets match, and in which order.

Each clause of a query (``query.parse``) is matched by FTS5 once and kept as a bitmap of
datasets, so that combining them is big-integer arithmetic: quoted phrases must match,
``-words`` must not, and of the plain words a dataset must match ``query.required(n)``.
Relevance orders by how many plain words a dataset matches, then by FTS5's BM25 with
field weights (title, keywords, description, concept labels, broader concepts' labels).
BM25 is computed only over the clauses that tell datasets apart: a word in more than half
of them has an inverse document frequency of about zero in BM25 anyway (FTS5 clamps it to
1e-6), and leaving it out spares scoring every dataset for "cancer".
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass

from registry.catalogue.index.bitmaps import bitmap, positions
from registry.catalogue.index.query import MUST, NOT, SHOULD, Clause, required

WEIGHTS = (8.0, 4.0, 2.0, 1.0, 0.5)
"""BM25 weight of each text column: title, keywords, description, concepts, broader."""
COMMON = 0.5
"""Clauses matching more than this share of all datasets do not take part in BM25."""
MAX_COMBINATIONS = 20
"""A lower tier's BM25 expression lists the combinations of its words up to this many."""
BM25 = f"bm25(text, {', '.join(str(w) for w in WEIGHTS)})"


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
    corrected: tuple[tuple[str, str], ...] = ()
    """(typed word, known word searched instead)."""

    def of(self, kind: str) -> list[tuple[Clause, int]]:
        return [(c, b) for c, b in zip(self.clauses, self.bits, strict=True) if c.kind == kind]

    def hits(self, universe: int) -> int:
        """The datasets of ``universe`` this text matches."""
        hits = universe
        for _, bits in self.of(MUST):
            hits &= bits
        for _, bits in self.of(NOT):
            hits &= ~bits
        should = [bits for _, bits in self.of(SHOULD)]
        if should:
            tiers = exactly(should, hits)
            hits = 0
            for tier in tiers[required(len(should)) :]:
                hits |= tier
        return hits

    def without(self, index: int) -> TextMatch:
        """The same text without one clause."""
        keep = [i for i in range(len(self.clauses)) if i != index]
        return TextMatch(
            tuple(self.clauses[i] for i in keep), tuple(self.bits[i] for i in keep), self.corrected
        )

    def tiers(self, hits: int) -> list[tuple[int, int]]:
        """(words matched, datasets) of the hits, most words first."""
        should = [bits for _, bits in self.of(SHOULD)]
        tiers = exactly(should, hits)
        return [(k, tiers[k]) for k in range(len(tiers) - 1, -1, -1) if tiers[k]]


def ranked_page(
    connection: sqlite3.Connection,
    match: TextMatch,
    hits: int,
    datasets: int,
    newest: dict[int, int],
    window: tuple[int, int],
) -> list[tuple[int, float]]:
    """The (rid, score) of the hits in ``window`` (offset, size) in relevance order.

    ``datasets`` is how many there are (for "common"), ``newest`` each dataset's place
    in the newest-first order (ties). Only the tiers the window reaches are scored.
    """
    offset, size = window
    page: list[tuple[int, float]] = []
    seen = 0
    for words, tier in match.tiers(hits):
        count = tier.bit_count()
        if seen + count <= offset:
            seen += count
            continue
        ordered = _order_tier(connection, match, words, tier, datasets, newest)
        start = max(0, offset - seen)
        page.extend(ordered[start : start + size - len(page)])
        seen += count
        if len(page) >= size:
            break
    return page


def _order_tier(
    connection: sqlite3.Connection,
    match: TextMatch,
    words: int,
    tier: int,
    datasets: int,
    newest: dict[int, int],
) -> list[tuple[int, float]]:
    """One tier's datasets by BM25 (best first, then newest), each with its score."""
    expression = _ranking_expression(match, words, datasets)
    scores: dict[int, float] = {}
    if expression:
        members = tier.to_bytes((tier.bit_length() + 7) // 8, "little")
        sql = f"SELECT rowid, {BM25} FROM text WHERE text MATCH ?"
        rows = connection.execute(sql, (expression,))
        for rid, bm25 in rows:
            if rid >> 3 < len(members) and members[rid >> 3] >> (rid & 7) & 1:
                scores[rid] = -bm25
    unscored = [rid for rid in positions(tier) if rid not in scores]
    order = sorted(scores, key=lambda rid: (-scores[rid], newest.get(rid, 0)))
    order += sorted(unscored, key=lambda rid: newest.get(rid, 0))
    return [(rid, words + _squash(scores.get(rid, 0.0))) for rid in order]


def _squash(score: float) -> float:
    """BM25 (0 and up) into [0, 1), so that a score says its words matched and its BM25."""
    return round(max(score, 0.0) / (1 + max(score, 0.0)), 4)


def _ranking_expression(match: TextMatch, words: int, datasets: int) -> str:
    """An FTS5 expression whose rows include every dataset of the tier, over the clauses
    that tell datasets apart ("" when none does)."""
    common = {
        clause.expression
        for clause, bits in zip(match.clauses, match.bits, strict=True)
        if bits.bit_count() > COMMON * datasets
    }
    must = [c.expression for c, _ in match.of(MUST) if c.expression not in common]
    should = [c.expression for c, _ in match.of(SHOULD) if c.expression not in common]
    skipped = len(match.of(SHOULD)) - len(should)
    need = max(1, words - skipped)
    if not should:
        return " AND ".join(must)
    if need > len(should):  # cannot happen (a tier's words are matched); be safe
        need = len(should)
    combinations = list(itertools.combinations(should, need))
    if len(combinations) > MAX_COMBINATIONS:
        combinations = [(c,) for c in should]
    either = " OR ".join(f"({' AND '.join(group)})" for group in combinations)
    return " AND ".join([*must, f"({either})"]) if must else either

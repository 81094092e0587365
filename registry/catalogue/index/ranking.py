"""The relevance order of a text search: words matched first, then how well they match.

Datasets matching more of the plain words come first (each such group is a tier). Within
a tier, FTS5's BM25 with field weights (title, keywords, description, the concepts' labels,
the broader concepts' labels) orders the datasets, computed only over the words that tell
datasets apart. BM25 costs FTS5 a few microseconds per matching row, which is too much for
a tier of tens of thousands ("lung" at 100,000 records): there, the datasets are ordered
by the best field each telling word matches in (weight times inverse document frequency,
BM25 without its term-frequency and length parts), from bitmaps of each word per field
group, and the newest first within one such score.
"""

from __future__ import annotations

import heapq
import itertools
import math
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from registry.catalogue.index.bitmaps import bitmap, positions
from registry.catalogue.index.matching import TextMatch, exactly
from registry.catalogue.index.query import MUST, NOT, SHOULD, Clause

WEIGHTS = (8.0, 4.0, 2.0, 1.0, 0.5)
"""BM25 weight of each text column: title, keywords, description, concepts, broader."""
BM25 = f"bm25(text, {', '.join(str(w) for w in WEIGHTS)})"
GROUPS = (("{title}", 8.0), ("{keywords}", 4.0), ("{description}", 2.0), ("{concepts}", 1.0))
"""Field groups of the bitmap order (broader concepts' labels count as no field match)."""
BM25_ROWS = 500
"""At most this many rows are scored by BM25 for one tier; beyond, the bitmap order."""
MAX_COMBINATIONS = 20
"""A lower tier's BM25 expression lists the combinations of its words up to this many."""


@dataclass(frozen=True)
class Ranking:
    """What ordering a search's hits needs: the text, every dataset newest first (and
    each one's place in that order), and bitmaps of any FTS5 expression (cached)."""

    connection: sqlite3.Connection
    match: TextMatch
    listing: list[int]
    place: dict[int, int]
    everything: int
    """The bitmap of every dataset."""
    bits: Callable[[str], int]

    def page(self, hits: int, offset: int, size: int) -> list[tuple[int, float]]:
        """The (rid, score) of the hits from ``offset``, ``size`` of them, best first.

        A score is the words matched plus the tier's own order squashed into [0, 1).
        Only the tiers the page reaches are ordered, and only as far as the page goes.
        """
        page: list[tuple[int, float]] = []
        seen = 0
        for words, tier in self.match.tiers(hits):
            count = tier.bit_count()
            if seen + count > offset:
                start = max(0, offset - seen)
                wanted = start + size - len(page)
                page.extend(self.tier(words, tier, wanted)[start:wanted])
            seen += count
            if len(page) >= size:
                break
        return page

    def telling(self) -> list[Clause]:
        """The clauses that tell datasets apart (not excluded, not in most datasets)."""
        return [
            clause
            for clause, bits in zip(self.match.clauses, self.match.bits, strict=True)
            if clause.kind != NOT and bits and not self.match.common(bits)
        ]

    def tier(self, words: int, tier: int, limit: int) -> list[tuple[int, float]]:
        """The first ``limit`` datasets of one tier, with their scores."""
        telling = self.telling()
        if not telling:
            return [(rid, float(words)) for rid in self.newest(tier, limit)]
        expression, rows = self.expression(telling, words)
        if rows.bit_count() <= BM25_ROWS:
            return self.by_bm25(expression, words, tier, limit)
        return self.by_fields(telling, words, tier, limit)

    def expression(self, telling: list[Clause], words: int) -> tuple[str, int]:
        """An FTS5 expression whose rows hold every dataset of the tier (those matching
        enough telling clauses), and the bitmap of those rows."""
        bits = {c.expression: b for c, b in zip(self.match.clauses, self.match.bits, strict=True)}
        must = [c.expression for c in telling if c.kind == MUST]
        should = [c.expression for c in telling if c.kind == SHOULD]
        skipped = len(self.match.of(SHOULD)) - len(should)
        rows = self.everything
        for expression in must:
            rows &= bits[expression]
        if not should:
            return " AND ".join(must), rows
        need = min(len(should), max(1, words - skipped))
        tiers = exactly([bits[e] for e in should], rows)
        rows = 0
        for found in tiers[need:]:
            rows |= found
        groups = list(itertools.combinations(should, need))
        if len(groups) > MAX_COMBINATIONS:
            groups = [(e,) for e in should]
        either = " OR ".join(f"({' AND '.join(group)})" for group in groups)
        return (" AND ".join([*must, f"({either})"]) if must else either), rows

    def by_bm25(
        self, expression: str, words: int, tier: int, limit: int
    ) -> list[tuple[int, float]]:
        members = _bytes(tier)
        scores: dict[int, float] = {}
        sql = f"SELECT rowid, {BM25} FROM text WHERE text MATCH ?"
        for rid, bm25 in self.connection.execute(sql, (expression,)):
            if rid >> 3 < len(members) and members[rid >> 3] >> (rid & 7) & 1:
                scores[rid] = -bm25
        place = self.place
        best = heapq.nsmallest(limit, scores, key=lambda rid: (-scores[rid], place.get(rid, 0)))
        ordered = [(rid, _score(words, scores[rid])) for rid in best]
        if len(ordered) < limit:
            rest = self.newest(tier & ~bitmap(scores), limit - len(ordered))
            ordered.extend((rid, float(words)) for rid in rest)
        return ordered

    def by_fields(
        self, telling: list[Clause], words: int, tier: int, limit: int
    ) -> list[tuple[int, float]]:
        """The tier ordered by each telling clause's best field (weight x IDF), summed."""
        datasets = self.match.datasets
        options: list[list[tuple[float, int]]] = []
        for clause in telling:
            found = self.bits(clause.expression)
            idf = max(
                1e-6, math.log((datasets - found.bit_count() + 0.5) / (found.bit_count() + 0.5))
            )
            seen, choices = 0, []
            for group, weight in GROUPS:
                inside = self.bits(f"{group} : {clause.expression}") & tier & ~seen
                seen |= inside
                if inside:
                    choices.append((weight * idf, inside))
            choices.append((0.0, tier & ~seen))
            options.append(choices)
        scored: list[tuple[float, int]] = []

        def walk(i: int, bits: int, score: float) -> None:
            if not bits:
                return
            if i == len(options):
                scored.append((score, bits))
                return
            for weight, inside in options[i]:
                walk(i + 1, bits & inside, score + weight)

        walk(0, tier, 0.0)
        ordered: list[tuple[int, float]] = []
        for score, bits in sorted(scored, key=lambda pair: -pair[0]):
            rids = self.newest(bits, limit - len(ordered))
            ordered.extend((rid, _score(words, score)) for rid in rids)
            if len(ordered) >= limit:
                break
        return ordered

    def newest(self, bits: int, limit: int) -> list[int]:
        """The first ``limit`` datasets of ``bits``, newest first."""
        if bits.bit_count() * 8 < len(self.listing):  # few: sort them
            place = self.place
            return heapq.nsmallest(limit, positions(bits), key=lambda rid: place.get(rid, 0))
        members = _bytes(bits)
        found: list[int] = []
        for rid in self.listing:
            if rid >> 3 < len(members) and members[rid >> 3] >> (rid & 7) & 1:
                found.append(rid)
                if len(found) == limit:
                    break
        return found


def _bytes(bits: int) -> bytes:
    return bits.to_bytes((bits.bit_length() + 7) // 8, "little")


def _score(words: int, order: float) -> float:
    """Words matched plus the tier's own score (0 and up) squashed into [0, 1)."""
    order = max(order, 0.0)
    return round(words + order / (1 + order), 4)

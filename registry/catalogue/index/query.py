"""What a search asks (``Query``), what it answers (``Hits``), and the SQL for text and ranges.

The facet side of a search is in ``bitmaps``; ``SearchIndex.search`` puts the parts together.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from registry.catalogue.index.bitmaps import bitmap

SORTS = {
    "newest": "e.modified DESC, e.rid DESC",
    "title": "e.title_key ASC, e.rid ASC",
    "largest": "e.individuals DESC, e.rid DESC",
}
"""Sort name -> ORDER BY clause (each backed by an index); ``relevance`` needs a text query."""
WORD = re.compile(r"\w+", re.UNICODE)


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


def fts_query(text: str) -> str:
    """Turn what a visitor typed into an FTS5 query: every word, the last one as a prefix.

    Words are quoted, so FTS5 operators and syntax in the input are plain text.
    """
    words = WORD.findall(text)
    if not words:
        return ""
    return " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'


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

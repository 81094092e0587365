"""The search index's SQLite tables: their schema, and writing or deleting one entry.

``entry`` holds one row per record (its card as JSON, and the columns the sorts and ranges
use); ``facet`` the facet values of each dataset; ``total`` each facet value's datasets and
individuals, kept by every insert and delete; ``text`` the FTS5 table of a dataset's words
(its rowid is the entry's rid) in five columns, from the most telling to the least: title,
keywords, description, the cited concepts' labels and notations, those of their broader
concepts. The words are stored normalised (``words.terms``: stemmed in their literal's
language, folded), so the tokenizer only splits. ``word`` keeps every word as written
(folded) with its term: the vocabulary that typos are corrected against; ``synonym`` each
vocabulary label that has others (an alternative label, say) with all of them, as JSON.
A file of another
``SCHEMA_VERSION`` is rebuilt from the store.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from functools import lru_cache

from registry.catalogue.index.entry import Entry
from registry.catalogue.index.words import fold, normal, terms, words

SCHEMA_VERSION = "2"
COLUMNS = ("title", "keywords", "description", "concepts", "broader")
"""The text table's columns, most telling first (their ranking weights are in ``ranking``)."""
SPELLED = 3
"""Words shorter than this are not kept for spelling (nothing to correct them to)."""
SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entry(
  rid INTEGER PRIMARY KEY,
  record_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  stamp TEXT NOT NULL,
  modified TEXT NOT NULL,
  title_key TEXT NOT NULL,
  individuals INTEGER,
  min_age INTEGER,
  max_age INTEGER,
  card TEXT NOT NULL
);
CREATE INDEX entry_newest ON entry(kind, modified, rid);
CREATE INDEX entry_title ON entry(kind, title_key, rid);
CREATE INDEX entry_largest ON entry(kind, individuals, rid);
CREATE TABLE facet(facet TEXT NOT NULL, value TEXT NOT NULL, rid INTEGER NOT NULL,
  PRIMARY KEY(facet, value, rid)) WITHOUT ROWID;
CREATE INDEX facet_rid ON facet(rid);
CREATE TABLE total(facet TEXT NOT NULL, value TEXT NOT NULL, datasets INTEGER NOT NULL,
  individuals INTEGER NOT NULL, PRIMARY KEY(facet, value)) WITHOUT ROWID;
CREATE VIRTUAL TABLE text USING fts5(
  title, keywords, description, concepts, broader, tokenize = 'unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE text_terms USING fts5vocab(text, row);
CREATE TABLE word(word TEXT PRIMARY KEY, term TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE synonym(label TEXT PRIMARY KEY, labels TEXT NOT NULL) WITHOUT ROWID;
"""


def title_key(entry: Entry) -> str:
    """The title the "title" sort orders by: English, else untagged, else the first in
    alphabetical order."""
    titles = entry.texts.get("titles") or entry.texts.get("names") or {}
    title = titles.get("en") or titles.get("") or next(iter(sorted(titles.values())), "")
    return title.casefold()


def columns(entry: Entry) -> dict[str, list[tuple[str, str]]]:
    """The (language, text) pairs of each text column."""
    return {
        "title": [(language, text) for language, text in entry.texts.get("titles", {}).items()],
        "keywords": entry.keywords,
        "description": list(entry.texts.get("descriptions", {}).items()),
        "concepts": entry.concepts,
        "broader": entry.broader,
    }


def normalised(pairs: Iterable[tuple[str, str]]) -> str:
    """One column's texts as index terms, one text a line, each distinct text once."""
    lines = (_line(text, language) for language, text in pairs)
    return "\n".join(dict.fromkeys(line for line in lines if line))


def spelled(pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """(word as written, folded; its term) of the texts' words, for correcting typos."""
    found: set[tuple[str, str]] = set()
    for language, text in pairs:
        found |= _spelled(text, language)
    return found


# Labels of the same concepts recur in every entry that cites them: each text is read once.
@lru_cache(maxsize=20_000)
def _line(text: str, language: str) -> str:
    return " ".join(terms(text, language))


@lru_cache(maxsize=20_000)
def _spelled(text: str, language: str) -> frozenset[tuple[str, str]]:
    return frozenset(
        (fold(word), normal(word, language))
        for word in words(text)
        if len(word) >= SPELLED and word.isalpha()
    )


def insert_entry(connection: sqlite3.Connection, entry: Entry) -> int:
    """Insert an entry (with its facets, totals and text); return its rid."""
    individuals = entry.numbers.get("individuals", 0)
    cursor = connection.execute(
        "INSERT INTO entry(record_id, kind, stamp, modified, title_key, individuals, min_age, "
        "max_age, card) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            entry.record_id,
            entry.kind,
            entry.stamp,
            entry.modified,
            title_key(entry),
            individuals,
            entry.numbers.get("min_age"),
            entry.numbers.get("max_age"),
            json.dumps(entry.card(), ensure_ascii=False),
        ),
    )
    rid = cursor.lastrowid
    assert rid is not None
    if entry.kind != "dataset":
        return rid
    connection.executemany(
        "INSERT INTO facet VALUES (?, ?, ?)", [(f, v, rid) for f, v in entry.facets]
    )
    connection.executemany(
        "INSERT INTO total VALUES (?, ?, 1, ?) ON CONFLICT DO UPDATE SET "
        "datasets = datasets + 1, individuals = individuals + excluded.individuals",
        [(f, v, individuals) for f, v in entry.facets],
    )
    texts = columns(entry)
    connection.execute(
        f"INSERT INTO text(rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
        (rid, *(normalised(texts[column]) for column in COLUMNS)),
    )
    return rid


def delete_entry(
    connection: sqlite3.Connection, record_id: str
) -> list[tuple[int, list[tuple[str, str]]]]:
    """Delete a record's entry; return its rid and facets if it was a dataset."""
    row = connection.execute(
        "SELECT rid, kind, individuals FROM entry WHERE record_id = ?", (record_id,)
    ).fetchone()
    if row is None:
        return []
    rid, kind, individuals = row
    facets: list[tuple[str, str]] = []
    if kind == "dataset":
        facets = connection.execute(
            "SELECT facet, value FROM facet WHERE rid = ?", (rid,)
        ).fetchall()
        connection.execute(
            "UPDATE total SET datasets = datasets - 1, individuals = individuals - ? "
            "WHERE (facet, value) IN (SELECT facet, value FROM facet WHERE rid = ?)",
            (individuals or 0, rid),
        )
        connection.execute("DELETE FROM facet WHERE rid = ?", (rid,))
        connection.execute("DELETE FROM text WHERE rowid = ?", (rid,))
    connection.execute("DELETE FROM entry WHERE rid = ?", (rid,))
    return [(rid, facets)] if kind == "dataset" else []

"""The search index: entries read from records, SQLite FTS5, facet bitmaps, sync."""

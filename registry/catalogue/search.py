"""The home and search use cases: the search index in, labelled plain dicts out (no Flask).

The page's state arrives as a ``Query`` (``web.search_args`` reads it from the URL).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import DCTERMS

from registry.catalogue import hints
from registry.catalogue.facade import Catalogue
from registry.catalogue.index.entry import FACET_NAMES
from registry.catalogue.index.query import Hits, Query
from registry.catalogue.labels import Label, pick_label

CHARTS = ("condition", "modality", "body_part", "country")
"""Facets charted on the home page."""
CHART_BARS = 10
"""Bars of a chart whose facet has more than ``CHART_ALL`` values (the largest; the chart
says "the 10 largest of N" and its table lists every value)."""
CHART_ALL = 15
"""A facet with at most this many values is charted whole (the 11 sample countries)."""
FACET_VALUES_SHOWN = 8
"""Values listed per facet before the rest folds under "more"."""
FACET_VALUES_LISTED = 25
"""Values listed per facet at most (and the selected ones): rarer values are reached from
their term or provider page; a page of 75 provider links would weigh more than the results."""
NEWEST = 6
Args = dict[str, Any]


def concept(catalogue: Catalogue, iri: str, preferred: Sequence[str]) -> Label:
    """A vocabulary concept's label, or the last segment of its IRI as a visible fallback."""
    labels = catalogue.labels.get(iri)
    if labels:
        return pick_label(labels, preferred)
    return Label(iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1].replace("_", " "), "")


def provider(catalogue: Catalogue, iri: str, preferred: Sequence[str]) -> Label:
    """A provider's name from its registered description, else its IRI."""
    card = catalogue.search.agents().get(iri)
    names = card["names"] if card else {}
    return pick_label(names, preferred) if names else Label(iri, "")


def value_label(catalogue: Catalogue, facet: str, value: str, preferred: Sequence[str]) -> Label:
    if facet == "provider":
        return provider(catalogue, value, preferred)
    if facet == "segmented":
        return Label(value, "")  # "yes" / "no": the template translates it
    return concept(catalogue, value, preferred)


def listing_item(catalogue: Catalogue, card: dict[str, Any], preferred: Sequence[str]) -> Args:
    """What a result or a newest-dataset line shows of one dataset."""
    facets = card["facets"]
    return {
        "id": card["id"],
        "title": pick_label(card["titles"], preferred),
        "description": pick_label(card["descriptions"], preferred),
        "publisher": [provider(catalogue, p, preferred) for p in facets.get("provider", [])],
        "provider_ids": facets.get("provider", []),
        "conditions": [concept(catalogue, c, preferred) for c in facets.get("condition", [])],
        "modalities": [concept(catalogue, m, preferred) for m in facets.get("modality", [])],
        "individuals": card["numbers"].get("individuals"),
        "studies": card["numbers"].get("studies"),
        "modified": card["modified"],
    }


def home(catalogue: Catalogue, preferred: Sequence[str]) -> Args:
    """Totals, charts per cancer type / modality / body part / country, the newest datasets."""
    totals = catalogue.search.totals()
    charts = []
    for facet in CHARTS:
        rows = sorted((r for r in totals if r[0] == facet), key=lambda r: (-r[2], r[1]))
        values = [
            {
                "value": value,
                "label": value_label(catalogue, facet, value, preferred),
                "datasets": datasets,
                "individuals": individuals,
            }
            for _, value, datasets, individuals in rows
        ]
        bars = values if len(values) <= CHART_ALL else values[:CHART_BARS]
        charts.append(
            {"facet": facet, "bars": bars, "values": values, "more": len(values) - len(bars)}
        )
    newest = catalogue.search.search(Query(sort="newest"), NEWEST).cards
    return {
        "summary": {
            **catalogue.search.summary(),
            "providers": sum(1 for r in totals if r[0] == "provider"),
            "countries": sum(1 for r in totals if r[0] == "country"),
        },
        "charts": charts,
        "newest": [listing_item(catalogue, card, preferred) for card in newest],
        "title": catalogue_title(catalogue, preferred),
    }


def catalogue_title(catalogue: Catalogue, preferred: Sequence[str]) -> Label | None:
    """The catalogue's own title in the visitor's language (its ``dct:title``s), None if
    its description gives none."""
    catalog = catalogue.catalog_iri
    titles = {
        t.object.language or "": t.object.value
        for t in catalogue.store.subject_triples(catalog, catalog)
        if t.predicate.value == str(DCTERMS.title) and isinstance(t.object, ox.Literal)
    }
    return pick_label(titles, preferred) if titles else None


def search(catalogue: Catalogue, query: Query, preferred: Sequence[str]) -> Args:
    """One page of results with facet counts, clamped to the pages there are.

    ``notices`` say what of the query was not followed: a page past the last (the last is
    shown instead of nothing)."""
    size = catalogue.page_size
    notices: list[dict[str, Any]] = []
    hits = catalogue.search.search(query, size)
    pages = page_count(hits.total, size)
    if query.page > pages:  # a stale deep link: show the last page instead of nothing
        notices.append(
            {"argument": "page", "value": str(query.page), "problem": "page_beyond", "pages": pages}
        )
        query = replace(query, page=pages)
        hits = catalogue.search.search(query, size)
    chosen = dict(query.selected)
    facets = []
    for facet in FACET_NAMES:
        counts = hits.counts.get(facet, {})
        ranked = sorted(counts, key=lambda v: (-counts[v], v))[:FACET_VALUES_LISTED]
        values = [*ranked, *(v for v in chosen.get(facet, ()) if v not in ranked)]
        facets.append(
            {
                "name": facet,
                "values": [
                    {
                        "value": value,
                        "label": value_label(catalogue, facet, value, preferred),
                        "count": counts.get(value, 0),
                        "selected": value in chosen.get(facet, ()),
                    }
                    for value in values
                ],
                "shown": FACET_VALUES_SHOWN,
            }
        )
    items = [listing_item(catalogue, card, preferred) for card in hits.cards]
    for item, score in zip(items, hits.scores, strict=False):
        item["score"] = score
    return {
        "query": query,
        "total": hits.total,
        "page": query.page,
        "pages": pages,
        "items": items,
        "facets": facets,
        "notices": notices,
        **text_hints(catalogue, query, hits, preferred),
    }


def known_values(catalogue: Catalogue, query: Query) -> tuple[Query, list[dict[str, Any]]]:
    """``query`` without the facet values that are neither used by a dataset nor a concept
    the registry knows (``modality=MRI`` for ``MR``), and a notice for each: left out, as a
    typo would otherwise hide every dataset. (The search page's; a provider's page selects
    its provider even when it has no dataset.)"""
    used = {(facet, value) for facet, value, _, _ in catalogue.search.totals()}
    kept, notices = [], []
    for facet, values in query.selected:
        known = tuple(v for v in values if (facet, v) in used or v in catalogue.labels)
        notices += [
            {"argument": facet, "value": v, "problem": "unknown_value"}
            for v in values
            if v not in known
        ]
        if known:
            kept.append((facet, known))
    return (replace(query, selected=tuple(kept)), notices) if notices else (query, [])


def text_hints(catalogue: Catalogue, query: Query, hits: Hits, preferred: Sequence[str]) -> Args:
    """What the page says about the typed words: the text searched instead (typos), what
    to try when nothing matched, the facet values the words name."""
    if not query.text.strip():
        return {"corrected": None, "unmatched": [], "no_result": None, "offers": []}
    corrected = None
    if hits.corrected:
        corrected = {
            "searched": query.text,
            "text": hints.corrected_text(query.text, hits.corrected),
            "exact": hints.exact_text(query.text, hits.corrected),
            "words": hits.corrected,
        }
    return {
        "corrected": corrected,
        "unmatched": hits.unmatched,
        "no_result": hints.no_result_hints(catalogue, query) if not hits.total else None,
        "offers": hints.facet_offers(catalogue, query, hits, preferred),
    }


def page_count(total: int, size: int) -> int:
    return max(1, -(-total // size))

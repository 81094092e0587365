"""The home and search use cases: the search index in, labelled plain dicts out (no Flask).

Every state of the search page is its URL's arguments; ``args_with`` / ``args_without`` give
the arguments of the links that change one thing (a facet value, the page), so every link
is shareable and the page works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from registry.catalogue.index.entry import FACET_NAMES
from registry.catalogue.index.query import Query
from registry.catalogue.labels import Label, pick_label
from registry.errors import TooManyArguments
from registry.runtime import Registry

CHARTS = ("condition", "modality", "body_part", "country")
"""Facets charted on the home page."""
CHART_BARS = 10
FACET_VALUES_SHOWN = 8
"""Values listed per facet before the rest folds under "more"."""
FACET_VALUES_LISTED = 25
"""Values listed per facet at most (and the selected ones): rarer values are reached from
their term or provider page; a page of 75 provider links would weigh more than the results."""
NEWEST = 6
MAX_SELECTED = 20
"""Facet values one search may select: every toggle link repeats them all, so 4,000 repeated
``provider=`` values once made a 606 MB page."""
MAX_VALUE_LENGTH = 500
"""Characters of one facet value (they are IRIs or short codes)."""
Args = dict[str, Any]


def concept(registry: Registry, iri: str, preferred: Sequence[str]) -> Label:
    """A vocabulary concept's label, or the last segment of its IRI as a visible fallback."""
    labels = registry.labels.get(iri)
    if labels:
        return pick_label(labels, preferred)
    return Label(iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1].replace("_", " "), "")


def provider(registry: Registry, iri: str, preferred: Sequence[str]) -> Label:
    """A provider's name from its registered description, else its IRI."""
    card = registry.search.agents().get(iri)
    names = card["names"] if card else {}
    return pick_label(names, preferred) if names else Label(iri, "")


def value_label(registry: Registry, facet: str, value: str, preferred: Sequence[str]) -> Label:
    if facet == "provider":
        return provider(registry, value, preferred)
    if facet == "segmented":
        return Label(value, "")  # "yes" / "no": the template translates it
    return concept(registry, value, preferred)


def listing_item(registry: Registry, card: dict[str, Any], preferred: Sequence[str]) -> Args:
    """What a result or a newest-dataset line shows of one dataset."""
    facets = card["facets"]
    return {
        "id": card["id"],
        "title": pick_label(card["titles"], preferred),
        "description": pick_label(card["descriptions"], preferred),
        "publisher": [provider(registry, p, preferred) for p in facets.get("provider", [])],
        "provider_ids": facets.get("provider", []),
        "conditions": [concept(registry, c, preferred) for c in facets.get("condition", [])],
        "modalities": [concept(registry, m, preferred) for m in facets.get("modality", [])],
        "individuals": card["numbers"].get("individuals"),
        "studies": card["numbers"].get("studies"),
        "modified": card["modified"],
    }


def home(registry: Registry, preferred: Sequence[str]) -> Args:
    """Totals, charts per cancer type / modality / body part / country, the newest datasets."""
    totals = registry.search.totals()
    charts = []
    for facet in CHARTS:
        rows = sorted((r for r in totals if r[0] == facet), key=lambda r: (-r[2], r[1]))
        bars = [
            {
                "value": value,
                "label": value_label(registry, facet, value, preferred),
                "datasets": datasets,
                "individuals": individuals,
            }
            for _, value, datasets, individuals in rows[:CHART_BARS]
        ]
        charts.append({"facet": facet, "bars": bars, "more": max(0, len(rows) - CHART_BARS)})
    newest = registry.search.search(Query(sort="newest"), NEWEST).cards
    return {
        "summary": {
            **registry.search.summary(),
            "providers": sum(1 for r in totals if r[0] == "provider"),
            "countries": sum(1 for r in totals if r[0] == "country"),
        },
        "charts": charts,
        "newest": [listing_item(registry, card, preferred) for card in newest],
    }


def search(registry: Registry, query: Query, preferred: Sequence[str]) -> Args:
    """One page of results with facet counts, clamped to the pages there are."""
    size = registry.settings.page_size
    hits = registry.search.search(query, size)
    pages = page_count(hits.total, size)
    if query.page > pages:  # a stale deep link: show the last page instead of nothing
        query = replace(query, page=pages)
        hits = registry.search.search(query, size)
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
                        "label": value_label(registry, facet, value, preferred),
                        "count": counts.get(value, 0),
                        "selected": value in chosen.get(facet, ()),
                    }
                    for value in values
                ],
                "shown": FACET_VALUES_SHOWN,
            }
        )
    return {
        "query": query,
        "total": hits.total,
        "page": query.page,
        "pages": pages,
        "items": [listing_item(registry, card, preferred) for card in hits.cards],
        "facets": facets,
    }


def query_args(query: Query) -> Args:
    """The URL arguments that say ``query`` (defaults left out, so URLs stay short)."""
    args: Args = {facet: list(values) for facet, values in query.selected}
    if query.text:
        args["q"] = query.text
    for name, (low, high) in (("individuals", query.individuals), ("age", query.ages)):
        if low is not None:
            args[f"{name}_min"] = low
        if high is not None:
            args[f"{name}_max"] = high
    if query.sort != default_sort(query.text):
        args["sort"] = query.sort
    if query.page > 1:
        args["page"] = query.page
    return args


def default_sort(text: str) -> str:
    """Relevance when words were typed, newest otherwise."""
    return "relevance" if text.strip() else "newest"


def args_toggling(query: Query, facet: str, value: str) -> Args:
    """The arguments of the link that selects (or unselects) one facet value, on page 1."""
    args = query_args(query)
    args.pop("page", None)
    values = list(args.get(facet, []))
    args[facet] = [v for v in values if v != value] if value in values else [*values, value]
    return args


def args_without_text(query: Query) -> Args:
    """The arguments of the same search without its words (for a no-result page)."""
    args = query_args(query)
    args.pop("q", None)
    args.pop("page", None)
    args.pop("sort", None)
    return args


def args_for_page(query: Query, page: int) -> Args:
    return {**query_args(query), "page": page}


def query_from(args: Sequence[tuple[str, str]]) -> Query:
    """Read a search from a URL's arguments (repeated keys kept); bad values are ignored."""
    single = dict(reversed(args))  # the first value of each key
    text = single.get("q", "")[:200]
    sort = single.get("sort") or default_sort(text)
    if sort not in ("relevance", "title", "newest", "largest") or (
        sort == "relevance" and not text.strip()
    ):
        sort = default_sort(text)
    page = single.get("page", "1")
    return Query(
        text=text,
        selected=selected_values(args, FACET_NAMES),
        individuals=parse_range(single.get("individuals_min"), single.get("individuals_max")),
        ages=parse_range(single.get("age_min"), single.get("age_max")),
        sort=sort,
        page=int(page) if page.isdigit() and 0 < int(page) < 10**6 else 1,
    )


def page_count(total: int, size: int) -> int:
    return max(1, -(-total // size))


def parse_range(low: str | None, high: str | None) -> tuple[int | None, int | None]:
    """Whole numbers from a range's two inputs; anything else means no bound."""

    def number(raw: str | None) -> int | None:
        return int(raw) if raw and raw.strip().isdigit() else None

    return number(low), number(high)


def selected_values(
    args: Sequence[tuple[str, str]], facets: Sequence[str]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The facet values chosen in a URL's arguments, in facet order, each sorted.

    More than ``MAX_SELECTED`` values, or one longer than ``MAX_VALUE_LENGTH``, is refused.
    """
    chosen: dict[str, set[str]] = {}
    for name, value in args:
        if name in facets and value:
            if len(value) > MAX_VALUE_LENGTH:
                raise TooManyArguments(
                    f"A {name} value is longer than {MAX_VALUE_LENGTH} characters."
                )
            chosen.setdefault(name, set()).add(value)
    if sum(len(values) for values in chosen.values()) > MAX_SELECTED:
        raise TooManyArguments(
            f"A search selects at most {MAX_SELECTED} facet values; remove some filters."
        )
    return tuple((f, tuple(sorted(chosen[f]))) for f in facets if f in chosen)

"""The search page's state as URL arguments, both ways: a ``Query`` from a URL, and the
arguments of the links that change one thing (a facet value, the page, the words).

Every state of the search page is its URL's arguments, so every link is shareable and the
page works without JavaScript. What a URL may ask is bounded here, before any work.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from registry.catalogue.index.entry import FACET_NAMES
from registry.catalogue.index.query import Query
from registry.errors import TooManyArguments

MAX_SELECTED = 20
"""Facet values one search may select: every toggle link repeats them all, so 4,000 repeated
``provider=`` values once made a 606 MB page."""
MAX_VALUE_LENGTH = 500
"""Characters of one facet value (they are IRIs or short codes)."""
Args = dict[str, Any]


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


def args_with_text(query: Query, text: str) -> Args:
    """The arguments of the same search with other words, on page 1 (a suggestion's link)."""
    args = query_args(query)
    args.pop("page", None)
    args.pop("q", None)
    if text.strip():
        args["q"] = text
    return args


def args_filtering(query: Query, facet: str, value: str, text: str) -> Args:
    """The arguments of the link that selects a facet value the words named, in their place."""
    args = args_toggling(query, facet, value)
    args.pop("q", None)
    if text.strip():
        args["q"] = text
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

"""The search page's state as URL arguments, both ways: a ``Query`` from a URL, and the
arguments of the links that change one thing (a facet value, the page, the words).

Every state of the search page is its URL's arguments, so every link is shareable and the
page works without JavaScript. What a URL may ask is bounded here, before any work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from registry.catalogue.index.entry import FACET_NAMES, SEGMENTED
from registry.catalogue.index.query import Query
from registry.errors import TooManyArguments

MAX_SELECTED = 20
"""Facet values one search may select: every toggle link repeats them all, so 4,000 repeated
``provider=`` values once made a 606 MB page."""
MAX_VALUE_LENGTH = 500
"""Characters of one facet value (they are IRIs or short codes)."""
MAX_PAGE = 10**6
LARGEST = 10**18
"""Range bounds above this are read as this: SQLite's integers stop at 2**63 - 1 (a larger
bound was an OverflowError), and no count comes near it."""
CLOSED_FACETS = {SEGMENTED: ("yes", "no")}
"""Facets whose values are words the page translates: other values are left out with a
notice (a ``segmented=x`` was a KeyError in the translation)."""
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


@dataclass(frozen=True)
class Notice:
    """An argument of the URL the search could not follow, said on the page (never ignored
    in silence): ``problem`` names the message (``notice_<problem>`` in the interface's
    strings), which may cite ``argument``, ``value`` and ``pages``."""

    argument: str
    value: str
    problem: str
    pages: int = 0


SORTS = ("relevance", "title", "newest", "largest")


def read_query(args: Sequence[tuple[str, str]]) -> tuple[Query, list[Notice]]:
    """Read a search from a URL's arguments (repeated keys kept): the search it can make,
    and a notice for each value it had to leave out (a bound that is no whole number, a
    minimum above its maximum, a page that is no page number, an unknown sort or a value a
    closed facet does not have)."""
    single = dict(reversed(args))  # the first value of each key
    notices: list[Notice] = []
    text = single.get("q", "")[:200]
    sort = single.get("sort") or default_sort(text)
    if sort not in SORTS:
        notices.append(Notice("sort", sort, "unknown_sort"))
        sort = default_sort(text)
    elif sort == "relevance" and not text.strip():  # the page's own link once words go
        sort = default_sort(text)
    page = whole_number(single.get("page", "1"))
    if not page:
        notices.append(Notice("page", single["page"], "not_a_page"))
    query = Query(
        text=text,
        selected=selected_values(args, FACET_NAMES, notices),
        individuals=bounds(single, "individuals", notices),
        ages=bounds(single, "age", notices),
        sort=sort,
        page=min(page or 1, MAX_PAGE),
    )
    return query, notices


def bounds(
    single: dict[str, str], name: str, notices: list[Notice]
) -> tuple[int | None, int | None]:
    """A range's two bounds (``<name>_min``, ``<name>_max``), each a whole number or none;
    a notice for a bound that is not one, and for a minimum above the maximum (then
    neither bound is used)."""
    found: list[int | None] = []
    for end in ("min", "max"):
        raw = single.get(f"{name}_{end}", "")
        number = whole_number(raw)
        if raw.strip() and number is None:
            notices.append(Notice(f"{name}_{end}", raw, "not_a_number"))
        found.append(number)
    low, high = found
    if low is not None and high is not None and low > high:
        notices.append(Notice(f"{name}_min", f"{low} > {high}", "reversed"))
        return None, None
    return low, high


def whole_number(raw: str | None) -> int | None:
    """An ASCII whole number, at most ``LARGEST``; None for anything else (``int`` reads
    "²" as a digit and fails, and refuses more than 4,300 digits)."""
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    return LARGEST if len(text) > len(str(LARGEST)) else min(int(text), LARGEST)


def selected_values(
    args: Sequence[tuple[str, str]], facets: Sequence[str], notices: list[Notice]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The facet values chosen in a URL's arguments, in facet order, each sorted; a value
    a closed facet does not have is left out with a notice.

    More than ``MAX_SELECTED`` values, or one longer than ``MAX_VALUE_LENGTH``, is refused.
    """
    chosen: dict[str, set[str]] = {}
    for name, value in args:
        if name in CLOSED_FACETS and value not in CLOSED_FACETS[name]:
            notices.append(Notice(name, value, "unknown_value"))
            continue
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

"""What a search page says about the typed words, beside the results: the corrected text,
the word to drop or the known word to try when nothing matches, and the facet values the
words name ("Filter by Lung cancer?"). Offers only: nothing here changes a search.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from registry.catalogue.facade import Catalogue
from registry.catalogue.index.entry import CONCEPT_FACETS
from registry.catalogue.index.query import NOT, Hits, Query, parse
from registry.catalogue.index.words import fold, words
from registry.catalogue.labels import Label, pick_label

MAX_OFFERS = 3
LONGEST_LABEL = 6
"""Words of the longest facet label looked for in the typed text."""


def corrected_text(text: str, corrected: dict[str, str]) -> str:
    """The typed text with each corrected word replaced (other words as typed)."""
    for typed, known in corrected.items():
        text = re.sub(rf"(?<!\w){re.escape(typed)}(?!\w)", known, text)
    return text


def exact_text(text: str, corrected: dict[str, str]) -> str:
    """The typed text with each corrected word quoted: quoted words are never corrected."""
    for typed in corrected:
        text = re.sub(rf'(?<![\w"]){re.escape(typed)}(?![\w"])', f'"{typed}"', text)
    return text


def no_result_hints(catalogue: Catalogue, query: Query) -> dict[str, Any]:
    """When nothing matches: the one part of the text whose removal finds most, and for each
    word that matches nothing the closest known word (further than a silent correction)."""
    match = catalogue.search.text.match(query.text)
    if match is None:
        return {"drop": None, "closest": []}
    closest = []
    for clause, bits in zip(match.clauses, match.bits, strict=True):
        if not bits and clause.kind != NOT and clause.correctable:
            text = catalogue.search.text
            known = text.speller().correct(clause.words[0], text.term_datasets, extra=1)
            if known is not None:
                closest.append({"typed": clause.text, "known": known})
    drop = None
    if len(match.clauses) > 1:
        found = [(text, total) for text, total in catalogue.search.without_each(query) if total]
        if found:
            word, total = max(found, key=lambda pair: pair[1])
            drop = {"word": word, "text": _remove(query.text, word), "total": total}
    return {"drop": drop, "closest": closest}


def _remove(text: str, part: str) -> str:
    """The text without one part (a quoted phrase, a word or ``a OR b``), spaces tidied."""
    for written in (f'"{part}"', f'-"{part}"', f"-{part}", part):
        removed = re.sub(rf'(?<![\w"]){re.escape(written)}(?![\w"])', " ", text, count=1)
        if removed != text:
            return " ".join(removed.split())
    return " ".join(text.replace(part, " ", 1).split())


def facet_offers(
    catalogue: Catalogue, query: Query, hits: Hits, preferred: Sequence[str]
) -> list[dict[str, Any]]:
    """Facet values whose label (in any language) the typed words spell exactly, that some
    result has and that are not selected yet; each with the text left without those words."""
    typed = words(corrected_text(query.text, hits.corrected))
    if not typed or any(c.kind == NOT for c in parse(query.text)):
        return []
    labels = _facet_labels(catalogue)
    chosen = {(facet, value) for facet, values in query.selected for value in values}
    offers: list[dict[str, Any]] = []
    for size in range(min(LONGEST_LABEL, len(typed)), 0, -1):
        for start in range(len(typed) - size + 1):
            spelled = fold(" ".join(typed[start : start + size]))
            for facet, value in labels.get(spelled, ()):
                if (facet, value) in chosen or not hits.counts.get(facet, {}).get(value):
                    continue
                chosen.add((facet, value))
                rest = " ".join(typed[:start] + typed[start + size :])
                offers.append(
                    {
                        "facet": facet,
                        "value": value,
                        "label": _label(catalogue, facet, value, preferred),
                        "text": rest,
                    }
                )
    return offers[:MAX_OFFERS]


def _label(catalogue: Catalogue, facet: str, value: str, preferred: Sequence[str]) -> Label:
    if facet == "provider":
        card = catalogue.search.agents().get(value)
        return pick_label(card["names"], preferred) if card else Label(value)
    return pick_label(catalogue.labels.get(value, {}), preferred)


def _facet_labels(catalogue: Catalogue) -> dict[str, list[tuple[str, str]]]:
    """Folded label (any language) -> the facet values it names, once per index write."""

    def compute() -> dict[str, list[tuple[str, str]]]:
        found: dict[str, list[tuple[str, str]]] = {}
        agents = catalogue.search.agents()
        for facet, value, _, _ in catalogue.search.totals():
            if facet in CONCEPT_FACETS:
                texts = catalogue.labels.get(value, {}).values()
            elif facet == "provider":
                texts = (agents.get(value) or {}).get("names", {}).values()
            else:
                continue
            for text in texts:
                found.setdefault(fold(" ".join(words(text))), []).append((facet, value))
        return found

    result: dict[str, list[tuple[str, str]]] = catalogue.search.cached("facet labels", compute)
    return result

"""``Catalogue``: what every read use case for people works with, built by ``runtime`` from
explicit collaborators (the store, the search index, the vocabularies' labels, the layout
of IRIs)."""

from __future__ import annotations

from dataclasses import dataclass, field

from registry.catalogue.index.sqlite import SearchIndex
from registry.records.layout import Layout
from registry.store.interface import Store


@dataclass
class Catalogue:
    """The read side's collaborators; the functions of ``registry.catalogue`` take it."""

    store: Store
    search: SearchIndex
    """Search, facets and totals for the pages; kept in step with the store (index.sync)."""
    labels: dict[str, dict[str, str]]
    """Vocabulary concept IRI -> language tag -> preferred label (static, loaded once)."""
    layout: Layout
    page_size: int = 50
    property_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    """Property IRI -> language tag -> its label on pages (the ontology's rdfs:labels)."""

    @property
    def catalog_iri(self) -> str:
        return self.layout.catalog_iri

    @property
    def vocabularies_graph(self) -> str:
        return self.layout.vocabularies_graph

    def record_iri(self, record_id: str) -> str:
        return self.layout.record_iri(record_id)

"""The registry's long-lived resources, opened in one place: settings, store, shapes, labels.

The web app keeps one ``Registry`` in ``app.extensions``; the CLI opens its own. Opening also
(re)writes the graphs the registry owns: the catalogue description and the vocabularies.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from registry.catalogue.index.sqlite import SearchIndex
from registry.catalogue.index.sync import reconcile
from registry.config import Settings
from registry.errors import StoreMismatch
from registry.profile.validation import Shapes, load_profile
from registry.queries import query
from registry.rdf import formats
from registry.rdf.namespaces import CIR, DCATAP, EHDS_REGULATION
from registry.sparql.service import Endpoint
from registry.store.oxigraph import OxigraphStore, Term


@dataclass
class Registry:
    """Everything a use case needs; built by ``open_registry``."""

    settings: Settings
    store: OxigraphStore
    shapes: Shapes
    labels: dict[str, dict[str, str]]
    """Vocabulary concept IRI -> language tag -> preferred label (static, loaded once)."""
    search: SearchIndex
    """Search, facets and totals for the pages; kept in step with the store (indexing.py)."""
    writing: threading.Lock = field(default_factory=threading.Lock)
    """Held while a record is read, checked and written, so preconditions cannot race."""
    _endpoint: Endpoint | None = field(default=None, repr=False)
    _starting: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def endpoint(self) -> Endpoint:
        """Return the SPARQL query service, starting it on first use.

        Starting spawns its worker processes (about a second), so processes that never
        answer a query (the CLI, most tests) never pay for it.
        """
        with self._starting:
            if self._endpoint is None:
                self._endpoint = Endpoint(self.store, self.settings)
            return self._endpoint

    @property
    def catalog_iri(self) -> str:
        return self.settings.iri("catalog")

    @property
    def vocabularies_graph(self) -> str:
        """The named graph holding ``ontology/``: own schemes and authority tables, for pages
        and SPARQL users."""
        return self.settings.iri("graph/vocabularies")

    def record_iri(self, record_id: str) -> str:
        return self.settings.iri(f"record/{record_id}")

    def close(self) -> None:
        with self._starting:
            if self._endpoint is not None:
                self._endpoint.close()
                self._endpoint = None
        self.search.close()
        self.store.close()


def record_id_for(topic: str) -> str:
    """Return the stable record id of a dataset's (or agent's) IRI: provider IRIs are kept,
    never re-minted, and the record is found from the IRI without a lookup."""
    return hashlib.sha256(topic.encode("utf-8")).hexdigest()[:16]


def _literal(text: str, language: str | None = "en") -> ox.Literal:
    return ox.Literal(text, language=language)


def catalog_triples(settings: Settings) -> list[ox.Triple]:
    """Describe the registry's own ``dcat:Catalog`` (its records link to it)."""
    catalog = ox.NamedNode(settings.iri("catalog"))
    operator = ox.NamedNode(settings.iri("agent/operator"))
    iri = formats.oxigraph_iri
    return [
        ox.Triple(catalog, iri(RDF.type), iri(DCAT.Catalog)),
        ox.Triple(catalog, iri(DCTERMS.title), _literal(settings.catalog_title)),
        ox.Triple(catalog, iri(DCTERMS.description), _literal(settings.catalog_description)),
        ox.Triple(catalog, iri(DCTERMS.publisher), operator),
        ox.Triple(catalog, iri(DCATAP.applicableLegislation), ox.NamedNode(EHDS_REGULATION)),
        ox.Triple(operator, iri(RDF.type), iri(FOAF.Agent)),
        ox.Triple(operator, iri(FOAF.name), _literal(settings.catalog_publisher)),
    ]


def record_facts(triples: list[ox.Triple], record: str) -> dict[str, Term]:
    """Return predicate IRI -> value of what the registry wrote about a record (issued, ...)."""
    node = ox.NamedNode(record)
    return {t.predicate.value: t.object for t in triples if t.subject == node}


def load_vocabularies(registry: Registry) -> None:
    """Write the shipped vocabularies into their graph unless the store already has this version.

    The authority tables are ~140,000 triples: loading them takes a couple of seconds, so it
    happens on the first start and whenever ``ontology/`` changes (its digest is the marker,
    written last, so an interrupted load is redone on the next start).
    """
    vocabularies = registry.shapes.vocabularies
    assert vocabularies is not None
    graph = registry.vocabularies_graph
    marker = ox.Triple(
        ox.NamedNode(graph), formats.oxigraph_iri(CIR.digest), ox.Literal(vocabularies.digest)
    )
    if not registry.store.contains(marker, graph):
        registry.store.load_graph(graph, itertools.chain(vocabularies.triples(), [marker]))


def refuse_other_base(registry: Registry) -> None:
    """Stop if the store holds records of another base IRI: they would silently vanish."""
    rows = registry.store.query(
        query("other_catalogs"), {"catalog": ox.NamedNode(registry.catalog_iri)}
    )
    for row in rows:  # type: ignore[union-attr]
        registry.close()
        raise StoreMismatch(
            f"The store {registry.settings.store} holds records of the catalogue "
            f"{row['found'].value}, but REGISTRY_BASE_IRI is {registry.settings.base_iri}. "
            "Use the base IRI the store was loaded with, or load the records into a new store."
        )


def open_registry(settings: Settings) -> Registry:
    """Open the store, parse shapes and vocabularies, and write the registry's own graphs."""
    store = OxigraphStore(settings.store_path)
    shapes = load_profile()
    assert shapes.vocabularies is not None
    search = SearchIndex(search_index_path(settings))
    registry = Registry(settings, store, shapes, shapes.vocabularies.labels, search)
    refuse_other_base(registry)
    if not store.has_graph(registry.catalog_iri):
        # The settings describe a new store's catalogue; a loaded description
        # (data/sample/catalog.ttl, say) replaces it and is kept across restarts.
        store.replace_graph(registry.catalog_iri, catalog_triples(settings))
    load_vocabularies(registry)
    reconcile(registry)
    return registry


def search_index_path(settings: Settings) -> Path:
    """The search index's file, beside the store's folder (``var/store.search.sqlite``)."""
    return settings.store_path.with_name(settings.store_path.name + ".search.sqlite")

"""The registry's long-lived resources, opened in one place: settings, store, shapes, labels.

The web app keeps one ``Registry`` in ``app.extensions``; the CLI opens its own. Opening also
(re)writes the graphs the registry owns: the catalogue description and the vocabularies.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS

from . import formats
from .config import Settings
from .errors import StoreMismatch
from .namespaces import DCATAP
from .queries import query
from .resources import resource_dir
from .store import OxigraphStore, Term
from .validation import Shapes

EHDS_REGULATION = "http://data.europa.eu/eli/reg/2025/327/oj"


@dataclass
class Registry:
    """Everything a use case needs; built by ``open_registry``."""

    settings: Settings
    store: OxigraphStore
    shapes: Shapes
    labels: dict[str, dict[str, str]]
    """Vocabulary concept IRI -> language tag -> preferred label (static, loaded once)."""

    @property
    def catalog_iri(self) -> str:
        return self.settings.iri("catalog")

    @property
    def vocabularies_graph(self) -> str:
        """The named graph holding ``ontology/`` (labels for pages and SPARQL users)."""
        return self.settings.iri("graph/vocabularies")

    def record_iri(self, record_id: str) -> str:
        return self.settings.iri(f"record/{record_id}")

    def close(self) -> None:
        self.store.close()


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


def vocabulary_triples() -> list[ox.Triple]:
    """Parse every RDF file of ``ontology/`` (the extension's terms and the vocabularies)."""
    triples: list[ox.Triple] = []
    for path in sorted(resource_dir("ontology").glob("*.*")):
        syntax = formats.syntax_for_suffix(path.suffix)
        if syntax is not None:
            triples.extend(formats.parse(path.read_bytes(), syntax))
    return triples


def preferred_labels(triples: list[ox.Triple]) -> dict[str, dict[str, str]]:
    """Return concept -> language -> ``skos:prefLabel`` ("" for untagged labels)."""
    pref_label = ox.NamedNode(str(SKOS.prefLabel))
    labels: dict[str, dict[str, str]] = {}
    for t in triples:
        if t.predicate == pref_label and isinstance(t.object, ox.Literal):
            concept = str(getattr(t.subject, "value", t.subject))
            labels.setdefault(concept, {})[t.object.language or ""] = t.object.value
    return labels


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
    shapes = Shapes.load(resource_dir("shapes"))
    vocabularies = vocabulary_triples()
    registry = Registry(settings, store, shapes, preferred_labels(vocabularies))
    refuse_other_base(registry)
    store.replace_graph(registry.catalog_iri, catalog_triples(settings))
    store.replace_graph(registry.vocabularies_graph, vocabularies)
    return registry

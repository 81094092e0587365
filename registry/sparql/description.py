"""What the endpoint tells about itself: the example queries (``queries/examples``) and the
SPARQL 1.1 service description. No Flask here."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from registry.config import Settings
from registry.records.layout import Layout
from registry.sparql.service import FORMATS

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
EXAMPLES = Path(__file__).parents[1] / "queries" / "examples"

# W3C's IRIs for the formats (https://www.w3.org/ns/formats/), by media type.
FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/ld+json": "JSON-LD",
    "application/rdf+xml": "RDF_XML",
}


@dataclass(frozen=True)
class Example:
    title: str
    query: str


@cache
def examples() -> tuple[Example, ...]:
    """The example queries (``queries/examples/*.rq``, the first comment line is the title)."""
    found = []
    for path in sorted(EXAMPLES.glob("*.rq")):
        title, _, query = path.read_text(encoding="utf-8").partition("\n")
        found.append(Example(title.lstrip("# ").strip(), query.strip()))
    return tuple(found)


def service_triples(settings: Settings) -> list[ox.Triple]:
    """Describe the endpoint as an ``sd:Service`` (SPARQL 1.1 Service Description); the web
    layer adds what the catalogue says of it as a ``dcat:DataService``
    (``federation.documents.sparql_service``)."""
    service = ox.NamedNode(Layout(settings.base_iri).iri("sparql"))
    dataset, graph = ox.BlankNode(), ox.BlankNode()

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = [
        ox.Triple(service, a, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, a, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), graph),
        ox.Triple(graph, a, sd("Graph")),
    ]
    if settings.service_hosts:
        triples.append(ox.Triple(service, sd("feature"), sd("BasicFederatedQuery")))
    media_types = {t for option in FORMATS for t in (option.results, option.graph) if t}
    triples += [
        ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS_NS + FORMAT_IRIS[t]))
        for t in sorted(media_types)
    ]
    return triples

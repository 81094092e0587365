"""``/sparql`` is the catalogue's ``dcat:DataService``: the catalogue's pages list it where they
publish the ``dcat:Catalog``, and the endpoint's own service description says the same."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from flask import Flask

from registry.rdf import formats
from registry.runtime import Registry
from tests.conftest import BASE_IRI

DCAT, DCT = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SERVICE, CATALOG = ox.NamedNode(f"{BASE_IRI}sparql"), ox.NamedNode(f"{BASE_IRI}catalog")
SD_SERVICE = ox.NamedNode("http://www.w3.org/ns/sparql-service-description#Service")
TURTLE = formats.DOCUMENT_SYNTAXES[0]


def about(triples: list[ox.Triple], subject: ox.NamedNode, predicate: str) -> set[object]:
    return {t.object for t in triples if t.subject == subject and t.predicate.value == predicate}


def assert_data_service(triples: list[ox.Triple], registry: Registry) -> None:
    """The DCAT 3 terms a client follows, and the profile's DataService shape holds."""
    assert ox.NamedNode(f"{DCAT}DataService") in about(triples, SERVICE, RDF_TYPE.value)
    assert about(triples, SERVICE, f"{DCAT}endpointURL") == {SERVICE}
    assert about(triples, SERVICE, f"{DCAT}endpointDescription") == {SERVICE}
    assert about(triples, SERVICE, f"{DCAT}servesDataset") == {CATALOG}
    assert about(triples, CATALOG, f"{DCAT}service") == {SERVICE}
    [title] = about(triples, SERVICE, f"{DCT}title")
    assert isinstance(title, ox.Literal) and title.value.startswith("SPARQL endpoint: ")
    catalogue = registry.store.graph_triples(CATALOG.value)
    publishers = about(catalogue, CATALOG, f"{DCT}publisher")
    assert publishers and about(triples, SERVICE, f"{DCT}publisher") == publishers
    service = [t for t in triples if t.subject == SERVICE]
    report = registry.shapes.validate(formats.to_rdflib(service))
    assert report.conforms, report.text()


@pytest.mark.parametrize("url", ["/catalog", "/catalog?page=2", "/catalog.ttl"])
def test_the_catalogue_lists_its_sparql_endpoint(sample_app: Flask, url: str) -> None:
    client = sample_app.test_client()
    answer = client.get(url, headers={"Accept": "text/turtle"})
    assert answer.status_code == 200, answer.data
    triples = formats.parse(answer.data, TURTLE)
    assert_data_service(triples, sample_app.extensions["registry"])


def test_the_service_description_is_the_catalogues_data_service(sample_app: Flask) -> None:
    client = sample_app.test_client()
    answer = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200, answer.data
    triples = formats.parse(answer.data, TURTLE)
    assert SD_SERVICE in about(triples, SERVICE, RDF_TYPE.value)
    assert_data_service(triples, sample_app.extensions["registry"])
    # Only the catalogue's link to the service, not the catalogue itself: a harvester that
    # finds a dcat:Catalog here would read the endpoint as a catalogue.
    assert not about(triples, CATALOG, RDF_TYPE.value)

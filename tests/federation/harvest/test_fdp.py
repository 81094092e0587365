"""The FAIR Data Point face: the root an FDP index reads, every dataset one GET at a time
from it with Accept: text/turtle, the home page for everyone else, and the optional ping."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from registry.config import load_settings
from registry.federation import fdp
from registry.rdf import formats
from tests.conftest import BASE_IRI
from tests.federation.harvest.harvesting import LDP_CONTAINS, hydra_next

ROOT = URIRef(BASE_IRI)
FDP_O = "https://w3id.org/fdp/fdp-o#"
R3D = "http://www.re3data.org/schema/3-0#"
LDP = "http://www.w3.org/ns/ldp#"
TURTLE = {"Accept": "text/turtle"}


def turtle(client: FlaskClient, url: str) -> Graph:
    response = client.get(url, headers=TURTLE)
    assert response.status_code == 200 and response.mimetype == "text/turtle", url
    return Graph().parse(data=response.data, format="turtle")


def test_the_root_is_a_fair_data_point(
    harvest_client: FlaskClient, sample_ids: dict[str, str]
) -> None:
    response = harvest_client.get("/", headers=TURTLE)
    assert response.mimetype == "text/turtle" and response.headers["Vary"] == "Accept"
    graph = Graph().parse(data=response.data, format="turtle")
    for kind in (FDP_O + "FAIRDataPoint", FDP_O + "MetadataService", R3D + "Repository"):
        assert (ROOT, RDF.type, URIRef(kind)) in graph, kind
    titles = {str(t) for t in graph.objects(ROOT, DCTERMS.title)}
    assert "Cancer Image Registry: sample federation catalogue" in titles
    assert graph.value(ROOT, DCTERMS.description) is not None
    publisher = graph.value(ROOT, DCTERMS.publisher)
    assert "catalogue operator" in str(graph.value(publisher, FOAF.name))
    assert graph.value(ROOT, URIRef(str(DCAT) + "version")) == Literal(fdp.software_version())
    country = "http://publications.europa.eu/resource/authority/country/EUR"
    assert graph.value(ROOT, URIRef(R3D + "country")) == URIRef(country)
    catalog = URIRef(BASE_IRI + "catalog")
    assert graph.value(ROOT, URIRef(FDP_O + "metadataCatalog")) == catalog
    (container,) = graph.subjects(URIRef(LDP + "contains"), catalog)
    assert (container, RDF.type, URIRef(LDP + "DirectContainer")) in graph
    assert graph.value(container, URIRef(LDP + "membershipResource")) == ROOT
    assert graph.value(container, URIRef(LDP + "hasMemberRelation")) == URIRef(
        FDP_O + "metadataCatalog"
    )


def test_what_an_fdp_index_reads_of_the_root(
    harvest_client: FlaskClient, sample_ids: dict[str, str]
) -> None:
    """FAIRDataPoint-index's MetadataRetrievalUtils: the first r3d:Repository, then title,
    description, dct:hasVersion, r3d:institutionCountry and the publisher's foaf:name."""
    graph = turtle(harvest_client, "/")
    (repository,) = graph.subjects(RDF.type, URIRef(R3D + "Repository"))
    read = {
        name: graph.value(repository, predicate)
        for name, predicate in {
            "title": DCTERMS.title,
            "description": DCTERMS.description,
            "version": DCTERMS.hasVersion,
            "country": URIRef(R3D + "institutionCountry"),
            "publisher": DCTERMS.publisher,
        }.items()
    }
    assert all(read.values()), read
    assert graph.value(read["publisher"], FOAF.name) is not None


@pytest.mark.parametrize("syntax", formats.DOCUMENT_SYNTAXES[1:], ids=lambda s: s.name)
def test_the_root_in_the_other_syntaxes(
    harvest_client: FlaskClient, syntax: formats.RdfSyntax
) -> None:
    response = harvest_client.get("/", headers={"Accept": syntax.media_type})
    assert response.mimetype == syntax.media_type
    assert any(t.subject.value == BASE_IRI for t in formats.parse(response.data, syntax))


@pytest.mark.parametrize(
    "accept", [None, "*/*", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"]
)
def test_everyone_else_gets_the_home_page(harvest_client: FlaskClient, accept: str | None) -> None:
    response = harvest_client.get("/", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Vary"] == "Accept, Accept-Language"  # a page, in their language


def test_every_dataset_is_one_get_at_a_time_from_the_root(
    harvest_client: FlaskClient, sample_ids: dict[str, str]
) -> None:
    """Follow ldp:contains from the root (and each catalogue page's hydra:next), asking
    every resource for Turtle, until every dataset has been read."""
    queue, seen, datasets = [BASE_IRI], set(), set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        graph = turtle(harvest_client, url)
        datasets |= {str(d) for d in graph.subjects(RDF.type, DCAT.Dataset)}
        queue += [str(o) for o in graph.objects(None, LDP_CONTAINS)]
        following = hydra_next(graph)
        if following:
            queue.append(following)
    assert datasets == set(sample_ids)
    records = {url for url in seen if urlsplit(url).path.startswith("/record/")}
    assert len(records) == len(sample_ids)  # one GET per dataset


class Index(BaseHTTPRequestHandler):
    """An FDP index's ping endpoint on 127.0.0.1: keeps what it is sent, answers 204."""

    received: list[tuple[str, str, bytes]] = []
    pinged = threading.Event()

    def do_POST(self) -> None:  # noqa: N802 (the handler's protocol)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers["Content-Type"], body))
        self.send_response(204)
        self.end_headers()
        self.pinged.set()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def index() -> Iterator[str]:
    Index.received, Index.pinged = [], threading.Event()
    server = HTTPServer(("127.0.0.1", 0), Index)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_a_ping_tells_an_index_where_the_fair_data_point_is(index: str) -> None:
    assert fdp.ping_all([index], BASE_IRI) == {index: 204}
    ((path, content_type, body),) = Index.received
    assert path == "/" and content_type == "application/json"
    assert json.loads(body) == {"clientUrl": BASE_IRI}


def test_pings_start_at_once_and_stop_when_asked(index: str) -> None:
    stop = fdp.start_pinging([index], BASE_IRI, interval=3600, delay=0)
    assert stop is not None
    assert Index.pinged.wait(10)
    stop.set()
    assert fdp.start_pinging([], BASE_IRI) is None  # no index configured: no thread


def test_an_index_that_cannot_be_reached_is_reported_not_raised() -> None:
    with HTTPServer(("127.0.0.1", 0), Index) as closed:
        url = f"http://127.0.0.1:{closed.server_address[1]}/"
    answers = fdp.ping_all([url], BASE_IRI)
    assert isinstance(answers[url], str)


def test_ping_settings() -> None:
    assert fdp.ping_urls(load_settings().fdp_ping_urls) == []  # off by default
    two = load_settings({"fdp_ping_urls": " https://a.example/ , http://b.example/"})
    assert fdp.ping_urls(two.fdp_ping_urls) == ["https://a.example/", "http://b.example/"]
    with pytest.raises(ValueError, match="FDP_PING_URLS"):
        load_settings({"fdp_ping_urls": "file:///etc/passwd"})
    with pytest.raises(ValueError, match="CATALOG_COUNTRY"):
        load_settings({"catalog_country": "eu"})

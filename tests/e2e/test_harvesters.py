"""Harvesters against a live ``registry serve --sample`` on 127.0.0.1, each as it works:
a CKAN ckanext-dcat walk, a piveau walk, an FDP index's crawl from ``/``, and sickle (an
OAI-PMH client from PyPI) over ``/oai``; each reaches every sample dataset, and after a
withdrawal OAI-PMH answers a deleted header."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import requests
from lxml import etree
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF
from sickle import Sickle

from registry.rdf import formats
from registry.records.accounts import Accounts
from tests.e2e.servers import running_server
from tests.federation.harvest.harvesting import HYDRA, LDP_CONTAINS, hydra_next, sample_datasets

pytestmark = pytest.mark.e2e
PAGE_SIZE = 10
MAX_PAGE_BYTES = 50 * 1024 * 1024
"""ckanext-dcat refuses larger answers (ckanext.dcat.max_file_size); ours stay far under."""
R3D = "http://www.re3data.org/schema/3-0#"


class Index(BaseHTTPRequestHandler):
    """An FDP index: takes a ping, answers 204, then reads the pinged root as
    FAIRDataPoint-index does (GET clientUrl, Accept: text/turtle)."""

    bodies: list[bytes] = []
    read: list[requests.Response] = []
    fetched = threading.Event()

    def do_POST(self) -> None:  # noqa: N802 (the handler's protocol)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.bodies.append(body)
        self.send_response(204)
        self.end_headers()
        threading.Thread(target=self.retrieve, args=(json.loads(body)["clientUrl"],)).start()

    def retrieve(self, url: str) -> None:
        self.read.append(requests.get(url, headers={"Accept": "text/turtle"}, timeout=30))
        self.fetched.set()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def index() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), Index)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, index: str) -> Iterator[tuple[str, Path]]:
    """The sample catalogue served with ten datasets a page and one FDP index to ping;
    yields its URL once every sample dataset is listed (a walk lists the records issued a
    settling moment before it starts), and the store's folder."""
    folder = tmp_path_factory.mktemp("harvested")
    settings = {"REGISTRY_FEED_PAGE_SIZE": str(PAGE_SIZE), "REGISTRY_FDP_PING_URLS": index}
    with running_server(folder / "store", settings, sample=True) as url:
        deadline = time.monotonic() + 30
        while total_items(url) < len(sample_datasets()) and time.monotonic() < deadline:
            time.sleep(0.2)
        yield url, folder


def total_items(url: str) -> int:
    graph = Graph().parse(data=requests.get(f"{url}/catalog", timeout=30).text, format="turtle")
    node = next(graph.subjects(RDF.type, URIRef(HYDRA + "PagedCollection")))
    return int(graph.value(node, URIRef(HYDRA + "totalItems")))  # type: ignore[arg-type]


@pytest.mark.parametrize("accept", [None, "*/*"], ids=["no Accept", "*/*"])
def test_a_ckan_dcat_harvester_walks_the_whole_catalogue(
    server: tuple[str, Path], accept: str | None
) -> None:
    """ckanext-dcat's DCATRDFHarvester.gather_stage: HEAD, then GET, the parser chosen by
    the Content-Type, ``RDFParser.next_page`` (hydra:next, else hydra:nextPage, on a
    PartialCollectionView or PagedCollection), and its guard against a page served twice."""
    url, _ = server
    session = requests.Session()
    if accept is None:
        del session.headers["Accept"]
    next_url: str | None = f"{url}/catalog"
    first_hash, guids, pages = None, [], 0
    while next_url:
        head = session.head(next_url, timeout=30)
        head.raise_for_status()
        assert int(head.headers["Content-Length"]) < MAX_PAGE_BYTES
        answer = session.get(next_url, timeout=30)
        answer.raise_for_status()
        digest = hashlib.md5(answer.content).digest()
        assert digest != first_hash, "the same content at another page: ckanext-dcat stops"
        first_hash = first_hash or digest
        content_type = answer.headers["Content-Type"].split(";", 1)[0]
        graph = Graph().parse(data=answer.text, format=content_type)
        guids += [str(d) for d in graph.subjects(RDF.type, DCAT.Dataset)]
        next_url = hydra_next(graph)
        pages += 1
    assert pages == 4
    assert len(guids) == len(set(guids)) and set(guids) == sample_datasets()


def test_a_piveau_importer_walks_the_whole_catalogue(server: tuple[str, Path]) -> None:
    """piveau's HydraPaging.findPaging: a PagedCollection node, its hydra:totalItems read as
    an int, hydra:nextPage (a resource or a literal)."""
    url, _ = server
    next_url: str | None = f"{url}/catalog"
    seen: list[str] = []
    totals = set()
    while next_url:
        answer = requests.get(next_url, timeout=30)
        assert answer.status_code == 200
        content_type = answer.headers["Content-Type"].split(";", 1)[0]
        graph = Graph().parse(data=answer.text, format=content_type)
        (paging,) = graph.subjects(RDF.type, URIRef(HYDRA + "PagedCollection"))
        totals.add(int(graph.value(paging, URIRef(HYDRA + "totalItems"))))  # type: ignore[arg-type]
        seen += [str(d) for d in graph.subjects(RDF.type, DCAT.Dataset)]
        following = graph.value(paging, URIRef(HYDRA + "nextPage"))
        next_url = str(following) if following is not None else None
    assert totals == {len(seen)} and set(seen) == sample_datasets() and len(set(seen)) == len(seen)


def test_an_fdp_index_crawls_every_dataset_from_the_root(server: tuple[str, Path]) -> None:
    """The root as FAIRDataPoint-index reads it (Accept: text/turtle, the r3d:Repository,
    its title and publisher's name), then ldp:contains (and each catalogue page's
    hydra:next) one Turtle GET at a time down to every dataset."""
    url, _ = server
    root = requests.get(f"{url}/", headers={"Accept": "text/turtle"}, timeout=30)
    graph = Graph().parse(data=root.text, format="turtle")
    (repository,) = graph.subjects(RDF.type, URIRef(R3D + "Repository"))
    assert graph.value(repository, DCTERMS.title) is not None
    assert graph.value(graph.value(repository, DCTERMS.publisher), FOAF.name) is not None
    queue, seen, datasets = [str(o) for o in graph.objects(None, LDP_CONTAINS)], set(), set()
    while queue:
        target = queue.pop(0)
        if target in seen:
            continue
        seen.add(target)
        answer = requests.get(target, headers={"Accept": "text/turtle"}, timeout=30)
        assert answer.status_code == 200, target
        page = Graph().parse(data=answer.text, format="turtle")
        datasets |= {str(d) for d in page.subjects(RDF.type, DCAT.Dataset)}
        queue += [str(o) for o in page.objects(None, LDP_CONTAINS)]
        following = hydra_next(page)
        if following:
            queue.append(following)
    assert datasets == sample_datasets()
    browser = requests.get(f"{url}/", headers={"Accept": "text/html"}, timeout=30)
    assert browser.headers["Content-Type"].startswith("text/html")


def test_sickle_harvests_every_record_and_then_a_deleted_header(server: tuple[str, Path]) -> None:
    url, folder = server
    sickle = Sickle(f"{url}/oai")
    assert sickle.Identify().deletedRecord == "persistent"
    records = list(sickle.ListRecords(metadataPrefix="dcat_ap"))
    described = set()
    for record in records:
        (rdf,) = record.xml.find("{http://www.openarchives.org/OAI/2.0/}metadata")
        document = formats.parse(etree.tostring(rdf), RDF_XML)
        described |= {
            t.subject.value for t in document if t.object == formats.oxigraph_iri(DCAT.Dataset)
        }
    identifiers = [r.header.identifier for r in records]
    assert len(identifiers) == len(set(identifiers)) == len(sample_datasets())
    assert described == sample_datasets()
    withdrawn = withdraw_one(url, folder, identifiers[0])
    record = sickle.GetRecord(identifier=identifiers[0], metadataPrefix="dcat_ap")
    assert record.header.deleted and record.header.identifier == withdrawn
    headers = list(sickle.ListIdentifiers(metadataPrefix="dcat_ap"))
    assert [h.identifier for h in headers if h.deleted] == [withdrawn]
    assert len(headers) == len(identifiers)


RDF_XML = next(s for s in formats.DOCUMENT_SYNTAXES if s.suffix == "rdf")


def withdraw_one(url: str, folder: Path, identifier: str) -> str:
    """Withdraw a record through the provider API, with a token of its owner."""
    record_id = identifier.rsplit("/", 1)[1]
    document = requests.get(
        f"{url}/api/records/{record_id}", headers={"Accept": "application/n-triples"}, timeout=30
    )
    triples = formats.parse(
        document.content, formats.syntax_for_media_type("application/n-triples")
    )
    (owner,) = {
        t.object.value for t in triples if t.predicate == formats.oxigraph_iri(DCTERMS.publisher)
    }
    accounts = Accounts(folder / "store-accounts.sqlite")
    accounts.add_provider("owner", owner)
    token = accounts.new_token("owner")
    answer = requests.delete(
        f"{url}/api/records/{record_id}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code in (200, 204), answer.text
    return identifier


def test_serve_pings_the_configured_fdp_index(server: tuple[str, Path]) -> None:
    """After it listens, so the index reads the FAIR Data Point it was told of."""
    url, _ = server
    assert Index.fetched.wait(30)
    assert json.loads(Index.bodies[0]) == {"clientUrl": url + "/"}
    (answer,) = Index.read
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=answer.text, format="turtle")
    assert (URIRef(url + "/"), RDF.type, URIRef(R3D + "Repository")) in graph


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/catalog?page=abc", {}),
        ("/catalog?page=0", {}),
        ("/catalog?modified_since=last-week", {}),
        ("/catalog", {"Accept": "text/turtle;q=high"}),
    ],
)
def test_malformed_requests_are_400_over_the_socket(
    server: tuple[str, Path], path: str, headers: dict[str, str]
) -> None:
    url, _ = server
    assert requests.get(url + path, headers=headers, timeout=30).status_code == 400

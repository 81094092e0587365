"""``/feed``: DCAT-AP Feeds over the change log, walked as an LDES client walks it (through
Flask's client; ``tests/e2e/test_ldes_client.py`` runs the npm ``ldes-client``)."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from pyshacl import validate
from rdflib import Graph
from rdflib.compare import isomorphic

from registry.rdf import formats
from registry.rdf.namespaces import AS, DCAT_AP_FEEDS_SHAPE, LDES, TREE
from registry.records.layout import record_id_for
from registry.records.submission import registered_agents, submit
from registry.records.write import withdraw_record
from registry.runtime import Registry
from tests.conftest import BASE_IRI, SAMPLES

from .conftest import PAGE_SIZE

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DATASET_TYPE = ox.NamedNode("http://www.w3.org/ns/dcat#Dataset")
MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
PROSTATE = next(p for p in SAMPLES if p.name == "procancer-i-open-challenge-prostate.ttl")
DATASET = "https://datasets.procancer-i.example/open-challenge-prostate-v1"


def iri(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


class Document:
    """A parsed feed document: its quads as written (a pyoxigraph Store would keep typed
    literals by value, ``"846"^^xsd:nonNegativeInteger`` as an ``xsd:integer``)."""

    def __init__(self, data: bytes, media_type: str = "application/trig") -> None:
        syntax = formats.syntax_for_media_type(media_type)
        self.quads = list(ox.parse(data, format=syntax.oxigraph))

    def __len__(self) -> int:
        return len(self.quads)

    def __contains__(self, quad: ox.Quad) -> bool:
        return quad in self.quads

    def graph(self, name: ox.NamedNode) -> list[ox.Triple]:
        return [q.triple for q in self.quads if q.graph_name == name]

    def default(self) -> list[ox.Triple]:
        return [q.triple for q in self.quads if q.graph_name == ox.DefaultGraph()]


def without_stamp(graph: list[ox.Triple], dataset: object) -> list[ox.Triple]:
    """A dataset's description in the feed without the ``dct:modified`` the registry adds to
    a description that gives none (the samples give none): exactly one is there."""
    stamps = [t for t in graph if t.subject == dataset and t.predicate == MODIFIED]
    assert len(stamps) == 1, stamps
    return [t for t in graph if t not in stamps]


def objects(document: Document, subject: object, predicate: object) -> list:
    return [
        q.object
        for q in document.quads
        if q.subject == subject and q.predicate == iri(predicate)
        and q.graph_name == ox.DefaultGraph()
    ]


@dataclass
class Walk:
    """What a client saw following the feed from ``/feed``: every page's store, in order."""

    pages: list[tuple[str, Document]]

    @property
    def members(self) -> list[ox.NamedNode]:
        """The members in the order of the pages, by number within a page (a store keeps
        no order)."""
        stream = ox.NamedNode(f"{BASE_IRI}feed")
        return [
            member
            for _, page in self.pages
            for member in sorted(
                objects(page, stream, TREE.member), key=lambda m: int(m.value.rsplit("/", 1)[1])
            )
        ]

    def page_of(self, member: ox.NamedNode) -> Document:
        stream = ox.NamedNode(f"{BASE_IRI}feed")
        return next(
            page for _, page in self.pages if ox.Quad(stream, iri(TREE.member), member) in page
        )


def parsed(data: bytes, media_type: str = "application/trig") -> Document:
    return Document(data, media_type)


def walk(client: FlaskClient, accept: str = "application/trig") -> Walk:
    """Follow the stream's view, then each fragment's tree:relation, as an LDES client does."""
    root = client.get("/feed", headers={"Accept": accept})
    assert root.status_code == 200, root.data
    stream = parsed(root.data, accept)
    [view] = objects(stream, ox.NamedNode(f"{BASE_IRI}feed"), TREE.view)
    pages, url = [], view.value
    while url:
        response = client.get(url.removeprefix(BASE_IRI.rstrip("/")), headers={"Accept": accept})
        assert response.status_code == 200, (url, response.data)
        assert response.mimetype == accept
        page = parsed(response.data, accept)
        pages.append((url, page))
        relations = objects(page, ox.NamedNode(url), TREE.relation)
        url = objects(page, relations[0], TREE.node)[0].value if relations else ""
    return Walk(pages)


@pytest.fixture
def client(sample_app: Flask) -> FlaskClient:
    return sample_app.test_client()


@pytest.fixture
def registry(sample_app: Flask) -> Registry:
    registry: Registry = sample_app.extensions["registry"]
    return registry


def test_the_stream_is_a_dcat_ap_feed(client: FlaskClient) -> None:
    response = client.get("/feed")  # no Accept: TriG
    assert response.status_code == 200 and response.mimetype == "application/trig"
    stream, node = parsed(response.data), ox.NamedNode(f"{BASE_IRI}feed")
    assert objects(stream, node, RDF_TYPE.value) == [iri(LDES.EventStream)]
    assert objects(stream, node, TREE.shape) == [ox.NamedNode(DCAT_AP_FEEDS_SHAPE)]
    assert objects(stream, node, LDES.timestampPath) == [iri(AS.published)]
    assert objects(stream, node, LDES.versionOfPath) == [iri(AS.object)]
    assert objects(stream, node, TREE.view) == [ox.NamedNode(f"{BASE_IRI}feed/1")]
    assert response.headers["ETag"] and response.headers["Cache-Control"] == "public, max-age=5"
    again = client.get("/feed", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_walk_reaches_every_change_in_order_each_description_as_accepted(
    client: FlaskClient, registry: Registry
) -> None:
    seen = walk(client)
    latest = registry.records.changes.latest()
    assert [m.value for m in seen.members] == [
        f"{BASE_IRI}feed/change/{n}" for n in range(1, latest + 1)
    ]
    assert len(seen.pages) == latest // PAGE_SIZE + 1
    topics = {}
    for member in seen.members:
        page = seen.page_of(member)
        [kind] = objects(page, member, RDF_TYPE.value)
        [topic] = objects(page, member, AS.object)
        topics[topic.value] = kind
    for sample in SAMPLES:
        sent = formats.parse(sample.read_bytes(), formats.syntax_for_path(sample))
        dataset = next(t.subject for t in sent if t.predicate == RDF_TYPE and t.object == DATASET_TYPE)
        assert isinstance(dataset, ox.NamedNode)
        assert topics[dataset.value] == iri(AS.Create), sample.name
        [member] = [
            m for m in seen.members if objects(seen.page_of(m), m, AS.object) == [dataset]
        ]
        graph = without_stamp(seen.page_of(member).graph(member), dataset)
        assert isomorphic(formats.to_rdflib(graph), formats.to_rdflib(sent)), sample.name


def test_every_activity_has_the_shape_dcat_ap_feeds_asks(client: FlaskClient) -> None:
    """The spec's ActivityShape: an IRI, typed, exactly one as:object IRI, at most one
    xsd:dateTime as:published and nothing else (a closed shape). Stated here as SHACL
    without the DCAT-AP shapes it imports, which need the network."""
    shape = Graph().parse(
        format="turtle",
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix as: <https://www.w3.org/ns/activitystreams#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        [] a sh:NodeShape ; sh:targetClass as:Create, as:Update, as:Delete ; sh:nodeKind sh:IRI ;
          sh:closed true ; sh:ignoredProperties ( rdf:type ) ;
          sh:property [ sh:path as:object ; sh:nodeKind sh:IRI ; sh:minCount 1 ; sh:maxCount 1 ] ,
                      [ sh:path as:published ; sh:datatype xsd:dateTime ; sh:minCount 1 ; sh:maxCount 1 ] .
        """,
    )
    for _, page in walk(client).pages:
        conforms, _, text = validate(formats.to_rdflib(page.default()), shacl_graph=shape)
        assert conforms, text


def test_every_published_description_conforms_to_the_profile(
    client: FlaskClient, registry: Registry
) -> None:
    seen = walk(client)
    for member in seen.members:
        page = seen.page_of(member)
        graph = page.graph(member)
        if objects(page, member, RDF_TYPE.value) == [iri(AS.Delete)] or not any(
            t.object == DATASET_TYPE for t in graph
        ):
            continue
        report = registry.shapes.validate(
            formats.to_rdflib(graph), registered_agents(registry.records, graph)
        )
        assert report.conforms, report.text()


def test_a_withdrawal_is_an_as_delete_with_no_graph(
    client: FlaskClient, registry: Registry
) -> None:
    withdraw_record(registry.records, record_id_for(DATASET))
    seen = walk(client)
    last = seen.members[-1]
    page = seen.page_of(last)
    assert objects(page, last, RDF_TYPE.value) == [iri(AS.Delete)]
    assert objects(page, last, AS.object) == [ox.NamedNode(DATASET)]
    [published] = objects(page, last, AS.published)
    assert published.datatype == XSD_DATETIME
    assert not page.graph(last)


def test_full_fragments_are_immutable_and_the_last_one_is_short_cached(
    client: FlaskClient, registry: Registry
) -> None:
    full = client.get("/feed/1")
    assert full.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/feed/1", headers={"If-None-Match": full.headers["ETag"]}).status_code == 304
    last_number = registry.records.changes.latest() // PAGE_SIZE + 1
    last = client.get(f"/feed/{last_number}")
    assert last.headers["Cache-Control"] == "public, max-age=5"
    withdraw_record(registry.records, record_id_for(DATASET))
    again = client.get("/feed/1")
    assert again.data == full.data and again.headers["ETag"] == full.headers["ETag"]
    grown = client.get(f"/feed/{last_number}", headers={"If-None-Match": last.headers["ETag"]})
    assert grown.status_code == 200 and grown.headers["ETag"] != last.headers["ETag"]


def test_a_full_fragment_links_the_next_at_or_after_its_last_activity(
    client: FlaskClient,
) -> None:
    page = parsed(client.get("/feed/1").data)
    node = ox.NamedNode(f"{BASE_IRI}feed/1")
    [relation] = objects(page, node, TREE.relation)
    assert objects(page, relation, RDF_TYPE.value) == [iri(TREE.GreaterThanOrEqualToRelation)]
    assert objects(page, relation, TREE.path) == [iri(AS.published)]
    assert objects(page, relation, TREE.node) == [ox.NamedNode(f"{BASE_IRI}feed/2")]
    [value] = objects(page, relation, TREE.value)
    following = parsed(client.get("/feed/2").data)
    times = [q.object.value for q in following.quads if q.predicate == iri(AS.published)]
    assert value.datatype == XSD_DATETIME and all(time >= value.value for time in times)


def test_json_ld_carries_the_same_quads_as_trig(client: FlaskClient) -> None:
    trig = client.get("/feed/2", headers={"Accept": "application/trig"})
    jsonld = client.get("/feed/2", headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json"
    assert jsonld.headers["ETag"] != trig.headers["ETag"]
    assert jsonld.headers["Vary"] == "Accept"
    ours, theirs = parsed(trig.data), parsed(jsonld.data, "application/ld+json")
    assert len(ours) == len(theirs)
    assert {q.graph_name for q in ours.quads} == {q.graph_name for q in theirs.quads}


@pytest.mark.parametrize("fragment", ["abc", "0", "01", "-1", "1.5", "%C2%B2", "9" * 5000])
def test_a_malformed_fragment_id_is_a_400_with_a_message(
    client: FlaskClient, fragment: str
) -> None:
    response = client.get(f"/feed/{fragment}")
    assert response.status_code == 400 and response.json is not None
    assert "whole number" in response.json["message"]


def test_a_fragment_past_the_end_is_a_404(client: FlaskClient, registry: Registry) -> None:
    past = registry.records.changes.latest() // PAGE_SIZE + 2
    assert client.get(f"/feed/{past}").status_code == 404


@pytest.mark.parametrize("accept", ["text/turtle", "text/html", ";;;", "application/trig;q=0"])
def test_an_accept_without_named_graphs_is_a_406(client: FlaskClient, accept: str) -> None:
    response = client.get("/feed/1", headers={"Accept": accept})
    assert response.status_code == 406
    assert "application/trig" in (response.json or {}).get("message", response.text)


def test_an_activity_iri_leads_to_its_fragment(client: FlaskClient, registry: Registry) -> None:
    response = client.get(f"/feed/change/{PAGE_SIZE + 2}")
    assert response.status_code == 303 and response.location == f"{BASE_IRI}feed/2"
    assert client.get("/feed/change/0").status_code == 400
    beyond = registry.records.changes.latest() + 1
    assert client.get(f"/feed/change/{beyond}").status_code == 404


def test_a_new_version_is_an_as_update_carrying_the_new_description(
    client: FlaskClient, registry: Registry
) -> None:
    changed = PROSTATE.read_bytes().replace(b'"8237"', b'"8240"')
    submit(registry.records, changed, formats.syntax_for_path(PROSTATE))
    seen = walk(client)
    last = seen.members[-1]
    page = seen.page_of(last)
    assert objects(page, last, RDF_TYPE.value) == [iri(AS.Update)]
    graph = without_stamp(page.graph(last), ox.NamedNode(DATASET))
    sent = formats.parse(changed, formats.syntax_for_path(PROSTATE))
    assert isomorphic(formats.to_rdflib(graph), formats.to_rdflib(sent))

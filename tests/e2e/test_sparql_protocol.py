"""The W3C SPARQL 1.1 Protocol test suite, replayed against a live registry on 127.0.0.1.

Every entry of ``protocol/manifest.ttl`` is one test: its ``ht:Request``s are sent as written
(method, path and query string, headers, body bytes) to ``/sparql`` and the responses are
checked against the manifest (status class, a result format the manifest accepts, the ASK
answer). The endpoint is read-only, so where the manifest expects an update to succeed the
registry must refuse it with ``REFUSAL`` and change nothing; queries that check the update's
effect must then find it absent. The service description manifest names three tests without
requests; each has a check written here. Cases the manifest cannot tell apart from a
union-of-everything default graph (``default-graph-uri`` really restricting the dataset)
follow at the end.

The suite lives outside the repository (``../shared/reference/w3c-rdf-tests``): without it,
this module is skipped with a message.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Iterator
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
import requests
from rdflib import RDF, Graph, Namespace, URIRef

from registry.config import load_settings
from registry.rdf import formats
from registry.runtime import open_registry

from .servers import free_port, running_server
from .sparql_protocol_manifest import (
    PROTOCOL,
    SERVICE_DESCRIPTION,
    ProtocolRequest,
    ProtocolTest,
    named_graphs,
    read_protocol_tests,
    read_service_description_tests,
)

if not (PROTOCOL / "manifest.ttl").is_file():
    pytest.skip(
        f"The W3C SPARQL 1.1 Protocol suite is not at {PROTOCOL}: put a copy of "
        "w3c/rdf-tests there (see ../shared/reference/README.md) to run these tests.",
        allow_module_level=True,
    )

ENDPOINT = "/sparql"
REFUSAL = 403
"""The status every SPARQL Update gets, however it is sent (README, "For SPARQL users": "An
update ...: 403, and nothing changes"). The protocol leaves the 4xx code to the service."""
TIMEOUT = 10

TESTS = read_protocol_tests()
GRAPHS = named_graphs(TESTS)
"""Graph IRI -> data file, as the manifest's ``ut:graphData`` names them (``.../data1.rdf`` is
``data1.nt``; ``data0.rdf``, which some requests name, has no file: it is an empty graph)."""

RESULT_TYPES = {
    "boolean": {"application/sparql-results+xml", "application/sparql-results+json"},
    "tabular": {
        "application/sparql-results+xml",
        "application/sparql-results+json",
        "text/csv",
        "text/tab-separated-values",
    },
    # The manifest's names say "RDF/XML, Turtle, N-Triples, RDFa"; RDFa is not one we parse.
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples"},
}
"""Per ``mf:expectedFormat``, the media types the answer may have."""

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
SD_TERMS = set(
    # https://www.w3.org/TR/sparql11-service-description/#vocab
    """Service Feature Language Function Aggregate EntailmentRegime EntailmentProfile
    GraphCollection Dataset Graph NamedGraph SPARQL10Query SPARQL11Query SPARQL11Update
    DereferencesURIs UnionDefaultGraph RequiresDataset EmptyGraphs BasicFederatedQuery
    endpoint feature defaultEntailmentRegime entailmentRegime defaultSupportedEntailmentProfile
    supportedEntailmentProfile extensionFunction extensionAggregate languageExtension
    supportedLanguage propertyFeature defaultDataset availableGraphs resultFormat inputFormat
    defaultGraph namedGraph name graph""".split()
)
DESCRIPTION_TYPES = [
    "text/turtle",
    "application/rdf+xml",
    "application/n-triples",
    "application/ld+json",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A registry whose store holds the suite's data files as the named graphs it names."""
    folder = tmp_path_factory.mktemp("w3c-protocol")
    port = free_port()
    settings = load_settings({"store": folder / "store", "base_iri": f"http://127.0.0.1:{port}/"})
    registry = open_registry(settings)
    for graph, path in GRAPHS.items():
        triples = [quad.triple for quad in ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES)]
        registry.store.load_graph(graph, triples)
        assert set(registry.store.graph_triples(graph)) == set(triples)
    registry.close()
    del registry
    gc.collect()  # the embedded store is closed when its last reference goes
    # Queries read a view of the store refreshed at most this often: 0 lets the query right
    # after a (wrongly accepted) update see it, so "nothing changed" is really checked.
    with running_server(folder / "store", {"REGISTRY_SPARQL_REFRESH": "0"}, port=port) as url:
        yield url


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    """A session that adds no headers of its own and ignores proxy settings."""
    with requests.Session() as session:
        session.headers.clear()
        session.trust_env = False
        yield session


def endpoint_target(target: str) -> str:
    """Map the manifest's ``/sparql/...`` to our endpoint, keeping the query string's bytes."""
    prefix = "/sparql/"
    assert target.startswith(prefix), f"the manifest promises {prefix}, not {target}"
    rest = target[len(prefix) :]
    return ENDPOINT + (rest if not rest or rest.startswith("?") else "/" + rest)


def replay(session: requests.Session, server: str, request: ProtocolRequest) -> requests.Response:
    """Send one manifest request as written: only its own headers, its body's exact bytes."""
    url = server + endpoint_target(request.target)
    prepared = requests.Request(
        request.method, url, headers=dict(request.headers), data=request.body
    ).prepare()
    prepared.url = url  # exactly the manifest's percent-encoding, not requests' re-quoting
    return session.send(prepared, timeout=TIMEOUT, allow_redirects=False)


def shown(request: ProtocolRequest, response: requests.Response) -> str:
    """Describe an exchange for a failure message."""
    body = (request.body or b"")[:120]
    return (
        f"{request.method} {endpoint_target(request.target)} {dict(request.headers)} {body!r}\n"
        f"  -> {response.status_code} {response.headers.get('Content-Type')}: "
        f"{response.content[:300]!r}"
    )


def media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()


def check_format(
    response: requests.Response, form: str, boolean: bool | None, context: str
) -> None:
    """Check the answer is in a media type the manifest accepts, parses as such, and gives the
    expected ASK answer."""
    kind = media_type(response)
    assert kind in RESULT_TYPES[form], f"{form} answer as {kind!r}\n{context}"
    if form == "RDF":
        list(ox.parse(response.content, format=ox.RdfFormat.from_media_type(kind)))
        return
    if kind == "text/csv":
        assert next(csv.reader(io.StringIO(response.text))), context  # a header row
        return
    result = ox.parse_query_results(
        response.content, format=ox.QueryResultsFormat.from_media_type(kind)
    )
    if form == "boolean":
        assert isinstance(result, ox.QueryBoolean), f"not a boolean result\n{context}"
        if boolean is not None:
            assert bool(result) is boolean, f"ASK answered {bool(result)}\n{context}"
    else:
        assert isinstance(result, ox.QuerySolutions), f"not a table of solutions\n{context}"
        list(result)


def quad_total(session: requests.Session, server: str) -> int:
    """Count every quad in every named graph, through the endpoint."""
    response = session.post(
        server + ENDPOINT,
        data=b"SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def check_exchange(
    request: ProtocolRequest,
    response: requests.Response,
    after_refused_update: bool,
) -> None:
    """Check one response against the manifest, as the read-only registry must answer it."""
    context = shown(request, response)
    expected = request.expected
    if request.is_update:
        # The manifest expects success (2xx) or an error (4xx); either way the read-only
        # endpoint refuses the update operation, with the one status it documents.
        assert response.status_code == REFUSAL, f"update not refused with {REFUSAL}\n{context}"
        assert "read-only" in response.text, context
        return
    assert expected.allows(response.status_code), (
        f"expected {'/'.join(f'{c}xx' for c in sorted(expected.status_classes))}\n{context}"
    )
    if expected.format is None:
        return
    assert response.status_code // 100 == 2, f"no result to check\n{context}"
    boolean = expected.boolean
    if after_refused_update and boolean is not None:
        # The query looks for what the refused update would have written: it must be absent.
        boolean = not boolean
    check_format(response, expected.format, boolean, context)


@pytest.mark.parametrize("test", TESTS, ids=[test.name for test in TESTS])
def test_protocol(test: ProtocolTest, server: str, session: requests.Session) -> None:
    """Replay one manifest entry's requests in order and check each response."""
    updates = any(request.is_update for request in test.requests)
    before = quad_total(session, server) if updates else 0
    refused = False
    for request in test.requests:
        response = replay(session, server, request)
        check_exchange(request, response, refused)
        refused = refused or request.is_update
    if updates:
        assert quad_total(session, server) == before, "a refused update changed the store"


def fetch_description(session: requests.Session, server: str, accept: str | None) -> Graph:
    """GET the endpoint without a query and parse the RDF it answers."""
    headers = {"Accept": accept} if accept is not None else {}
    response = session.get(server + ENDPOINT, headers=headers, timeout=TIMEOUT)
    context = f"GET {ENDPOINT} Accept: {accept}\n  -> {response.status_code} " + (
        f"{response.headers.get('Content-Type')}: {response.content[:300]!r}"
    )
    assert response.status_code == 200, context
    kind = media_type(response)
    assert kind in DESCRIPTION_TYPES, f"not RDF\n{context}"
    if accept in DESCRIPTION_TYPES:
        assert kind == accept, f"not the negotiated format\n{context}"
    # pyoxigraph parses, rdflib queries: rdflib's own JSON-LD parser warns (ConjunctiveGraph).
    quads = ox.parse(
        response.content, format=ox.RdfFormat.from_media_type(kind), base_iri=server + ENDPOINT
    )
    return formats.to_rdflib(quad.triple for quad in quads)


def returns_rdf(session: requests.Session, server: str) -> None:
    """Every RDF syntax we serve, and RDF for a client that states no preference."""
    for accept in [*DESCRIPTION_TYPES, "*/*", None]:
        assert len(fetch_description(session, server, accept)) > 0, accept


def has_endpoint_triple(session: requests.Session, server: str) -> None:
    """An ``sd:endpoint`` triple whose object is the URL the description was fetched from."""
    description = fetch_description(session, server, "text/turtle")
    endpoints = set(description.objects(None, SD.endpoint))
    assert URIRef(server + ENDPOINT) in endpoints, endpoints


def conforms_to_schema(session: requests.Session, server: str) -> None:
    """An ``sd:Service`` with an endpoint and a language, using only the vocabulary's terms."""
    description = fetch_description(session, server, "text/turtle")
    services = set(description.subjects(RDF.type, SD.Service))
    assert services, "no sd:Service"
    terms = {str(term) for triple in description for term in triple if str(term).startswith(SD)}
    unknown = {term for term in terms if term[len(SD) :] not in SD_TERMS}
    assert not unknown, f"not in the SPARQL service description vocabulary: {unknown}"
    languages = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
    for service in services:
        assert all(isinstance(e, URIRef) for e in description.objects(service, SD.endpoint))
        assert set(description.objects(service, SD.supportedLanguage)) & languages, service
        for dataset in description.objects(service, SD.defaultDataset):
            assert (dataset, RDF.type, SD.Dataset) in description, dataset


SERVICE_DESCRIPTION_CHECKS = {
    "returns-rdf": returns_rdf,
    "has-endpoint-triple": has_endpoint_triple,
    "conforms-to-schema": conforms_to_schema,
}
SD_TESTS = (
    read_service_description_tests() if (SERVICE_DESCRIPTION / "manifest.ttl").is_file() else []
)


@pytest.mark.parametrize("name", [test.name for test in SD_TESTS])
def test_service_description(name: str, server: str, session: requests.Session) -> None:
    """One entry of the service description manifest (names only: the checks are ours)."""
    check = SERVICE_DESCRIPTION_CHECKS.get(name)
    assert check is not None, f"the manifest has a new entry {name!r}: write its check"
    check(session, server)


def test_service_description_describes_this_endpoint(
    server: str, session: requests.Session
) -> None:
    """What the issue asks the description to say: read-only SPARQL 1.1 Query, the result
    formats we serve, and the default dataset."""
    description = fetch_description(session, server, "text/turtle")
    service = URIRef(server + ENDPOINT)
    services = set(description.subjects(SD.endpoint, service))
    assert services, f"nothing has sd:endpoint <{service}>"
    languages = {o for s in services for o in description.objects(s, SD.supportedLanguage)}
    assert SD.SPARQL11Query in languages and SD.SPARQL11Update not in languages, languages
    formats = {o for s in services for o in description.objects(s, SD.resultFormat)}
    wanted = {
        FORMATS[name]
        for name in (
            "SPARQL_Results_JSON",
            "SPARQL_Results_XML",
            "SPARQL_Results_CSV",
            "SPARQL_Results_TSV",
            "Turtle",
            "N-Triples",
            "RDF_XML",
            "JSON-LD",
        )
    }
    assert wanted <= formats, f"missing sd:resultFormat {wanted - formats}"
    datasets = {o for s in services for o in description.objects(s, SD.defaultDataset)}
    assert any(description.value(d, SD.defaultGraph) is not None for d in datasets), datasets


DATA1, DATA2, DATA3 = (f"http://kasei.us/2009/09/sparql/data/data{n}.rdf" for n in (1, 2, 3))
PROTOCOL_DATASET = "https://www.w3.org/TR/sparql11-protocol/#dataset"


@pytest.mark.parametrize(
    ("parameters", "query", "answer"),
    [
        pytest.param(
            [("default-graph-uri", DATA1)],
            f"ASK {{ <{DATA1}> a ?type }}",
            True,
            id="default-graph-uri-is-the-default-graph",
        ),
        pytest.param(
            [("default-graph-uri", DATA1)],
            f"ASK {{ <{DATA2}> a ?type }}",
            False,
            id="default-graph-uri-leaves-other-graphs-out",
        ),
        pytest.param(
            [("default-graph-uri", DATA1)],
            "ASK { GRAPH ?g { ?s ?p ?o } }",
            False,
            id="default-graph-uri-alone-means-no-named-graphs",
        ),
        pytest.param(
            [("named-graph-uri", DATA1)],
            f"ASK {{ GRAPH ?g {{ <{DATA2}> a ?type }} }}",
            False,
            id="named-graph-uri-leaves-other-graphs-out",
        ),
        pytest.param(
            [("named-graph-uri", DATA1)],
            f"ASK FROM <{DATA3}> {{ <{DATA3}> a ?type }}",
            False,
            id="protocol-dataset-overrides-from",
        ),
    ],
)
def test_protocol_dataset_restricts_the_query(
    parameters: list[tuple[str, str]],
    query: str,
    answer: bool,
    server: str,
    session: requests.Session,
) -> None:
    """The manifest's dataset tests also pass if the parameters are ignored; these do not.

    "If an RDF dataset is specified in both the protocol and query, the protocol-specified
    dataset MUST be used", and it consists of exactly the graphs given (PROTOCOL_DATASET).
    """
    response = session.get(
        f"{server}{ENDPOINT}?{urlencode([('query', query), *parameters])}",
        headers={"Accept": "application/sparql-results+json"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text
    assert response.json()["boolean"] is answer, f"{PROTOCOL_DATASET}: {parameters} {query}"

"""Real SPARQL clients no one here wrote, against a live registry serving the sample catalogue.

SPARQLWrapper, rdflib's ``SPARQLStore``, ``roqet`` (Debian's rasqal-utils) and ``curl`` each
send requests the way they do for everyone, with their own Accept headers and encodings; the
answers must be the catalogue's real content (its datasets, a known title), not just a 200.
Every call has a timeout and goes to 127.0.0.1 only (proxies are switched off).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from xml.dom.minidom import Document, Element, Text

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.namespace import DCAT, DCTERMS, RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import ResultRow
from SPARQLWrapper import (
    GET,
    JSON,
    JSONLD,
    POST,
    POSTDIRECTLY,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from tests.conftest import SAMPLES

from .servers import running_server

TIMEOUT = 10
DATASETS = len(SAMPLES)
"""36: data/sample/datasets holds one description per sample dataset."""
TITLE = "Open Challenge Prostate Cancer V1"
"""The English title of data/sample/datasets/procancer-i-open-challenge-prostate.ttl."""

TITLES = (
    "SELECT ?dataset ?title WHERE { ?dataset a dcat:Dataset ; dct:title ?title "
    "FILTER(lang(?title) = 'en') } ORDER BY ?title"
)
"""Every sample dataset has exactly one English title: one row per dataset."""
KNOWN = f'ASK {{ ?dataset a dcat:Dataset ; dct:title "{TITLE}"@en }}'
UNKNOWN = 'ASK { ?dataset a dcat:Dataset ; dct:title "No such dataset"@en }'
TITLE_GRAPH = (
    "CONSTRUCT { ?dataset dct:title ?title } WHERE { ?dataset a dcat:Dataset ; "
    "dct:title ?title FILTER(lang(?title) = 'en') }"
)
# roqet sends the query as written (it does not know the registry's predeclared prefixes).
DECLARED = "PREFIX dcat: <http://www.w3.org/ns/dcat#>\nPREFIX dct: <http://purl.org/dc/terms/>\n"

# SPARQLWrapper turns RDF/XML and JSON-LD answers into an rdflib ConjunctiveGraph, which
# rdflib 7 deprecates: the warning is about the client's code, not the registry's answer.
CONJUNCTIVE_GRAPH = pytest.mark.filterwarnings(
    "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"
)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Run ``registry serve --sample`` once for the module, on a free loopback port."""
    store = tmp_path_factory.mktemp("clients") / "store"
    with running_server(store, {"REGISTRY_HOST": "127.0.0.1"}, sample=True) as url:
        yield f"{url}/sparql"


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every client (urllib, curl, roqet's libcurl) off any configured proxy."""
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.setenv(name, "*")


def check_titles(titles: list[str]) -> None:
    assert len(titles) == DATASETS, titles
    assert TITLE in titles
    assert titles == sorted(titles)


# --- SPARQLWrapper ---------------------------------------------------------------------

METHODS = [
    pytest.param(GET, URLENCODED, id="get"),
    pytest.param(POST, URLENCODED, id="post-form"),
    pytest.param(POST, POSTDIRECTLY, id="post-direct"),
]


def wrapper(
    endpoint: str, query: str, form: str, method: str, request_method: str
) -> SPARQLWrapper:
    """A SPARQLWrapper client as a partner would set it up (its defaults otherwise)."""
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(form)
    client.setMethod(method)
    client.setRequestMethod(request_method)
    client.setTimeout(TIMEOUT)
    return client


def text_of(element: Element) -> str:
    """Return the text an element of a SPARQL XML result holds (its one text child)."""
    child = element.firstChild
    assert isinstance(child, Text), element.toxml()
    return child.data


def xml_values(document: Document, variable: str) -> list[str]:
    """Return the text of each ``<binding name=variable>`` of a SPARQL XML result."""
    return [
        text_of(binding.getElementsByTagName("literal")[0])
        for binding in document.getElementsByTagName("binding")
        if binding.getAttribute("name") == variable
    ]


def xml_boolean(document: Document) -> bool:
    text = text_of(document.getElementsByTagName("boolean")[0])
    return {"true": True, "false": False}[text.strip()]


@pytest.mark.parametrize(("method", "request_method"), METHODS)
def test_sparqlwrapper_select_json(endpoint: str, method: str, request_method: str) -> None:
    result = wrapper(endpoint, TITLES, JSON, method, request_method).queryAndConvert()
    assert isinstance(result, dict)
    check_titles([row["title"]["value"] for row in result["results"]["bindings"]])
    assert all(row["title"]["xml:lang"] == "en" for row in result["results"]["bindings"])


@pytest.mark.parametrize(("method", "request_method"), METHODS)
def test_sparqlwrapper_select_xml(endpoint: str, method: str, request_method: str) -> None:
    result = wrapper(endpoint, TITLES, XML, method, request_method).queryAndConvert()
    assert isinstance(result, Document)
    check_titles(xml_values(result, "title"))


@pytest.mark.parametrize(("method", "request_method"), METHODS)
def test_sparqlwrapper_ask(endpoint: str, method: str, request_method: str) -> None:
    for query, answer in ((KNOWN, True), (UNKNOWN, False)):
        found = wrapper(endpoint, query, JSON, method, request_method).queryAndConvert()
        assert found == {"head": {}, "boolean": answer}
        document = wrapper(endpoint, query, XML, method, request_method).queryAndConvert()
        assert isinstance(document, Document) and xml_boolean(document) is answer


@CONJUNCTIVE_GRAPH
@pytest.mark.parametrize("form", [XML, JSONLD, TURTLE])
@pytest.mark.parametrize(("method", "request_method"), METHODS)
def test_sparqlwrapper_construct(
    endpoint: str, method: str, request_method: str, form: str
) -> None:
    """RDF/XML and JSON-LD come back as rdflib graphs; Turtle as bytes to parse."""
    result = wrapper(endpoint, TITLE_GRAPH, form, method, request_method).queryAndConvert()
    if form == TURTLE:
        assert isinstance(result, bytes)
        result = rdflib.Graph().parse(data=result, format="turtle")
    assert isinstance(result, rdflib.Graph)
    graph = result
    titles = sorted(str(title) for title in graph.objects(None, DCTERMS.title))
    check_titles(titles)


def test_sparqlwrapper_with_its_defaults_and_the_same_servers_search_page(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(
        "SELECT ?d ?title WHERE { ?d a dcat:Dataset ; dct:title ?title "
        "FILTER(lang(?title) = 'en') } ORDER BY ?title"
    )
    client.setReturnFormat(JSON)
    client.setTimeout(TIMEOUT)
    result = client.queryAndConvert()
    assert isinstance(result, dict)
    titles = [row["title"]["value"] for row in result["results"]["bindings"]]
    assert len(titles) == len(SAMPLES) and titles == sorted(titles)
    assert "Open Challenge Prostate Cancer V1" in titles
    home = requests.get(endpoint.removesuffix("/sparql") + "/search", timeout=TIMEOUT)
    assert home.status_code == 200 and "Open Challenge Prostate Cancer V1" in home.text


# --- rdflib's SPARQLStore ----------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
@pytest.mark.parametrize("answers", ["xml", "json"])
def test_rdflib_sparqlstore_query(endpoint: str, method: str, answers: str) -> None:
    graph = rdflib.Graph(
        store=SPARQLStore(endpoint, method=method, returnFormat=answers, timeout=TIMEOUT)
    )
    titles = []
    for row in graph.query(TITLES):
        assert isinstance(row, ResultRow)
        titles.append(str(row.title))
    check_titles(titles)
    assert graph.query(KNOWN).askAnswer is True
    assert graph.query(UNKNOWN).askAnswer is False


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_construct(endpoint: str, method: str) -> None:
    """rdflib's default (RDF/XML for graphs) and its Graph API, which writes its own SELECTs."""
    graph = rdflib.Graph(store=SPARQLStore(endpoint, method=method, timeout=TIMEOUT))
    constructed = graph.query(TITLE_GRAPH).graph
    assert constructed is not None
    check_titles(sorted(str(title) for title in constructed.objects(None, DCTERMS.title)))
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == DATASETS
    titled = set(graph.subjects(DCTERMS.title, rdflib.Literal(TITLE, lang="en")))
    assert len(titled) == 1 and titled <= datasets


# --- roqet (rasqal-utils) ----------------------------------------------------------------


def roqet(endpoint: str, query: str, *options: str) -> str:
    """Run ``roqet -p`` and return its output; it asks for SPARQL XML only."""
    program = shutil.which("roqet")
    if program is None:
        pytest.skip("roqet is not on PATH: ./test installs it (Debian package rasqal-utils)")
    done = subprocess.run(
        [program, "--quiet", *options, "-p", endpoint, "-e", query],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0 and not done.stderr, done.stderr
    return done.stdout


def test_roqet_select(endpoint: str) -> None:
    """roqet sends ``Accept: application/sparql-results+xml`` and percent-encodes even plain
    letters (``A%53%4B``). rasqal 0.9 reads no boolean from a remote service and asks for
    SPARQL XML for CONSTRUCT too, so SELECT is what it can check."""
    rows = list(csv.DictReader(io.StringIO(roqet(endpoint, DECLARED + TITLES, "-r", "csv"))))
    check_titles([row["title"] for row in rows])
    assert all(row["dataset"].startswith("http") for row in rows)


def test_roqet_count(endpoint: str) -> None:
    output = roqet(endpoint, DECLARED + "SELECT (COUNT(?d) AS ?n) WHERE { ?d a dcat:Dataset }")
    assert f'n=string("{DATASETS}"^^<http://www.w3.org/2001/XMLSchema#integer>)' in output


# --- curl -------------------------------------------------------------------------------


def curl(*arguments: str) -> tuple[int, str, bytes]:
    """Run curl; return the status, the bare media type and the body."""
    done = subprocess.run(
        [
            "curl",
            "--silent",
            "--show-error",
            "--max-time",
            str(TIMEOUT),
            "--noproxy",
            "*",
            "--write-out",
            "\n%{http_code} %{content_type}",
            *arguments,
        ],
        capture_output=True,
        timeout=TIMEOUT + 5,
        check=True,
    )
    body, trailer = done.stdout.rsplit(b"\n", 1)
    status, _, content_type = trailer.decode().partition(" ")
    return int(status), content_type.split(";", 1)[0].strip(), body


def get(endpoint: str, query: str, accept: str) -> tuple[int, str, bytes]:
    return curl("--get", "--data-urlencode", f"query={query}", "-H", f"Accept: {accept}", endpoint)


def csv_titles(body: bytes) -> list[str]:
    return [row["title"] for row in csv.DictReader(io.StringIO(body.decode("utf-8")))]


def solution_titles(body: bytes, media_type: str) -> list[str]:
    """Parse SPARQL JSON, XML or TSV results with pyoxigraph and return the titles."""
    solutions = ox.parse_query_results(
        body, format=ox.QueryResultsFormat.from_media_type(media_type)
    )
    assert isinstance(solutions, ox.QuerySolutions)
    titles = []
    for solution in solutions:
        title = solution["title"]
        assert isinstance(title, ox.Literal) and title.language == "en"
        titles.append(title.value)
    return titles


@pytest.mark.parametrize(
    "accept",
    [
        "text/csv",
        "text/tab-separated-values",
        "application/sparql-results+json",
        "application/sparql-results+xml",
    ],
)
def test_curl_select_by_accept(endpoint: str, accept: str) -> None:
    status, media_type, body = get(endpoint, TITLES, accept)
    assert (status, media_type) == (200, accept), body[:300]
    titles = csv_titles(body) if accept == "text/csv" else solution_titles(body, accept)
    check_titles(titles)


@pytest.mark.parametrize(
    ("accept", "syntax"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_curl_construct_by_accept(endpoint: str, accept: str, syntax: ox.RdfFormat) -> None:
    status, media_type, body = get(endpoint, TITLE_GRAPH, accept)
    assert (status, media_type) == (200, accept), body[:300]
    triples = [quad.triple for quad in ox.parse(body, format=syntax)]
    assert all(t.predicate == ox.NamedNode(str(DCTERMS.title)) for t in triples)
    check_titles(sorted(t.object.value for t in triples))


def test_curl_ask_as_json_and_xml(endpoint: str) -> None:
    for accept in ("application/sparql-results+json", "application/sparql-results+xml"):
        for query, answer in ((KNOWN, True), (UNKNOWN, False)):
            status, media_type, body = get(endpoint, query, accept)
            assert (status, media_type) == (200, accept), body[:300]
            result = ox.parse_query_results(
                body, format=ox.QueryResultsFormat.from_media_type(accept)
            )
            assert isinstance(result, ox.QueryBoolean) and bool(result) is answer


def test_curl_form_post(endpoint: str) -> None:
    """``--data-urlencode`` POSTs application/x-www-form-urlencoded."""
    status, media_type, body = curl(
        "--data-urlencode",
        f"query={TITLES}",
        "-H",
        "Accept: application/sparql-results+json",
        endpoint,
    )
    assert (status, media_type) == (200, "application/sparql-results+json"), body[:300]
    check_titles([row["title"]["value"] for row in json.loads(body)["results"]["bindings"]])


def test_curl_direct_post(endpoint: str) -> None:
    """``--data-binary`` sends the query bytes as they are, newlines and all."""
    query = "\n".join(
        [
            "# the sample catalogue's English titles",
            "SELECT ?dataset ?title",
            "WHERE {",
            "  ?dataset a dcat:Dataset ;",
            "           dct:title ?title .",
            "  FILTER(lang(?title) = 'en')",
            "}",
            "ORDER BY ?title",
        ]
    )
    status, media_type, body = curl(
        "--data-binary",
        query,
        "-H",
        "Content-Type: application/sparql-query",
        "-H",
        "Accept: text/csv",
        endpoint,
    )
    assert (status, media_type) == (200, "text/csv"), body[:300]
    check_titles(csv_titles(body))


def test_curl_nothing_acceptable_is_406(endpoint: str) -> None:
    status, _, body = get(endpoint, TITLES, "image/png")
    assert status == 406, body[:300]


def test_curl_default_accept_gets_results(endpoint: str) -> None:
    """curl's own ``Accept: */*``: any results format, with the real rows."""
    status, media_type, body = curl("--get", "--data-urlencode", f"query={TITLES}", endpoint)
    assert status == 200, body[:300]
    check_titles(
        csv_titles(body) if media_type == "text/csv" else solution_titles(body, media_type)
    )

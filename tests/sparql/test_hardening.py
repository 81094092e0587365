"""Findings of the security review of /sparql, each with the regression test named after it:
SERVICE screened on the parse tree (no lexical bypass), a memory cap per query worker,
FROM / FROM NAMED honoured, no javascript: links in the answer table, and slow queries that
cannot take every thread of the web server."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from registry.rdf.namespaces import PREFIXES
from registry.sparql.service import SERVICE_FAILED
from registry.web.app import create_app
from tests.conftest import BASE_IRI, children, load_samples
from tests.sparql.test_limits import JSON_RESULTS, Listener

HTML = {"Accept": "text/html"}
MEMORY_HOG = "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
"""The review's query: 2.8 GB in 2 s over the vocabularies' 140,000 triples."""


@pytest.fixture
def listener() -> Iterator[Listener]:
    watcher = Listener()
    yield watcher
    watcher.close()


def ask(client: FlaskClient, query: str, **parameters: str) -> Any:
    response = client.get(
        "/sparql", query_string={"query": query, **parameters}, headers={"Accept": JSON_RESULTS}
    )
    assert response.status_code == 200, response.text
    return response.get_json()


# --- 1. SERVICE filter bypass (SSRF) --------------------------------------------------------

# Each query calls SERVICE on the listener, disguised. ``True``: Oxigraph alone would call it
# (checked below with a bare store), so the endpoint must decide on what Oxigraph parses.
DISGUISES: dict[str, tuple[str, bool]] = {
    # The review's bypass: the old lexical guard read "#" of the escaped name as a comment.
    "escaped-local-name": (
        r"PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ?p ex:a\# . SERVICE <{T}> "
        "{ ?x ?y ?z } }",
        True,
    ),
    "escaped-local-name-in-filter": (
        r"PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ?p ?o FILTER(?o = ex:a\#) "
        "SERVICE <{T}> { ?x ?y ?z } }",
        True,
    ),
    "escaped-local-name-then-new-line": (
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ?p ex:a\\# .\n"
        "SERVICE <{T}> { ?x ?y ?z } }",
        True,
    ),
    # Oxigraph ends a comment at a CR as at a LF; rdflib's grammar only at a LF.
    "comment-ended-by-carriage-return": (
        "SELECT * WHERE { ?s ?p ?o # a note\rSERVICE <{T}> { ?x ?y ?z } \n}",
        True,
    ),
    "comment-naming-another-host-first": (
        "# SERVICE <http://allowed.example/sparql>\nSELECT * WHERE { SERVICE <{T}> { ?x ?y ?z } }",
        True,
    ),
    # An escaped quote is string content to Oxigraph; expanded first, it would close the string.
    "escaped-quotes-around-it": (
        'SELECT * WHERE { BIND("\\u0022" AS ?a) SERVICE <{T}> { ?x ?y ?z } '
        'BIND("\\u0022" AS ?b) }',
        True,
    ),
    "codepoint-escaped-keyword": (r"SELECT * WHERE { \u0053ERVICE <{T}> { ?x ?y ?z } }", False),
    "mixed-case-silent": ("SELECT * WHERE { sErViCe SiLeNt <{T}> { ?x ?y ?z } }", True),
    "no-spaces": ("SELECT * WHERE{SERVICE<{T}>{?x ?y ?z}}", True),
    "in-optional": ("SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <{T}> { ?x ?y ?z } } }", True),
    "in-union": ("SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <{T}> { ?x ?y ?z } } }", True),
    "in-subquery": ("SELECT * WHERE { { SELECT * WHERE { SERVICE <{T}> { ?x ?y ?z } } } }", True),
    "in-exists": ("SELECT * WHERE { FILTER EXISTS { SERVICE <{T}> { ?x ?y ?z } } }", True),
    "in-not-exists": ("ASK { FILTER NOT EXISTS { SERVICE <{T}> { ?x ?y ?z } } }", True),
    "in-minus": ("SELECT * WHERE { BIND(1 AS ?x) MINUS { SERVICE <{T}> { ?x ?y ?z } } }", True),
    "in-graph": ("SELECT * WHERE { GRAPH ?g { SERVICE <{T}> { ?x ?y ?z } } }", True),
    "in-construct": ("CONSTRUCT { ?x ?y ?z } WHERE { SERVICE <{T}> { ?x ?y ?z } }", True),
    # SPARQL 1.2, which Oxigraph reads and rdflib does not: refused, not let through.
    "in-lateral": ("SELECT * WHERE { BIND(1 AS ?a) LATERAL { SERVICE <{T}> { ?x ?y ?z } } }", True),
    "prefixed-name": ("PREFIX r: <{H}> SELECT * WHERE { SERVICE r:sparql { ?x ?y ?z } }", True),
    "redeclared-builtin-prefix": (
        "PREFIX dcat: <{H}> SELECT * WHERE { SERVICE dcat:sparql { ?x ?y ?z } }",
        True,
    ),
    "relative-to-base": ("BASE <{H}> SELECT * WHERE { SERVICE <sparql> { ?x ?y ?z } }", True),
    "prefix-relative-to-base": (
        "BASE <{H}> PREFIX r: <> SELECT * WHERE { SERVICE r:sparql { ?x ?y ?z } }",
        True,
    ),
    # Oxigraph 0.5 cannot call a variable's service, but a later version might.
    "variable": ("SELECT * WHERE { BIND(<{T}> AS ?e) SERVICE ?e { ?x ?y ?z } }", False),
}


def disguised(name: str, port: int) -> str:
    host = f"http://127.0.0.1:{port}/"
    return DISGUISES[name][0].replace("{T}", host + "sparql").replace("{H}", host)


@pytest.fixture(scope="module")
def screening_app(tmp_path_factory: pytest.TempPathFactory, template_store: Path) -> Iterator[Flask]:
    """One app for the many disguises: SERVICE may call no host."""
    store = tmp_path_factory.mktemp("screening") / "store"
    shutil.copytree(template_store, store)
    app = create_app({"store": str(store), "base_iri": BASE_IRI, "sparql_timeout": 5})
    yield app
    app.extensions["registry"].close()


@pytest.mark.parametrize("name", DISGUISES)
def test_service_filter_bypass_is_refused_in_every_disguise(
    name: str, screening_app: Flask, listener: Listener
) -> None:
    response = screening_app.test_client().get(
        "/sparql", query_string={"query": disguised(name, listener.port)}
    )
    assert response.status_code == 400, response.text
    message = response.get_json()["message"]
    assert "SERVICE" in message, message
    time.sleep(0.2)
    assert listener.connections == 0


@pytest.mark.parametrize("name", [name for name, (_, calls) in DISGUISES.items() if calls])
def test_the_disguises_are_real_service_calls_for_oxigraph(name: str, listener: Listener) -> None:
    """Without the screening, Oxigraph calls the host: the refusals above are not luck."""
    store = ox.Store()
    example = "http://example.org/"
    store.add(ox.Quad(*(ox.NamedNode(example + name) for name in ("s", "p", "a#"))))
    try:
        result = store.query(
            disguised(name, listener.port), prefixes=PREFIXES, base_iri=BASE_IRI + "sparql"
        )
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except (OSError, RuntimeError):
        pass  # the listener hangs up; what counts is that it was called
    deadline = time.monotonic() + 2
    while listener.connections == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.connections >= 1


def test_a_service_named_by_a_network_path_from_an_allowed_base_is_refused(
    make_app: Callable[..., Flask], listener: Listener
) -> None:
    client = make_app(sparql_service_hosts="allowed.example").test_client()
    query = (
        "BASE <http://allowed.example/> SELECT * WHERE "
        f"{{ SERVICE <//127.0.0.1:{listener.port}/sparql> {{ ?x ?y ?z }} }}"
    )
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    assert f"http://127.0.0.1:{listener.port}/sparql" in response.get_json()["message"]
    time.sleep(0.2)
    assert listener.connections == 0


def test_an_allowed_service_is_called_wherever_it_is_nested(
    make_app: Callable[..., Flask], listener: Listener
) -> None:
    client = make_app(sparql_service_hosts="127.0.0.1", sparql_timeout=5).test_client()
    query = (
        f"PREFIX r: <http://127.0.0.1:{listener.port}/> SELECT * WHERE {{ ?s ?p ?o "
        "OPTIONAL { { SELECT * WHERE { SERVICE SILENT r:sparql { ?x ?y ?z } } } } } LIMIT 1"
    )
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200, response.text
    assert listener.connections >= 1


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s rdfs:label "SERVICE <http://x.example/> { }" } # SERVICE <http://x>',
        "SELECT * WHERE { ?s ?p '''\nSERVICE <http://x.example/> { ?a ?b ?c }\n''' }",
        'SELECT * WHERE { ?s rdfs:label "caf\\u00e9" }',
        'SELECT * WHERE { ?s rdfs:label "C:\\\\u00e9" }',
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ?p ex:a\\# }",
    ],
    ids=[
        "string-and-comment",
        "long-string",
        "escaped-letter",
        "escaped-backslash-before-u",
        "escaped-local-name",
    ],
)
def test_queries_without_service_still_run(screening_app: Flask, query: str) -> None:
    response = screening_app.test_client().get("/sparql", query_string={"query": query})
    assert response.status_code == 200, response.text


def test_a_query_the_second_parser_cannot_read_is_refused_with_a_clear_message(
    screening_app: Flask,
) -> None:
    """SPARQL 1.2 triple terms: Oxigraph reads them, rdflib does not; fail closed."""
    response = screening_app.test_client().get(
        "/sparql", query_string={"query": "SELECT * WHERE { <<( ?s ?p ?o )>> ?q ?r }"}
    )
    assert response.status_code == 400
    message = response.get_json()["message"]
    assert "SPARQL syntax error at 1:18" in message and "rdflib" in message, message


class HtmlServer:
    """An HTTP server on 127.0.0.1 that answers every request with a small HTML page."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(4)
        self.port = self.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n"
                    b"Connection: close\r\n\r\nhello"
                )

    def close(self) -> None:
        self.socket.close()


def test_service_errors_do_not_tell_open_ports_from_closed_ones(
    make_app: Callable[..., Flask], listener: Listener
) -> None:
    client = make_app(sparql_service_hosts="127.0.0.1", sparql_timeout=5).test_client()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    html = HtmlServer()
    try:
        answers = set()
        for port in (closed, listener.port, html.port):
            query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
            response = client.get(
                "/sparql", query_string={"query": query}, headers={"Accept": JSON_RESULTS}
            )
            body = response.get_json()
            answers.add((response.status_code, body["error"], body["message"]))
    finally:
        html.close()
    assert listener.connections >= 1
    assert answers == {(500, "Query failed", SERVICE_FAILED)}


# --- 3. FROM and FROM NAMED ----------------------------------------------------------------


@pytest.fixture
def catalogue(make_app: Callable[..., Flask]) -> tuple[FlaskClient, list[str]]:
    """A client over three sample records, and the IRIs of their graphs."""
    app = make_app()
    load_samples(app.extensions["registry"], 3)
    client = app.test_client()
    rows = ask(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d a dcat:Dataset } } ORDER BY ?g")
    graphs = [row["g"]["value"] for row in rows["results"]["bindings"]]
    assert len(graphs) == 3
    return client, graphs


def datasets(answer: Any) -> int:
    return int(answer["results"]["bindings"][0]["n"]["value"])


COUNT = "SELECT (COUNT(DISTINCT ?d) AS ?n) {dataset} WHERE {{ ?d a dcat:Dataset }}"


def test_from_is_the_default_graph(catalogue: tuple[FlaskClient, list[str]]) -> None:
    client, graphs = catalogue
    assert datasets(ask(client, COUNT.format(dataset=""))) == 3  # the union, without FROM
    assert datasets(ask(client, COUNT.format(dataset=f"FROM <{graphs[0]}>"))) == 1
    both = f"FROM <{graphs[0]}> FROM <{graphs[1]}>"
    assert datasets(ask(client, COUNT.format(dataset=both))) == 2
    # FROM alone names no named graph.
    graph_query = f"SELECT ?g FROM <{graphs[0]}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert ask(client, graph_query)["results"]["bindings"] == []
    construct = client.get(
        "/sparql",
        query_string={
            "query": f"CONSTRUCT {{ ?d a dcat:Dataset }} FROM <{graphs[2]}> "
            "WHERE { ?d a dcat:Dataset }",
            "format": "ntriples",
        },
    )
    assert construct.status_code == 200 and len(construct.data.strip().splitlines()) == 1


def test_from_named_are_the_named_graphs(catalogue: tuple[FlaskClient, list[str]]) -> None:
    client, graphs = catalogue
    query = (
        f"SELECT DISTINCT ?g FROM NAMED <{graphs[0]}> FROM NAMED <{graphs[2]}> "
        "WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    found = {row["g"]["value"] for row in ask(client, query)["results"]["bindings"]}
    assert found == {graphs[0], graphs[2]}
    # FROM NAMED alone leaves the default graph empty (SPARQL 1.1, 13.2).
    alone = f"ASK FROM NAMED <{graphs[0]}> {{ ?d a dcat:Dataset }}"
    assert ask(client, alone)["boolean"] is False


def test_the_protocol_dataset_overrides_from(catalogue: tuple[FlaskClient, list[str]]) -> None:
    client, graphs = catalogue
    query = f"SELECT ?d FROM <{graphs[0]}> WHERE {{ ?d a dcat:Dataset }}"
    from_query = ask(client, query)["results"]["bindings"]
    from_protocol = ask(client, query, **{"default-graph-uri": graphs[1]})["results"]["bindings"]
    assert len(from_query) == len(from_protocol) == 1 and from_query != from_protocol


# --- 4. javascript: links on the answer page ------------------------------------------------


def test_javascript_iris_are_not_links_on_the_sparql_answer_page(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app().test_client()
    select = (
        "SELECT ?x WHERE { VALUES ?x { <javascript:alert(1)> <JavaScript:alert(2)> "
        "<data:text/html,hi> <vbscript:msgbox> <http://example.org/ok> <mailto:a@example.org> } }"
    )
    construct = (
        "CONSTRUCT { <javascript:alert(3)> <http://example.org/p> <https://example.org/o> } "
        "WHERE {}"
    )
    for query in (select, construct):
        page = client.get("/sparql", query_string={"query": query}, headers=HTML)
        text = page.get_data(as_text=True)
        assert page.status_code == 200, text
        assert "javascript:alert(" in text or "JavaScript:alert(" in text  # shown as text
        for scheme in ("javascript:", "JavaScript:", "data:", "vbscript:"):
            assert f'href="{scheme}' not in text, scheme
        assert 'href="http://example.org/' in text
    assert 'href="mailto:a@example.org"' in client.get(
        "/sparql", query_string={"query": select}, headers=HTML
    ).get_data(as_text=True)


# --- 2. A memory cap per query worker --------------------------------------------------------


@pytest.mark.embedded_only  # over a remote store the query's memory is the server's
def test_query_workers_have_a_memory_limit(make_app: Callable[..., Flask]) -> None:
    app = make_app(sparql_worker_memory=300_000_000, sparql_workers=2, sparql_timeout=30)
    load_samples(app.extensions["registry"], 5)
    client = app.test_client()
    assert ask(client, "ASK { ?d a dcat:Dataset }")["boolean"] is True
    workers_before = children(os.getpid())
    others: list[int] = []
    stop = threading.Event()

    def other_client() -> None:
        while not stop.is_set():
            others.append(client.get("/sparql", query_string={"query": "ASK {}"}).status_code)

    thread = threading.Thread(target=other_client)
    thread.start()
    started = time.monotonic()
    hog = client.get("/sparql", query_string={"query": MEMORY_HOG})
    elapsed = time.monotonic() - started
    stop.set()
    thread.join(timeout=15)
    assert hog.status_code == 503, hog.text
    assert "300,000,000 bytes of memory" in hog.get_json()["message"]
    assert int(hog.headers["Retry-After"]) >= 1
    assert elapsed < 15, f"stopped after {elapsed:.1f} s, not by the memory cap"
    assert len(others) > 5 and set(others) == {200}
    killed = workers_before - children(os.getpid())
    assert len(killed) == 1 and not Path(f"/proc/{killed.pop()}").exists()
    assert len(children(os.getpid()) - workers_before) == 1, "the worker was not replaced"
    datasets = ask(client, "SELECT ?d WHERE { ?d a dcat:Dataset }")
    assert len(datasets["results"]["bindings"]) == 5


# --- 5. Slow anonymous queries cannot take the site down -------------------------------------


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_a_protocol_dataset_that_is_no_iri_is_400(
    catalogue: tuple[FlaskClient, list[str]], parameter: str
) -> None:
    """Found by the e2e fuzz suite: a graph IRI with a space was a 500 from the worker."""
    client, _ = catalogue
    answer = client.get(
        "/sparql",
        query_string={"query": "ASK {}", parameter: "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 400
    assert parameter in answer.get_json()["message"]

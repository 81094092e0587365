"""The W3C SPARQL 1.1 Protocol and Service Description test manifests, read as plain values.

The protocol manifest describes every test as one or more ``ht:Request``s in the W3C
HTTP-in-RDF vocabulary (https://www.w3.org/TR/HTTP-in-RDF10/): method, path, headers and a
``cnt:`` body, with the expected response in ``mf:expectedStatus`` (a status class),
``mf:expectedFormat`` and ``mf:expectedBoolean`` (see the manifest's own ``rdfs:comment``).
This module only reads the manifests; ``test_sparql_protocol.py`` replays them.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from urllib.request import url2pathname

from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection
from rdflib.term import Literal, Node, URIRef

from tests.conftest import ROOT

# The repository's parent folder holds shared/reference (never an absolute path).
SUITE = ROOT.parent / "shared" / "reference" / "w3c-rdf-tests"
SPARQL11 = SUITE / "sparql" / "sparql11"
PROTOCOL = SPARQL11 / "protocol"
SERVICE_DESCRIPTION = SPARQL11 / "service-description"

CNT = Namespace("http://www.w3.org/2011/content#")
HT = Namespace("http://www.w3.org/2011/http#")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

_STATUS_CLASS = re.compile(r"StatusCode([1-5])xx$")
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Expected:
    """What the manifest expects of one response."""

    status_classes: frozenset[int]
    """Acceptable status classes: 2 for 2xx, 4 for 4xx."""
    format: str | None = None
    """``"boolean"``, ``"tabular"`` or ``"RDF"``; None when only the status matters."""
    boolean: bool | None = None
    """The answer of an ASK query, where the manifest gives it."""

    def allows(self, status: int) -> bool:
        return status // 100 in self.status_classes


@dataclass(frozen=True)
class ProtocolRequest:
    """One ``ht:Request``: exactly what to send, and what the manifest expects back."""

    method: str
    target: str
    """``ht:absolutePath`` (or ``ht:requestURI``) as written, starting with ``/sparql/``."""
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected: Expected

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def media_type(self) -> str:
        return (self.header("content-type") or "").split(";", 1)[0].strip().lower()

    def parameters(self) -> dict[str, list[str]]:
        """Return the protocol parameters: the query string's, plus a form body's."""
        found = parse_qs(urlsplit(self.target).query, keep_blank_values=True)
        if self.media_type == FORM and self.body is not None:
            form = parse_qs(self.body.decode("ascii", "replace"), keep_blank_values=True)
            for name, values in form.items():
                found.setdefault(name, []).extend(values)
        return found

    @property
    def is_update(self) -> bool:
        """Whether the request asks for the update operation, by the protocol's own signals
        (https://www.w3.org/TR/sparql11-protocol/#update-operation)."""
        names = set(self.parameters())
        return self.media_type == "application/sparql-update" or bool(
            names & {"update", "using-graph-uri", "using-named-graph-uri"}
        )


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    """The entry's local name, e.g. ``query_post_form``."""
    title: str
    """``mf:name``."""
    graphs: dict[str, Path]
    """Graph IRI -> data file, from the entry's ``ut:graphData``."""
    requests: tuple[ProtocolRequest, ...]


@dataclass(frozen=True)
class ServiceDescriptionTest:
    name: str
    title: str


def _manifest(folder: Path) -> tuple[Graph, URIRef]:
    graph = Graph()
    path = folder / "manifest.ttl"
    graph.parse(path, format="turtle")
    manifest = graph.value(predicate=RDF.type, object=MF.Manifest)
    assert isinstance(manifest, URIRef), f"{path} has no mf:Manifest"
    return graph, manifest


def _items(graph: Graph, head: Node | None) -> list[Node]:
    return list(Collection(graph, head)) if head is not None else []


def _text(graph: Graph, subject: Node, predicate: URIRef) -> str:
    value = graph.value(subject, predicate)
    assert value is not None, f"{subject} has no {predicate}"
    return str(value)


def _local_name(iri: Node) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def _body(graph: Graph, request: Node) -> bytes | None:
    """Return the body's exact bytes: ``cnt:chars`` in its ``cnt:characterEncoding`` (so a
    UTF-16 body stays UTF-16), or ``cnt:bytes`` in base64."""
    content = graph.value(request, HT.body)
    if content is None:
        return None
    chars = graph.value(content, CNT.chars)
    if chars is not None:
        encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
        return str(chars).encode(encoding)
    return base64.b64decode(_text(graph, content, CNT.bytes))


def _expected(graph: Graph, request: Node) -> Expected:
    response = graph.value(request, HT.resp)
    assert response is not None, f"{request} has no ht:resp"
    classes = set()
    for status in graph.objects(response, MF.expectedStatus):
        found = _STATUS_CLASS.search(str(status))
        if found is None:
            raise ValueError(f"Unknown mf:expectedStatus {status}: teach this reader its meaning")
        classes.add(int(found.group(1)))
    answer = graph.value(response, MF.expectedBoolean)
    form = graph.value(response, MF.expectedFormat)
    return Expected(
        frozenset(classes),
        str(form) if form is not None else None,
        answer.toPython() if isinstance(answer, Literal) else None,
    )


def _request(graph: Graph, request: Node) -> ProtocolRequest:
    target = graph.value(request, HT.absolutePath) or graph.value(request, HT.requestURI)
    assert target is not None, f"{request} has neither ht:absolutePath nor ht:requestURI"
    headers = tuple(
        (_text(graph, header, HT.fieldName), _text(graph, header, HT.fieldValue))
        for header in _items(graph, graph.value(request, HT.headers))
    )
    return ProtocolRequest(
        method=_text(graph, request, HT.methodName),
        target=str(target),
        headers=headers,
        body=_body(graph, request),
        expected=_expected(graph, request),
    )


def _graph_files(graph: Graph, test: Node) -> dict[str, Path]:
    files = {}
    for data in graph.objects(test, UT.graphData):
        location = urlsplit(str(graph.value(data, UT.graph)))
        files[_text(graph, data, RDFS.label)] = Path(url2pathname(location.path))
    return files


def read_protocol_tests(folder: Path = PROTOCOL) -> list[ProtocolTest]:
    """Return the protocol manifest's entries, in the manifest's order."""
    graph, manifest = _manifest(folder)
    tests = []
    for entry in _items(graph, graph.value(manifest, MF.entries)):
        action = graph.value(entry, MF.action)
        assert action is not None, f"{entry} has no mf:action"
        requests = _items(graph, graph.value(action, HT.requests))
        tests.append(
            ProtocolTest(
                name=_local_name(entry),
                title=_text(graph, entry, MF.name),
                graphs=_graph_files(graph, entry),
                requests=tuple(_request(graph, request) for request in requests),
            )
        )
    return tests


def read_service_description_tests(
    folder: Path = SERVICE_DESCRIPTION,
) -> list[ServiceDescriptionTest]:
    """Return the service description manifest's entries (names only: it has no requests)."""
    graph, manifest = _manifest(folder)
    return [
        ServiceDescriptionTest(_local_name(entry), _text(graph, entry, MF.name))
        for entry in _items(graph, graph.value(manifest, MF.entries))
    ]


def named_graphs(tests: list[ProtocolTest]) -> dict[str, Path]:
    """Return every graph IRI the tests load, with its data file."""
    files: dict[str, Path] = {}
    for test in tests:
        for name, path in test.graphs.items():
            assert files.setdefault(name, path) == path, f"{name}: two data files"
    return files

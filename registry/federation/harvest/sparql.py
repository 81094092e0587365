"""Reader of a SPARQL 1.1 endpoint: the datasets it holds, a page at a time (``SELECT`` with
``ORDER BY``, ``LIMIT`` and ``OFFSET``), then one ``CONSTRUCT`` per dataset for it and the
nodes it leads to (distributions, agents, contact points: three steps deep).

The queries are SPARQLWrapper's (the protocol request, its ``Accept`` header, the JSON
results), sent through the run's ``Fetcher``: the harvest's byte cap, redirect, host and
time rules hold for every request only that way. Our queries never hold ``SERVICE`` (checked
once, on their parsed algebra, when this module loads); a dataset IRI is written into one only
after it is checked to be a plain IRI (no character that could end it).

A triple store gives typed literals back by value, not as written: Oxigraph (and Jena TDB,
Stardog, AllegroGraph) stores ``"287"^^xsd:nonNegativeInteger`` as ``"287"^^xsd:integer``
(oxigraph/oxigraph#526, w3c/data-shapes#142), so a description rebuilt from the endpoint's
triples may no longer be the one its catalogue accepted, nor conform. A registry like ours
keeps each description verbatim on its current version (``cir:description``, N-Triples, the
text its pages, feed and dump publish): where the endpoint has one, that text is the
dataset's description; the ``CONSTRUCT`` still brings the agents it cites.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import traverse
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from registry.federation.harvest.documents import Reader, triples
from registry.federation.harvest.fetch import USER_AGENT, Fetched, Fetcher, HarvestStopped
from registry.federation.harvest.split import DATASET, TYPE, Description, split

PAGE = 500
DATASETS = """PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX cir: <https://w3id.org/cancer-image-registry/>
SELECT ?dataset ?record ?text WHERE {
  { SELECT DISTINCT ?dataset WHERE { ?dataset a dcat:Dataset . FILTER(isIRI(?dataset)) }
    ORDER BY ?dataset LIMIT %d OFFSET %d }
  OPTIONAL {
    ?record foaf:primaryTopic ?dataset ; cir:currentVersion ?version .
    ?version cir:description ?text .
    FILTER NOT EXISTS { ?record cir:withdrawn ?withdrawn }
  }
}"""
DESCRIBED = """CONSTRUCT { ?d ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 . } WHERE {
  VALUES ?d { <%s> }
  ?d ?p ?o .
  OPTIONAL { ?o ?p2 ?o2 . OPTIONAL { ?o2 ?p3 ?o3 . FILTER(isBlank(?o2)) } }
}"""
PLAIN_IRI = re.compile(r"https?://[^\s<>\"{}|\\^`]+")


def read_sparql(fetcher: Fetcher, url: str, position: str | None) -> Reader:
    """Every dataset of the endpoint, described as it was accepted where the endpoint keeps
    that, else as it holds it."""
    offset = 0
    while True:
        page, listed = _datasets(fetcher, url, offset)
        for name, (record, text) in page.items():
            answer = _construct(fetcher, url, DESCRIBED % name)
            for description in split(triples(answer), answer.url):
                if description.kind == "agent":
                    yield description
                elif description.topic == name:  # another dataset is read in its own turn
                    yield _as_accepted(description, record, text)
        if listed < PAGE:
            return
        offset += PAGE


def _as_accepted(description: Description, record: str | None, text: str | None) -> Description:
    """The dataset with the triples its source accepted, when the endpoint keeps them and
    they describe this dataset; ``record`` is the source's own record of it."""
    exact = None
    if text is not None:
        try:
            exact = [q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)]
        except (SyntaxError, ValueError):
            exact = None  # not ours after all: the endpoint's triples stand
    topic = ox.NamedNode(description.topic)
    if not exact or ox.Triple(topic, TYPE, DATASET) not in exact:
        exact = description.triples
    return Description(
        description.topic, "dataset", exact, description.document, record or description.original
    )


def _datasets(
    fetcher: Fetcher, url: str, offset: int
) -> tuple[dict[str, tuple[str | None, str | None]], int]:
    """One page of dataset IRIs (sorted, plain IRIs only) with the source's record of each and
    the description it keeps verbatim, if any; and how many the page listed."""
    client = _client(fetcher, url, DATASETS % (PAGE, offset), JSON)
    try:
        answer: Any = client.query().convert()
        bindings: list[dict[str, Any]] = answer["results"]["bindings"]
        rows = [
            (row["dataset"]["value"], _value(row, "record"), _value(row, "text"))
            for row in bindings
        ]
    except (ValueError, KeyError, TypeError, SPARQLWrapperException) as error:
        raise HarvestStopped(f"<{url}> answered no SPARQL JSON results: {error}") from None
    page: dict[str, tuple[str | None, str | None]] = {}
    for name, record, text in sorted(rows, key=lambda row: row[0]):
        if PLAIN_IRI.fullmatch(name) and page.get(name, (None, None))[1] is None:
            page[name] = (record, text)
    return page, len({row[0] for row in rows})


def _value(row: dict[str, Any], name: str) -> str | None:
    found = row.get(name)
    return found["value"] if isinstance(found, dict) else None


def _construct(fetcher: Fetcher, url: str, query: str) -> Fetched:
    client = _client(fetcher, url, query, TURTLE)
    answer = client.query().response
    assert isinstance(answer, _Answer)
    return answer.fetched


def _client(fetcher: Fetcher, url: str, query: str, result_format: str) -> _GuardedSPARQL:
    client = _GuardedSPARQL(url, fetcher)
    client.setQuery(query)
    client.setReturnFormat(result_format)
    client.setOnlyConneg(True)  # the Accept header only: no format=/output= parameters
    return client


class _GuardedSPARQL(SPARQLWrapper):
    """SPARQLWrapper whose protocol requests go through the run's ``Fetcher`` (GET only)."""

    def __init__(self, endpoint: str, fetcher: Fetcher) -> None:
        super().__init__(endpoint, agent=USER_AGENT)
        self.fetcher = fetcher

    def _query(self) -> tuple[Any, str]:
        request = self._createRequest()
        accept = request.get_header("Accept") or "*/*"
        return _Answer(self.fetcher.page(request.full_url, accept)), self.returnFormat


class _Answer:
    """A fetched answer, read the way SPARQLWrapper reads an HTTP response."""

    def __init__(self, fetched: Fetched) -> None:
        self.fetched = fetched

    def read(self) -> bytes:
        return self.fetched.body

    def info(self) -> dict[str, str]:
        return {"content-type": self.fetched.media_type}

    def geturl(self) -> str:
        return self.fetched.url


def holds_service(query: str) -> bool:
    """Whether a query's algebra holds a ``SERVICE`` pattern anywhere (subqueries too)."""
    found: list[bool] = []

    def visit(node: object) -> None:
        if getattr(node, "name", None) == "ServiceGraphPattern":
            found.append(True)

    traverse(prepareQuery(query).algebra, visit)
    return bool(found)


for _template in (DATASETS % (PAGE, 0), DESCRIBED % "http://example.org/d"):
    if holds_service(_template):  # pragma: no cover - a guard on our own constants
        raise RuntimeError("A harvest query must never send SERVICE to a source.")

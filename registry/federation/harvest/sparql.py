"""Reader of a SPARQL 1.1 endpoint: the datasets it holds, a page at a time (``SELECT`` with
``ORDER BY``, ``LIMIT`` and ``OFFSET``), then one ``CONSTRUCT`` per dataset for it and the
nodes it leads to (distributions, agents, contact points: three steps deep).

Requests go through the run's ``Fetcher`` as SPARQL 1.1 Protocol GETs
(https://www.w3.org/TR/sparql11-protocol/#query-via-get), not through SPARQLWrapper: the
harvest's byte cap, redirect and host rules hold for every request only that way. Our
queries never hold ``SERVICE``; a dataset IRI is written into one only after it is checked
to be a plain IRI (no character that could end it).
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from registry.federation.harvest.documents import Reader, triples
from registry.federation.harvest.fetch import Fetched, Fetcher, HarvestStopped
from registry.federation.harvest.split import split

PAGE = 500
DATASETS = """PREFIX dcat: <http://www.w3.org/ns/dcat#>
SELECT DISTINCT ?dataset WHERE { ?dataset a dcat:Dataset . FILTER(isIRI(?dataset)) }
ORDER BY ?dataset LIMIT %d OFFSET %d"""
DESCRIBED = """CONSTRUCT { ?d ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 . } WHERE {
  VALUES ?d { <%s> }
  ?d ?p ?o .
  OPTIONAL { ?o ?p2 ?o2 . OPTIONAL { ?o2 ?p3 ?o3 . FILTER(isBlank(?o2)) } }
}"""
PLAIN_IRI = re.compile(r"https?://[^\s<>\"{}|\\^`]+")


def read_sparql(fetcher: Fetcher, url: str, position: str | None) -> Reader:
    """Every dataset of the endpoint, described as it holds it."""
    offset = 0
    while True:
        names = _dataset_names(fetcher, url, offset)
        for name in names:
            if not PLAIN_IRI.fullmatch(name):
                continue
            answer = _ask(fetcher, url, DESCRIBED % name, "text/turtle, application/n-triples")
            for description in split(triples(answer), answer.url):
                if description.kind == "dataset" and description.topic != name:
                    continue  # another dataset the answer reached: read in its own turn
                yield description
        if len(names) < PAGE:
            return
        offset += PAGE


def _dataset_names(fetcher: Fetcher, url: str, offset: int) -> list[str]:
    answer = _ask(fetcher, url, DATASETS % (PAGE, offset), "application/sparql-results+json")
    try:
        bindings = json.loads(answer.body)["results"]["bindings"]
        return [row["dataset"]["value"] for row in bindings]
    except (ValueError, KeyError, TypeError) as error:
        raise HarvestStopped(f"<{url}> answered no SPARQL JSON results: {error}") from None


def _ask(fetcher: Fetcher, url: str, query: str, accept: str) -> Fetched:
    separator = "&" if "?" in url else "?"
    return fetcher.page(f"{url}{separator}{urlencode({'query': query})}", accept)

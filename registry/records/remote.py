"""Registered agents read from a running registry over HTTP, for checking files offline.

A description cites its publisher and access body by IRI; the registry that will store it
knows them, a provider's laptop does not. ``RemoteAgents`` asks a registry for exactly
those: the IRIs the file cites where the profile expects an agent (the paths of property
shapes with ``sh:class foaf:Agent``), each with one read-only ``GET /resolve?iri=...``
answered in Turtle. Lookups are bounded in number and time; what is not found is kept, so
the caller can say which agents are not registered.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, FOAF, RDF, SH

from registry.errors import RegistryError
from registry.rdf import formats

MAX_LOOKUPS = 50
"""Agents looked up in one run at most (a run checks many files citing the same few)."""
TIMEOUT = 10.0
"""Seconds one lookup may take."""
DEADLINE = 60.0
"""Seconds all lookups of one run may take together."""
TURTLE = formats.syntax_for_media_type("text/turtle")
CATALOG_RECORD = ox.NamedNode(str(DCAT.CatalogRecord))
RDF_TYPE, FOAF_AGENT = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(FOAF.Agent))


def agent_properties(shapes: Graph) -> frozenset[str]:
    """The properties whose values the profile wants to be agents (``sh:class foaf:Agent``)."""
    return frozenset(
        str(path)
        for shape in shapes.subjects(SH["class"], FOAF.Agent)
        for path in shapes.objects(shape, SH.path)
        if isinstance(path, URIRef)
    )


def cited_agents(triples: Iterable[ox.Triple], properties: frozenset[str]) -> set[str]:
    """The IRIs ``triples`` cite as agents without describing them."""
    triples = list(triples)
    described = {t.subject for t in triples}
    return {
        t.object.value
        for t in triples
        if t.predicate.value in properties
        and isinstance(t.object, ox.NamedNode)
        and t.object not in described
    }


def registry_url(url: str) -> str:
    """The base URL of a registry to read from: http or https only."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https") or "?" in url:
        raise RegistryError(f"--registry takes the http(s) address of a registry, not {url!r}.")
    return url.rstrip("/")


@dataclass
class RemoteAgents:
    """Descriptions of registered agents, fetched from the registry at ``base_url``."""

    base_url: str
    properties: frozenset[str]
    found: dict[str, list[ox.Triple]] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    """Cited agents the registry answered 404 for: not registered."""
    skipped: set[str] = field(default_factory=set)
    """Cited agents not looked up: over ``MAX_LOOKUPS``, past ``DEADLINE``, or an error."""
    errors: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def known(self, triples: list[ox.Triple]) -> Graph:
        """The registered descriptions of the agents ``triples`` cite (``check``'s ``known``)."""
        cited = sorted(cited_agents(triples, self.properties))
        return formats.to_rdflib([t for iri in cited for t in self.lookup(iri)])

    def summary(self) -> dict[str, Any]:
        """What was asked of the registry, for a report: found, missing, skipped, errors."""
        return {
            "registry": self.base_url,
            "found": sorted(self.found),
            "missing": sorted(self.missing),
            "skipped": sorted(self.skipped),
            "errors": self.errors,
        }

    def lookup(self, iri: str) -> list[ox.Triple]:
        """One agent's registered description (empty when unknown or not looked up)."""
        if iri in self.found:
            return self.found[iri]
        if iri in self.missing or iri in self.skipped:
            return []
        over_time = time.monotonic() - self.started > DEADLINE
        if len(self.found) + len(self.missing) >= MAX_LOOKUPS or over_time:
            self.skipped.add(iri)
            return []
        try:
            triples = self.fetch(iri)
        except urllib.error.HTTPError as error:
            if error.code in (404, 410):
                self.missing.add(iri)
            else:
                self.skipped.add(iri)
                self.errors.append(f"<{iri}>: the registry answered {error.code} {error.reason}")
            return []
        except (urllib.error.URLError, OSError, RegistryError) as error:
            self.skipped.add(iri)
            self.errors.append(f"<{iri}>: {getattr(error, 'reason', error)}")
            return []
        agent = ox.NamedNode(iri)
        if ox.Triple(agent, RDF_TYPE, FOAF_AGENT) not in triples:
            self.missing.add(iri)  # registered, but as something else than an agent
            return []
        records = {t.subject for t in triples if t.object == CATALOG_RECORD}
        self.found[iri] = [t for t in triples if t.subject not in records]
        return self.found[iri]

    def fetch(self, iri: str) -> list[ox.Triple]:
        """``GET <base>/resolve?iri=...`` as Turtle (redirects followed); read-only."""
        url = f"{self.base_url.rstrip('/')}/resolve?{urllib.parse.urlencode({'iri': iri})}"
        request = urllib.request.Request(url, headers={"Accept": TURTLE.media_type})
        remaining = max(1.0, min(TIMEOUT, DEADLINE - (time.monotonic() - self.started)))
        with urllib.request.urlopen(request, timeout=remaining) as answer:
            body = answer.read()
        return formats.parse(body, TURTLE)

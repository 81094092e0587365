"""One reader per kind of source, and finding the kind from what a URL answers.

Detection reads the URL once as RDF: an ``ldes:EventStream`` is a feed, an
``fdp-o:FAIRDataPoint`` or ``MetadataService`` a FAIR Data Point, Hydra paging or a
``dcat:Catalog`` a DCAT-AP catalogue, an ``sd:Service`` a SPARQL endpoint, other RDF (or a
dump's file name) a dump; an OAI-PMH XML answer (asked for ``Identify``) is OAI-PMH.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from registry.federation.harvest.documents import RDF_ACCEPT, Reader, triples
from registry.federation.harvest.dump import read_dump
from registry.federation.harvest.feed import read_feed
from registry.federation.harvest.fetch import Fetcher, HarvestStopped
from registry.federation.harvest.oai import XML_ACCEPT, parse_answer, read_oai
from registry.federation.harvest.pages import read_dcat, read_fdp
from registry.federation.harvest.sources import Source, SourceError
from registry.federation.harvest.sparql import read_sparql

READERS: dict[str, Callable[[Fetcher, str, str | None], Reader]] = {
    "dcat": read_dcat,
    "feed": read_feed,
    "fdp": read_fdp,
    "oai": read_oai,
    "sparql": read_sparql,
    "dump": read_dump,
}
DUMP_SUFFIXES = (".nq", ".nt", ".ttl", ".trig", ".gz")
TYPES = {
    "https://w3id.org/ldes#EventStream": "feed",
    "https://w3id.org/fdp/fdp-o#FAIRDataPoint": "fdp",
    "https://w3id.org/fdp/fdp-o#MetadataService": "fdp",
    "http://www.w3.org/ns/hydra/core#PartialCollectionView": "dcat",
    "http://www.w3.org/ns/hydra/core#PagedCollection": "dcat",
    "http://www.w3.org/ns/dcat#Catalog": "dcat",
    "http://www.w3.org/ns/sparql-service-description#Service": "sparql",
}
PRECEDENCE = ("feed", "fdp", "sparql", "dcat")
"""A FAIR Data Point's root is also a catalogue of catalogues; a feed names its catalogue."""


def reads_all(source: Source) -> bool:
    """Whether a complete run lists every dataset the source holds (so that one it no longer
    lists is gone), rather than only what changed since ``position``."""
    return source.kind in ("dcat", "fdp", "sparql", "dump") or (
        source.kind == "oai" and source.position is None
    )


def detect(fetcher: Fetcher, url: str) -> str:
    """The kind of source ``url`` is, from what it answers."""
    if url.split("?", 1)[0].endswith(DUMP_SUFFIXES):
        return "dump"
    try:
        found = triples(fetcher.get(url, RDF_ACCEPT))
    except HarvestStopped:
        found = None
    if found is not None:
        kinds = {
            TYPES[t.object.value]
            for t in found
            if isinstance(t.object, ox.NamedNode) and t.object.value in TYPES
        }
        for kind in PRECEDENCE:
            if kind in kinds:
                return kind
        if found:
            return "dump"
    try:
        separator = "&" if "?" in url else "?"
        parse_answer(fetcher.get(f"{url}{separator}verb=Identify", XML_ACCEPT))
        return "oai"
    except HarvestStopped:
        pass
    raise SourceError(
        f"Cannot tell what <{url}> is (not a feed, FAIR Data Point, DCAT-AP catalogue, "
        "SPARQL endpoint, OAI-PMH repository or RDF dump); give --kind."
    )

"""Reader of an RDF dump: Turtle, N-Triples, N-Quads or TriG, gzipped or not.

The dump is parsed as it streams. In a syntax with named graphs (our ``/dump.nq.gz`` holds
one graph per record), each graph is split and handed on when the next begins, so memory
holds one graph at a time, provided a graph's quads are written together; a dump of one
graph (Turtle, N-Triples) is held whole, bounded by the run's byte cap. Decompressed bytes
count towards the cap too (a small gzip can unpack into gigabytes).
"""

from __future__ import annotations

import gzip

import pyoxigraph as ox

from registry.federation.harvest.documents import RDF_ACCEPT, Reader, syntax_of
from registry.federation.harvest.fetch import Counted, Fetched, Fetcher, HarvestStopped
from registry.federation.harvest.split import split

DUMP_ACCEPT = "application/n-quads, application/gzip;q=0.9, " + RDF_ACCEPT
GZIP = ("application/gzip", "application/x-gzip")


class _Unpacked:
    """A gzip stream whose unpacked bytes count towards the run's byte cap."""

    def __init__(self, fetcher: Fetcher, packed: Counted) -> None:
        self.fetcher = fetcher
        self.unpacked = gzip.GzipFile(fileobj=packed)  # type: ignore[call-overload]

    def read(self, size: int = -1) -> bytes:
        try:
            chunk = self.unpacked.read(size)
        except (OSError, EOFError) as error:
            raise HarvestStopped(f"The dump is not valid gzip: {error}") from None
        self.fetcher.count_bytes(len(chunk))
        return chunk


def read_dump(fetcher: Fetcher, url: str, position: str | None) -> Reader:
    """Every dataset of the dump, a graph at a time."""
    with fetcher.open(url, DUMP_ACCEPT) as (final, media_type, body):
        packed = final.split("?", 1)[0].endswith(".gz") or media_type in GZIP
        name = final.split("?", 1)[0].removesuffix(".gz")
        declared = "" if media_type in GZIP else media_type
        syntax = syntax_of(Fetched(name, declared, b""))
        stream: _Unpacked | Counted = _Unpacked(fetcher, body) if packed else body
        graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None = None
        held: list[ox.Triple] = []
        try:
            parsed = ox.parse(stream, format=syntax.oxigraph, base_iri=final)  # type: ignore[arg-type]
            for quad in parsed:
                if quad.graph_name != graph and held:
                    yield from split(held, _where(final, graph))
                    held = []
                graph = quad.graph_name
                held.append(quad.triple)
        except (SyntaxError, ValueError) as error:
            raise HarvestStopped(f"<{final}> is not valid {syntax.name}: {error}") from None
        if held:
            yield from split(held, _where(final, graph))


def _where(url: str, graph: object) -> str:
    """The document a graph of the dump stands for: its name if it has one, else the dump."""
    return graph.value if isinstance(graph, ox.NamedNode) else url

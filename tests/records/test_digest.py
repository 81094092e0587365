"""A description's digest is rdflib's ``IsomorphicGraph.graph_digest``: stored records keep
their digests, so an unchanged description sent again still writes nothing."""

from __future__ import annotations

from rdflib.compare import to_isomorphic

from registry.rdf import formats
from registry.records.submission import digest
from registry.synthetic.records import records
from tests.conftest import SAMPLES


def test_the_digest_is_rdflibs_graph_digest() -> None:
    documents = [(p.read_bytes(), formats.syntax_for_path(p)) for p in SAMPLES[:6]]
    documents += [(r.data, r.syntax) for r in records(6, seed=5)]
    for data, syntax in documents:
        graph = formats.to_rdflib(formats.parse(data, syntax, "http://registry.test/"))
        assert digest(graph) == format(to_isomorphic(graph).graph_digest(), "x")

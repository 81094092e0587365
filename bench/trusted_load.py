"""A TRUSTED fast bulk path for benchmarks: generator output straight into the store.

``registry load`` validates every description (about 80 records/s); 100,000 generated
records would take twenty minutes. ``registry.generate`` output conforms by construction
(tests/test_generate.py validates samples of it), so benchmarks may skip validation: each
file becomes the graphs the one write transaction would write (``records.write.record_graphs``:
the current record with its catalogue record, version 1 with the description as accepted,
the history event), loaded as N-Quads by pyoxigraph's bulk loader; the search index is built
from the same triples, and ``indexing.reconcile`` then confirms it is in step with the store.
Never use this for data from anywhere else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from registry.catalogue.index.entry import Entry, read_entry
from registry.rdf import formats
from registry.records.audit import OPERATOR
from registry.records.write import Change, RecordState, record_graphs
from registry.runtime import Registry
from registry.synthetic.turtle import GeneratedFile

RDF_TYPE = formats.oxigraph_iri(RDF.type)
PUBLISHER = formats.oxigraph_iri(DCTERMS.publisher)
KINDS = {formats.oxigraph_iri(DCAT.Dataset): "dataset", formats.oxigraph_iri(FOAF.Agent): "agent"}
BATCH = 2000
START = datetime(2024, 1, 1, tzinfo=UTC)


def prepared(registry: Registry, number: int, generated: GeneratedFile) -> tuple[bytes, Entry]:
    """One file's graphs as N-Quads and its index entry. Records are one second apart in
    file order, so "newest" has a stable order; the digest is the file's SHA-256 (not
    submit's)."""
    triples = formats.parse(generated.data, generated.syntax)
    topic, kind = next(
        (t.subject, KINDS[t.object])
        for t in triples
        if t.predicate == RDF_TYPE and t.object in KINDS and isinstance(t.subject, ox.NamedNode)
    )
    publishers = [
        t.object.value for t in triples if t.subject == topic and t.predicate == PUBLISHER
    ]
    owner = topic.value if kind == "agent" else (publishers[0] if publishers else None)
    digest = hashlib.sha256(generated.data).hexdigest()
    change = Change(URIRef(topic.value), kind, triples, digest, owner)
    now = START + timedelta(seconds=number)
    replace, append = record_graphs(registry.records, change, RecordState(False), OPERATOR, now)
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
        for graphs in (replace, append)
        for graph, graph_triples in graphs.items()
        for t in graph_triples
    ]
    record = next(g for g in replace if registry.layout.record_id_of(g))
    entry = read_entry(registry.layout.record_id_of(record) or "", record, replace[record])
    assert entry is not None
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"", entry


def trusted_bulk_load(registry: Registry, files: Iterable[GeneratedFile]) -> int:
    """Store generated records without validation and index them; return how many."""
    blocks: list[bytes] = []
    entries: list[Entry] = []
    count = 0
    for number, generated in enumerate(files):
        block, entry = prepared(registry, number, generated)
        blocks.append(block)
        entries.append(entry)
        if len(blocks) == BATCH:
            registry.store.trusted_bulk_load(b"".join(blocks), ox.RdfFormat.N_QUADS)
            registry.search.write(entries)
            count += len(blocks)
            blocks, entries = [], []
    if blocks:
        registry.store.trusted_bulk_load(b"".join(blocks), ox.RdfFormat.N_QUADS)
        registry.search.write(entries)
        count += len(blocks)
    stale = registry.index.reconcile()
    assert stale == 0, f"{stale} index entries differed from the store after the bulk load"
    return count

"""A TRUSTED fast bulk path for benchmarks: generator output straight into the store.

``registry load`` validates every description (about 80 records/s); 100,000 generated
records would take twenty minutes. ``registry.generate`` output conforms by construction
(tests/synthetic/test_generate.py validates samples of it), so benchmarks may skip
validation: each file becomes the graphs a first write of it would store
(``records.write.record_graphs``: the current record graph with its ``dcat:CatalogRecord``,
version 1, the history event) as blocks of a TriG document, loaded by pyoxigraph's bulk
loader; the search index is built from the same parsed triples, and ``IndexSync.reconcile``
then confirms it is in step with the store. Never use this for data from anywhere else.
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
from registry.records.layout import record_id_for
from registry.records.write import Change, RecordState, record_graphs
from registry.runtime import Registry
from registry.synthetic.turtle import GeneratedFile

RDF_TYPE = formats.oxigraph_iri(RDF.type)
PUBLISHER = formats.oxigraph_iri(DCTERMS.publisher)
KINDS = {formats.oxigraph_iri(DCAT.Dataset): "dataset", formats.oxigraph_iri(FOAF.Agent): "agent"}
BATCH = 2000
START = datetime(2024, 1, 1, tzinfo=UTC)


def trig_graph(graph: str, triples: list[ox.Triple]) -> bytes:
    """One graph as a TriG block of N-Triples lines: ``<graph> { ... }``."""
    lines = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return b"".join([f"<{graph}> {{\n".encode(), lines, b"}\n"])


def trig_record(generated: GeneratedFile, record: str, meta: list[ox.Triple]) -> bytes:
    """The file's Turtle as one TriG graph block: its prefixes, then ``<record> { ... }``."""
    lines = generated.data.split(b"\n")
    header = [line for line in lines if line.startswith((b"@prefix", b"#"))]
    body = [line for line in lines if not line.startswith((b"@prefix", b"#"))]
    closing = ox.serialize(meta, format=ox.RdfFormat.N_TRIPLES) or b""
    return b"\n".join([*header, f"<{record}> {{".encode(), *body, closing, b"}\n"])


def change_of(generated: GeneratedFile) -> Change:
    """What a submission of the file would store, identified as ``submission.change_for``
    does (the dataset's first publisher owns it; an agent owns itself), with the file's
    SHA-256 as its digest (not submit's)."""
    triples = formats.parse(generated.data, generated.syntax)
    topic, kind = next(
        (t.subject, KINDS[t.object])
        for t in triples
        if t.predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode) and t.object in KINDS
        and isinstance(t.subject, ox.NamedNode)
    )
    if kind == "dataset":
        publishers = sorted(
            t.object.value
            for t in triples
            if t.subject == topic and t.predicate == PUBLISHER
            and isinstance(t.object, ox.NamedNode)
        )
        owner = publishers[0] if publishers else None
    else:
        owner = topic.value
    digest = hashlib.sha256(generated.data).hexdigest()
    return Change(URIRef(topic.value), kind, triples, digest, owner)


def prepared(registry: Registry, number: int, generated: GeneratedFile) -> tuple[bytes, Entry]:
    """One file's TriG blocks and index entry. Records are one second apart in file order,
    so "newest" has a stable order."""
    change = change_of(generated)
    record_id = record_id_for(str(change.topic))
    record = registry.layout.record_iri(record_id)
    now = START + timedelta(seconds=number)
    replace, append = record_graphs(registry.records, change, RecordState(False), OPERATOR, now)
    current = replace.pop(record)
    described = set(change.triples)
    meta = [t for t in current if t not in described]
    entry = read_entry(record_id, record, current, registry.index.thesaurus)
    assert entry is not None
    blocks = [trig_record(generated, record, meta)]
    blocks += [trig_graph(graph, triples) for graph, triples in [*replace.items(), *append.items()]]
    return b"".join(blocks), entry


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
            registry.store.trusted_bulk_load(b"".join(blocks), ox.RdfFormat.TRIG)
            registry.search.write(entries)
            count += len(blocks)
            blocks, entries = [], []
    if blocks:
        registry.store.trusted_bulk_load(b"".join(blocks), ox.RdfFormat.TRIG)
        registry.search.write(entries)
        count += len(blocks)
    stale = registry.index.reconcile()
    assert stale == 0, f"{stale} index entries differed from the store after the bulk load"
    return count

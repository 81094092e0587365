"""A TRUSTED fast bulk path for benchmarks: generator output straight into the store.

``registry load`` validates every description (about 80 records/s); 100,000 generated
records would take twenty minutes. ``registry.generate`` output conforms by construction
(tests/test_generate.py validates samples of it), so benchmarks may skip validation: each
file becomes one named graph of a TriG document, with the catalogue record the registry
would write, loaded by pyoxigraph's bulk loader; the search index is built from the same
parsed triples, and ``indexing.reconcile`` then confirms it is in step with the store.
Never use this for data from anywhere else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import DCAT, FOAF, RDF

from registry.catalogue.index.entry import Entry, read_entry
from registry.rdf import formats
from registry.records.layout import record_id_for
from registry.records.write import Change, RecordState, _record_meta
from registry.runtime import Registry
from registry.synthetic.turtle import GeneratedFile

RDF_TYPE = formats.oxigraph_iri(RDF.type)
KINDS = {formats.oxigraph_iri(DCAT.Dataset): "dataset", formats.oxigraph_iri(FOAF.Agent): "agent"}
BATCH = 2000
START = datetime(2024, 1, 1, tzinfo=UTC)


def trig_graph(generated: GeneratedFile, record: str, meta: list[ox.Triple]) -> bytes:
    """The file's Turtle as one TriG graph block: its prefixes, then ``<record> { ... }``."""
    lines = generated.data.split(b"\n")
    header = [line for line in lines if line.startswith((b"@prefix", b"#"))]
    body = [line for line in lines if not line.startswith((b"@prefix", b"#"))]
    closing = ox.serialize(meta, format=ox.RdfFormat.N_TRIPLES) or b""
    return b"\n".join([*header, f"<{record}> {{".encode(), *body, closing, b"}\n"])


def prepared(registry: Registry, number: int, generated: GeneratedFile) -> tuple[bytes, Entry]:
    """One file's TriG block and index entry. Records are one second apart in file order,
    so "newest" has a stable order; the digest is the file's SHA-256 (not submit's)."""
    triples = formats.parse(generated.data, generated.syntax)
    topic, kind = next(
        (t.subject.value, KINDS[t.object])
        for t in triples
        if t.predicate == RDF_TYPE and t.object in KINDS and isinstance(t.subject, ox.NamedNode)
    )
    record_id = record_id_for(topic)
    record = registry.layout.record_iri(record_id)
    fingerprint = hashlib.sha256(generated.data).hexdigest()
    now = START + timedelta(seconds=number)
    change = Change(URIRef(topic), kind, [], fingerprint, None)
    meta = _record_meta(registry.records, record, change, RecordState(False), 1, now)
    entry = read_entry(record_id, record, triples + meta, registry.index.thesaurus)
    assert entry is not None
    return trig_graph(generated, record, meta), entry


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
            registry.store.trusted_bulk_load(b"\n".join(blocks))
            registry.search.write(entries)
            count += len(blocks)
            blocks, entries = [], []
    if blocks:
        registry.store.trusted_bulk_load(b"\n".join(blocks))
        registry.search.write(entries)
        count += len(blocks)
    stale = registry.index.reconcile()
    assert stale == 0, f"{stale} index entries differed from the store after the bulk load"
    return count

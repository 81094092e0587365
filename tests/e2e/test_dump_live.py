"""``registry serve`` writes the dump in the background: a harvester finds it through VoID
and loads it into a plain Oxigraph store with every sample dataset."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from registry.rdf import formats
from tests.conftest import SAMPLES
from tests.e2e.servers import running_server

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DATASET_TYPE = ox.NamedNode("http://www.w3.org/ns/dcat#Dataset")
DATA_DUMP = ox.NamedNode("http://rdfs.org/ns/void#dataDump")

pytestmark = pytest.mark.e2e


def test_a_harvester_finds_the_dump_through_void_and_loads_every_dataset(
    tmp_path: Path,
) -> None:
    with running_server(tmp_path / "store", sample=True) as url:
        deadline = time.monotonic() + 120
        while requests.get(f"{url}/dump.nq.gz", timeout=30).status_code == 503:
            assert time.monotonic() < deadline, "no dump two minutes after the start"
            time.sleep(0.5)
        void = requests.get(f"{url}/.well-known/void", timeout=30)
        triples = formats.parse(void.content, formats.syntax_for_media_type(void.headers["Content-Type"]))
        [dump] = [t.object for t in triples if t.predicate == DATA_DUMP]
        assert isinstance(dump, ox.NamedNode)
        data = requests.get(dump.value, timeout=60)
    assert data.status_code == 200
    store = ox.Store()
    store.load(gzip.decompress(data.content), format=ox.RdfFormat.N_QUADS)
    datasets = {q.subject for q in store.quads_for_pattern(None, RDF_TYPE, DATASET_TYPE)}
    for sample in SAMPLES:
        sent = formats.parse(sample.read_bytes(), formats.syntax_for_path(sample))
        [dataset] = [t.subject for t in sent if t.predicate == RDF_TYPE and t.object == DATASET_TYPE]
        assert dataset in datasets, sample.name

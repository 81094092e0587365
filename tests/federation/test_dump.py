"""The dump (``/dump.nq.gz``, ``registry dump``) and VoID (``/.well-known/void``)."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib.compare import isomorphic

from registry.federation import dump as dump_module
from registry.rdf import formats
from registry.records.layout import record_id_for
from registry.records.submission import registered_agents, submit
from registry.records.write import withdraw_record
from registry.runtime import Registry
from tests.conftest import AGENTS, BASE_IRI, SAMPLES

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DATASET_TYPE = ox.NamedNode("http://www.w3.org/ns/dcat#Dataset")
MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")
VOID = "http://rdfs.org/ns/void#"
PROSTATE = next(p for p in SAMPLES if p.name == "procancer-i-open-challenge-prostate.ttl")
DATASET = "https://datasets.procancer-i.example/open-challenge-prostate-v1"


@pytest.fixture
def registry(sample_app: Flask) -> Registry:
    registry: Registry = sample_app.extensions["registry"]
    return registry


@pytest.fixture
def client(sample_app: Flask) -> FlaskClient:
    return sample_app.test_client()


def sample_dataset(path: Path) -> tuple[ox.NamedNode, list[ox.Triple]]:
    sent = formats.parse(path.read_bytes(), formats.syntax_for_path(path))
    dataset = next(t.subject for t in sent if t.predicate == RDF_TYPE and t.object == DATASET_TYPE)
    assert isinstance(dataset, ox.NamedNode)
    return dataset, sent


def dumped_quads(path: Path) -> list[ox.Quad]:
    return list(ox.parse(gzip.decompress(path.read_bytes()), format=ox.RdfFormat.N_QUADS))


def test_the_dump_loads_into_a_plain_store_with_every_sample_dataset(
    registry: Registry,
) -> None:
    info = registry.dump.write()
    store = ox.Store()  # a plain store, nothing of the registry's
    with gzip.open(registry.dump.path, "rb") as data:
        store.bulk_load(data, format=ox.RdfFormat.N_QUADS)  # type: ignore[arg-type]
    for sample in SAMPLES:
        dataset, _ = sample_dataset(sample)
        graph = ox.NamedNode(registry.layout.record_iri(record_id_for(dataset.value)))
        assert ox.Quad(dataset, RDF_TYPE, DATASET_TYPE, graph) in store, sample.name
    graphs = set(store.named_graphs())
    assert ox.NamedNode(registry.layout.catalog_iri) in graphs
    assert len(graphs) == info.records == 1 + len(AGENTS) + len(SAMPLES)
    assert (info.datasets, info.agents) == (len(SAMPLES), len(AGENTS))
    assert len(store) == info.triples
    assert info.latest_change == registry.records.changes.latest()
    assert info.bytes == registry.dump.path.stat().st_size


def test_each_record_is_dumped_as_accepted_and_conforms(registry: Registry) -> None:
    """The dump publishes each description as accepted (typed literals as written), beside
    its dcat:CatalogRecord, and what it publishes conforms to the profile."""
    registry.dump.write()
    quads = dumped_quads(registry.dump.path)
    for sample in SAMPLES[:8]:
        dataset, sent = sample_dataset(sample)
        record = registry.layout.record_iri(record_id_for(dataset.value))
        graph = [q.triple for q in quads if q.graph_name == ox.NamedNode(record)]
        description = [
            t for t in graph
            if t.subject != ox.NamedNode(record)
            and t.subject != ox.NamedNode(registry.layout.catalog_iri)
        ]
        # The samples give no dct:modified: the registry adds the record's.
        [stamp] = [t for t in description if t.subject == dataset and t.predicate == MODIFIED]
        description.remove(stamp)
        assert isomorphic(formats.to_rdflib(description), formats.to_rdflib(sent)), sample.name
        report = registry.shapes.validate(
            formats.to_rdflib(graph), registered_agents(registry.records, graph)
        )
        assert report.conforms, report.text()


def test_blank_nodes_of_two_records_stay_apart(registry: Registry) -> None:
    """JSON-LD and Turtle submissions both label blank nodes _:b0, _:b1...: in one N-Quads
    document two records' _:b0 would be one node."""
    registry.dump.write()
    graphs_of: dict[str, set[str]] = {}
    for quad in dumped_quads(registry.dump.path):
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.BlankNode):
                graphs_of.setdefault(term.value, set()).add(str(quad.graph_name))
    assert graphs_of and all(len(graphs) == 1 for graphs in graphs_of.values())


def test_withdrawn_records_are_not_dumped(registry: Registry) -> None:
    withdraw_record(registry.records, record_id_for(DATASET))
    info = registry.dump.write()
    graphs = {q.graph_name for q in dumped_quads(registry.dump.path)}
    assert ox.NamedNode(registry.layout.record_iri(record_id_for(DATASET))) not in graphs
    assert info.datasets == len(SAMPLES) - 1


def current_graphs(registry: Registry, latest: int) -> set[str]:
    """The graphs of the records current after change ``latest``, from the change log."""
    last_kind = {c.record_id: c.kind for c in registry.records.changes.changes(0, latest)}
    return {
        registry.layout.catalog_iri
        if record_id == "catalog"
        else registry.layout.record_iri(record_id)
        for record_id, kind in last_kind.items()
        if kind != "delete"
    }


def test_the_dump_is_one_moment_while_writes_go_on(registry: Registry) -> None:
    """Records written while the dump runs are in it exactly when the change log it names
    (latest_change) holds them: never half a write, never a record of later."""
    body = PROSTATE.read_bytes()
    syntax = formats.syntax_for_path(PROSTATE)
    done = threading.Event()

    def write() -> None:
        for number in range(2, 22):
            copy = body.replace(b"open-challenge-prostate-v1", f"prostate-copy-{number}".encode())
            submit(registry.records, copy, syntax)
            if number == 10:
                withdraw_record(registry.records, record_id_for(DATASET))
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    seen: set[int] = set()
    while not done.is_set() or not seen:
        info = registry.dump.write()
        dumped = {str(q.graph_name.value) for q in dumped_quads(registry.dump.path)}  # type: ignore[union-attr]
        assert dumped == current_graphs(registry, info.latest_change)
        seen.add(info.latest_change)
    writer.join()
    assert len(seen) > 1, "every dump ran before or after the writes"


def test_a_failed_dump_leaves_the_last_one_and_no_temporary_file(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry.dump.write()
    before = registry.dump.path.read_bytes()
    info = registry.dump.info()

    def failing(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(dump_module, "description_text", failing)
    with pytest.raises(OSError):
        registry.dump.write()
    assert registry.dump.path.read_bytes() == before and registry.dump.info() == info
    folder = registry.dump.path.parent
    assert not [p for p in folder.iterdir() if p.name.startswith(".")], list(folder.iterdir())
    assert not list(registry.dump.scratch.iterdir())  # the checkpoint is gone too


def test_a_dump_clears_what_a_killed_one_left(registry: Registry) -> None:
    folder = registry.dump.path.parent
    (folder / f".{registry.dump.path.name}-x1y2").write_bytes(b"half a dump")
    (registry.dump.scratch / "checkpoint-x1y2" / "store").mkdir(parents=True)
    registry.dump.write()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    assert not list(registry.dump.scratch.iterdir())


def test_dump_nq_gz_is_503_until_written_then_the_file(
    client: FlaskClient, registry: Registry
) -> None:
    missing = client.get("/dump.nq.gz")
    assert missing.status_code == 503 and missing.json is not None
    assert "registry dump" in missing.json["message"]
    registry.dump.write()
    # Each answer is closed as a WSGI server closes it (the file is open until then).
    with client.get("/dump.nq.gz") as response:
        assert response.status_code == 200 and response.mimetype == "application/gzip"
        assert response.data == registry.dump.path.read_bytes()
        etag = response.headers["ETag"]
    with client.get("/dump.nq.gz", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304
    with client.head("/dump.nq.gz") as head:
        assert head.status_code == 200


def test_void_names_the_dump_the_endpoint_the_feed_and_the_counts(
    client: FlaskClient, registry: Registry
) -> None:
    before = client.get("/.well-known/void")
    assert before.status_code == 200 and before.mimetype == "text/turtle"
    assert f"{VOID}dataDump" not in before.text  # no dump yet: nothing to name
    info = registry.dump.write()
    response = client.get("/.well-known/void")
    triples = formats.parse(response.data, formats.syntax_for_media_type("text/turtle"))
    catalog = ox.NamedNode(registry.layout.catalog_iri)

    def value(predicate: str) -> ox.NamedNode | ox.Literal:
        [found] = [t.object for t in triples if t.subject == catalog and t.predicate.value == predicate]
        assert isinstance(found, ox.NamedNode | ox.Literal)
        return found

    assert ox.Triple(catalog, RDF_TYPE, ox.NamedNode(f"{VOID}Dataset")) in triples
    assert value(f"{VOID}dataDump") == ox.NamedNode(f"{BASE_IRI}dump.nq.gz")
    assert value(f"{VOID}sparqlEndpoint") == ox.NamedNode(f"{BASE_IRI}sparql")
    assert value("http://www.w3.org/2000/01/rdf-schema#seeAlso") == ox.NamedNode(f"{BASE_IRI}feed")
    assert int(value(f"{VOID}triples").value) == info.triples
    assert int(value(f"{VOID}entities").value) == info.records
    distribution = value("http://www.w3.org/ns/dcat#distribution")
    download = [t.object for t in triples if t.subject == distribution and t.predicate.value.endswith("downloadURL")]
    assert download == [ox.NamedNode(f"{BASE_IRI}dump.nq.gz")]
    latest = f"{BASE_IRI}feed/change/{info.latest_change}"
    assert ox.Triple(
        ox.NamedNode(f"{BASE_IRI}dump.nq.gz"),
        ox.NamedNode("https://w3id.org/cancer-image-registry/latestChange"),
        ox.NamedNode(latest),
    ) in triples


def test_registry_dump_writes_the_served_dump_or_a_path(sample_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    env = {**os.environ, "REGISTRY_STORE": str(store), "REGISTRY_BASE_IRI": BASE_IRI}
    command = [sys.executable, "-m", "registry", "dump"]
    served = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert served.returncode == 0, served.stderr
    assert f"{len(SAMPLES)} datasets" in served.stdout
    assert (tmp_path / "store-dump.nq.gz").is_file() and (tmp_path / "store-dump.nq.gz.json").is_file()
    elsewhere = tmp_path / "out" / "catalogue.nq.gz"
    other = subprocess.run([*command, str(elsewhere)], env=env, capture_output=True, text=True, timeout=300)
    assert other.returncode == 0, other.stderr
    assert len(dumped_quads(elsewhere)) == len(dumped_quads(tmp_path / "store-dump.nq.gz"))


def test_the_schedule_writes_a_missing_dump_at_once_then_every_interval(
    registry: Registry,
) -> None:
    schedule = dump_module.DumpSchedule(registry.dump, interval=1.0)
    schedule.start()
    try:
        deadline = time.monotonic() + 60
        while registry.dump.info() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        first = registry.dump.info()
        assert first is not None
        while registry.dump.info() == first and time.monotonic() < deadline:
            time.sleep(0.05)
        assert registry.dump.info() != first
    finally:
        schedule.stop()

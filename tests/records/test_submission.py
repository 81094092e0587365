"""The write use case on a real on-disk store: accepted, rejected, and nothing half-written."""

from __future__ import annotations

import gc
import threading
from datetime import UTC, datetime

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from registry.errors import (
    DatasetNotFound,
    ForeignDataset,
    InvalidDescription,
    RdfSyntaxError,
    RemoteContextRefused,
)
from registry.rdf import formats
from registry.records.submission import record_id_for, submit
from registry.runtime import Registry
from tests.conftest import INVALID, PROSTATE, SAMPLES, TURTLE, load_all, snapshot

LUNG_IRI = "https://repository.chaimeleon.example/dataset/lung-ct-pet"
"""The dataset of data/sample/datasets/chaimeleon-lung.jsonld."""


def prostate_in(syntax: formats.RdfSyntax) -> bytes:
    return formats.serialize(formats.parse(PROSTATE.read_bytes(), TURTLE), syntax)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_every_sample_is_accepted(registry: Registry, path) -> None:
    accepted = submit(registry.records, path.read_bytes(), formats.syntax_for_path(path))
    assert accepted.report.conforms
    assert registry.store.has_graph(accepted.record)
    assert accepted.record == registry.layout.record_iri(record_id_for(accepted.topic))


@pytest.mark.parametrize(
    "syntax", formats.DOCUMENT_SYNTAXES, ids=lambda s: s.name
)
def test_submission_in_each_format(registry: Registry, syntax: formats.RdfSyntax) -> None:
    accepted = submit(registry.records, prostate_in(syntax), syntax)
    assert accepted.topic == "https://datasets.procancer-i.example/open-challenge-prostate-v1"


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_description_changes_nothing(registry: Registry, path) -> None:
    submit(registry.records, PROSTATE.read_bytes(), TURTLE)
    before = snapshot(registry)
    with pytest.raises(InvalidDescription) as caught:
        submit(registry.records, path.read_bytes(), formats.syntax_for_path(path))
    assert caught.value.report.violations  # which rule, exactly once: tests/test_shapes.py
    assert snapshot(registry) == before


@pytest.mark.parametrize(
    "syntax", formats.DOCUMENT_SYNTAXES, ids=lambda s: s.name
)
def test_violation_in_each_format_changes_nothing(registry: Registry, syntax) -> None:
    before = snapshot(registry)
    bad = PROSTATE.read_bytes().replace(b'dct:identifier "PCAI-OC-V1" ;', b"")
    with pytest.raises(InvalidDescription):
        submit(registry.records, formats.serialize(formats.parse(bad, TURTLE), syntax), syntax)
    assert snapshot(registry) == before


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"@prefix d: <http://www.w3.org/ns/dcat#> .\n<http://x> a d:Dataset", RdfSyntaxError),
        (b"<http://x> <http://y> 'z' .", DatasetNotFound),
        (b"", Exception),
    ],
)
def test_bad_bodies_change_nothing(registry: Registry, body: bytes, error: type) -> None:
    before = snapshot(registry)
    with pytest.raises(error):
        submit(registry.records, body, TURTLE)
    assert snapshot(registry) == before


def test_two_datasets_are_refused(registry: Registry) -> None:
    body = PROSTATE.read_bytes() + b"""
pca:second-dataset a dcat:Dataset ;
    dct:title "A second dataset"@en ;
    dct:description "Described in the same file by mistake."@en ;
    dct:identifier "SECOND" ;
    dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
    dcatap:applicableLegislation <http://data.europa.eu/eli/reg/2025/327/oj> ;
    dcat:theme <http://publications.europa.eu/resource/authority/data-theme/HEAL> ;
    healthdcatap:healthCategory <https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/EHRS> ;
    healthdcatap:hasStructuredData false ;
    dct:publisher pca:forth ;
    eucaim:hasCondition <https://w3id.org/cancer-image-registry/vocab/condition/lung-cancer> ;
    eucaim:hasImageModality <https://w3id.org/cancer-image-registry/vocab/modality/CT> ;
    eucaim:hasImageBodyPart <https://w3id.org/cancer-image-registry/vocab/body-part/CHEST> ;
    dcat:distribution pca:open-challenge-prostate-v1-remote .
"""
    with pytest.raises(DatasetNotFound, match="exactly one"):
        submit(registry.records, body, TURTLE)


def test_blank_node_dataset_is_refused(registry: Registry) -> None:
    body = PROSTATE.read_bytes().replace(b"pca:open-challenge-prostate-v1\n    a", b"[] a", 1)
    with pytest.raises(DatasetNotFound, match="blank node"):
        submit(registry.records, body, TURTLE)


def test_remote_context_changes_nothing(registry: Registry) -> None:
    before = snapshot(registry)
    body = b'{"@context": "https://example.org/remote.jsonld", "@id": "http://x"}'
    with pytest.raises(RemoteContextRefused):
        submit(registry.records, body, formats.syntax_for_suffix("jsonld"))  # type: ignore[arg-type]
    assert snapshot(registry) == before


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ("<{catalog}> dcat:dataset pca:injected .", "registry writes those links"),
        ("<{record}> dct:title \"hijacked\" .", "registry IRIs"),
    ],
    ids=["catalogue-link", "record-iri"],
)
def test_statements_about_registry_iris_are_refused(
    registry: Registry, statement: str, reason: str
) -> None:
    line = statement.format(catalog=registry.layout.catalog_iri, record=registry.layout.record_iri("x"))
    with pytest.raises(DatasetNotFound, match=reason):
        submit(registry.records, PROSTATE.read_bytes() + f"\n{line}\n".encode(), TURTLE)


def test_replace_keeps_issued_and_moves_modified(registry: Registry) -> None:
    first = submit(registry.records, PROSTATE.read_bytes(), TURTLE, now=datetime(2026, 1, 1, tzinfo=UTC))
    changed = PROSTATE.read_bytes().replace(b'"8237"', b'"8240"')
    second = submit(registry.records, changed, TURTLE, now=datetime(2026, 2, 1, tzinfo=UTC))
    assert first.record == second.record
    rows = registry.store.query(
        "SELECT ?record ?issued ?modified ?n WHERE { ?record dct:issued ?issued ;"
        " dct:modified ?modified ;"
        " foaf:primaryTopic/healthdcatap:numberOfUniqueIndividuals ?n }",
        {"record": ox.NamedNode(second.record)},
    )
    (row,) = list(rows)  # type: ignore[arg-type]
    assert row["issued"].value.startswith("2026-01-01")
    assert row["modified"].value.startswith("2026-02-01")
    assert row["n"].value == "8240"


def test_identical_resubmission_writes_nothing(registry: Registry) -> None:
    submit(registry.records, PROSTATE.read_bytes(), TURTLE)
    before = snapshot(registry)
    again = submit(registry.records, PROSTATE.read_bytes(), TURTLE)
    assert not again.changed
    assert snapshot(registry) == before


def test_reader_never_sees_half_a_record(registry: Registry) -> None:
    """Replace a record over and over while another thread counts its triples."""
    small = PROSTATE.read_bytes()
    large = small.replace(b'"prostate"@en,', b'"prostate"@en, ' + b", ".join(
        f'"keyword {i}"@en'.encode() for i in range(200)) + b",")
    accepted = submit(registry.records, small, TURTLE)
    sizes = {len(registry.store.graph_triples(accepted.record))}
    submit(registry.records, large, TURTLE)
    sizes.add(len(registry.store.graph_triples(accepted.record)))
    seen: set[int] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.add(len(registry.store.graph_triples(accepted.record)))

    reader = threading.Thread(target=read)
    # pyoxigraph's result objects may only be freed by the thread that made them; the cyclic
    # collector, had it run in the other thread, would report that (an unraisable warning).
    gc.collect()
    gc.disable()
    reader.start()
    try:
        for i in range(30):
            submit(registry.records, large if i % 2 else small, TURTLE)
    finally:
        stop.set()
        reader.join(timeout=10)
        gc.enable()
    assert seen <= sizes, f"a reader saw a partial record: {sorted(seen - sizes)}"


def test_statements_about_another_records_dataset_are_refused(
    client: FlaskClient, registry: Registry
) -> None:
    load_all(registry)
    before = registry.store.quad_count()
    hijack = PROSTATE.read_bytes() + (
        f"\n<{LUNG_IRI}> eucaim:hasCondition "
        "<https://w3id.org/cancer-image-registry/vocab/condition/neuroblastoma> .\n"
    ).encode()
    with pytest.raises(ForeignDataset, match="another record"):
        submit(registry.records, hijack, TURTLE)
    assert registry.store.quad_count() == before
    page = client.get("/").get_data(as_text=True)
    assert "Lung cancer, Neuroblastoma" not in page


def test_a_provider_may_resubmit_its_own_dataset(registry: Registry) -> None:
    load_all(registry)
    changed = PROSTATE.read_bytes().replace(b'"8237"', b'"8238"')
    assert submit(registry.records, changed, TURTLE).changed


def test_a_second_incomplete_dataset_says_exactly_one(registry: Registry) -> None:
    body = PROSTATE.read_bytes() + b"\npca:extra a dcat:Dataset .\n"
    with pytest.raises(DatasetNotFound, match="exactly one"):
        submit(registry.records, body, TURTLE)

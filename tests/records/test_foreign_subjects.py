"""A record may describe only its dataset and the nodes that belong to it: regressions of
the hostile-client review (issue "Hardening": statements about other records' nodes were
accepted: a dcat:accessURL on another provider's distribution, a label on a registry
vocabulary concept, a second title and homepage on the catalogue)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask

from registry.errors import ForeignDataset, ForeignSubject, RegistryError
from registry.rdf import formats
from registry.records.foreign import Describers
from registry.records.layout import record_id_for
from registry.records.loading import load_files, reason
from registry.records.submission import submit
from registry.runtime import Registry
from tests.conftest import PROSTATE, SAMPLES, TURTLE, load_all, snapshot

PROSTATE_IRI = "https://datasets.procancer-i.example/open-challenge-prostate-v1"
PROSTATE_REMOTE = "https://datasets.procancer-i.example/open-challenge-prostate-v1-remote"
"""A distribution (an IRI node) of the prostate record."""
LUNG = next(p for p in SAMPLES if p.name == "chaimeleon-lung.jsonld")
LUNG_IRI = "https://repository.chaimeleon.example/dataset/lung-ct-pet"
PHISH = "https://phish.example/login"
CT = "https://w3id.org/cancer-image-registry/vocab/modality/CT"


def lung_with(turtle: str) -> bytes:
    """The lung sample (another provider's) as Turtle, with statements added."""
    triples = formats.parse(LUNG.read_bytes(), formats.syntax_for_path(LUNG))
    return formats.serialize(triples, TURTLE) + f"\n{turtle}\n".encode()


def refused(registry: Registry, body: bytes, error: type[RegistryError], match: str) -> None:
    before = snapshot(registry)
    with pytest.raises(error, match=match):
        submit(registry.records, body, TURTLE)
    assert snapshot(registry) == before


def test_statements_about_other_records_nodes_an_iri_distribution(registry: Registry) -> None:
    load_all(registry)
    linked = f"<{LUNG_IRI}> <http://purl.org/dc/terms/relation> <{PROSTATE_REMOTE}> ."
    phish = f"<{PROSTATE_REMOTE}> <http://www.w3.org/ns/dcat#accessURL> <{PHISH}> ."
    refused(registry, lung_with(f"{linked}\n{phish}"), ForeignDataset, "another record")
    refused(registry, lung_with(phish), ForeignDataset, "another record")


@pytest.mark.embedded_only  # a query sent to a server cannot name a stored blank node
def test_statements_about_other_records_nodes_a_blank_node_by_its_label(
    registry: Registry,
) -> None:
    """Parsers keep blank-node labels (``_:b1``) and the store shares blank nodes across
    graphs, but every write is an INSERT DATA, whose blank nodes are fresh (SPARQL 1.1
    Update, section 3.1.1): naming another record's blank node (its label is public in
    N-Triples) reaches nothing. Kept so, whatever the store behind the records."""
    load_all(registry)
    record = registry.layout.record_iri(record_id_for(PROSTATE_IRI))
    theirs = {t.object for t in registry.store.graph_triples(record) if isinstance(t.object, ox.BlankNode)}
    label = sorted(theirs, key=str)[0]
    body = lung_with(
        f"<{LUNG_IRI}> <http://purl.org/dc/terms/relation> _:{label.value} .\n"
        f"_:{label.value} <http://www.w3.org/ns/dcat#accessURL> <{PHISH}> ."
    )
    try:
        submit(registry.records, body, TURTLE)
    except RegistryError:
        pass  # refused or accepted: either way, the other record's node is untouched
    reached = registry.store.query(
        f"ASK {{ ?node dcat:accessURL <{PHISH}> }}", {"node": label}
    )
    assert not reached


def test_statements_about_other_records_nodes_a_vocabulary_concept(registry: Registry) -> None:
    load_all(registry)
    label = f'<{CT}> <http://www.w3.org/2004/02/skos/core#prefLabel> "Free scans here"@en .'
    refused(registry, lung_with(label), ForeignSubject, "vocabularies")


def test_statements_about_other_records_nodes_the_catalogue(registry: Registry) -> None:
    load_all(registry)
    catalog = registry.layout.catalog_iri
    for statement in (
        f'<{catalog}> <http://purl.org/dc/terms/title> "A second title"@en .',
        f"<{catalog}> <http://xmlns.com/foaf/0.1/homepage> <{PHISH}> .",
    ):
        refused(registry, lung_with(statement), ForeignSubject, "operator's")


def test_statements_about_a_node_the_dataset_does_not_link_to(registry: Registry) -> None:
    load_all(registry)
    stray = '<https://elsewhere.example/thing> <http://purl.org/dc/terms/title> "x" .'
    refused(registry, lung_with(stray), ForeignSubject, "does not link to")
    blank = '[] <http://purl.org/dc/terms/title> "x" .'
    refused(registry, lung_with(blank), ForeignSubject, "a blank node")


def test_a_provider_still_describes_its_own_nodes(registry: Registry) -> None:
    load_all(registry)
    changed = PROSTATE.read_bytes().replace(
        b"<https://platform.procancer-i.example/request-access>",
        b"<https://platform.procancer-i.example/request-access-v2>",
    )
    assert submit(registry.records, changed, TURTLE).changed


def lung_copy(name: str, turtle: str = "") -> bytes:
    """The lung sample under IRIs of its own (``...lung-ct-pet-NAME``: dataset and nodes),
    with statements added."""
    renamed = lung_with("").replace(LUNG_IRI.encode(), f"{LUNG_IRI}-{name}".encode())
    return renamed + f"{turtle}\n".encode()


def batch_of_foreign_subjects() -> dict[str, bytes]:
    """Descriptions loaded as one batch, each refused (or not) for whom else describes its
    nodes: another record of the batch, written before it; a stored record; a vocabulary."""
    ours = f"{LUNG_IRI}-a-remote"  # a distribution of copy a
    phish = f"<{ours}> <http://www.w3.org/ns/dcat#accessURL> <{PHISH}> ."
    return {
        "1-a": lung_copy("a"),
        "2-foreign-in-the-batch": lung_copy(
            "b", f"<{LUNG_IRI}-b> <http://purl.org/dc/terms/relation> <{ours}> .\n{phish}"
        ),
        "3-foreign-in-the-store": lung_copy(
            "c",
            f"<{LUNG_IRI}-c> <http://purl.org/dc/terms/relation> <{PROSTATE_REMOTE}> .\n"
            f"<{PROSTATE_REMOTE}> <http://www.w3.org/ns/dcat#accessURL> <{PHISH}> .",
        ),
        "4-vocabulary": lung_copy(
            "d", f'<{CT}> <http://www.w3.org/2004/02/skos/core#prefLabel> "Free scans here"@en .'
        ),
        "5-a-again-its-own-nodes": lung_copy("a", phish),
        "6-e": lung_copy("e"),
    }


def test_a_batch_refuses_each_description_as_it_would_be_refused_alone(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    """``registry load`` asks who describes a batch's nodes once for the whole batch; each
    description still gets the verdict and message it gets when submitted alone after the
    ones before it, including a node another record of the same batch describes and one a
    record written earlier in the batch described before it was replaced."""
    bodies = batch_of_foreign_subjects()
    alone: dict[str, str] = {}
    registry = make_app().extensions["registry"]
    load_all(registry)
    for name, body in bodies.items():
        try:
            alone[name] = "loaded" if submit(registry.records, body, TURTLE).changed else "same"
        except RegistryError as error:
            alone[name] = reason(error)
    files = []
    for name, body in bodies.items():
        (tmp_path / f"{name}.ttl").write_bytes(body)
        files.append(tmp_path / f"{name}.ttl")
    registry = make_app().extensions["registry"]
    load_all(registry)
    summary = load_files(registry.records, files)
    batched = {path.stem: "loaded" for path in summary.loaded}
    batched |= {path.stem: "same" for path in summary.unchanged}
    batched |= {path.stem: why for path, why in summary.rejected}
    assert batched == alone
    assert [name for name, outcome in alone.items() if outcome == "loaded"] == [
        "1-a",
        "5-a-again-its-own-nodes",
        "6-e",
    ]
    assert "another record" in alone["2-foreign-in-the-batch"]
    assert "another record" in alone["3-foreign-in-the-store"]
    assert "vocabularies" in alone["4-vocabulary"]


def test_who_describes_a_batch_of_subjects_is_one_question(registry: Registry) -> None:
    """The store's answer for many subjects at once (``query_each``): each subject with the
    graphs describing it, none for a subject nobody describes."""
    load_all(registry)
    statements = (
        f"<{PROSTATE_REMOTE}> <http://www.w3.org/ns/dcat#accessURL> <{PHISH}> .\n"
        f'<{CT}> <http://www.w3.org/2004/02/skos/core#prefLabel> "x" .'
    )
    triples = formats.parse(lung_copy("z", statements), TURTLE)
    describers = Describers.ask(registry.records, [(triples, f"{LUNG_IRI}-z")])
    prostate = registry.layout.record_iri(record_id_for(PROSTATE_IRI))
    assert describers.graphs[PROSTATE_REMOTE] == {prostate}
    assert describers.graphs[CT] == {registry.layout.vocabularies_graph}
    assert describers.graphs[f"{LUNG_IRI}-z-remote"] == set()
    assert f"{LUNG_IRI}-z" not in describers.graphs  # the topic: its record is its own

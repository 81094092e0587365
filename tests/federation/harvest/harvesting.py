"""What the harvester tests share: the sample catalogue written in the past (a walk lists
records issued a settling moment before it starts), and readers of what was published."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, FOAF, RDF

from registry.profile.validation import Report
from registry.rdf import formats
from registry.records.submission import submit
from registry.runtime import Registry
from tests.conftest import DATA, SAMPLES

START = datetime(2025, 1, 1, tzinfo=UTC)
"""When the sample datasets are issued, one second apart, in file order."""
HYDRA = "http://www.w3.org/ns/hydra/core#"
LDP_CONTAINS = URIRef("http://www.w3.org/ns/ldp#contains")
TYPE, DATASET = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(DCAT.Dataset))
CATALOG_RECORD = ox.NamedNode(str(DCAT.CatalogRecord))
CATALOG = ox.NamedNode(str(DCAT.Catalog))
TURTLE = formats.DOCUMENT_SYNTAXES[0]
PRIMARY_TOPIC = ox.NamedNode(str(FOAF.primaryTopic))


def load_sample_catalogue(registry: Registry, start: datetime = START) -> dict[str, str]:
    """Write the sample catalogue's description and datasets as of ``start`` (one second
    apart); return dataset IRI -> record id."""
    submit(registry.records, (DATA / "sample" / "catalog.ttl").read_bytes(), TURTLE, start)
    ids = {}
    for number, path in enumerate(SAMPLES, start=1):
        syntax = formats.syntax_for_path(path)
        when = start + timedelta(seconds=number)
        accepted = submit(registry.records, path.read_bytes(), syntax, when)
        ids[accepted.topic] = accepted.record_id
    return ids


def sample_datasets() -> set[str]:
    """The dataset IRIs of the sample files, read from the files themselves."""
    found = set()
    for path in SAMPLES:
        triples = formats.parse(path.read_bytes(), formats.syntax_for_path(path))
        found |= datasets_in(triples)
    return found


def datasets_in(triples: Iterable[ox.Triple]) -> set[str]:
    return {t.subject.value for t in triples if t.predicate == TYPE and t.object == DATASET}


def record_documents(triples: list[ox.Triple]) -> dict[str, list[ox.Triple]]:
    """Each dataset of a harvested document with what a harvester keeps of it: the nodes
    reachable from the dataset and its catalogue record (distributions, cited agents),
    without crossing into another dataset, record or the catalogue."""
    by_subject: dict[object, list[ox.Triple]] = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, []).append(triple)
    typed = {(t.subject, t.object) for t in triples if t.predicate == TYPE}
    record_of = {
        t.object: t.subject
        for t in triples
        if t.predicate == PRIMARY_TOPIC and (t.subject, CATALOG_RECORD) in typed
    }
    stops = {subject for subject, kind in typed if kind in (DATASET, CATALOG_RECORD, CATALOG)}
    documents = {}
    for dataset in datasets_in(triples):
        node = ox.NamedNode(dataset)
        own = {node, record_of.get(node)}
        seen: set[object] = set()
        todo: list[object] = [node, record_of.get(node)]
        kept: list[ox.Triple] = []
        while todo:
            subject = todo.pop()
            if subject is None or subject in seen:
                continue
            seen.add(subject)
            for triple in by_subject.get(subject, []):
                kept.append(triple)
                target = triple.object
                if target in by_subject and (target not in stops or target in own):
                    todo.append(target)
        documents[dataset] = kept
    return documents


def validate(registry: Registry, triples: list[ox.Triple]) -> Report:
    """Validate a harvested document as it is (it carries the agents it cites)."""
    return registry.shapes.validate(formats.to_rdflib(triples))


def assert_each_dataset_conforms(registry: Registry, triples: list[ox.Triple], where: str) -> int:
    """Validate every dataset of a harvested document alone; return how many there were."""
    documents = record_documents(triples)
    for dataset, document in documents.items():
        report = validate(registry, document)
        assert report.conforms, f"{where}: <{dataset}>\n{report.text()}"
    return len(documents)


def hydra_next(graph: Graph) -> str | None:
    """The next page as ckanext-dcat's ``RDFParser.next_page`` finds it: on a
    PartialCollectionView or PagedCollection node, ``hydra:next`` first, then ``nextPage``."""
    for kind in ("PartialCollectionView", "PagedCollection"):
        for node in graph.subjects(RDF.type, URIRef(HYDRA + kind)):
            for predicate in ("next", "nextPage"):
                for target in graph.objects(node, URIRef(HYDRA + predicate)):
                    return str(target)
    return None


def sample_description(dataset: str) -> list[ox.Triple]:
    """The triples of the sample file describing ``dataset``."""
    for path in SAMPLES:
        triples = formats.parse(path.read_bytes(), formats.syntax_for_path(path))
        if datasets_in(triples) == {dataset}:
            return triples
    raise LookupError(dataset)


def renamed(triples: list[ox.Triple], old: str, new: str) -> list[ox.Triple]:
    """The description with every IRI under ``old`` (the dataset, its distributions) moved
    under ``new``: another dataset."""

    def moved(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> object:
        if isinstance(term, ox.NamedNode) and term.value.startswith(old):
            return ox.NamedNode(new + term.value[len(old) :])
        return term

    return [ox.Triple(moved(t.subject), t.predicate, moved(t.object)) for t in triples]  # type: ignore[arg-type]


def revised(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The description with its titles changed: a new version of the same dataset."""
    title = ox.NamedNode("http://purl.org/dc/terms/title")
    return [
        ox.Triple(
            t.subject,
            t.predicate,
            ox.Literal(t.object.value + " (revised)", language=t.object.language),
        )
        if t.predicate == title and isinstance(t.object, ox.Literal)
        else t
        for t in triples
    ]


def submitted(registry: Registry, triples: list[ox.Triple], now: datetime | None = None) -> str:
    """Submit a description given as triples; return its record id."""
    data = formats.serialize(triples, NTRIPLES)
    return submit(registry.records, data, NTRIPLES, now).record_id


NTRIPLES = next(s for s in formats.DOCUMENT_SYNTAXES if s.suffix == "nt")

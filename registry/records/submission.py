"""The write use case: parse -> validate -> identify the dataset -> add the record -> store.

No Flask here; the API, the CLI and the tests call ``submit``. A description that fails
with a Violation raises before the store is touched, so a rejection changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.compare import to_isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from registry.errors import DatasetNotFound, ForeignDataset, InvalidDescription
from registry.profile.validation import Report, Shapes
from registry.queries import query
from registry.rdf import formats
from registry.rdf.formats import RdfSyntax
from registry.records.agents import agent_descriptions, cited_iris
from registry.records.write import OPERATOR, Author, Change, is_record_statement, write_record
from registry.runtime import Registry, record_id_for


@dataclass(frozen=True)
class Accepted:
    """A stored submission: where it lives and what the validator said (warnings included)."""

    record_id: str
    record: str
    topic: str
    """The dataset's IRI (or the agent's, or the catalogue's)."""
    report: Report
    changed: bool = True
    """False when the description equals the stored one (nothing was written)."""


@dataclass(frozen=True)
class Topic:
    """The resource a description is about, and its kind: dataset, agent or catalog."""

    iri: URIRef
    kind: str


def find_topic(graph: Graph, catalog: str) -> Topic:
    """Return what the description is about: its one ``dcat:Dataset``; or, with no dataset,
    its one ``foaf:Agent`` (a provider, an HDAB) or the registry's ``dcat:Catalog``."""
    datasets = sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str)
    if not datasets:
        catalogs = set(graph.subjects(RDF.type, DCAT.Catalog))
        if catalogs == {URIRef(catalog)}:
            return Topic(URIRef(catalog), "catalog")
        agents = sorted(set(graph.subjects(RDF.type, FOAF.Agent)), key=str)
        if len(agents) == 1 and isinstance(agents[0], URIRef) and not catalogs:
            return Topic(agents[0], "agent")
    if len(datasets) != 1:
        found = "none" if not datasets else f"{len(datasets)}: " + ", ".join(map(str, datasets))
        raise DatasetNotFound(
            f"A description must hold exactly one dcat:Dataset; found {found}. "
            "Submit each dataset as its own description (an agent or the catalogue may be "
            "described on its own: then exactly one foaf:Agent, or the dcat:Catalog "
            f"<{catalog}>)."
        )
    dataset = datasets[0]
    if not isinstance(dataset, URIRef):
        raise DatasetNotFound(
            "The dcat:Dataset is a blank node; give it the IRI your organisation uses for it "
            "so the registry can keep it stable across updates."
        )
    return Topic(dataset, "dataset")


def refuse_foreign_subjects(registry: Registry, graph: Graph, record: str) -> None:
    """Refuse statements about registry IRIs (the catalogue's own description aside), or
    about a dataset or agent that another record describes."""
    base = registry.settings.base_iri
    subjects = sorted({str(s) for s in graph.subjects() if isinstance(s, URIRef)})
    claimed = [s for s in subjects if s.startswith(base) and s != registry.catalog_iri]
    if (None, DCAT.record, None) in graph or (None, DCAT.dataset, None) in graph:
        raise DatasetNotFound(
            "The description lists catalogue records or datasets (dcat:record, dcat:dataset); "
            "the registry writes those links itself when it stores each dataset."
        )
    if claimed:
        raise DatasetNotFound(
            f"The description makes statements about registry IRIs ({', '.join(claimed[:3])}); "
            "those are written by the registry itself. Describe your dataset under your own IRIs."
        )
    # One indexed lookup per subject of this description (about ten): SPARQL substitution
    # binds single terms, and the alternative, pasting a VALUES list, would put data in a query.
    for subject in subjects:
        rows = registry.store.query(
            query("owned_subject"),
            {"subject": ox.NamedNode(subject), "record": ox.NamedNode(record)},
        )
        if any(True for _ in rows):  # type: ignore[union-attr]
            raise ForeignDataset(
                f"<{subject}> is described by another record; a description may only make "
                "statements about its own dataset and the nodes it introduces (cite a "
                "registered agent by its IRI instead of describing it again)."
            )


def digest(graph: Graph) -> str:
    """Return a fingerprint of a description that ignores blank-node labels and triple order.

    Kept on the record because the store normalises some literals (``xsd:nonNegativeInteger``
    comes back as ``xsd:integer``), so stored triples cannot be compared with submitted ones.
    """
    return format(to_isomorphic(graph).graph_digest(), "x")


@dataclass(frozen=True)
class Checked:
    """A description that parsed, conforms and names its topic: ready to store."""

    triples: list[ox.Triple]
    graph: Graph
    topic: Topic
    report: Report


def check(
    shapes: Shapes,
    data: bytes,
    syntax: RdfSyntax,
    catalog: str,
    known: Callable[[list[ox.Triple]], Graph] = lambda triples: Graph(),
    record_of: Callable[[str], str] | None = None,
) -> Checked:
    """Parse, validate and identify the topic; raise the first reason it cannot be stored.

    ``known`` returns descriptions the registry already holds of what the document cites
    (its registered agents): they are validated with it, never stored with it. Relative
    IRIs resolve against the catalogue's base, so ``<catalog>`` names the catalogue.
    ``record_of`` returns the IRI of a topic's record: the statements the registry writes
    about that record, which a record read back carries, are set aside (it writes them
    again), so a record read with GET can be sent back with PUT as it is.
    """
    base = catalog.rsplit("/", 1)[0] + "/"
    triples = formats.parse(data, syntax, base_iri=base)
    graph = formats.to_rdflib(triples)
    topic = find_topic(graph, catalog)  # first: "two datasets" explains many violations
    if record_of is not None and topic.kind != "catalog":
        record = record_of(str(topic.iri))
        described = [t for t in triples if not is_record_statement(t, record, catalog, topic.iri)]
        if len(described) < len(triples):
            triples, graph = described, formats.to_rdflib(described)
    report = shapes.validate(graph, known(triples))
    if not report.conforms:
        raise InvalidDescription(report)
    return Checked(triples, graph, topic, report)


def change_for(registry: Registry, checked: Checked) -> Change:
    """Return what a checked dataset or agent description would store, after refusing
    statements about other records' subjects."""
    topic, graph = checked.topic, checked.graph
    refuse_foreign_subjects(registry, graph, registry.record_iri(record_id_for(str(topic.iri))))
    if topic.kind == "dataset":
        publishers = sorted(str(o) for o in graph.objects(topic.iri, DCTERMS.publisher))
        owner = publishers[0] if publishers else None
    else:
        owner = str(topic.iri)
    return Change(topic.iri, topic.kind, checked.triples, digest(graph), owner)


def submit(
    registry: Registry,
    data: bytes,
    syntax: RdfSyntax,
    now: datetime | None = None,
    author: Author = OPERATOR,
) -> Accepted:
    """Store a conforming description as (the new version of) its topic's record."""
    checked = check_for(registry, data, syntax)
    topic = checked.topic
    if topic.kind == "catalog":
        refuse_foreign_subjects(registry, checked.graph, registry.catalog_iri)
        stored_catalog = formats.to_rdflib(registry.store.graph_triples(registry.catalog_iri))
        changed = digest(stored_catalog) != digest(checked.graph)
        if changed:
            registry.store.replace_graph(registry.catalog_iri, checked.triples)
        return Accepted("catalog", registry.catalog_iri, str(topic.iri), checked.report, changed)
    written = write_record(registry, change_for(registry, checked), author, now=now)
    return Accepted(
        written.record_id, written.record, str(topic.iri), checked.report, written.changed
    )


def check_for(registry: Registry, data: bytes, syntax: RdfSyntax) -> Checked:
    """``check`` against this registry: its shapes, catalogue and registered agents."""
    return check(
        registry.shapes,
        data,
        syntax,
        registry.catalog_iri,
        known=lambda triples: registered_agents(registry, triples),
        record_of=lambda topic: registry.record_iri(record_id_for(topic)),
    )


def registered_agents(registry: Registry, triples: list[ox.Triple]) -> Graph:
    """Return the stored descriptions of the agents ``triples`` cite without describing them."""
    return formats.to_rdflib(agent_descriptions(registry, cited_iris(triples)))

"""The write use case: parse -> validate -> identify the dataset -> add the record -> store.

No Flask here; the API, the CLI and the tests call ``submit``. A description that fails
with a Violation raises before the store is touched, so a rejection changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.compare import to_isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from . import formats
from .errors import DatasetNotFound, ForeignDataset, InvalidDescription
from .formats import RdfSyntax
from .formats import oxigraph_iri as _iri
from .namespaces import CIR
from .queries import query
from .services import Registry, record_facts
from .store import Term
from .validation import Report, Shapes


@dataclass(frozen=True)
class Accepted:
    """A stored submission: where it lives and what the validator said (warnings included)."""

    record_id: str
    record: str
    dataset: str
    report: Report
    changed: bool = True
    """False when the description equals the stored one (nothing was written)."""


def record_id_for(dataset: str) -> str:
    """Return the stable record id of a dataset IRI (provider IRIs are kept, never re-minted)."""
    return hashlib.sha256(dataset.encode("utf-8")).hexdigest()[:16]


def find_dataset(graph: Graph) -> URIRef:
    """Return the one ``dcat:Dataset`` the description is about, or raise a clear error."""
    datasets = sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str)
    if len(datasets) != 1:
        found = "none" if not datasets else f"{len(datasets)}: " + ", ".join(map(str, datasets))
        raise DatasetNotFound(
            f"A description must hold exactly one dcat:Dataset; found {found}. "
            "Submit each dataset as its own description."
        )
    dataset = datasets[0]
    if not isinstance(dataset, URIRef):
        raise DatasetNotFound(
            "The dcat:Dataset is a blank node; give it the IRI your organisation uses for it "
            "so the registry can keep it stable across updates."
        )
    return dataset


def refuse_foreign_subjects(registry: Registry, graph: Graph, record: str) -> None:
    """Refuse statements about registry IRIs, or about a dataset another record describes."""
    base = registry.settings.base_iri
    subjects = sorted({str(s) for s in graph.subjects() if isinstance(s, URIRef)})
    claimed = [s for s in subjects if s.startswith(base)]
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
                f"<{subject}> is the dataset of another record; a description may only make "
                "statements about its own dataset and the nodes it introduces."
            )


def digest(graph: Graph) -> str:
    """Return a fingerprint of a description that ignores blank-node labels and triple order.

    Kept on the record because the store normalises some literals (``xsd:nonNegativeInteger``
    comes back as ``xsd:integer``), so stored triples cannot be compared with submitted ones.
    """
    return format(to_isomorphic(graph).graph_digest(), "x")


def record_triples(
    registry: Registry,
    record: str,
    dataset: str,
    fingerprint: str,
    now: datetime,
    issued: Term | None,
) -> list[ox.Triple]:
    """Describe the ``dcat:CatalogRecord`` the registry keeps for a dataset.

    ``issued`` is the stored record's first-publication date, kept across replacements.
    """
    modified = ox.Literal(now.isoformat(timespec="seconds"), datatype=_iri(XSD.dateTime))
    rec, catalog = _iri(record), _iri(registry.catalog_iri)
    return [
        ox.Triple(rec, _iri(RDF.type), _iri(DCAT.CatalogRecord)),
        ox.Triple(rec, _iri(FOAF.primaryTopic), _iri(dataset)),
        ox.Triple(rec, _iri(DCTERMS.issued), issued or modified),
        ox.Triple(rec, _iri(DCTERMS.modified), modified),
        ox.Triple(rec, _iri(DCTERMS.conformsTo), _iri(registry.shapes.profile_iri)),
        ox.Triple(rec, _iri(CIR.descriptionDigest), ox.Literal(fingerprint)),
        ox.Triple(catalog, _iri(DCAT.record), rec),
        ox.Triple(catalog, _iri(DCAT.dataset), _iri(dataset)),
    ]


@dataclass(frozen=True)
class Checked:
    """A description that parsed, conforms and names one dataset: ready to store."""

    triples: list[ox.Triple]
    graph: Graph
    dataset: URIRef
    report: Report


def check(shapes: Shapes, data: bytes, syntax: RdfSyntax) -> Checked:
    """Parse, validate and identify the dataset; raise the first reason it cannot be stored."""
    triples = formats.parse(data, syntax)
    graph = formats.to_rdflib(triples)
    dataset = find_dataset(graph)  # first: "two datasets" explains many violations at once
    report = shapes.validate(graph)
    if not report.conforms:
        raise InvalidDescription(report)
    return Checked(triples, graph, dataset, report)


def submit(
    registry: Registry, data: bytes, syntax: RdfSyntax, now: datetime | None = None
) -> Accepted:
    """Store a conforming description as (the new version of) its dataset's record."""
    checked = check(registry.shapes, data, syntax)
    triples, graph, report = checked.triples, checked.graph, checked.report
    dataset = str(checked.dataset)
    record_id = record_id_for(dataset)
    record = registry.record_iri(record_id)
    refuse_foreign_subjects(registry, graph, record)
    fingerprint = digest(graph)
    stored = record_facts(registry.store.graph_triples(record), record)
    stored_digest = stored.get(str(CIR.descriptionDigest))
    if isinstance(stored_digest, ox.Literal) and stored_digest.value == fingerprint:
        return Accepted(record_id, record, dataset, report, changed=False)
    issued = stored.get(str(DCTERMS.issued))
    meta = record_triples(
        registry, record, dataset, fingerprint, now or datetime.now(UTC), issued
    )
    registry.store.replace_graph(record, triples + meta)
    return Accepted(record_id, record, dataset, report)

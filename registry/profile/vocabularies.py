"""The vocabularies the registry ships: its own ontology and schemes, and the authority tables.

Providers cite concept IRIs (``.../data-theme/HEAL``, ``.../vocab/modality/MR``) without the
concepts' triples. Validation needs to know which scheme each cited concept belongs to, so
``Vocabularies`` keeps, per concept, the few facts the shapes test (``skos:inScheme``,
``rdf:type``) and merges into a description only those of the IRIs it cites: a 60-triple
record gets a few dozen background triples, not the 100,000 of the tables.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from registry.rdf import formats

# The facts about a concept that the shapes test; everything else (labels, definitions)
# goes to the store for pages and SPARQL users, not into validation.
MEMBERSHIP_PREDICATES = frozenset({str(RDF.type), str(SKOS.inScheme)})
PREF_LABEL = str(SKOS.prefLabel)
LABEL = str(RDFS.label)
AUTHORITY_TABLES = "authority"
"""The folder of the EU and HealthDCAT-AP tables: their rdfs:labels are not the registry's."""

Triples = Iterable[tuple[Node, Node, Node]]
"""A graph, or its triples in rdflib terms (a validator process's parsed submission)."""
Membership = tuple[tuple[URIRef, URIRef], ...]


def vocabulary_files(folder: Path) -> list[Path]:
    """Every RDF file under ``folder`` (own ``.ttl`` and gzipped N-Triples tables), sorted."""
    files = [
        path
        for path in folder.rglob("*")
        if path.is_file()
        and (path.name.endswith(".nt.gz") or formats.syntax_for_suffix(path.suffix) is not None)
        and "context" not in path.relative_to(folder).parts
    ]
    return sorted(files)


def namespace_of(iri: str) -> str:
    """The IRI up to its last ``/`` or ``#``: a concept's table namespace."""
    return iri[: max(iri.rfind("/"), iri.rfind("#")) + 1]


def read_triples(path: Path) -> Iterator[ox.Triple]:
    """Parse one vocabulary file with pyoxigraph (gzipped N-Triples or any supported syntax)."""
    if path.name.endswith(".nt.gz"):
        with gzip.open(path) as stream:
            yield from ox.parse(input=cast(IO[bytes], stream), format=ox.RdfFormat.N_TRIPLES)
        return
    syntax = formats.syntax_for_path(path)
    assert syntax is not None
    yield from formats.parse(path.read_bytes(), syntax)


@dataclass(frozen=True)
class Vocabularies:
    """Concept membership for validation and labels for pages, parsed once at start."""

    files: tuple[Path, ...]
    membership: dict[str, Membership]
    labels: dict[str, dict[str, str]]
    digest: str
    """Fingerprint of the files' bytes: the store reloads the vocabularies when it changes."""
    namespaces: frozenset[str]
    """Namespaces of the shipped concepts: only the registry's tables define codes there."""
    property_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    """Property IRI -> language tag -> the ``rdfs:label`` the registry's own ontology files
    give it (``property-labels-*.ttl``, ``cancer-imaging-*.ttl``): how pages name fields."""

    @classmethod
    def load(cls, folder: Path) -> Vocabularies:
        files = vocabulary_files(folder)
        facts: dict[str, list[tuple[URIRef, URIRef]]] = {}
        labels: dict[str, dict[str, str]] = {}
        property_labels: dict[str, dict[str, str]] = {}
        fingerprint = hashlib.sha256()
        for path in files:
            fingerprint.update(path.read_bytes())
            own = AUTHORITY_TABLES not in path.relative_to(folder).parts
            for t in read_triples(path):
                if not isinstance(t.subject, ox.NamedNode):
                    continue
                predicate = t.predicate.value
                if predicate in MEMBERSHIP_PREDICATES and isinstance(t.object, ox.NamedNode):
                    facts.setdefault(t.subject.value, []).append(
                        (URIRef(predicate), URIRef(t.object.value))
                    )
                elif predicate == PREF_LABEL and isinstance(t.object, ox.Literal):
                    labels.setdefault(t.subject.value, {})[t.object.language or ""] = t.object.value
                elif own and predicate == LABEL and isinstance(t.object, ox.Literal):
                    texts = property_labels.setdefault(t.subject.value, {})
                    texts[t.object.language or ""] = t.object.value
        membership = {concept: tuple(pairs) for concept, pairs in facts.items()}
        namespaces = frozenset(namespace_of(concept) for concept in membership)
        return cls(
            tuple(files), membership, labels, fingerprint.hexdigest(), namespaces, property_labels
        )

    def background_for(self, data: Triples, known: Triples | None = None) -> Graph:
        """Return ``data`` (and ``known``, descriptions the registry holds of what it cites)
        plus the membership facts of every concept IRI they cite, in one new graph.

        A description's own ``skos:inScheme`` statements about IRIs in the namespaces of
        the tables the registry ships are left out: only those tables say what their codes
        are, so a record cannot make up ``.../data-theme/NOPE``. A provider may still
        describe concepts under its own IRIs (as the HealthDCAT-AP example does).
        """
        merged = Graph()
        if isinstance(data, Graph):
            for prefix, namespace in data.namespaces():
                merged.bind(prefix, namespace)
        cited: set[URIRef] = set()
        for triple in itertools.chain(data, known if known is not None else ()):
            _, predicate, obj = triple
            if predicate == SKOS.inScheme and namespace_of(str(triple[0])) in self.namespaces:
                continue
            merged.add(triple)
            if isinstance(obj, URIRef):
                cited.add(obj)
        for concept in cited:
            for predicate, value in self.membership.get(str(concept), ()):
                merged.add((concept, predicate, value))
        return merged

    def triples(self) -> Iterator[ox.Triple]:
        """Every triple of every file, for the store's vocabulary graph."""
        for path in self.files:
            yield from read_triples(path)

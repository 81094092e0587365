"""What the vocabularies say about a cited concept, read from the store's vocabulary graph.

A record cites concepts by IRI only (``.../condition/lung-cancer``); to be found by
"Lungenkrebs", "NSCLC" or "C34" its index entry needs the concept's labels in every
language, its alternative and hidden labels, its notations, and the same of every broader
concept (a colon cancer dataset is also a colorectal cancer dataset). The store holds the
shipped vocabularies (``runtime`` loads them); each concept is read once, on first use, so
the authority tables' 100,000-odd triples are never read whole.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib.namespace import SKOS

from registry.catalogue.index.words import fold
from registry.queries import query
from registry.rdf.namespaces import CIR
from registry.store.interface import Store, Term

LABELS = frozenset({str(SKOS.prefLabel), str(SKOS.altLabel), str(SKOS.hiddenLabel)})
OTHER_NAMES = (str(SKOS.altLabel), str(SKOS.hiddenLabel))
NOTATION, BROADER = str(SKOS.notation), str(SKOS.broader)
DIGEST = str(CIR.digest)
MAX_DEPTH = 8
"""Broader concepts followed at most this far up (vocabularies have no cycles; be safe)."""


@dataclass(frozen=True)
class Concept:
    """A concept's words: (language, text) of its labels and notations, and its broader IRIs."""

    labels: tuple[tuple[str, str], ...] = ()
    """Preferred, alternative and hidden labels, and notations (untagged)."""
    broader: tuple[str, ...] = ()


@dataclass
class Thesaurus:
    """Concept IRI -> ``Concept``, read from the vocabulary graph on first use and kept."""

    store: Store
    graph: str
    _concepts: dict[str, Concept] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def concept(self, iri: str) -> Concept:
        with self._lock:
            found = self._concepts.get(iri)
        if found is None:
            found = self._read(iri)
            with self._lock:
                self._concepts[iri] = found
        return found

    def _read(self, iri: str) -> Concept:
        labels: list[tuple[str, str]] = []
        broader: list[str] = []
        for prop, value in self._facts(iri):
            if prop in LABELS and isinstance(value, ox.Literal):
                labels.append((value.language or "", value.value))
            elif prop == NOTATION and isinstance(value, ox.Literal):
                labels.append(("", value.value))
            elif prop == BROADER and isinstance(value, ox.NamedNode):
                broader.append(value.value)
        return Concept(tuple(sorted(set(labels))), tuple(sorted(broader)))

    def _facts(self, subject: str) -> list[tuple[str, Term]]:
        rows = self.store.query(
            query("concept"), {"concept": ox.NamedNode(subject), "graph": ox.NamedNode(self.graph)}
        )
        assert isinstance(rows, ox.QuerySolutions)
        return [(row["property"].value, row["value"]) for row in rows]

    def ancestors(self, iri: str) -> list[str]:
        """Every broader concept of ``iri``, nearest first (without ``iri``)."""
        found: list[str] = []
        level = list(self.concept(iri).broader)
        for _ in range(MAX_DEPTH):
            level = [b for b in level if b not in found and b != iri]
            if not level:
                break
            found.extend(level)
            level = [up for b in level for up in self.concept(b).broader]
        return found

    def synonyms(self) -> dict[str, list[tuple[str, str]]]:
        """Each alternative or hidden label, and each preferred label of a concept that has
        one, folded -> every (language, label) of that concept ("NSCLC" -> "Non-small cell
        lung cancer"@en, ...): a typed label also finds texts that use another."""
        named: set[str] = set()
        graph = ox.NamedNode(self.graph)
        for prop in OTHER_NAMES:
            bound = {"property": ox.NamedNode(prop), "graph": graph}
            rows = self.store.query(query("concept"), bound)
            assert isinstance(rows, ox.QuerySolutions)
            named.update(row["concept"].value for row in rows)
        groups: dict[str, list[tuple[str, str]]] = {}
        for iri in sorted(named):
            labels = [(language, text) for language, text in self.concept(iri).labels if text]
            for _, text in labels:
                groups.setdefault(fold(text), [])
                groups[fold(text)].extend(pair for pair in labels if pair not in groups[fold(text)])
        return groups

    def digest(self) -> str:
        """The fingerprint of the vocabularies in the store ("" before they are loaded): the
        index is rebuilt when it changes, since its entries hold the concepts' words."""
        facts = self._facts(self.graph)
        return next((v.value for p, v in facts if p == DIGEST and isinstance(v, ox.Literal)), "")

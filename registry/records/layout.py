"""Where records live: the IRIs the registry mints under its base IRI, and record ids.

Graphs of record ``ID`` (under the base IRI):

- ``record/ID``: the current description and its ``dcat:CatalogRecord``; after a
  withdrawal, a tombstone.
- ``record/ID/version/N``: version N, written once (see ``records.write``).
- ``record/ID/history``: one ``prov:Activity`` per accepted write.

Every accepted write is also an entry of the change log, in ``graph/changes``.

A record's id derives from its topic's IRI, so the record is found from the IRI without a
lookup, and ids are checked here, one way, wherever they arrive.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pyoxigraph as ox

from registry.errors import NotFound
from registry.store.interface import Term

VERSION_PART, HISTORY_PART = "/version/", "/history"
CATALOG_RECORD = "catalog"
"""The record id of the catalogue's own description. Its current graph is the one named by
the catalogue's IRI (what pages and SPARQL read); versions and history are a record's."""


@dataclass(frozen=True)
class Layout:
    """The registry's own IRIs, from its base IRI (which ends with ``/``)."""

    base_iri: str

    def iri(self, path: str) -> str:
        return self.base_iri.rstrip("/") + "/" + path.lstrip("/")

    @property
    def catalog_iri(self) -> str:
        return self.iri("catalog")

    @property
    def operator_iri(self) -> str:
        return self.iri("agent/operator")

    @property
    def vocabularies_graph(self) -> str:
        """The named graph holding ``ontology/``: own schemes and authority tables."""
        return self.iri("graph/vocabularies")

    @property
    def changes_graph(self) -> str:
        """The named graph of the change log (``store.changelog``): one entry per write."""
        return self.iri("graph/changes")

    @property
    def record_prefix(self) -> str:
        return self.iri("record/")

    def record_iri(self, record_id: str) -> str:
        return self.record_prefix + record_id

    def record_id_for(self, topic: str) -> str:
        """The record id of a topic: the catalogue's own, or one derived from the IRI."""
        return CATALOG_RECORD if topic == self.catalog_iri else record_id_for(topic)

    def current_graph(self, record: str) -> str:
        """The graph holding a record's current description and its ``dcat:CatalogRecord``."""
        return self.catalog_iri if record == self.record_iri(CATALOG_RECORD) else record

    def record_id_of(self, graph: str) -> str | None:
        """The record id whose current graph is ``graph`` (None for versions, history, ...)."""
        if not graph.startswith(self.record_prefix):
            return None
        record_id = graph[len(self.record_prefix) :]
        return record_id if is_record_id(record_id) else None

    def record_for_id(self, record_id: str) -> str:
        """The IRI of record ``record_id``; an id the registry cannot have minted is 404."""
        if not is_record_id(record_id):
            raise NotFound(f"There is no record {record_id!r} in this catalogue.")
        return self.record_iri(record_id)


def is_record_id(text: str) -> bool:
    """True for text the registry could have minted as a record id (ASCII letters, digits)."""
    return text.isascii() and text.isalnum()


def record_id_for(topic: str) -> str:
    """Return the stable record id of a dataset's (or agent's) IRI: provider IRIs are kept,
    never re-minted, and the record is found from the IRI without a lookup."""
    return hashlib.sha256(topic.encode("utf-8")).hexdigest()[:16]


def version_iri(record: str, number: int) -> str:
    return f"{record}{VERSION_PART}{number}"


def history_iri(record: str) -> str:
    return record + HISTORY_PART


def record_facts(triples: list[ox.Triple], record: str) -> dict[str, Term]:
    """Return predicate IRI -> value of what the registry wrote about a record (issued, ...)."""
    node = ox.NamedNode(record)
    return {t.predicate.value: t.object for t in triples if t.subject == node}

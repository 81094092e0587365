"""Writing harvested records: the same checks and transaction as a provider's submission,
plus the record's provenance and the rule that a source only changes its own records.

A harvested record's ``dcat:CatalogRecord`` says which source it came from
(``cir:harvestedFrom``), in which run (``cir:harvestRun``), the original record or document
(``dct:source``, ``prov:wasDerivedFrom``) and when it was fetched (``cir:harvested``). A
source never overwrites a provider's own record nor another source's (``Conflict``), and a
provider never overwrites a harvested one (``write.refuse_harvested``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, PROV, XSD

from registry.errors import Conflict
from registry.queries import query
from registry.rdf.formats import oxigraph_iri
from registry.rdf.namespaces import CIR
from registry.records.audit import Author
from registry.records.facade import Records
from registry.records.foreign import Describers
from registry.records.submission import Checked, change_for
from registry.records.write import (
    Precondition,
    RecordState,
    Written,
    withdraw_record,
    write_record,
)


@dataclass(frozen=True)
class Provenance:
    """Where a harvested description came from."""

    source: str
    """The harvest source's IRI (on the registry's /harvest page)."""
    run: str
    """The IRI of the run's report."""
    document: str
    """The URL of the document the description was read from."""
    fetched: datetime
    original: str | None = None
    """The source's own ``dcat:CatalogRecord`` of the dataset, where it has one."""

    def about_record(self) -> tuple[tuple[ox.NamedNode, ox.NamedNode | ox.Literal], ...]:
        when = ox.Literal(
            self.fetched.isoformat(timespec="seconds"), datatype=oxigraph_iri(XSD.dateTime)
        )
        return (
            (oxigraph_iri(CIR.harvestedFrom), ox.NamedNode(self.source)),
            (oxigraph_iri(CIR.harvestRun), ox.NamedNode(self.run)),
            (oxigraph_iri(DCTERMS.source), ox.NamedNode(self.original or self.document)),
            (oxigraph_iri(PROV.wasDerivedFrom), ox.NamedNode(self.document)),
            (oxigraph_iri(CIR.harvested), when),
        )


def may_harvest(source: str) -> Precondition:
    """A source creates records, and changes those it created, nothing else."""

    def check(state: RecordState) -> None:
        if state.exists and state.harvested_from != source:
            owner = f"<{state.harvested_from}>" if state.harvested_from else "a local provider"
            raise Conflict(f"This dataset's record belongs to {owner}; the harvest leaves it.")

    return check


def store_harvested(
    records: Records,
    checked: Checked,
    provenance: Provenance,
    author: Author,
    owner: str | None = None,
    describers: Describers | None = None,
) -> Written:
    """Write a checked description as a record of the harvest source (owned by ``owner``,
    the source's provider, when it has one); an unchanged description writes nothing.
    ``describers``: who describes the subjects of the batch it belongs to."""
    change = change_for(records, checked, describers)
    change = replace(change, owner=owner or change.owner, about_record=provenance.about_record())
    return write_record(records, change, author, may_harvest(provenance.source))


@dataclass(frozen=True)
class Harvested:
    """A current record of a harvest source."""

    record_id: str
    topic: str
    original: str | None
    """Its ``dct:source``: the source's own record, or the document it was read from."""


def harvested_records(records: Records, source: str) -> list[Harvested]:
    """The source's current (not withdrawn) dataset records (its agents may be cited by
    other records: they are never withdrawn with it)."""
    rows = records.store.query(query("harvested_records"), {"source": ox.NamedNode(source)})
    found = []
    for row in rows:  # type: ignore[union-attr]
        record_id = records.layout.record_id_of(row["record"].value)
        original = row["original"]
        if record_id is not None:
            found.append(
                Harvested(record_id, row["topic"].value, original.value if original else None)
            )
    return found


def withdraw_harvested(records: Records, record_id: str, source: str, author: Author) -> None:
    """Withdraw a record the source no longer lists (only if it is the source's)."""

    def own(state: RecordState) -> None:
        if state.harvested_from != source:
            raise Conflict("This record is not the harvest source's; it stays.")

    withdraw_record(records, record_id, author, own)

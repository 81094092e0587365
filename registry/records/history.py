"""Reading records and their history: the current version, every earlier version, the
difference between two versions, the audit trail and the list harvesters sync from."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import DCAT, DCTERMS, FOAF, XSD

from registry.errors import Gone, NotFound, RegistryError
from registry.queries import query
from registry.rdf.canonical import canonical
from registry.rdf.namespaces import CIR, compact
from registry.records.facade import Records
from registry.records.layout import Layout, history_iri, record_facts, version_iri
from registry.records.write import (
    RecordState,
    dataset_modified,
    described,
    is_record_statement,
    read_state,
)
from registry.store.interface import Store

DATASET_LINK = ox.NamedNode(str(DCAT.dataset))
"""The catalogue's link to a dataset: only a dataset's record carries it."""


@dataclass(frozen=True)
class Current:
    """A record's current graph and the state its entity tag comes from."""

    triples: list[ox.Triple]
    state: RecordState


def current(records: Records, record_id: str) -> Current:
    """Return the current record, or raise NotFound, or Gone (410) for a tombstone."""
    record = records.layout.record_for_id(record_id)
    state = read_state(records, record)
    if not state.exists:
        raise NotFound(f"There is no record {record_id!r} in this catalogue.")
    stored = records.store.graph_triples(record)
    if state.withdrawn:
        raise gone(records.store, records.layout, record_id, stored)
    return Current(published(records.store, records.layout, record, stored), state)


NAMES = (DCTERMS.title, FOAF.name)
"""What names a record's topic (a dataset's title, an agent's name), in this order."""


def gone(store: Store, layout: Layout, record_id: str, tombstone: list[ox.Triple]) -> Gone:
    """The 410 of a withdrawn record, saying what a visitor asks first: what it was (the
    last version's titles, by language), when it was withdrawn and by whom (the withdraw
    event of its history, which the versions page shows to anyone)."""
    record = layout.record_iri(record_id)
    facts = record_facts(tombstone, record)
    when, last = facts.get(str(CIR.withdrawn)), facts.get(str(CIR.currentVersion))
    topic = facts.get(str(FOAF.primaryTopic))
    titles: dict[str, str] = {}
    if isinstance(last, ox.NamedNode) and isinstance(topic, ox.NamedNode):
        kept = described(store, last.value) or []
        for name in NAMES:
            titles = {
                t.object.language or "": t.object.value
                for t in kept
                if t.subject == topic
                and t.predicate.value == str(name)
                and isinstance(t.object, ox.Literal)
            }
            if titles:
                break
    events = store.query(query("record_history"), {"history": ox.NamedNode(history_iri(record))})
    withdrawals = [row for row in events if _value(row["action"]) == "withdraw"]  # type: ignore[union-attr]
    event = withdrawals[-1] if withdrawals else None
    moment = _value(when) if isinstance(when, ox.Literal) else None
    named = titles.get("en") or next(iter(titles.values()), None)
    return Gone(
        f"The record {record_id}{f' ({named})' if named else ''} was withdrawn"
        f"{f' on {moment}' if moment else ''}; its versions stay readable.",
        withdrawn=record_id,
        withdrawn_at=moment,
        titles=titles or None,
        withdrawn_by=_value(event["by"]) if event else None,
        withdrawn_by_agent=_value(event["agent"]) if event else None,
    )


def published(
    store: Store, layout: Layout, record: str, stored: list[ox.Triple]
) -> list[ox.Triple]:
    """Return a record's current graph as the registry publishes it: its own statements
    (``dcat:CatalogRecord``, catalogue links) from ``stored``, and the description exactly as
    accepted, from the current version.

    The store keeps typed literals by value, not as written: Oxigraph encodes the XSD numeric,
    boolean, date and duration types natively (oxigraph/oxigraph#526), so
    ``"846"^^xsd:nonNegativeInteger`` reads back as ``"846"^^xsd:integer`` and ``"07"`` as
    ``"7"``. Read from the store, a description no longer conforms to the profile it was
    accepted under, nor is it the one a provider sent. The version keeps it verbatim (one
    N-Triples literal), so it is published from there: one more graph read and a parse of
    about a millisecond. SPARQL reads the store: the same values, some of them typed
    ``xsd:integer``. ``stored`` is returned as it is if the version keeps no description.
    A dataset without a ``dct:modified`` of its own gets the record's
    (``write.dataset_modified``), as the store holds it for SPARQL.
    """
    facts = record_facts(stored, record)
    current, topic = facts.get(str(CIR.currentVersion)), facts.get(str(FOAF.primaryTopic))
    if not isinstance(current, ox.NamedNode) or not isinstance(topic, ox.NamedNode):
        return stored
    exact = described(store, current.value)
    if exact is None:
        return stored
    catalog = layout.catalog_iri
    own = [t for t in stored if is_record_statement(t, record, catalog, topic.value)]
    listed = ox.Triple(ox.NamedNode(catalog), DATASET_LINK, topic) in own
    modified = facts.get(str(DCTERMS.modified)) if listed else None
    return own + exact + dataset_modified(topic.value, exact, modified)


def _value(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal) and term.datatype == ox.NamedNode(str(XSD.integer)):
        return int(term.value)
    return term.value


def versions(records: Records, record_id: str) -> dict[str, Any]:
    """Return a record's versions (oldest first) and its audit trail; NotFound if none."""
    record = records.layout.record_for_id(record_id)
    rows = records.store.query(query("record_versions"), {"record": ox.NamedNode(record)})
    listed = [
        {
            "number": _value(row["number"]),
            "iri": _value(row["version"]),
            "issued": _value(row["issued"]),
            "submittedBy": _value(row["by"]),
            "agent": _value(row["agent"]),
            "wasRevisionOf": _value(row["previous"]),
        }
        for row in rows  # type: ignore[union-attr]
    ]
    if not listed:
        raise NotFound(f"There is no record {record_id!r} in this catalogue.")
    events = records.store.query(
        query("record_history"), {"history": ox.NamedNode(history_iri(record))}
    )
    trail = [
        {
            "action": _value(row["action"]),
            "time": _value(row["time"]),
            "submittedBy": _value(row["by"]),
            "agent": _value(row["agent"]),
            "version": _value(row["version"]),
        }
        for row in events  # type: ignore[union-attr]
    ]
    state = read_state(records, record)
    return {"record": record, "withdrawn": state.withdrawn, "versions": listed, "history": trail}


def version(records: Records, record_id: str, number: int) -> list[ox.Triple]:
    """Return the description accepted as version ``number`` (as submitted, re-parsed)."""
    triples = described(records.store, version_iri(records.layout.record_for_id(record_id), number))
    if triples is None:
        raise NotFound(f"The record {record_id!r} has no version {number}.")
    return triples


def _line(triple: ox.Triple) -> str:
    """A triple as a reader sees it: compact IRIs, quoted literals, ``_:`` for blank nodes."""
    terms = (triple.subject, triple.predicate, triple.object)
    words = [compact(t.value) if isinstance(t, ox.NamedNode) else str(t) for t in terms]
    return " ".join(words) + " ."


def diff(records: Records, record_id: str, first: int, second: int) -> dict[str, list[str]]:
    """Return the triples removed and added from version ``first`` to ``second``.

    Blank nodes are compared by structure (canonical labels, ``rdf.canonical``: bounded in
    cost like the digest), so an unchanged nested distribution does not show up as removed
    and added.
    """
    old = Counter(canonical(version(records, record_id, first)).triples)
    new = Counter(canonical(version(records, record_id, second)).triples)
    return {
        "removed": sorted(_line(t) for t in (old - new).elements()),
        "added": sorted(_line(t) for t in (new - old).elements()),
    }


def since_literal(text: str | None) -> ox.Literal:
    """Parse ``modified_since`` (an ISO 8601 date or date-time, UTC if no offset)."""
    if not text:
        text = "0001-01-01"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RegistryError(
            f"modified_since={text!r} is not an ISO 8601 date or date-time "
            "(e.g. 2026-01-31 or 2026-01-31T12:00:00Z)."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return ox.Literal(moment.isoformat(), datatype=ox.NamedNode(str(XSD.dateTime)))


def listing(
    records: Records, provider: str | None, modified_since: str | None
) -> list[dict[str, Any]]:
    """Return records (withdrawn ones as tombstones) changed since a moment, by provider."""
    bindings: dict[str, Any] = {"since": since_literal(modified_since)}
    if provider:
        try:
            bindings["provider"] = ox.NamedNode(provider)
        except ValueError:
            raise RegistryError(f"provider={provider!r} is not an agent IRI.") from None
    rows = records.store.query(query("record_list"), bindings)
    return [
        {
            "id": row["record"].value.rsplit("/", 1)[1],
            "record": row["record"].value,
            "topic": row["topic"].value,
            "modified": row["modified"].value,
            "provider": row["provider"].value,
            "version": _value(row["version"]),
            "withdrawn": row["withdrawn"] is not None,
        }
        for row in rows  # type: ignore[union-attr]
    ]


def for_editing(records: Records, record_id: str) -> tuple[list[ox.Triple], str]:
    """Return the current description as accepted and its entity tag: what an editor starts
    from, and sends back as ``If-Match`` so that a change made meanwhile is not overwritten."""
    found = current(records, record_id)
    return version(records, record_id, found.state.version), found.state.etag

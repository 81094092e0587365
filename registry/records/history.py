"""Reading records and their history: the current version, every earlier version, the
difference between two versions, the audit trail and the list harvesters sync from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import XSD

from registry.errors import Gone, NotFound, RegistryError
from registry.queries import query
from registry.rdf import formats
from registry.rdf.namespaces import CIR, compact
from registry.records.facade import Records
from registry.records.layout import history_iri, version_iri
from registry.records.write import RecordState, read_state


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
    if state.withdrawn:
        raise Gone(
            f"The record {record_id} was withdrawn; its versions stay readable.",
            withdrawn=record_id,
        )
    return Current(records.store.graph_triples(record), state)


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
    graph = version_iri(records.layout.record_for_id(record_id), number)
    node = ox.NamedNode(graph)
    for triple in records.store.graph_triples(graph):
        if triple.subject == node and triple.predicate == ox.NamedNode(str(CIR.description)):
            text = triple.object.value.encode("utf-8")  # type: ignore[union-attr]
            return list(q.triple for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES))
    raise NotFound(f"The record {record_id!r} has no version {number}.")


def _line(triple: tuple[Any, Any, Any]) -> str:
    """A triple as a reader sees it: compact IRIs, quoted literals, ``_:`` for blank nodes."""
    words = []
    for term in triple:
        text = term.n3()
        words.append(compact(str(term)) if text.startswith("<") else text)
    return " ".join(words) + " ."


def diff(records: Records, record_id: str, first: int, second: int) -> dict[str, list[str]]:
    """Return the triples removed and added from version ``first`` to ``second``.

    Blank nodes are compared by structure (canonical labels), so an unchanged nested
    distribution does not show up as removed and added.
    """
    old = to_isomorphic(formats.to_rdflib(version(records, record_id, first)))
    new = to_isomorphic(formats.to_rdflib(version(records, record_id, second)))
    _, removed, added = graph_diff(old, new)
    return {
        "removed": sorted(_line(t) for t in removed),
        "added": sorted(_line(t) for t in added),
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

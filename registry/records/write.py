"""Writing records: every create, replace and withdraw goes through ``write_record`` or
``withdraw_record`` and ends in ``commit``: one store transaction holding the current record
graph, the new immutable version graph, the history event and the change-log entry.

``commit`` announces each written record to the listeners subscribed on ``Records`` (the
search index's sync, say), after the store transaction, the source of truth.

The current graph holds the description and its ``dcat:CatalogRecord`` (issued, modified,
the provider it is attributed to, the current version). Version N is written once: who,
when, ``prov:wasRevisionOf`` the version before, and the description itself as one
N-Triples literal. As a literal, an old version's facts stay out of the union default graph
that pages and SPARQL read, so a replaced title or a withdrawn dataset never answers a
query as if current. The history graph holds one ``prov:Activity`` per accepted write.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, XSD

from registry.errors import (
    Conflict,
    Forbidden,
    Gone,
    NotFound,
    PreconditionFailed,
    TangledBlankNodes,
    WriteRaced,
)
from registry.rdf.canonical import DIGEST_PREFIX, canonical
from registry.rdf.formats import oxigraph_iri as _iri
from registry.rdf.namespaces import CIR
from registry.records.audit import OPERATOR, Author
from registry.records.facade import Records
from registry.records.layout import CATALOG_RECORD, history_iri, record_facts, version_iri
from registry.store import changelog
from registry.store.interface import Store, Term

DESCRIPTION = ox.NamedNode(str(CIR.description))
MODIFIED = ox.NamedNode(str(DCTERMS.modified))


@dataclass(frozen=True)
class RecordState:
    """What the current graph says of a record before a write."""

    exists: bool
    withdrawn: bool = False
    version: int = 0
    owner: str | None = None
    digest: str | None = None
    issued: Term | None = None
    harvested_from: str | None = None
    """The harvest source the record came from (None: a provider's or the operator's own)."""

    @property
    def etag(self) -> str:
        """The entity tag of the current version (quoted, as HTTP writes it)."""
        return f'"{self.version}{"-withdrawn" if self.withdrawn else ""}"'


@dataclass(frozen=True)
class Change:
    """What a description asks to store, checked and identified (see ``submission``)."""

    topic: URIRef
    kind: str
    """``dataset``, ``agent`` or ``catalog`` (the registry's own description)."""
    triples: list[ox.Triple]
    digest: str
    owner: str | None
    """The agent the record is attributed to: the dataset's publisher, or the agent itself."""
    about_record: tuple[tuple[ox.NamedNode, Term], ...] = ()
    """More (predicate, object) pairs about the ``dcat:CatalogRecord``: a harvested record's
    provenance (``records.harvested``)."""


@dataclass(frozen=True)
class Written:
    """The outcome of a write: the record, its version, and whether anything changed."""

    record_id: str
    record: str
    version: int
    changed: bool
    created: bool = False

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


def read_state(records: Records, record: str) -> RecordState:
    """Return the current state of a record (``exists`` false if it was never written)."""
    facts = record_facts(records.store.graph_triples(records.layout.current_graph(record)), record)
    if not facts:
        return RecordState(exists=False)
    number, owner = facts.get(str(CIR.versionNumber)), facts.get(str(PROV.wasAttributedTo))
    digest = facts.get(str(CIR.descriptionDigest))
    source = facts.get(str(CIR.harvestedFrom))
    return RecordState(
        exists=True,
        withdrawn=str(CIR.withdrawn) in facts,
        version=int(number.value) if isinstance(number, ox.Literal) else 0,
        owner=owner.value if isinstance(owner, ox.NamedNode) else None,
        digest=digest.value if isinstance(digest, ox.Literal) else None,
        issued=facts.get(str(DCTERMS.issued)),
        harvested_from=source.value if isinstance(source, ox.NamedNode) else None,
    )


def described(store: Store, version: str) -> list[ox.Triple] | None:
    """Return the description accepted as the version graph ``version``, triple for triple as
    submitted; None if that graph keeps none."""
    text = description_text(store, version)
    if text is None:
        return None
    # Lenient: the registry serialised these triples itself from a parsed description,
    # so their IRIs need no second check (parsing is a third faster).
    quads = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, lenient=True)
    return [quad.triple for quad in quads]


def description_text(store: Store, version: str) -> str | None:
    """Return the description accepted as the version graph ``version`` as the registry keeps
    it: N-Triples, one triple a line, sorted (``commit``); None if that graph keeps none.

    Documents that carry descriptions whole (the feed, the dump) copy these lines as they are
    instead of parsing and serialising them again.
    """
    found = store.objects(version, DESCRIPTION.value, version)
    return found[0].value if found and isinstance(found[0], ox.Literal) else None


def unchanged(records: Records, record: str, state: RecordState, change: Change) -> bool:
    """Whether the record's current version holds ``change``'s description already.

    A digest without ``DIGEST_PREFIX`` was made by rdflib's ``to_isomorphic`` before the
    canonical form changed: it stays on its record (the search index's stamps use it), and
    the stored description is digested anew when a write needs the comparison.
    """
    if not state.exists or state.withdrawn or state.digest is None:
        return False
    if state.digest.startswith(DIGEST_PREFIX):
        return state.digest == change.digest
    stored = described(records.store, version_iri(record, state.version))
    try:
        return stored is not None and canonical(stored).digest == change.digest
    except TangledBlankNodes:  # stored before the bound: not the (bounded) description sent
        return False


def _when(now: datetime, timespec: str = "seconds") -> ox.Literal:
    return ox.Literal(now.isoformat(timespec=timespec), datatype=_iri(XSD.dateTime))


def _record_meta(
    records: Records, record: str, change: Change, state: RecordState, number: int, now: datetime
) -> list[ox.Triple]:
    """The ``dcat:CatalogRecord`` of the current version; only datasets are listed."""
    rec, modified = _iri(record), _when(now)
    triples = [
        ox.Triple(rec, _iri(RDF.type), _iri(DCAT.CatalogRecord)),
        ox.Triple(rec, _iri(FOAF.primaryTopic), _iri(change.topic)),
        ox.Triple(rec, _iri(DCTERMS.issued), state.issued or modified),
        ox.Triple(rec, _iri(DCTERMS.modified), modified),
        ox.Triple(rec, _iri(DCTERMS.conformsTo), _iri(records.shapes.profile_iri)),
        ox.Triple(rec, _iri(CIR.descriptionDigest), ox.Literal(change.digest)),
        ox.Triple(
            rec, _iri(CIR.versionNumber), ox.Literal(str(number), datatype=_iri(XSD.integer))
        ),
        ox.Triple(rec, _iri(CIR.currentVersion), ox.NamedNode(version_iri(record, number))),
    ]
    if change.owner:
        triples.append(ox.Triple(rec, _iri(PROV.wasAttributedTo), ox.NamedNode(change.owner)))
    triples.extend(ox.Triple(rec, predicate, value) for predicate, value in change.about_record)
    if change.kind == "dataset":
        catalog = _iri(records.catalog_iri)
        triples.append(ox.Triple(catalog, _iri(DCAT.record), rec))
        triples.append(ox.Triple(catalog, _iri(DCAT.dataset), _iri(change.topic)))
        triples.extend(dataset_modified(str(change.topic), change.triples, modified))
    return triples


def dataset_modified(
    topic: str, description: list[ox.Triple], modified: Term | None
) -> list[ox.Triple]:
    """The registry's ``dct:modified`` of a dataset: when its record last changed
    (``modified``, the record's own), unless the description gives the dataset one itself.

    A provider's own date is the dataset's story and is kept as it is; the registry only
    fills the gap, so DCAT readers (and SPARQL) find when every dataset last changed. Empty
    for a description that gives its own or a ``modified`` that is no literal. Every
    published form adds it the same way (``published``, ``with_modified``)."""
    node = ox.NamedNode(topic)
    if not isinstance(modified, ox.Literal):
        return []
    if any(t.subject == node and t.predicate == MODIFIED for t in description):
        return []
    return [ox.Triple(node, MODIFIED, modified)]


def with_modified(topic: str, description: str, modified: Term | None) -> str:
    """``dataset_modified`` for a description kept as N-Triples text (one triple a line, as
    versions keep it): the text with the stamp's line after it, or as it is for a
    description that is no dataset's or gives its own date. Documents that copy
    descriptions as text (the feed, the dump) add it without parsing them."""
    subject = f"<{topic}> "
    dataset = f"{subject}<{RDF.type}> <{DCAT.Dataset}> ."
    if not isinstance(modified, ox.Literal) or dataset not in description:
        return description
    if f"{subject}<{DCTERMS.modified}> " in description:
        return description
    return f"{description.rstrip()}\n{subject}<{DCTERMS.modified}> {modified} ."


def is_modified_stamp(triple: ox.Triple, topic: str, stamps: set[Term]) -> bool:
    """Whether ``triple`` is the registry's ``dct:modified`` of ``topic`` in a record read
    back: the dataset's date equal to the record's (``stamps``, the ``dct:modified`` values
    the document gives the record). Sent back with PUT, it is set aside like the record's
    own statements, so a description read and returned is unchanged and never freezes the
    registry's date into a provider's own."""
    return (
        triple.subject == ox.NamedNode(topic)
        and triple.predicate == MODIFIED
        and (triple.object in stamps)
    )


def is_record_statement(triple: ox.Triple, record: str, catalog: str, topic: str) -> bool:
    """Whether ``triple`` is one the registry writes itself in ``record``'s graph
    (``_record_meta``): about the ``dcat:CatalogRecord``, or the catalogue's link to it or to
    its ``topic``.

    A published record carries these beside the description; ``history.published`` keeps
    them apart from it, and a description sent back with them has them set aside.
    """
    rec = ox.NamedNode(record)
    if triple.subject == rec:
        return True
    links = {(_iri(DCAT.record), rec), (_iri(DCAT.dataset), ox.NamedNode(topic))}
    return triple.subject == ox.NamedNode(catalog) and (triple.predicate, triple.object) in links


def _version_triples(
    record: str, change: Change, number: int, author: Author, now: datetime
) -> list[ox.Triple]:
    """Version ``number``: its provenance and the description, written once."""
    node = ox.NamedNode(version_iri(record, number))
    lines = sorted(
        (ox.serialize(change.triples, format=ox.RdfFormat.N_TRIPLES) or b"").splitlines()
    )
    triples = [
        ox.Triple(node, _iri(RDF.type), _iri(PROV.Entity)),
        ox.Triple(node, _iri(DCTERMS.isVersionOf), ox.NamedNode(record)),
        ox.Triple(
            node, _iri(CIR.versionNumber), ox.Literal(str(number), datatype=_iri(XSD.integer))
        ),
        ox.Triple(node, _iri(DCTERMS.issued), _when(now)),
        ox.Triple(node, _iri(CIR.submittedBy), ox.Literal(author.name)),
        ox.Triple(node, _iri(CIR.descriptionDigest), ox.Literal(change.digest)),
        ox.Triple(node, _iri(CIR.description), ox.Literal(b"\n".join(lines).decode("utf-8"))),
    ]
    if author.agent:
        triples.append(ox.Triple(node, _iri(PROV.wasAttributedTo), ox.NamedNode(author.agent)))
    if number > 1:
        previous = ox.NamedNode(version_iri(record, number - 1))
        triples.append(ox.Triple(node, _iri(PROV.wasRevisionOf), previous))
    return triples


def _event(record: str, action: str, author: Author, number: int, now: datetime) -> list[ox.Triple]:
    """One audit event of the record's history, kept in its history graph."""
    node = ox.NamedNode(
        f"{history_iri(record)}/{now.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"
    )
    triples = [
        ox.Triple(node, _iri(RDF.type), _iri(PROV.Activity)),
        ox.Triple(node, _iri(CIR.action), ox.Literal(action)),
        # Microseconds: the trail is ordered by time, and writes can follow within a second.
        ox.Triple(node, _iri(PROV.endedAtTime), _when(now, "microseconds")),
        ox.Triple(node, _iri(CIR.submittedBy), ox.Literal(author.name)),
        ox.Triple(node, _iri(PROV.used), ox.NamedNode(version_iri(record, number))),
    ]
    if author.agent:
        triples.append(ox.Triple(node, _iri(PROV.wasAssociatedWith), ox.NamedNode(author.agent)))
    return triples


Precondition = Callable[[RecordState], None]
T = TypeVar("T")


def record_graphs(
    records: Records, change: Change, state: RecordState, author: Author, now: datetime
) -> tuple[dict[str, list[ox.Triple]], dict[str, list[ox.Triple]]]:
    """Return the graphs a write of ``change`` over ``state`` replaces (the current record,
    the new version) and appends to (the history)."""
    record = records.record_iri(records.layout.record_id_for(str(change.topic)))
    number = state.version + 1
    action = "replace" if state.exists and not state.withdrawn else "create"
    current = records.layout.current_graph(record)
    replace = {
        current: change.triples + _record_meta(records, record, change, state, number, now),
        version_iri(record, number): _version_triples(record, change, number, author, now),
    }
    return replace, {history_iri(record): _event(record, action, author, number, now)}


def commit(
    records: Records,
    replace: dict[str, list[ox.Triple]],
    append: dict[str, list[ox.Triple]],
    event: changelog.Event,
    latest: changelog.Change | None,
) -> changelog.Change:
    """Write a record change: the one call every create, replace and withdraw goes through.

    The store transaction comes first and is the source of truth: it holds the record's
    graphs and ``event``'s entry in the change log, numbered after ``latest``, the head the
    caller read before the record's state. Callers hold ``records.writing``, and the write
    is conditional on the head still being ``latest`` (``ChangeLog.guard``), so no other
    write, in this process or another, can take the number or change the state the caller
    checked: if one did, nothing is written (``WriteRaced``) and the caller reads again. If
    the transaction fails, the number is taken by the next write, so the log has no gap.
    Then the listeners hear of each record's new current graph in ``replace`` (a tombstone
    has no ``dcat:Dataset``), in store order. A crash between the two is healed by the
    listener's own reconciliation (the search index reconciles with the store when the
    registry opens).
    """
    change = records.changes.number(event, latest)
    log_replace, log_append = records.changes.graphs([change])
    guard = records.changes.guard(latest, change)
    records.store.write_graphs({**replace, **log_replace}, {**append, **log_append}, guard)
    for graph, triples in replace.items():
        record_id = records.layout.record_id_of(graph)
        if record_id is not None:  # the current graph, not a version
            records.announce(record_id, triples)
    return change


RACES = 5
"""Times a write reads again after losing a race to a writer that does not share its lock."""


def in_turn(records: Records, write: Callable[[changelog.Change | None], T]) -> T:
    """Run ``write`` under the writers' lock with the change log's head read first; read
    again and retry if another writer got in between (``WriteRaced``)."""
    for attempt in range(RACES):
        with records.writing:
            try:
                return write(records.changes.latest_change())
            except WriteRaced:
                if attempt == RACES - 1:
                    raise
    raise AssertionError("unreachable")


def write_record(
    records: Records,
    change: Change,
    author: Author = OPERATOR,
    precondition: Precondition = lambda state: None,
    now: datetime | None = None,
) -> Written:
    """Store a checked description as the next version of its record, in one transaction.

    ``precondition`` sees the record's state under the write lock (so two writers cannot
    both pass it) and raises to refuse the write: create-only, ``If-Match``, ownership.
    An identical description writes nothing.
    """
    now = now or datetime.now(UTC)
    record_id = records.layout.record_id_for(str(change.topic))
    record = records.record_iri(record_id)

    def write(latest: changelog.Change | None) -> Written:
        state = read_state(records, record)
        precondition(state)
        if unchanged(records, record, state, change):
            return Written(record_id, record, state.version, changed=False)
        number = state.version + 1
        created = not state.exists or state.withdrawn
        event = changelog.Event(
            "create" if created else "update", str(change.topic), record_id, number, now
        )
        commit(records, *record_graphs(records, change, state, author, now), event, latest)
        return Written(record_id, record, number, changed=True, created=created)

    written = in_turn(records, write)
    if written.changed:
        action = "create" if written.created else "replace"
        records.audit.log(author, action, record_id, str(change.topic), written.version, "accepted")
    return written


def withdraw_record(
    records: Records,
    record_id: str,
    author: Author = OPERATOR,
    precondition: Precondition = lambda state: None,
    now: datetime | None = None,
) -> RecordState:
    """Replace a record by a tombstone that keeps its history; return the state before."""
    now = now or datetime.now(UTC)
    record = records.layout.record_for_id(record_id)
    if record_id == CATALOG_RECORD:
        raise Forbidden("The catalogue's own description cannot be withdrawn; replace it.")

    def withdraw(latest: changelog.Change | None) -> tuple[RecordState, str | None]:
        state = read_state(records, record)
        if not state.exists:
            raise NotFound(f"There is no record {record_id!r} in this catalogue.")
        if state.withdrawn:
            raise Gone(f"The record {record_id} is already withdrawn.")
        precondition(state)
        tombstone, topic = _tombstone(records, record, now)
        commit(
            records,
            replace={record: tombstone},
            append={history_iri(record): _event(record, "withdraw", author, state.version, now)},
            event=changelog.Event("delete", topic or record, record_id, state.version, now),
            latest=latest,
        )
        return state, topic

    state, topic = in_turn(records, withdraw)
    records.audit.log(author, "withdraw", record_id, topic, state.version, "accepted")
    return state


def _tombstone(records: Records, record: str, now: datetime) -> tuple[list[ox.Triple], str | None]:
    """What a withdrawn record's current graph keeps (who, what, which version, when), and
    the IRI of the dataset it described."""
    facts = record_facts(records.store.graph_triples(record), record)
    rec = ox.NamedNode(record)
    kept = [str(RDF.type), str(FOAF.primaryTopic), str(DCTERMS.issued), str(PROV.wasAttributedTo)]
    kept += [str(CIR.versionNumber), str(CIR.currentVersion), str(CIR.harvestedFrom)]
    tombstone = [ox.Triple(rec, ox.NamedNode(p), facts[p]) for p in kept if p in facts]
    tombstone += [
        ox.Triple(rec, _iri(DCTERMS.modified), _when(now)),
        ox.Triple(rec, _iri(CIR.withdrawn), _when(now)),
    ]
    topic = facts.get(str(FOAF.primaryTopic))
    return tombstone, topic.value if isinstance(topic, ox.NamedNode) else None


def may_create(provider: str | None, record_id: str | None = None) -> Precondition:
    """POST: the record must not exist (a withdrawn one of the same provider may return).
    A refusal names the existing record (``record_id``, its version) for the web layer to
    link."""

    def check(state: RecordState) -> None:
        refuse_harvested(state)
        if state.exists and state.owner and provider and state.owner != provider:
            raise Conflict(
                f"This dataset is registered by another provider (<{state.owner}>).",
                id=record_id,
            )
        if state.exists and not state.withdrawn:
            raise Conflict(
                f"This dataset is already registered as record {record_id} (version "
                f"{state.version}): replace it with PUT, If-Match: {state.etag}."
                if record_id
                else "This dataset is already registered: replace it with PUT.",
                id=record_id,
                version=state.version,
            )

    return check


def may_change(provider: str | None, if_match: str | None) -> Precondition:
    """PUT and DELETE: the record exists, is the provider's own and matches ``If-Match``."""

    def check(state: RecordState) -> None:
        if not state.exists:
            raise NotFound("There is no such record; create it with POST /api/records.")
        refuse_harvested(state)
        if provider and state.owner != provider:
            raise Forbidden("This record belongs to another provider.")
        if state.withdrawn:
            raise Gone("This record was withdrawn; create it again with POST /api/records.")
        if if_match is not None and if_match.strip() not in (state.etag, "*"):
            raise PreconditionFailed(
                f"The record changed since you read it (If-Match {if_match.strip()}, current "
                f"{state.etag}); read it again and reapply your change."
            )

    return check


def refuse_harvested(state: RecordState) -> None:
    """A harvested record follows its source: a provider's write would be undone by the next
    run, so it is refused (the source, or removing it, changes the record)."""
    if state.harvested_from:
        raise Conflict(
            f"This record is harvested from <{state.harvested_from}>; change it at its source."
        )


class RecordKept(Conflict):
    """A sample not loaded because its record exists: the store's version is kept."""

    title = "Record kept"

    def __init__(self, state: RecordState) -> None:
        withdrawn = ", withdrawn" if state.withdrawn else ""
        super().__init__(
            f"the store's version {state.version}{withdrawn} differs from this sample and "
            "is kept: a sample never replaces a record (registry load does, on purpose)",
            version=state.version,
        )
        self.state = state
        self.audited = True  # not a refused write to log: nothing was asked but a start


def never_replace(state: RecordState) -> None:
    """Precondition of a sample write: the record must not exist (withdrawn or not), unless
    it is the new store's default catalogue description (version 1, which no provider owns:
    only the catalogue's record has no owner)."""
    default_catalogue = state.owner is None and state.version == 1 and not state.withdrawn
    if state.exists and not default_catalogue:
        raise RecordKept(state)

"""The write use case: parse -> validate -> identify the dataset -> add the record -> store.

No Flask here; the CLI and the tests call ``submit``; the API and the web form call
``publish``, a provider writing its own record. Authorisation follows the description: the
dataset's ``dct:publisher`` (or the agent an agent description is about) must be the
token's agent, and the record must not belong to another provider. A description that
fails with a Violation raises before the store is touched, so a rejection changes nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from registry.errors import (
    Conflict,
    DatasetNotFound,
    Forbidden,
    InvalidDescription,
    RegistryError,
)
from registry.profile.validation import Report, Shapes
from registry.rdf import formats
from registry.rdf.canonical import canonical
from registry.rdf.formats import RdfSyntax
from registry.rdf.iris import normal_iri, normalised
from registry.rdf.limits import DescriptionLimits
from registry.records.accounts import Provider
from registry.records.agents import agent_descriptions, cited_iris
from registry.records.audit import OPERATOR, Author
from registry.records.facade import Records
from registry.records.foreign import Describers, refuse_foreign_subjects
from registry.records.layout import record_id_for
from registry.records.write import (
    MODIFIED,
    Change,
    Precondition,
    Written,
    is_modified_stamp,
    is_record_statement,
    may_change,
    may_create,
    write_record,
)


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


def digest(triples: Iterable[ox.Triple]) -> str:
    """Return a fingerprint of a description that ignores blank-node labels and triple order.

    Kept on the record because the store normalises some literals (``xsd:nonNegativeInteger``
    comes back as ``xsd:integer``), so stored triples cannot be compared with submitted ones.
    Its cost is bounded (``rdf.canonical``); rdflib's ``to_isomorphic``, used before, was
    exponential in alike blank nodes.
    """
    return canonical(triples).digest


@dataclass(frozen=True)
class Checked:
    """A description that parsed, conforms and names its topic: ready to store."""

    triples: list[ox.Triple]
    graph: Graph
    topic: Topic
    report: Report


@dataclass(frozen=True)
class Prepared:
    """A description parsed, its topic found, with what it cites: ready to validate."""

    triples: list[ox.Triple]
    graph: Graph
    topic: Topic
    known: Graph


def prepare(
    data: bytes,
    syntax: RdfSyntax,
    catalog: str,
    known: Callable[[list[ox.Triple]], Graph] = lambda triples: Graph(),
    record_of: Callable[[str], str] | None = None,
    limits: DescriptionLimits | None = None,
) -> Prepared:
    """Parse and identify the topic (``check`` without the validation); raise the first
    reason the description cannot be stored. ``limits`` bound its size before anything else
    (the defaults if not given)."""
    base = catalog.rsplit("/", 1)[0] + "/"
    parsed = formats.parse(data, syntax, base_iri=base, limits=limits or DescriptionLimits())
    triples = normalised(parsed)  # the spellings of one IRI name one record
    graph = formats.to_rdflib(triples)
    topic = find_topic(graph, catalog)  # first: "two datasets" explains many violations
    if record_of is not None and topic.kind != "catalog":
        record = record_of(str(topic.iri))
        node, topic_iri = ox.NamedNode(record), str(topic.iri)
        stamps = {t.object for t in triples if t.subject == node and t.predicate == MODIFIED}
        described = [
            t
            for t in triples
            if not is_record_statement(t, record, catalog, topic_iri)
            and not is_modified_stamp(t, topic_iri, stamps)
        ]
        if len(described) < len(triples):
            triples, graph = described, formats.to_rdflib(described)
    return Prepared(triples, graph, topic, known(triples))


def verdict(prepared: Prepared, report: Report) -> Checked:
    """The prepared description as checked, or ``InvalidDescription`` if it does not conform."""
    if not report.conforms:
        raise InvalidDescription(report)
    return Checked(prepared.triples, prepared.graph, prepared.topic, report)


def check(
    shapes: Shapes,
    data: bytes,
    syntax: RdfSyntax,
    catalog: str,
    known: Callable[[list[ox.Triple]], Graph] = lambda triples: Graph(),
    record_of: Callable[[str], str] | None = None,
    limits: DescriptionLimits | None = None,
) -> Checked:
    """Parse, validate and identify the topic; raise the first reason it cannot be stored.

    ``known`` returns descriptions the registry already holds of what the document cites
    (its registered agents): they are validated with it, never stored with it. Relative
    IRIs resolve against the catalogue's base, so ``<catalog>`` names the catalogue.
    ``record_of`` returns the IRI of a topic's record: the statements the registry writes
    about that record, which a record read back carries, are set aside (it writes them
    again), and so is the dataset's ``dct:modified`` the registry added (the one equal to the
    record's, ``write.is_modified_stamp``), so a record read with GET can be sent back with
    PUT as it is. ``limits`` bound its size before anything else (the defaults if not
    given).
    """
    prepared = prepare(data, syntax, catalog, known, record_of, limits)
    return verdict(prepared, shapes.validate(prepared.graph, prepared.known))


def change_for(
    records: Records, checked: Checked, describers: Describers | None = None
) -> Change:
    """Return what a checked dataset or agent description would store, after refusing
    statements about other records' subjects (``describers``: the store's answer for the
    batch it belongs to, which learns that the record may now be written)."""
    topic, graph = checked.topic, checked.graph
    record = records.record_iri(record_id_for(str(topic.iri)))
    refuse_foreign_subjects(records, checked.triples, record, str(topic.iri), describers)
    if describers is not None:
        describers.writing(record, checked.triples, str(topic.iri))
    if topic.kind == "dataset":
        publishers = sorted(str(o) for o in graph.objects(topic.iri, DCTERMS.publisher))
        owner = publishers[0] if publishers else None
    else:
        owner = str(topic.iri)
    return Change(topic.iri, topic.kind, checked.triples, digest(checked.triples), owner)


@contextmanager
def refusals_audited(
    records: Records, author: Author, action: str, record_id: str | None = None
) -> Iterator[None]:
    """Log a write refused inside the block (accepted writes are logged by ``write``)."""
    try:
        yield
    except RegistryError as error:
        if not error.audited:
            records.audit.log(author, action, record_id, None, None, "refused", error.status)
            error.audited = True
        raise


def catalog_change(triples: list[ox.Triple], catalog: URIRef) -> Change:
    """The catalogue's own description as a record change (the operator's; no owner)."""
    return Change(catalog, "catalog", triples, digest(triples), None)


def submit(
    records: Records,
    data: bytes,
    syntax: RdfSyntax,
    now: datetime | None = None,
    author: Author = OPERATOR,
    precondition: Precondition = lambda state: None,
) -> Accepted:
    """Store a conforming description as (the new version of) its topic's record; a refusal
    is audited. ``precondition`` may refuse the write on the record's state (samples:
    ``write.never_replace``)."""
    with refusals_audited(records, author, "submit"):
        return store(records, check_for(records, data, syntax), author, now, precondition)


def store(
    records: Records,
    checked: Checked,
    author: Author = OPERATOR,
    now: datetime | None = None,
    precondition: Precondition = lambda state: None,
    describers: Describers | None = None,
) -> Accepted:
    """Write a checked description as its topic's record (the catalogue's, or a dataset's
    or agent's after refusing statements about other records' subjects). ``precondition``
    may refuse the write on the record's state (samples: ``write.never_replace``);
    ``describers`` is the store's answer about the subjects of the batch it belongs to."""
    topic = checked.topic
    if topic.kind == "catalog":
        catalog = records.catalog_iri
        refuse_foreign_subjects(records, checked.triples, catalog, str(topic.iri), describers)
        if describers is not None:
            describers.writing(catalog, checked.triples, str(topic.iri))
        change = catalog_change(checked.triples, topic.iri)
    else:
        change = change_for(records, checked, describers)
    written = write_record(records, change, author, precondition, now=now)
    return Accepted(
        written.record_id, written.record, str(topic.iri), checked.report, written.changed
    )


def check_many(
    records: Records,
    documents: Sequence[tuple[bytes, RdfSyntax]],
    author: Author = OPERATOR,
) -> list[Checked | RegistryError]:
    """``check_for`` each document, validating them all in one call to the validators
    (split across their processes). Returns, per document, the checked description or the
    reason it was refused (audited, as ``submit`` audits); nothing is written."""
    prepared: list[Prepared | RegistryError] = []
    for data, syntax in documents:
        try:
            with refusals_audited(records, author, "submit"):
                prepared.append(prepare_for(records, data, syntax))
        except RegistryError as error:
            prepared.append(error)
    ready = [p for p in prepared if isinstance(p, Prepared)]
    try:
        reports: list[Report | RegistryError] = list(
            records.shapes.validate_many([(p.graph, p.known) for p in ready])
        )
    except RegistryError as error:  # a validator died: these documents were not checked
        reports = [error] * len(ready)
    found = iter(reports)
    outcomes: list[Checked | RegistryError] = []
    for item in prepared:
        if isinstance(item, RegistryError):
            outcomes.append(item)
            continue
        try:
            with refusals_audited(records, author, "submit"):
                report = next(found)
                if isinstance(report, RegistryError):
                    raise copy.copy(report)  # each document's refusal is audited
                outcomes.append(verdict(item, report))
        except RegistryError as error:
            outcomes.append(error)
    return outcomes


def prepare_for(records: Records, data: bytes, syntax: RdfSyntax) -> Prepared:
    """``prepare`` against this records: its catalogue and registered agents."""
    return prepare(
        data,
        syntax,
        records.catalog_iri,
        known=lambda triples: registered_agents(records, triples),
        record_of=lambda topic: records.record_iri(records.layout.record_id_for(topic)),
        limits=records.limits,
    )


def check_for(records: Records, data: bytes, syntax: RdfSyntax) -> Checked:
    """``check`` against this records: its shapes, catalogue and registered agents."""
    prepared = prepare_for(records, data, syntax)
    return verdict(prepared, records.shapes.validate(prepared.graph, prepared.known))


def registered_agents(records: Records, triples: list[ox.Triple]) -> Graph:
    """Return the stored descriptions of the agents ``triples`` cite without describing them."""
    return formats.to_rdflib(agent_descriptions(records.store, records.layout, cited_iris(triples)))


def refuse_outside_namespaces(provider: Provider, topic: Topic) -> None:
    """Refuse a dataset IRI outside the namespaces the operator gave the provider's account
    (an account without namespaces may claim any IRI, as before they existed)."""
    namespaces = [normal_iri(namespace) for namespace in provider.namespaces]
    if topic.kind != "dataset" or not namespaces or str(topic.iri).startswith(tuple(namespaces)):
        return
    raise Forbidden(
        f"Your account registers datasets under {', '.join(f'<{n}>' for n in namespaces)} "
        f"only, and <{topic.iri}> is not under them; ask the operator if your organisation "
        "uses another namespace."
    )


def publish(
    records: Records,
    provider: Provider,
    data: bytes,
    syntax: RdfSyntax,
    mode: str,
    record_id: str | None = None,
    if_match: str | None = None,
) -> tuple[Written, Report]:
    """Check a description and store it as ``provider``'s record.

    ``mode`` is ``create`` (POST), ``replace`` (PUT of ``record_id``, guarded by
    ``if_match``) or ``publish`` (the web form: a replace when it was opened from a record,
    guarded by that version's ``if_match``, else a create; so two editors never overwrite
    each other). A refusal is audited.
    """
    author = Author(provider.name, provider.agent)
    with refusals_audited(records, author, mode, record_id):
        checked = check_for(records, data, syntax)
        if checked.topic.kind == "catalog":
            raise Forbidden("The catalogue's description is the operator's; describe a dataset.")
        change = change_for(records, checked)
        refuse_outside_namespaces(provider, checked.topic)
        agent = normal_iri(provider.agent)  # as the description's IRIs are
        if change.owner != agent:
            raise Forbidden(
                f"Your token publishes as <{provider.agent}>, but this description's publisher is "
                f"<{change.owner}>: a provider may only submit its own datasets."
            )
        if record_id is not None and record_id_for(str(change.topic)) != record_id:
            raise Conflict(
                f"This description is about <{change.topic}>, whose record is "
                f"{record_id_for(str(change.topic))}, not {record_id}."
            )
        if mode == "replace" or (mode == "publish" and record_id and if_match):
            precondition = may_change(agent, if_match)
        else:
            precondition = may_create(agent, record_id_for(str(change.topic)))
        return write_record(records, change, author, precondition), checked.report

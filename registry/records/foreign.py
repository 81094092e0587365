"""Refusing statements about nodes a record does not own: a description speaks of its own
dataset and the nodes it introduces, never of registry IRIs, the catalogue, a vocabulary term,
or another record's dataset, agent or distribution.

Who else describes a description's subjects is one store question for a whole batch
(``Describers.ask``, one query for every subject of the batch): ``registry load`` and harvest
ask it before writing a batch's records one by one, and a single write asks it for its own
subjects. A record written meanwhile may change the answer for the subjects it describes (or
described): those are asked again when a later description of the batch makes statements
about them (``Describers.writing``), so each description gets the verdict it would get alone,
checked after the ones before it were written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib.namespace import DCAT

from registry.errors import DatasetNotFound, ForeignDataset, ForeignSubject
from registry.queries import query
from registry.rdf.formats import oxigraph_iri
from registry.records.facade import Records

LISTS = {oxigraph_iri(DCAT.record), oxigraph_iri(DCAT.dataset)}
CHUNK = 1000
"""Subjects asked about in one query (a batch of 64 descriptions cites about 600)."""


def named_subjects(triples: Iterable[ox.Triple]) -> list[str]:
    """The IRIs a description makes statements about, sorted."""
    return sorted({t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)})


def asked_subjects(records: Records, triples: list[ox.Triple], topic: str) -> list[str]:
    """The subjects of a description whose other describers decide its verdict: all but its
    topic (its record is the one its IRI names) and registry IRIs (refused as such)."""
    base = records.layout.base_iri
    return [s for s in named_subjects(triples) if s != topic and not s.startswith(base)]


@dataclass
class Describers:
    """Which graphs describe each subject of a batch of descriptions, as the store said when
    asked, asked again for a subject a write of the batch may have changed since."""

    records: Records
    graphs: dict[str, set[str]] = field(default_factory=dict)
    """Subject -> the named graphs that describe it (or whose record has it as topic)."""
    stale: set[str] = field(default_factory=set)
    """Subjects whose answer a write made since may have changed: asked again."""

    @classmethod
    def ask(
        cls, records: Records, descriptions: Iterable[tuple[list[ox.Triple], str]]
    ) -> Describers:
        """Ask about every subject of ``descriptions`` (triples and topic IRI each) at once."""
        subjects = {
            s for triples, topic in descriptions for s in asked_subjects(records, triples, topic)
        }
        describers = cls(records)
        describers._ask(sorted(subjects))
        return describers

    def _ask(self, subjects: list[str]) -> None:
        for subject in subjects:
            self.graphs[subject] = set()
            self.stale.discard(subject)
        for start in range(0, len(subjects), CHUNK):
            chunk = [ox.NamedNode(s) for s in subjects[start : start + CHUNK]]
            rows = self.records.store.query_each(query("described_subjects"), "subject", chunk)
            for row in rows:  # type: ignore[union-attr]
                self.graphs[row["subject"].value].add(row["other"].value)

    def others(self, subject: str, record: str) -> set[str]:
        """The graphs other than ``record``'s own that describe ``subject`` now."""
        if subject in self.stale or subject not in self.graphs:
            self._ask([subject])
        return self.graphs[subject] - {record}

    def writing(self, record: str, triples: list[ox.Triple], topic: str) -> None:
        """Note that ``record`` may be written with ``triples`` about ``topic``: who describes
        those subjects, and those the record described before, is asked again when needed."""
        self.stale.update(named_subjects(triples))
        self.stale.add(topic)
        self.stale.update(s for s, graphs in self.graphs.items() if record in graphs)


def refuse_foreign_subjects(
    records: Records,
    triples: list[ox.Triple],
    record: str,
    topic: str,
    describers: Describers | None = None,
) -> None:
    """Refuse statements about any node but ``topic`` and the nodes it reaches that no other
    record describes: never registry IRIs, the catalogue (unless it is the topic, the
    operator's description), a vocabulary concept, or another record's dataset, agent or
    distribution. (Another record's blank nodes cannot be named: every write is an INSERT
    DATA, whose blank nodes are fresh.) ``describers`` holds the store's answer for a batch
    this description belongs to; without it, the description's own subjects are asked.
    """
    base, catalog = records.layout.base_iri, records.catalog_iri
    subjects = named_subjects(triples)
    claimed = [s for s in subjects if s.startswith(base) and s != topic]
    if any(t.predicate in LISTS for t in triples):
        raise DatasetNotFound(
            "The description lists catalogue records or datasets (dcat:record, dcat:dataset); "
            "the registry writes those links itself when it stores each dataset."
        )
    if catalog in claimed:
        raise ForeignSubject(
            f"The description makes statements about the catalogue <{catalog}>; its "
            "description is the operator's. Describe your dataset under your own IRIs."
        )
    if claimed:
        raise DatasetNotFound(
            f"The description makes statements about registry IRIs ({', '.join(claimed[:3])}); "
            "those are written by the registry itself. Describe your dataset under your own IRIs."
        )
    if describers is None:
        describers = Describers.ask(records, [(triples, topic)])
    for subject in subjects:
        if subject == topic:
            continue
        others = describers.others(subject, record)
        if records.layout.vocabularies_graph in others:
            raise ForeignSubject(
                f"<{subject}> is a term of the registry's vocabularies; a description may "
                "cite it, not make statements about it."
            )
        if others:
            raise ForeignDataset(
                f"<{subject}> is described by another record; a description may only make "
                "statements about its own dataset and the nodes it introduces (cite a "
                "registered agent by its IRI instead of describing it again)."
            )
    stray = unreached(triples, topic)
    if stray:
        raise ForeignSubject(
            f"The description makes statements about {', '.join(stray[:3])}, which "
            f"<{topic}> does not link to; a record describes its dataset and the nodes it "
            "links to (its distributions, contact points...)."
        )


def unreached(triples: list[ox.Triple], topic: str) -> list[str]:
    """The subjects of ``triples`` not reached from ``topic`` by following statements."""
    links: dict[ox.NamedNode | ox.BlankNode | ox.Triple, list[ox.NamedNode | ox.BlankNode]] = {}
    for t in triples:
        nodes = links.setdefault(t.subject, [])
        if isinstance(t.object, ox.NamedNode | ox.BlankNode):
            nodes.append(t.object)
    start = ox.NamedNode(topic)
    reached: set[object] = {start}
    frontier: list[ox.NamedNode | ox.BlankNode] = [start]
    while frontier:
        for value in links.get(frontier.pop(), []):
            if value not in reached:
                reached.add(value)
                frontier.append(value)
    stray = {s for s in links if s not in reached}
    return sorted(f"<{s.value}>" if isinstance(s, ox.NamedNode) else "a blank node" for s in stray)

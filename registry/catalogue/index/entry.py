"""What the search index keeps of one record: read from the record graph's triples.

One function turns a record graph into an ``Entry`` (facets, numbers, texts, the listing
card, and the words of the concepts it cites, from the ``Thesaurus``); the index stores
entries and never reads RDF itself, so indexing a submission and rebuilding from the store
give the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from registry.catalogue.index.thesaurus import Thesaurus
from registry.rdf.namespaces import CIR, EUCAIM, HEALTHDCATAP

FACETS: dict[str, str] = {
    "condition": str(EUCAIM.hasCondition),
    "modality": str(EUCAIM.hasImageModality),
    "body_part": str(EUCAIM.hasImageBodyPart),
    "country": str(DCTERMS.spatial),
    "provider": str(DCTERMS.publisher),
    "access": str(DCTERMS.accessRights),
}
"""Facet name -> the dataset property whose IRI values it counts."""
ACCESS_CONDITION = "access_condition"
"""Facet of the distributions' ``dct:rights`` (download, in-situ, remote processing)."""
SEGMENTED = "segmented"
"""Facet "has segmentations": ``yes`` or ``no``."""
FACET_NAMES = (*FACETS, ACCESS_CONDITION, SEGMENTED)
CONCEPT_FACETS = frozenset(FACET_NAMES) - {"provider", SEGMENTED}
"""Facets whose values are vocabulary concepts: their words are searchable."""

NUMBERS = {
    "individuals": str(HEALTHDCATAP.numberOfUniqueIndividuals),
    "studies": str(HEALTHDCATAP.numberOfRecords),
    "min_age": str(HEALTHDCATAP.minTypicalAge),
    "max_age": str(HEALTHDCATAP.maxTypicalAge),
    "segmentations": str(EUCAIM.nbrOfSegmentations),
}
TEXTS = {"titles": str(DCTERMS.title), "descriptions": str(DCTERMS.description)}
KEYWORD, NAME = str(DCAT.keyword), str(FOAF.name)
TEMPORAL, START, END = str(DCTERMS.temporal), str(DCAT.startDate), str(DCAT.endDate)
DISTRIBUTION, RIGHTS = str(DCAT.distribution), str(DCTERMS.rights)
RDF_TYPE, DATASET, AGENT = str(RDF.type), str(DCAT.Dataset), str(FOAF.Agent)
TOPIC, MODIFIED, ISSUED = str(FOAF.primaryTopic), str(DCTERMS.modified), str(DCTERMS.issued)
DIGEST = str(CIR.descriptionDigest)
SUMMARY_CHARACTERS = 280
"""Descriptions are cut to this length on listing cards."""


@dataclass
class Entry:
    """One record as the index keeps it: a dataset (searchable) or an agent (names only)."""

    record_id: str
    kind: str
    """``dataset`` or ``agent``."""
    stamp: str
    """Digest and modification time of the record: equal stamps mean an up-to-date entry."""
    topic: str
    modified: str = ""
    issued: str = ""
    numbers: dict[str, int] = field(default_factory=dict)
    facets: list[tuple[str, str]] = field(default_factory=list)
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    """titles / descriptions / names: language tag -> text."""
    keywords: list[tuple[str, str]] = field(default_factory=list)
    """(language tag, keyword)."""
    concepts: list[tuple[str, str]] = field(default_factory=list)
    """(language tag, text): labels and notations of the cited concepts."""
    broader: list[tuple[str, str]] = field(default_factory=list)
    """(language tag, text): labels and notations of their broader concepts."""
    period: tuple[str, str] = ("", "")

    def card(self) -> dict[str, Any]:
        """Return what a listing shows of the record (stored as JSON beside the entry)."""
        descriptions = {
            language: text[:SUMMARY_CHARACTERS] + ("…" if len(text) > SUMMARY_CHARACTERS else "")
            for language, text in self.texts.get("descriptions", {}).items()
        }
        by_facet: dict[str, list[str]] = {}
        for name, value in self.facets:
            by_facet.setdefault(name, []).append(value)
        return {
            "id": self.record_id,
            "kind": self.kind,
            "topic": self.topic,
            "modified": self.modified,
            "issued": self.issued,
            "titles": self.texts.get("titles", {}),
            "names": self.texts.get("names", {}),
            "descriptions": descriptions,
            "facets": by_facet,
            "numbers": self.numbers,
            "period": list(self.period),
        }


def stamp_of(digest: str, modified: str) -> str:
    """The stamp both the store and the index can compute for a record.

    The time is normalised: the store writes ``+00:00`` back as ``Z``.
    """
    try:
        moment = datetime.fromisoformat(modified.replace("Z", "+00:00")).isoformat()
    except ValueError:
        moment = modified
    return f"{digest}|{moment}"


def read_entry(
    record_id: str, record: str, triples: list[ox.Triple], thesaurus: Thesaurus | None
) -> Entry | None:
    """Return the index entry of a record graph, or None if it is neither dataset nor agent.

    ``thesaurus`` gives the words of the concepts a dataset cites (None: none, for tests).
    """
    by_subject: dict[Any, list[ox.Triple]] = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, []).append(triple)
    facts = {t.predicate.value: _text(t.object) for t in by_subject.get(ox.NamedNode(record), [])}
    topic = facts.get(TOPIC)
    if topic is None:
        return None
    own = by_subject.get(ox.NamedNode(topic), [])
    types = {_text(t.object) for t in own if t.predicate.value == RDF_TYPE}
    kind = "dataset" if DATASET in types else "agent" if AGENT in types else None
    if kind is None:
        return None
    entry = Entry(
        record_id,
        kind,
        stamp_of(facts.get(DIGEST, ""), facts.get(MODIFIED, "")),
        topic,
        facts.get(MODIFIED, ""),
        facts.get(ISSUED, ""),
    )
    if kind == "agent":
        entry.texts["names"] = _texts(own, NAME)
        return entry
    _read_dataset(entry, own, by_subject)
    if thesaurus is not None:
        _read_concepts(entry, thesaurus)
    return entry


def _read_concepts(entry: Entry, thesaurus: Thesaurus) -> None:
    """The labels and notations of the cited concepts, then of their broader concepts."""
    cited = sorted({value for name, value in entry.facets if name in CONCEPT_FACETS})
    above = sorted({up for iri in cited for up in thesaurus.ancestors(iri)} - set(cited))
    entry.concepts = [pair for iri in cited for pair in thesaurus.concept(iri).labels]
    entry.broader = [pair for iri in above for pair in thesaurus.concept(iri).labels]


def _text(term: Any) -> str:
    """The lexical value of a literal or the IRI of a named node ("" for anything else)."""
    return term.value if isinstance(term, ox.Literal | ox.NamedNode) else ""


def _texts(triples: list[ox.Triple], predicate: str) -> dict[str, str]:
    return {
        t.object.language or "": t.object.value
        for t in triples
        if t.predicate.value == predicate and isinstance(t.object, ox.Literal)
    }


def _read_dataset(
    entry: Entry, own: list[ox.Triple], by_subject: dict[Any, list[ox.Triple]]
) -> None:
    by_facet = {predicate: name for name, predicate in FACETS.items()}
    by_number = {predicate: name for name, predicate in NUMBERS.items()}
    for triple in own:
        predicate, value = triple.predicate.value, triple.object
        if predicate in by_facet and isinstance(value, ox.NamedNode):
            entry.facets.append((by_facet[predicate], value.value))
        elif predicate in by_number and isinstance(value, ox.Literal):
            try:
                entry.numbers[by_number[predicate]] = int(value.value)
            except ValueError:
                continue  # an ill-typed count never reaches the store; skip rather than fail
        elif predicate == KEYWORD and isinstance(value, ox.Literal):
            entry.keywords.append((value.language or "", value.value))
        elif predicate == DISTRIBUTION:
            entry.facets.extend(
                (ACCESS_CONDITION, t.object.value)
                for t in by_subject.get(value, [])
                if t.predicate.value == RIGHTS and isinstance(t.object, ox.NamedNode)
            )
        elif predicate == TEMPORAL:
            period = {t.predicate.value: _text(t.object) for t in by_subject.get(value, [])}
            entry.period = (period.get(START, ""), period.get(END, ""))
    for name, predicate in TEXTS.items():
        entry.texts[name] = _texts(own, predicate)
    entry.facets = sorted(set(entry.facets))
    segmented = entry.numbers.get("segmentations", 0) > 0
    entry.facets.append((SEGMENTED, "yes" if segmented else "no"))

"""The change feed: DCAT-AP Feeds, a Linked Data Event Stream of Activity Streams activities.

DCAT-AP Feeds (https://semiceu.github.io/LDES-DCAT-AP-feeds/, section 1): each entry of the
change log (``store.changelog``) is one member of the ``ldes:EventStream`` ``<feed>``, an
``as:Create``, ``as:Update`` or ``as:Delete`` (a withdrawal) identified by an IRI, with
``as:object`` (the dataset, agent or catalogue IRI) and ``as:published`` (the time the log
gave the write), and nothing else: the spec's ``ActivityShape`` is closed. A create or
update carries the description as accepted (the version's own literal, see
``records.history.described``) in the named graph named by the activity, with the
dataset's ``dct:modified`` the registry adds when the description gives none
(``records.write.dataset_modified``).

Fragments (LDES, https://w3id.org/ldes/specification; TREE relations,
https://w3id.org/tree/specification): fragment n holds entries (n - 1) * size + 1 to
n * size. The stream's view is fragment 1; a full fragment links the next one with a
``tree:GreaterThanOrEqualToRelation`` on ``as:published`` whose value is the time of its own
last activity: the log's times never go backwards, so every later activity is at or after
it. A full fragment never changes again; the last one grows until it is full.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF, XSD

from registry.errors import NotFound
from registry.federation.graphs import Document, scoped
from registry.rdf.namespaces import AS, DCAT_AP_FEEDS_SHAPE, LDES, TREE
from registry.records.layout import Layout, version_iri
from registry.records.write import description_text, with_modified
from registry.store.changelog import Change, ChangeLog, timestamp
from registry.store.interface import Store

FORMAT = 2
"""The shape of the documents below: part of every fragment's entity tag, so a change of
this module's output is a new representation even of a fragment served as immutable."""
ACTIVITY = {"create": AS.Create, "update": AS.Update, "delete": AS.Delete}
PREFIXES = {"as": str(AS), "ldes": str(LDES), "tree": str(TREE)}


def _iri(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


@dataclass(frozen=True)
class Fragment:
    """One page of the feed: its document, and whether it is full (it never changes again)."""

    number: int
    document: Document
    full: bool
    tag: str
    """Names this content (without the representation): see ``Feed.tag``."""


class Feed:
    """The feed over one store's change log, ``page_size`` activities a fragment."""

    def __init__(
        self,
        changes: ChangeLog,
        store: Store,
        layout: Layout,
        page_size: int,
        title: str,
    ) -> None:
        self._changes = changes
        self._store = store
        self._layout = layout
        self.page_size = page_size
        self.title = title

    @property
    def stream_iri(self) -> str:
        return self._layout.iri("feed")

    def fragment_iri(self, number: int) -> str:
        return self._layout.iri(f"feed/{number}")

    def activity_iri(self, sequence: int) -> str:
        """The IRI of the activity of change ``sequence`` (and of the graph it carries)."""
        return self._layout.iri(f"feed/change/{sequence}")

    def fragment_of(self, sequence: int) -> int:
        """The number of the fragment holding change ``sequence``; NotFound past the log."""
        if not 1 <= sequence <= self._changes.latest():
            raise NotFound(f"The change feed has no change {sequence}.")
        return (sequence - 1) // self.page_size + 1

    def state(self, number: int) -> tuple[str, bool]:
        """The tag of fragment ``number``'s content as it is now and whether it is full,
        without reading it (for ``If-None-Match``); NotFound past the last fragment."""
        last = self._contained(number, self._changes.latest())
        return self._tag(number, last), last == number * self.page_size

    def _contained(self, number: int, latest: int) -> int:
        """The sequence of the last change fragment ``number`` holds (one below its first
        when it is the empty fragment a full one links to)."""
        first = (number - 1) * self.page_size + 1
        if first > latest + 1:
            raise NotFound(
                f"The change feed has {latest // self.page_size + 1} fragment(s); "
                f"there is no fragment {number}."
            )
        return min(latest, number * self.page_size)

    def _tag(self, number: int, last: int) -> str:
        full = last == number * self.page_size
        growing = "" if full else f"-{last}"
        return f"feed-{FORMAT}-{self.page_size}-{number}{growing}"

    def stream(self) -> list[ox.Quad]:
        """What every document of the feed says of the stream itself (``/feed``)."""
        stream = ox.NamedNode(self.stream_iri)
        return [
            ox.Quad(stream, _iri(RDF.type), _iri(LDES.EventStream)),
            ox.Quad(stream, _iri(DCTERMS.title), ox.Literal(self.title, language="en")),
            ox.Quad(stream, _iri(TREE.shape), ox.NamedNode(DCAT_AP_FEEDS_SHAPE)),
            ox.Quad(stream, _iri(LDES.timestampPath), _iri(AS.published)),
            ox.Quad(stream, _iri(LDES.versionOfPath), _iri(AS.object)),
            ox.Quad(stream, _iri(TREE.view), ox.NamedNode(self.fragment_iri(1))),
        ]

    def stream_document(self) -> Document:
        """The document at the stream's own IRI (``/feed``)."""
        return Document(self.stream(), [])

    def fragment(self, number: int) -> Fragment:
        """Fragment ``number`` (from 1): its activities and the relation to the next one."""
        first = (number - 1) * self.page_size
        last = self._contained(number, self._changes.latest())
        changes = self._changes.changes(first, self.page_size) if last > first else []
        last = changes[-1].sequence if changes else first
        full = len(changes) == self.page_size
        node = ox.NamedNode(self.fragment_iri(number))
        quads = self.stream() + [ox.Quad(node, _iri(RDF.type), _iri(TREE.Node))]
        if full:
            quads += self._relation(node, number + 1, changes[-1])
        graphs = []
        for change in changes:
            quads += self._activity(change)
            description = self._description(change)
            if description is not None:
                graphs.append((self.activity_iri(change.sequence), description))
        return Fragment(number, Document(quads, graphs), full, self._tag(number, last))

    def _relation(self, node: ox.NamedNode, target: int, last: Change) -> list[ox.Quad]:
        relation = ox.BlankNode("next")  # a fixed label: the fragment's text stays the same
        published = ox.Literal(timestamp(last.time), datatype=_iri(XSD.dateTime))
        return [
            ox.Quad(node, _iri(TREE.relation), relation),
            ox.Quad(relation, _iri(RDF.type), _iri(TREE.GreaterThanOrEqualToRelation)),
            ox.Quad(relation, _iri(TREE.path), _iri(AS.published)),
            ox.Quad(relation, _iri(TREE.value), published),
            ox.Quad(relation, _iri(TREE.node), ox.NamedNode(self.fragment_iri(target))),
        ]

    def _activity(self, change: Change) -> list[ox.Quad]:
        """The activity of one change: a member of the stream, with nothing but its type,
        ``as:object`` and ``as:published`` (the spec's shape is closed)."""
        activity = ox.NamedNode(self.activity_iri(change.sequence))
        published = ox.Literal(timestamp(change.time), datatype=_iri(XSD.dateTime))
        return [
            ox.Quad(ox.NamedNode(self.stream_iri), _iri(TREE.member), activity),
            ox.Quad(activity, _iri(RDF.type), _iri(ACTIVITY[change.kind])),
            ox.Quad(activity, _iri(AS.object), ox.NamedNode(change.topic)),
            ox.Quad(activity, _iri(AS.published), published),
        ]

    def _description(self, change: Change) -> str | None:
        """A create's or update's description as accepted (N-Triples); None for a delete."""
        if change.kind == "delete":
            return None
        record = self._layout.record_iri(change.record_id)
        version = version_iri(record, change.version)
        text = description_text(self._store, version)
        if not text:
            return None
        # A dataset without its own dct:modified gets its record's at this version: the
        # version's dct:issued, the moment the record was written.
        issued = self._store.objects(version, str(DCTERMS.issued), version)
        text = with_modified(change.topic, text, issued[0] if issued else None)
        # "c17x": no other activity's prefix starts so (sequences hold no "x").
        return scoped(text, f"c{change.sequence}x")

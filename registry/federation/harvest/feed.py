"""Reader of a DCAT-AP Feeds change stream (an LDES of Activity Streams activities,
https://semiceu.github.io/LDES-DCAT-AP-feeds/): the stream's ``tree:view`` is the first
fragment, each fragment's ``tree:relation``/``tree:node`` the next. A create or update
carries the description in the named graph named by the activity; a delete withdraws.

The position kept after a complete run is the last fragment read and the activities already
taken from it, so the next run starts there and reads only what is new.
"""

from __future__ import annotations

import json
from urllib.parse import urljoin

import pyoxigraph as ox
from rdflib.namespace import RDF

from registry.federation.harvest.documents import (
    RDF_ACCEPT,
    Deleted,
    Position,
    Reader,
    objects,
    quads,
)
from registry.federation.harvest.fetch import Fetched, Fetcher, HarvestStopped
from registry.federation.harvest.split import split
from registry.rdf.namespaces import AS, LDES, TREE

FEED_ACCEPT = "application/trig, application/n-quads;q=0.9, " + RDF_ACCEPT
KINDS = {str(AS.Create): "create", str(AS.Update): "update", str(AS.Delete): "delete"}


def read_feed(fetcher: Fetcher, url: str, position: str | None) -> Reader:
    """Every activity after ``position`` (from the stream's start without one)."""
    kept = json.loads(position) if position else None
    if kept:
        current: str | None = kept["fragment"]
        done = set(kept["done"])
    else:
        current, done = _first_fragment(fetcher, url), set()
    while current is not None:
        fragment = fetcher.page(current, FEED_ACCEPT)
        read, taken = _activities(fragment, done)
        yield from read
        following = _next_fragment(fragment)
        if following is None:
            yield Position(json.dumps({"fragment": fragment.url, "done": sorted(taken)}))
        current, done = following, set()


def _first_fragment(fetcher: Fetcher, url: str) -> str:
    document = fetcher.page(url, FEED_ACCEPT)
    found = [q.triple for q in quads(document)]
    typed, stream = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(LDES.EventStream))
    if not any(t.predicate == typed and t.object == stream for t in found):
        raise HarvestStopped(f"<{document.url}> is not an ldes:EventStream.")
    view = objects(found, str(TREE.view))
    if not view:
        return document.url  # the stream's own document is its first fragment
    return urljoin(document.url, view[0].value)


def _next_fragment(fragment: Fetched) -> str | None:
    found = [q.triple for q in quads(fragment) if isinstance(q.graph_name, ox.DefaultGraph)]
    nodes = objects(found, str(TREE.node))
    return urljoin(fragment.url, nodes[0].value) if nodes else None


def _activities(fragment: Fetched, done: set[str]) -> tuple[Reader, set[str]]:
    """The fragment's activities not in ``done``, in time order, as items; and every
    activity of the fragment (what a later run skips if it starts here)."""
    by_graph: dict[str, list[ox.Triple]] = {}
    default: list[ox.Triple] = []
    for quad in quads(fragment):
        if isinstance(quad.graph_name, ox.NamedNode):
            by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)
        else:
            default.append(quad.triple)
    facts: dict[str, dict[str, str]] = {}
    for t in default:
        if isinstance(t.subject, ox.NamedNode) and t.predicate.value in (
            str(RDF.type),
            str(AS.object),
            str(AS.published),
        ):
            name = t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            if isinstance(t.object, ox.Triple):
                continue
            value = KINDS.get(t.object.value, t.object.value)
            if name != "type" or value in KINDS.values():
                facts.setdefault(t.subject.value, {})[name] = value
    activities = sorted(
        (iri for iri, f in facts.items() if {"type", "object"} <= f.keys()),
        key=lambda iri: (facts[iri].get("published", ""), _sequence(iri)),
    )

    def items() -> Reader:
        for iri in activities:
            if iri in done:
                continue
            if facts[iri]["type"] == "delete":
                yield Deleted(topic=facts[iri]["object"])
            else:
                yield from split(by_graph.get(iri, []), iri)

    return items(), set(activities)


def _sequence(iri: str) -> tuple[int, str]:
    """Order activities of one instant by the number their IRI ends with, if any."""
    tail = iri.rstrip("/").rsplit("/", 1)[-1]
    return (int(tail), iri) if tail.isdigit() else (0, iri)

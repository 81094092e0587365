"""The harvest listing: slots kept for life, walks fixed by their start, windows read as of
that start, and the same listing whether read from the store or kept by commits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyoxigraph as ox
from rdflib.namespace import FOAF

from registry.federation.documents import cited_agents, current_record
from registry.federation.listing import Listing, Window, settled
from registry.rdf import formats
from registry.records.write import withdraw_record
from registry.runtime import Registry
from tests.conftest import AGENTS
from tests.federation.harvest.harvesting import START, revised, sample_description, submitted

LATER = START + timedelta(days=1)
"""A moment after the sample catalogue was written, before any walk of these tests."""


def ids(listing: Listing, window: Window) -> list[str]:
    slots, length = listing.members(window, 0, 1000)
    assert len(slots) == length
    return [slot.record_id for slot in slots]


def test_slots_are_in_order_of_first_issue(
    harvest_registry: Registry, sample_ids: dict[str, str]
) -> None:
    listing = harvest_registry.listing
    slots, length = listing.members(listing.window(), 0, 1000)
    assert length == len(sample_ids) == len(slots)
    assert [s.issued for s in slots] == sorted(s.issued for s in slots)
    assert slots[0].issued == START + timedelta(seconds=1)
    assert {s.topic for s in slots} == set(sample_ids)  # no agent, no catalogue


def test_a_slot_is_kept_through_replacement_withdrawal_and_return(
    harvest_registry: Registry, sample_ids: dict[str, str]
) -> None:
    listing, records = harvest_registry.listing, harvest_registry.records
    window = Window(LATER + timedelta(days=1))
    order = ids(listing, window)
    dataset = next(topic for topic, rid in sample_ids.items() if rid == order[3])
    description = sample_description(dataset)
    submitted(harvest_registry, revised(description), LATER)
    assert ids(listing, window) == order and listing.slot(order[3]).version == 2  # type: ignore[union-attr]
    withdraw_record(records, order[3], now=LATER + timedelta(hours=1))
    assert ids(listing, window) == order and listing.slot(order[3]).withdrawn  # type: ignore[union-attr]
    assert listing.current(window) == len(order) - 1
    submitted(harvest_registry, description, LATER + timedelta(hours=2))
    back = listing.slot(order[3])
    assert back is not None and not back.withdrawn and back.version == 3
    assert ids(listing, window) == order and back.issued == START + timedelta(seconds=4)


def test_a_walk_lists_the_records_issued_before_it(
    harvest_registry: Registry, sample_ids: dict[str, str]
) -> None:
    listing = harvest_registry.listing
    assert len(ids(listing, Window(START + timedelta(seconds=10)))) == 9
    now = datetime.now(UTC)
    assert listing.window(now=now).as_of == settled(now) < now - timedelta(seconds=1)
    assert listing.window(as_of=now + timedelta(days=1), now=now).as_of == settled(now)
    assert listing.window(as_of=START, now=now).as_of == START


def test_a_window_is_read_as_of_the_start_of_its_walk(
    harvest_registry: Registry, sample_ids: dict[str, str]
) -> None:
    """A record changed after a windowed walk started neither enters nor leaves it."""
    listing = harvest_registry.listing
    since = START + timedelta(seconds=30)
    walk = Window(LATER, since=since)
    before = ids(listing, walk)
    assert len(before) == 7
    inside = before[0]
    outside = ids(listing, Window(LATER))[0]
    for record_id in (inside, outside):
        topic = next(t for t, rid in sample_ids.items() if rid == record_id)
        submitted(harvest_registry, revised(sample_description(topic)), LATER + timedelta(hours=1))
    assert ids(listing, walk) == before
    fresh = Window(LATER + timedelta(days=1), since=since)
    assert ids(listing, fresh) == [outside, *before]  # both changed since: in slot order
    until = Window(LATER + timedelta(days=1), until=START + timedelta(seconds=2))
    assert len(ids(listing, until)) == 1  # only the second record's last change is that old


def test_the_listing_read_from_the_store_is_the_one_kept_by_commits(
    harvest_registry: Registry, sample_ids: dict[str, str]
) -> None:
    kept = harvest_registry.listing
    order = ids(kept, Window(LATER))
    withdraw_record(harvest_registry.records, order[5], now=LATER)
    topic = next(t for t, rid in sample_ids.items() if rid == order[7])
    submitted(harvest_registry, revised(sample_description(topic)), LATER)
    read = Listing(harvest_registry.store, harvest_registry.layout)
    window = Window(LATER + timedelta(days=1))
    assert read.members(window, 0, 100) == kept.members(window, 0, 100)
    assert read.latest_change == kept.latest_change  # agents' changes count too
    assert read.earliest_issue == kept.earliest_issue == START + timedelta(seconds=1)


def test_cited_agents_are_kept_until_they_change(
    harvest_registry: Registry, sample_ids: dict[str, str]
) -> None:
    listing, store, layout = (
        harvest_registry.listing,
        harvest_registry.store,
        harvest_registry.layout,
    )
    record = layout.record_iri(next(iter(sample_ids.values())))
    triples = current_record(store, layout, record) or []
    first = listing.cited_agents(triples)
    assert set(first) == set(cited_agents(store, layout, triples))
    assert listing.cited_agents(triples) == first  # from memory
    name = ox.NamedNode(str(FOAF.name))
    agent = next(t.subject for t in first if t.predicate == name)
    path = next(p for p in AGENTS if agent.value.encode() in p.read_bytes())
    described = formats.parse(path.read_bytes(), formats.syntax_for_path(path))
    renamed = [
        ox.Triple(t.subject, name, ox.Literal("Renamed", language="en"))
        if t.predicate == name and t.subject == agent
        else t
        for t in described
    ]
    submitted(harvest_registry, renamed)
    again = listing.cited_agents(triples)
    assert ox.Triple(agent, name, ox.Literal("Renamed", language="en")) in again

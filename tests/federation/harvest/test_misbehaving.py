"""Sources that misbehave, served by ``http.server`` on 127.0.0.1: a next link that loops,
endless pages, a 500 on page 2, a slow answer, an oversized page, a wrong media type,
invalid RDF, a redirect to another host, an invalid record. Each run stops (or refuses the
record) with a reason in its report, and a stopped run withdraws nothing."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
import pytest

from registry.federation.harvest.fetch import Limits
from registry.federation.harvest.run import Report
from registry.federation.harvest.sources import Source
from registry.rdf import formats
from registry.records.write import read_state
from registry.runtime import Registry
from tests.conftest import INVALID, PROSTATE
from tests.federation.harvest.harvesting import datasets_in, renamed
from tests.federation.harvest.servers import Answer, misbehaving

HYDRA = "http://www.w3.org/ns/hydra/core#"
TURTLE = "text/turtle"
PROSTATE_TRIPLES = formats.parse(PROSTATE.read_bytes(), formats.syntax_for_path(PROSTATE))
(FIRST,) = datasets_in(PROSTATE_TRIPLES)
SECOND_TRIPLES = renamed(PROSTATE_TRIPLES, FIRST, FIRST + "-second")
SECOND = FIRST + "-second"


def page(triples: list[ox.Triple], next_link: str | None, literal: bool = False) -> bytes:
    """A catalogue page holding ``triples``, linking ``next_link`` (CKAN writes literals)."""
    body = formats.serialize(triples, formats.syntax_for_media_type(TURTLE)).decode()
    if next_link:
        target = f'"{next_link}"' if literal else f"<{next_link}>"
        body += f"\n<#view> a <{HYDRA}PagedCollection> ; <{HYDRA}nextPage> {target} .\n"
    return body.encode()


def run(registry: Registry, url: str, **limits: float) -> Report:
    harvester = registry.harvester
    harvester.harvest.limits = Limits(**{"timeout": 5.0, **limits})  # type: ignore[arg-type]
    if "bad" not in {s.name for s in harvester.sources.all()}:
        harvester.sources.add(Source("bad", url, "dcat", 0))
    return harvester.run("bad")


def two_pages(second: Callable[[str], Answer]) -> Callable[[str], Answer]:
    """Page 1 (the first dataset) links page 2, answered by ``second``."""

    def answer(path: str) -> Answer:
        if path == "/page2":
            return second(path)
        return 200, TURTLE, page(PROSTATE_TRIPLES, "/page2", literal=True)

    return answer


def test_two_literal_pages_then_a_500_withdraws_nothing(harvesting: Registry) -> None:
    complete = two_pages(lambda path: (200, TURTLE, page(SECOND_TRIPLES, None)))
    with misbehaving(complete) as url:
        first = run(harvesting, url)
    assert first.status == "complete" and first.refused == [], first
    broken = two_pages(lambda path: (500, "text/plain", b"oops"))
    with misbehaving(broken) as url:
        harvesting.harvester.sources.remove("bad")
        harvesting.harvester.sources.add(Source("bad", url, "dcat", 0))
        second = harvesting.harvester.run("bad")
    assert second.status == "partial" and "500" in (second.stopped or ""), second
    assert second.withdrawn == []
    record = harvesting.layout.record_iri(harvesting.layout.record_id_for(SECOND))
    assert not read_state(harvesting.records, record).withdrawn


@pytest.mark.parametrize(
    ("answer", "limits", "reason"),
    [
        (lambda path: (200, TURTLE, page(PROSTATE_TRIPLES, path)), {}, "a cycle"),
        (lambda path: (200, TURTLE, page([], path + "x")), {"pages": 5}, "cap of 5 documents"),
        (lambda path: (200, "text/html", b"<html></html>"), {}, "not RDF"),
        (lambda path: (200, TURTLE, b"<a> <b> ."), {}, "not valid Turtle"),
        (
            lambda path: (200, TURTLE, page(PROSTATE_TRIPLES, None)),
            {"page_bytes": 1000},
            "larger than 1000",
        ),
        (lambda path: (302, TURTLE, path.encode()), {}, "redirects more than"),
        (lambda path: (302, TURTLE, b"http://example.org/"), {}, "only link to its own host"),
        (lambda path: (302, TURTLE, b"file:///etc/passwd"), {}, "only http and https"),
    ],
    ids=[
        "loop",
        "endless",
        "html",
        "invalid-rdf",
        "oversized",
        "redirect-loop",
        "other-host",
        "other-scheme",
    ],
)
def test_a_misbehaving_source_stops_the_run(
    harvesting: Registry, answer: Callable[[str], Answer], limits: dict[str, float], reason: str
) -> None:
    with misbehaving(answer) as url:
        report = run(harvesting, url, **limits)
    assert report.status in ("partial", "failed")
    assert reason in (report.stopped or ""), report.stopped


def test_a_slow_source_times_out(harvesting: Registry) -> None:
    with misbehaving(lambda path: (200, TURTLE, page(PROSTATE_TRIPLES, None)), delay=2) as url:
        report = run(harvesting, url, timeout=0.3)
    assert report.status == "failed" and "timed out" in (report.stopped or ""), report


def test_an_invalid_record_is_refused_and_named(harvesting: Registry) -> None:
    invalid = next(p for p in INVALID if p.name == "missing-access-rights.ttl")
    bad = formats.parse(invalid.read_bytes(), formats.syntax_for_path(invalid))
    with misbehaving(lambda path: (200, TURTLE, page(PROSTATE_TRIPLES + bad, None))) as url:
        report = run(harvesting, url)
    assert report.status == "complete"
    (refused,) = report.refused
    assert refused["topic"] in datasets_in(bad) and "dct:accessRights" in refused["reason"]
    assert report.created == 1


def test_a_source_that_moves_its_pages_keeps_the_same_record(harvesting: Registry) -> None:
    """ckanext-harvest made duplicates when a source changed its URLs: the dataset's IRI
    names the record, wherever it was read."""
    with misbehaving(lambda path: (200, TURTLE, page(PROSTATE_TRIPLES, None))) as url:
        first = run(harvesting, url + "old")
        harvesting.harvester.sources.remove("bad")
        second = run(harvesting, url + "new/place")
    assert first.created == 1 and second.created == 0 and second.unchanged == 1, second
    assert [r.topic for r in harvesting.harvester.harvest_records("bad")] == [FIRST]


def test_the_records_belong_to_the_sources_provider(harvesting: Registry) -> None:
    agent = "https://provider.example/id/national-node"
    harvesting.harvester.harvest.owner_of = lambda name: agent if name == "national" else None
    with misbehaving(lambda path: (200, TURTLE, page(PROSTATE_TRIPLES, None))) as url:
        harvesting.harvester.sources.add(Source("bad", url, "dcat", 0, provider="national"))
        report = harvesting.harvester.run("bad")
    assert report.created == 1, report
    record = harvesting.layout.record_iri(harvesting.layout.record_id_for(FIRST))
    assert read_state(harvesting.records, record).owner == agent


def test_a_small_source_withdraws_its_few_and_an_empty_one_only_when_confirmed(
    harvesting: Registry,
) -> None:
    """Two datasets, then one: withdrawn (a small source's few need no confirmation). Then
    none at all: held, as a broken source looks, until an operator allows it."""
    listed = [PROSTATE_TRIPLES + SECOND_TRIPLES]

    def answer(path: str) -> Answer:
        return 200, TURTLE, page(listed[0], None)

    def state(topic: str) -> bool:
        layout = harvesting.layout
        return read_state(
            harvesting.records, layout.record_iri(layout.record_id_for(topic))
        ).withdrawn

    with misbehaving(answer) as url:
        assert run(harvesting, url).created == 2
        listed[0] = PROSTATE_TRIPLES
        dropped = run(harvesting, url)
        assert dropped.withdrawn == [SECOND] and dropped.withdrawals_held is None, dropped
        listed[0] = []
        emptied = run(harvesting, url)
        assert emptied.status == "complete" and emptied.withdrawn == [], emptied
        assert "listed no dataset" in (emptied.withdrawals_held or "")
        assert "registry harvest run bad --allow-withdraw" in (emptied.withdrawals_held or "")
        assert not state(FIRST)
        confirmed = harvesting.harvester.run("bad", allow_withdraw=True)
        assert confirmed.withdrawn == [FIRST] and confirmed.withdrawals_held is None
        assert "--allow-withdraw" in (confirmed.withdrawals_confirmed or "")
        assert state(FIRST) and state(SECOND)

"""The validator processes: the same reports as in-process validation, back-pressure, a
killed worker replaced with a clear error, a worker that grew retired."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from registry.profile.pool import ValidatorFailed, ValidatorPool, ValidatorsBusy
from registry.profile.validation import load_profile
from registry.rdf import formats
from tests.conftest import AGENTS, BASE_IRI, INVALID, SAMPLES


def described(paths: list) -> list[Graph]:
    return [
        formats.to_rdflib(formats.parse(p.read_bytes(), formats.syntax_for_path(p), BASE_IRI))
        for p in paths
    ]


@pytest.fixture(scope="module")
def agents() -> Graph:
    graph = Graph()
    for part in described(AGENTS):
        graph += part
    return graph


@pytest.fixture(scope="module")
def pool() -> Iterator[ValidatorPool]:
    pool = ValidatorPool(2, wait=60).start()
    assert pool.ready()
    yield pool
    pool.close()


def test_reports_are_those_of_validating_in_this_process(pool: ValidatorPool, agents) -> None:
    shapes = load_profile()
    graphs = described(SAMPLES[:6] + INVALID)
    for graph in graphs:
        ours, theirs = shapes.validate(graph, agents), pool.validate(graph, agents)
        assert theirs.results == ours.results
        assert isomorphic(theirs.graph, ours.graph)
    assert {r.conforms for r in (pool.validate(g, agents) for g in graphs)} == {True, False}


def test_a_batch_answers_in_order(pool: ValidatorPool, agents) -> None:
    shapes = load_profile()
    graphs = described(INVALID + SAMPLES[:4])
    batch = pool.validate_many([(graph, agents) for graph in graphs])
    assert [r.results for r in batch] == [shapes.validate(g, agents).results for g in graphs]
    assert pool.validate_many([]) == []


def test_a_full_pool_answers_busy_instead_of_waiting_on() -> None:
    pool = ValidatorPool(1, wait=0.1).start()
    try:
        assert pool.ready()
        held = pool._take(1)  # every worker busy (a test reaching in: no slow record needed)
        with pytest.raises(ValidatorsBusy) as busy:
            pool.validate(Graph())
        assert busy.value.status == 503 and busy.value.details["retry_after"] >= 1
        pool._idle.put(held)
        assert pool.validate(Graph()).conforms
    finally:
        pool.close()


def test_a_killed_validator_is_replaced_and_the_request_told() -> None:
    pool = ValidatorPool(1, wait=300).start()
    try:
        assert pool.ready()
        (first,) = pool.pids()
        os.kill(first, signal.SIGKILL)
        with pytest.raises(ValidatorFailed) as failed:
            pool.validate(Graph())
        assert failed.value.status == 503 and "nothing was stored" in failed.value.message
        assert pool.validate(Graph()).conforms  # waits for the replacement
        (second,) = pool.pids()
        assert second != first
    finally:
        pool.close()


def test_a_validator_that_grew_is_retired_after_answering() -> None:
    pool = ValidatorPool(1, wait=300, recycle_mb=-1).start()  # any size counts as grown
    try:
        assert pool.ready()
        (first,) = pool.pids()
        assert pool.validate(Graph()).conforms
        assert pool.validate(Graph()).conforms
        assert first not in pool.pids()
    finally:
        pool.close()

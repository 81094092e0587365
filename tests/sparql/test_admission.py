"""Admission before a worker is asked: a client's share of running queries, and a process's
rate of starting them (``registry.sparql.admission``)."""

from __future__ import annotations

import time

import pytest

from registry.errors import QueryUnavailable, TooManyQueries
from registry.sparql.admission import Admission

NAMES = ("REGISTRY_SPARQL_PER_CLIENT", "REGISTRY_SPARQL_RATE")


def test_a_client_runs_its_share_while_others_still_get_in() -> None:
    admission = Admission(per_client=2, rate=0, setting_names=NAMES)
    with admission.admit("10.0.0.1"), admission.admit("10.0.0.1"):
        with pytest.raises(TooManyQueries, match="REGISTRY_SPARQL_PER_CLIENT=2") as refused:
            with admission.admit("10.0.0.1"):
                pass
        assert refused.value.status == 429 and refused.value.details["retry_after"] == 1
        with admission.admit("10.0.0.2"):
            pass
    with admission.admit("10.0.0.1"), admission.admit("10.0.0.1"):
        pass  # both places were given back, also by the refused attempt


def test_a_place_is_given_back_when_the_query_fails() -> None:
    admission = Admission(per_client=1, rate=0, setting_names=NAMES)
    with pytest.raises(RuntimeError), admission.admit("10.0.0.1"):
        raise RuntimeError("the worker died")
    with admission.admit("10.0.0.1"):
        pass


def test_the_rate_holds_one_seconds_worth_then_refills() -> None:
    admission = Admission(per_client=100, rate=5, setting_names=NAMES)
    admitted = 0
    with pytest.raises(QueryUnavailable, match="at most 5 queries a second") as refused:
        for number in range(50):
            with admission.admit(f"10.0.0.{number}"):
                admitted += 1
    assert admitted == 5 and refused.value.status == 503
    time.sleep(0.45)  # two tokens back at 5 a second
    with admission.admit("10.0.0.1"), admission.admit("10.0.0.2"):
        pass

"""The fuzz suite, short version (the quick loop): a few hundred hostile requests over every
route, through Flask's client; none may answer 5xx, show a traceback or take 5 s. The long
version (over 10,000 requests to a live server) is ``tests/e2e/test_fuzz.py``; the
hostile requests are made in ``tests/web/fuzzing.py``."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.result import Err

from registry.records.accounts import Accounts
from registry.web.app import create_app
from tests.conftest import BASE_IRI, load_samples
from tests.web.fuzzing import ROUTES, Request, Tally, requests_for

PUBLISHER = "https://datasets.procancer-i.example/id/data-office"
UNLIMITED = {"rate_limit_writes": "", "rate_limit_validation": "", "rate_limit_failed_auth": ""}
"""The rate limits would answer most writes 429 (they have their own tests)."""
FUZZ = settings(
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory, template_store: Path) -> Iterator[Any]:
    """An app over a store with four sample datasets, a provider token, and what the
    registry names (record ids, IRIs) for the requests to mix in."""
    store = tmp_path_factory.mktemp("fuzz") / "store"
    shutil.copytree(template_store, store)
    app = create_app({"store": str(store), "base_iri": BASE_IRI, **UNLIMITED})
    registry = app.extensions["registry"]
    ids = load_samples(registry, 4)
    registry.dump.write()  # else /dump.nq.gz is a deliberate 503 (Not ready)
    accounts: Accounts = app.extensions["accounts"]
    accounts.add_provider("procancer", PUBLISHER)
    known = [*ids.values(), *ids, PUBLISHER, "catalog", "operator", "modality", "CT", "style.css"]
    yield app, known, [accounts.new_token("procancer")]
    registry.close()


def send(app: Flask, request: Request) -> tuple[int, bytes]:
    client = app.test_client()
    response = client.open(
        request.url, method=request.method, headers=request.headers, data=request.body
    )
    try:
        return response.status_code, response.get_data()
    finally:
        response.close()  # a file answer (/dump.nq.gz) holds its file open until closed


def test_fuzz_every_route_with_hostile_requests(fuzzed: Any) -> None:
    app, known, tokens = fuzzed
    tally = Tally()

    @settings(FUZZ, max_examples=250)
    @given(data=st.data())
    def hostile(data: st.DataObject) -> None:
        request = data.draw(requests_for(known, tokens))
        tally.timed(f"{request.method} {request.url[:200]}", lambda: send(app, request))

    hostile()
    print(f"\nfuzz, page and API routes: {tally.summary()}")
    assert tally.requests >= 250
    assert not tally.failures, "\n".join(tally.failures[:20])
    assert {r.path.split("{")[0] for r in ROUTES} >= {"/", "/search", "/sparql", "/api/records"}


def test_the_fuzz_routes_are_every_route_of_the_app(fuzzed: Any) -> None:
    """A route added later is fuzzed too: ``ROUTES`` names every rule and method."""
    app = fuzzed[0]
    served = {
        (method, re.sub(r"<[^>]+>", "{}", rule.rule))
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    fuzzed_routes = {(r.method, re.sub(r"\{[^}]+\}", "{}", r.path)) for r in ROUTES}
    assert served <= fuzzed_routes, sorted(served - fuzzed_routes)


def test_fuzz_every_operation_of_the_openapi_document(fuzzed: Any) -> None:
    """schemathesis makes each operation's parameters and bodies from /api/openapi.json."""
    app, _, tokens = fuzzed
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    tally = Tally()
    operations = 0
    for result in schema.get_all_operations():
        assert not isinstance(result, Err), result
        operation = result.ok()
        operations += 1

        @settings(FUZZ, max_examples=12)
        @given(case=operation.as_strategy())
        def conforms(case: schemathesis.Case) -> None:
            response = case.call(headers={"Authorization": f"Bearer {tokens[0]}"})
            tally.record(f"{case.method} {case.formatted_path}", response.status_code,
                         response.elapsed, response.content)

        conforms()
    print(f"\nfuzz, OpenAPI operations ({operations}): {tally.summary()}")
    assert operations >= 8 and tally.requests >= 60
    assert not tally.failures, "\n".join(tally.failures[:20])

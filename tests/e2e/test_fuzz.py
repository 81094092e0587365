"""The fuzz suite, long version: over 10,000 hostile requests to a live ``registry serve
--sample`` on 127.0.0.1, over every page route (``tests/web/fuzzing.py``) and every
operation of the OpenAPI document (schemathesis); none may answer 5xx or take more than 5 s
(a client timeout counts as a hang). Figures are printed (run with ``-s``); the short
version is ``tests/web/test_fuzz.py``."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.result import Err

from registry.config import load_settings
from registry.database import open_database
from registry.records.accounts import Accounts
from registry.records.layout import record_id_for
from tests.web.fuzzing import Request, Tally, requests_for

from .servers import running_server

PUBLISHER = "https://datasets.procancer-i.example/id/data-office"
DATASETS = [
    "https://datasets.procancer-i.example/open-challenge-prostate-v1",
    "https://repository.chaimeleon.example/dataset/lung-ct-pet",
]
PAGES = int(os.environ.get("FUZZ_PAGE_REQUESTS", "8500"))
PER_OPERATION = int(os.environ.get("FUZZ_OPERATION_REQUESTS", "250"))
"""Requests over the page routes, and per OpenAPI operation (9 of them, one without
parameters, which hypothesis sends once): over 10,000 in all."""
UNLIMITED = {
    "REGISTRY_RATE_LIMIT_WRITES": "",
    "REGISTRY_RATE_LIMIT_VALIDATION": "",
    "REGISTRY_RATE_LIMIT_FAILED_AUTH": "",
}
"""Rate limits would answer most writes 429 before any code under test ran."""
FUZZ = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("fuzz-server")
    with running_server(folder / "store", settings=UNLIMITED, sample=True) as url:
        accounts = Accounts(open_database(load_settings({"store": str(folder / "store")})))
        accounts.add_provider("procancer", PUBLISHER)
        # The dump is written in the background at start; until then /dump.nq.gz is a
        # deliberate 503 (Not ready), which the fuzz would count as a server error.
        deadline = time.monotonic() + 120
        while requests.head(url + "/dump.nq.gz", timeout=10).status_code == 503:
            assert time.monotonic() < deadline, "the dump was not written within 120 s"
            time.sleep(1)
        yield url, accounts.new_token("procancer")


def send(session: requests.Session, url: str, request: Request, tally: Tally) -> None:
    """Send ``request`` as it is (its URL already encoded); a timeout is a hang."""
    headers = {k: v for k, v in request.headers.items() if v.isprintable() and len(v) < 4_000}
    prepared = requests.Request(request.method, url, headers=headers, data=request.body).prepare()
    prepared.url = url + request.url
    what = f"{request.method} {request.url[:200]}"
    try:
        response = session.send(prepared, timeout=tally.limit, allow_redirects=False)
    except requests.Timeout:
        tally.failures.append(f"hang (no answer in {tally.limit} s) {what}")
        return
    except requests.ConnectionError as error:
        tally.failures.append(f"connection failed {what}: {error}")
        return
    tally.record(what, response.status_code, response.elapsed.total_seconds(), response.content)


def test_fuzz_every_route_with_over_ten_thousand_hostile_requests(
    server: tuple[str, str],
) -> None:
    url, token = server
    known = [record_id_for(d) for d in DATASETS] + DATASETS + [PUBLISHER, "catalog", "operator"]
    tally = Tally()
    session = requests.Session()

    @settings(FUZZ, max_examples=PAGES)
    @given(data=st.data())
    def hostile(data: st.DataObject) -> None:
        send(session, url, data.draw(requests_for(known, [token])), tally)

    hostile()
    pages = tally.summary()
    schema = schemathesis.openapi.from_url(f"{url}/api/openapi.json")
    before = tally.requests
    for result in schema.get_all_operations():
        assert not isinstance(result, Err), result
        operation = result.ok()

        @settings(FUZZ, max_examples=PER_OPERATION)
        @given(case=operation.as_strategy())
        def conforms(case: schemathesis.Case) -> None:
            try:
                response = case.call(
                    base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=tally.limit
                )
            except requests.Timeout:
                tally.failures.append(f"hang {case.method} {case.formatted_path}")
                return
            tally.record(
                f"{case.method} {case.formatted_path}",
                response.status_code,
                response.elapsed,
                response.content,
            )

        conforms()
    print(f"\nfuzz, page and API routes: {pages}")
    print(f"fuzz, OpenAPI operations: {tally.requests - before} requests")
    print(f"fuzz, all: {tally.summary()}; statuses {dict(sorted(tally.statuses.items()))}")
    assert tally.requests >= 10_000 or PAGES < 8_500
    assert not tally.failures, "\n".join(tally.failures[:20])

"""The provider API over a real socket: two editors racing, and the OpenAPI document kept
true by schemathesis against a live server on 127.0.0.1."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.result import Err

from registry.config import load_settings
from registry.database import open_database
from registry.records.accounts import Accounts
from tests.web.test_api import BODY, PUBLISHER, RECORD_ID

from .servers import running_server

RDF_TEXT_TYPES = ("text/turtle", "application/n-triples", "application/rdf+xml")


@schemathesis.serializer(*RDF_TEXT_TYPES)
def rdf_text(ctx: schemathesis.SerializationContext, value: object) -> bytes:
    """Generated bodies for the RDF media types are strings: send them as UTF-8."""
    return str(value).encode("utf-8")


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``registry serve --sample`` for this module's tests, and a token of the sample
    prostate dataset's publisher in the database beside its store."""
    folder = tmp_path_factory.mktemp("api-server")
    with running_server(folder / "store", sample=True) as url:
        accounts = Accounts(open_database(load_settings({"store": str(folder / "store")})))
        accounts.add_provider("procancer", PUBLISHER)
        yield url, accounts.new_token("procancer")


def number_of_individuals(body: bytes) -> bytes:
    """The count as it appears quoted in N-Triples (``"8100"``)."""
    found = re.search(rb'numberOfUniqueIndividuals "(\d+)"', body)
    assert found is not None
    return b'"' + found.group(1) + b'"'


def race(
    url: str, sent: dict[str, str], bodies: list[bytes], timeout: float = 60
) -> list[tuple[bytes, requests.Response]]:
    """PUT each body from its own thread, all released at once; return (body, answer) pairs."""
    answers: list[tuple[bytes, requests.Response]] = []
    barrier = threading.Barrier(len(bodies))

    def replace(body: bytes) -> None:
        barrier.wait()
        answers.append((body, requests.put(url, data=body, headers=sent, timeout=timeout)))

    editors = [threading.Thread(target=replace, args=(body,)) for body in bodies]
    for editor in editors:
        editor.start()
    for editor in editors:
        editor.join()
    return answers


def headers(token: str, **more: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle", **more}


def test_two_editors_replacing_at_once_one_wins_the_other_gets_412(
    api_server: tuple[str, str],
) -> None:
    live_server, live_token = api_server
    url = f"{live_server}/api/records/{RECORD_ID}"
    # The sample catalogue holds the dataset already (loaded by the operator): version 1.
    etag = requests.get(url, timeout=30).headers["ETag"]
    for round_ in range(5):
        bodies = [BODY.replace(b'"8237"', f'"{8100 + 10 * round_ + i}"'.encode()) for i in range(2)]
        answers = race(url, headers(live_token, **{"If-Match": etag}), bodies)
        assert sorted(a.status_code for _, a in answers) == [200, 412], [a.text for _, a in answers]
        won, winner = next((body, a) for body, a in answers if a.status_code == 200)
        lost = next(body for body, a in answers if a.status_code == 412)
        current = requests.get(url, headers={"Accept": "application/n-triples"}, timeout=30)
        assert number_of_individuals(won) in current.content  # the winner's record, whole
        assert number_of_individuals(lost) not in current.content
        assert current.headers["ETag"] == winner.headers["ETag"]
        etag = winner.headers["ETag"]


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_openapi_document_is_true(api_server: tuple[str, str]) -> None:
    """Every operation, with generated parameters and bodies, answers as documented.

    Hypothesis is driven directly: schemathesis's pytest plugin does not run under pytest 9.
    """
    url, token = api_server
    schema = schemathesis.openapi.from_url(f"{url}/api/openapi.json")
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            pytest.fail(f"the OpenAPI document has an invalid operation: {result.err()}")
        operations.append(result.ok())
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case: schemathesis.Case) -> None:
            case.call_and_validate(
                base_url=url, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
            )

        conforms()

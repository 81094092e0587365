"""The npm ``ldes-client`` (a client nobody here wrote) replicates ``/feed`` from a live
``registry serve --sample``: it reaches every sample dataset, and after a withdrawal it
reads an ``as:Delete``.

``./test`` installs the client, pinned by ``tests/e2e/ldes-client/package-lock.json``, into
``tests/.cache/ldes-client``; without it (no npm) the test is skipped. The client runs with
``--no-shape``: DCAT-AP Feeds names its ActivityShape by a remote IRI, which the client
would fetch, and tests reach nothing but 127.0.0.1.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from registry.config import load_settings
from registry.database import open_database
from registry.rdf import formats
from registry.rdf.namespaces import AS
from registry.records.accounts import Accounts
from registry.records.layout import record_id_for
from tests.conftest import ROOT, SAMPLES
from tests.e2e.servers import running_server
from tests.federation.test_feed import without_stamp

CLIENT = ROOT / "tests" / ".cache" / "ldes-client" / "node_modules" / ".bin" / "ldes-client"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DATASET_TYPE = ox.NamedNode("http://www.w3.org/ns/dcat#Dataset")
OBJECT, DELETE = ox.NamedNode(str(AS.object)), ox.NamedNode(str(AS.Delete))
PUBLISHER = "https://datasets.procancer-i.example/id/data-office"
DATASET = "https://datasets.procancer-i.example/open-challenge-prostate-v1"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CLIENT.exists(), reason="ldes-client is not installed (run ./test)"),
]


@pytest.fixture(scope="module")
def feed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``registry serve --sample`` with 10 activities a fragment, and a token of the sample
    prostate dataset's publisher."""
    folder = tmp_path_factory.mktemp("feed-server")
    settings = {"REGISTRY_FEED_PAGE_SIZE": "10"}
    with running_server(folder / "store", settings=settings, sample=True) as url:
        accounts = Accounts(open_database(load_settings({"store": str(folder / "store")})))
        accounts.add_provider("procancer", PUBLISHER)
        yield url, accounts.new_token("procancer")


XSD = "http://www.w3.org/2001/XMLSchema#"
BARE_OBJECT = re.compile(rb"^(\S+ <[^>]*> )([^<\"_\s]\S*)( <[^>]*> \.)$", re.MULTILINE)


def spelled_out(match: re.Match[bytes]) -> bytes:
    """A literal the client printed the Turtle way (``true``, ``0.0005``) as N-Quads has it."""
    value = match.group(2)
    if value in (b"true", b"false"):
        kind = "boolean"
    else:
        kind = "double" if b"e" in value.lower() else "decimal" if b"." in value else "integer"
    return b'%s"%s"^^<%s%s>%s' % (match.group(1), value, XSD.encode(), kind.encode(), match.group(3))


def replicate(url: str) -> list[ox.Quad]:
    """Every member ldes-client emits for ``url``: it prints them as N-Quads lines, with
    booleans and numbers in Turtle's short form (N3.js's writer), spelled out here."""
    done = subprocess.run(
        [str(CLIENT), f"{url}/feed", "--no-shape"],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    printed = BARE_OBJECT.sub(spelled_out, done.stdout)
    return list(ox.parse(printed, format=ox.RdfFormat.N_QUADS))


def created(quads: list[ox.Quad]) -> dict[str, list[ox.Triple]]:
    """Dataset IRI -> the description carried in its activity's graph."""
    found: dict[str, list[ox.Triple]] = {}
    for quad in quads:
        if quad.predicate == RDF_TYPE and quad.object == DATASET_TYPE:
            assert isinstance(quad.subject, ox.NamedNode)
            graph = quad.graph_name
            found[quad.subject.value] = [q.triple for q in quads if q.graph_name == graph]
    return found


def test_ldes_client_reaches_every_sample_dataset_as_accepted(
    feed_server: tuple[str, str],
) -> None:
    url, _ = feed_server
    descriptions = created(replicate(url))
    for sample in SAMPLES:
        sent = formats.parse(sample.read_bytes(), formats.syntax_for_path(sample))
        [dataset] = [t.subject for t in sent if t.predicate == RDF_TYPE and t.object == DATASET_TYPE]
        assert isinstance(dataset, ox.NamedNode)
        assert dataset.value in descriptions, sample.name
        # As accepted, plus the dct:modified the registry stamps on a dataset that gives none.
        assert len(without_stamp(descriptions[dataset.value], dataset)) == len(sent), sample.name


def test_ldes_client_reads_a_withdrawal_as_an_as_delete(feed_server: tuple[str, str]) -> None:
    url, token = feed_server
    withdrawn = requests.delete(
        f"{url}/api/records/{record_id_for(DATASET)}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    quads = replicate(url)
    deletes = [q.subject for q in quads if q.predicate == RDF_TYPE and q.object == DELETE]
    assert [q.object for q in quads if q.subject in deletes and q.predicate == OBJECT] == [
        ox.NamedNode(DATASET)
    ]


def test_the_pinned_client_is_the_one_installed() -> None:
    lock = ROOT / "tests" / "e2e" / "ldes-client" / "package-lock.json"
    installed = CLIENT.parent.parent.parent / "package-lock.json"
    assert installed.read_bytes() == lock.read_bytes(), "run ./test to reinstall ldes-client"
    assert Path(CLIENT).resolve().is_file()

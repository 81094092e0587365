"""A provider workload for HTTP tests and benchmarks: generated records, their agents
registered in a store, and one provider account and token per publishing agent; a
``registry serve`` process on 127.0.0.1 to send them to, and the check that every record a
client saw acknowledged is there and whole (after SIGKILLs, say)."""

from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCTERMS

from registry.config import load_settings
from registry.database import open_database
from registry.rdf.namespaces import CIR
from registry.records.accounts import Accounts
from registry.records.layout import record_id_for
from registry.records.submission import submit
from registry.records.write import history_iri, read_state, version_iri
from registry.runtime import Registry, open_registry
from registry.synthetic.agents import agents
from registry.synthetic.records import records

PUBLISHER = ox.NamedNode(str(DCTERMS.publisher))


@dataclass(frozen=True)
class Submission:
    """One record to POST: its Turtle body, the token of its publisher, its record id."""

    body: bytes
    token: str
    record_id: str


def publisher_and_dataset(body: bytes) -> tuple[str, str]:
    triples = ox.parse(body, format=ox.RdfFormat.TURTLE)
    found = next(t for t in triples if t.predicate == PUBLISHER)
    return found.object.value, found.subject.value


def prepare(store: Path, base_iri: str, n: int, seed: int = 7) -> list[Submission]:
    """Register the generated agents in a new store and make an account per publisher;
    return ``n`` generated records to submit (the store is closed again)."""
    settings = load_settings({"store": str(store), "base_iri": base_iri})
    registry = open_registry(settings)
    for generated in agents():
        submit(registry.records, generated.data, generated.syntax)
    registry.close()
    del registry
    gc.collect()  # the embedded store is closed when its last reference goes
    accounts = Accounts(open_database(settings))
    tokens: dict[str, str] = {}
    submissions = []
    for record in records(n, seed):
        agent, dataset = publisher_and_dataset(record.data)
        if agent not in tokens:
            accounts.add_provider(f"provider-{len(tokens)}", agent)
            tokens[agent] = accounts.new_token(f"provider-{len(tokens)}")
        submissions.append(Submission(record.data, tokens[agent], record_id_for(dataset)))
    return submissions


def cpu_seconds(root: int) -> float:
    """CPU seconds (user + system) of process ``root`` and its descendants so far (Linux)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    family, todo = {root}, [root]
    while todo:
        parent = todo.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        family.update(children)
        todo.extend(children)
    return sum(times.get(pid, 0.0) for pid in family)


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (nearest rank); NaN when there are none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(
    store: Path,
    port: int,
    base_iri: str,
    settings: Mapping[str, str] | None = None,
    sample: bool = False,
) -> subprocess.Popen[bytes]:
    """Start ``registry serve`` on ``store`` at 127.0.0.1:``port`` (output discarded), with
    the sample catalogue if ``sample``; ``settings`` are extra ``REGISTRY_*`` variables by
    their lower-case names."""
    env = {
        **os.environ,
        "REGISTRY_STORE": str(store),
        "REGISTRY_PORT": str(port),
        "REGISTRY_BASE_IRI": base_iri,
        **{f"REGISTRY_{name.upper()}": value for name, value in (settings or {}).items()},
    }
    return subprocess.Popen(
        [sys.executable, "-m", "registry", "serve", *(["--sample"] if sample else [])],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    """Return once something listens on 127.0.0.1:``port``; raise if ``process`` exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"server exited early: {output}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


def inconsistencies(registry: Registry, record_ids: list[str], acknowledged: set[str]) -> list[str]:
    """Return what is wrong with each record: half-written or lost."""
    problems = []
    for record_id in record_ids:
        record = registry.layout.record_iri(record_id)
        state = read_state(registry.records, record)
        versions = registry.store.has_graph(version_iri(record, 1))
        events = registry.store.graph_triples(history_iri(record))
        searchable = registry.search.card(record_id) is not None
        if not state.exists:
            if versions or events:
                problems.append(f"{record_id}: history without a record")
            if searchable:
                problems.append(f"{record_id}: in the search index, not in the store")
            if record_id in acknowledged:
                problems.append(f"{record_id}: acknowledged, then lost")
            continue
        version = registry.store.graph_triples(version_iri(record, state.version))
        digest = ox.NamedNode(str(CIR.descriptionDigest))
        if state.version != 1 or not any(
            t.predicate == digest and t.object.value == state.digest  # type: ignore[union-attr]
            for t in version
        ):
            problems.append(f"{record_id}: current record and version {state.version} differ")
        if len(events) == 0:
            problems.append(f"{record_id}: no history event")
        if not searchable:
            problems.append(f"{record_id}: stored, but missing from the search index")
        if len(registry.store.graph_triples(record)) < 50:
            problems.append(f"{record_id}: current graph incomplete")
    return problems

"""A provider workload for HTTP tests and benchmarks: generated records, their agents
registered in a store, and one provider account and token per publishing agent."""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCTERMS

from registry.config import load_settings
from registry.records.accounts import Accounts
from registry.records.layout import record_id_for
from registry.records.submission import submit
from registry.runtime import open_registry
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
    accounts = Accounts(settings.accounts_path)
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

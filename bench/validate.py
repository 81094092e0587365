"""How long validating one description against the full profile takes, against a baseline.

Ours: ``Shapes.validate`` — shapes parsed and compiled once per access level, only the cited
concepts' vocabulary facts merged, pySHACL without inference, with the registry's speed-ups
of pySHACL and rdflib internals (``registry.profile.speedups``) and its selection of the
shapes that can fire (``registry.profile.selection``). Then the same records as one batch
through the validator processes (``registry.profile.pool``, one per core): the time per
record of the batch.
Baseline: pySHACL as published, ``pyshacl.validate(data, shacl_graph=<shapes graph>)`` with
the shapes of the record's access level parsed once (the usual way to call it), without the
registry's speed-ups; it gets the same merged vocabulary facts, so both answer the same
question. A second line, "plain", passes the shapes as text, re-parsed on every call. Both
are slow, so they run on a subset (``--baseline``; "plain" on a quarter of it).

Target: one record, median, at most 15 ms; a batch of 1,000 in a fraction of that each.

    .venv/bin/python -m bench.validate [--records 1000] [--baseline 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

import pyshacl
from rdflib import Graph

from bench.load import SAMPLE, variants
from registry.profile import speedups
from registry.profile.pool import ValidatorPool
from registry.profile.selection import ACCESS_LEVELS, access_level, select
from registry.profile.validation import load_profile, read_shapes
from registry.profile.vocabularies import Vocabularies
from registry.rdf import formats
from registry.records.loading import described_agents
from registry.resources import resource_dir


def records(count: int) -> list[Graph]:
    """Return ``count`` descriptions (copies of the samples with distinct IRIs) as graphs,
    each with the sample agents it cites, as the registry validates a submission."""
    copies = -(-count // len(list((SAMPLE / "datasets").iterdir())))
    agents = described_agents(sorted((SAMPLE / "agents").iterdir()))
    graphs = []
    for body, syntax in variants(copies)[:count]:
        graph = formats.to_rdflib(formats.parse(body, syntax))
        for agent in set(graph.objects()) & set(agents.subjects()):  # the agents it cites
            graph += agents.cbd(agent)
        graphs.append(graph)
    return graphs


def summary(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return (
        f"{name:<38} n={len(ms):>5}  median {statistics.median(ms):7.1f} ms"
        f"  p95 {p95:7.1f} ms  total {sum(ms) / 1000:6.2f} s"
    )


def plain_pyshacl(
    merged: list[Graph], baseline: int
) -> tuple[list[float], list[bool], list[float]]:
    """Time pySHACL as published: the plain call on a quarter of ``baseline`` records, and
    the call with parsed shapes (the baseline) on ``baseline`` records, returning its times
    and verdicts.

    Both get the rules ``Shapes`` uses: the shapes of each record's access level.
    """
    shapes_graph, _ = read_shapes(resource_dir("shapes"))
    level_graph = {level: select(shapes_graph, level) for level in (*ACCESS_LEVELS, None)}
    level_text = {level: graph.serialize(format="turtle") for level, graph in level_graph.items()}
    options: dict[str, Any] = {"inference": "none", "allow_warnings": True, "allow_infos": True}
    plain = []
    for graph in merged[: max(1, baseline // 4)]:
        shapes_text = level_text[access_level(graph)]
        t0 = time.perf_counter()
        pyshacl.validate(graph, shacl_graph=shapes_text, shacl_graph_format="turtle", **options)
        plain.append(time.perf_counter() - t0)
    # The baseline: the level's shapes parsed once and passed as a graph.
    tuned, verdicts = [], []
    for graph in merged[:baseline]:
        t0 = time.perf_counter()
        conforms, _, _ = pyshacl.validate(
            graph, shacl_graph=level_graph[access_level(graph)], **options
        )
        tuned.append(time.perf_counter() - t0)
        verdicts.append(bool(conforms))
    return plain, verdicts, tuned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=40)
    args = parser.parse_args()
    graphs = records(args.records)
    vocabularies = Vocabularies.load(resource_dir("ontology"))
    merged = [vocabularies.background_for(graph) for graph in graphs]

    # The speed-ups patch pySHACL and rdflib for the whole process, and for good: building
    # Shapes (load_profile) applies them. So pySHACL as published is timed first, before
    # anything builds Shapes, and the check reads the patched modules themselves, so a
    # change that applies them earlier fails here instead of quietly flattering the
    # baseline. (A subprocess would isolate it too, but would need every record sent
    # across; nothing applies the speed-ups on import, so running first is enough.)
    if speedups.applied():
        raise SystemExit("the speed-ups are already applied: the baseline would not be plain")
    plain, plain_verdicts, tuned = plain_pyshacl(merged, args.baseline)

    started = time.perf_counter()
    shapes = load_profile()
    print(
        f"profile loaded once in {time.perf_counter() - started:.2f} s "
        f"({len(shapes.graph)} shape triples, "
        f"{len(shapes.vocabularies.membership) if shapes.vocabularies else 0} concepts)"
    )
    ours, ours_cpu, verdicts = [], [], []
    for graph in graphs:
        t0, c0 = time.perf_counter(), time.process_time()
        verdicts.append(shapes.validate(graph).conforms)
        ours.append(time.perf_counter() - t0)
        ours_cpu.append(time.process_time() - c0)
    agree = sum(a == b for a, b in zip(plain_verdicts, verdicts, strict=False))

    pool = ValidatorPool(os.cpu_count() or 1).start()
    pool.ready()
    t0 = time.perf_counter()
    batch = pool.validate_many([(graph, None) for graph in graphs])
    batched = (time.perf_counter() - t0) / len(graphs)
    pool.close()
    same = sum(a.conforms == b for a, b in zip(batch, verdicts, strict=True))

    print(summary("registry (Shapes.validate)", ours))
    print(summary("registry, CPU time of the same calls", ours_cpu))
    print(summary("baseline (pyshacl, parsed shapes graph)", tuned))
    print(summary("plain (pyshacl, shapes as text)", plain))
    print(
        f"registry batch of {len(graphs)} in {os.cpu_count()} validator processes: "
        f"{batched * 1000:.1f} ms a record ({len(graphs) / (batched * len(graphs)):.0f} "
        f"records/s; verdicts as one by one on {same}/{len(graphs)})"
    )
    print(
        f"median ratio baseline/registry: "
        f"{statistics.median(tuned) / statistics.median(ours):.1f}x one by one, "
        f"{statistics.median(tuned) / batched:.1f}x in a batch; "
        f"verdicts agree on {agree}/{len(tuned)}; "
        f"{sum(verdicts)}/{len(verdicts)} records conform"
    )


if __name__ == "__main__":
    main()

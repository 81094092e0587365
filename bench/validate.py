"""How long validating one description against the full profile takes, against a baseline.

Ours: ``Shapes.validate`` — shapes parsed and compiled once per access level, only the cited
concepts' vocabulary facts merged, pySHACL without inference, with the registry's speed-ups
of pySHACL and rdflib internals (``registry.profile.speedups``).
Baseline: pySHACL as published, called the plain way,
``pyshacl.validate(data, shacl_graph=<shapes text>)`` with the shapes of the record's access
level, which re-parses the shapes on every call; it gets the same merged vocabulary facts, so
both answer the same question. It is slow, so it runs on a subset (``--baseline``). A third
line, "tuned", passes the parsed shapes graph instead (the usual way to speed pySHACL up),
also without the registry's speed-ups.

    .venv/bin/python -m bench.validate [--records 1000] [--baseline 30]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import pyshacl
from rdflib import Graph

from bench.load import SAMPLE, variants
from registry.profile import speedups
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
    """Time pySHACL as published: the plain call on ``baseline`` records (returning its times
    and verdicts), and the tuned call on four times as many.

    Both get the rules ``Shapes`` uses: the shapes of each record's access level.
    """
    shapes_graph, _ = read_shapes(resource_dir("shapes"))
    level_graph = {level: select(shapes_graph, level) for level in (*ACCESS_LEVELS, None)}
    level_text = {level: graph.serialize(format="turtle") for level, graph in level_graph.items()}
    options: dict[str, Any] = {"inference": "none", "allow_warnings": True, "allow_infos": True}
    plain, verdicts = [], []
    for graph in merged[:baseline]:
        shapes_text = level_text[access_level(graph)]
        t0 = time.perf_counter()
        conforms, _, _ = pyshacl.validate(
            graph, shacl_graph=shapes_text, shacl_graph_format="turtle", **options
        )
        plain.append(time.perf_counter() - t0)
        verdicts.append(bool(conforms))
    # The usual tuned way: the level's shapes parsed once and passed as a graph.
    tuned = []
    for graph in merged[: baseline * 4]:
        t0 = time.perf_counter()
        pyshacl.validate(graph, shacl_graph=level_graph[access_level(graph)], **options)
        tuned.append(time.perf_counter() - t0)
    return plain, verdicts, tuned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=30)
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
    ours, verdicts = [], []
    for graph in graphs:
        t0 = time.perf_counter()
        verdicts.append(shapes.validate(graph).conforms)
        ours.append(time.perf_counter() - t0)
    agree = sum(a == b for a, b in zip(plain_verdicts, verdicts, strict=False))

    print(summary("registry (Shapes.validate)", ours))
    print(summary("tuned (pyshacl, parsed shapes graph)", tuned))
    print(summary("baseline (pyshacl.validate, plain)", plain))
    print(
        f"median ratio baseline/registry: "
        f"{statistics.median(plain) / statistics.median(ours):.1f}x; "
        f"verdicts agree on {agree}/{len(plain)}; "
        f"{sum(verdicts)}/{len(verdicts)} records conform"
    )


if __name__ == "__main__":
    main()

"""The baseline every write bench prints beside its figure: plain pySHACL, shapes parsed once.

Each generated record is merged with the agents it cites and the vocabulary facts of the
concepts it cites (what the registry validates), then validated one at a time by
``pyshacl.validate`` as published, with its access level's shapes parsed once into a graph
(``selection.select``): none of the registry's speed-ups, pools or selections. The speed-ups
patch pySHACL for a whole process, so the baseline runs in a fresh interpreter that never
builds ``Shapes`` and checks that they are not applied.

    .venv/bin/python -m bench.plain [--records 40]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyshacl
from rdflib import Graph

from registry.profile import speedups
from registry.profile.selection import ACCESS_LEVELS, access_level, select
from registry.profile.validation import read_shapes
from registry.profile.vocabularies import Vocabularies
from registry.rdf import formats
from registry.resources import resource_dir
from registry.synthetic.agents import agents
from registry.synthetic.records import records

ROOT = Path(__file__).resolve().parent.parent


def merged_records(n: int, seed: int = 7) -> list[Graph]:
    """Generated records 0..n-1, each merged with the generated agents it cites and the
    vocabulary facts it needs, as ``Shapes.validate`` merges them."""
    vocabularies = Vocabularies.load(resource_dir("ontology"))
    by_iri: dict[str, list[Any]] = {}
    for agent in agents():
        triples = formats.parse(agent.data, agent.syntax)
        for subject in {t.subject for t in triples}:
            by_iri[getattr(subject, "value", "")] = triples
    graphs = []
    for record in records(n, seed):
        triples = formats.parse(record.data, record.syntax)
        cited = {str(getattr(t.object, "value", "")) for t in triples} & by_iri.keys()
        known = formats.to_rdflib(t for iri in sorted(cited) for t in by_iri[iri])
        graphs.append(vocabularies.background_for(formats.to_rdflib(triples), known))
    return graphs


def plain_seconds(n: int) -> list[float]:
    """Seconds plain pySHACL takes on each of ``n`` records, one at a time (this process
    must not have built ``Shapes``)."""
    if speedups.applied():
        raise RuntimeError("the speed-ups are applied: the baseline would not be plain")
    shapes, _ = read_shapes(resource_dir("shapes"))
    levels = {level: select(shapes, level) for level in (*ACCESS_LEVELS, None)}
    options: dict[str, Any] = {"inference": "none", "allow_warnings": True, "allow_infos": True}
    seconds = []
    for graph in merged_records(n):
        started = time.perf_counter()
        pyshacl.validate(graph, shacl_graph=levels[access_level(graph)], **options)
        seconds.append(time.perf_counter() - started)
    return seconds


def measure(n: int = 40) -> dict[str, float]:
    """Run the baseline in a fresh interpreter; its median seconds and records/s."""
    answer = subprocess.run(
        [sys.executable, "-m", "bench.plain", "--records", str(n), "--json"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    result: dict[str, float] = json.loads(answer.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=40)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    seconds = plain_seconds(args.records)
    figures = {
        "median": statistics.median(seconds),
        "rate": len(seconds) / sum(seconds),
        "records": len(seconds),
    }
    if args.json:
        json.dump(figures, sys.stdout)
    else:
        print(
            f"plain pySHACL, shapes parsed once: median {figures['median'] * 1000:.1f} ms, "
            f"{figures['rate']:.1f} records/s one at a time ({args.records} records)"
        )


if __name__ == "__main__":
    main()

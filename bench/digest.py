"""How long a record's digest and a diff of two versions take, on the samples and on the
inputs that made rdflib's ``to_isomorphic`` exponential (issue "Hardening").

Ours: ``registry.rdf.canonical`` (tree hashes, refinement with a bounded search).
Baseline: ``rdflib.compare.to_isomorphic(graph).graph_digest()``, as records were digested
before, each case in a child process stopped after ``--timeout`` seconds.

    .venv/bin/python -m bench.digest [--timeout 30]
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib.compare import to_isomorphic

from registry.rdf import formats
from registry.rdf.canonical import canonical

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "data" / "sample").rglob("*.*"))
P = ox.NamedNode("http://example.org/p")


def identical(count: int) -> list[ox.Triple]:
    """``count`` times ``[] <p> "x"``."""
    return [ox.Triple(ox.BlankNode(f"b{i}"), P, ox.Literal("x")) for i in range(count)]


def chain(depth: int) -> list[ox.Triple]:
    """``[] <p> [ <p> [ ... ] ]``, ``depth`` blank nodes deep."""
    return [ox.Triple(ox.BlankNode(f"b{i}"), P, ox.BlankNode(f"b{i + 1}")) for i in range(depth)]


def ring(count: int) -> list[ox.Triple]:
    """A cycle of ``count`` blank nodes: every node alike, so the search must branch."""
    return [
        ox.Triple(ox.BlankNode(f"b{i}"), P, ox.BlankNode(f"b{(i + 1) % count}"))
        for i in range(count)
    ]


def old_digest(triples: list[ox.Triple]) -> str:
    return format(to_isomorphic(formats.to_rdflib(triples)).graph_digest(), "x")


def new_digest(triples: list[ox.Triple]) -> str:
    return canonical(triples).digest


def _run(function: Callable[[list[ox.Triple]], str], triples: list[ox.Triple], out: object) -> None:
    start = time.perf_counter()
    try:
        function(triples)
        out.put(f"{time.perf_counter() - start:8.3f} s")  # type: ignore[attr-defined]
    except Exception as error:  # noqa: BLE001 - a refusal is an outcome to report
        out.put(f"{time.perf_counter() - start:8.3f} s ({type(error).__name__})")  # type: ignore[attr-defined]


def timed(
    function: Callable[[list[ox.Triple]], str], triples: list[ox.Triple], timeout: float
) -> str:
    """Run ``function`` in a child process; its time, or "> timeout"."""
    queue: multiprocessing.Queue[str] = multiprocessing.Queue()
    child = multiprocessing.Process(target=_run, args=(function, triples, queue))
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        return f"> {timeout:5.0f} s (stopped)"
    return queue.get()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    base = "http://registry.bench/"
    samples = [formats.parse(p.read_bytes(), formats.syntax_for_path(p), base) for p in SAMPLES]
    cases: list[tuple[str, list[list[ox.Triple]]]] = [
        (f"{len(samples)} sample files, all", samples),
        ("45 x [] <p> \"x\"", [identical(45)]),
        ("10,000 x [] <p> \"x\"", [identical(10_000)]),
        ("chain 400 deep", [chain(400)]),
        ("chain 10,000 deep", [chain(10_000)]),
        ("ring of 16 blank nodes", [ring(16)]),
    ]
    print(f"{'input':<32} {'rdflib to_isomorphic':>24} {'canonical':>24}")
    for name, graphs in cases:
        old = timed(lambda gs: [old_digest(g) for g in gs], graphs, args.timeout)  # type: ignore[arg-type, return-value]
        new = timed(lambda gs: [new_digest(g) for g in gs], graphs, args.timeout)  # type: ignore[arg-type, return-value]
        print(f"{name:<32} {old:>24} {new:>24}", flush=True)


if __name__ == "__main__":
    main()

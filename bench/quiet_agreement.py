"""The quiet check (``registry.profile.quiet``) against pySHACL running every shape.

For every description of ``bench.engines.cases`` (every sample, every file in
``data/invalid``, the agreement suite's mutants when present, and ``--generated`` records of
``registry generate``), validates it twice with the registry's profile: with the check (the
default path) and with it switched off (pySHACL evaluates every shape). They must give the
same results, messages included, and isomorphic ``sh:ValidationReport`` graphs.

    .venv/bin/python -m bench.quiet_agreement [--generated 10000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Graph
from rdflib.compare import isomorphic

from bench.engines import cases
from registry.profile.results import Report
from registry.profile.validation import Shapes, load_profile


@dataclass(frozen=True)
class Compared:
    name: str
    quiet: Report
    full: Report
    seconds: tuple[float, float]
    """CPU time with the check, without it."""

    @property
    def same(self) -> bool:
        return self.quiet.results == self.full.results and isomorphic(
            self.quiet.graph, self.full.graph
        )


def validate_both(shapes: Shapes, merged: Graph) -> tuple[Report, Report, float, float]:
    """``merged`` validated with the quiet check and without (each on its own copy: pySHACL
    validates in place)."""
    selection = shapes.prepare()
    try:
        selection.use_quiet_check(True)
        t0 = time.process_time()
        quiet = shapes.validate_merged(merged + Graph())
        t1 = time.process_time()
        selection.use_quiet_check(False)
        full = shapes.validate_merged(merged + Graph())
        t2 = time.process_time()
    finally:
        selection.use_quiet_check(True)
    return quiet, full, t1 - t0, t2 - t1


def compared(shapes: Shapes, generated: int) -> Iterator[Compared]:
    for case in cases(shapes, generated):
        quiet, full, fast, slow = validate_both(shapes, case.merged)
        yield Compared(case.name, quiet, full, (fast, slow))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--generated", type=int, default=1000)
    parser.add_argument("--show", type=int, default=5)
    args = parser.parse_args()
    shapes = load_profile()
    total, different, fast, slow = 0, [], [], []
    for result in compared(shapes, args.generated):
        total += 1
        fast.append(result.seconds[0])
        slow.append(result.seconds[1])
        if not result.same:
            different.append(result.name)
    print(
        f"{total} descriptions: {total - len(different)} agree, {len(different)} differ; "
        f"median CPU {statistics.median(fast) * 1000:.1f} ms with the quiet check, "
        f"{statistics.median(slow) * 1000:.1f} ms without "
        f"({statistics.median(slow) / statistics.median(fast):.2f}x)"
    )
    for name in different[: args.show]:
        print(f"    differs: {name}")
    if different:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

"""Rust SHACL engines from PyPI against pySHACL on the profile: do they agree, how fast are they.

    .venv/bin/python -m bench.engines [--generated 10000]

Each engine present in the environment (none is a dependency of the registry: install the
ones to compare, e.g. ``pip install pyshacl-turbo pyrudof pyshifty shacl shacl-rust``) gets
the same input as pySHACL inside ``Shapes.validate``: a description merged with the agents it
cites and the vocabulary facts of the concepts it cites, and the shapes of its access level
(``selection.select``, unpruned). For every description the engine must give pySHACL's
verdict and the same multiset of (focus, path, severity) over the top-level results (a blank
focus node counts as ``_:``). The cases: every sample file, every file in ``data/invalid``,
the agreement suite's example and mutants (when ``../shared/reference`` is there) and
``--generated`` records of ``registry generate``.

Adopting an engine needs full agreement; the output says, per engine, how many descriptions
agree, the first disagreements, and the median time per description against pySHACL's.
"""

from __future__ import annotations

import argparse
import importlib
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, URIRef

from registry.profile.selection import ACCESS_LEVELS, access_level, select
from registry.profile.validation import Shapes, load_profile, results_of
from registry.rdf import formats
from registry.rdf.namespaces import compact
from registry.resources import resource_dir
from registry.synthetic.agents import agents
from registry.synthetic.records import records

BASE = "http://registry.test/"
Key = tuple[str, str | None, str]
"""(focus, path, severity) of one top-level result; a blank focus node is ``_:``."""


@dataclass(frozen=True)
class Case:
    name: str
    merged: Graph
    """The description with what it cites, as ``Shapes.validate`` hands it to pySHACL."""
    level: URIRef | None


def keys(results: Any) -> Counter[Key]:
    """The comparable multiset of a report's results."""
    return Counter(
        ("_:" if r.focus.startswith("_:") else r.focus, plain_path(r.path), r.severity)
        for r in results
    )


def cited(graph: Graph, known: Graph) -> Graph:
    """The descriptions in ``known`` of the IRIs ``graph`` cites (registered agents), with
    the nodes they describe (an agent's contact point may be an IRI of its own)."""
    found = Graph()
    todo = list(set(graph.objects()) & set(known.subjects()))
    while todo:
        node = todo.pop()
        for triple in known.triples((node, None, None)):
            if triple not in found:
                found.add(triple)
                if (triple[2], None, None) in known:
                    todo.append(triple[2])
    return found


def cases(shapes: Shapes, generated: int) -> Iterator[Case]:
    """Every description the comparison covers, merged as the registry validates it."""
    assert shapes.vocabularies is not None
    data = resource_dir("data")
    sample_agents = Graph()
    for path in sorted((data / "sample" / "agents").iterdir()):
        triples = formats.parse(path.read_bytes(), formats.syntax_for_path(path))
        sample_agents += formats.to_rdflib(triples)
    files = sorted(p for p in (data / "sample").rglob("*") if p.is_file())
    files += sorted((data / "invalid").iterdir())
    for path in files:
        # Relative IRIs (``<catalog>``) resolve as a submission's do, against the base.
        triples = formats.parse(path.read_bytes(), formats.syntax_for_path(path), base_iri=BASE)
        graph = formats.to_rdflib(triples)
        merged = shapes.vocabularies.background_for(graph, cited(graph, sample_agents))
        yield Case(str(path.relative_to(data)), merged, access_level(merged))
    yield from mutant_cases(shapes)
    generated_agents = Graph()
    for agent in agents():
        generated_agents += formats.to_rdflib(formats.parse(agent.data, agent.syntax))
    for record in records(generated, seed=7):
        graph = formats.to_rdflib(formats.parse(record.data, record.syntax))
        merged = shapes.vocabularies.background_for(graph, cited(graph, generated_agents))
        yield Case(f"generated/{record.path}", merged, access_level(merged))


def mutant_cases(shapes: Shapes) -> Iterator[Case]:
    """The agreement suite's example and its mutants, if the reference files are there."""
    assert shapes.vocabularies is not None
    # Imported here: the bench runs from a clone, where ``tests`` is a package. (The path was
    # ``tests.agreement`` before the tests were re-housed, and an ImportError skipped every
    # mutant without a word.)
    mutants = importlib.import_module("tests.profile.agreement.mutants")
    official = importlib.import_module("tests.profile.agreement.official")
    if not official.EXAMPLE.exists():
        return
    original = mutants.example(official.EXAMPLE)
    for mutant in (mutants.Mutant("example", lambda graph: None), *mutants.MUTANTS):
        merged = shapes.vocabularies.background_for(mutant.apply(original))
        yield Case(f"mutant/{mutant.name}", merged, access_level(merged))


Engine = Callable[[Graph, URIRef | None], tuple[bool, Counter[Key]]]


def report_engine(validate: Callable[[Graph, Graph], Any], shapes: dict[Any, Graph]) -> Engine:
    """An engine with pySHACL's ``validate(data, shacl_graph=...)`` returning a report graph."""

    def run(data: Graph, level: URIRef | None) -> tuple[bool, Counter[Key]]:
        conforms, report, _ = validate(data, shapes[level])
        return bool(conforms), keys(results_of(report))

    return run


def turbo(shapes: dict[Any, Graph]) -> Engine:
    module = importlib.import_module("pyshacl_turbo")
    options = {"inference": "none", "allow_warnings": True, "allow_infos": True}
    return report_engine(lambda d, s: module.validate(d, shacl_graph=s, **options), shapes)


def shifty(shapes: dict[Any, Graph]) -> Engine:
    """``pyshifty``: pySHACL's call without its options; no SHACL-AF inference (as ours)."""
    module = importlib.import_module("shifty")
    return report_engine(lambda d, s: module.validate(d, s, infer=False), shapes)


def shacl_rs(shapes: dict[Any, Graph]) -> Engine:
    """``shacl`` (PyPI): compiled shapes, N-Triples data, results as plain values."""
    module = importlib.import_module("shacl")
    compiled = {
        level: module.Shapes.from_turtle(graph.serialize(format="turtle"))
        for level, graph in shapes.items()
    }

    def run(data: Graph, level: URIRef | None) -> tuple[bool, Counter[Key]]:
        report = compiled[level].validate_text(
            data.serialize(format="nt"), format="ntriples", allow_warnings=True
        )
        found: Counter[Key] = Counter()
        for r in report.results:
            found[(plain(r.focus_node), plain_path(r.path), r.severity)] += 1
        violations = any(r.severity == "Violation" for r in report.results)
        return not violations, found

    return run


def shacl_rust(shapes: dict[Any, Graph]) -> Engine:
    """``shacl-rust`` (PyPI): Turtle in, a dict out."""
    module = importlib.import_module("shacl_rust")
    texts = {level: g.serialize(format="turtle") for level, g in shapes.items()}

    def run(data: Graph, level: URIRef | None) -> tuple[bool, Counter[Key]]:
        report = module.validate(data.serialize(format="nt"), texts[level], data_format="nt")
        found: Counter[Key] = Counter()
        for r in report["results"]:
            severity = r["severity"].rsplit("#", 1)[-1].rstrip(">")
            found[(plain(r["focusNode"]), plain_path(r.get("resultPath")), severity)] += 1
        violations = any(k[2] == "Violation" for k in found)
        return not violations, found

    return run


def rudof(shapes: dict[Any, Graph]) -> Engine:
    """``pyrudof``: a session per call, the report read back as Turtle."""
    module = importlib.import_module("pyrudof")
    texts = {level: g.serialize(format="turtle") for level, g in shapes.items()}

    def run(data: Graph, level: URIRef | None) -> tuple[bool, Counter[Key]]:
        session = module.Rudof(module.RudofConfig())
        session.read_data(data.serialize(format="nt"), format=module.RDFFormat.NTriples)
        session.read_shacl(texts[level])
        session.validate_shacl()
        text = session.serialize_shacl_validation_results(
            format=module.ResultShaclValidationFormat.Turtle
        )
        report = Graph().parse(data=text, format="turtle")
        found = keys(results_of(report))
        return not any(k[2] == "Violation" for k in found), found

    return run


def plain(term: str) -> str:
    """An N-Triples IRI or blank node as ``Result.focus`` writes it."""
    if term.startswith("_:"):
        return "_:"
    return term[1:-1] if term.startswith("<") else term


def plain_path(path: str | None) -> str | None:
    """A SPARQL path as ``Result.path`` writes it: a predicate's IRI; a complex path with
    compact IRIs, no spaces."""
    if path is None:
        return None
    if path.startswith("<") and path.endswith(">") and path.count("<") == 1:
        return path[1:-1]
    return re.sub(r"<([^>]*)>", lambda m: compact(m.group(1)), path).replace(" ", "")


ENGINES: dict[str, Callable[[dict[Any, Graph]], Engine]] = {
    "pyshacl-turbo": turbo,
    "pyshifty": shifty,
    "shacl": shacl_rs,
    "shacl-rust": shacl_rust,
    "pyrudof": rudof,
}


def describe(difference: Counter[Key]) -> str:
    return "; ".join(
        f"{'+' if n > 0 else '-'}{abs(n)} {k[2]} {k[0]} {compact(k[1] or '')}"
        for k, n in sorted(difference.items(), key=str)
        if n
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--generated", type=int, default=1000)
    parser.add_argument("--show", type=int, default=5, help="disagreements shown per engine")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated names")
    args = parser.parse_args()
    shapes = load_profile()
    level_shapes = {level: select(shapes.graph, level) for level in (*ACCESS_LEVELS, None)}
    engines: dict[str, Engine] = {}
    for name, build in ENGINES.items():
        if name not in args.engines.split(","):
            continue
        try:
            engines[name] = build(level_shapes)
        except Exception as error:  # noqa: BLE001 - an engine that cannot start is reported
            print(f"{name}: not compared ({type(error).__name__}: {str(error)[:200]})")
    timings: dict[str, list[float]] = {name: [] for name in ("pySHACL", *engines)}
    agree = Counter[str]()
    failed = Counter[str]()
    shown: dict[str, list[str]] = {name: [] for name in engines}
    total = 0
    for case in cases(shapes, args.generated):
        total += 1
        t0 = time.perf_counter()
        reference = shapes.validate_merged(case.merged)
        timings["pySHACL"].append(time.perf_counter() - t0)
        expected = keys(reference.results)
        for name, engine in engines.items():
            t0 = time.perf_counter()
            try:
                conforms, found = engine(case.merged, case.level)
            except Exception as error:  # noqa: BLE001 - counted as a disagreement
                failed[name] += 1
                if len(shown[name]) < args.show:
                    shown[name].append(f"{case.name}: {type(error).__name__}: {str(error)[:160]}")
                continue
            timings[name].append(time.perf_counter() - t0)
            if conforms == reference.conforms and found == expected:
                agree[name] += 1
            elif len(shown[name]) < args.show:
                difference = Counter(found)
                difference.subtract(expected)
                verdict = ""
                if conforms != reference.conforms:
                    verdict = f"verdict {conforms} vs {reference.conforms}; "
                shown[name].append(f"{case.name}: {verdict}{describe(difference)[:400]}")
    base = statistics.median(timings["pySHACL"]) * 1000
    print(f"{total} descriptions; pySHACL (Shapes.validate) median {base:.1f} ms")
    for name in engines:
        median = statistics.median(timings[name]) * 1000 if timings[name] else float("nan")
        print(
            f"{name:<14} agrees on {agree[name]}/{total}, errors on {failed[name]}, "
            f"median {median:.1f} ms ({base / median:.1f}x pySHACL)"
        )
        for line in shown[name]:
            print(f"    {line}")


if __name__ == "__main__":
    main()

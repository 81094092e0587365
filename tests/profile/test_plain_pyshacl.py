"""``Shapes.validate`` says what pySHACL as published says, result by result.

Every speed-up (the patches of ``speedups``, the compiled sets of ``selection`` with their
switched-off optional shapes and frozen shapes graphs) must leave each result as it was. A
fresh interpreter, which never builds ``Shapes`` and so runs pySHACL unpatched, validates
the same merged descriptions with each access level's complete shapes; the results must
be equal, messages included, on every sample, every invalid example and generated records.
They are compared on the report graph, which stays pySHACL's: the results a provider reads
are then worded (``messages.Wording``), which keeps the verdict and the node and property of
every Violation, as the last test holds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from registry.profile.selection import access_level
from registry.profile.validation import Shapes, load_profile, results_of
from registry.rdf import formats
from registry.synthetic.agents import agents
from registry.synthetic.records import records
from tests.conftest import AGENTS, BASE_IRI, INVALID, ROOT, SAMPLE_FILES

GENERATED = 40

PLAIN = """
import json, sys
from pathlib import Path
import pyshacl
from rdflib import Graph, URIRef
from registry.profile import speedups
from registry.profile.selection import ACCESS_LEVELS, select
from registry.profile.validation import read_shapes, results_of
from registry.resources import resource_dir

shapes, _ = read_shapes(resource_dir("shapes"))
levels = {str(level): select(shapes, level) for level in ACCESS_LEVELS}
levels[""] = select(shapes, None)
answers = []
for line in sys.stdin:
    case = json.loads(line)
    data = Graph().parse(data=case["data"], format="nt")
    _, report, _ = pyshacl.validate(
        data, shacl_graph=levels[case["level"]], inference="none",
        allow_warnings=True, allow_infos=True,
    )
    answers.append([r.to_dict() for r in results_of(report)])
assert not speedups.applied()
json.dump(answers, sys.stdout)
"""


def comparable(results: list[dict[str, Any]]) -> list[str]:
    """Results as sorted JSON, blank node labels (not kept by N-Triples) blanked."""
    blanked = [
        {k: "_:" if isinstance(v, str) and v.startswith("_:") else v for k, v in r.items()}
        for r in results
    ]
    return sorted(json.dumps(r, sort_keys=True) for r in blanked)


def registered(paths: list[Path] | None = None) -> Graph:
    """The sample agents, or the generated ones, as one graph (the registered agents)."""
    graph = Graph()
    for path in paths or []:
        graph += formats.to_rdflib(formats.parse(path.read_bytes(), formats.syntax_for_path(path)))
    if paths is None:
        for agent in agents():
            graph += formats.to_rdflib(formats.parse(agent.data, agent.syntax))
    return graph


def descriptions(shapes: Shapes) -> list[tuple[str, Graph]]:
    """(name, merged description) of every case, merged as ``Shapes.validate`` merges."""
    found = []
    sample_agents, generated_agents = registered(AGENTS), registered()
    for path in [*SAMPLE_FILES, *INVALID]:
        triples = formats.parse(path.read_bytes(), formats.syntax_for_path(path), BASE_IRI)
        found.append((path.name, shapes.merge(formats.to_rdflib(triples), sample_agents)))
    for record in records(GENERATED, seed=3):
        triples = formats.parse(record.data, record.syntax)
        found.append((record.path, shapes.merge(formats.to_rdflib(triples), generated_agents)))
    return found


Results = list[dict[str, Any]]


@pytest.fixture(scope="module")
def plain_and_ours() -> list[tuple[str, Results, Results, Results]]:
    """Per case: its name, plain pySHACL's results, ours from the report graph, ours worded."""
    shapes = load_profile()
    cases = descriptions(shapes)
    lines = "".join(
        json.dumps(
            {"data": graph.serialize(format="nt"), "level": str(access_level(graph) or "")}
        )
        + "\n"
        for _, graph in cases
    )
    answer = subprocess.run(
        [sys.executable, "-c", PLAIN], input=lines, capture_output=True, text=True, cwd=ROOT,
        check=True,
    )
    plain = json.loads(answer.stdout)
    reports = [shapes.validate_merged(graph) for _, graph in cases]
    return [
        (
            name,
            p,
            [r.to_dict() for r in results_of(report.graph)],
            [r.to_dict() for r in report.results],
        )
        for (name, _), p, report in zip(cases, plain, reports, strict=True)
    ]


def test_every_result_is_plain_pyshacls(plain_and_ours) -> None:
    differ = [name for name, plain, ours, _ in plain_and_ours if comparable(plain) != comparable(ours)]
    assert differ == []


def test_the_cases_include_refusals_and_acceptances(plain_and_ours) -> None:
    verdicts = {any(r["severity"] == "Violation" for r in ours) for _, _, ours, _ in plain_and_ours}
    assert verdicts == {True, False}


def refused(results: Results) -> set[tuple[str, str | None]]:
    """The (node, property) pairs of the Violations, blank nodes blanked."""
    return {
        ("_:" if r["focusNode"].startswith("_:") else r["focusNode"], r["path"])
        for r in results
        if r["severity"] == "Violation"
    }


def test_the_worded_results_keep_every_violation(plain_and_ours) -> None:
    differ = [name for name, plain, _, worded in plain_and_ours if refused(plain) != refused(worded)]
    assert differ == []

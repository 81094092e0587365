"""A validation result as a value: ``Report`` (conforms, results, the ``sh:ValidationReport``
graph, a text form), which the CLI, the API, the HTML pages and the tests all read."""

from __future__ import annotations

import functools
import pickle
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph

from registry.rdf.namespaces import compact


@dataclass(frozen=True)
class Result:
    """One ``sh:ValidationResult`` in plain values."""

    severity: str
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "focusNode": self.focus,
            "path": self.path,
            "value": self.value,
            "message": self.message,
            "sourceShape": self.shape,
        }


@dataclass(frozen=True)
class Report:
    """The outcome of validating one description: conforming means no Violation."""

    results: tuple[Result, ...]
    source: Graph | bytes = field(repr=False, compare=False)
    """The ``sh:ValidationReport`` graph, or its triples pickled by a validator process."""

    @functools.cached_property
    def graph(self) -> Graph:
        """The ``sh:ValidationReport`` graph (unpickled on first use when it came from a
        validator process: most reports are only read as results)."""
        if isinstance(self.source, Graph):
            return self.source
        graph = Graph()
        for triple in pickle.loads(self.source):
            graph.add(triple)
        return graph

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def to_dict(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [r.to_dict() for r in self.results],
        }

    def text(self) -> str:
        """Return the report as lines a person reads in a terminal."""
        if not self.results:
            return "Conforms: no violations, no warnings."
        lines = [
            f"{'Conforms' if self.conforms else 'Does not conform'}: "
            f"{len(self.violations)} violation(s), {len(self.warnings)} warning(s)."
        ]
        for r in self.results:
            where = f" {compact(r.path)}" if r.path else ""
            value = f" (value: {r.value})" if r.value else ""
            focus = r.focus if r.focus.startswith("_:") else f"<{r.focus}>"
            lines.append(f"  {r.severity}: {focus}{where}{value}\n    {r.message}")
        return "\n".join(lines)

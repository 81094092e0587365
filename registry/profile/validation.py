"""SHACL validation of a description against the profile's shapes.

The shapes are parsed once (``Shapes.load``) and reused; a validation result is a value
(``Report``) that the CLI, the API, the HTML pages and the tests all read.
"""

from __future__ import annotations

import copy
import functools
import itertools
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from pyshacl import Validator
from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError
from pyshacl.graph_abstraction import DataGraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SH
from rdflib.term import Node

from registry.errors import ProfileError
from registry.metrics import VALIDATED_RECORDS, VALIDATION_SECONDS
from registry.profile import speedups
from registry.profile.code_lists import CodeLists
from registry.profile.constraints import path_text
from registry.profile.messages import Wording
from registry.profile.results import Report, Result
from registry.profile.selection import ACCESS_LEVELS, ShapeSelection
from registry.profile.vocabularies import Triples, Vocabularies
from registry.rdf.namespaces import CIR

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


def _text(node: Node | None) -> str | None:
    return None if node is None else str(node)


def _node(node: Node | None) -> str:
    """A focus node: its IRI, or ``_:id`` for a blank node."""
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _path(report_graph: Graph, path: Node | None) -> str | None:
    """A result's path: the predicate IRI, or a complex path in SPARQL syntax (not a blank
    node id a provider cannot use)."""
    if isinstance(path, BNode):
        return path_text(report_graph, path)
    return _text(path)


def results_of(report_graph: Graph) -> tuple[Result, ...]:
    results = []
    for node in report_graph.subjects(RDF.type, SH.ValidationResult):
        # Nested results (sh:detail) are explained by their parent; report top-level ones.
        if (None, SH.detail, node) in report_graph:
            continue
        messages = [
            m for m in report_graph.objects(node, SH.resultMessage) if isinstance(m, Literal)
        ]
        english = [m for m in messages if m.language in (None, "en")]
        severity = report_graph.value(node, SH.resultSeverity)
        results.append(
            Result(
                severity=SEVERITIES.get(severity, "Violation")
                if isinstance(severity, URIRef)
                else "Violation",
                focus=_node(report_graph.value(node, SH.focusNode)),
                path=_path(report_graph, report_graph.value(node, SH.resultPath)),
                value=_text(report_graph.value(node, SH.value)),
                message=str((english or messages)[0]) if messages else "(no message)",
                shape=_text(report_graph.value(node, SH.sourceShape)),
            )
        )
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    # Sorted on every field: results of one focus and path otherwise come in the order of
    # the report graph's blank nodes, which differs from run to run and process to process.
    return tuple(
        sorted(
            results,
            key=lambda r: (
                order[r.severity],
                r.focus,
                r.path or "",
                r.value or "",
                r.message,
                r.shape or "",
            ),
        )
    )


def refuse_pathless_property_shapes(shapes: Graph, parts: dict[Path, Graph]) -> None:
    """Refuse a property shape without exactly one ``sh:path``, which pySHACL only notices
    when a record reaches it (the mistake in the published Release 8 shapes)."""
    for shape in set(shapes.objects(None, SH.property)):
        paths = list(shapes.objects(shape, SH.path))
        if len(paths) != 1:
            files = ", ".join(str(p) for p, g in parts.items() if (None, SH.property, shape) in g)
            raise ProfileError(
                f"{files}: the property shape {shape.n3()} has {len(paths)} sh:path values; "
                "a property shape needs exactly one (use a node shape for node-level rules)"
            )


def probe(shapes: Graph, level: URIRef | None) -> Graph:
    """A description with one node for every target of the shapes, so that validating it
    makes pySHACL build every constraint once: a malformed one fails at start-up."""
    graph = Graph()
    for target in shapes.objects(None, SH.targetClass):
        graph.add((BNode(), RDF.type, target))
    for predicate in (SH.targetSubjectsOf, SH.targetObjectsOf):
        for target in shapes.objects(None, predicate):
            if isinstance(target, URIRef):
                graph.add((BNode(), target, BNode()))
    if level is not None:
        for dataset in graph.subjects(RDF.type, DCAT.Dataset):
            graph.add((dataset, DCTERMS.accessRights, level))
    return graph


def read_shapes(folder: Path) -> tuple[Graph, str]:
    """Parse every ``*.ttl`` in ``folder`` into one graph; the version is taken from the
    file names.

    A syntax error names the file and line. Only parses: nothing here touches pySHACL.
    """
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise ProfileError(f"no SHACL shapes (*.ttl) in {folder}")
    graph, parts = Graph(), {}
    for path in files:
        try:
            parts[path] = Graph().parse(path, format="turtle")
        except Exception as error:  # rdflib raises several unrelated types
            raise ProfileError(f"{path}: {error}") from error
        graph += parts[path]
    refuse_pathless_property_shapes(graph, parts)
    versions = {path.stem.rsplit("-", 1)[-1] for path in files}
    if len(versions) != 1:
        raise ProfileError(f"shapes files carry several versions {sorted(versions)}")
    return graph, versions.pop()


class Validators(Protocol):
    """Processes that validate with the shipped profile (``registry.profile.pool``)."""

    def validate(self, data: Graph, known: Graph | None = None) -> Report: ...

    def validate_many(self, items: Sequence[tuple[Graph, Graph | None]]) -> list[Report]: ...


class Shapes:
    """The profile's shapes, parsed once, and ``validate``: in this process, or in the
    validator processes of ``in_processes``."""

    def __init__(
        self,
        graph: Graph,
        version: str,
        vocabularies: Vocabularies | None = None,
        prepared: bool = True,
    ):
        """``prepared=False`` defers ``prepare`` to the first validation in this process:
        for a process that validates only in its validator processes (a web server's
        parent), whose start it would lengthen by the time of several validations."""
        self.graph = graph
        self.version = version
        self.vocabularies = vocabularies
        self.code_lists = CodeLists(graph, vocabularies)
        self.wording = Wording(graph, self.code_lists)
        self.validators: Validators | None = None
        self._selection: ShapeSelection | None = None
        # rdflib's SPARQL machinery inside pySHACL is not thread-safe; threads take turns.
        self._lock = threading.Lock()
        if prepared:
            self.prepare()

    def prepare(self) -> ShapeSelection:
        """Compile the shapes per access level and run one probe validation per level, so
        that pySHACL builds every constraint once: a shape it cannot use fails here."""
        if self._selection is not None:
            return self._selection
        speedups.apply()  # before the probes below, which are validations too
        try:
            self._selection = ShapeSelection(self.graph)
            for level in (*ACCESS_LEVELS, None):
                self._run(probe(self.graph, level), {"inference": "none"})
        except (ReportableRuntimeError, ConstraintLoadError, ValueError) as error:
            self._selection = None
            raise ProfileError(f"the SHACL shapes cannot be used: {error}") from error
        assert self._selection is not None
        return self._selection

    @property
    def profile_iri(self) -> URIRef:
        """The IRI records cite with ``dct:conformsTo``."""
        return URIRef(f"{CIR}profile/{self.version}")

    @classmethod
    def load(
        cls, folder: Path, vocabularies: Vocabularies | None = None, prepared: bool = True
    ) -> Shapes:
        """Parse every ``*.ttl`` in ``folder`` (``read_shapes``) and make them ready to validate.

        Shapes pySHACL cannot use are refused here (``prepare``), at start-up, not at the
        first submission. (The full SHACL meta-shapes check takes seconds, so it runs in the
        test suite rather than at every start.)
        """
        graph, version = read_shapes(folder)
        return cls(graph, version, vocabularies, prepared)

    def in_processes(self, validators: Validators) -> Shapes:
        """These shapes, validating in ``validators`` (processes loading the same profile)."""
        shapes = copy.copy(self)
        shapes.validators = validators
        return shapes

    def validate(self, data: Graph, known: Graph | None = None) -> Report:
        """Validate ``data`` with the rules of its access level and the cited concepts' facts.

        ``known`` holds descriptions the registry already has of what ``data`` cites (its
        registered agents): validated with it, merged in the same single copy.
        Violations make it non-conforming; Warnings and Infos are reported alongside.
        """
        VALIDATED_RECORDS.inc()
        with VALIDATION_SECONDS.labels("one").time():
            if self.validators is not None:
                return self.validators.validate(data, known)
            return self.validate_merged(self.merge(data, known))

    def validate_many(self, items: Sequence[tuple[Graph, Graph | None]]) -> list[Report]:
        """``validate`` each (data, known) pair: split across the validator processes."""
        if self.validators is None:
            return [self.validate(data, known) for data, known in items]
        VALIDATED_RECORDS.inc(len(items))
        with VALIDATION_SECONDS.labels("batch").time():
            return self.validators.validate_many(items)

    def merge(self, data: Triples, known: Triples | None = None) -> Graph:
        """``data`` with ``known`` and the facts of the concepts they cite, in one new graph
        (``data`` itself when it is a graph and there is nothing to add)."""
        if self.vocabularies is not None:
            return self.vocabularies.background_for(data, known)
        if isinstance(data, Graph) and known is None:
            return data
        merged = Graph()
        for triple in itertools.chain(data, known or ()):
            merged.add(triple)
        return merged

    def validate_merged(self, data: Graph) -> Report:
        """Validate a description already merged with what it cites (``merge``); pySHACL
        may add to ``data``."""
        options: dict[str, Any] = {
            "inference": "none",
            "allow_warnings": True,
            "allow_infos": True,
            "inplace": True,
        }
        with self._lock:
            report_graph = self._run(data, options)
        # Each problem once, in words a provider acts on; the report graph stays pySHACL's.
        report = Report(results=results_of(report_graph), source=report_graph)
        return self.wording.explain(report, data)

    def _run(self, data: Graph, options: dict[str, Any]) -> Graph:
        compiled = self.prepare().shapes_for(data)
        validator = Validator(
            DataGraph.from_rdflib(data),
            shacl_graph=compiled.shapes_graph.graph,
            options={**options, "use_shapes": compiled.targeted},
        )
        # Reuse the compiled shapes: harvesting them from the graph costs more than a run.
        validator.shacl_graph = compiled.shapes_graph
        _, report_graph, _ = validator.run()
        assert isinstance(report_graph, Graph)
        return report_graph


@functools.cache
def load_profile() -> Shapes:
    """Load the profile the registry ships: its shapes, with its vocabularies as background.

    Cached: the files are package data that do not change while the process runs. Not
    prepared: a process that validates prepares them at its first validation (the validator
    processes do at start); a web server's parent, which only validates in those, never
    does, and starts in half the time. The shipped shapes are checked by the test suite.
    """
    from registry.resources import resource_dir

    ontology = Vocabularies.load(resource_dir("ontology"))
    return Shapes.load(resource_dir("shapes"), ontology, prepared=False)

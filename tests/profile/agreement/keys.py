"""Violations as (focus, path) pairs that two validators' reports can be compared by.

A pair names the focus node (an IRI, or a blank node by the way it is reached from an IRI
of the record) and the result path (an IRI, a SHACL path written in SPARQL syntax, or None
for a node-level result). Only top-level Violations count: results under ``sh:detail``
explain their parent, and Warnings and Infos do not refuse a record.
"""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from registry.profile.validation import Report

from .official import OfficialReport

Pair = tuple[str, str | None]


def focus_text(data: Graph, node: Node, seen: frozenset[Node] = frozenset()) -> str:
    """Name a focus node: its IRI, or for a blank node the IRI and predicates that reach it."""
    if not isinstance(node, BNode):
        return str(node)
    routes = sorted(
        f"{focus_text(data, subject, seen | {node})} {predicate}"
        for subject, predicate in data.subject_predicates(node)
        if subject not in seen
    )
    return f"{routes[0]} []" if routes else "[]"


def path_text(report: Graph, path: Node | None) -> str | None:
    """Write a result path: an IRI as is, a complex path (SHACL 2.3.1) in SPARQL syntax."""
    if path is None or isinstance(path, URIRef):
        return None if path is None else str(path)
    if (path, RDF.first, None) in report:
        return "/".join(str(path_text(report, step)) for step in Collection(report, path))
    for predicate, written in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = report.value(path, predicate)
        if inner is not None:
            return written.format(path_text(report, inner))
    alternatives = report.value(path, SH.alternativePath)
    assert alternatives is not None, f"not a SHACL path (2.3.1): {path}"
    steps = Collection(report, alternatives)
    return "(" + "|".join(sorted(str(path_text(report, step)) for step in steps)) + ")"


def official_pairs(report: OfficialReport) -> frozenset[Pair]:
    """The Violations of the published validator about the record's own nodes."""
    graph = report.graph
    subjects = set(report.record.subjects())
    background = set(report.data.subjects()) - subjects
    pairs = set()
    for result in graph.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, result) in graph:
            continue
        if graph.value(result, SH.resultSeverity, default=SH.Violation) != SH.Violation:
            continue
        focus = graph.value(result, SH.focusNode)
        assert focus is not None  # every validation result has one (SHACL 3.6.2.1)
        if focus in background:
            continue  # a node the background code lists describe, not the record
        pairs.add(
            (focus_text(report.data, focus), path_text(graph, graph.value(result, SH.resultPath)))
        )
    return frozenset(pairs)


def our_pairs(report: Report, record: Graph) -> frozenset[Pair]:
    """The Violations of the registry's profile, read from its top-level report results."""
    graph = report.graph
    pairs = set()
    for result in graph.objects(None, SH.result):
        if graph.value(result, SH.resultSeverity, default=SH.Violation) != SH.Violation:
            continue
        focus = graph.value(result, SH.focusNode)
        assert focus is not None  # every validation result has one (SHACL 3.6.2.1)
        pairs.add((focus_text(record, focus), path_text(graph, graph.value(result, SH.resultPath))))
    return frozenset(pairs)

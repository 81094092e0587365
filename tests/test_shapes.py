"""The shapes: every sample conforms, every invalid file breaks exactly one rule."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from registry import formats
from registry.resources import resource_dir
from registry.validation import Shapes

from .conftest import INVALID, SAMPLES

SHAPES = Shapes.load(resource_dir("shapes"))


def report_for(path):
    return SHAPES.validate(formats.to_rdflib(formats.parse(path.read_bytes(), formats.syntax_for_path(path))))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_conforms_without_warnings(path) -> None:
    report = report_for(path)
    assert report.conforms and not report.results, report.text()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_file_breaks_one_rule(path) -> None:
    report = report_for(path)
    assert len(report.violations) == 1, report.text()
    # The sh:ValidationReport graph says the same as the Report value.
    assert len(set(report.graph.subjects(SH.resultSeverity, SH.Violation))) == 1


def test_every_property_shape_speaks_to_providers() -> None:
    graph: Graph = SHAPES.graph
    for shape in graph.subjects(SH.path, None):
        for predicate in (SH.name, SH.description, SH.message, SH.severity):
            assert graph.value(shape, predicate) is not None, f"{shape} lacks {predicate}"


def test_version_comes_from_the_file_names() -> None:
    assert SHAPES.version == "0.1.0"
    assert str(SHAPES.profile_iri).endswith("/profile/0.1.0")


def test_warnings_do_not_block(tmp_path) -> None:
    path = next(p for p in SAMPLES if p.suffix == ".ttl")
    text = path.read_bytes().replace(b"dcat:keyword", b"dct:subject")
    report = SHAPES.validate(formats.to_rdflib(formats.parse(text, formats.syntax_for_path(path))))
    assert report.conforms and [r.severity for r in report.results] == ["Warning"]

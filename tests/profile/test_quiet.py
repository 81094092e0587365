"""The quiet check skips only shapes that report nothing: every result, message and report
graph is the one pySHACL gives evaluating every shape (``bench.quiet_agreement``)."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from bench.quiet_agreement import compared, validate_both
from registry.profile.quiet import QuietShapes
from registry.profile.validation import Shapes, load_profile


@pytest.fixture(scope="module")
def shapes() -> Shapes:
    return load_profile()


def agree(shapes: Shapes, generated: int) -> int:
    count = 0
    for result in compared(shapes, generated):
        assert result.same, f"{result.name}: {result.quiet.results} != {result.full.results}"
        count += 1
    return count


def test_every_sample_invalid_file_and_generated_record_agrees(shapes: Shapes) -> None:
    assert agree(shapes, 100) > 100


@pytest.mark.e2e
def test_a_thousand_generated_records_agree(shapes: Shapes) -> None:
    assert agree(shapes, 1000) > 1000


SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:Thing a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:datatype xsd:string ] ;
    sh:property [ sh:path ex:part ; sh:node ex:Part ] ;
    sh:property [ sh:path ex:when ; sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:gYear ] ) ] .
ex:Part a sh:NodeShape ; sh:property [ sh:path ex:size ; sh:maxCount 1 ; sh:nodeKind sh:Literal ] .
ex:Odd a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:name ; sh:not [ sh:hasValue "x" ] ] .
"""


EX = "https://example.org/"
PREFIXES = f"@prefix ex: <{EX}> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"


def check_of(shapes: Shapes) -> QuietShapes:
    return shapes.prepare().shapes_for(Graph()).quiet


@pytest.mark.parametrize(
    ("data", "quiet"),
    [
        (
            'ex:a a ex:Thing ; ex:name "a" ; ex:part [ ex:size 1 ] ; ex:when "2020"^^xsd:gYear .',
            True,
        ),
        ("ex:a a ex:Thing .", False),  # no name
        ('ex:a a ex:Thing ; ex:name "a" ; ex:part [ ex:size 1, 2 ] .', False),  # nested count
        ('ex:a a ex:Thing ; ex:name "a" ; ex:when "2020" .', False),  # no member of sh:or
        ("ex:a a ex:Thing ; ex:name 5 .", False),  # datatype
    ],
)
def test_the_check_proves_quiet_only_what_pyshacl_passes(data: str, quiet: bool) -> None:
    shapes = Shapes(Graph().parse(data=SHAPES, format="turtle"), "0.0.1")
    graph = Graph().parse(data=PREFIXES + data, format="turtle")
    check = check_of(shapes)
    thing = check.shapes_graph.lookup_shape_from_node(URIRef(EX + "Thing"))
    assert check.quiet(thing, graph, [URIRef(EX + "a")]) is quiet
    with_check, without, _, _ = validate_both(shapes, graph)
    assert with_check.results == without.results
    assert (not without.results) is quiet


def test_a_shape_with_an_unknown_component_is_never_proven_quiet() -> None:
    shapes = Shapes(Graph().parse(data=SHAPES, format="turtle"), "0.0.1")
    check = check_of(shapes)
    odd = URIRef(EX + "Odd")
    (negated,) = check.graph.objects(odd, SH.property)
    assert check.plan(negated) is None  # sh:not is not compiled
    graph = Graph().parse(data=PREFIXES + 'ex:a a ex:Thing ; ex:name "a" .', format="turtle")
    shape = check.shapes_graph.lookup_shape_from_node(odd)
    assert not check.quiet(shape, graph, [URIRef(EX + "a")])
    with_check, without, _, _ = validate_both(shapes, graph)
    assert with_check.results == without.results == ()

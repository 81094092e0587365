"""The pySHACL and rdflib speed-ups are applied by building Shapes, never by an import."""

from __future__ import annotations

import subprocess
import sys

import pyshacl.shape
from rdflib import Graph

from registry.profile import speedups
from registry.profile.validation import Shapes
from tests.conftest import ROOT

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ] .
"""


def test_importing_the_registry_patches_no_third_party_module() -> None:
    """A fresh interpreter (this one has built Shapes already) imports every entry point."""
    program = (
        "import registry.cli.main, registry.runtime, registry.web.app, bench.validate\n"
        "from registry.profile import speedups\n"
        "assert not speedups.applied(), 'an import applied the speed-ups'\n"
    )
    subprocess.run([sys.executable, "-c", program], check=True, cwd=ROOT)


def test_building_shapes_applies_the_speedups_once() -> None:
    shapes = Shapes(Graph().parse(data=SHAPES, format="turtle"), "0.0.1")
    assert speedups.applied()
    parameters = pyshacl.shape.CONSTRAINT_PARAMS  # type: ignore[attr-defined]
    speedups.apply()  # a second call changes nothing
    assert pyshacl.shape.CONSTRAINT_PARAMS is parameters  # type: ignore[attr-defined]
    thing = "<https://example.org/a> a <https://example.org/Thing> ."
    assert not shapes.validate(Graph().parse(data=thing, format="turtle")).conforms

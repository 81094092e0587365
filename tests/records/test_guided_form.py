"""The guided form's table read both ways (``records.form_fill`` and ``form_build``): every
sample, read into the form and built again, is the same description."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from registry.profile.validation import Shapes, load_profile
from registry.rdf import formats
from registry.records.form_build import describe
from registry.records.form_fields import FormProblems
from registry.records.form_fill import fill
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def codes() -> dict[str, set[str]]:
    shapes: Shapes = load_profile()
    return {c.name: set(shapes.code_lists.codes(c)) for c in shapes.code_lists}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_a_sample_read_into_the_form_builds_the_same_description(
    path: Path, codes: dict[str, set[str]]
) -> None:
    triples = formats.parse(path.read_bytes(), formats.syntax_for_path(path))
    form = fill(triples, codes, agents=set())
    assert form.one("access_rights") and form.one("text-0-title")  # taken into the form
    built, _ = describe(form.values)
    again = formats.to_rdflib(formats.parse(built, formats.SYNTAXES[0]))
    assert isomorphic(again, formats.to_rdflib(triples))


def test_a_code_outside_its_list_stays_in_the_turtle(codes: dict[str, set[str]]) -> None:
    """``modality/MRI`` is no code (it is ``MR``): kept where the report will name it."""
    path = SAMPLES[0]
    text = path.read_bytes()
    triples = formats.parse(text, formats.syntax_for_path(path))
    form = fill(triples, codes, agents=set())
    wrong = form.values | {"extra": [form.one("extra") + f"\n<{form.one('dataset')}> "
             "<https://cancerimage.eu/ontology/EUCAIM#hasImageModality> "
             "<https://w3id.org/cancer-image-registry/vocab/modality/MRI> ."]}
    built, _ = describe(wrong)
    again = fill(formats.parse(built, formats.SYNTAXES[0]), codes, agents=set())
    assert "modality/MRI" in again.one("extra")
    assert all(not v.endswith("/MRI") for v in again.values.get("modality", []))


def test_values_that_are_no_iri_or_number_are_named() -> None:
    with pytest.raises(FormProblems) as raised:
        describe({"dataset": ["https://d.example/x"], "landing_page": ["a page"],
                  "records": ["-3"], "contact_email": ["nobody"]})
    assert set(raised.value.problems) == {"landing_page", "records", "contact_email"}


def test_a_new_dataset_iri_takes_the_other_statements_along(codes: dict[str, set[str]]) -> None:
    path = SAMPLES[0]
    form = fill(formats.parse(path.read_bytes(), formats.syntax_for_path(path)), codes, set())
    old, new = form.one("dataset"), "https://elsewhere.example/dataset/renamed"
    built, _ = describe(form.values | {"dataset": [new]})
    subjects = {str(s) for s in formats.to_rdflib(formats.parse(built, formats.SYNTAXES[0])).subjects()}
    assert new in subjects and old not in subjects

"""Our shapes agree with the published HealthDCAT-AP Release 8 validator, mutant by mutant.

The published validator (``agreement/official.py``, rebuilt from its ``config.properties``)
and the registry's profile (``registry.validation.load_profile``) judge the official example
and one-change variants of it (``agreement/mutants.py``). They must agree on conforming and
on the (focus, path) pair of every Violation. Where the registry deliberately judges
otherwise, ``DELIBERATE`` says which pairs differ and why, and the test holds it to exactly
that difference.

The official side chooses its validation type by the mutant's ``dct:accessRights``, as a
provider would; with none, two or an unknown one it uses the example's (NON_PUBLIC). The
suite skips when ``../shared/reference`` (next to the repository) is absent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS

from registry.profile.validation import Shapes, load_profile
from registry.rdf.namespaces import DCATAP, DPV, HEALTHDCATAP

from . import official
from .keys import Pair, official_pairs, our_pairs
from .mutants import DATASET, EX, MUTANTS, Mutant, example

UNMUTATED = Mutant("example", lambda graph: None, official_conforms=True)
CASES = (UNMUTATED, *MUTANTS)


@dataclass(frozen=True)
class Difference:
    """Pairs only one side reports for a mutant, and why the registry differs on purpose."""

    only_official: frozenset[Pair] = frozenset()
    only_ours: frozenset[Pair] = frozenset()
    why: str = ""


def on(node: str, *paths: URIRef | None) -> frozenset[Pair]:
    """Pairs of one focus node (an example IRI's local name, or "dataset"); None: no path."""
    focus = str(DATASET) if node == "dataset" else str(EX[node])
    return frozenset((focus, None if path is None else str(path)) for path in paths)


RANGE_CLASSES = (
    "The published range shapes (range.ttl, sh:class) want the class of each cited IRI stated "
    "in the data, and the code lists type their concepts skos:Concept only: the official "
    "example has to say <.../NON_PUBLIC> a dct:RightsStatement and the like. The registry "
    "brings the vocabularies itself and does not ask providers to type the IRIs they cite."
)
EXTENDS = (
    "Release 8's HealthAgent_Shape / HealthPublisherAgent_Shape sh:extends Agent_Shape "
    "(foaf:name); sh:extends is not SHACL Core, so the published validator checks the name "
    "only on the agent. The registry's agent shapes include it, as Release 8 means, so the "
    "dataset's reference to the nameless agent is reported too."
)
PLAUSIBILITY = (
    "Plausibility rules the published shapes lack (shapes/plausibility-*.ttl): ages within "
    "0-120 and minimum not above maximum, individuals not above records, a period not "
    "ending before it starts."
)
SH_SHAPE = (
    "DCAT-AP 3.0.1 attaches its date check (DateOrDateTimeDataType_Shape) with sh:shape, "
    "which is not SHACL (sh:node is), so the published validator never runs it; the "
    "registry checks that dates are xsd:date, xsd:dateTime, xsd:gYear or xsd:gYearMonth."
)
# mutant name -> the deliberate difference. Keep it small; every entry is reported to the lead.
DELIBERATE: dict[str, Difference] = {
    "accessRights-class-not-stated": Difference(
        on("dataset", DCTERMS.accessRights), why=RANGE_CLASSES
    ),
    "legislation-class-not-stated": Difference(
        on("dataset", DCATAP.applicableLegislation)
        | on("distribution-main-csv", DCATAP.applicableLegislation)
        | on("distribution-fhir-package", DCATAP.applicableLegislation)
        | on("distribution-sample-csv", DCATAP.applicableLegislation)
        | on("distribution-analytics-report", DCATAP.applicableLegislation),
        why=RANGE_CLASSES,
    ),
    "language-class-not-stated": Difference(
        on("dataset", DCTERMS.language)
        | on("distribution-main-csv", DCTERMS.language)
        | on("distribution-fhir-package", DCTERMS.language),
        why=RANGE_CLASSES,
    ),
    "personalData-class-not-stated": Difference(
        on("dataset", DPV.hasPersonalData),
        why=RANGE_CLASSES
        + " DPV is not even among the validator's imports; both check the dpv-pd# namespace.",
    ),
    "type-untyped-iri": Difference(on("dataset", DCTERMS.type), why=RANGE_CLASSES),
    "spatial-untyped-iri": Difference(on("dataset", DCTERMS.spatial), why=RANGE_CLASSES),
    "publisher-type-not-in-scheme": Difference(
        on("publisher-agent", DCTERMS.type),
        why=RANGE_CLASSES + " Both report the unknown code on the dataset's dct:publisher.",
    ),
    "hdab-no-name": Difference(only_ours=on("dataset", HEALTHDCATAP.hdab), why=EXTENDS),
    "publisher-no-name": Difference(only_ours=on("dataset", DCTERMS.publisher), why=EXTENDS),
    "ages-inverted": Difference(
        only_ours=on("dataset", HEALTHDCATAP.minTypicalAge), why=PLAUSIBILITY
    ),
    "period-ends-before-start": Difference(
        only_ours=on("dataset-coverage-period", DCAT.startDate), why=PLAUSIBILITY
    ),
    "issued-as-text": Difference(only_ours=on("dataset", DCTERMS.issued), why=SH_SHAPE),
    "period-start-as-text": Difference(
        only_ours=on("dataset-coverage-period", DCAT.startDate), why=SH_SHAPE
    ),
    "hasStructuredData-yes": Difference(
        on("dataset", None),
        why="The published node-level sh:or lists true / false / absent, so a non-boolean also "
        "fails it; the registry reports a non-boolean once, on hasStructuredData (sh:datatype).",
    ),
    "hasStructuredData-string-true": Difference(
        on("dataset", None), why="As hasStructuredData-yes."
    ),
}


@pytest.fixture(scope="module")
def published() -> official.OfficialValidator:
    if not official.REFERENCE.is_dir():
        pytest.skip(
            f"the published HealthDCAT-AP material is not at {official.REFERENCE} "
            "(the repository's parent folder + shared/reference); agreement not checked"
        )
    return official.OfficialValidator()


@pytest.fixture(scope="module")
def original(published: official.OfficialValidator) -> Graph:
    return example(official.EXAMPLE)


@pytest.fixture(scope="module")
def ours() -> Shapes:
    return load_profile()


@pytest.fixture(scope="module")
def judge(
    published: official.OfficialValidator, original: Graph
) -> Callable[[Mutant], tuple[Graph, str, frozenset[Pair]]]:
    """Return the mutant's graph, the published validator's level and its Violations (cached)."""
    verdicts: dict[str, tuple[Graph, str, frozenset[Pair]]] = {}
    fallback = published.level_for(original)  # for mutants with no single access right

    def verdict(mutant: Mutant) -> tuple[Graph, str, frozenset[Pair]]:
        if mutant.name not in verdicts:
            graph = mutant.apply(original)
            level = published.level_for(graph, default=fallback)
            verdicts[mutant.name] = (graph, level, official_pairs(published.validate(graph, level)))
        return verdicts[mutant.name]

    return verdict


def show(pairs: frozenset[Pair]) -> str:
    return "\n".join(f"  <{focus}> {path}" for focus, path in sorted(pairs, key=str)) or "  (none)"


def test_the_published_validator_is_built_as_its_config_says(
    published: official.OfficialValidator,
) -> None:
    assert set(published.types) == {"public", "non-public", "restricted"}
    for name, shape_set in published.shape_sets.items():
        files = set(shape_set.files)
        # Imported by the listed files, hence part of the validator:
        assert {
            official.DCAT_AP / f for f in ("shapes.ttl", "range.ttl", "shapes_recommended.ttl")
        } <= files
        # In the import mapping, but imported by no file:
        assert official.DCAT_AP / "mdr-vocabularies.shape.ttl" not in files
        assert official.STAND_INS["deprecated/deprecateduris.ttl"] in files
        assert len(shape_set.lifted) == 1, name
        # Every imported code list is in the mirror; only the ontologies are not.
        assert shape_set.vocabularies == set(official.VOCABULARY_IMPORTS), name
        assert not shape_set.unavailable & set(official.VOCABULARY_IMPORTS)


def test_mutants_are_many_named_and_each_changes_the_example(original: Graph) -> None:
    names = [mutant.name for mutant in CASES]
    assert len(MUTANTS) >= 50 and len(set(names)) == len(names)
    for mutant in MUTANTS:
        assert set(mutant.apply(original)) != set(original), mutant.name


def test_deliberate_differences_name_mutants() -> None:
    assert set(DELIBERATE) <= {mutant.name for mutant in CASES}
    for name, difference in DELIBERATE.items():
        assert difference.why and (difference.only_official or difference.only_ours), name


@pytest.mark.parametrize("mutant", CASES, ids=lambda mutant: mutant.name)
def test_the_published_validator_sees_the_mutant(mutant: Mutant, judge) -> None:
    _, level, pairs = judge(mutant)
    assert (not pairs) == mutant.official_conforms, f"{level}:\n{show(pairs)}"


@pytest.mark.parametrize("mutant", CASES, ids=lambda mutant: mutant.name)
def test_our_shapes_agree(mutant: Mutant, judge, ours: Shapes) -> None:
    graph, level, theirs = judge(mutant)
    difference = DELIBERATE.get(mutant.name, Difference())
    # A recorded difference must still be a difference on the published side.
    assert difference.only_official <= theirs and not difference.only_ours & theirs
    expected = (theirs - difference.only_official) | difference.only_ours
    report = ours.validate(graph)
    found = our_pairs(report, graph)
    assert (report.conforms, found) == (not expected, expected), (
        f"published ({level}) expects:\n{show(expected)}\n"
        f"ours reports:\n{show(found)}\n"
        f"only ours:\n{show(found - expected)}\nonly published:\n{show(expected - found)}"
    )

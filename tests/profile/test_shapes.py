"""The profile's shapes: samples conform, each kind of mistake gets the right Violation."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SH, XSD

from registry.errors import ProfileError
from registry.profile.validation import Shapes, load_profile
from registry.rdf import formats
from registry.rdf.namespaces import DCATAP, DPV, EUCAIM, HEALTHDCATAP, compact
from tests.conftest import AGENTS, INVALID, SAMPLES

SHAPES = load_profile()
AR = "http://publications.europa.eu/resource/authority/access-right/"
VOCAB = "https://w3id.org/cancer-image-registry/vocab/"

COMMON_MANDATORY = [
    DCTERMS.title, DCTERMS.description, DCTERMS.accessRights, DCATAP.applicableLegislation,
    DCAT.distribution, DCTERMS.identifier, DCAT.theme, HEALTHDCATAP.hdab,
    HEALTHDCATAP.healthCategory, HEALTHDCATAP.hasStructuredData, DCTERMS.publisher,
    EUCAIM.hasCondition, EUCAIM.hasImageModality, EUCAIM.hasImageBodyPart, EUCAIM.hasBirthSex,
    EUCAIM.collectionMethod, EUCAIM.hasEquipmentManufacturer, EUCAIM.interoperabilityLevel,
]
NON_PUBLIC_MANDATORY = [DCAT.contactPoint, DCAT.keyword, DCTERMS.type, DCTERMS.provenance]


def graph_of(path: Path) -> Graph:
    return formats.to_rdflib(formats.parse(path.read_bytes(), formats.syntax_for_path(path)))


AGENT_GRAPH = Graph()
for _agent in AGENTS:
    AGENT_GRAPH += graph_of(_agent)


def with_agents(path: Path) -> Graph:
    """A sample dataset with the agents it cites, as the registry validates it."""
    return graph_of(path) + AGENT_GRAPH


def sample(level: str) -> tuple[Graph, URIRef]:
    """A conforming sample of the access level and its dataset IRI."""
    for path in SAMPLES:
        graph = with_agents(path)
        dataset = graph.value(None, RDF.type, DCAT.Dataset)
        if (dataset, DCTERMS.accessRights, URIRef(AR + level)) in graph:
            assert isinstance(dataset, URIRef)
            return graph, dataset
    raise AssertionError(f"no {level} sample in data/sample")


def violations(graph: Graph) -> set[tuple[str, str | None]]:
    return {(r.focus, r.path) for r in SHAPES.validate(graph).violations}


def replaced(graph: Graph, dataset: URIRef, predicate: URIRef, *values) -> Graph:
    """A copy of ``graph`` with the dataset's ``predicate`` values replaced by ``values``."""
    copy = Graph()
    for triple in graph:
        if triple[0] != dataset or triple[1] != predicate:
            copy.add(triple)
    for value in values:
        copy.add((dataset, predicate, value))
    return copy


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_conforms(path: Path) -> None:
    report = SHAPES.validate(with_agents(path))
    assert report.conforms, report.text()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_file_breaks_one_rule(path: Path) -> None:
    report = SHAPES.validate(with_agents(path))
    graph = report.graph
    top = [r for r in graph.objects(None, SH.result) if graph.value(r, SH.resultSeverity) == SH.Violation]
    foci = {graph.value(r, SH.focusNode) for r in top}
    # A dataset's result whose sh:detail is a node reported on its own repeats that mistake
    # (a distribution without an access URL is also reported on its dataset).
    causes = [
        r
        for r in top
        if not any(
            graph.value(d, SH.focusNode) in foci - {graph.value(r, SH.focusNode)}
            for d in graph.objects(r, SH.detail)
        )
    ]
    assert len(causes) == 1, report.text()


@pytest.mark.parametrize(
    ("level", "predicate"),
    [(level, p) for level in ("PUBLIC", "NON_PUBLIC", "RESTRICTED") for p in COMMON_MANDATORY]
    + [("NON_PUBLIC", p) for p in NON_PUBLIC_MANDATORY],
    ids=lambda v: v if isinstance(v, str) and "/" not in v else compact(v),
)
def test_missing_mandatory_property_is_one_violation_on_the_dataset(level: str, predicate: URIRef) -> None:
    graph, dataset = sample(level)
    assert violations(replaced(graph, dataset, predicate)) == {(str(dataset), str(predicate))}


def test_non_public_only_rules_do_not_apply_to_public_datasets() -> None:
    graph, dataset = sample("PUBLIC")
    for predicate in NON_PUBLIC_MANDATORY:
        graph = replaced(graph, dataset, predicate)
    assert violations(graph) == set()


@pytest.mark.parametrize(
    ("predicate", "values"),
    [
        (HEALTHDCATAP.minTypicalAge, (Literal("-1", datatype=XSD.nonNegativeInteger),)),
        (HEALTHDCATAP.minTypicalAge, (Literal("abc", datatype=XSD.nonNegativeInteger),)),
        (HEALTHDCATAP.maxTypicalAge, (Literal("300", datatype=XSD.nonNegativeInteger),)),
        (HEALTHDCATAP.maxTypicalAge, (Literal("85", datatype=XSD.integer),)),
        (HEALTHDCATAP.numberOfRecords, (Literal("12", datatype=XSD.string),)),
        (HEALTHDCATAP.numberOfUniqueIndividuals, (Literal("-5", datatype=XSD.integer),)),
        (EUCAIM.nbrOfSegmentations, (Literal("many"),)),
        (HEALTHDCATAP.hasStructuredData, (Literal("yes"),)),
        (DCAT.theme, (Literal("HEAL"),)),
        (DCAT.theme, (URIRef("http://publications.europa.eu/resource/authority/data-theme/NOPE"),)),
        (HEALTHDCATAP.healthCategory, (URIRef(VOCAB + "condition/lung-cancer"),)),
        (EUCAIM.hasImageModality, (URIRef(VOCAB + "body-part/CHEST"),)),
        (EUCAIM.hasCondition, (URIRef("http://purl.bioontology.org/ontology/ICD10/C34"),)),
        (DPV.hasPersonalData, (URIRef("https://w3id.org/dpv#Age"),)),
        (DCTERMS.accessRights, (URIRef(AR + "PUBLIC"), URIRef(AR + "RESTRICTED"),)),
        (DCTERMS.accessRights, (URIRef(AR + "CONFIDENTIAL"),)),
    ],
    ids=lambda v: compact(v[0] if isinstance(v, tuple) else v),
)
def test_bad_value_is_a_violation_of_that_property(predicate: URIRef, values: tuple) -> None:
    graph, dataset = sample("NON_PUBLIC")
    found = violations(replaced(graph, dataset, predicate, *values))
    # A plausibility rule comparing with the bad value may report too (SHACL compares
    # incomparable values as a failure); the bad property itself is always named.
    assert (str(dataset), str(predicate)) in found
    assert {focus for focus, _ in found} == {str(dataset)}


def test_a_wrong_code_names_the_scheme_it_should_come_from() -> None:
    graph, dataset = sample("PUBLIC")
    wrong = replaced(graph, dataset, EUCAIM.hasImageModality, URIRef(VOCAB + "body-part/CHEST"))
    (result,) = SHAPES.validate(wrong).violations
    assert result.value == VOCAB + "body-part/CHEST"
    assert VOCAB + "modality/" in result.message


def test_correct_codes_validate_without_vocabulary_triples_in_the_record() -> None:
    graph, _ = sample("RESTRICTED")
    assert not any(graph.triples((None, URIRef("http://www.w3.org/2004/02/skos/core#inScheme"), None)))
    assert SHAPES.validate(graph).conforms


@pytest.mark.parametrize(
    ("first", "second", "values"),
    [
        (HEALTHDCATAP.minTypicalAge, HEALTHDCATAP.maxTypicalAge, ("70", "40")),
        (HEALTHDCATAP.numberOfUniqueIndividuals, HEALTHDCATAP.numberOfRecords, ("900", "100")),
    ],
    ids=["ages-backwards", "more-individuals-than-studies"],
)
def test_implausible_pairs_are_violations(first: URIRef, second: URIRef, values) -> None:
    graph, dataset = sample("RESTRICTED")
    graph = replaced(graph, dataset, first, Literal(values[0], datatype=XSD.nonNegativeInteger))
    graph = replaced(graph, dataset, second, Literal(values[1], datatype=XSD.nonNegativeInteger))
    assert violations(graph) == {(str(dataset), str(first))}


def test_acquisition_period_ending_before_it_starts_is_a_violation() -> None:
    graph, dataset = sample("PUBLIC")
    period = BNode()
    graph = replaced(graph, dataset, DCTERMS.temporal, period)
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((period, DCAT.startDate, Literal("2022-01-01", datatype=XSD.date)))
    graph.add((period, DCAT.endDate, Literal("2019-12-31", datatype=XSD.date)))
    (result,) = SHAPES.validate(graph).violations
    assert (result.path, result.focus) == (str(DCAT.startDate), f"_:{period}")


def test_warnings_do_not_block() -> None:
    graph, dataset = sample("PUBLIC")
    report = SHAPES.validate(replaced(graph, dataset, DCAT.keyword))
    assert report.conforms and str(DCAT.keyword) in {r.path for r in report.warnings}


def test_every_property_shape_speaks_to_providers() -> None:
    graph: Graph = SHAPES.graph
    for shape in graph.subjects(SH.path, None):
        for predicate in (SH.name, SH.description, SH.message):
            assert graph.value(shape, predicate) is not None, f"{shape} lacks {predicate}"


def test_every_referenced_shape_exists() -> None:
    # pySHACL treats sh:node to an undefined shape as conforming: a misspelt name would pass.
    graph = SHAPES.graph
    defined = set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(SH.path, None))
    for predicate in (SH.node, SH.property, SH["not"]):
        for shape in graph.objects(None, predicate):
            assert shape in defined, f"{shape} ({predicate}) is not defined"


def test_shapes_pass_the_shacl_meta_shapes() -> None:
    meta = Graph().parse(Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl")
    conforms, _, text = pyshacl.validate(SHAPES.graph, shacl_graph=meta, inference="none")
    assert conforms, text


def test_version_comes_from_the_file_names() -> None:
    assert SHAPES.version == "1.0.0"
    assert str(SHAPES.profile_iri).endswith("/profile/1.0.0")


def test_a_shapes_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "broken-1.0.0.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n\nx y z\n")
    with pytest.raises(ProfileError, match=r"broken-1\.0\.0\.ttl.*line 3"):
        Shapes.load(tmp_path)


def test_a_shape_pyshacl_cannot_use_fails_at_load(tmp_path: Path) -> None:
    (tmp_path / "bad-1.0.0.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:minCount 1 ] .\n"
    )
    with pytest.raises(ProfileError, match="(?i)path"):
        Shapes.load(tmp_path)


def test_a_malformed_constraint_fails_at_load_not_at_the_first_submission(tmp_path: Path) -> None:
    (tmp_path / "bad-1.0.0.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P .\n"
        'ex:P sh:path ex:p ; sh:minCount "one" .\n'
    )
    with pytest.raises(ProfileError, match="cannot be used"):
        Shapes.load(tmp_path)


def test_a_record_cannot_make_up_a_code_by_declaring_it_in_the_scheme() -> None:
    graph, dataset = sample("PUBLIC")
    made_up = URIRef(VOCAB + "modality/FOO")
    graph = replaced(graph, dataset, EUCAIM.hasImageModality, made_up)
    graph.add((made_up, URIRef("http://www.w3.org/2004/02/skos/core#inScheme"), URIRef(VOCAB + "modality/")))
    assert violations(graph) == {(str(dataset), str(EUCAIM.hasImageModality))}


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (Literal("2002", datatype=XSD.gYear), Literal("2021-12-31", datatype=XSD.date)),
        (Literal("2002-03-01T00:00:00", datatype=XSD.dateTime), Literal("2021-12-31", datatype=XSD.date)),
        (Literal("2002-03", datatype=XSD.gYearMonth), Literal("2002-03", datatype=XSD.gYearMonth)),
    ],
    ids=["year-to-date", "datetime-to-date", "same-month"],
)
def test_valid_periods_of_mixed_or_equal_precision_conform(start: Literal, end: Literal) -> None:
    graph, dataset = sample("PUBLIC")
    period = BNode()
    graph = replaced(graph, dataset, DCTERMS.temporal, period)
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((period, DCAT.startDate, start))
    graph.add((period, DCAT.endDate, end))
    assert violations(graph) == set()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_samples_use_only_absolute_http_iris_as_predicates(path: Path) -> None:
    triples = formats.parse(path.read_bytes(), formats.syntax_for_path(path))
    bad = {t.predicate.value for t in triples if not t.predicate.value.startswith("http")}
    assert not bad, f"undefined prefixes or terms: {bad}"

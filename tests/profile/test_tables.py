"""Profile documentation generated from the shapes: tables, the command, the page, the Turtle."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic
from rdflib.namespace import SH, SKOS

from registry.cli.main import main
from registry.profile.tables import ACCESS_LEVEL, ALL, LEGEND, LEVELS, Profile, Row, build_profile
from registry.profile.validation import SEVERITIES, Shapes, load_profile
from registry.runtime import Registry

SHAPES = load_profile()
PROFILE = build_profile(SHAPES)
GRAPH = SHAPES.graph

# A small profile written for these tests, one case of each convention the shapes follow.
CONVENTIONS = """
@prefix cir: <https://w3id.org/cancer-image-registry/> .
@prefix ex: <https://w3id.org/cancer-image-registry/shapes/test#> .
@prefix access: <http://publications.europa.eu/resource/authority/access-right/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

ex:DatasetShape a sh:NodeShape ; sh:targetClass dcat:Dataset ; sh:name "Dataset" ;
    sh:property ex:title, ex:theme, ex:modality, ex:distribution ;
    sh:sparql ex:rule .
ex:title sh:path dct:title ; sh:minCount 1 ; sh:nodeKind sh:Literal ; sh:name "title" ;
    sh:description "Name of the dataset."@en ;
    sh:message "Add a title, not <script>alert(1)</script>."@en .
ex:theme sh:path dcat:theme ; sh:node ex:InThemes ; sh:severity sh:Violation ; sh:name "theme" .
ex:modality sh:path dct:type ; sh:node ex:InModalities ; sh:severity sh:Info ; sh:name "type" .
ex:distribution sh:path dcat:distribution ; sh:class dcat:Distribution ; sh:minCount 1 ;
    sh:severity sh:Violation ; sh:name "distribution" .
ex:InThemes a sh:NodeShape ; rdfs:label "EU data themes"@en ;
    sh:property [ sh:path skos:inScheme ;
                  sh:hasValue <http://publications.europa.eu/resource/authority/data-theme> ] .
ex:InModalities a sh:NodeShape ;
    sh:property [ sh:path skos:inScheme ; sh:hasValue <https://example.org/modalities> ] .
ex:rule a sh:SPARQLConstraint ; sh:name "not withdrawn" ;
    sh:description "A withdrawn dataset is not registered."@en ;
    sh:message "Remove the withdrawal."@en ; sh:select "SELECT $this WHERE { FILTER (false) }" .

ex:PublicShape a sh:NodeShape ; sh:targetClass dcat:Dataset ; sh:name "Dataset (PUBLIC)" ;
    cir:accessLevel access:PUBLIC ; sh:property ex:keyword, ex:landingPage .
ex:NonPublicShape a sh:NodeShape ; sh:targetClass dcat:Dataset ; sh:name "Dataset (NON_PUBLIC)" ;
    cir:accessLevel access:NON_PUBLIC ; sh:property ex:keyword-nonpublic, ex:landingPage .
ex:RestrictedShape a sh:NodeShape ; sh:targetClass dcat:Dataset ; sh:name "Dataset (RESTRICTED)" ;
    cir:accessLevel access:RESTRICTED ; sh:property ex:keyword, ex:landingPage .
ex:keyword sh:path dcat:keyword ; sh:minCount 1 ; sh:severity sh:Warning ; sh:name "keyword" .
ex:keyword-nonpublic sh:path dcat:keyword ; sh:minCount 1 ; sh:severity sh:Violation ;
    sh:name "keyword" .
ex:landingPage sh:path dcat:landingPage ; sh:maxCount 1 ; sh:severity sh:Violation ;
    sh:name "landing page" .

ex:DistributionShape a sh:NodeShape ; sh:targetClass dcat:Distribution ; sh:name "Distribution" ;
    sh:property ex:z-first, ex:a-second ;
    sh:or ( [ sh:path dcat:accessURL ; sh:minCount 1 ] [ sh:path dcat:downloadURL ; sh:minCount 1 ] ) ;
    sh:message "Give an access URL or a download URL."@en .
ex:z-first sh:path dcat:accessURL ; sh:maxCount 1 ; sh:order 1 ; sh:name "zz access URL" .
ex:a-second sh:path dct:format ; sh:maxCount 1 ; sh:order 2 ; sh:name "aa format" .
"""


@pytest.fixture(scope="module")
def conventions() -> Profile:
    return build_profile(Shapes(Graph().parse(data=CONVENTIONS, format="turtle"), "9.9.9"))


def rows_by_label(profile: Profile, table: str) -> dict[str, list[Row]]:
    found: dict[str, list[Row]] = {}
    for row in next(t for t in profile.tables if t.label == table).rows:
        found.setdefault(row.label, []).append(row)
    return found


def active(shape) -> bool:
    return GRAPH.value(shape, SH.deactivated) != Literal(True)


def levels_of(node_shape) -> set[str]:
    annotated = {str(level).rsplit("/", 1)[-1] for level in GRAPH.objects(node_shape, ACCESS_LEVEL)}
    return annotated or set(LEVELS)


# ---------------------------------------------------------------- the shipped shapes


def test_every_targeted_class_has_one_table() -> None:
    classes = {str(c) for s, c in GRAPH.subject_objects(SH.targetClass) if active(s)}
    tabled = [table.class_iri for table in PROFILE.tables if table.class_iri]
    assert classes and set(tabled) == classes and len(tabled) == len(classes)
    assert PROFILE.tables[0].class_iri == "http://www.w3.org/ns/dcat#Dataset"


def test_each_property_shape_appears_once_per_level() -> None:
    for table in PROFILE.tables:
        if table.class_iri is None:
            continue
        for node_shape in GRAPH.subjects(SH.targetClass, URIRef(table.class_iri)):
            for prop in filter(active, GRAPH.objects(node_shape, SH.property)):
                for level in levels_of(node_shape) if active(node_shape) else ():
                    applying = [
                        row
                        for row in table.rows
                        if row.shape == str(prop) and (row.levels == (ALL,) or level in row.levels)
                    ]
                    assert len(applying) == 1, (table.label, str(prop), level)


def test_severities_map_to_what_a_provider_must_do() -> None:
    meaning = {word: severity for word, severity, _ in LEGEND}
    for row in (row for table in PROFILE.tables for row in table.rows):
        declared = GRAPH.value(URIRef(row.shape), SH.severity, default=SH.Violation)
        assert isinstance(declared, URIRef), row.shape
        assert row.severity == SEVERITIES.get(declared, "Violation"), row.shape
        assert meaning[row.obligation] == row.severity, row.shape
        if row.severity == "Violation" and row.path:
            required = not row.occurrence.startswith("0")
            assert (row.obligation == "mandatory") == required, row.shape


def test_vocabulary_values_name_their_scheme() -> None:
    schemes = {
        vocabulary: GRAPH.value(member, SH.hasValue)
        for vocabulary, member in GRAPH.subject_objects(SH.property)
        if GRAPH.value(member, SH.path) == SKOS.inScheme
    }
    checked = 0
    for row in (row for table in PROFILE.tables for row in table.rows):
        for target in GRAPH.objects(URIRef(row.shape), SH.node):
            if schemes.get(target) is not None:
                part = next(p for p in row.expected if p.iri == str(schemes[target]))
                assert part.text.startswith("a concept of "), part
                checked += 1
    assert checked or not schemes


def test_every_row_speaks_to_providers() -> None:
    for table in PROFILE.tables:
        for row in table.rows:
            assert row.label and row.severity in SEVERITIES.values(), row.shape
            assert row.path or row.expected or row.description, row.shape


# ---------------------------------------------------------------- the conventions


def test_missing_severity_is_violation_and_occurrence_reads_as_counts(conventions) -> None:
    rows = rows_by_label(conventions, "Dataset")
    (title,) = rows["title"]
    assert (title.severity, title.obligation, title.occurrence) == (
        "Violation",
        "mandatory",
        "1..n",
    )
    (landing,) = rows["landing page"]
    assert (landing.obligation, landing.occurrence) == ("checked if given", "0..1")


def test_vocabulary_shows_the_scheme_label_or_iri(conventions) -> None:
    rows = rows_by_label(conventions, "Dataset")
    theme = rows["theme"][0].expected[0]
    assert theme.text == "a concept of EU data themes"
    assert theme.iri == "http://publications.europa.eu/resource/authority/data-theme"
    assert rows["type"][0].expected_text == "a concept of https://example.org/modalities"
    assert rows["type"][0].obligation == "hint"
    (distribution,) = rows["distribution"]
    assert distribution.expected[0].anchor == "dcat-Distribution"


def test_access_levels_merge_shared_rules_and_split_different_ones(conventions) -> None:
    rows = rows_by_label(conventions, "Dataset")
    keyword = {row.levels: row.obligation for row in rows["keyword"]}
    assert keyword == {("PUBLIC", "RESTRICTED"): "recommended", ("NON_PUBLIC",): "mandatory"}
    assert [row.levels for row in rows["landing page"]] == [(ALL,)]
    table = conventions.tables[0]
    assert table.by_level and [g.path for g in table.groups].count("dcat:keyword") == 1


def test_node_level_rules_are_rows(conventions) -> None:
    rule = rows_by_label(conventions, "Dataset")["not withdrawn"][0]
    assert (rule.path, rule.severity, rule.message) == ("", "Violation", "Remove the withdrawal.")
    distribution = next(t for t in conventions.tables if t.label == "Distribution")
    either = distribution.rows[-1]
    assert either.path == "" and either.message == "Give an access URL or a download URL."
    assert either.expected_text == "dcat:accessURL 1..n or dcat:downloadURL 1..n"


def test_sh_order_orders_rows(conventions) -> None:
    distribution = next(t for t in conventions.tables if t.label == "Distribution")
    assert [row.label for row in distribution.rows[:2]] == ["zz access URL", "aa format"]
    assert [t.label for t in conventions.tables] == ["Dataset", "Distribution"]


# ---------------------------------------------------------------- command


@pytest.mark.parametrize("form", ["text", "markdown"])
def test_command_prints_every_table(form: str) -> None:
    result = CliRunner().invoke(main, ["profile", "--format", form])
    assert result.exit_code == 0, result.output
    assert SHAPES.version in result.output and str(SHAPES.profile_iri) in result.output
    for table in PROFILE.tables:
        assert table.label in result.output
    if form == "markdown":
        assert result.output.count("| Property | Label |") == len(PROFILE.tables)
        headers = [line for line in result.output.splitlines() if line.startswith("| Property")]
        separators = [line for line in result.output.splitlines() if line.startswith("|---")]
        assert [h.count(" | ") + 1 for h in headers] == [s.count("---|") for s in separators]
    else:
        assert "|" not in result.output.splitlines()[0]


def test_command_rejects_an_unknown_format() -> None:
    result = CliRunner().invoke(main, ["profile", "--format", "html"])
    assert result.exit_code == 2 and "Invalid value" in result.output


# ---------------------------------------------------------------- page and Turtle


def test_profile_page_has_a_table_per_class(client: FlaskClient) -> None:
    response = client.get("/profile")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert page.count('<table class="profile">') == len(PROFILE.tables)
    assert page.count("<caption>") == len(PROFILE.tables)
    for table in PROFILE.tables:
        assert f'id="{table.anchor}"' in page and f'href="#{table.anchor}"' in page
    assert str(SHAPES.profile_iri) in page and SHAPES.version in page
    assert 'href="/profile/shapes.ttl"' in page and 'href="/profile"' in page
    assert '<th scope="col">Severity</th>' in page and '<th scope="row">' in page


def test_every_link_between_tables_has_a_target(client: FlaskClient) -> None:
    page = client.get("/profile").get_data(as_text=True)
    ids = set(re.findall(r' id="([^"]+)"', page))
    assert set(re.findall(r'href="#([^"]+)"', page)) <= ids


def test_markup_in_a_shape_is_shown_as_text(app: Flask, conventions: Profile) -> None:
    from flask import render_template

    with app.test_request_context("/profile"):
        page = render_template("profile.html", profile=conventions, legend=LEGEND)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_shapes_download_is_the_shapes_graph(client: FlaskClient, registry: Registry) -> None:
    response = client.get("/profile/shapes.ttl")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    served = Graph().parse(data=response.data, format="turtle")
    if not isomorphic(served, registry.shapes.graph):
        _, only_served, only_shapes = graph_diff(served, registry.shapes.graph)
        pytest.fail(
            f"only served:\n{only_served.serialize(format='nt')}\n"
            f"only in shapes:\n{only_shapes.serialize(format='nt')}"
        )


def test_command_prints_help() -> None:
    result = CliRunner().invoke(main, ["profile", "--help"])
    assert result.exit_code == 0 and "--format [text|markdown]" in result.output

"""Parsing by media type and suffix; errors keep line and column; contexts are never fetched."""

from __future__ import annotations

import json

import pytest
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from registry.errors import EmptyBody, RdfSyntaxError, RemoteContextRefused, UnsupportedMediaType
from registry.rdf import formats
from tests.conftest import DATA, TURTLE

JSONLD = formats.syntax_for_media_type("application/ld+json")
TRIG = formats.syntax_for_media_type("application/trig")


def assert_isomorphic(left, right) -> None:
    if not isomorphic(left, right):
        _, only_left, only_right = graph_diff(to_isomorphic(left), to_isomorphic(right))
        pytest.fail(
            "graphs differ\nonly left:\n"
            + only_left.serialize(format="nt")
            + "\nonly right:\n"
            + only_right.serialize(format="nt")
        )


@pytest.mark.parametrize("syntax", formats.SYNTAXES, ids=lambda s: s.name)
def test_every_syntax_round_trips_the_sample(syntax: formats.RdfSyntax) -> None:
    source = DATA / "sample" / "datasets" / "procancer-i-open-challenge-prostate.ttl"
    triples = formats.parse(source.read_bytes(), formats.syntax_for_path(source))
    written = formats.serialize(triples, syntax)
    assert_isomorphic(formats.to_rdflib(formats.parse(written, syntax)), formats.to_rdflib(triples))


@pytest.mark.parametrize("syntax", formats.SYNTAXES, ids=lambda s: s.name)
def test_table_reads_in_both_directions(syntax: formats.RdfSyntax) -> None:
    for media_type in syntax.media_types:
        assert formats.syntax_for_media_type(f"{media_type}; charset=utf-8") is syntax
    for suffix in syntax.suffixes:
        assert formats.syntax_for_suffix("." + suffix) is syntax


def test_turtle_error_names_line_and_column() -> None:
    bad = b"@prefix ex: <http://example.org/> .\nex:a ex:b ex:c\nex:d ex:e ex:f .\n"
    with pytest.raises(RdfSyntaxError) as caught:
        formats.parse(bad, formats.syntax_for_media_type("text/turtle"))
    assert caught.value.details["line"] == 3
    assert caught.value.details["column"] is not None
    assert "line 3" in caught.value.message


def test_json_error_names_line_and_column() -> None:
    with pytest.raises(RdfSyntaxError) as caught:
        formats.parse(b'{\n  "@id": "http://x",\n  oops\n}', JSONLD)
    assert (caught.value.details["line"], caught.value.details["column"]) == (3, 3)


@pytest.mark.parametrize(
    "context",
    [
        "https://evil.example/context.jsonld",
        ["https://semiceu.github.io/DCAT-AP/releases/3.0.1/context/dcat-ap.jsonld", "http://127.0.0.1:9/x"],
        {"@import": "https://evil.example/context.jsonld"},
        "relative-context.jsonld",
    ],
)
def test_remote_context_is_refused_not_fetched(context: object) -> None:
    document = {"@context": context, "@id": "http://example.org/d", "title": "x"}
    with pytest.raises(RemoteContextRefused, match="never fetched|inline"):
        formats.parse(json.dumps(document).encode(), JSONLD)


def test_scoped_remote_context_is_refused() -> None:
    document = {
        "@context": {"ex": {"@id": "http://example.org/ex", "@context": "https://evil.example/c"}},
        "@id": "http://example.org/d",
    }
    with pytest.raises(RemoteContextRefused):
        formats.parse(json.dumps(document).encode(), JSONLD)


def test_bundled_dcat_ap_context_is_used_offline() -> None:
    document = {
        "@context": "https://semiceu.github.io/DCAT-AP/releases/3.0.1/context/dcat-ap.jsonld",
        "@id": "http://example.org/d",
        "@type": "Dataset",
        "title": {"@value": "T", "@language": "en"},
        "datasetDistribution": "http://example.org/dist",
    }
    triples = formats.parse(json.dumps(document).encode(), JSONLD)
    predicates = {t.predicate.value for t in triples}
    assert "http://purl.org/dc/terms/title" in predicates
    assert "http://www.w3.org/ns/dcat#distribution" in predicates


def test_unknown_media_type_and_empty_body() -> None:
    with pytest.raises(UnsupportedMediaType, match="text/html"):
        formats.syntax_for_media_type("text/html")
    with pytest.raises(EmptyBody):
        formats.parse(b"  \n", formats.syntax_for_media_type("text/turtle"))


def test_named_graphs_are_refused_in_a_description() -> None:
    trig = b"<http://example.org/g> { <http://example.org/s> <http://example.org/p> 1 . }"
    with pytest.raises(RdfSyntaxError):
        formats.parse(trig, TRIG)


def test_rdf_star_is_refused_with_a_message() -> None:
    body = b'<< <http://x/s> <http://x/p> "o" >> <http://x/q> "star" .'
    with pytest.raises(RdfSyntaxError, match="RDF-star"):
        formats.parse(body, TURTLE)

"""Descriptions written for people (``rdf.readable``) read back as the same graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from registry.rdf import formats, readable
from registry.rdf.jsonld import BUNDLED_CONTEXTS
from tests.conftest import AGENTS, SAMPLES


@pytest.mark.parametrize("path", SAMPLES + AGENTS, ids=lambda p: p.name)
def test_turtle_and_jsonld_read_back_as_the_same_graph(path: Path) -> None:
    triples = formats.parse(path.read_bytes(), formats.syntax_for_path(path))
    original = formats.to_rdflib(triples)
    turtle = readable.turtle(triples)
    document = readable.jsonld(triples)
    assert isomorphic(formats.to_rdflib(formats.parse(turtle, formats.SYNTAXES[0])), original)
    assert isomorphic(formats.to_rdflib(formats.parse(document, formats.SYNTAXES[1])), original)
    assert json.loads(document)["@context"] == list(BUNDLED_CONTEXTS)
    assert b"_:" not in turtle  # every blank node of a sample is cited once: written in place


def test_turtle_declares_only_the_prefixes_it_uses() -> None:
    triples = formats.parse(
        b"<http://e.example/d> a <http://www.w3.org/ns/dcat#Dataset> .", formats.SYNTAXES[0]
    )
    assert readable.turtle(triples).decode().count("@prefix") == 1

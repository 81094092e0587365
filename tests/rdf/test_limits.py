"""What one description may weigh (``rdf.limits``), checked while parsing: regressions of
the hostile-client review (issue "Hardening": no length limits on provider text; a
10,000-deep blank-node chain broke the dataset page; JSON-LD with many scoped contexts was
quadratic, nested 500 deep or with a 5,000-digit integer it answered 500)."""

from __future__ import annotations

import json
import time

import pytest

from registry.config import load_settings
from registry.errors import DescriptionTooLarge, RdfSyntaxError
from registry.rdf import formats
from registry.rdf.limits import DescriptionLimits, blank_node_depth
from tests.conftest import PROSTATE, SAMPLE_FILES, TURTLE

NTRIPLES = formats.syntax_for_media_type("application/n-triples")
DATASET = "<https://datasets.procancer-i.example/open-challenge-prostate-v1>"
BASE = "http://registry.test/"


def with_extra(text: str) -> bytes:
    return PROSTATE.read_bytes() + text.encode("utf-8")


def test_no_length_limits_on_provider_text_a_5_mb_title() -> None:
    body = with_extra(f'{DATASET} <http://purl.org/dc/terms/title> "{"x" * 5_000_000}"@en .\n')
    with pytest.raises(DescriptionTooLarge, match="REGISTRY_MAX_RECORD_BYTES") as caught:
        formats.parse(body, TURTLE, BASE, DescriptionLimits())
    assert caught.value.status == 413
    assert "at most 1,000,000" in caught.value.message


def test_no_length_limits_on_provider_text_one_literal() -> None:
    body = with_extra(f'{DATASET} <http://purl.org/dc/terms/title> "{"x" * 10_001}"@en .\n')
    with pytest.raises(DescriptionTooLarge, match="REGISTRY_MAX_LITERAL_LENGTH") as caught:
        formats.parse(body, TURTLE, BASE, DescriptionLimits())
    assert "dct:title" in caught.value.message and "10,001 characters" in caught.value.message
    assert formats.parse(body, TURTLE, BASE)  # files the registry ships are not bounded


def test_no_length_limits_on_provider_text_100000_extra_triples() -> None:
    """Accepted after 67 s before; now the parser is stopped at the limit."""
    body = "".join(f"{DATASET} <http://example.org/p{i}> \"x\" .\n" for i in range(100_000))
    start = time.perf_counter()
    with pytest.raises(DescriptionTooLarge, match="more than 5,000 triples.*REGISTRY_MAX_RECORD_TRIPLES"):
        formats.parse(body.encode(), NTRIPLES, BASE, DescriptionLimits(max_bytes=10**9))
    assert time.perf_counter() - start < 2.0


def test_blank_node_chain_deeper_than_the_limit_is_refused() -> None:
    chain = "[ <http://example.org/p> " * 10_000 + '"x"' + " ]" * 10_000
    body = with_extra(f"{DATASET} <http://example.org/p> {chain} .\n")
    with pytest.raises(DescriptionTooLarge, match="REGISTRY_MAX_BLANK_NODE_DEPTH"):
        formats.parse(body, TURTLE, BASE, DescriptionLimits(max_triples=100_000))
    sixteen = "[ <http://example.org/p> " * 15 + '"x"' + " ]" * 15
    assert formats.parse(with_extra(f"{DATASET} <http://example.org/p> {sixteen} .\n"), TURTLE, BASE, DescriptionLimits())


def test_blank_nodes_in_a_cycle_count_as_deep() -> None:
    ring = "".join(f"_:b{i} <http://example.org/p> _:b{(i + 1) % 20} .\n" for i in range(20))
    assert blank_node_depth(formats.parse(ring.encode(), NTRIPLES)) == 20


def test_every_sample_is_within_the_default_limits() -> None:
    for path in SAMPLE_FILES:
        formats.parse(path.read_bytes(), formats.syntax_for_path(path), BASE, DescriptionLimits())


def test_limits_come_from_the_settings() -> None:
    settings = load_settings({"max_literal_length": 50, "max_record_triples": 7})
    limits = DescriptionLimits.from_settings(settings)
    assert (limits.max_literal, limits.max_triples) == (50, 7)
    with pytest.raises(DescriptionTooLarge, match="more than 7 triples"):
        formats.parse(PROSTATE.read_bytes(), TURTLE, BASE, limits)


JSONLD = formats.syntax_for_media_type("application/ld+json")
DCAT_AP = "https://semiceu.github.io/DCAT-AP/releases/3.0.1/context/dcat-ap.jsonld"


def test_jsonld_with_many_scoped_contexts_is_refused_before_the_processor() -> None:
    """4,000 references to the bundled context, each inlined (8 KB), took 7 s; 20,000 minutes."""
    for count in (4_000, 20_000):
        nodes = [{"@context": DCAT_AP, "http://example.org/q": "x"} for _ in range(count)]
        body = json.dumps({"@context": DCAT_AP, "@id": "http://example.org/s", "http://example.org/p": nodes})
        start = time.perf_counter()
        with pytest.raises(DescriptionTooLarge, match=f"{count + 1:,} @context.*REGISTRY_MAX_JSONLD_CONTEXTS"):
            formats.parse(body.encode(), JSONLD, BASE, DescriptionLimits(max_bytes=10**8))
        assert time.perf_counter() - start < 1.0


def test_jsonld_nested_500_deep_is_refused() -> None:
    """500 levels made the context walk recurse past Python's limit (a 500 answer)."""
    for depth in (500, 100_000):
        body = '{"@id": "http://example.org/s", "http://example.org/p": ' + "[" * depth + '"x"' + "]" * depth + "}"
        with pytest.raises((DescriptionTooLarge, RdfSyntaxError), match="deep"):
            formats.parse(body.encode(), JSONLD, BASE, DescriptionLimits())
        with pytest.raises((DescriptionTooLarge, RdfSyntaxError), match="deep"):
            formats.parse(body.encode(), JSONLD, BASE)  # bounded by default too


def test_jsonld_integer_over_4300_digits_is_refused() -> None:
    body = '{"@id": "http://example.org/s", "http://example.org/n": ' + "9" * 5_000 + "}"
    with pytest.raises(RdfSyntaxError, match="5,000 digits"):
        formats.parse(body.encode(), JSONLD, BASE, DescriptionLimits())
    fine = '{"@id": "http://example.org/s", "http://example.org/n": -' + "9" * 4_000 + "}"
    assert formats.parse(fine.encode(), JSONLD, BASE, DescriptionLimits())

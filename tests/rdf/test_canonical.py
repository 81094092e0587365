"""The canonical form behind record digests and version differences (``rdf.canonical``):
exact (equal for isomorphic descriptions only) and bounded in cost. Regressions of the
hostile-client review (issue "Hardening"): rdflib's ``to_isomorphic`` took 11-15 s on 45
alike blank nodes and never finished a 10,000-deep chain."""

from __future__ import annotations

import random
import time

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from registry.errors import TangledBlankNodes
from registry.rdf.canonical import DIGEST_PREFIX, canonical
from registry.rdf.formats import to_rdflib

P, Q = ox.NamedNode("http://example.org/p"), ox.NamedNode("http://example.org/q")
S = ox.NamedNode("http://example.org/s")


def blank(name: object) -> ox.BlankNode:
    return ox.BlankNode(f"b{name}")


def ring(size: int, prefix: str = "") -> list[ox.Triple]:
    return [ox.Triple(blank(f"{prefix}{i}"), P, blank(f"{prefix}{(i + 1) % size}")) for i in range(size)]


def relabelled(triples: list[ox.Triple], seed: int) -> list[ox.Triple]:
    """The same description with other blank-node labels, in another order."""
    rng = random.Random(seed)
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def rename(term):
        if isinstance(term, ox.BlankNode):
            return names.setdefault(term, ox.BlankNode(f"z{rng.randrange(10**12)}"))
        return term

    out = [ox.Triple(rename(t.subject), t.predicate, rename(t.object)) for t in triples]
    rng.shuffle(out)
    return out


def test_record_digest_exponential_in_identical_blank_nodes() -> None:
    alike = [ox.Triple(blank(i), P, ox.Literal("x")) for i in range(45)]
    start = time.perf_counter()
    digest = canonical(alike).digest
    assert time.perf_counter() - start < 1.0
    assert digest.startswith(DIGEST_PREFIX)
    assert canonical(relabelled(alike, 1)).digest == digest
    assert canonical(alike[:44]).digest != digest
    many = [ox.Triple(blank(i), P, ox.Literal("x")) for i in range(10_000)]
    start = time.perf_counter()
    canonical(many)
    assert time.perf_counter() - start < 10.0  # about 0.8 s here


def test_record_digest_of_a_10000_deep_blank_node_chain_finishes() -> None:
    chain = [ox.Triple(blank(i), P, blank(i + 1)) for i in range(10_000)]
    start = time.perf_counter()
    digest = canonical(chain).digest
    assert time.perf_counter() - start < 10.0  # about 0.5 s here
    assert canonical(relabelled(chain, 2)).digest == digest
    assert canonical(chain[:-1]).digest != digest


def test_shared_blank_nodes_alike_by_refinement_are_still_told_apart() -> None:
    """Two triangles and a hexagon of blank nodes look alike to colour refinement (every
    node one p in, one p out); the search tells them apart."""
    assert canonical(ring(3, "a") + ring(3, "b")).digest != canonical(ring(6)).digest
    assert canonical(ring(6)).digest == canonical(relabelled(ring(6), 3)).digest


def test_tangled_blank_nodes_beyond_the_bound_are_refused_quickly() -> None:
    start = time.perf_counter()
    with pytest.raises(TangledBlankNodes, match="IRIs"):
        canonical(ring(300))
    with pytest.raises(TangledBlankNodes, match="cannot be told apart"):
        canonical(ring(200))
    assert time.perf_counter() - start < 10.0  # about 1.3 s here


TERMS: list[ox.NamedNode | ox.Literal] = [S, ox.Literal("a"), ox.Literal("b", language="en")]


@st.composite
def descriptions(draw: st.DrawFn) -> list[ox.Triple]:
    """Small descriptions dense in blank nodes: trees, shared nodes, cycles, duplicates."""
    nodes = [blank(i) for i in range(draw(st.integers(1, 6)))]
    subjects: list[ox.NamedNode | ox.BlankNode] = [*nodes, S]
    objects: list[ox.NamedNode | ox.BlankNode | ox.Literal] = [*nodes, *TERMS]
    statement = st.tuples(st.sampled_from(subjects), st.sampled_from([P, Q]), st.sampled_from(objects))
    return list({ox.Triple(s, p, o) for s, p, o in draw(st.lists(statement, max_size=12))})


@settings(max_examples=300, deadline=None)
@given(descriptions(), descriptions(), st.integers(0, 10**6))
def test_canonical_form_agrees_with_isomorphism(
    first: list[ox.Triple], second: list[ox.Triple], seed: int
) -> None:
    assert canonical(relabelled(first, seed)).digest == canonical(first).digest
    same = canonical(first).digest == canonical(second).digest
    assert same == isomorphic(to_rdflib(first), to_rdflib(second))

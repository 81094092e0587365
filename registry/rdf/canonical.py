"""A canonical form of a description whose cost is bounded: blank-node labels and triple
order do not matter, and no input makes it exponential.

rdflib's ``to_isomorphic`` branches on every set of blank nodes it cannot tell apart, so
45 copies of ``[] <p> "x"`` took seconds and a deep chain never finished. Here the blank
nodes of a description are labelled in two ways, both isomorphism invariant:

- a blank node that at most one statement points at, and whose own blank nodes are again
  such nodes (a tree: what ``[ ... ]`` in Turtle and nested objects in JSON-LD write), is
  labelled by a hash of what it says, its children's labels included (a Merkle hash, leaves
  first). Identical subtrees get one label, which is exact: subtrees with one label are
  interchangeable. Cost: linear in the triples, whatever the depth or the repetition;
- the other blank nodes ("tangled": pointed at twice, or in or above a cycle) are labelled
  by colour refinement (Weisfeiler-Lehman), then, where that leaves ties, by
  individualisation and refinement, keeping the least of the forms found (the exact method
  of nauty, and of Hogan's iso-canonical labelling, https://doi.org/10.1145/3068333). Its
  cost is bounded by refusing more than ``MAX_TANGLED`` such nodes and more than
  ``MAX_STEPS`` node refinements in all (about a second); real descriptions have none.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from registry.errors import TangledBlankNodes

DIGEST_PREFIX = "c14n1-"
"""Marks digests of this canonical form; a digest without it was made by rdflib's
``to_isomorphic`` (records stored before) and is not comparable with one made here."""
MAX_TANGLED = 256
"""Blank nodes outside trees (pointed at by two statements, or in cycles) per description."""
MAX_STEPS = 100_000
"""Colours the refinement and the search may compute, in all, for one description: a ring of
64 alike blank nodes takes about 130,000 (1.6 s here), a chain of 255 above a shared node
about 65,000 (0.5 s)."""
ADVICE = (
    "Give them IRIs, or state them as nested [ ... ] nodes that only one statement points at."
)

Labels = dict[ox.BlankNode, str]


def _hash(text: str) -> str:
    return "c" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Canonical:
    """A description with canonical blank-node labels (``_:c`` and 32 hex digits)."""

    lines: tuple[str, ...]
    """Its N-Triples lines, relabelled, sorted: what the digest is made of (written straight
    from the labels: building the relabelled triples first took a loaded record 0.7 ms)."""

    @property
    def triples(self) -> tuple[ox.Triple, ...]:
        """The triples relabelled, in the order of their lines."""
        text = "\n".join(self.lines).encode("utf-8")
        return tuple(q.triple for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES))

    @property
    def digest(self) -> str:
        """The fingerprint kept on a record: equal for isomorphic descriptions only."""
        text = "\n".join(self.lines)
        return DIGEST_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Graph:
    """The blank nodes of a description with the statements from and to each."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self.triples = triples
        self.out: dict[ox.BlankNode, list[ox.Triple]] = defaultdict(list)
        self.into: dict[ox.BlankNode, list[ox.Triple]] = defaultdict(list)
        for triple in triples:
            if isinstance(triple.subject, ox.BlankNode):
                self.out[triple.subject].append(triple)
            if isinstance(triple.object, ox.BlankNode):
                self.into[triple.object].append(triple)
        self.nodes = set(self.out) | set(self.into)

    def children(self, node: ox.BlankNode) -> list[ox.BlankNode]:
        return [t.object for t in self.out[node] if isinstance(t.object, ox.BlankNode)]


def _term(term: object, labels: Labels) -> str:
    return "_:" + labels[term] if isinstance(term, ox.BlankNode) else str(term)


def tree_labels(graph: _Graph) -> Labels:
    """Label every blank node whose statements below it form a tree, leaves first.

    A node's blank children are counted down as each is finished (Kahn's order); nodes
    never finished are in or above a cycle. A node pointed at twice, or above one that is
    not a tree, is not a tree either. Those are left out of the answer.
    """
    waiting = {node: len(graph.children(node)) for node in graph.nodes}
    parents: dict[ox.BlankNode, list[ox.BlankNode]] = defaultdict(list)
    for node in graph.nodes:
        for child in graph.children(node):
            parents[child].append(node)
    ready = [node for node, count in waiting.items() if count == 0]
    labels: Labels = {}
    while ready:
        node = ready.pop()
        if len(graph.into[node]) <= 1 and all(c in labels for c in graph.children(node)):
            said = sorted(f"{t.predicate} {_term(t.object, labels)}" for t in graph.out[node])
            labels[node] = _hash("tree\n" + "\n".join(said))
        for parent in parents[node]:
            waiting[parent] -= 1
            if waiting[parent] == 0:
                ready.append(parent)
    return labels


class _Search:
    """Colour refinement of the tangled nodes, and individualisation where it leaves ties,
    bounded in steps."""

    def __init__(self, graph: _Graph, tangled: list[ox.BlankNode], fixed: Labels) -> None:
        self.graph, self.tangled, self.fixed = graph, tangled, fixed
        self.steps = 0

    def refine(self, colours: Labels) -> Labels:
        """Refine ``colours`` until the partition of the tangled nodes stops splitting."""
        labels = dict(self.fixed)
        count = len(set(colours.values()))
        while True:
            self.steps += len(self.tangled)
            if self.steps > MAX_STEPS:
                raise TangledBlankNodes(
                    "The description's shared blank nodes cannot be told apart by what is "
                    f"said about them within {MAX_STEPS} steps. {ADVICE}"
                )
            labels.update(colours)
            refined = {}
            for node in self.tangled:
                out, into = self.graph.out[node], self.graph.into[node]
                around = [f"> {t.predicate} {_term(t.object, labels)}" for t in out]
                around += [f"< {t.predicate} {_term(t.subject, labels)}" for t in into]
                refined[node] = _hash(colours[node] + "\n" + "\n".join(sorted(around)))
            colours = refined
            if len(set(colours.values())) == count:
                return colours
            count = len(set(colours.values()))

    def least(self, colours: Labels) -> tuple[list[str], Labels]:
        """Return the least relabelled description (its sorted lines) among the leaves of the
        search under ``colours``, and the labels that give it."""
        colours = self.refine(colours)
        cells: dict[str, list[ox.BlankNode]] = defaultdict(list)
        for node, colour in colours.items():
            cells[colour].append(node)
        tied = sorted((colour, nodes) for colour, nodes in cells.items() if len(nodes) > 1)
        if not tied:
            labels = {**self.fixed, **colours}
            return sorted(_relabelled_line(t, labels) for t in self.graph.triples), colours
        best: tuple[list[str], Labels] | None = None
        colour, nodes = tied[0]
        for node in nodes:
            found = self.least({**colours, node: _hash(colour + "\nchosen")})
            if best is None or found[0] < best[0]:
                best = found
        assert best is not None
        return best


def _relabelled_line(triple: ox.Triple, labels: Labels) -> str:
    return f"{_term(triple.subject, labels)} {triple.predicate} {_term(triple.object, labels)} ."


def canonical(triples: Iterable[ox.Triple]) -> Canonical:
    """Return the description with canonical blank-node labels, or raise TangledBlankNodes
    when its tangled blank nodes go beyond the bounds."""
    listed = list(triples)
    graph = _Graph(listed)
    labels = tree_labels(graph)
    tangled = sorted((node for node in graph.nodes if node not in labels), key=str)
    if len(tangled) > MAX_TANGLED:
        raise TangledBlankNodes(
            f"The description has {len(tangled)} blank nodes that several statements point "
            f"at, or that form cycles; at most {MAX_TANGLED} are accepted. {ADVICE}"
        )
    if tangled:
        _, colours = _Search(graph, tangled, labels).least({node: "" for node in tangled})
        labels.update(colours)
    return Canonical(tuple(sorted(_relabelled_line(t, labels) for t in listed)))

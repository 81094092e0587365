"""Which shapes apply to one description, compiled for pySHACL once and reused.

Two selections, both exact (they never change a validation result):

* **Access level.** Release 8 has one shape set per access level. The profile writes the
  shared rules once; a node shape annotated ``cir:accessLevel`` applies only to datasets
  of that level (its targets are removed for the others). Without one valid level only
  the shared rules apply, and they report the access-rights mistake. One set per level is
  compiled (pySHACL harvesting the shapes) when ``Shapes`` is built.
* **Presence.** A property shape on a simple predicate path with no ``sh:minCount``,
  ``sh:qualifiedMinCount`` or ``sh:hasValue`` cannot report anything about a node that
  has no value for the predicate. Such a shape, reached only through ``sh:property``, is
  switched off (pySHACL's ``sh:deactivated``, which makes it conform without a look at the
  data) for a description in which its predicate occurs nowhere, which roughly halves
  pySHACL's work on a typical record. Switching is a flag per shape on the compiled set,
  so a new kind of description costs no compilation (there are hundreds of kinds).

Each set comes with the IRIs of its targeted shapes: pySHACL otherwise visits every shape,
including the property shapes that only run inside their node shape, to find they have no
focus node. Its shapes graph answers pySHACL's reads from tables built once
(``FrozenShapesGraph``): pySHACL reads a shape's parameters from the graph again on every
evaluation of the shape, for every focus node, and those reads were a third of its time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pyshacl.shape import Shape
from pyshacl.shapes_graph import ShapesGraph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SH
from rdflib.term import Node

from registry.profile.quiet import QuietShapes
from registry.rdf.namespaces import ACCESS_RIGHT, CIR

ACCESS_LEVELS = tuple(ACCESS_RIGHT[code] for code in ("PUBLIC", "NON_PUBLIC", "RESTRICTED"))
ACCESS_LEVEL = CIR.accessLevel
"""Annotation on a node shape: it applies only to datasets with this ``dct:accessRights``."""
TARGET_PREDICATES = frozenset(
    {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
)


def access_level(data: Graph) -> URIRef | None:
    """The one access level the description's datasets declare, or None if not exactly one."""
    levels = {
        level
        for dataset in data.subjects(RDF.type, DCAT.Dataset)
        for level in data.objects(dataset, DCTERMS.accessRights)
    }
    if len(levels) == 1:
        (level,) = levels
        if isinstance(level, URIRef) and level in ACCESS_LEVELS:
            return level
    return None


def optional_shapes(shapes: Graph) -> dict[URIRef, URIRef]:
    """Property shape -> predicate, for the shapes that cannot fire when the predicate is
    absent and that run only as a ``sh:property`` of a node shape (no target of their own,
    not inside ``sh:node``, ``sh:or`` and the like, where switching one off would change
    what the enclosing constraint says)."""
    must_run = {SH.minCount, SH.qualifiedMinCount, SH.hasValue, SH.equals}
    optional = {}
    for shape, path in shapes.subject_objects(SH.path):
        if not isinstance(path, URIRef) or not isinstance(shape, URIRef):
            continue
        if any(
            p in must_run and not (p == SH.minCount and o == Literal(0)) or p in TARGET_PREDICATES
            for p, o in shapes.predicate_objects(shape)
        ):
            continue
        if any(p != SH.property for p in shapes.predicates(None, shape)):
            continue
        optional[shape] = path
    return optional


class FrozenShapesGraph(ShapesGraph):
    """A pySHACL shapes graph that answers its reads from tables built once.

    pySHACL reads through these methods (``Shape.objects``, the constraint components'
    constructors) on every evaluation; the registry never changes a shapes graph after
    compiling it, so the answers are computed once. A read with a wildcard the tables do
    not cover goes to the graph.
    """

    quiet: QuietShapes | None = None
    """The check that lets ``speedups`` skip shapes that report nothing (set by
    ``compile_shapes``)."""

    def freeze(self) -> None:
        """Build the tables; call after the shapes are harvested."""
        self._po: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        self._o_of: dict[tuple[Node, Node], list[Node]] = defaultdict(list)
        self._s_of: dict[tuple[Node, Node], list[Node]] = defaultdict(list)
        for s, p, o in self.graph:
            self._po[s].append((p, o))
            self._o_of[(s, p)].append(o)
            self._s_of[(p, o)].append(s)
        self._frozen = True

    def objects(self, s: Any, p: Any) -> Iterator[Node]:
        if s is None or p is None or not getattr(self, "_frozen", False):
            return iter(super().objects(s, p))
        return iter(self._o_of.get((s, p), ()))

    def subjects(self, p: Any, o: Any) -> Iterator[Node]:
        if p is None or o is None or not getattr(self, "_frozen", False):
            return iter(super().subjects(p, o))
        return iter(self._s_of.get((p, o), ()))

    def predicate_objects(self, s: Any) -> Iterator[tuple[Node, Node]]:
        if s is None or not getattr(self, "_frozen", False):
            return iter(super().predicate_objects(s))
        return iter(self._po.get(s, ()))


@dataclass(frozen=True)
class CompiledShapes:
    """A shape set pySHACL has harvested, and the shapes validation starts from."""

    shapes_graph: FrozenShapesGraph
    targeted: tuple[str, ...]
    switchable: dict[URIRef, tuple[Shape, ...]]
    """Predicate -> the compiled optional shapes on it, switched off when it is absent."""
    quiet: QuietShapes
    """The shapes compiled to prove that they report nothing (``registry.profile.quiet``)."""

    def switch_for(self, present: Iterable[Node]) -> None:
        """Switch the optional shapes of the predicates not ``present`` off, the others on."""
        present = set(present)
        for predicate, shapes in self.switchable.items():
            idle = predicate not in present
            for shape in shapes:
                shape._deactivated = idle  # pySHACL's sh:deactivated, read by Shape.validate


def targeted_shapes(shapes: Graph) -> tuple[str, ...]:
    """IRIs of the shapes with a target (implicit class targets included)."""
    targeted = {s for p in TARGET_PREDICATES for s in shapes.subjects(p, None)}
    targeted |= {
        s for s in shapes.subjects(RDF.type, RDFS.Class) if (s, RDF.type, SH.NodeShape) in shapes
    }
    if not all(isinstance(shape, URIRef) for shape in targeted):
        raise ValueError("targeted shapes must be named with IRIs")
    return tuple(sorted(str(shape) for shape in targeted))


class ShapeSelection:
    """One compiled shape set per access level, with its optional shapes switchable."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        optional = optional_shapes(shapes)
        self._complete = {
            level: compile_shapes(select(shapes, level), optional)
            for level in (*ACCESS_LEVELS, None)
        }

    def use_quiet_check(self, enabled: bool) -> None:
        """Let pySHACL skip the shapes the quiet check proves silent (the default), or run
        every shape itself (the reference the agreement tests and ``bench.validate``
        compare with)."""
        for compiled in self._complete.values():
            compiled.shapes_graph.quiet = compiled.quiet if enabled else None

    def shapes_for(self, data: Graph) -> CompiledShapes:
        """The compiled shapes of ``data``'s level, switched for the predicates it has.

        The switches live on the shared compiled set: callers serialise access from the
        call until the end of the validation.
        """
        compiled = self._complete[access_level(data)]
        compiled.switch_for(data.predicates())
        return compiled


def compile_shapes(selected: Graph, optional: dict[URIRef, URIRef]) -> CompiledShapes:
    """Have pySHACL harvest ``selected`` once, and find its switchable shapes."""
    shapes_graph = FrozenShapesGraph(selected)
    _ = shapes_graph.shapes  # harvest now, once
    shapes_graph.freeze()
    quiet = shapes_graph.quiet = QuietShapes(shapes_graph)
    switchable: dict[URIRef, list[Shape]] = defaultdict(list)
    for node, predicate in optional.items():
        if (None, SH.property, node) in selected:
            switchable[predicate].append(shapes_graph.lookup_shape_from_node(node))
    return CompiledShapes(
        shapes_graph,
        targeted_shapes(selected),
        {predicate: tuple(found) for predicate, found in switchable.items()},
        quiet,
    )


def select(shapes: Graph, level: URIRef | None) -> Graph:
    """Return the shapes for one access level."""
    inactive = {shape for shape, lvl in shapes.subject_objects(ACCESS_LEVEL) if lvl != level}
    selected = Graph()
    for prefix, namespace in shapes.namespaces():
        selected.bind(prefix, namespace)
    for triple in shapes:
        subject, predicate, _ = triple
        if subject in inactive and predicate in TARGET_PREDICATES:
            continue
        selected.add(triple)
    return selected

"""Which shapes apply to one description, compiled for pySHACL and reused.

Two selections, both exact (they never change a validation result):

* **Access level.** Release 8 has one shape set per access level. The profile writes the
  shared rules once; a node shape annotated ``cir:accessLevel`` applies only to datasets
  of that level (its targets are removed for the others). Without one valid level only
  the shared rules apply, and they report the access-rights mistake.
* **Presence.** A property shape on a simple predicate path with no ``sh:minCount``,
  ``sh:qualifiedMinCount`` or ``sh:hasValue`` cannot report anything about a node that
  has no value for the predicate. Shapes whose predicate occurs nowhere in the description
  are left out, which roughly halves pySHACL's work on a typical record.

Compiling (pySHACL harvesting the shapes) costs several validations, so pruned sets are
compiled only for kinds of description that recur, and kept in a small LRU cache. Each set
comes with the IRIs of its targeted shapes: pySHACL otherwise visits every shape, including
the property shapes that only run inside their node shape, to find they have no focus node.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from pyshacl.shapes_graph import ShapesGraph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SH

from registry.rdf.namespaces import ACCESS_RIGHT, CIR

ACCESS_LEVELS = tuple(ACCESS_RIGHT[code] for code in ("PUBLIC", "NON_PUBLIC", "RESTRICTED"))
ACCESS_LEVEL = CIR.accessLevel
"""Annotation on a node shape: it applies only to datasets with this ``dct:accessRights``."""
TARGET_PREDICATES = frozenset(
    {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
)
CACHE_SIZE = 64
"""Pruned sets kept (about 3 MB each)."""
SEEN_LIMIT = 10_000
Key = tuple[URIRef | None, frozenset[URIRef]]


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
    """Property shape -> predicate, for the shapes that cannot fire when the predicate is absent."""
    must_run = {SH.minCount, SH.qualifiedMinCount, SH.hasValue, SH.equals}
    optional = {}
    for shape, path in shapes.subject_objects(SH.path):
        if not isinstance(path, URIRef) or not isinstance(shape, URIRef):
            continue
        if any(
            p in must_run and not (p == SH.minCount and o == Literal(0))
            for p, o in shapes.predicate_objects(shape)
        ):
            continue
        optional[shape] = path
    return optional


@dataclass(frozen=True)
class CompiledShapes:
    """A shape set pySHACL has harvested, and the shapes validation starts from."""

    shapes_graph: ShapesGraph
    targeted: tuple[str, ...]


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
    """Compiled shape sets per (access level, predicates present, comparisons)."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self._optional = optional_shapes(shapes)
        self._predicates = frozenset(self._optional.values())
        # Every level's complete set, compiled now: a shape pySHACL cannot harvest fails at
        # start-up, and a description of a new kind never waits for a compilation.
        self._complete = {
            level: self._compile(level, self._predicates) for level in (*ACCESS_LEVELS, None)
        }
        self._cache: OrderedDict[Key, CompiledShapes] = OrderedDict()
        self._seen: set[Key] = set()

    def shapes_for(self, data: Graph) -> CompiledShapes:
        """The compiled shapes that can report on ``data`` (callers serialise access).

        A kind of description seen for the first time gets its level's complete set; a
        kind that recurs gets its pruned set, compiled once and cached.
        """
        level = access_level(data)
        key = (level, frozenset(self._predicates.intersection(data.predicates())))
        compiled = self._cache.get(key)
        if compiled is not None:
            self._cache.move_to_end(key)
            return compiled
        if key not in self._seen:
            if len(self._seen) > SEEN_LIMIT:
                self._seen.clear()
            self._seen.add(key)
            return self._complete[level]
        compiled = self._compile(*key)
        self._cache[key] = compiled
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return compiled

    def _compile(self, level: URIRef | None, present: frozenset[URIRef]) -> CompiledShapes:
        idle = {shape for shape, path in self._optional.items() if path not in present}
        selected = select(self.shapes, level, frozenset(idle))
        shapes_graph = ShapesGraph(selected)
        _ = shapes_graph.shapes  # harvest now, once
        return CompiledShapes(shapes_graph, targeted_shapes(selected))


def select(shapes: Graph, level: URIRef | None, idle: frozenset[URIRef] = frozenset()) -> Graph:
    """Return the shapes for one access level, without the ``idle`` property shapes."""
    inactive = {shape for shape, lvl in shapes.subject_objects(ACCESS_LEVEL) if lvl != level}
    selected = Graph()
    for prefix, namespace in shapes.namespaces():
        selected.bind(prefix, namespace)
    for triple in shapes:
        subject, predicate, obj = triple
        if subject in inactive and predicate in TARGET_PREDICATES:
            continue
        if predicate == SH.property and obj in idle:
            continue
        selected.add(triple)
    return selected

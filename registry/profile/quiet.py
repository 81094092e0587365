"""Proving that a shape reports nothing about a node, without running pySHACL on it.

Most shapes, on most nodes, report nothing: a description breaks a handful of the
profile's ~350 shapes. pySHACL finds that out the long way (a shape's constraint components
one by one, each sh:node and sh:or by a nested validation that builds report nodes), and
that is most of a validation. ``QuietShapes`` compiles each shape of a pySHACL shapes graph
into direct graph lookups that answer one question: does this shape give **no result of any
severity** for this focus node? ``speedups`` then hands pySHACL's ``Shape.validate`` only
the focus nodes not proven quiet, and skips it when there are none (it would have returned
``(True, [])``); pySHACL writes every result, message and report node itself.

The check only ever says "quiet" when pySHACL would report nothing: each component is
compiled from pySHACL's own rule for a *passing* value (same datatype and string rules, the
same triples read from tables of the data graph), a SPARQL constraint is compiled only when
its query reads nothing but its focus node's own values (``QueryCheck``), and a shape with a
component or path it does not know (``sh:not``, ``sh:qualifiedValueShape``, ``sh:closed``,
...) is never quiet, so pySHACL runs it. A wrong "not quiet" costs time, never a result.
``tests/profile/test_quiet.py`` and ``bench.quiet_agreement`` compare every sample, every
invalid file and generated records with the check switched off.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from pyshacl.constraints.core.string_based_constraints import StringBasedConstraintBase
from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent
from pyshacl.helper.expression_helper import value_nodes_from_path
from pyshacl.shape import Shape
from pyshacl.shapes_graph import ShapesGraph
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

IGNORED = frozenset(
    {
        # Words and bookkeeping: they never change whether a result is produced.
        SH.name,
        SH.description,
        SH.message,
        SH.severity,
        SH.order,
        SH.group,
        SH.defaultValue,
        # Targets choose focus nodes; the check is asked about given focus nodes.
        SH.targetClass,
        SH.targetNode,
        SH.targetSubjectsOf,
        SH.targetObjectsOf,
        # Read at evaluation time from pySHACL's shape (the registry switches it per record).
        SH.deactivated,
        SH.path,
    }
)
COMPILED = frozenset(
    {
        SH.minCount,
        SH.maxCount,
        SH.nodeKind,
        SH.datatype,
        SH["class"],
        SH.hasValue,
        SH["in"],
        SH.pattern,
        SH.node,
        SH.property,
        SH["or"],
        SH.sparql,
    }
)
QUERY_PARTS = frozenset({"Project", "Filter", "Extend", "BGP"})
"""The SPARQL algebra a compiled ``sh:sparql`` constraint may use (SELECT, FILTER, BIND
over triples of ``$this``); anything that reads beyond ``$this``'s own values is not."""
CONSTRAINT_KEYS = frozenset(
    {RDF.type, SH.select, SH.message, SH.severity, SH.name, SH.description, RDFS.label}
)
NODE_KINDS: dict[Node, tuple[type, ...]] = {
    SH.IRI: (URIRef,),
    SH.Literal: (Literal,),
    SH.BlankNode: (BNode,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}
MAX_DEPTH = 10
"""Nesting followed by the check; deeper goes to pySHACL (which refuses at depth 15)."""

ValueTest = Callable[["Lookups", Node], bool]
"""(data graph, value node) -> the value passes the component."""


class Lookups:
    """The data graph of one validation as tables: the check reads every (node, predicate)
    many times, and a dictionary answers faster than rdflib's store."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self._objects: dict[tuple[Node, Node], list[Node]] = {}
        self._subjects: dict[tuple[Node, Node], list[Node]] = {}
        self._pairs: dict[Node, list[tuple[Node, Node]]] = {}
        for s, p, o in data.triples((None, None, None)):
            self._objects.setdefault((s, p), []).append(o)
            self._subjects.setdefault((p, o), []).append(s)
            self._pairs.setdefault(p, []).append((s, o))
        self.memo: dict[tuple[Node, Node], bool] = {}

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        return self._objects.get((subject, predicate), [])

    def subjects(self, predicate: Node, obj: Node) -> list[Node]:
        return self._subjects.get((predicate, obj), [])

    def pairs(self, predicate: Node) -> list[tuple[Node, Node]]:
        return self._pairs.get(predicate, [])

    def focus_nodes(self, shape: Shape) -> set[Node]:
        """pySHACL's ``Shape.focus_nodes`` (core targets), read from the tables."""
        nodes, classes, implicit, objects_of, subjects_of = shape.target()
        found = set(nodes)
        for cls in {*classes, *implicit}:
            # rdflib's transitive_subjects: the class and its subclasses, any depth.
            seen, todo = {cls}, [cls]
            while todo:
                current = todo.pop()
                found.update(self.subjects(RDF.type, current))
                for sub in self.subjects(RDFS.subClassOf, current):
                    if sub not in seen:
                        seen.add(sub)
                        todo.append(sub)
        for predicate in subjects_of:
            found.update(s for s, _ in self.pairs(predicate))
        for predicate in objects_of:
            found.update(o for _, o in self.pairs(predicate))
        return found

    def reaches(self, start: Node, predicate: Node, goal: Node) -> bool:
        """Whether ``goal`` is ``start`` or reached from it along ``predicate`` (rdflib's
        ``transitive_objects``, which yields its start too)."""
        seen, todo = {start}, [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            for found in self.objects(node, predicate):
                if found not in seen:
                    seen.add(found)
                    todo.append(found)
        return False


@dataclass
class Plan:
    """One shape compiled: how to find its value nodes and what each must satisfy."""

    node: Node
    path: Node | None
    counts: tuple[int | None, int | None] = (None, None)
    has_values: tuple[Node, ...] = ()
    tests: list[ValueTest] = field(default_factory=list)
    nodes: tuple[Node, ...] = ()
    properties: tuple[Node, ...] = ()
    alternatives: tuple[tuple[Node, ...], ...] = ()
    """Each ``sh:or``'s members."""
    queries: tuple[QueryCheck, ...] = ()


class Unsupported(Exception):
    """A shape uses something the check does not compile: pySHACL runs it."""


def parts(node: Any) -> Iterator[Any]:
    """Every algebra node and term under ``node``."""
    yield node
    if isinstance(node, CompValue):
        for value in node.values():
            yield from parts(value)
    elif isinstance(node, (list, tuple, set, frozenset)):
        for value in node:
            yield from parts(value)


@dataclass(frozen=True)
class QueryCheck:
    """A SPARQL-based constraint (``sh:sparql``) whose query matches only triples
    ``$this <p> ?x`` and filters and binds their values: its solutions for a focus node are
    the same on a graph of the focus node's values for those predicates alone, which rdflib
    evaluates in a fraction of the time it takes on the whole description."""

    query: Query
    predicates: tuple[URIRef, ...]

    @classmethod
    def compile(cls, graph: Any, constraint: Node) -> QueryCheck:
        if any(p not in CONSTRAINT_KEYS for p in graph.predicates(constraint)):
            raise Unsupported("a SPARQL constraint with prefixes, deactivation or more")
        texts = list(graph.objects(constraint, SH.select))
        if len(texts) != 1:
            raise Unsupported("not one sh:select")
        try:
            query = translateQuery(parseQuery(str(texts[0])))
        except Exception as error:  # pyparsing and rdflib raise several types
            raise Unsupported(f"query: {error}") from error
        found = list(parts(query.algebra))
        if any(isinstance(p, CompValue) and "EXISTS" in p.name.upper() for p in found):
            raise Unsupported("EXISTS reads the whole graph")
        if query.algebra.name != "SelectQuery" or query.algebra.get("datasetClause"):
            raise Unsupported("not a SELECT on the data graph")
        # The graph patterns, from the top: one chain of Project, Filter and Extend down
        # to one BGP (no join, union, optional, minus, subquery, path or GRAPH).
        shapes, steps = [], [query.algebra.p]
        while steps:
            step = steps.pop()
            if not isinstance(step, CompValue) or step.name not in QUERY_PARTS:
                raise Unsupported(f"query part {getattr(step, 'name', step)}")
            shapes.append(step)
            if step.name != "BGP":
                steps.append(step.p)
        bgps = [p for p in shapes if p.name == "BGP"]
        this, bound, predicates = Variable("this"), {Variable("this")}, []
        for bgp in bgps:
            for subject, predicate, obj in bgp.triples:
                if subject != this or not isinstance(predicate, URIRef):
                    raise Unsupported("a triple not of $this")
                if not isinstance(obj, Variable) or obj in bound:
                    raise Unsupported("a constant or shared object")
                bound.add(obj)
                predicates.append(predicate)
        bound |= {p.var for p in shapes if p.name == "Extend"}
        if not {p for p in found if isinstance(p, Variable)} <= bound:
            raise Unsupported("a variable bound outside the query")
        return cls(query, tuple(predicates))

    def silent(self, data: Lookups, focus: Node) -> bool:
        """Whether the query has no solution for ``focus``."""
        small = Graph()
        for predicate in self.predicates:
            values = data.objects(focus, predicate)
            if not values:
                return True  # a triple pattern without a match: no solution
            for value in values:
                small.add((focus, predicate, value))
        # rdflib's own type says str keys, but its evaluation looks bindings up by Variable.
        bindings = cast(Any, {Variable("this"): focus})
        result = evalQuery(small, self.query, bindings)
        return not any(True for _ in result["bindings"])


def datatype_test(datatype: Node) -> ValueTest:
    """pySHACL's ``DatatypeConstraintComponent`` rule for a value that passes."""
    check = cast(Any, DatatypeConstraintComponent._assert_actual_datatype)

    def passes(_: Any, value: Node) -> bool:
        if not isinstance(value, Literal):
            return False
        if value.datatype == datatype:
            return getattr(value, "ill_typed", None) is not True and check(None, value, datatype)
        if datatype == RDFS.Literal:
            return True
        if datatype == RDFS.Datatype and value.datatype:
            return True
        if value.datatype is None and value.language is None and datatype == XSD.string:
            return bool(check(None, value, datatype))
        if datatype == RDF.langString and value.language:
            return bool(check(None, value, datatype))
        return False

    return passes


def kind_test(kinds: tuple[type, ...]) -> ValueTest:
    """pySHACL's ``sh:nodeKind`` rule: the value is a term of one of these kinds."""

    def passes(_: Lookups, value: Node) -> bool:
        return isinstance(value, kinds)

    return passes


def member_test(allowed: frozenset[Node]) -> ValueTest:
    """pySHACL's ``sh:in`` rule: the value is one of the list's (a set of terms there too)."""

    def passes(_: Lookups, value: Node) -> bool:
        return value in allowed

    return passes


def class_test(cls: Node) -> ValueTest:
    """pySHACL's rdflib ``sh:class`` rule: a type of the value is the class or a subclass."""

    def passes(data: Lookups, value: Node) -> bool:
        if isinstance(value, Literal):
            return False
        return any(
            data.reaches(found, RDFS.subClassOf, cls) for found in data.objects(value, RDF.type)
        )

    return passes


def pattern_test(pattern: Node) -> ValueTest:
    """pySHACL's ``sh:pattern`` rule (no ``sh:flags``: a shape with flags is unsupported)."""
    matcher = re.compile(str(pattern))

    def passes(_: Any, value: Node) -> bool:
        if isinstance(value, BNode):
            return False
        text = StringBasedConstraintBase.value_node_to_string(value)
        return bool(matcher.match(text) or matcher.search(text))

    return passes


class QuietShapes:
    """The shapes of one pySHACL shapes graph, compiled to answer "no result here?"."""

    def __init__(self, shapes_graph: ShapesGraph) -> None:
        self.shapes_graph = shapes_graph
        self.graph = shapes_graph.graph
        # A custom constraint component may be declared on any shape: then none is compiled.
        self.refused = (None, RDF.type, SH.ConstraintComponent) in self.graph
        self._plans: dict[Node, Plan | None] = {}
        self._lookups: Lookups | None = None

    def plan(self, node: Node) -> Plan | None:
        """The compiled shape, or None when it uses something unsupported."""
        if self.refused:
            return None
        if node not in self._plans:
            try:
                self._plans[node] = self._compile(node)
            except Unsupported:
                self._plans[node] = None
        return self._plans[node]

    def _compile(self, node: Node) -> Plan:
        graph = self.graph
        low = high = None
        has_values: list[Node] = []
        tests: list[ValueTest] = []
        nodes: list[Node] = []
        properties: list[Node] = []
        alternatives: list[tuple[Node, ...]] = []
        queries: list[QueryCheck] = []
        paths = list(graph.objects(node, SH.path))
        if len(paths) > 1:
            raise Unsupported("several paths")
        path = paths[0] if paths else None
        if path is not None and not isinstance(path, URIRef):
            self._check_path(path)
        for predicate, value in graph.predicate_objects(node):
            if predicate in IGNORED or not str(predicate).startswith(str(SH)):
                continue
            if predicate not in COMPILED:
                raise Unsupported(str(predicate))
            if predicate in (SH.minCount, SH.maxCount):
                if path is None or not isinstance(value, Literal):
                    raise Unsupported("a count on a node shape")
                if predicate == SH.minCount:
                    low = int(value)
                else:
                    high = int(value)
            elif predicate == SH.nodeKind:
                if value not in NODE_KINDS:
                    raise Unsupported(f"node kind {value}")
                tests.append(kind_test(NODE_KINDS[value]))
            elif predicate == SH.datatype:
                tests.append(datatype_test(value))
            elif predicate == SH["class"]:
                tests.append(class_test(value))
            elif predicate == SH.hasValue:
                has_values.append(value)
            elif predicate == SH["in"]:
                tests.append(member_test(frozenset(Collection(graph, value))))
            elif predicate == SH.pattern:
                if (node, SH.flags, None) in graph:
                    raise Unsupported("sh:flags")
                tests.append(pattern_test(value))
            elif predicate == SH.node:
                nodes.append(value)
            elif predicate == SH.property:
                properties.append(value)
            elif predicate == SH["or"]:
                alternatives.append(tuple(Collection(graph, value)))
            elif predicate == SH.sparql:
                if path is not None:
                    raise Unsupported("SPARQL on a property shape")
                queries.append(QueryCheck.compile(graph, value))
        return Plan(
            node,
            path,
            (low, high),
            tuple(has_values),
            tests,
            tuple(nodes),
            tuple(properties),
            tuple(alternatives),
            tuple(queries),
        )

    def _check_path(self, path: Node) -> None:
        """Accept the complex paths ``value_nodes_from_path`` follows exactly: an inverse
        or an alternative of predicates."""
        graph = self.graph
        inverse = graph.value(path, SH.inversePath)
        if isinstance(inverse, URIRef) and len(set(graph.predicate_objects(path))) == 1:
            return
        head = graph.value(path, SH.alternativePath)
        if head is not None and len(set(graph.predicate_objects(path))) == 1:
            if all(isinstance(step, URIRef) for step in Collection(graph, head)):
                return
        raise Unsupported(f"path {path}")

    def quiet(self, shape: Shape, data: Any, focus: Iterable[Node], depth: int = 0) -> bool:
        """Whether pySHACL's ``shape.validate`` would report nothing for any of ``focus``."""
        return not self.loud(shape, data, focus, depth)

    def loud(
        self, shape: Shape, data: Any, focus: Iterable[Node] | None, depth: int = 0
    ) -> list[Node]:
        """The focus nodes on which ``shape`` is not proven to report nothing (a shape's
        results are those of each focus node alone, so only these need pySHACL); ``None``
        stands for the shape's targets."""
        lookups = self.lookups(data)
        if focus is None:
            focus = lookups.focus_nodes(shape)
        return [f for f in focus if not self._quiet(shape.node, lookups, f, depth, ())]

    def lookups(self, data: Any) -> Lookups:
        """The tables of ``data``, built at its first use."""
        lookups = self._lookups
        if lookups is None or lookups.data is not data:
            # pySHACL wraps the data graph anew for every validation, and holding the
            # wrapper keeps its identity from being reused by the next one.
            lookups = self._lookups = Lookups(data)
        return lookups

    def _quiet(
        self, node: Node, data: Lookups, focus: Node, depth: int, seen: Sequence[Node]
    ) -> bool:
        if depth >= MAX_DEPTH or node in seen:
            return False  # deep or recursive: pySHACL's own rules apply
        known = data.memo.get((node, focus))
        if known is None:
            known = data.memo[(node, focus)] = self._evaluate(node, data, focus, depth, seen)
        return known

    def _evaluate(
        self, node: Node, data: Lookups, focus: Node, depth: int, seen: Sequence[Node]
    ) -> bool:
        if self.shapes_graph.is_filtered_out_shape(node):
            return False
        try:
            shape = self.shapes_graph.lookup_shape_from_node(node)
        except KeyError:
            return False
        if shape.deactivated:
            return True
        plan = self.plan(node)
        if plan is None:
            return False
        if plan.path is None:
            values: set[Node] | frozenset[Node] = frozenset((focus,))
        elif isinstance(plan.path, URIRef):
            values = set(data.objects(focus, plan.path))
        else:
            values = value_nodes_from_path(self.shapes_graph, focus, plan.path, data.data)
        low, high = plan.counts
        if low is not None and len(values) < low or high is not None and len(values) > high:
            return False
        if any(value not in values for value in plan.has_values):
            return False
        for value in values:
            if not all(test(data, value) for test in plan.tests):
                return False
        if not all(query.silent(data, focus) for query in plan.queries):
            return False
        inner = (*seen, node)
        for value in values:
            for other in plan.nodes:
                if not self._quiet(other, data, value, depth + 1, inner):
                    return False
            for other in plan.properties:
                if not self._quiet(other, data, value, depth + 1, inner):
                    return False
            for members in plan.alternatives:
                if not any(self._quiet(m, data, value, depth + 1, inner) for m in members):
                    return False
        return True

"""The profile as people read it: one table per class, read from the parsed shapes graph.

Nothing here restates a rule. Every row comes from a shape (SHACL,
https://www.w3.org/TR/shacl/), so the /profile page, ``registry profile`` and the validator
cannot drift apart. The shapes follow a few conventions, which this module relies on:

- a node shape has ``sh:targetClass`` and ``sh:name`` (the class's label);
- a property shape has ``sh:path``, ``sh:name``, ``sh:description``, ``sh:message``,
  ``sh:severity`` (none means Violation, SHACL 2.1.5) and optionally ``sh:order``;
- ``sh:node X``, where X's property shape on ``skos:inScheme`` has a ``sh:hasValue``, means
  "a concept of that scheme";
- a node shape annotated with ``cir:accessLevel <.../access-right/PUBLIC>`` holds the rules of
  that access level only; the rules of unannotated node shapes apply to every level.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDFS, SH
from rdflib.term import Node

from registry.profile.constraints import (
    Expected,
    Words,
    by_text,
    count,
    min_count,
    occurrence,
    path_text,
    scheme_of,
    term_text,
    text_of,
)
from registry.profile.selection import ACCESS_LEVEL, ACCESS_LEVELS
from registry.profile.validation import SEVERITIES, Shapes
from registry.rdf.namespaces import ACCESS_RIGHT, compact

LEVELS = tuple(str(level).removeprefix(str(ACCESS_RIGHT)) for level in ACCESS_LEVELS)
ALL = "all"
# What each severity means to a provider, in the order rows are listed: first what must or
# should be there, then the checks on values that may be left out.
LEGEND = (
    ("mandatory", "Violation", "a description that breaks the rule is refused"),
    ("recommended", "Warning", "reported; the description is stored anyway"),
    ("hint", "Info", "advice only"),
    ("checked if given", "Violation", "may be left out; a value that breaks the rule is refused"),
)
OBLIGATIONS = tuple(word for word, _, _ in LEGEND)
TARGETS = {  # SHACL 2.1.3
    SH.targetClass: "every {}",
    SH.targetSubjectsOf: "every node with {}",
    SH.targetObjectsOf: "every value of {}",
    SH.targetNode: "{}",
}
OTHER_TARGETS = (SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)


@dataclass(frozen=True)
class Row:
    """One rule: a property shape, or a constraint on the node itself (``path`` is then "")."""

    shape: str
    path: str
    label: str
    occurrence: str
    severity: str
    obligation: str
    expected: tuple[Expected, ...]
    description: str
    message: str
    levels: tuple[str, ...]
    order: float | None = None

    @property
    def expected_text(self) -> str:
        return "; ".join(part.text for part in self.expected)

    @property
    def applies_to(self) -> str:
        return ", ".join(self.levels)


@dataclass(frozen=True)
class Group:
    """The rows of one property, shown together (a node-level rule is a group of its own)."""

    path: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Table:
    """The rules of one class, or of a node shape with other targets or that rules point to."""

    anchor: str
    label: str
    class_iri: str | None
    class_curie: str | None
    targets: tuple[str, ...]
    rows: tuple[Row, ...]

    @property
    def by_level(self) -> bool:
        """True when some row holds for some access levels only."""
        return any(row.levels != (ALL,) for row in self.rows)

    @property
    def groups(self) -> tuple[Group, ...]:
        """The rows split into runs of one property (``arrange`` keeps them adjacent)."""
        groups: list[Group] = []
        for row in self.rows:
            if groups and row.path and groups[-1].path == row.path:
                groups[-1] = Group(row.path, (*groups[-1].rows, row))
            else:
                groups.append(Group(row.path, (row,)))
        return tuple(groups)


@dataclass(frozen=True)
class Profile:
    version: str
    iri: str
    title: str | None
    tables: tuple[Table, ...]


def build_profile(shapes: Shapes) -> Profile:
    """Read the shapes into the tables the page and the command show."""
    return Profile(
        version=shapes.version,
        iri=str(shapes.profile_iri),
        title=text_of(shapes.graph, shapes.profile_iri, DCTERMS.title, RDFS.label),
        tables=_Reader(shapes.graph).tables(),
    )


def shapes_turtle(shapes: Shapes) -> bytes:
    """Return the shapes graph as Turtle, for people and tools that validate for themselves."""
    return shapes.graph.serialize(format="turtle", encoding="utf-8")


def severity_of(graph: Graph, shape: Node) -> str:
    value = graph.value(shape, SH.severity)
    return SEVERITIES.get(value, "Violation") if isinstance(value, URIRef) else "Violation"


def obligation(severity: str, required: bool) -> str:
    """Say what a severity means to a provider (see LEGEND)."""
    if severity == "Violation":
        return "mandatory" if required else "checked if given"
    return "recommended" if severity == "Warning" else "hint"


def order_of(graph: Graph, shape: Node) -> float | None:
    value = graph.value(shape, SH.order)
    return float(value) if isinstance(value, Literal) else None


def anchor_for(name: str) -> str:
    """Return an HTML id for a table (``dcat:Dataset`` -> ``dcat-Dataset``)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")


class _Reader:
    """Reads a shapes graph into tables: finds the node shapes, then reads their rules."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.class_shapes: dict[Node, list[Node]] = {}
        for shape, cls in sorted(graph.subject_objects(SH.targetClass), key=str):
            if not self.deactivated(shape):
                self.class_shapes.setdefault(cls, []).append(shape)
        in_class_tables = {shape for shapes in self.class_shapes.values() for shape in shapes}
        # Node shapes with only other targets (sh:targetSubjectsOf, ...) get a table each.
        self.targeted = by_text(
            shape
            for predicate in OTHER_TARGETS
            for shape in set(graph.subjects(predicate, None))
            if shape not in in_class_tables and not self.deactivated(shape)
        )
        # So do node shapes with property shapes that rules point to with sh:node.
        self.nested = by_text(
            target
            for target in set(graph.objects(None, SH.node))
            if target not in in_class_tables
            and target not in self.targeted
            and scheme_of(graph, target) is None
            and (target, SH.property, None) in graph
        )
        anchors = {cls: anchor_for(compact(str(cls))) for cls in self.class_shapes}
        anchors |= {shape: shape_anchor(shape) for shape in [*self.targeted, *self.nested]}
        classes = {shape: cls for cls, shapes in self.class_shapes.items() for shape in shapes}
        self.words = Words(graph, classes, anchors)

    def deactivated(self, shape: Node) -> bool:
        return self.graph.value(shape, SH.deactivated) == Literal(True)

    def levels(self, node_shape: Node) -> tuple[str, ...]:
        """Return the access levels a node shape is for; unannotated shapes are for all."""
        found = [
            str(level).removeprefix(str(ACCESS_RIGHT))
            for level in self.graph.objects(node_shape, ACCESS_LEVEL)
        ]
        return merge_levels(tuple(found), ()) if found else (ALL,)

    def name(self, shape: Node) -> str | None:
        return text_of(self.graph, shape, SH.name, RDFS.label)

    def class_label(self, cls: Node) -> str:
        """The sh:name most of the class's unannotated node shapes share."""
        shapes = [s for s in self.class_shapes[cls] if (s, ACCESS_LEVEL, None) not in self.graph]
        names = Counter(name for name in map(self.name, shapes or self.class_shapes[cls]) if name)
        return names.most_common(1)[0][0] if names else compact(str(cls))

    def row(
        self,
        shape: Node,
        levels: tuple[str, ...],
        *,
        path: str = "",
        occurs: str = "",
        required: bool = True,
        expected: tuple[Expected, ...] = (),
        owner: Node | None = None,
    ) -> Row:
        """Build a row from a shape's texts, else from its ``owner``'s (a SPARQL constraint's)."""
        graph = self.graph

        def say(*predicates: URIRef) -> str:
            texts = (text_of(graph, node, *predicates) for node in (shape, owner) if node)
            return next((text for text in texts if text), "")

        inherits = owner is not None and (shape, SH.severity, None) not in graph
        severity = severity_of(graph, owner if inherits and owner is not None else shape)
        return Row(
            shape=str(shape),
            path=path,
            label=say(SH.name, RDFS.label) or path or term_text(shape),
            occurrence=occurs,
            severity=severity,
            obligation=obligation(severity, required),
            expected=expected,
            description=say(SH.description, RDFS.comment),
            message=say(SH.message),
            levels=levels,
            order=order_of(graph, shape),
        )

    def shape_rows(self, node_shape: Node) -> Iterator[Row]:
        """Yield a node shape's property shapes, then its constraints on the node itself."""
        graph = self.graph
        levels = self.levels(node_shape)
        for prop in by_text(graph.objects(node_shape, SH.property)):
            if not self.deactivated(prop):
                low = min_count(graph, prop)
                yield self.row(
                    prop,
                    levels,
                    path=path_text(graph, graph.value(prop, SH.path) or prop),
                    occurs=occurrence(low, count(graph, prop, SH.maxCount)),
                    required=low > 0,
                    expected=tuple(self.words.expected(prop)),
                )
        for constraint in by_text(graph.objects(node_shape, SH.sparql)):
            if not self.deactivated(constraint):
                yield self.row(constraint, levels, owner=node_shape)
        expected = tuple(self.words.expected(node_shape, queries=False))
        if expected:
            yield self.row(node_shape, levels, expected=expected)

    def rows(self, node_shapes: list[Node]) -> tuple[Row, ...]:
        """Return one row per rule; a rule several levels' node shapes share is one row."""
        found: dict[str, Row] = {}
        for node_shape in node_shapes:
            for row in self.shape_rows(node_shape):
                before = found.get(row.shape)
                if before is not None:
                    row = replace(row, levels=merge_levels(before.levels, row.levels))
                found[row.shape] = row
        return arrange(list(found.values()))

    def targets(self, shapes: list[Node]) -> tuple[str, ...]:
        """Say which nodes the shapes' targets (SHACL 2.1.3) select, or who points to them."""
        graph = self.graph
        found = [
            words.format(term_text(value))
            for shape in shapes
            for predicate, words in TARGETS.items()
            for value in by_text(graph.objects(shape, predicate))
        ]
        found += [
            f"every value of {path_text(graph, graph.value(rule, SH.path) or rule)}"
            for shape in shapes
            for rule in by_text(graph.subjects(SH.node, shape))
        ]
        return tuple(dict.fromkeys(found))

    def tables(self) -> tuple[Table, ...]:
        tables = [
            Table(
                anchor_for(compact(str(cls))),
                self.class_label(cls),
                str(cls),
                compact(str(cls)),
                self.targets(shapes),
                self.rows(shapes),
            )
            for cls, shapes in self.class_shapes.items()
        ]
        tables += [
            Table(
                shape_anchor(shape),
                self.name(shape) or term_text(shape),
                None,
                None,
                self.targets([shape]),
                self.rows([shape]),
            )
            for shape in [*self.targeted, *self.nested]
        ]
        return reading_order(tables)


def shape_anchor(shape: Node) -> str:
    """Return the HTML id of a table of a node shape (its IRI's last segment)."""
    return "shape-" + anchor_for(re.split(r"[#/]", str(shape).rstrip("#/"))[-1])


def merge_levels(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    """Union of two level sets; every level (or an unannotated shape) reads as "all"."""
    union = set(first) | set(second)
    if ALL in union or set(LEVELS) <= union:
        return (ALL,)
    known = [level for level in LEVELS if level in union]
    return tuple(known + sorted(union - set(LEVELS)))


def rank(row: Row) -> tuple[bool, float, bool, int, str, str]:
    """Sort key of a row: sh:order, else property rows before node rules, mandatory first."""
    return (
        row.order is None,
        row.order or 0.0,
        row.path == "",
        OBLIGATIONS.index(row.obligation),
        row.label.casefold(),
        row.shape,
    )


def rank_within(row: Row) -> tuple[bool, int, tuple[bool, float, bool, int, str, str]]:
    """Sort key inside one property: presence rules, then value checks, each by level."""
    order = (ALL, *LEVELS)
    level = min(order.index(lvl) if lvl in order else len(order) for lvl in row.levels)
    return (row.obligation == "checked if given", level, rank(row))


def arrange(rows: list[Row]) -> tuple[Row, ...]:
    """Order the rows by ``rank``, keeping the rows of one property together."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.path or row.shape, []).append(row)
    ordered = sorted(groups.values(), key=lambda group: min(map(rank, group)))
    return tuple(row for group in ordered for row in sorted(group, key=rank_within))


def reading_order(tables: list[Table]) -> tuple[Table, ...]:
    """Put dcat:Dataset first, then each table after the first table that refers to it."""
    by_anchor = {table.anchor: table for table in tables}
    waiting = sorted(tables, key=lambda t: (t.class_iri != str(DCAT.Dataset), t.label.casefold()))
    ordered: list[Table] = []
    while waiting:
        queue = [waiting[0]]
        while queue:
            table = queue.pop(0)
            if table in ordered:
                continue
            ordered.append(table)
            waiting.remove(table)
            queue += [
                by_anchor[part.anchor]
                for row in table.rows
                for part in row.expected
                if part.anchor in by_anchor
            ]
    return tuple(ordered)

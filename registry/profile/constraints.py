"""SHACL constraints in words: what a shape asks of a value, as a data provider reads it.

``Words`` turns a shape's constraints (SHACL 4, https://www.w3.org/TR/shacl/#core-components)
into short phrases: "an IRI", "a dcat:Distribution", "a concept of EU data-theme table",
"at most 120". A constraint it does not know by name is shown as written, so no rule is ever
left out of the documentation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from registry.rdf.namespaces import compact

NODE_KINDS: dict[Node, str] = {
    SH.IRI: "an IRI",
    SH.Literal: "a literal",
    SH.BlankNode: "a blank node",
    SH.BlankNodeOrIRI: "an IRI or blank node",
    SH.BlankNodeOrLiteral: "a blank node or literal",
    SH.IRIOrLiteral: "an IRI or literal",
}
RANGES = {  # SHACL 4.3
    SH.minInclusive: "at least",
    SH.minExclusive: "above",
    SH.maxInclusive: "at most",
    SH.maxExclusive: "below",
}
COMPARISONS = {  # SHACL 4.5: the value compared with the values of another property
    SH.equals: "equal to",
    SH.disjoint: "never equal to",
    SH.lessThan: "below",
    SH.lessThanOrEquals: "not above",
}
SHORT = 80  # a shape used by another whose rules take more characters is shown by its name
LOGICAL = {SH["or"]: " or ", SH.xone: " or, exactly one, ", SH["and"]: " and "}
# What ``Words.expected`` reads by name, and what describes a shape rather than constrains.
READ = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.node,
    SH["in"],
    SH.hasValue,
    SH.minLength,
    SH.maxLength,
    SH.pattern,
    SH.flags,
    SH.languageIn,
    SH.uniqueLang,
    SH.closed,
    SH.ignoredProperties,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.sparql,
    SH["not"],
    *LOGICAL,
    *COMPARISONS,
    *RANGES,
    SH.path,
    SH.name,
    SH.description,
    SH.message,
    SH.severity,
    SH.order,
    SH.group,
    SH.deactivated,
    SH.defaultValue,
    SH.minCount,
    SH.maxCount,
    SH.property,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.prefixes,
    SH.declare,
}


@dataclass(frozen=True)
class Expected:
    """One part of a row's expected value; ``anchor`` names the table it refers to."""

    text: str
    iri: str | None = None
    anchor: str | None = None


def text_of(graph: Graph, subject: Node, *predicates: URIRef) -> str | None:
    """Return the English (else untagged, else any) value of the first predicate that has one."""
    for predicate in predicates:
        values = sorted(
            (v for v in graph.objects(subject, predicate) if isinstance(v, Literal)),
            key=lambda v: (v.language not in ("en", None), v.language is not None, str(v)),
        )
        if values:
            return str(values[0])
    return None


def term_text(node: Node | None) -> str:
    """Return a term as a provider writes it in Turtle (compact where a prefix is known)."""
    if isinstance(node, URIRef):
        short = compact(str(node))
        return short if short != str(node) else f"<{node}>"
    if isinstance(node, Literal):
        if node.language:
            return f'"{node}"@{node.language}'
        if node.datatype in (None, XSD.string):
            return f'"{node}"'
        if node.datatype in (XSD.boolean, XSD.integer, XSD.decimal):
            return str(node)
        return f'"{node}"^^{term_text(node.datatype)}'
    return "[]"


def items(graph: Graph, head: Node | None) -> list[Node]:
    """Return the members of an RDF list (none for no list)."""
    return [] if head is None else list(Collection(graph, head))


def path_text(graph: Graph, path: Node) -> str:
    """Write a SHACL property path (2.3.1) in SPARQL's path syntax."""
    if isinstance(path, URIRef):
        return compact(str(path))
    if (path, RDF.first, None) in graph:
        return "/".join(path_text(graph, step) for step in items(graph, path))
    for predicate, written in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(path, predicate)
        if inner is not None:
            return written.format(path_text(graph, inner))
    alternatives = items(graph, graph.value(path, SH.alternativePath))
    return "(" + "|".join(path_text(graph, step) for step in alternatives) + ")"


def count(graph: Graph, shape: Node, predicate: URIRef) -> int | None:
    value = graph.value(shape, predicate)
    return int(value) if isinstance(value, Literal) else None


def occurrence(low: int, high: int | None) -> str:
    """Write a cardinality as ``1..n``, ``0..1`` or ``1`` (exactly one)."""
    if high is None:
        return f"{low}..n"
    return str(low) if low == high else f"{low}..{high}"


def min_count(graph: Graph, shape: Node) -> int:
    """The least number of values a shape asks for (``sh:hasValue`` asks for one)."""
    implied = 1 if (shape, SH.hasValue, None) in graph else 0
    return max(count(graph, shape, SH.minCount) or 0, implied)


def scheme_of(graph: Graph, shape: Node) -> Node | None:
    """Return the concept scheme (or list of schemes) a vocabulary node shape checks."""
    for prop in graph.objects(shape, SH.property):
        if graph.value(prop, SH.path) == SKOS.inScheme:
            value = graph.value(prop, SH.hasValue)
            return value if value is not None else graph.value(prop, SH["in"])
    return None


def by_text(nodes: Iterator[Node]) -> list[Node]:
    """Sort terms by their text, so every run lists them in the same order."""
    return sorted(nodes, key=str)


class Words:
    """Phrases for the constraints of the shapes in ``graph``.

    ``classes`` maps a node shape to the class it targets (``sh:node`` to it reads as that
    class); ``anchors`` maps a class or node shape to the table that documents it.
    """

    def __init__(
        self, graph: Graph, classes: Mapping[Node, Node], anchors: Mapping[Node, str]
    ) -> None:
        self.graph = graph
        self.classes = classes
        self.anchors = anchors

    def a_class(self, cls: Node) -> Expected:
        return Expected(f"a {term_text(cls)}", iri=str(cls), anchor=self.anchors.get(cls))

    def shape_reference(self, target: Node, seen: frozenset[Node]) -> Expected:
        """Describe ``sh:node target``: a vocabulary, a class's shape, or another shape."""
        graph = self.graph
        scheme = scheme_of(graph, target)
        if scheme is not None and (scheme, RDF.first, None) in graph:
            return Expected("a concept of " + " or ".join(map(term_text, items(graph, scheme))))
        if scheme is not None:
            name = text_of(graph, target, RDFS.label, SH.name) or text_of(
                graph, scheme, SKOS.prefLabel, RDFS.label
            )
            return Expected(f"a concept of {name or scheme}", iri=str(scheme))
        if target in self.classes:
            return self.a_class(self.classes[target])
        return Expected(self.summary(target, seen), anchor=self.anchors.get(target))

    def expected(
        self, shape: Node, seen: frozenset[Node] = frozenset(), queries: bool = True
    ) -> Iterator[Expected]:
        """Yield what the values of ``shape`` must be, one constraint (or group) at a time.

        A constraint not known here by name is shown as written (``sh:foo value``), so a new
        kind of rule is never left out of the documentation.
        """
        graph = self.graph
        seen = seen | {shape}
        yield from map(self.a_class, by_text(graph.objects(shape, SH["class"])))
        datatype = graph.value(shape, SH.datatype)
        if datatype is not None:
            yield Expected(term_text(datatype), iri=str(datatype))
        kind = graph.value(shape, SH.nodeKind)
        if kind is not None and not (kind == SH.Literal and datatype is not None):
            yield Expected(NODE_KINDS.get(kind, term_text(kind)))
        for target in by_text(graph.objects(shape, SH.node)):
            yield self.shape_reference(target, seen)
        choices = items(graph, graph.value(shape, SH["in"]))
        if choices:
            yield Expected("one of " + ", ".join(map(term_text, choices)))
        for value in by_text(graph.objects(shape, SH.hasValue)):
            yield Expected(f"includes {term_text(value)}")
        yield from self.ranges(shape)
        yield from self.groups(shape, seen)
        if graph.value(shape, SH.closed) == Literal(True):
            yield Expected("no properties other than those listed")
        for constraint in by_text(graph.objects(shape, SH.sparql)) if queries else []:
            name = text_of(graph, constraint, SH.name, RDFS.label, SH.description)
            yield Expected(f"checked by a query: {name or 'see the message'}")
        for predicate, value in sorted(graph.predicate_objects(shape), key=str):
            if str(predicate).startswith(str(SH)) and predicate not in READ:
                yield Expected(f"{term_text(predicate)} {term_text(value)}")

    def ranges(self, shape: Node) -> Iterator[Expected]:
        """Yield value ranges, lengths, patterns, languages and property comparisons."""
        graph = self.graph
        bounds = [
            f"{words} {term_text(graph.value(shape, predicate))}"
            for predicate, words in RANGES.items()
            if (shape, predicate, None) in graph
        ]
        if bounds:
            yield Expected(" and ".join(bounds))
        for predicate, words in ((SH.minLength, "at least"), (SH.maxLength, "at most")):
            length = count(graph, shape, predicate)
            if length is not None:
                yield Expected(f"{words} {length} characters")
        pattern = graph.value(shape, SH.pattern)
        if pattern is not None:
            yield Expected(f"text matching /{pattern}/{graph.value(shape, SH.flags) or ''}")
        languages = items(graph, graph.value(shape, SH.languageIn))
        if languages:
            yield Expected("in language " + ", ".join(map(str, languages)))
        if graph.value(shape, SH.uniqueLang) == Literal(True):
            yield Expected("one per language")
        for predicate, words in COMPARISONS.items():
            for other in by_text(graph.objects(shape, predicate)):
                yield Expected(f"{words} {path_text(graph, other)}")

    def groups(self, shape: Node, seen: frozenset[Node]) -> Iterator[Expected]:
        """Yield sh:or, sh:xone, sh:and, sh:not and qualified value shapes in words."""
        graph = self.graph
        for predicate, joint in LOGICAL.items():
            for head in graph.objects(shape, predicate):
                members = [self.summary(member, seen) for member in items(graph, head)]
                if any(", " in member or "; " in member for member in members):
                    members = [f"({member})" for member in members]
                yield Expected(joint.join(members))
        for negated in graph.objects(shape, SH["not"]):
            yield Expected(f"not ({self.summary(negated, seen)})")
        for qualified in graph.objects(shape, SH.qualifiedValueShape):
            low = count(graph, shape, SH.qualifiedMinCount) or 0
            cardinality = occurrence(low, count(graph, shape, SH.qualifiedMaxCount))
            yield Expected(f"{cardinality} of them {self.summary(qualified, seen)}")

    def summary(self, shape: Node, seen: frozenset[Node]) -> str:
        """Describe a shape other rules use in one phrase: its name, with its rules if short."""
        graph = self.graph
        name = text_of(graph, shape, SH.name, RDFS.label)
        if shape in seen:
            return name or term_text(shape)
        rules = ", ".join(part.text for part in self.expected(shape, seen))
        path = graph.value(shape, SH.path)
        if path is not None:
            high = count(graph, shape, SH.maxCount)
            counted = high is not None or (shape, SH.minCount, None) in graph
            cardinality = f" {occurrence(min_count(graph, shape), high)}" if counted else ""
            rules = f"{path_text(graph, path)}{cardinality} {rules}".strip()
        properties = by_text(graph.objects(shape, SH.property))
        rules = "; ".join(filter(None, [*(self.summary(p, seen) for p in properties), rules]))
        if name and (not rules or len(rules) > SHORT or shape in self.anchors):
            return name
        return f"{name} ({rules})" if name else rules or term_text(shape)

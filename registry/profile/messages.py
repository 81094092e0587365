"""Validation results as a provider should read them: each problem once, said precisely.

pySHACL reports one result per failing shape, and the profile layers several shapes on one
property (DCAT-AP's, HealthDCAT-AP's, the vocabulary's), so one wrong value can come back
as two or three results with different words. ``Wording.explain`` rewrites the results of a
validation, and only their words: the report graph (``Report.graph``) stays pySHACL's, and
a result is merged only with results about the same node, property and value at the same
severity, so the verdict and the (node, property) pairs of the Violations never change.

- An unknown code: one result that names the code list, suggests the closest codes ("did
  you mean <.../modality/MR>?"), says when the code belongs to another list, and gives the
  code list's page (``CODE_LIST_PAGE``).
- Two rules one value breaks (its type and its range): one result that says both.
- A literal of the wrong datatype (a plain ``612`` where ``xsd:nonNegativeInteger`` is
  asked): the datatype asked for and the fix, written out.
- A cited IRI nobody describes (an agent that is not registered): one result that says so
  and how to register it, instead of one per rule the missing description breaks.
- A Warning or Info about a property that has a Violation on the same node is left out: the
  Violation's fix comes first, and the advice would repeat or contradict it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import FOAF, SH, XSD
from rdflib.term import Node

from registry.profile.code_lists import CodeList, CodeLists
from registry.profile.constraints import term_text
from registry.profile.results import Report, Result

CODE_LIST_PAGE = "/vocab/{name}"
"""Where the registry lists a code list's codes (the web layer's ``/vocab/<name>`` page;
``tests/web`` follows every such link of a message)."""

Key = tuple[str, str, str | None, str | None]


def key(result: Result) -> Key:
    return (result.severity, result.focus, result.path, result.value)


def code_list_page(code_list: CodeList) -> str:
    return CODE_LIST_PAGE.format(name=code_list.name)


class Wording:
    """Rewrites a report's results with what the shapes and the code lists know."""

    def __init__(self, shapes: Graph, code_lists: CodeLists) -> None:
        self.shapes = shapes
        self.code_lists = code_lists

    def explain(self, report: Report, data: Graph) -> Report:
        """The report with each problem once, in words a provider acts on (``data`` is the
        graph that was validated: the description with what the registry added to it)."""
        groups: dict[Key, list[Result]] = {}
        for result in report.results:
            groups.setdefault(key(result), []).append(result)
        worded = [r for group in groups.values() for r in self.group(group, data)]
        refused = {(r.focus, r.path) for r in worded if r.severity == "Violation"}
        kept = [r for r in worded if r.severity == "Violation" or (r.focus, r.path) not in refused]
        return replace(report, results=tuple(kept))

    def group(self, results: list[Result], data: Graph) -> list[Result]:
        """One node's, property's and value's results at one severity, as one result."""
        first, value = results[0], results[0].value
        checked = (self.code_lists.checked_by(r.shape) for r in results)
        lists = tuple(dict.fromkeys(c for found in checked for c in found))
        if lists and value:
            coded = next(r for r in results if self.code_lists.checked_by(r.shape))
            return [replace(coded, message=self.unknown_code(coded.message, lists, value))]
        if value and self.undescribed(value, data) and any(map(self.wants_node, results)):
            return [replace(first, message=self.not_described(value, results))]
        worded = distinct(self.datatype(r, data) for r in results)
        # Two rules broken by one value (a type and a range): one result that says both.
        return [replace(worded[0], message=" Also: ".join(r.message.strip() for r in worded))]

    # ------------------------------------------------------------------ unknown codes

    def unknown_code(self, message: str, lists: tuple[CodeList, ...], value: str) -> str:
        """The shape's message, the closest codes, and where every code is listed."""
        words = [message.strip()]
        other = self.code_lists.other_list(value)
        if other is not None and other not in lists:
            words.append(f"<{value}> is a code of {other.title}, not of {titles(lists)}.")
        else:
            close = self.code_lists.suggestions(lists, value)
            if close:
                words.append(f"Did you mean {' or '.join(self.code(iri) for iri in close)}?")
        pages = ", ".join(code_list_page(c) for c in lists)
        words.append(f"Every code of {titles(lists)}: {pages}.")
        return " ".join(words)

    def code(self, iri: str) -> str:
        """A suggested code with its English label: ``<.../modality/MR> (Magnetic resonance)``."""
        vocabularies = self.code_lists.vocabularies
        english = vocabularies.labels.get(iri, {}).get("en") if vocabularies else None
        return f"<{iri}>" + (f" ({english})" if english else "")

    # ------------------------------------------------------------------ undescribed IRIs

    def undescribed(self, value: str, data: Graph) -> bool:
        """Whether ``value`` is an IRI the validated graph says nothing about (and no code)."""
        if not value.startswith(("http:", "https:", "urn:")) or self.code_lists.is_code(value):
            return False
        return (URIRef(value), None, None) not in data

    def wants_node(self, result: Result) -> bool:
        """Whether the result's shape asks for a described node (a class or a node shape)."""
        shape = URIRef(result.shape) if result.shape else None
        return shape is not None and any(
            (shape, predicate, None) in self.shapes for predicate in (SH["class"], SH.node)
        )

    def not_described(self, value: str, results: Sequence[Result]) -> str:
        classes = {
            c for r in results if r.shape for c in self.shapes.objects(URIRef(r.shape), SH["class"])
        }
        if FOAF.Agent in classes:
            return (
                f"<{value}> is described neither in this description nor by a registered "
                "agent: register the agent first (its own description: one foaf:Agent with "
                "its foaf:name, dct:type and one cv:contactPoint) and cite it by IRI, or "
                "describe it here."
            )
        wanted = " or ".join(sorted(term_text(c) for c in classes)) or "a described resource"
        return (
            f"<{value}> is not described: describe it here as {wanted}. "
            f"{results[0].message.strip()}"
        )

    # ------------------------------------------------------------------ datatypes

    def datatype(self, result: Result, data: Graph) -> Result:
        """A result about a literal of another datatype than its shape's ``sh:datatype``,
        with the datatype asked for and the fix written out; any other result as it is."""
        shape = URIRef(result.shape) if result.shape else None
        wanted = self.shapes.value(shape, SH.datatype) if shape is not None else None
        given = literal_at(data, result)
        if not isinstance(wanted, URIRef) or given is None:
            return result
        path = term_text(URIRef(result.path or ""))
        fixed = Literal(str(given), datatype=wanted)
        if given.datatype == wanted and not given.ill_typed:
            return result  # the datatype is right: another rule of the shape failed
        if fixed.ill_typed:
            message = (
                f'"{given}" is not a valid {term_text(wanted)}, the datatype {path} needs. '
                f"{result.message.strip()}"
            )
        else:
            message = (
                f"{path} needs the datatype {term_text(wanted)}; {term_text(given)} is "
                f"{literal_kind(given)}. Write {path} {term_text(fixed)} ."
            )
        return replace(result, message=message)


def distinct(results: Iterable[Result]) -> list[Result]:
    """The results with different messages (a message repeated by two shapes, once)."""
    return list({r.message: r for r in reversed(list(results))}.values())[::-1]


def titles(lists: tuple[CodeList, ...]) -> str:
    return " or ".join(c.title for c in lists)


def literal_at(data: Graph, result: Result) -> Literal | None:
    """The literal a result's value names, read back from the validated graph."""
    if result.value is None or result.path is None or " " in result.path:
        return None
    focus: Node = BNode(result.focus[2:]) if result.focus.startswith("_:") else URIRef(result.focus)
    for value in data.objects(focus, URIRef(result.path)):
        if isinstance(value, Literal) and str(value) == result.value:
            return value
    return None


def literal_kind(value: Literal) -> str:
    """How a provider wrote a literal: a plain number, text, text in a language, a typed one."""
    if value.language:
        return f"text in @{value.language}"
    if value.datatype in (None, XSD.string):
        return "text"
    if value.datatype == XSD.integer:
        return "an xsd:integer (what a plain number is in Turtle)"
    if value.datatype == XSD.decimal:
        return "an xsd:decimal (what a plain number with a point is in Turtle)"
    return f"typed {term_text(value.datatype)}"

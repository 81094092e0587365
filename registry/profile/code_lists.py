"""The code lists the profile checks: which scheme each vocabulary shape asks for, its short
name, and the codes closest to a wrong one.

The shapes name one node shape per concept scheme, ``cirsh:InScheme-<name>``, whose
``skos:inScheme`` property has the scheme as ``sh:hasValue`` (``shapes/vocabularies-*.ttl``).
That is the whole list: the registry's own schemes and the EU and HealthDCAT-AP tables a
description is checked against, each known by ``<name>`` ("modality", "data-theme").
Property shapes that point there with ``sh:node`` (directly or through ``sh:or``) check a
code list; a result from one of them is an unknown code, for which ``suggestions`` finds the
closest codes of the list ("did you mean MR?").
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.term import Node

from registry.profile.constraints import scheme_of, text_of
from registry.profile.vocabularies import Vocabularies

SHAPE_PREFIX = "InScheme-"
"""The local name of a scheme's node shape after the shapes' namespace: ``InScheme-<name>``."""
SUGGESTIONS = 3
CLOSE_ENOUGH = 0.6
"""difflib's ratio above which a code counts as close (``MRI`` and ``MR``: 0.8)."""
NEARLY_AS_CLOSE = 0.1
"""Codes this much less close than the closest are not suggested beside it."""


@dataclass(frozen=True)
class CodeList:
    """One concept scheme a description's codes are checked against."""

    name: str
    """Short name: ``modality`` for ``cirsh:InScheme-modality`` (the page ``/vocab/modality``)."""
    scheme: str
    """The ``skos:ConceptScheme`` IRI the codes' ``skos:inScheme`` names."""
    title: str
    """What the shapes call it in English: "the registry DICOM modalities"."""


def local_name(iri: str) -> str:
    """The last segment of an IRI: the code of ``.../modality/MR`` is ``MR``."""
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


class CodeLists:
    """The code lists of the profile's shapes, and the codes of each (from ``vocabularies``)."""

    def __init__(self, shapes: Graph, vocabularies: Vocabularies | None = None) -> None:
        self.shapes = shapes
        self.vocabularies = vocabularies
        self.by_shape: dict[Node, CodeList] = {}
        for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
            name = str(shape).rsplit("#", 1)[-1]
            scheme = scheme_of(shapes, shape)
            if name.startswith(SHAPE_PREFIX) and isinstance(scheme, URIRef):
                title = text_of(shapes, shape, RDFS.label) or str(scheme)
                self.by_shape[shape] = CodeList(name.removeprefix(SHAPE_PREFIX), str(scheme), title)
        self.by_name = {code_list.name: code_list for code_list in self.by_shape.values()}
        self.by_scheme = {code_list.scheme: code_list for code_list in self.by_shape.values()}

    def __iter__(self) -> Iterator[CodeList]:
        return iter(sorted(self.by_name.values(), key=lambda c: c.name))

    def named(self, name: str) -> CodeList | None:
        return self.by_name.get(name)

    def checked_by(self, shape: str | None) -> tuple[CodeList, ...]:
        """The code lists a property shape asks its values to come from (none for a shape
        that checks no code list)."""
        if shape is None:
            return ()
        return tuple(self._reached(URIRef(shape), frozenset()))

    def _reached(self, shape: Node, seen: frozenset[Node]) -> Iterator[CodeList]:
        if shape in self.by_shape:
            yield self.by_shape[shape]
            return
        if shape in seen:
            return
        for target in self.shapes.objects(shape, SH.node):
            yield from self._reached(target, seen | {shape})
        for head in self.shapes.objects(shape, SH["or"]):
            for member in Collection(self.shapes, head):
                yield from self._reached(member, seen | {shape})

    @cached_property
    def _codes(self) -> dict[str, list[str]]:
        """Scheme IRI -> the IRIs of its concepts, sorted (built on the first suggestion)."""
        codes: dict[str, list[str]] = {}
        membership = self.vocabularies.membership if self.vocabularies else {}
        for concept, facts in membership.items():
            for predicate, value in facts:
                if predicate == SKOS.inScheme:
                    codes.setdefault(str(value), []).append(concept)
        return {scheme: sorted(concepts) for scheme, concepts in codes.items()}

    def codes(self, code_list: CodeList) -> list[str]:
        """The concept IRIs of a code list."""
        return self._codes.get(code_list.scheme, [])

    def is_code(self, iri: str) -> bool:
        """Whether ``iri`` is a concept of any shipped scheme."""
        return self.vocabularies is not None and iri in self.vocabularies.membership

    def suggestions(self, lists: tuple[CodeList, ...], value: str) -> list[str]:
        """The codes of ``lists`` closest to ``value`` (a wrong IRI or a plain text): one
        that differs only in case, else up to three by their code or English label."""
        wanted = local_name(value).casefold()
        if not wanted:
            return []
        names: dict[str, list[str]] = {}
        labels = self.vocabularies.labels if self.vocabularies else {}
        for code_list in lists:
            for concept in self.codes(code_list):
                if concept == value:
                    continue
                names.setdefault(local_name(concept).casefold(), []).append(concept)
                english = labels.get(concept, {}).get("en")
                if english:
                    names.setdefault(english.casefold(), []).append(concept)
        if wanted in names:
            return list(dict.fromkeys(names[wanted]))[:SUGGESTIONS]
        scored = sorted(
            ((difflib.SequenceMatcher(None, wanted, name).ratio(), name) for name in names),
            reverse=True,
        )
        best = scored[0][0] if scored else 0.0
        found: list[str] = []
        for ratio, name in scored:
            if ratio < max(CLOSE_ENOUGH, best - NEARLY_AS_CLOSE) or len(found) >= SUGGESTIONS:
                break
            found.extend(c for c in names[name] if c not in found)
        return found[:SUGGESTIONS]

    def other_list(self, value: str) -> CodeList | None:
        """The code list ``value`` is a code of, if it is one (a code from the wrong list)."""
        facts = self.vocabularies.membership.get(value, ()) if self.vocabularies else ()
        schemes = [str(v) for p, v in facts if p == SKOS.inScheme and str(v) in self.by_scheme]
        return self.by_scheme[schemes[0]] if schemes else None

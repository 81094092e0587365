"""The code lists as people read them: every scheme the profile checks, and each scheme's
concepts with their labels in every language, notation, definition, mappings and the number
of datasets using them (named queries in, plain dicts and CSV out; no Flask here).

Which schemes there are is the profile's to say (``profile.code_lists``); what each says
about its concepts is read from the store's vocabularies graph.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDFS, SKOS

from registry.catalogue.facade import Catalogue
from registry.catalogue.labels import Label, pick_label
from registry.catalogue.read import MAPPINGS, property_label
from registry.catalogue.search import concept
from registry.errors import NotFound
from registry.profile.code_lists import CodeList, CodeLists, local_name
from registry.queries import query
from registry.rdf.namespaces import CIR_VOCAB, compact

PAGE_SIZE = 100
"""Concepts per page: the language table has 8,207, and an EU table names each in 24
languages or more."""
TITLES = (str(SKOS.prefLabel), str(DCTERMS.title), str(RDFS.label))
DEFINITIONS = (str(SKOS.definition), str(DCTERMS.description))
ORIGINS = (
    ("registry", CIR_VOCAB),
    ("healthdcat-ap", "https://hdeu-dcat.data.health.europa.eu/"),
    ("eu", ""),
)
"""Who maintains a scheme, by its IRI: the registry, HealthDCAT-AP, or the EU (the
Publications Office's tables and SEMIC's ADMS ones)."""


def origin(code_list: CodeList) -> str:
    return next(name for name, prefix in ORIGINS if code_list.scheme.startswith(prefix))


def _texts(triples: Iterable[ox.Triple], predicates: Sequence[str]) -> dict[str, str]:
    """Language tag -> text of the first of ``predicates`` that has values."""
    for predicate in predicates:
        texts = {
            t.object.language or "": t.object.value
            for t in triples
            if t.predicate.value == predicate and isinstance(t.object, ox.Literal)
        }
        if texts:
            return texts
    return {}


def scheme_document(catalogue: Catalogue, code_list: CodeList) -> list[ox.Triple]:
    """Every triple the vocabularies graph has about the scheme and its concepts (read once
    per index generation: the largest list, languages, is 42,000 triples and a second to
    read, and anonymous clients may ask for it in every format at once)."""

    def compute() -> list[ox.Triple]:
        rows = catalogue.store.query(
            query("scheme_concepts"),
            {
                "scheme": ox.NamedNode(code_list.scheme),
                "graph": ox.NamedNode(catalogue.vocabularies_graph),
            },
        )
        assert isinstance(rows, ox.QuerySolutions)
        return [ox.Triple(row["subject"], row["property"], row["value"]) for row in rows]

    triples: list[ox.Triple] = catalogue.search.cached(f"scheme {code_list.scheme}", compute)
    return triples


def usage(catalogue: Catalogue, code_list: CodeList) -> dict[str, int]:
    """Concept IRI -> the number of datasets citing it, computed once per index generation
    (the search index's generation moves with every write)."""

    def compute() -> dict[str, int]:
        rows = catalogue.store.query(
            query("scheme_usage"),
            {
                "scheme": ox.NamedNode(code_list.scheme),
                "vocabularies": ox.NamedNode(catalogue.vocabularies_graph),
            },
        )
        assert isinstance(rows, ox.QuerySolutions)
        return {row["concept"].value: int(row["datasets"].value) for row in rows}

    result: dict[str, int] = catalogue.search.cached(f"scheme-usage {code_list.scheme}", compute)
    return result


def code_list_or_404(code_lists: CodeLists, name: str) -> CodeList:
    code_list = code_lists.named(name)
    if code_list is None:
        known = ", ".join(c.name for c in code_lists)
        raise NotFound(f"The profile checks no code list {name!r}; it checks {known}.")
    return code_list


def schemes_view(
    catalogue: Catalogue, code_lists: CodeLists, preferred: Sequence[str]
) -> list[dict[str, Any]]:
    """The code lists, grouped by who maintains them, each with its title and size."""
    groups: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in ORIGINS}
    for code_list in code_lists:
        groups[origin(code_list)].append(
            {
                "name": code_list.name,
                "scheme": code_list.scheme,
                "title": scheme_title(catalogue, code_list, preferred),
                "concepts": len(code_lists.codes(code_list)),
            }
        )
    return [
        {"origin": name, "schemes": sorted(schemes, key=lambda s: s["title"].text.casefold())}
        for name, schemes in groups.items()
        if schemes
    ]


def scheme_title(catalogue: Catalogue, code_list: CodeList, preferred: Sequence[str]) -> Label:
    """The scheme's own label in the visitor's language, else the shapes' name for it."""
    labels = catalogue.labels.get(code_list.scheme)
    return pick_label(labels, preferred) if labels else Label(code_list.title, "en")


def scheme_facts(
    catalogue: Catalogue, code_list: CodeList, preferred: Sequence[str]
) -> dict[str, Any]:
    """The scheme's title, definition and version."""
    scheme = catalogue_triples(catalogue, code_list.scheme)
    return {
        "title": scheme_title(catalogue, code_list, preferred),
        "definition": pick_label(_texts(scheme, DEFINITIONS), preferred),
        "versions": sorted(
            t.object.value
            for t in scheme
            if t.predicate.value.endswith("#versionInfo") and isinstance(t.object, ox.Literal)
        ),
    }


def catalogue_triples(catalogue: Catalogue, iri: str) -> list[ox.Triple]:
    """What the vocabularies graph says about one IRI (none when it says nothing)."""
    rows = catalogue.store.query(
        query("concept"),
        {"concept": ox.NamedNode(iri), "graph": ox.NamedNode(catalogue.vocabularies_graph)},
    )
    assert isinstance(rows, ox.QuerySolutions)
    return [ox.Triple(ox.NamedNode(iri), row["property"], row["value"]) for row in rows]


def by_code(iris: Iterable[str]) -> list[str]:
    """Concept IRIs in the order of their codes (what a provider cites)."""
    return sorted(iris, key=lambda iri: (local_name(iri).casefold(), iri))


def concept_row(
    catalogue: Catalogue,
    iri: str,
    triples: list[ox.Triple],
    datasets: int,
    preferred: Sequence[str],
) -> dict[str, Any]:
    """One concept: code, labels, definition, mappings and use."""
    labels = _texts(triples, (str(SKOS.prefLabel),))
    notations = sorted(
        t.object.value
        for t in triples
        if t.predicate.value == str(SKOS.notation) and isinstance(t.object, ox.Literal)
    )
    mappings = sorted(
        (compact(t.predicate.value), t.predicate.value, t.object.value)
        for t in triples
        if t.predicate.value in MAPPINGS
        and t.predicate.value != str(SKOS.inScheme)
        and isinstance(t.object, ox.NamedNode)
    )
    return {
        "iri": iri,
        "code": local_name(iri),
        "notations": notations,
        "label": pick_label(labels, preferred) if labels else concept(catalogue, iri, preferred),
        "labels": sorted(labels.items()),
        "definition": pick_label(_texts(triples, DEFINITIONS), preferred),
        "mappings": [
            {
                "property": curie,
                "label": property_label(catalogue, predicate, preferred),
                "iri": target,
                "text": concept(catalogue, target, preferred).text,
                "known": target in catalogue.labels,
            }
            for curie, predicate, target in mappings
        ],
        "datasets": datasets,
    }


def scheme_view(
    catalogue: Catalogue,
    code_lists: CodeLists,
    code_list: CodeList,
    preferred: Sequence[str],
    page: int = 1,
) -> dict[str, Any]:
    """One page of a code list (``PAGE_SIZE`` concepts), or NotFound past the last.

    The concepts' IRIs come from the profile's code lists (in memory); only the page's
    concepts are read from the store, so the 8,207 languages cost what 200 do.
    """
    codes = by_code(code_lists.codes(code_list))
    pages = max(1, -(-len(codes) // PAGE_SIZE))
    if not 1 <= page <= pages:
        raise NotFound(f"The code list {code_list.name} has {pages} page(s), not {page}.")
    used = usage(catalogue, code_list)
    shown = [
        concept_row(catalogue, iri, catalogue_triples(catalogue, iri), used.get(iri, 0), preferred)
        for iri in codes[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    ]
    return {
        **scheme_facts(catalogue, code_list, preferred),
        "name": code_list.name,
        "scheme": code_list.scheme,
        "origin": origin(code_list),
        "total": len(codes),
        "used": sum(1 for n in used.values() if n),
        "page": page,
        "pages": pages,
        "concepts": shown,
    }


def scheme_csv(catalogue: Catalogue, code_list: CodeList) -> str:
    """The code list as CSV: one row per concept, one label column per language (made once
    per index generation, as the usage counts it holds)."""
    text: str = catalogue.search.cached(
        f"scheme-csv {code_list.scheme}", lambda: _scheme_csv(catalogue, code_list)
    )
    return text


def _scheme_csv(catalogue: Catalogue, code_list: CodeList) -> str:
    by_subject: dict[str, list[ox.Triple]] = {}
    for triple in scheme_document(catalogue, code_list):
        if isinstance(triple.subject, ox.NamedNode):
            by_subject.setdefault(triple.subject.value, []).append(triple)
    used = usage(catalogue, code_list)
    listed = [
        concept_row(catalogue, iri, by_subject[iri], used.get(iri, 0), ("en",))
        for iri in by_code(set(by_subject) - {code_list.scheme})
    ]
    languages = sorted({language for c in listed for language, _ in c["labels"]})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow(
        [
            "code",
            "iri",
            *(f"label@{language}" if language else "label" for language in languages),
            "definition",
            "mappings",
            "datasets",
        ]
    )
    for c in listed:
        labels = dict(c["labels"])
        writer.writerow(
            [
                c["code"],
                c["iri"],
                *(labels.get(language, "") for language in languages),
                c["definition"].text,
                " ".join(f"{m['property']} {m['iri']}" for m in c["mappings"]),
                c["datasets"],
            ]
        )
    return out.getvalue()

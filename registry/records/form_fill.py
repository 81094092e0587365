"""Reading a description into the guided form's values (``form_fields``): a DICOM scan
draft, a sample, a stored record.

What the form has no field for is never dropped: it travels in the ``extra`` field as Turtle
the provider can read and edit, and ``form_build`` adds it back. A nested node (a
distribution, the contact point) is taken into the form only when the form can hold all of
it, or when it has an IRI that keeps the rest attached.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import pyoxigraph as ox
from rdflib.namespace import DCAT, XSD

from registry.rdf import readable
from registry.rdf.formats import oxigraph_iri
from registry.rdf.namespaces import EHDS_REGULATION, VCARD
from registry.records.form_fields import (
    AGENTS,
    CONSTANT,
    CONTACT,
    DATASET_FIELDS,
    DISTRIBUTION,
    DISTRIBUTION_FIELDS,
    KEYWORD,
    LEGISLATION,
    TEXTS,
    TYPE,
    Field,
    Form,
    Node,
)


def fill(
    triples: list[ox.Triple], codes: Mapping[str, Collection[str]], agents: Collection[str]
) -> Form:
    """Return the form's values for a description: each field the table has, and the rest
    as Turtle in ``extra``.

    ``codes`` are the concepts of each code list (a value outside its list stays in
    ``extra``, where the report will name it); ``agents`` the registered agents' IRIs (one
    of them is chosen in the list, another is given by IRI).
    """
    by_subject: dict[Node, list[ox.Triple]] = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, []).append(triple)  # type: ignore[arg-type]
    datasets = [
        t.subject
        for t in triples
        if t.predicate.value == TYPE
        and t.object == oxigraph_iri(DCAT.Dataset)
        and isinstance(t.subject, ox.NamedNode)
    ]
    values: dict[str, list[str]] = {}
    used: set[ox.Triple] = set()
    if datasets:
        dataset = datasets[0]
        about = by_subject.get(dataset, [])
        values["dataset"] = [dataset.value]
        used |= {t for t in about if (t.predicate.value, _value(t.object)) in CONSTANT}
        used |= _fill_texts(about, values)
        used |= _fill_fields(about, DATASET_FIELDS, "", codes, values)
        for name, predicate in AGENTS:
            link = next(
                (
                    t
                    for t in about
                    if t.predicate.value == predicate and isinstance(t.object, ox.NamedNode)
                ),
                None,
            )
            if link is not None:
                agent = _value(link.object)
                values[name if agent in agents else f"{name}_iri"] = [agent]
                used.add(link)
        used |= _fill_contact(about, by_subject, values)
        used |= _fill_distributions(about, by_subject, codes, values)
        values["extra_about"] = [dataset.value]
    rest = [t for t in triples if t not in used]
    values["extra"] = [readable.turtle(rest).decode("utf-8")] if rest else []
    return Form(values)


def _value(term: object) -> str:
    """The IRI or the literal's text (blank nodes have none the form could show)."""
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else ""


def _fill_texts(about: list[ox.Triple], values: dict[str, list[str]]) -> set[ox.Triple]:
    """One row per language: its one title, one description and its keywords."""
    used: set[ox.Triple] = set()
    by_language: dict[str, dict[str, list[ox.Triple]]] = {}
    for t in about:
        if isinstance(t.object, ox.Literal) and t.object.language:
            by_language.setdefault(t.object.language, {}).setdefault(t.predicate.value, []).append(
                t
            )
    rows = sorted(by_language, key=lambda language: (language != "en", language))
    for n, language in enumerate(rows):
        found = by_language[language]
        values[f"text-{n}-lang"] = [language]
        for part, predicate in TEXTS:
            if len(found.get(predicate, [])) == 1:
                values[f"text-{n}-{part}"] = [_value(found[predicate][0].object)]
                used.add(found[predicate][0])
        keywords = [t for t in found.get(KEYWORD, []) if "," not in _value(t.object)]
        if keywords:
            values[f"text-{n}-keywords"] = [", ".join(sorted(_value(t.object) for t in keywords))]
            used |= set(keywords)
    return used


def _fits(spec: Field, term: object, codes: Mapping[str, Collection[str]]) -> bool:
    """Whether the form can show ``term`` as the value of ``spec``."""
    if spec.kind in ("code", "codes"):
        return isinstance(term, ox.NamedNode) and term.value in codes.get(spec.code_list or "", ())
    if spec.kind == "iri":
        return isinstance(term, ox.NamedNode)
    if not isinstance(term, ox.Literal):
        return False
    if spec.kind == "count":
        return (
            term.value.isascii()
            and term.value.isdigit()
            and term.datatype.value in (str(XSD.nonNegativeInteger), str(XSD.integer))
        )
    if spec.kind == "boolean":
        return term.datatype.value == str(XSD.boolean) and term.value in ("true", "false")
    if spec.kind == "english":
        return term.language == "en"
    if spec.kind == "list" and "," in term.value:
        return False  # it could not be told apart from two values in the form
    return term.language is None and term.datatype.value == str(XSD.string)


def _fill_fields(
    about: list[ox.Triple],
    fields: Iterable[Field],
    prefix: str,
    codes: Mapping[str, Collection[str]],
    values: dict[str, list[str]],
) -> set[ox.Triple]:
    used: set[ox.Triple] = set()
    for spec in fields:
        fitting = [
            t for t in about if t.predicate.value == spec.predicate and _fits(spec, t.object, codes)
        ]
        if spec.kind not in ("codes", "list"):
            fitting = fitting[:1]
        if fitting:
            found = sorted(_value(t.object) for t in fitting)
            values[prefix + spec.name] = [", ".join(found)] if spec.kind == "list" else found
            used |= set(fitting)
    return used


def _fill_contact(
    about: list[ox.Triple], by_subject: Mapping[Node, list[ox.Triple]], values: dict[str, list[str]]
) -> set[ox.Triple]:
    """The contact point, when it is a blank node with a name and an e-mail address only."""
    for link in (t for t in about if t.predicate.value == CONTACT):
        node = link.object
        described = by_subject.get(node, []) if isinstance(node, ox.BlankNode) else []
        kinds = {t.predicate.value: t.object for t in described}
        if (
            not described
            or len(kinds) != len(described)
            or set(kinds) - {TYPE, str(VCARD.fn), str(VCARD.hasEmail)}
        ):
            continue
        email, name = kinds.get(str(VCARD.hasEmail)), kinds.get(str(VCARD.fn))
        if (
            email is not None
            and not (isinstance(email, ox.NamedNode) and email.value.startswith("mailto:"))
        ) or (name is not None and not isinstance(name, ox.Literal)):
            continue
        values["contact_name"] = [name.value] if name is not None else []
        values["contact_email"] = [email.value.removeprefix("mailto:")] if email else []
        return {link, *described}
    return set()


def _fill_distributions(
    about: list[ox.Triple],
    by_subject: Mapping[Node, list[ox.Triple]],
    codes: Mapping[str, Collection[str]],
    values: dict[str, list[str]],
) -> set[ox.Triple]:
    """Each distribution the form can hold: one with an IRI (what the form has no field
    for stays attached to it), or a blank node the form can hold whole."""
    used: set[ox.Triple] = set()
    n = 0
    for link in (t for t in about if t.predicate.value == DISTRIBUTION):
        node = link.object
        described = (
            by_subject.get(node, []) if isinstance(node, ox.NamedNode | ox.BlankNode) else []
        )
        row: dict[str, list[str]] = {}
        taken = {
            t
            for t in described
            if (t.predicate.value, _value(t.object))
            in ((TYPE, str(DCAT.Distribution)), (LEGISLATION, EHDS_REGULATION))
        }
        taken |= _fill_fields(described, DISTRIBUTION_FIELDS, f"dist-{n}-", codes, row)
        if isinstance(node, ox.BlankNode) and taken != set(described):
            continue  # a blank node cannot be split between the form and the Turtle
        if isinstance(node, ox.NamedNode):
            row[f"dist-{n}-iri"] = [node.value]
        values.update(row)
        used |= {link, *taken}
        n += 1
    return used

"""Building a description from the guided form's values (``form_fields``).

The result is Turtle that then takes the API's path (``submission.check_for`` / ``publish``):
nothing is checked against the profile here, only that each value can be stated (an IRI is
an IRI, a count a whole number), which ``FormProblems`` names field by field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib.namespace import DCAT, FOAF, XSD

from registry.errors import RegistryError
from registry.rdf import formats, readable
from registry.rdf.formats import oxigraph_iri
from registry.rdf.namespaces import CV, EHDS_REGULATION, VCARD
from registry.records.form_fields import (
    AGENTS,
    CONSTANT,
    CONTACT,
    DATASET_FIELDS,
    DISTRIBUTION,
    DISTRIBUTION_FIELDS,
    EMAIL_FORM,
    IRI_FORM,
    KEYWORD,
    LEGISLATION,
    TEXTS,
    TYPE,
    Field,
    Form,
    FormProblems,
    Node,
    Values,
)


def _clean(values: Values) -> dict[str, list[str]]:
    return {key: [v.strip() for v in vs if v.strip()] for key, vs in values.items()}


class _Builder:
    """Collects triples and the problems of the values they come from."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self.triples: list[ox.Triple] = []

    def iri(self, name: str, value: str) -> ox.NamedNode | None:
        if not IRI_FORM.fullmatch(value):
            self.form.problems[name] = f"{value!r} is not an IRI (such as https://...)"
            return None
        return ox.NamedNode(value)

    def add(self, subject: Node, predicate: str, value: ox.NamedNode | ox.BlankNode | ox.Literal):
        self.triples.append(ox.Triple(subject, ox.NamedNode(predicate), value))

    def fields(self, subject: Node, fields: Iterable[Field], prefix: str = "") -> None:
        for spec in fields:
            name = prefix + spec.name
            given = self.form.values.get(name, [])
            if spec.kind == "list":
                given = [item.strip() for value in given for item in value.split(",")]
            for value in filter(None, given):
                term = self.term(name, spec, value)
                if term is not None:
                    self.add(subject, spec.predicate, term)

    def term(self, name: str, spec: Field, value: str) -> ox.NamedNode | ox.Literal | None:
        if spec.kind in ("iri", "code", "codes"):
            return self.iri(name, value)
        if spec.kind == "count":
            if not value.isascii() or not value.isdigit():
                self.form.problems[name] = f"{value!r} is not a whole number 0 or more"
                return None
            return ox.Literal(str(int(value)), datatype=oxigraph_iri(XSD.nonNegativeInteger))
        if spec.kind == "boolean":
            if value not in ("true", "false"):
                self.form.problems[name] = f"{value!r} is neither true nor false"
                return None
            return ox.Literal(value, datatype=oxigraph_iri(XSD.boolean))
        if spec.kind == "english":
            return ox.Literal(value, language="en")
        return ox.Literal(value)


def describe(values: Values) -> tuple[bytes, Form]:
    """Build the Turtle description the form's values state; raise FormProblems if some
    values cannot be stated (nothing is checked against the profile here: that is the
    validator's, on the API's path)."""
    form = Form(_clean(values))
    build = _Builder(form)
    dataset_iri = form.one("dataset")
    if not dataset_iri:
        form.problems["dataset"] = "give the IRI your organisation uses for this dataset"
    dataset = build.iri("dataset", dataset_iri) if dataset_iri else None
    if dataset is None:
        raise FormProblems(form.problems)
    for predicate, value in CONSTANT:
        build.add(dataset, predicate, ox.NamedNode(value))
    _texts(build, dataset)
    build.fields(dataset, DATASET_FIELDS)
    for name, predicate in AGENTS:
        _agent(build, dataset, name, predicate)
    _contact(build, dataset)
    for n in range(form.rows("dist")):
        _distribution(build, dataset, n)
    build.triples += _extra(form, dataset)
    if form.problems:
        raise FormProblems(form.problems)
    return readable.turtle(build.triples), form


def _texts(build: _Builder, dataset: ox.NamedNode) -> None:
    """Title, description and keywords, one row per language."""
    for n in range(build.form.rows("text")):
        language = build.form.one(f"text-{n}-lang")
        given = [build.form.one(f"text-{n}-{part}") for part, _ in TEXTS]
        keywords = build.form.one(f"text-{n}-keywords")
        if not (any(given) or keywords):
            continue
        if not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*", language):
            build.form.problems[f"text-{n}-lang"] = "choose the language of this row"
            continue
        for (_, predicate), text in zip(TEXTS, given, strict=True):
            if text:
                build.add(dataset, predicate, ox.Literal(text, language=language))
        for keyword in filter(None, (k.strip() for k in keywords.split(","))):
            build.add(dataset, KEYWORD, ox.Literal(keyword, language=language))


def _agent(build: _Builder, dataset: ox.NamedNode, name: str, predicate: str) -> None:
    """A registered agent chosen by IRI, or one given by IRI and described by the form."""
    form = build.form
    chosen = form.one(name) or form.one(f"{name}_iri")
    if not chosen:
        return
    agent = build.iri(f"{name}_iri", chosen)
    if agent is None:
        return
    build.add(dataset, predicate, agent)
    label, email = form.one(f"{name}_name"), form.one(f"{name}_email")
    if form.one(name) or not (label or email):
        return  # registered: the registry has its description
    build.add(agent, TYPE, oxigraph_iri(FOAF.Agent))
    if label:
        build.add(agent, str(FOAF.name), ox.Literal(label, language="en"))
    if email:
        if not EMAIL_FORM.fullmatch(email.removeprefix("mailto:")):
            form.problems[f"{name}_email"] = f"{email!r} is not an e-mail address"
            return
        point = ox.BlankNode()
        build.add(agent, str(CV.contactPoint), point)
        build.add(point, TYPE, oxigraph_iri(CV.ContactPoint))
        build.add(point, str(CV.email), ox.Literal(email.removeprefix("mailto:")))


def _contact(build: _Builder, dataset: ox.NamedNode) -> None:
    name, email = build.form.one("contact_name"), build.form.one("contact_email")
    if not (name or email):
        return
    point = ox.BlankNode()
    build.add(dataset, CONTACT, point)
    build.add(point, TYPE, oxigraph_iri(VCARD.Kind))
    if name:
        build.add(point, str(VCARD.fn), ox.Literal(name))
    if email:
        if not EMAIL_FORM.fullmatch(email.removeprefix("mailto:")):
            build.form.problems["contact_email"] = f"{email!r} is not an e-mail address"
            return
        build.add(
            point, str(VCARD.hasEmail), ox.NamedNode("mailto:" + email.removeprefix("mailto:"))
        )


def _distribution(build: _Builder, dataset: ox.NamedNode, n: int) -> None:
    prefix = f"dist-{n}-"
    given = [build.form.one(prefix + spec.name) for spec in DISTRIBUTION_FIELDS]
    if not any(given):
        return
    named = build.form.one(prefix + "iri")
    node: Node | None = build.iri(prefix + "iri", named) if named else ox.BlankNode()
    if node is None:
        return
    build.add(dataset, DISTRIBUTION, node)
    build.add(node, TYPE, oxigraph_iri(DCAT.Distribution))
    build.add(node, LEGISLATION, ox.NamedNode(EHDS_REGULATION))
    build.fields(node, DISTRIBUTION_FIELDS, prefix)


def _extra(form: Form, dataset: ox.NamedNode) -> list[ox.Triple]:
    """The statements the form has no field for, as the provider left them (Turtle)."""
    text = form.one("extra")
    if not text:
        return []
    try:
        triples = formats.parse(text.encode("utf-8"), formats.SYNTAXES[0])
    except RegistryError as error:  # a syntax error names its line and column
        form.problems["extra"] = error.message
        return []
    about = form.one("extra_about")
    if not about or about == dataset.value:
        return triples
    old = ox.NamedNode(about)  # the dataset's IRI changed in the form: follow it

    def moved(
        term: ox.NamedNode | ox.BlankNode | ox.Literal,
    ) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        return dataset if term == old else term

    return [ox.Triple(moved(t.subject), t.predicate, moved(t.object)) for t in triples]  # type: ignore[arg-type]

"""What a DICOM scan cannot know: the provider's fields, from a template or left to do.

``PROVIDER_FIELDS`` lists them (title, description, publisher, access level, ...). A draft
leaves them out, so that validating it names each one with the profile's own advice, and a
Turtle draft opens with a TODO comment per field. A template (an RDF file with the
provider's fields, agents included) is merged onto the draft's dataset instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib.namespace import DCAT, DCTERMS, RDF

from registry.errors import DatasetNotFound
from registry.rdf.formats import oxigraph_iri as iri
from registry.rdf.namespaces import EUCAIM, HEALTHDCATAP, PREFIXES

# The draft's dataset IRI until the provider (or the template) gives its own.
DRAFT_DATASET = "https://todo.invalid/replace-with-your-dataset-iri"

Node = ox.NamedNode | ox.BlankNode


@dataclass(frozen=True)
class ProviderField:
    """A field a scan cannot know; the provider writes it or gives it in the template."""

    on: str  # "dataset" or "distribution"
    predicate: str
    label: str
    example: str


PROVIDER_FIELDS: tuple[ProviderField, ...] = tuple(
    ProviderField(on, str(predicate), label, example)
    for on, predicate, label, example in (
        ("dataset", DCTERMS.title, "title", '"Prostate mpMRI cohort 2018-2022"@en'),
        ("dataset", DCTERMS.description, "description", '"What the images show ..."@en'),
        ("dataset", DCTERMS.identifier, "identifier", '"PCAI-OC-V1"'),
        ("dataset", DCTERMS.accessRights, "access level", "<.../access-right/RESTRICTED>"),
        ("dataset", DCTERMS.publisher, "publisher", "a foaf:Agent with a cv:contactPoint"),
        ("dataset", HEALTHDCATAP.hdab, "health data access body", "a foaf:Agent"),
        ("dataset", EUCAIM.hasCondition, "cancer condition", "<.../condition/prostate-cancer>"),
        ("dataset", EUCAIM.collectionMethod, "collection method", "<.../retrospective>"),
        ("dataset", EUCAIM.interoperabilityLevel, "interoperability tier", "<.../tier-1>"),
        ("dataset", DCAT.contactPoint, "contact point", "a vcard:Kind with vcard:hasEmail"),
        ("distribution", DCAT.accessURL, "access URL", "<https://example.org/access>"),
    )
)


def dataset_node(triples: list[ox.Triple]) -> Node:
    """Return the one dcat:Dataset of a template."""
    datasets = {
        t.subject for t in triples if t.predicate == iri(RDF.type) and t.object == iri(DCAT.Dataset)
    }
    if len(datasets) != 1:
        raise DatasetNotFound(
            f"The template must describe exactly one dcat:Dataset (found {len(datasets)}): "
            "the dataset whose fields are merged onto the draft."
        )
    (node,) = datasets
    assert isinstance(node, Node)
    return node


def merge_template(draft: list[ox.Triple], template: list[ox.Triple]) -> list[ox.Triple]:
    """Merge a template onto the draft: the template's values win, predicate by predicate.

    The template's dataset IRI replaces the draft's placeholder (a blank-node dataset takes
    the placeholder). If both have one distribution, they merge the same way. Draft nodes
    nothing points to any more (a period the template replaced) are dropped.
    """
    placeholder = ox.NamedNode(DRAFT_DATASET)
    theirs = dataset_node(template)
    ours = theirs if isinstance(theirs, ox.NamedNode) else placeholder
    renamed = [_rename(t, {theirs: ours}) for t in template]
    merged = _overlay(ours, [_rename(t, {placeholder: ours}) for t in draft], renamed)
    draft_dist, their_dist = _distributions(draft, placeholder), _distributions(renamed, ours)
    if len(draft_dist) == 1 and len(their_dist) == 1:
        moved = [_rename(t, {draft_dist[0]: their_dist[0]}) for t in merged]
        merged = _overlay(their_dist[0], [t for t in moved if t not in renamed], renamed)
    return _drop_orphans(merged)


def _rename(triple: ox.Triple, names: dict[Node, Node]) -> ox.Triple:
    subject, obj = triple.subject, triple.object
    if isinstance(subject, Node):
        subject = names.get(subject, subject)
    if isinstance(obj, Node):
        obj = names.get(obj, obj)
    return ox.Triple(subject, triple.predicate, obj)


def _distributions(triples: list[ox.Triple], dataset: object) -> list[Node]:
    distribution = iri(DCAT.distribution)
    return [
        t.object
        for t in triples
        if t.subject == dataset and t.predicate == distribution and isinstance(t.object, Node)
    ]


def _overlay(node: object, draft: list[ox.Triple], template: list[ox.Triple]) -> list[ox.Triple]:
    """Return the template plus the draft, minus the draft's values of ``node``'s predicates
    that the template also gives."""
    given = {t.predicate for t in template if t.subject == node}
    kept = [t for t in draft if not (t.subject == node and t.predicate in given)]
    return list(dict.fromkeys(template + kept))


def _drop_orphans(triples: list[ox.Triple]) -> list[ox.Triple]:
    while True:
        referenced = {t.object for t in triples}
        kept = [
            t for t in triples if not isinstance(t.subject, ox.BlankNode) or t.subject in referenced
        ]
        if len(kept) == len(triples):
            return kept
        triples = kept


def missing_fields(triples: list[ox.Triple]) -> list[ProviderField]:
    """Return the provider fields the description does not give yet."""
    dataset = dataset_node(triples)
    distributions = set(_distributions(triples, dataset))
    given = {
        ("dataset" if t.subject == dataset else "distribution", t.predicate.value)
        for t in triples
        if t.subject == dataset or t.subject in distributions
    }
    return [f for f in PROVIDER_FIELDS if (f.on, f.predicate) not in given]


def turtle_header(triples: list[ox.Triple]) -> str:
    """Return the comment that opens a Turtle draft: what to fill in before submitting."""
    lines = [
        "# Draft dataset description written by `registry dicom scan` from DICOM headers.",
        "# Counts and codes come from the headers; check them before you submit.",
    ]
    if dataset_node(triples) == ox.NamedNode(DRAFT_DATASET):
        lines.append(f"# TODO: replace <{DRAFT_DATASET}> with your dataset's IRI.")
    for field in missing_fields(triples):
        prefix, local = _compact(field.predicate)
        lines.append(
            f"# TODO: add {prefix}:{local} ({field.label}) to the {field.on}, e.g. {field.example}"
        )
    return "\n".join(lines) + "\n"


def _compact(predicate: str) -> tuple[str, str]:
    for prefix, namespace in PREFIXES.items():
        if predicate.startswith(namespace):
            return prefix, predicate[len(namespace) :]
    return "", predicate

"""A draft dataset description, in the profile, from what a DICOM scan found.

The draft states what the headers show (modalities, body parts, manufacturers, counts, the
acquisition period, ages, sexes, resolution, segmentations, the file format) and what is the
same for every dataset of this registry (theme HEAL, health category EHRS, health theme
CANCER_DISEASE, the EHDS_REGULATION regulation, no structured data). Header values become
concepts of the registry's schemes (``concepts``). What only the provider knows is left out,
or taken from a template when the draft is rendered (``template``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox
from pydicom.uid import UID
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from registry.dicom.concepts import load_scheme, map_values
from registry.dicom.tally import Tally
from registry.dicom.template import (
    DRAFT_DATASET,
    ProviderField,
    merge_template,
    missing_fields,
    turtle_header,
)
from registry.rdf import formats, readable
from registry.rdf.formats import oxigraph_iri as iri
from registry.rdf.namespaces import (
    CODING_SYSTEM,
    DATA_THEME,
    DCATAP,
    DICOM_MEDIA_TYPE,
    EHDS_REGULATION,
    EUCAIM,
    HEALTH_CATEGORY,
    HEALTH_THEME,
    HEALTHDCATAP,
    STANDARD,
)


def typical_ages(ages: Iterable[int]) -> tuple[int, int] | None:
    """Return the 5th and 95th percentiles (nearest rank) of the ages, one per study."""
    ordered = sorted(ages)
    if not ordered:
        return None

    def rank(p: float) -> int:
        return ordered[max(0, math.ceil(p * len(ordered)) - 1)]

    return rank(0.05), rank(0.95)


def transfer_syntax_names(uids: Counter[str]) -> list[str]:
    """Name the transfer syntaxes; an unknown (private) one is not shown by its UID."""
    names = []
    for uid, count in uids.most_common():
        known = UID(uid) if uid else None
        name = known.name if known is not None and known.is_transfer_syntax else ""
        names.append(f"{name or 'unknown transfer syntax'} ({count} files)")
    return names


def _literal(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(datatype))


def _count(value: int) -> ox.Literal:
    return _literal(value, str(XSD.nonNegativeInteger))


def decimal_metres(millimetres: Decimal) -> str:
    """Return a millimetre value in metres as an xsd:decimal lexical form ("0.7" -> "0.0007")."""
    metres = format((millimetres / 1000).normalize(), "f")
    return metres if re.search(r"[.]", metres) else metres + ".0"


CONSTANT = (
    (DCAT.theme, DATA_THEME.HEAL),
    (HEALTHDCATAP.healthCategory, HEALTH_CATEGORY.EHRS),
    (HEALTHDCATAP.healthTheme, HEALTH_THEME.CANCER_DISEASE),
    (DCATAP.applicableLegislation, EHDS_REGULATION),
    (DCTERMS.conformsTo, STANDARD.DICOM),
    (HEALTHDCATAP.hasCodingSystem, CODING_SYSTEM["DICOM-CT"]),
)


@dataclass(frozen=True)
class Draft:
    """The draft's triples, and the header values that did not map, for the report."""

    triples: list[ox.Triple]
    unmapped_modalities: Counter[str]
    unmapped_body_parts: Counter[str]
    sexes: Counter[str]


def build_draft(tally: Tally) -> Draft:
    """Describe what the scan found as a dataset with one DICOM distribution."""
    dataset, distribution = ox.NamedNode(DRAFT_DATASET), ox.BlankNode()
    facts: list[tuple[object, ox.NamedNode | ox.BlankNode | ox.Literal]] = [
        (RDF.type, iri(DCAT.Dataset)),
        *((p, iri(o)) for p, o in CONSTANT),
        (HEALTHDCATAP.hasStructuredData, _literal("false", str(XSD.boolean))),
        (DCAT.distribution, distribution),
    ]
    modalities = map_values(tally.modalities, load_scheme("modality"))
    body_parts = map_values(tally.body_parts, load_scheme("body-part"))
    facts += [(EUCAIM.hasImageModality, ox.NamedNode(c)) for c in modalities.concepts]
    facts += [(EUCAIM.hasImageBodyPart, ox.NamedNode(c)) for c in body_parts.concepts]
    facts += [(EUCAIM.hasEquipmentManufacturer, ox.Literal(m)) for m in sorted(tally.manufacturers)]
    sexes = Counter(tally.sex_of_patient.values())
    sex_scheme = load_scheme("birth-sex")
    present = [code for code in ("F", "M", "O") if sexes[code]] or (["U"] if sexes else [])
    facts += [(EUCAIM.hasBirthSex, ox.NamedNode(sex_scheme.concepts[code])) for code in present]
    facts += _counts(tally)
    labels = sorted(tally.segment_labels)
    facts += [(EUCAIM.hasAnnotationLabel, ox.Literal(label)) for label in labels]
    algorithms = map_values(tally.segment_algorithms, load_scheme("algorithm-type"))
    facts += [(EUCAIM.hasAlgorithmType, ox.NamedNode(c)) for c in algorithms.concepts]
    triples = [ox.Triple(dataset, iri(p), o) for p, o in facts]
    triples += _period(dataset, tally) + _distribution(distribution, tally)
    return Draft(triples, modalities.unmapped, body_parts.unmapped, sexes)


def _counts(tally: Tally) -> list[tuple[object, ox.Literal]]:
    facts: list[tuple[object, ox.Literal]] = []
    if tally.sex_of_patient:
        facts.append((HEALTHDCATAP.numberOfUniqueIndividuals, _count(len(tally.sex_of_patient))))
    if tally.studies:
        facts.append((HEALTHDCATAP.numberOfRecords, _count(len(tally.studies))))
    ages = typical_ages(tally.age_of_study.values())
    if ages:
        facts.append((HEALTHDCATAP.minTypicalAge, _count(ages[0])))
        facts.append((HEALTHDCATAP.maxTypicalAge, _count(ages[1])))
    if tally.resolution_mm is not None:
        metres = decimal_metres(tally.resolution_mm)
        facts.append((DCAT.spatialResolutionInMeters, _literal(metres, str(XSD.decimal))))
    if tally.segmented_studies:
        facts.append((EUCAIM.nbrOfSegmentations, _count(len(tally.segmented_studies))))
    return facts


def _period(dataset: ox.NamedNode, tally: Tally) -> list[ox.Triple]:
    if not (tally.first_date and tally.last_date):
        return []
    period = ox.BlankNode()
    return [
        ox.Triple(dataset, iri(DCTERMS.temporal), period),
        ox.Triple(period, iri(RDF.type), iri(DCTERMS.PeriodOfTime)),
        ox.Triple(period, iri(DCAT.startDate), _literal(tally.first_date, str(XSD.date))),
        ox.Triple(period, iri(DCAT.endDate), _literal(tally.last_date, str(XSD.date))),
    ]


def _distribution(node: ox.BlankNode, tally: Tally) -> list[ox.Triple]:
    syntaxes = "; ".join(transfer_syntax_names(tally.transfer_syntaxes))
    text = (
        f"DICOM files: {len(tally.studies)} studies, {len(tally.series)} series, "
        f"{len(tally.instances)} instances. Transfer syntaxes: {syntaxes}."
    )
    return [
        ox.Triple(node, iri(RDF.type), iri(DCAT.Distribution)),
        ox.Triple(node, iri(DCATAP.applicableLegislation), ox.NamedNode(EHDS_REGULATION)),
        ox.Triple(node, iri(DCAT.mediaType), ox.NamedNode(DICOM_MEDIA_TYPE)),
        ox.Triple(node, iri(DCTERMS.conformsTo), iri(STANDARD.DICOM)),
        ox.Triple(node, iri(DCTERMS.description), ox.Literal(text, language="en")),
    ]


def render(
    draft: Draft, template: list[ox.Triple] | None, syntax: formats.RdfSyntax
) -> tuple[bytes, list[ProviderField]]:
    """Return the draft (merged with the template) as a document, and the fields still due.

    The document is written to be read and edited (``readable``): the dataset in one block
    with its period and distribution inside, JSON-LD with the registry's contexts. A Turtle
    document opens with a TODO comment per field still due; JSON-LD has no comments.
    """
    triples = merge_template(draft.triples, template) if template else draft.triples
    if syntax.name == "Turtle":
        body = turtle_header(triples).encode() + b"\n" + readable.turtle(triples)
    else:
        body = readable.jsonld(triples)
    return body, missing_fields(triples)

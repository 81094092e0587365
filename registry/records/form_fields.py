"""The guided submission form's fields: one table of fields and predicates, read in both
directions (``form_build`` writes a description from it, ``form_fill`` reads one into it).

``describe`` turns what the browser sent (field name -> values) into a Turtle description,
which then takes the API's path (``submission.check_for`` / ``publish``). ``fill`` turns a
description (a DICOM scan draft, a sample, a stored record) into the form's values. What the
form has no field for is never dropped: it travels in the ``extra`` field, as Turtle the
provider can read and edit, and is added back when the description is built. A nested node
(a distribution, the contact point) is taken into the form only when the form can hold all
of it, or when it has an IRI that keeps the rest attached.

No Flask here: the web layer reads the request into ``Values`` and renders ``Form``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib.namespace import DCAT, DCTERMS, RDF

from registry.errors import RegistryError
from registry.rdf.namespaces import (
    DATA_THEME,
    DCATAP,
    EHDS_REGULATION,
    EUCAIM,
    HEALTH_THEME,
    HEALTHDCATAP,
)

Values = Mapping[str, list[str]]
"""The form as the browser sends it: each field name with its values (several for a
multiple select)."""

Node = ox.NamedNode | ox.BlankNode
"""A subject the form writes or reads: the dataset, an agent, a distribution."""


@dataclass(frozen=True)
class Field:
    """One form field and the predicate it states, with the code list its choices come from.

    ``kind``: ``literal`` (plain text), ``list`` (plain texts, separated by commas in the
    form), ``iri``, ``code`` (one concept), ``codes`` (several), ``count`` (an
    ``xsd:nonNegativeInteger``), ``boolean``, ``english`` (text in English).
    """

    name: str
    predicate: str
    kind: str
    label: str
    code_list: str | None = None
    hint: str = ""


DATASET_FIELDS: tuple[Field, ...] = tuple(
    Field(name, str(predicate), kind, label, code_list, hint)
    for name, predicate, kind, label, code_list, hint in (
        ("identifier", DCTERMS.identifier, "literal", "Identifier", None,
         "Your own identifier for the dataset, e.g. PCAI-OC-V1."),
        ("access_rights", DCTERMS.accessRights, "code", "Access rights", "access-right", ""),
        ("condition", EUCAIM.hasCondition, "codes", "Cancer types (conditions)", "condition", ""),
        ("modality", EUCAIM.hasImageModality, "codes", "Imaging modalities", "modality", ""),
        ("body_part", EUCAIM.hasImageBodyPart, "codes", "Body parts", "body-part", ""),
        ("health_category", HEALTHDCATAP.healthCategory, "codes", "Health categories",
         "healthcategories", ""),
        ("collection_method", EUCAIM.collectionMethod, "codes", "Collection methods",
         "collection-method", ""),
        ("interoperability", EUCAIM.interoperabilityLevel, "code", "Interoperability tier",
         "interoperability-tier", ""),
        ("birth_sex", EUCAIM.hasBirthSex, "codes", "Birth sex of the subjects", "birth-sex", ""),
        ("country", DCTERMS.spatial, "code", "Country", "country", ""),
        ("manufacturer", EUCAIM.hasEquipmentManufacturer, "list", "Equipment manufacturers",
         None, "As DICOM writes them, separated by commas: SIEMENS, GE MEDICAL SYSTEMS."),
        ("structured_data", HEALTHDCATAP.hasStructuredData, "boolean",
         "Structured data (clinical variables) included", None,
         "If yes, describe the variables (healthdcatap:hasVariables) as Turtle below."),
        ("individuals", HEALTHDCATAP.numberOfUniqueIndividuals, "count", "Number of subjects",
         None, "Individuals in the dataset."),
        ("records", HEALTHDCATAP.numberOfRecords, "count", "Number of studies", None,
         "Imaging studies (records) in the dataset."),
        ("min_age", HEALTHDCATAP.minTypicalAge, "count", "Typical minimum age (years)", None, ""),
        ("max_age", HEALTHDCATAP.maxTypicalAge, "count", "Typical maximum age (years)", None, ""),
        ("landing_page", DCAT.landingPage, "iri", "Landing page", None,
         "A web page about the dataset."),
    )
)  # fmt: skip

DISTRIBUTION_FIELDS: tuple[Field, ...] = tuple(
    Field(name, str(predicate), kind, label, code_list, hint)
    for name, predicate, kind, label, code_list, hint in (
        ("title", DCTERMS.title, "english", "Title (English)", None, ""),
        ("description", DCTERMS.description, "english", "Description (English)", None, ""),
        ("access_url", DCAT.accessURL, "iri", "Access URL", None,
         "Where access is requested or the files are reached."),
        ("download_url", DCAT.downloadURL, "iri", "Download URL", None, ""),
        ("media_type", DCAT.mediaType, "iri", "Media type (IANA IRI)", None,
         "e.g. https://www.iana.org/assignments/media-types/application/dicom"),
        ("licence", DCTERMS.license, "iri", "Licence (IRI)", None,
         "e.g. http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"),
        ("access_condition", DCTERMS.rights, "code", "Access condition", "access-condition", ""),
        ("standard", DCTERMS.conformsTo, "codes", "Standards the files follow", "standard", ""),
    )
)  # fmt: skip

AGENTS = (("publisher", str(DCTERMS.publisher)), ("hdab", str(HEALTHDCATAP.hdab)))
"""The agents a dataset cites: a registered one by IRI, or one the form describes."""

TEXTS = (("title", str(DCTERMS.title)), ("description", str(DCTERMS.description)))
KEYWORD = str(DCAT.keyword)
CONTACT = str(DCAT.contactPoint)
DISTRIBUTION = str(DCAT.distribution)
LEGISLATION = str(DCATAP.applicableLegislation)
TYPE = str(RDF.type)

CONSTANT: tuple[tuple[str, str], ...] = (
    (TYPE, str(DCAT.Dataset)),
    (str(DCAT.theme), str(DATA_THEME.HEAL)),
    (str(HEALTHDCATAP.healthTheme), str(HEALTH_THEME.CANCER_DISEASE)),
    (LEGISLATION, EHDS_REGULATION),
)
"""What every dataset of this registry states: written by the form, not asked."""

IRI_FORM = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")
EMAIL_FORM = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+\.[A-Za-z]{2,}")


class FormProblems(RegistryError):
    """Values the form cannot turn into RDF (a malformed IRI, a count that is no number)."""

    status = 422
    title = "The form has values that cannot be used"

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        listed = "; ".join(f"{name}: {why}" for name, why in problems.items())
        super().__init__(f"Correct these fields: {listed}.")


@dataclass
class Form:
    """The form's values, and what each field's problem is (for the page to show)."""

    values: dict[str, list[str]] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)

    def one(self, name: str) -> str:
        found = self.values.get(name) or [""]
        return found[0]

    def rows(self, prefix: str) -> int:
        """How many numbered rows (``<prefix>-<n>-...``) the values hold."""
        numbers = [
            int(key.split("-")[1]) for key in self.values if re.fullmatch(rf"{prefix}-\d+-\w+", key)
        ]
        return max(numbers, default=-1) + 1

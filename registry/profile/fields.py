"""The profile's properties as people read them: one table, predicate -> label, in page order.

Pages render a description by walking this table; properties not in it follow, labelled by
their compact IRI, so nothing a provider wrote is hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDFS

from registry.rdf.namespaces import (
    ADMS,
    CV,
    DCATAP,
    EUCAIM,
    GEODCATAP,
    HEALTHDCATAP,
    VCARD,
    compact,
)


@dataclass(frozen=True)
class Field:
    predicate: str
    label: str


FIELDS: tuple[Field, ...] = tuple(
    Field(str(predicate), label)
    for predicate, label in (
        (DCTERMS.title, "Title"),
        (DCTERMS.description, "Description"),
        (DCTERMS.identifier, "Identifier"),
        (EUCAIM.hasCondition, "Cancer type"),
        (EUCAIM.hasImageModality, "Image modality"),
        (EUCAIM.hasImageBodyPart, "Body part"),
        (EUCAIM.hasEquipmentManufacturer, "Equipment manufacturer"),
        (HEALTHDCATAP.numberOfUniqueIndividuals, "Individuals"),
        (HEALTHDCATAP.numberOfRecords, "Imaging studies"),
        (EUCAIM.nbrOfSegmentations, "Segmentations"),
        (EUCAIM.hasAnnotationLabel, "Segmentation labels"),
        (EUCAIM.hasAlgorithmType, "Segmentation method"),
        (HEALTHDCATAP.minTypicalAge, "Minimum age (years)"),
        (HEALTHDCATAP.maxTypicalAge, "Maximum age (years)"),
        (EUCAIM.hasBirthSex, "Birth sex"),
        (EUCAIM.collectionMethod, "Collection method"),
        (EUCAIM.interoperabilityLevel, "Interoperability tier"),
        (DCTERMS.temporal, "Acquisition period"),
        (DCAT.startDate, "Start"),
        (DCAT.endDate, "End"),
        (DCTERMS.spatial, "Country"),
        (DCTERMS.accessRights, "Access level"),
        (DCTERMS.rights, "Access conditions"),
        (DCAT.distribution, "Distribution"),
        (DCAT.accessURL, "Access URL"),
        (DCAT.downloadURL, "Download URL"),
        (DCTERMS.format, "Format"),
        (DCTERMS.publisher, "Publisher"),
        (FOAF.name, "Name"),
        (DCAT.contactPoint, "Contact"),
        (CV.contactPoint, "Contact"),
        (VCARD.fn, "Name"),
        (VCARD.hasEmail, "Email"),
        (CV.email, "Email"),
        (VCARD.hasURL, "Web page"),
        (DCAT.keyword, "Keywords"),
        (DCAT.theme, "Theme"),
        (HEALTHDCATAP.healthCategory, "Health category"),
        (HEALTHDCATAP.healthTheme, "Health theme"),
        (HEALTHDCATAP.hasStructuredData, "Has structured data"),
        (HEALTHDCATAP.populationCoverage, "Population coverage"),
        (HEALTHDCATAP.hdab, "Health data access body"),
        (GEODCATAP.custodian, "Custodian (data holder)"),
        (DCATAP.applicableLegislation, "Applicable legislation"),
        (DCTERMS.provenance, "Provenance"),
        (RDFS.label, "Statement"),
        (DCAT.landingPage, "Landing page"),
        (Namespace(str(DCAT)).version, "Version"),  # a DCAT 3 term rdflib lacks
        (ADMS.versionNotes, "Version notes"),
        (DCTERMS.issued, "Issued"),
        (DCTERMS.modified, "Modified"),
    )
)

_BY_PREDICATE = {field.predicate: field for field in FIELDS}
ORDER = {field.predicate: index for index, field in enumerate(FIELDS)}


def label_for(predicate: str) -> str:
    """Return the readable label of a property (its compact IRI if the table lacks it)."""
    field = _BY_PREDICATE.get(predicate)
    return field.label if field else compact(predicate)

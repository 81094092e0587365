"""One-change variants ("mutants") of the official Release 8 example, made on rdflib graphs.

The example (``examples/example-healthdcat-dataset.ttl``) is a NON_PUBLIC oncology dataset
that uses every HealthDCAT-AP property. The registry's profile adds the cancer-imaging fields
as mandatory, so every mutant starts from the example plus ``IMAGING``, a few statements the
published shapes ignore. Each mutant then does one thing, and says whether the published
validator must still accept it (``official_conforms``): the suite checks that too, so a
harness that accepts everything cannot pass unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from registry.rdf.namespaces import (
    ACCESS_RIGHT,
    ADMS,
    CIR_VOCAB,
    CSVW,
    CV,
    DATA_THEME,
    DCATAP,
    DPV,
    EUCAIM,
    FILE_TYPE,
    GEODCATAP,
    HEALTH_CATEGORY,
    HEALTH_THEME,
    HEALTHDCATAP,
    LANGUAGE,
    VCARD,
)

EX = Namespace("https://healthdcat-ap.example.org/release-7/example/")
DATASET = EX["dataset-oncology-ehrs-2024"]
AUTHORITY = "http://publications.europa.eu/resource/authority/"
HDEU = "https://hdeu-dcat.data.health.europa.eu/resource/authority/"
PROV_GENERATED_BY = URIRef("http://www.w3.org/ns/prov#wasGeneratedBy")
DCAT_VERSION = URIRef(str(DCAT) + "version")  # DCAT 3; rdflib's DCAT namespace predates it
ELI_LEGAL_RESOURCE = URIRef("http://data.europa.eu/eli/ontology#LegalResource")
EHDS_DGA = URIRef("http://data.europa.eu/eli/reg/2022/868/oj")
GEONAMES_BRUSSELS = URIRef("https://sws.geonames.org/2800866/")
COHORT = URIRef("urn:example:dataset-type/cohort")

# The cancer-imaging fields the registry requires and the published shapes ignore: valid
# codes of the registry's own vocabularies (ontology/), kept here and nowhere else.
IMAGING = (
    (EUCAIM.hasCondition, CIR_VOCAB["condition/lung-cancer"]),
    (EUCAIM.hasImageModality, CIR_VOCAB["modality/CT"]),
    (EUCAIM.hasImageBodyPart, CIR_VOCAB["body-part/CHEST"]),
    (EUCAIM.hasEquipmentManufacturer, Literal("Siemens")),
    (EUCAIM.hasBirthSex, CIR_VOCAB["birth-sex/female"]),
    (EUCAIM.hasBirthSex, CIR_VOCAB["birth-sex/male"]),
    (EUCAIM.collectionMethod, CIR_VOCAB["collection-method/retrospective"]),
    (EUCAIM.interoperabilityLevel, CIR_VOCAB["interoperability-tier/tier-1"]),
)


def example(path: Path) -> Graph:
    """Parse the official example and add the imaging fields to its dataset."""
    graph = Graph().parse(path, format="turtle")
    for predicate, value in IMAGING:
        graph.add((DATASET, predicate, value))
    return graph


Change = Callable[[Graph], None]


@dataclass(frozen=True)
class Mutant:
    name: str
    change: Change
    official_conforms: bool = False

    def apply(self, graph: Graph) -> Graph:
        """Return a changed copy of ``graph``."""
        copy = Graph()
        for statement in graph:
            copy.add(statement)
        for prefix, namespace in graph.namespaces():
            copy.bind(prefix, namespace)
        self.change(copy)
        return copy


def drop(predicate: URIRef, subject: URIRef = DATASET) -> Change:
    """Remove every value of ``predicate``."""

    def change(graph: Graph) -> None:
        assert (subject, predicate, None) in graph, f"{subject} has no {predicate}"
        graph.remove((subject, predicate, None))

    return change


def add(predicate: URIRef, value: URIRef | Literal, subject: URIRef = DATASET) -> Change:
    """Add one more value of ``predicate``."""

    def change(graph: Graph) -> None:
        assert (subject, predicate, None) in graph, f"{subject} has no {predicate}"
        graph.add((subject, predicate, value))

    return change


def put(predicate: URIRef, value: URIRef | Literal, subject: URIRef = DATASET) -> Change:
    """Add a value of a property the example does not use."""

    def change(graph: Graph) -> None:
        assert (subject, predicate, None) not in graph, f"{subject} has {predicate} already"
        graph.add((subject, predicate, value))

    return change


def replace(predicate: URIRef, value: URIRef | Literal, subject: URIRef = DATASET) -> Change:
    """Replace the values of ``predicate`` with ``value``."""

    def change(graph: Graph) -> None:
        assert (subject, predicate, None) in graph, f"{subject} has no {predicate}"
        graph.set((subject, predicate, value))

    return change


def untype(subject: URIRef, cls: URIRef) -> Change:
    """Remove the statement that ``subject`` is a ``cls``."""

    def change(graph: Graph) -> None:
        assert (subject, RDF.type, cls) in graph
        graph.remove((subject, RDF.type, cls))

    return change


def level(right: str, *dropped: URIRef) -> Change:
    """Change the access level as the example states it (typed), dropping the properties listed."""

    def change(graph: Graph) -> None:
        before = graph.value(DATASET, DCTERMS.accessRights)
        graph.remove((before, RDF.type, DCTERMS.RightsStatement))
        graph.set((DATASET, DCTERMS.accessRights, ACCESS_RIGHT[right]))
        graph.add((ACCESS_RIGHT[right], RDF.type, DCTERMS.RightsStatement))
        for predicate in dropped:
            graph.remove((DATASET, predicate, None))

    return change


def then(*changes: Change) -> Change:
    """Several edits that together make one change (e.g. a level and what breaks in it)."""

    def change(graph: Graph) -> None:
        for step in changes:
            step(graph)

    return change


def blank_hdab_contact_without_email(graph: Graph) -> None:
    """Give the HDAB a blank-node contact point with a telephone only."""
    contact = BNode()
    graph.set((EX["hdab-agent"], CV.contactPoint, contact))
    graph.add((contact, RDF.type, CV.ContactPoint))
    graph.add((contact, CV.telephone, Literal("+32 2 555 0102")))


NON_PUBLIC_ONLY = (DCAT.contactPoint, DCAT.keyword, DCTERMS.type, DCTERMS.provenance)
NNI = XSD.nonNegativeInteger
H = HEALTHDCATAP

MUTANTS: tuple[Mutant, ...] = (
    # Mandatory properties of the dataset (NON_PUBLIC), one at a time.
    Mutant("no-title", drop(DCTERMS.title)),
    Mutant("no-description", drop(DCTERMS.description)),
    Mutant("no-accessRights", drop(DCTERMS.accessRights)),
    Mutant("no-applicableLegislation", drop(DCATAP.applicableLegislation)),
    Mutant("no-distribution", drop(DCAT.distribution)),
    Mutant("no-identifier", drop(DCTERMS.identifier)),
    Mutant("no-theme", drop(DCAT.theme)),
    Mutant("no-hdab", drop(H.hdab)),
    Mutant("no-healthCategory", drop(H.healthCategory)),
    Mutant("no-hasStructuredData", drop(H.hasStructuredData)),
    Mutant("no-contactPoint", drop(DCAT.contactPoint)),
    Mutant("no-keyword", drop(DCAT.keyword)),
    Mutant("no-type", drop(DCTERMS.type)),
    Mutant("no-provenance", drop(DCTERMS.provenance)),
    # Recommended only: Warnings, never a refusal.
    Mutant("no-healthTheme", drop(H.healthTheme), official_conforms=True),
    Mutant("no-numberOfRecords", drop(H.numberOfRecords), official_conforms=True),
    # Cardinalities.
    Mutant("two-accessRights", add(DCTERMS.accessRights, ACCESS_RIGHT.PUBLIC)),
    Mutant("two-hasStructuredData", add(H.hasStructuredData, Literal(False))),
    Mutant("two-minTypicalAge", add(H.minTypicalAge, Literal("20", datatype=NNI))),
    Mutant("two-maxTypicalAge", add(H.maxTypicalAge, Literal("90", datatype=NNI))),
    Mutant("two-numberOfRecords", add(H.numberOfRecords, Literal("2000000", datatype=NNI))),
    Mutant(
        "two-numberOfUniqueIndividuals",
        add(H.numberOfUniqueIndividuals, Literal("400000", datatype=NNI)),
    ),
    Mutant("two-publishers", add(DCTERMS.publisher, EX["custodian-agent"])),
    Mutant("two-hdabs", add(H.hdab, EX["hdab-coordinator-agent"])),
    Mutant("two-hdabCoordinators", add(H.hdabCoordinator, EX["custodian-agent"])),
    Mutant("two-custodians", add(GEODCATAP.custodian, EX["hdab-coordinator-agent"])),
    Mutant("two-retentionPeriods", add(H.retentionPeriod, EX["dataset-coverage-period"])),
    Mutant(
        "hdab-two-contactPoints",
        add(CV.contactPoint, EX["custodian-contact-point"], EX["hdab-agent"]),
    ),
    # Datatypes.
    Mutant(
        "numberOfRecords-ill-typed-abc", replace(H.numberOfRecords, Literal("abc", datatype=NNI))
    ),
    Mutant("numberOfRecords-plain-abc", replace(H.numberOfRecords, Literal("abc"))),
    Mutant(
        "numberOfRecords-xsd-string-12",
        replace(H.numberOfRecords, Literal("12", datatype=XSD.string)),
    ),
    Mutant(
        "numberOfUniqueIndividuals-xsd-integer",
        replace(H.numberOfUniqueIndividuals, Literal("412000", datatype=XSD.integer)),
    ),
    Mutant("minTypicalAge-decimal", replace(H.minTypicalAge, Literal("18", datatype=XSD.decimal))),
    Mutant(
        "maxTypicalAge-decimal", replace(H.maxTypicalAge, Literal("99.5", datatype=XSD.decimal))
    ),
    Mutant("hasStructuredData-yes", replace(H.hasStructuredData, Literal("yes"))),
    Mutant(
        "hasStructuredData-string-true",
        replace(H.hasStructuredData, Literal("true", datatype=XSD.string)),
    ),
    Mutant(
        "minTypicalAge-ill-typed",
        replace(H.minTypicalAge, Literal("eighteen", datatype=NNI)),
    ),
    Mutant(
        "issued-as-text",
        replace(DCTERMS.issued, Literal("15 January 2024")),
        official_conforms=True,
    ),
    Mutant(
        "period-start-as-text",
        replace(DCAT.startDate, Literal("1 January 2020"), EX["dataset-coverage-period"]),
        official_conforms=True,
    ),
    # Plausibility: well-formed values that cannot all be true.
    Mutant(
        "ages-inverted",
        replace(H.minTypicalAge, Literal("100", datatype=NNI)),
        official_conforms=True,
    ),
    Mutant(
        "period-ends-before-start",
        replace(
            DCAT.endDate, Literal("2019-12-31", datatype=XSD.date), EX["dataset-coverage-period"]
        ),
        official_conforms=True,
    ),
    # Node kinds.
    Mutant("theme-literal", replace(DCAT.theme, Literal("HEAL"))),
    Mutant("healthCategory-literal", replace(H.healthCategory, Literal("EHRS"))),
    Mutant("applicableLegislation-literal", replace(DCATAP.applicableLegislation, Literal("EHDS"))),
    Mutant("identifier-iri", replace(DCTERMS.identifier, URIRef("urn:example:oncology-ehrs-2024"))),
    Mutant("title-iri", replace(DCTERMS.title, URIRef("urn:example:title"))),
    Mutant("hdab-literal", replace(H.hdab, Literal("Belgian Health Data Access Body"))),
    Mutant("keyword-iri", replace(DCAT.keyword, URIRef("urn:example:oncology"))),
    # Codes outside their vocabulary.
    Mutant("theme-not-in-data-theme", add(DCAT.theme, DATA_THEME["ONCOLOGY"])),
    Mutant("theme-without-HEAL", replace(DCAT.theme, DATA_THEME.TECH)),
    Mutant("healthCategory-not-in-scheme", replace(H.healthCategory, HEALTH_CATEGORY.CANCER)),
    Mutant("healthTheme-not-in-scheme", replace(H.healthTheme, HEALTH_THEME.ONCOLOGY)),
    Mutant("accessRights-not-in-scheme", replace(DCTERMS.accessRights, ACCESS_RIGHT.SECRET)),
    Mutant("language-not-in-scheme", replace(DCTERMS.language, LANGUAGE.XXX)),
    Mutant(
        "accrualPeriodicity-not-in-scheme",
        replace(DCTERMS.accrualPeriodicity, URIRef(AUTHORITY + "frequency/SOMETIMES")),
    ),
    Mutant(
        "type-not-in-dataset-type",
        then(
            replace(DCTERMS.type, COHORT),
            put(RDF.type, SKOS.Concept, COHORT),
            put(SKOS.prefLabel, Literal("Cohort", lang="en"), COHORT),
        ),
        official_conforms=True,
    ),
    Mutant("type-untyped-iri", replace(DCTERMS.type, COHORT)),
    Mutant(
        "spatial-not-in-scheme",
        then(
            replace(DCTERMS.spatial, GEONAMES_BRUSSELS),
            put(RDF.type, DCTERMS.Location, GEONAMES_BRUSSELS),
        ),
        official_conforms=True,
    ),
    Mutant("spatial-untyped-iri", replace(DCTERMS.spatial, GEONAMES_BRUSSELS)),
    Mutant(
        "hasCodingSystem-not-in-scheme",
        replace(H.hasCodingSystem, URIRef(HDEU + "coding-system/MY-CODES")),
    ),
    Mutant(
        "conformsTo-not-in-standard",
        replace(DCTERMS.conformsTo, URIRef(HDEU + "standard/MY-STANDARD")),
    ),
    Mutant("personalData-outside-dpv-pd", replace(DPV.hasPersonalData, DPV.PersonalData)),
    Mutant(
        "publisher-type-not-in-scheme",
        replace(DCTERMS.type, URIRef(HDEU + "publisher-type/hospital"), EX["publisher-agent"]),
    ),
    Mutant(
        "activity-type-not-in-scheme",
        replace(
            DCTERMS.type, URIRef(HDEU + "health-activity/MY_ACTIVITY"), EX["generation-activity"]
        ),
    ),
    Mutant(
        "distribution-format-not-in-scheme",
        replace(DCTERMS.format, FILE_TYPE.DICOM_ZIP, EX["distribution-main-csv"]),
    ),
    Mutant(
        "distribution-language-not-in-scheme",
        replace(DCTERMS.language, LANGUAGE.XXX, EX["distribution-fhir-package"]),
    ),
    Mutant(
        "distribution-status-not-in-scheme",
        replace(
            ADMS.status,
            URIRef("http://purl.org/adms/status/Completed"),
            EX["distribution-main-csv"],
        ),
    ),
    # Range classes the published shapes want stated for authority IRIs (the example does).
    Mutant(
        "accessRights-class-not-stated", untype(ACCESS_RIGHT.NON_PUBLIC, DCTERMS.RightsStatement)
    ),
    Mutant("legislation-class-not-stated", untype(EHDS_DGA, ELI_LEGAL_RESOURCE)),
    Mutant("language-class-not-stated", untype(LANGUAGE.ENG, DCTERMS.LinguisticSystem)),
    Mutant(
        "personalData-class-not-stated",
        untype(URIRef("https://w3id.org/dpv/dpv-pd#Age"), DPV.PersonalData),
    ),
    # Distributions, agents and contact points losing a mandatory property.
    Mutant(
        "distribution-no-applicableLegislation",
        drop(DCATAP.applicableLegislation, EX["distribution-main-csv"]),
    ),
    Mutant(
        "sample-no-applicableLegislation",
        drop(DCATAP.applicableLegislation, EX["distribution-sample-csv"]),
    ),
    Mutant(
        "analytics-no-applicableLegislation",
        drop(DCATAP.applicableLegislation, EX["distribution-analytics-report"]),
    ),
    Mutant("distribution-no-accessURL", drop(DCAT.accessURL, EX["distribution-fhir-package"])),
    Mutant("hdab-no-name", drop(FOAF.name, EX["hdab-agent"])),
    Mutant("publisher-no-name", drop(FOAF.name, EX["publisher-agent"])),
    Mutant("hdab-no-contactPoint", drop(CV.contactPoint, EX["hdab-agent"])),
    Mutant("publisher-no-contactPoint", drop(CV.contactPoint, EX["publisher-agent"])),
    Mutant("custodian-no-contactPoint", drop(CV.contactPoint, EX["custodian-agent"])),
    Mutant("hdab-untyped", untype(EX["hdab-agent"], FOAF.Agent)),
    Mutant("hdab-contactPoint-untyped", untype(EX["hdab-contact-point"], CV.ContactPoint)),
    Mutant(
        "hdab-contactPoint-no-email-no-page",
        then(
            drop(CV.email, EX["hdab-contact-point"]), drop(CV.contactPage, EX["hdab-contact-point"])
        ),
    ),
    Mutant(
        "hdab-contactPoint-no-email",
        drop(CV.email, EX["hdab-contact-point"]),
        official_conforms=True,
    ),
    Mutant("hdab-blank-contactPoint-no-email", blank_hdab_contact_without_email),
    Mutant(
        "contactPoint-no-url-no-email",
        then(
            drop(VCARD.hasURL, EX["dataset-contact-point"]),
            drop(VCARD.hasEmail, EX["dataset-contact-point"]),
        ),
    ),
    # hasStructuredData and its variables.
    Mutant("structured-without-variables", drop(H.hasVariables)),
    Mutant(
        "unstructured-with-variables",
        replace(H.hasStructuredData, Literal(False)),
        official_conforms=True,
    ),
    Mutant(
        "unstructured-without-variables",
        then(replace(H.hasStructuredData, Literal(False)), drop(H.hasVariables)),
        official_conforms=True,
    ),
    Mutant("variables-no-title", drop(DCTERMS.title, EX["variables-group"])),
    Mutant("variables-untyped", untype(EX["variables-group"], CSVW.TableGroup)),
    Mutant("column-no-name", drop(CSVW.name, EX["col-patient-id"])),
    # Access levels.
    Mutant("to-PUBLIC", level("PUBLIC"), official_conforms=True),
    Mutant(
        "to-PUBLIC-without-non-public-fields",
        level("PUBLIC", *NON_PUBLIC_ONLY),
        official_conforms=True,
    ),
    Mutant("to-RESTRICTED", level("RESTRICTED"), official_conforms=True),
    Mutant(
        "to-RESTRICTED-without-non-public-fields",
        level("RESTRICTED", *NON_PUBLIC_ONLY),
        official_conforms=True,
    ),
    Mutant("to-PUBLIC-no-title", then(level("PUBLIC"), drop(DCTERMS.title))),
    Mutant(
        "to-PUBLIC-source-literal",
        then(level("PUBLIC"), put(DCTERMS.source, Literal("hospital EHR"))),
    ),
    Mutant("source-literal", put(DCTERMS.source, Literal("hospital EHR"))),
    Mutant("to-RESTRICTED-no-hdab", then(level("RESTRICTED"), drop(H.hdab))),
    # Other DCAT-AP checks the published validator inherits.
    Mutant("temporal-literal", replace(DCTERMS.temporal, Literal("2020-2024"))),
    Mutant("two-versions", add(DCAT_VERSION, Literal("7.0.1"))),
    Mutant("prov-activity-literal", replace(PROV_GENERATED_BY, Literal("pipeline"))),
)

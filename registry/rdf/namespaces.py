"""Every vocabulary IRI the registry uses, in one place.

HealthDCAT-AP's namespace is still provisional (Release 8), so its IRI appears here and
nowhere else; the rest of the code refers to ``HEALTHDCATAP.<term>``.
"""

import pyoxigraph as ox
from rdflib import Namespace
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    XSD,
    DefinedNamespace,
)
from rdflib.term import URIRef


class HEALTHDCATAP(DefinedNamespace):
    """HealthDCAT-AP Release 8 terms (provisional namespace)."""

    _NS = Namespace("http://healthdataportal.eu/ns/health#")
    _fail = True

    analytics: URIRef
    hasCodeValues: URIRef
    hasCodingSystem: URIRef
    hasStructuredData: URIRef
    hasVariables: URIRef
    hdab: URIRef
    hdabCoordinator: URIRef
    healthCategory: URIRef
    healthTheme: URIRef
    maxTypicalAge: URIRef
    minTypicalAge: URIRef
    numberOfRecords: URIRef
    numberOfUniqueIndividuals: URIRef
    populationCoverage: URIRef
    retentionPeriod: URIRef


class EUCAIM(DefinedNamespace):
    """The federation's cancer-imaging terms (EUCAIM DCAT-AP v2.0)."""

    _NS = Namespace("https://cancerimage.eu/ontology/EUCAIM#")
    _fail = True

    collectionMethod: URIRef
    hasAlgorithmType: URIRef
    hasAnnotationLabel: URIRef
    hasBirthSex: URIRef
    hasCondition: URIRef
    hasEquipmentManufacturer: URIRef
    hasImageBodyPart: URIRef
    hasImageModality: URIRef
    interoperabilityLevel: URIRef
    nbrOfSegmentations: URIRef


class DCATAP(DefinedNamespace):
    """DCAT-AP 3 terms of its own namespace."""

    _NS = Namespace("http://data.europa.eu/r5r/")
    _fail = True

    applicableLegislation: URIRef


class HYDRA(DefinedNamespace):
    """Hydra Core terms of paged collections, as CKAN's ckanext-dcat and piveau read them
    (https://www.hydra-cg.com/spec/latest/core/#collections; ``PagedCollection`` and the
    ``*Page`` links are deprecated there but still what those harvesters look for)."""

    _NS = Namespace("http://www.w3.org/ns/hydra/core#")
    _fail = True

    PagedCollection: URIRef
    PartialCollectionView: URIRef
    first: URIRef
    firstPage: URIRef
    itemsPerPage: URIRef
    last: URIRef
    lastPage: URIRef
    next: URIRef
    nextPage: URIRef
    previous: URIRef
    previousPage: URIRef
    totalItems: URIRef
    view: URIRef


class LDP(DefinedNamespace):
    """Linked Data Platform containers (https://www.w3.org/TR/ldp/), as FAIR Data Points
    list their children."""

    _NS = Namespace("http://www.w3.org/ns/ldp#")
    _fail = True

    DirectContainer: URIRef
    contains: URIRef
    hasMemberRelation: URIRef
    membershipResource: URIRef


class FDP_O(DefinedNamespace):
    """The FAIR Data Point ontology (https://w3id.org/fdp/fdp-o, specs.fairdatapoint.org)."""

    _NS = Namespace("https://w3id.org/fdp/fdp-o#")
    _fail = True

    FAIRDataPoint: URIRef
    MetadataService: URIRef
    conformsToFdpSpec: URIRef
    hasSoftwareVersion: URIRef
    metadataCatalog: URIRef
    metadataIdentifier: URIRef
    metadataIssued: URIRef
    metadataModified: URIRef


class R3D(DefinedNamespace):
    """re3data.org schema 3.0 terms a FAIR Data Point (and its index) reads."""

    _NS = Namespace("http://www.re3data.org/schema/3-0#")
    _fail = True

    Repository: URIRef
    country: URIRef
    dataCatalog: URIRef
    institutionCountry: URIRef


DCAT_VERSION = URIRef(str(DCAT) + "version")
"""``dcat:version``: a DCAT 3 term, which rdflib's DCAT (2) namespace does not define."""
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
CV = Namespace("http://data.europa.eu/m8g/")
GEODCATAP = Namespace("http://data.europa.eu/930/")
DPV = Namespace("https://w3id.org/dpv#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
CSVW = Namespace("http://www.w3.org/ns/csvw#")
ADMS = Namespace("http://www.w3.org/ns/adms#")

# The catalogue for machines: change feed (DCAT-AP Feeds: an LDES of Activity Streams
# activities, https://semiceu.github.io/LDES-DCAT-AP-feeds/) and VoID.
AS = Namespace("https://www.w3.org/ns/activitystreams#")
LDES = Namespace("https://w3id.org/ldes#")
TREE = Namespace("https://w3id.org/tree#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT_AP_FEEDS_SHAPE = "https://semiceu.github.io/LDES-DCAT-AP-feeds/shape.ttl#ActivityShape"
"""The shape every member of a DCAT-AP Feed conforms to (the spec's ``tree:shape``)."""
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
"""IANA media types, as DCAT-AP names a distribution's ``dcat:mediaType``."""

# EU authority tables and the HealthDCAT-AP tables.
ACCESS_RIGHT = Namespace("http://publications.europa.eu/resource/authority/access-right/")
DATA_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
HEALTH_CATEGORY = Namespace(
    "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"
)
HEALTH_THEME = Namespace("https://hdeu-dcat.data.health.europa.eu/resource/authority/health-theme/")
HEALTH_TABLES = "https://hdeu-dcat.data.health.europa.eu/resource/authority/"
"""Where the HealthDCAT-AP tables live (coding-system/, standard/, publisher-type/, ...)."""
EU_TABLES = "http://publications.europa.eu/resource/authority/"
"""Where the EU authority tables live (access-right/, country/, file-type/, ...)."""
STANDARD = Namespace(HEALTH_TABLES + "standard/")
CODING_SYSTEM = Namespace(HEALTH_TABLES + "coding-system/")
EHDS_REGULATION = "http://data.europa.eu/eli/reg/2025/327/oj"
"""The European Health Data Space regulation: the applicable legislation of every record."""
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
"""What the registry's ``/sparql`` conforms to, as its ``dcat:DataService`` says."""
DICOM_MEDIA_TYPE = "https://www.iana.org/assignments/media-types/application/dicom"
"""DICOM's format: the EU file-type table has no code for it, the IANA media type names it."""

# The prefixes the registry declares for SPARQL queries and serialisations.
PREFIXES: dict[str, str] = {
    "adms": str(ADMS),
    "csvw": str(CSVW),
    "cv": str(CV),
    "dcat": str(DCAT),
    "dcatap": str(DCATAP._NS),
    "dct": str(DCTERMS),
    "dpv": str(DPV),
    "dqv": str(DQV),
    "eucaim": str(EUCAIM._NS),
    "foaf": str(FOAF),
    "geodcatap": str(GEODCATAP),
    "healthdcatap": str(HEALTHDCATAP._NS),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "sh": str(SH),
    "skos": str(SKOS),
    "spdx": "http://spdx.org/rdf/terms#",
    "time": "http://www.w3.org/2006/time#",
    "vcard": str(VCARD),
    "xsd": str(XSD),
}

# The registry's own, deployment-independent namespace: ontology terms, vocabularies,
# shapes versions and the JSON-LD context have IRIs under it, so data that cites them
# means the same thing on every installation.
CIR = Namespace("https://w3id.org/cancer-image-registry/")
CIR_VOCAB = Namespace(str(CIR) + "vocab/")
PREFIXES["cir"] = str(CIR)

FEDERATION_PREFIXES: dict[str, str] = {
    "fdp-o": str(FDP_O._NS),
    "hydra": str(HYDRA._NS),
    "ldp": str(LDP._NS),
    "r3d": str(R3D._NS),
}
"""Declared besides ``PREFIXES`` in the documents harvesters read (catalogue pages, the FAIR
Data Point): the paging and container terms no description uses."""


def compact(iri: str) -> str:
    """Return ``prefix:local`` for an IRI in a known namespace, else the IRI."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def named(term: object) -> str:
    """Return how a message names a term: ``prefix:local``, ``<iri>``, or "a blank node"."""
    if not isinstance(term, ox.NamedNode):
        return "a blank node"
    short = compact(term.value)
    return short if short != term.value else f"<{term.value}>"

"""What the generator draws from: conditions, modalities, countries, provider kinds, and the
registry's own labels and codes for conditions and body parts.

The tables say which values fit together (a prostate cancer dataset is of men, mostly MRI of
the prostate; a paediatric one comes from a children's hospital) and how often each occurs,
so that a generated catalogue is spread like the federation's. They are constants: each
record draws from them with its own seeded ``random.Random`` (``facts``, ``records``), the
providers with one seeded by their number (``agents``).
"""

from __future__ import annotations

import functools
import random
from bisect import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import Generic, NamedTuple, TypeVar

import pyoxigraph as ox

from registry.rdf import formats
from registry.rdf.namespaces import CIR
from registry.resources import resource_dir

T = TypeVar("T")


class Weighted(Generic[T]):
    """Options drawn in proportion to their weights."""

    __slots__ = ("options", "cumulative", "last")

    def __init__(self, options: Sequence[T], weights: Iterable[float]) -> None:
        self.options = tuple(options)
        self.cumulative = tuple(accumulate(weights))
        self.last = len(self.options) - 1

    def pick(self, rng: random.Random) -> T:
        drawn = rng.random() * self.cumulative[-1]
        return self.options[bisect(self.cumulative, drawn, 0, self.last)]

    @staticmethod
    def parse(spec: str) -> Weighted[tuple[str, ...]]:
        """``"MG US:3, MR:2"`` -> (MG, US) three times as often as (MR,)."""
        pairs = [item.rsplit(":", 1) for item in spec.split(", ")]
        return Weighted([tuple(codes.split()) for codes, _ in pairs], [float(w) for _, w in pairs])


@dataclass(frozen=True)
class Condition:
    """A condition of the registry's scheme and what its imaging datasets look like."""

    slug: str
    share: float
    """Weight among the conditions a provider publishes; the nine main types weigh most."""
    sexes: Weighted[tuple[str, ...]]
    ages: tuple[int, int, int, int]
    """Minimum age drawn from ages[0]..ages[1], maximum from ages[2]..ages[3]."""
    modalities: Weighted[tuple[str, ...]]
    body_parts: Weighted[tuple[str, ...]]
    labels: tuple[str, ...]
    """What segmentations outline."""
    paediatric: bool

    @property
    def code(self) -> str:
        words = self.slug.split("-")
        return "".join(w[0] for w in words).upper() if len(words) > 1 else self.slug[:5].upper()


SEXES = {
    "F": "female:1",
    "M": "male:1",
    "Fm": "female:30, female male:1",
    "FM": "female male:12, female male unknown:1",
}
ADULT, BREAST, PROSTATE = (18, 50, 65, 95), (25, 50, 70, 90), (40, 55, 75, 92)
GLIOMA = (18, 40, 70, 90)


def condition(
    slug: str,
    share: float,
    sex: str,
    ages: tuple[int, int, int, int],
    modalities: str,
    body_parts: str,
    labels: str,
    paediatric: bool = False,
) -> Condition:
    return Condition(
        slug,
        share,
        Weighted.parse(SEXES[sex]),
        ages,
        Weighted.parse(modalities),
        Weighted.parse(body_parts),
        tuple(labels.split("; ")),
        paediatric,
    )


# The nine cancer types of today's federation first, weighted like its catalogue (lung,
# breast and prostate most often), then other conditions of the scheme, each rare.
# Modality and body-part sets are weighted DICOM codes that fit the condition.
CONDITIONS = (
    condition(
        "breast-cancer",
        14,
        "Fm",
        BREAST,
        "MG US:3, MR:3, MG US MR:2, MG:2, MR PT CT:1",
        "BREAST:5, BREAST AXILLA:2, BREAST CHEST:1",
        "breast lesion; fibroglandular tissue; axillary lymph node",
    ),
    condition(
        "lung-cancer",
        14,
        "FM",
        ADULT,
        "CT:5, CT PT:4, CT PT MR:1",
        "CHEST:4, LUNG:2, CHEST MEDIASTINUM:1, CHESTABDPELVIS:1",
        "lung nodule; primary tumour; lymph node",
    ),
    condition(
        "prostate-cancer",
        13,
        "M",
        PROSTATE,
        "MR:8, MR PT:2, MR CT PT:1, MR US:1",
        "PROSTATE:5, PROSTATE PELVIS:2, PELVIS:1",
        "prostate gland; suspicious lesion; peripheral zone; transition zone",
    ),
    condition(
        "colon-cancer",
        9,
        "FM",
        ADULT,
        "CT:5, CT PT:2, CT MR:2",
        "COLON:3, ABDOMEN:2, ABDOMENPELVIS:3, CHESTABDPELVIS:1",
        "primary tumour; liver metastasis; lymph node",
    ),
    condition(
        "rectal-cancer",
        7,
        "FM",
        ADULT,
        "MR:5, MR CT:3, MR CT PT:1",
        "RECTUM:3, PELVIS:3, RECTUM PELVIS:2, ABDOMENPELVIS:1",
        "rectal tumour; mesorectal fascia; lymph node",
    ),
    condition(
        "liver-cancer",
        7,
        "FM",
        ADULT,
        "CT:3, MR:3, CT MR:3, CT MR US:1, US:1",
        "LIVER:4, ABDOMEN:3, LIVER ABDOMEN:2",
        "liver; tumour; portal vein",
    ),
    condition(
        "glioblastoma",
        6,
        "FM",
        GLIOMA,
        "MR:8, MR PT:1, MR CT:1",
        "BRAIN:5, HEAD:2",
        "enhancing tumour; necrotic core; peritumoral oedema",
    ),
    condition(
        "neuroblastoma",
        6,
        "FM",
        (0, 1, 6, 15),
        "MR CT:4, MR:3, CT:2, MR CT NM:2, NM:1",
        "ABDOMEN:3, ABDOMEN CHEST:2, ADRENAL:1, WHOLEBODY:1, CHESTABDPELVIS:1",
        "primary tumour; adrenal mass",
        paediatric=True,
    ),
    condition(
        "dipg",
        5,
        "FM",
        (2, 5, 10, 18),
        "MR:10, MR CT:1",
        "BRAIN:4, HEAD:2, BRAIN HEAD:1",
        "tumour; pons",
        paediatric=True,
    ),
    condition(
        "wilms-tumour",
        1.5,
        "FM",
        (0, 1, 6, 12),
        "US CT:2, MR:2, CT:2",
        "KIDNEY:2, ABDOMEN:3",
        "renal tumour; kidney",
        paediatric=True,
    ),
    condition(
        "colorectal-cancer",
        0.6,
        "FM",
        ADULT,
        "CT:3, CT MR:2, CT PT:1",
        "COLON RECTUM:2, ABDOMENPELVIS:3",
        "primary tumour; liver metastasis",
    ),
    condition(
        "hepatocellular-carcinoma",
        0.5,
        "FM",
        ADULT,
        "CT MR:3, MR:2, CT:2",
        "LIVER:3, ABDOMEN:2",
        "tumour; liver",
    ),
    condition(
        "intrahepatic-cholangiocarcinoma",
        0.3,
        "FM",
        ADULT,
        "CT MR:2, MR:1",
        "LIVER:2, ABDOMEN:1",
        "tumour",
    ),
    condition(
        "pancreatic-cancer",
        0.6,
        "FM",
        ADULT,
        "CT:3, CT MR:2, MR:1",
        "PANCREAS:3, ABDOMEN:2",
        "pancreatic tumour",
    ),
    condition(
        "stomach-cancer",
        0.4,
        "FM",
        ADULT,
        "CT:3, CT PT:1",
        "STOMACH:2, ABDOMEN:2",
        "gastric tumour",
    ),
    condition(
        "oesophageal-cancer",
        0.4,
        "FM",
        ADULT,
        "CT PT:3, CT:2",
        "ESOPHAGUS:2, CHEST:2",
        "oesophageal tumour",
    ),
    condition(
        "non-small-cell-lung-cancer",
        0.6,
        "FM",
        ADULT,
        "CT:2, CT PT:3",
        "CHEST:3, LUNG:2",
        "lung nodule; primary tumour",
    ),
    condition(
        "small-cell-lung-cancer",
        0.3,
        "FM",
        ADULT,
        "CT PT:2, CT MR:1, CT:1",
        "CHEST:3, CHEST HEAD:1",
        "primary tumour",
    ),
    condition("mesothelioma", 0.2, "FM", ADULT, "CT:3, CT PT:1", "CHEST:3", "pleural tumour"),
    condition(
        "kidney-cancer",
        0.5,
        "FM",
        ADULT,
        "CT:3, CT MR:2, MR:1",
        "KIDNEY:3, ABDOMEN:2",
        "renal tumour; kidney",
    ),
    condition(
        "bladder-cancer",
        0.4,
        "FM",
        ADULT,
        "MR:2, CT:2, CT MR:1",
        "BLADDER:3, PELVIS:2",
        "bladder tumour",
    ),
    condition(
        "testicular-cancer",
        0.2,
        "M",
        (15, 25, 45, 70),
        "CT:3, US CT:1, US:1",
        "TESTIS:1, ABDOMENPELVIS:2, CHESTABDPELVIS:2",
        "lymph node",
    ),
    condition(
        "cervical-cancer",
        0.4,
        "F",
        (20, 35, 60, 85),
        "MR:3, MR PT CT:2, CT:1",
        "CERVIX:2, PELVIS:3",
        "cervical tumour",
    ),
    condition(
        "endometrial-cancer",
        0.3,
        "F",
        ADULT,
        "MR:3, MR US:1, CT:1",
        "UTERUS:3, PELVIS:2",
        "endometrial tumour",
    ),
    condition(
        "ovarian-cancer",
        0.4,
        "F",
        ADULT,
        "CT:3, US MR:2, MR:1",
        "OVARY:2, PELVIS:2, ABDOMENPELVIS:2",
        "ovarian mass",
    ),
    condition(
        "head-and-neck-cancer",
        0.6,
        "FM",
        ADULT,
        "CT:2, CT PT:3, MR:2, CT MR PT:1",
        "HEADNECK:4, NECK:2",
        "primary tumour; lymph node",
    ),
    condition("laryngeal-cancer", 0.2, "FM", ADULT, "CT:2, CT MR:1", "LARYNX:2, NECK:2", "tumour"),
    condition(
        "oropharyngeal-cancer", 0.2, "FM", ADULT, "CT PT:2, MR:1", "HEADNECK:2, NECK:1", "tumour"
    ),
    condition(
        "nasopharyngeal-cancer",
        0.2,
        "FM",
        ADULT,
        "MR:3, MR PT:1",
        "NASOPHARYNX:2, HEADNECK:2",
        "tumour",
    ),
    condition(
        "thyroid-cancer",
        0.3,
        "FM",
        ADULT,
        "US:3, NM:2, US CT:1",
        "THYROID:3, NECK:2",
        "thyroid nodule",
    ),
    condition("brain-cancer", 0.3, "FM", ADULT, "MR:4, MR CT:1", "BRAIN:3, HEAD:1", "tumour"),
    condition(
        "melanoma",
        0.4,
        "FM",
        ADULT,
        "PT CT:3, CT:2, MR:1",
        "WHOLEBODY:3, CHESTABDPELVIS:2, BRAIN:1",
        "metastasis",
    ),
    condition(
        "lymphoma",
        0.5,
        "FM",
        ADULT,
        "PT CT:5, CT:2",
        "WHOLEBODY:4, NECKCHESTABDPELV:2",
        "lymph node",
    ),
    condition(
        "multiple-myeloma",
        0.2,
        "FM",
        ADULT,
        "MR:2, CT:2, PT CT:1",
        "WHOLEBODY:3, SPINE:2",
        "bone lesion",
    ),
    condition(
        "sarcoma",
        0.3,
        "FM",
        ADULT,
        "MR:4, MR CT:2, CT PT:1",
        "EXTREMITY:3, LOWERLIMB:2, ABDOMEN:1",
        "tumour",
    ),
)
MODALITY_WORDS = {
    "MR": "MRI",
    "CT": "CT",
    "PT": "PET",
    "MG": "mammography",
    "US": "ultrasound",
    "NM": "scintigraphy",
}
RESOLUTION = {  # smallest pixel spacing, metres
    "MG": (0.00005, 0.0001),
    "MR": (0.0004, 0.001),
    "CT": (0.0005, 0.0009),
    "US": (0.0001, 0.0003),
    "PT": (0.002, 0.004),
    "NM": (0.002, 0.005),
}
MANUFACTURERS = {  # as DICOM Manufacturer (0008,0070) writes them
    "MR": ("SIEMENS", "GE MEDICAL SYSTEMS", "Philips Medical Systems", "Canon Medical Systems"),
    "CT": ("SIEMENS", "GE MEDICAL SYSTEMS", "Philips", "TOSHIBA", "Canon Medical Systems"),
    "PT": ("SIEMENS", "GE MEDICAL SYSTEMS", "Philips"),
    "MG": ("HOLOGIC, Inc.", "GE MEDICAL SYSTEMS", "SIEMENS", "FUJIFILM Corporation", "Planmed"),
    "US": (
        "GE Healthcare",
        "Philips Medical Systems",
        "SIEMENS",
        "SAMSUNG MEDISON CO., LTD.",
        "Esaote",
    ),
    "NM": ("SIEMENS", "GE MEDICAL SYSTEMS", "Philips"),
}
METHODS = Weighted.parse(
    "retrospective:6, retrospective multicentre:3, prospective:2, prospective multicentre:1, "
    "clinical-trial:2, clinical-trial multicentre:1, routine-care retrospective:2, "
    "observational-study:1, registry:1, biobank:1, retrospective single-centre:1"
)
METHOD_WORDS = {
    "retrospective": "collected retrospectively",
    "prospective": "collected prospectively",
    "clinical-trial": "acquired in a clinical trial",
    "routine-care": "acquired in routine care",
    "observational-study": "acquired in an observational study",
    "registry": "gathered through a disease registry",
    "biobank": "kept in an imaging biobank",
    "multicentre": "from several centres",
    "single-centre": "from a single centre",
    "screening-programme": "acquired in a screening programme",
}
LEVELS = Weighted.parse("PUBLIC:25, RESTRICTED:40, NON_PUBLIC:35")
ACCESS_CONDITIONS = {
    "PUBLIC": Weighted.parse("DOWNLOAD:8, DOWNLOAD REMOTE_PROCESSING:2"),
    "RESTRICTED": Weighted.parse(
        "DOWNLOAD:3, REMOTE_PROCESSING:4, IN_SITU_PROCESSING:3, REMOTE_PROCESSING DOWNLOAD:1"
    ),
    "NON_PUBLIC": Weighted.parse(
        "IN_SITU_PROCESSING:5, REMOTE_PROCESSING:5, IN_SITU_PROCESSING REMOTE_PROCESSING:1"
    ),
}
TIERS = Weighted.parse("tier-1:50, tier-2:35, tier-3:15")
ALGORITHMS = Weighted.parse("manual:5, semi-automatic:3, automatic:2")
MONTHS = "January February March April May June July August September October November December"


class Country(NamedTuple):
    code: str
    """EU country table code."""
    name: str
    language: str
    """EU language table code."""
    tag: str
    weight: float
    cities: tuple[tuple[str, str], ...]
    """(English, local) names."""


def country(code: str, name: str, language: str, tag: str, weight: float, cities: str) -> Country:
    pairs = [(c.split("/") * 2)[:2] for c in cities.split(", ")]
    return Country(code, name, language, tag, weight, tuple((e, loc) for e, loc in pairs))


COUNTRIES = (
    country("ESP", "Spain", "SPA", "es", 1.4, "Valencia, Madrid, Barcelona, Seville/Sevilla"),
    country(
        "ITA", "Italy", "ITA", "it", 1.5, "Milan/Milano, Rome/Roma, Naples/Napoli, Turin/Torino"
    ),
    country(
        "GRC",
        "Greece",
        "ELL",
        "el",
        0.9,
        "Athens/Αθήνα, Heraklion/Ηράκλειο, Thessaloniki/Θεσσαλονίκη, Patras/Πάτρα",
    ),
    country("PRT", "Portugal", "POR", "pt", 0.8, "Lisbon/Lisboa, Porto, Coimbra, Braga"),
    country("FRA", "France", "FRA", "fr", 1.5, "Paris, Lyon, Marseille, Toulouse"),
    country("DEU", "Germany", "DEU", "de", 1.6, "Heidelberg, Munich/München, Berlin, Cologne/Köln"),
    country("NLD", "Netherlands", "NLD", "nl", 1.1, "Amsterdam, Rotterdam, Utrecht, Nijmegen"),
    country(
        "BEL",
        "Belgium",
        "NLD",
        "nl",
        0.8,
        "Leuven, Ghent/Gent, Antwerp/Antwerpen, Brussels/Brussel",
    ),
    country("AUT", "Austria", "DEU", "de", 0.8, "Vienna/Wien, Graz, Innsbruck, Linz"),
    country(
        "POL",
        "Poland",
        "POL",
        "pl",
        1.0,
        "Warsaw/Warszawa, Krakow/Kraków, Gdansk/Gdańsk, Poznan/Poznań",
    ),
    country("SWE", "Sweden", "SWE", "sv", 0.8, "Stockholm, Gothenburg/Göteborg, Uppsala, Lund"),
    country("FIN", "Finland", "FIN", "fi", 0.6, "Helsinki, Tampere, Turku, Oulu"),
    country("IRL", "Ireland", "ENG", "en", 0.6, "Dublin, Cork, Galway, Limerick"),
    country("CZE", "Czechia", "CES", "cs", 0.7, "Prague/Praha, Brno, Olomouc, Ostrava"),
    country("HUN", "Hungary", "HUN", "hu", 0.7, "Budapest, Debrecen, Szeged, Pécs"),
)
# In the languages the condition scheme has labels in; others get English only.
LOCAL_DESCRIPTION = {
    "de": "{cond}: Bilddaten ({mods}) von {people} Patienten, {y1}–{y2}, {city}.",
    "fr": "{cond} : imagerie ({mods}) de {people} patients, {y1}–{y2}, {city}.",
    "es": "{cond}: imágenes ({mods}) de {people} pacientes, {y1}–{y2}, {city}.",
    "it": "{cond}: immagini ({mods}) di {people} pazienti, {y1}–{y2}, {city}.",
    "nl": "{cond}: beeldvorming ({mods}) van {people} patiënten, {y1}–{y2}, {city}.",
    "pt": "{cond}: imagens ({mods}) de {people} doentes, {y1}–{y2}, {city}.",
    "pl": "{cond}: obrazowanie ({mods}), liczba pacjentów: {people}, {y1}–{y2}, {city}.",
    "el": "{cond}: απεικόνιση ({mods}), αριθμός ασθενών: {people}, {y1}–{y2}, {city}.",
}


class Kind(NamedTuple):
    code: str
    name: str
    publisher_type: str
    """HealthDCAT-AP publisher-type code."""
    weight: float
    paediatric: bool


KINDS = (
    Kind("UH", "University Hospital {number:03d}, {city}", "inpatient-institute", 3.0, False),
    Kind("CC", "Cancer Centre {number:03d}, {city}", "healthcare-providers", 3.0, False),
    Kind("CH", "Children's Hospital {number:03d}, {city}", "inpatient-institute", 0.8, True),
    Kind(
        "RI",
        "Imaging Research Institute {number:03d}, {city}",
        "research-institute-org",
        2.5,
        False,
    ),
)

LATEST = date(2025, 6, 30)
"""No generated date is later than this: the catalogue does not change with the day it is run."""
ACTIVITIES = {  # first collection method -> HealthDCAT-AP health activity, label
    "retrospective": ("HOSPITAL_RECORDS", "Routine diagnostic imaging"),
    "routine-care": ("ROUTINE_RECORDS", "Routine diagnostic imaging"),
    "prospective": ("RESEARCH_PROJECT", "Prospective imaging study"),
    "clinical-trial": ("CLINICAL_TRIAL", "Imaging within a clinical trial"),
    "observational-study": ("OBSERVATIONAL_DATA", "Observational imaging study"),
    "registry": ("MEDICAL_REGISTRY", "Disease registry imaging"),
    "biobank": ("BIOBANK_COLLECTION", "Imaging biobank collection"),
    "screening-programme": ("ROUTINE_RECORDS", "Population screening programme"),
}


class Vocabulary(NamedTuple):
    """The registry's words for the conditions and body parts that records cite."""

    labels: dict[str, dict[str, str]]
    """Condition and body-part code -> language tag -> label."""
    codes: dict[str, list[tuple[str, str]]]
    """Condition slug -> (coding-system code, notation) of its exact ICD-10 / ICD-O-3 codes."""


NOTATIONS = {f"{CIR}ontology#ICD10Code": "ICD-10", f"{CIR}ontology#ICDO3MorphologyCode": "ICD-O"}


@functools.cache
def vocabulary() -> Vocabulary:
    """Read labels and codes from the registry's condition and body-part schemes, once."""
    labels: dict[str, dict[str, str]] = {}
    codes: dict[str, list[tuple[str, str]]] = {}
    folder = resource_dir("ontology") / "vocab"
    for path in sorted([*folder.glob("condition-*.ttl"), *folder.glob("body-part-*.ttl")]):
        for t in formats.parse(path.read_bytes(), formats.syntax_for_path(path)):
            subject, term, value = t.subject, t.predicate.value, t.object
            if not isinstance(subject, ox.NamedNode) or not isinstance(value, ox.Literal):
                continue
            slug = subject.value.rsplit("/", 1)[-1]
            if term.endswith("#prefLabel"):
                labels.setdefault(slug, {})[value.language or ""] = value.value
            elif term.endswith("#notation") and value.datatype.value in NOTATIONS:
                codes.setdefault(slug, []).append((NOTATIONS[value.datatype.value], value.value))
    return Vocabulary(labels, codes)

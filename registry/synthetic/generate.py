"""Synthetic dataset descriptions at scale, for benchmarks and tests (``registry generate``).

``records(n, seed)`` yields n varied descriptions that conform to the profile: the nine
cancer types of today's federation and, now and then, another condition of the registry's
scheme; modalities, body parts, sexes and ages that fit the condition; all three access
levels; providers in 15 EU countries. ``agents()`` yields the providers and health data
access bodies (HDABs) that the datasets cite by IRI only. ``write(out, n, seed)`` writes both::

    agents/hdab-esp.ttl, agents/provider-001.ttl, ...
    datasets/000/000000.ttl ... datasets/099/099999.ttl    (at most 1,000 files a folder)

Each record depends only on the seed and its index (its own ``random.Random``), so a seed
gives byte-identical output whatever the number of processes, and the first k records of n
are the k records of k. Benchmarks that do not need files can take ``records`` directly.

The Turtle is composed with plain string formatting from tables prepared once: about
120 us a record, where building pyoxigraph terms alone takes 200 us and serialising them
50 us more. Turtle is half the size of N-Triples and reads like the sample catalogue.
"""

from __future__ import annotations

import functools
import os
import random
import sys
import time
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Generic, NamedTuple, TypeVar

import click
import pyoxigraph as ox

from registry.profile.vocabularies import read_triples
from registry.rdf import formats
from registry.rdf.namespaces import (
    CIR,
    CIR_VOCAB,
    EHDS_REGULATION,
    EU_TABLES,
    HEALTH_TABLES,
    PREFIXES,
)
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


# ----------------------------------------------------------------------------- tables


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
    "F": "female:1", "M": "male:1", "Fm": "female:30, female male:1",
    "FM": "female male:12, female male unknown:1",
}
ADULT, BREAST, PROSTATE = (18, 50, 65, 95), (25, 50, 70, 90), (40, 55, 75, 92)
GLIOMA = (18, 40, 70, 90)


def condition(
    slug: str, share: float, sex: str, ages: tuple[int, int, int, int], modalities: str,
    body_parts: str, labels: str, paediatric: bool = False,
) -> Condition:
    return Condition(
        slug, share, Weighted.parse(SEXES[sex]), ages, Weighted.parse(modalities),
        Weighted.parse(body_parts), tuple(labels.split("; ")), paediatric,
    )


# The nine cancer types of today's federation first, weighted like its catalogue (lung,
# breast and prostate most often), then other conditions of the scheme, each rare.
# Modality and body-part sets are weighted DICOM codes that fit the condition.
CONDITIONS = (
    condition("breast-cancer", 14, "Fm", BREAST, "MG US:3, MR:3, MG US MR:2, MG:2, MR PT CT:1",
              "BREAST:5, BREAST AXILLA:2, BREAST CHEST:1",
              "breast lesion; fibroglandular tissue; axillary lymph node"),
    condition("lung-cancer", 14, "FM", ADULT, "CT:5, CT PT:4, CT PT MR:1",
              "CHEST:4, LUNG:2, CHEST MEDIASTINUM:1, CHESTABDPELVIS:1",
              "lung nodule; primary tumour; lymph node"),
    condition("prostate-cancer", 13, "M", PROSTATE, "MR:8, MR PT:2, MR CT PT:1, MR US:1",
              "PROSTATE:5, PROSTATE PELVIS:2, PELVIS:1",
              "prostate gland; suspicious lesion; peripheral zone; transition zone"),
    condition("colon-cancer", 9, "FM", ADULT, "CT:5, CT PT:2, CT MR:2",
              "COLON:3, ABDOMEN:2, ABDOMENPELVIS:3, CHESTABDPELVIS:1",
              "primary tumour; liver metastasis; lymph node"),
    condition("rectal-cancer", 7, "FM", ADULT, "MR:5, MR CT:3, MR CT PT:1",
              "RECTUM:3, PELVIS:3, RECTUM PELVIS:2, ABDOMENPELVIS:1",
              "rectal tumour; mesorectal fascia; lymph node"),
    condition("liver-cancer", 7, "FM", ADULT, "CT:3, MR:3, CT MR:3, CT MR US:1, US:1",
              "LIVER:4, ABDOMEN:3, LIVER ABDOMEN:2", "liver; tumour; portal vein"),
    condition("glioblastoma", 6, "FM", GLIOMA, "MR:8, MR PT:1, MR CT:1", "BRAIN:5, HEAD:2",
              "enhancing tumour; necrotic core; peritumoral oedema"),
    condition("neuroblastoma", 6, "FM", (0, 1, 6, 15), "MR CT:4, MR:3, CT:2, MR CT NM:2, NM:1",
              "ABDOMEN:3, ABDOMEN CHEST:2, ADRENAL:1, WHOLEBODY:1, CHESTABDPELVIS:1",
              "primary tumour; adrenal mass", paediatric=True),
    condition("dipg", 5, "FM", (2, 5, 10, 18), "MR:10, MR CT:1", "BRAIN:4, HEAD:2, BRAIN HEAD:1",
              "tumour; pons", paediatric=True),
    condition("wilms-tumour", 1.5, "FM", (0, 1, 6, 12), "US CT:2, MR:2, CT:2",
              "KIDNEY:2, ABDOMEN:3", "renal tumour; kidney", paediatric=True),
    condition("colorectal-cancer", .6, "FM", ADULT, "CT:3, CT MR:2, CT PT:1",
              "COLON RECTUM:2, ABDOMENPELVIS:3", "primary tumour; liver metastasis"),
    condition("hepatocellular-carcinoma", .5, "FM", ADULT, "CT MR:3, MR:2, CT:2",
              "LIVER:3, ABDOMEN:2", "tumour; liver"),
    condition("intrahepatic-cholangiocarcinoma", .3, "FM", ADULT, "CT MR:2, MR:1",
              "LIVER:2, ABDOMEN:1", "tumour"),
    condition("pancreatic-cancer", .6, "FM", ADULT, "CT:3, CT MR:2, MR:1", "PANCREAS:3, ABDOMEN:2",
              "pancreatic tumour"),
    condition("stomach-cancer", .4, "FM", ADULT, "CT:3, CT PT:1", "STOMACH:2, ABDOMEN:2",
              "gastric tumour"),
    condition("oesophageal-cancer", .4, "FM", ADULT, "CT PT:3, CT:2", "ESOPHAGUS:2, CHEST:2",
              "oesophageal tumour"),
    condition("non-small-cell-lung-cancer", .6, "FM", ADULT, "CT:2, CT PT:3", "CHEST:3, LUNG:2",
              "lung nodule; primary tumour"),
    condition("small-cell-lung-cancer", .3, "FM", ADULT, "CT PT:2, CT MR:1, CT:1",
              "CHEST:3, CHEST HEAD:1", "primary tumour"),
    condition("mesothelioma", .2, "FM", ADULT, "CT:3, CT PT:1", "CHEST:3", "pleural tumour"),
    condition("kidney-cancer", .5, "FM", ADULT, "CT:3, CT MR:2, MR:1", "KIDNEY:3, ABDOMEN:2",
              "renal tumour; kidney"),
    condition("bladder-cancer", .4, "FM", ADULT, "MR:2, CT:2, CT MR:1", "BLADDER:3, PELVIS:2",
              "bladder tumour"),
    condition("testicular-cancer", .2, "M", (15, 25, 45, 70), "CT:3, US CT:1, US:1",
              "TESTIS:1, ABDOMENPELVIS:2, CHESTABDPELVIS:2", "lymph node"),
    condition("cervical-cancer", .4, "F", (20, 35, 60, 85), "MR:3, MR PT CT:2, CT:1",
              "CERVIX:2, PELVIS:3", "cervical tumour"),
    condition("endometrial-cancer", .3, "F", ADULT, "MR:3, MR US:1, CT:1", "UTERUS:3, PELVIS:2",
              "endometrial tumour"),
    condition("ovarian-cancer", .4, "F", ADULT, "CT:3, US MR:2, MR:1",
              "OVARY:2, PELVIS:2, ABDOMENPELVIS:2", "ovarian mass"),
    condition("head-and-neck-cancer", .6, "FM", ADULT, "CT:2, CT PT:3, MR:2, CT MR PT:1",
              "HEADNECK:4, NECK:2", "primary tumour; lymph node"),
    condition("laryngeal-cancer", .2, "FM", ADULT, "CT:2, CT MR:1", "LARYNX:2, NECK:2", "tumour"),
    condition("oropharyngeal-cancer", .2, "FM", ADULT, "CT PT:2, MR:1", "HEADNECK:2, NECK:1",
              "tumour"),
    condition("nasopharyngeal-cancer", .2, "FM", ADULT, "MR:3, MR PT:1",
              "NASOPHARYNX:2, HEADNECK:2", "tumour"),
    condition("thyroid-cancer", .3, "FM", ADULT, "US:3, NM:2, US CT:1", "THYROID:3, NECK:2",
              "thyroid nodule"),
    condition("brain-cancer", .3, "FM", ADULT, "MR:4, MR CT:1", "BRAIN:3, HEAD:1", "tumour"),
    condition("melanoma", .4, "FM", ADULT, "PT CT:3, CT:2, MR:1",
              "WHOLEBODY:3, CHESTABDPELVIS:2, BRAIN:1", "metastasis"),
    condition("lymphoma", .5, "FM", ADULT, "PT CT:5, CT:2", "WHOLEBODY:4, NECKCHESTABDPELV:2",
              "lymph node"),
    condition("multiple-myeloma", .2, "FM", ADULT, "MR:2, CT:2, PT CT:1", "WHOLEBODY:3, SPINE:2",
              "bone lesion"),
    condition("sarcoma", .3, "FM", ADULT, "MR:4, MR CT:2, CT PT:1",
              "EXTREMITY:3, LOWERLIMB:2, ABDOMEN:1", "tumour"),
)
MODALITY_WORDS = {
    "MR": "MRI", "CT": "CT", "PT": "PET", "MG": "mammography", "US": "ultrasound",
    "NM": "scintigraphy",
}
RESOLUTION = {  # smallest pixel spacing, metres
    "MG": (0.00005, 0.0001), "MR": (0.0004, 0.001), "CT": (0.0005, 0.0009),
    "US": (0.0001, 0.0003), "PT": (0.002, 0.004), "NM": (0.002, 0.005),
}
MANUFACTURERS = {  # as DICOM Manufacturer (0008,0070) writes them
    "MR": ("SIEMENS", "GE MEDICAL SYSTEMS", "Philips Medical Systems", "Canon Medical Systems"),
    "CT": ("SIEMENS", "GE MEDICAL SYSTEMS", "Philips", "TOSHIBA", "Canon Medical Systems"),
    "PT": ("SIEMENS", "GE MEDICAL SYSTEMS", "Philips"),
    "MG": ("HOLOGIC, Inc.", "GE MEDICAL SYSTEMS", "SIEMENS", "FUJIFILM Corporation", "Planmed"),
    "US": ("GE Healthcare", "Philips Medical Systems", "SIEMENS", "SAMSUNG MEDISON CO., LTD.",
           "Esaote"),
    "NM": ("SIEMENS", "GE MEDICAL SYSTEMS", "Philips"),
}
METHODS = Weighted.parse(
    "retrospective:6, retrospective multicentre:3, prospective:2, prospective multicentre:1, "
    "clinical-trial:2, clinical-trial multicentre:1, routine-care retrospective:2, "
    "observational-study:1, registry:1, biobank:1, retrospective single-centre:1"
)
METHOD_WORDS = {
    "retrospective": "collected retrospectively", "prospective": "collected prospectively",
    "clinical-trial": "acquired in a clinical trial", "routine-care": "acquired in routine care",
    "observational-study": "acquired in an observational study",
    "registry": "gathered through a disease registry", "biobank": "kept in an imaging biobank",
    "multicentre": "from several centres", "single-centre": "from a single centre",
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
    country("ITA", "Italy", "ITA", "it", 1.5,
            "Milan/Milano, Rome/Roma, Naples/Napoli, Turin/Torino"),
    country("GRC", "Greece", "ELL", "el", 0.9,
            "Athens/Αθήνα, Heraklion/Ηράκλειο, Thessaloniki/Θεσσαλονίκη, Patras/Πάτρα"),
    country("PRT", "Portugal", "POR", "pt", 0.8, "Lisbon/Lisboa, Porto, Coimbra, Braga"),
    country("FRA", "France", "FRA", "fr", 1.5, "Paris, Lyon, Marseille, Toulouse"),
    country("DEU", "Germany", "DEU", "de", 1.6, "Heidelberg, Munich/München, Berlin, Cologne/Köln"),
    country("NLD", "Netherlands", "NLD", "nl", 1.1, "Amsterdam, Rotterdam, Utrecht, Nijmegen"),
    country("BEL", "Belgium", "NLD", "nl", 0.8,
            "Leuven, Ghent/Gent, Antwerp/Antwerpen, Brussels/Brussel"),
    country("AUT", "Austria", "DEU", "de", 0.8, "Vienna/Wien, Graz, Innsbruck, Linz"),
    country("POL", "Poland", "POL", "pl", 1.0,
            "Warsaw/Warszawa, Krakow/Kraków, Gdansk/Gdańsk, Poznan/Poznań"),
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
    Kind("RI", "Imaging Research Institute {number:03d}, {city}", "research-institute-org", 2.5,
         False),
)

# ----------------------------------------------------------------------------- Turtle

EU = EU_TABLES
HEALTH = HEALTH_TABLES
EHDS = f"<{EHDS_REGULATION}>"
IANA = "https://www.iana.org/assignments/media-types/"
TURTLE = formats.syntax_for_path(Path("record.ttl"))
VOCAB_PREFIXES = {
    "ac": "access-condition", "alg": "algorithm-type", "body": "body-part",
    "cm": "collection-method", "cond": "condition", "mod": "modality", "sex": "birth-sex",
    "tier": "interoperability-tier",
}
TABLE_PREFIXES = {
    "ar": f"{EU}access-right/", "avail": f"{EU}planned-availability/", "country": f"{EU}country/",
    "dst": f"{EU}dataset-type/", "freq": f"{EU}frequency/", "ft": f"{EU}file-type/",
    "lang": f"{EU}language/", "lic": f"{EU}licence/", "theme": f"{EU}data-theme/",
    "cs": f"{HEALTH}coding-system/", "hc": f"{HEALTH}healthcategories/",
    "ht": f"{HEALTH}health-theme/", "pt": f"{HEALTH}publisher-type/",
    "std": f"{HEALTH}standard/", "activity": f"{HEALTH}health-activity/",
    "dpvpd": "https://w3id.org/dpv/dpv-pd#", "oa": "http://www.w3.org/ns/oa#",
    **{name: f"{CIR_VOCAB}{scheme}/" for name, scheme in VOCAB_PREFIXES.items()},
}
TERMS = "adms cv dcat dcatap dct dpv dqv eucaim foaf geodcatap healthdcatap prov rdfs vcard xsd"
ALL_PREFIXES = dict(sorted([*((t, PREFIXES[t]) for t in TERMS.split()), *TABLE_PREFIXES.items()]))


def prefixes(*names: str) -> str:
    """``@prefix`` lines for these names (all the generator's prefixes if none is named)."""
    return "".join(f"@prefix {n}: <{ALL_PREFIXES[n]}> .\n" for n in names or ALL_PREFIXES)


# Every dataset file declares every prefix: working out which ones a record uses would
# cost a third of the time it takes to write it.
DATASET_PREFIXES = prefixes()
AGENT_PREFIXES = prefixes("cv", "dct", "foaf", "pt")
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def text(value: str, tag: str | None = "en") -> str:
    """Return a Turtle (or N-Triples) string literal, escaped, with its language tag."""
    if '"' in value or "\\" in value or "\n" in value or "\r" in value:  # rare: translate is slow
        value = value.translate(_ESCAPES)
    return f'"{value}"@{tag}' if tag else f'"{value}"'


def count(value: int) -> str:
    return f'"{value}"^^xsd:nonNegativeInteger'


def day(value: date) -> str:
    return f'"{value.isoformat()}"^^xsd:date'


def listing(words: Sequence[str]) -> str:
    """Return "a", "a and b", "a, b and c"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def lower(label: str) -> str:
    """Lower-case a label's first letter inside a sentence (not a proper name's)."""
    return label if label.startswith("Wilms") else label[0].lower() + label[1:]


class Node:
    """One Turtle subject block: ``subject a type ; predicate objects ; ...``."""

    __slots__ = ("subject", "lines", "triples")

    def __init__(self, subject: str, rdf_type: str) -> None:
        self.subject = subject
        self.lines = [f"a {rdf_type}"]
        self.triples = 1

    def add(self, predicate: str, *objects: str) -> None:
        """State ``predicate`` with these objects (call once a predicate: Turtle lists them)."""
        self.lines.append(f"{predicate} {', '.join(objects)}")
        self.triples += len(objects)

    def fixed(self, lines: tuple[str, ...]) -> None:
        """Add ready-made ``predicate object`` lines, one triple each."""
        self.lines.extend(lines)
        self.triples += len(lines)

    def link(self, predicate: str, node: Node) -> Node:
        """Point to ``node`` with ``predicate`` and return it."""
        self.add(predicate, node.subject)
        return node

    def turtle(self) -> str:
        return f"{self.subject} " + " ;\n    ".join(self.lines) + " .\n"


class GeneratedFile(NamedTuple):
    """One generated description: its path under the output folder, bytes, syntax, size."""

    path: str
    data: bytes
    syntax: formats.RdfSyntax
    triples: int


def turtle_file(path: str, comment: str, header: str, nodes: list[Node]) -> GeneratedFile:
    body = "\n".join(n.turtle() for n in nodes)
    content = f"# {comment}\n{header}\n{body}"
    return GeneratedFile(path, content.encode(), TURTLE, sum(n.triples for n in nodes))


# ----------------------------------------------------------------------------- agents


class Vocabulary(NamedTuple):
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
        for t in read_triples(path):
            subject, term, value = t.subject, t.predicate.value, t.object
            if not isinstance(subject, ox.NamedNode) or not isinstance(value, ox.Literal):
                continue
            slug = subject.value.rsplit("/", 1)[-1]
            if term.endswith("#prefLabel"):
                labels.setdefault(slug, {})[value.language or ""] = value.value
            elif term.endswith("#notation") and value.datatype.value in NOTATIONS:
                codes.setdefault(slug, []).append((NOTATIONS[value.datatype.value], value.value))
    return Vocabulary(labels, codes)


@dataclass(frozen=True)
class Provider:
    """A data holder, the conditions it publishes on, and (through its country) its HDAB."""

    number: int
    name: str
    kind: Kind
    country: Country
    city: tuple[str, str]
    weight: float
    conditions: Weighted[Condition]

    @property
    def domain(self) -> str:
        return f"provider-{self.number:03d}.example"

    @property
    def iri(self) -> str:
        return f"<https://{self.domain}/agent>"

    @property
    def hdab(self) -> str:
        return f"<https://hdab-{self.country.code.lower()}.example/agent>"


def make_providers() -> tuple[Provider, ...]:
    """Four providers a country, each favouring two of the main types (fixed, seed or not)."""
    pool = []
    main = [i for i, c in enumerate(CONDITIONS[:9]) if not c.paediatric]
    for c, land in enumerate(COUNTRIES):
        for k, kind in enumerate(KINDS):
            number = c * len(KINDS) + k + 1
            taste = random.Random(f"provider {number}")
            weights = [x.share if x.paediatric == kind.paediatric else 0.0 for x in CONDITIONS]
            for i in taste.sample(main, 2) if not kind.paediatric else ():
                weights[i] *= 3
            name = kind.name.format(number=number, city=land.cities[k][0])
            weight = land.weight * kind.weight * taste.uniform(0.5, 1.5)
            pool.append(Provider(number, name, kind, land, land.cities[k], weight,
                                 Weighted(CONDITIONS, weights)))
    return tuple(pool)


PROVIDERS = make_providers()
PROVIDER_SHARES = Weighted(PROVIDERS, [p.weight for p in PROVIDERS])


def agent_file(
    path: str, iri: str, name: str, kind: str, domain: str, mailbox: str
) -> GeneratedFile:
    """One agent with its one contact point."""
    agent = Node(iri, "foaf:Agent")
    contact = Node(f"<https://{domain}/agent#contact>", "cv:ContactPoint")
    agent.add("foaf:name", text(f"{name} (synthetic)"))
    agent.add("dct:type", f"pt:{kind}")
    agent.add("cv:contactPoint", contact.subject)
    contact.add("cv:email", text(f"{mailbox}@{domain}", None))
    contact.add("cv:contactPage", f"<https://{domain}/contact>")
    return turtle_file(
        path, "Synthetic agent written by `registry generate`.", AGENT_PREFIXES, [agent, contact]
    )


def agents() -> Iterator[GeneratedFile]:
    """Yield the HDAB of each country, then every provider: one ``foaf:Agent`` a file."""
    for land in COUNTRIES:
        code = land.code.lower()
        yield agent_file(
            f"agents/hdab-{code}.ttl", f"<https://hdab-{code}.example/agent>",
            f"Health data access body, {land.name}", "national-authority",
            f"hdab-{code}.example", "data-requests",
        )
    for p in PROVIDERS:
        yield agent_file(f"agents/provider-{p.number:03d}.ttl", p.iri, p.name,
                         p.kind.publisher_type, p.domain, "imaging-data")


# ----------------------------------------------------------------------------- datasets

LATEST = date(2025, 6, 30)
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


@dataclass(frozen=True)
class Facts:
    """What one generated dataset says, drawn before any text is written."""

    index: int
    seed: int
    provider: Provider
    condition: Condition
    level: str
    modalities: tuple[str, ...]
    body_parts: tuple[str, ...]
    sexes: tuple[str, ...]
    methods: tuple[str, ...]
    individuals: int
    studies: int
    segmentations: int
    start: date
    end: date
    ages: tuple[int, int]

    @functools.cached_property
    def slug(self) -> str:
        return f"{self.condition.slug}-{'-'.join(self.modalities).lower()}-{self.index:06d}"

    @functools.cached_property
    def label(self) -> str:
        return vocabulary().labels[self.condition.slug]["en"]

    @functools.cached_property
    def site(self) -> str:
        return f"https://{self.provider.domain}"


def draw(rng: random.Random, index: int, seed: int) -> Facts:
    """Draw record ``index``: a provider, one of its conditions, then what fits both."""
    provider = PROVIDER_SHARES.pick(rng)
    cond = provider.conditions.pick(rng)
    low, high = (10, 800) if cond.paediatric else (30, 9000)
    individuals = int(low * (high / low) ** rng.random())
    studies = int(individuals * rng.uniform(1.0, 3.0))
    start = date(2000, 1, 1) + timedelta(days=rng.randrange(8400))
    methods = METHODS.pick(rng)
    if cond.slug == "breast-cancer" and rng.random() < 0.25:
        methods = ("screening-programme",)
    return Facts(
        index, seed, provider, cond, LEVELS.pick(rng)[0], cond.modalities.pick(rng),
        cond.body_parts.pick(rng), cond.sexes.pick(rng), methods, individuals, studies,
        max(1, int(studies * rng.uniform(0.05, 0.9))) if rng.random() < 0.7 else 0,
        start, start + timedelta(days=rng.randrange(60, min(3650, (LATEST - start).days))),
        (rng.randint(*cond.ages[:2]), rng.randint(*cond.ages[2:])),
    )


def record(index: int, seed: int = 0) -> GeneratedFile:
    """Return record ``index`` of ``seed``: the same bytes on every call, in any process."""
    rng = random.Random(f"{seed}:{index}")
    facts = draw(rng, index, seed)
    dataset = describe(rng, facts)
    return turtle_file(
        f"datasets/{index // 1000:03d}/{index:06d}.ttl",
        f"Synthetic dataset description written by `registry generate` (seed {seed}, "
        f"record {index}); not a description of real holdings.",
        f"{DATASET_PREFIXES}@prefix ds: <{facts.site}/dataset/> .\n",
        [dataset, *linked_nodes(rng, facts, dataset)],
    )


def records(n: int, seed: int = 0) -> Iterator[GeneratedFile]:
    """Yield records 0 .. n-1 of ``seed``."""
    return (record(index, seed) for index in range(n))


def describe(rng: random.Random, f: Facts) -> Node:
    """The dcat:Dataset node: mandatory fields, imaging fields, then recommended ones."""
    d = Node(f"ds:{f.slug}", "dcat:Dataset")
    titles(rng, f, d)
    d.add("dct:identifier", text(f"{f.provider.kind.code}{f.provider.number:03d}-"
                                 f"{f.condition.code}-{f.index:06d}", None))
    d.add("dct:accessRights", f"ar:{f.level}")
    d.fixed(DATASET_FIXED)
    d.add("dct:publisher", f.provider.iri)
    d.add("healthdcatap:hdab", f.provider.hdab)
    d.add("dct:spatial", f"country:{f.provider.country.code}")
    d.add("eucaim:hasCondition", f"cond:{f.condition.slug}")
    # DICOM SEG objects count as a modality of their own, as a scan of the files reports them.
    seg = ("SEG",) if f.segmentations else ()
    d.add("eucaim:hasImageModality", *(f"mod:{m}" for m in f.modalities + seg))
    d.add("eucaim:hasImageBodyPart", *(f"body:{b}" for b in f.body_parts))
    d.add("eucaim:hasBirthSex", *(f"sex:{s}" for s in f.sexes))
    d.add("eucaim:collectionMethod", *(f"cm:{m}" for m in f.methods))
    d.add("eucaim:interoperabilityLevel", f"tier:{TIERS.pick(rng)[0]}")
    makers = manufacturers(f.modalities)
    d.add("eucaim:hasEquipmentManufacturer",
          *(text(m, None) for m in rng.sample(makers, min(len(makers), rng.randint(1, 3)))))
    d.add("healthdcatap:numberOfUniqueIndividuals", count(f.individuals))
    d.add("healthdcatap:numberOfRecords", count(f.studies))
    d.add("healthdcatap:minTypicalAge", count(f.ages[0]))
    d.add("healthdcatap:maxTypicalAge", count(f.ages[1]))
    if f.segmentations:
        labels = f.condition.labels
        d.add("eucaim:nbrOfSegmentations", count(f.segmentations))
        d.add("eucaim:hasAnnotationLabel",
              *(text(x) for x in rng.sample(labels, rng.randint(1, len(labels)))))
        d.add("eucaim:hasAlgorithmType", f"alg:{ALGORITHMS.pick(rng)[0]}")
    keywords(rng, f, d)
    recommended(rng, f, d)
    return d


@functools.cache
def manufacturers(modalities: tuple[str, ...]) -> list[str]:
    return sorted({maker for m in modalities for maker in MANUFACTURERS[m]})


def titles(rng: random.Random, f: Facts, d: Node) -> None:
    """Title and description in English, and in the provider's language most of the time."""
    words = listing([MODALITY_WORDS[m] for m in f.modalities])
    capital = words[0].upper() + words[1:]
    city, years = f.provider.city, f"{f.start.year}-{f.end.year}"
    moment = rng.choice(("at diagnosis", "before treatment", "during follow-up", "at staging"))
    title_list = [text(rng.choice((
        f"{f.label} {words}, {city[0]} {years}",
        f"{capital} of {lower(f.label)} {moment} ({city[0]})",
        f"{f.label} imaging cohort, {f.provider.name}, {years}",
    )))]
    descriptions = [text(description(rng, f, capital))]
    tag = f.provider.country.tag
    local = vocabulary().labels[f.condition.slug].get(tag) if tag in LOCAL_DESCRIPTION else None
    if local and rng.random() < 0.8:
        mods = ", ".join(f.modalities)
        title_list.append(text(f"{local}: {mods} {f.start.year}–{f.end.year} ({city[1]})", tag))
        descriptions.append(text(LOCAL_DESCRIPTION[tag].format(
            cond=local, mods=mods, people=f.individuals, y1=f.start.year, y2=f.end.year,
            city=city[1]), tag))
    d.add("dct:title", *title_list)
    d.add("dct:description", *descriptions)


def population(f: Facts) -> str:
    if f.condition.paediatric:
        return "children"
    single: dict[tuple[str, ...], str] = {("female",): "women", ("male",): "men"}
    return single.get(f.sexes, "patients")


def month(value: date) -> str:
    return f"{MONTHS.split()[value.month - 1]} {value.year}"


def description(rng: random.Random, f: Facts, words: str) -> str:
    body = vocabulary().labels
    parts = [
        f"{words} of {f.individuals} {population(f)} with {lower(f.label)}: {f.studies} imaging "
        f"studies acquired from {month(f.start)} to {month(f.end)} at {f.provider.name}, "
        f"{f.provider.country.name}.",
        "Body parts examined: " + listing([lower(body[b]["en"]) for b in f.body_parts]) + ".",
    ]
    if f.segmentations:
        parts.append(f"{f.segmentations} studies come with segmentations of the "
                     + listing(f.condition.labels[:2]) + ".")
    if rng.random() < 0.5:
        parts.append(f"Typical ages {f.ages[0]} to {f.ages[1]} years.")
    return " ".join(parts)


def keywords(rng: random.Random, f: Facts, d: Node) -> None:
    words = [lower(f.label), *(MODALITY_WORDS[m] for m in f.modalities)]
    if f.segmentations:
        words.append("segmentation")
    if f.condition.paediatric:
        words.append("paediatric oncology")
    words += rng.sample(("radiomics", "AI", "deep learning", "staging", "treatment response"), 2)
    found = [text(w) for w in dict.fromkeys(words)]
    local = vocabulary().labels[f.condition.slug].get(f.provider.country.tag)
    if local and f.provider.country.tag in LOCAL_DESCRIPTION:
        found.append(text(local, f.provider.country.tag))
    d.add("dcat:keyword", *found)


def recommended(rng: random.Random, f: Facts, d: Node) -> None:
    """Recommended fields; most records have most of them, as in the sample catalogue."""
    if f.level == "NON_PUBLIC" or rng.random() < 0.1:
        d.add("dct:type", "dst:TEST_DATA" if f.segmentations and rng.random() < 0.2
              else "dst:STATISTICAL")
    codes = vocabulary().codes.get(f.condition.slug, [])
    if codes:
        d.add("healthdcatap:hasCodeValues", *(text(code, None) for _, code in codes))
    d.add("healthdcatap:hasCodingSystem", *dict.fromkeys(f"cs:{s}" for s, _ in codes),
          "cs:DICOM-CT")
    d.add("dct:language", *dict.fromkeys(("lang:ENG", f"lang:{f.provider.country.language}")))
    d.add("healthdcatap:populationCoverage", text(
        f"{population(f).capitalize()} aged {f.ages[0]} to {f.ages[1]} with {lower(f.label)}"
        f" in {f.provider.country.name}, {f.start.year} to {f.end.year}."))
    spacing = min(rng.uniform(*RESOLUTION[m]) for m in f.modalities)
    d.add("dcat:spatialResolutionInMeters", f'"{spacing:.5f}"^^xsd:decimal')
    d.add("dct:accrualPeriodicity", f"freq:{rng.choice(('IRREG', 'NEVER', 'ANNUAL'))}")
    d.add("geodcatap:custodian", f.provider.iri)
    d.add("dpv:hasPersonalData", "dpvpd:Age", "dpvpd:Gender", "dpvpd:MedicalHealth")
    d.add("dcat:landingPage", f"<{f.site}/datasets/{f.slug}>")
    if rng.random() < 0.8:
        d.add("foaf:page", f"<{f.site}/docs/{f.slug}>")
    if rng.random() < 0.6:
        d.add("dct:isReferencedBy", f"<https://doi.org/10.5555/synthetic.{f.seed}.{f.index}>")
        d.add("dct:relation", f"<{f.site}/publications/{f.slug}-methods>")
    issued = min(f.end + timedelta(days=rng.randrange(30, 400)), LATEST)
    d.add("dct:issued", day(issued))
    d.add("dcat:version", text(f"{rng.randint(1, 3)}.{rng.randint(0, 4)}", None))
    if rng.random() < 0.3:
        d.add("dct:modified", day(min(issued + timedelta(days=rng.randrange(1, 300)), LATEST)))


def linked_nodes(rng: random.Random, f: Facts, d: Node) -> list[Node]:
    """The nodes the dataset points to, each described in the record."""
    page = f"ds:{f.slug}"
    contact = d.link("dcat:contactPoint", Node(f"{page}-contact", "vcard:Kind"))
    contact.add("vcard:fn", text(f"{f.provider.name}: imaging data desk", None))
    contact.add("vcard:hasEmail", f"<mailto:imaging-data@{f.provider.domain}>")
    period = d.link("dct:temporal", Node(f"{page}-acquisition", "dct:PeriodOfTime"))
    period.add("dcat:startDate", day(f.start))
    period.add("dcat:endDate", day(f.end))
    provenance = d.link("dct:provenance", Node(f"{page}-provenance", "dct:ProvenanceStatement"))
    provenance.add("rdfs:label", text(
        f"Synthetic metadata written by registry generate (seed {f.seed}, record {f.index}) "
        "for tests and benchmarks, not a description of real holdings. Images "
        + " and ".join(METHOD_WORDS[m] for m in f.methods) + ", de-identified at source."))
    code, label = ACTIVITIES[f.methods[0]]
    activity = d.link("prov:wasGeneratedBy", Node(f"{page}-activity", "prov:Activity"))
    activity.add("rdfs:label", text(label))
    activity.add("dct:type", f"activity:{code}")
    distributions = [distribution(rng, f, a) for a in ACCESS_CONDITIONS[f.level].pick(rng)]
    d.add("dcat:distribution", *(n.subject for n in distributions))
    # A record with two access distributions leaves out the sample: records stay <= 150 triples.
    sample = 0.9 if len(distributions) == 1 else 0.0
    return [contact, period, provenance, activity, *distributions,
            *governance(rng, f, d, sample)]


def governance(rng: random.Random, f: Facts, d: Node, sample: float) -> list[Node]:
    """Purpose, legal basis, retention, quality certificate, sample and analytics."""
    page = f"ds:{f.slug}"
    purpose = d.link("dpv:hasPurpose", Node(f"{page}-purpose", "dpv:Purpose"))
    purpose.add("dct:description", text(
        f"Research on {lower(f.label)} imaging and the development of AI tools for cancer care."))
    basis = d.link("dpv:hasLegalBasis", Node(f"{page}-legal-basis", "dpv:LegalBasis"))
    basis.add("dct:description", text(
        "Secondary use of electronic health data under the EHDS regulation, with a data "
        "permit from the health data access body."))
    basis.add("dct:source", EHDS)
    retention = d.link("healthdcatap:retentionPeriod",
                       Node(f"{page}-retention", "dct:PeriodOfTime"))
    retention.add("dcat:startDate", day(f.end))
    retention.add("dcat:endDate", day(date(f.end.year + rng.choice((10, 15, 25)), 12, 31)))
    nodes = [purpose, basis, retention]
    if rng.random() < 0.6:
        quality = d.link("dqv:hasQualityAnnotation",
                         Node(f"{page}-quality", "dqv:QualityCertificate"))
        quality.add("oa:hasTarget", d.subject)
        quality.add("oa:hasBody", f"<{f.site}/quality/{f.slug}>")
        quality.add("oa:motivatedBy", "dqv:qualityAssessment")
        nodes.append(quality)
    for kind, share in (("sample", sample), ("analytics", 0.95)):
        if rng.random() < share:
            extra = EXTRAS[kind]
            n = Node(f"{page}-{kind}", "dcat:Distribution")
            n.fixed(extra)
            n.add("dcat:accessURL", f"<{f.site}/datasets/{f.slug}/{kind}>")
            n.add("dcat:downloadURL", f"<{f.site}/files/{f.slug}-{kind}>")
            nodes.append(d.link("adms:sample" if kind == "sample" else "healthdcatap:analytics", n))
    return nodes


def extra_distribution(
    title: str, description: str, file_type: str, media_type: str
) -> tuple[str, ...]:
    """The fixed lines of a sample or analytics distribution."""
    return (
        f"dct:title {text(title)}", f"dct:description {text(description)}",
        f"dcatap:applicableLegislation {EHDS}", "dct:rights ac:DOWNLOAD",
        f"dct:format ft:{file_type}", f"dcat:mediaType <{IANA}{media_type}>",
        "dct:license lic:CC_BY_4_0", "dcatap:availability avail:AVAILABLE",
    )


EXTRAS = {
    "sample": extra_distribution(
        "DICOM headers of ten example studies", "The de-identified DICOM headers (pixel data "
        "removed) of ten studies, in the DICOM JSON model, to check acquisition parameters "
        "before requesting access.", "JSON", "application/dicom+json"),
    "analytics": extra_distribution(
        "Summary statistics", "Counts of individuals, studies and series by modality, body "
        "part, birth sex and age group.", "CSV", "text/csv"),
}
DATASET_FIXED = (
    f"dcatap:applicableLegislation {EHDS}", "dcat:theme theme:HEAL",
    "healthdcatap:healthCategory hc:EHRS", "healthdcatap:hasStructuredData false",
    "healthdcatap:healthTheme ht:CANCER_DISEASE", "dct:conformsTo std:DICOM",
)
DISTRIBUTION_FIXED = (
    f"dcatap:applicableLegislation {EHDS}", f"dcat:mediaType <{IANA}application/dicom>",
    "dct:conformsTo std:DICOM",
)


def distribution(rng: random.Random, f: Facts, access: str) -> Node:
    """A distribution with its access condition: DOWNLOAD, IN_SITU_ or REMOTE_PROCESSING."""
    public = f.level == "PUBLIC"
    name = {"DOWNLOAD": "download", "IN_SITU_PROCESSING": "in-situ"}.get(access, "remote")
    n = Node(f"ds:{f.slug}-{name}", "dcat:Distribution")
    if access == "DOWNLOAD":
        n.add("dct:title", text("DICOM download" if public else "Download after approval"))
        n.add("dct:description", text("De-identified DICOM studies in ZIP archives" + (
            "." if public else ", sent after approval of an access request.")))
        n.add("dcat:accessURL", f"<{f.site}/access/{f.slug}>")
        if public:
            n.add("dcat:downloadURL", f"<{f.site}/files/{f.slug}.zip>")
        n.add("dct:format", "ft:ZIP")
        n.add("dcat:packageFormat", f"<{IANA}application/zip>")
        n.add("dcat:byteSize", count(f.studies * rng.randrange(20, 300) * 1_000_000))
    else:
        where = ("in the provider's secure processing environment" if name == "in-situ"
                 else "on the federation's remote processing platform")
        n.add("dct:title", text("In-situ processing" if name == "in-situ" else "Remote processing"))
        n.add("dct:description", text(
            f"Analysis of the DICOM studies {where}; the images do not leave the provider."))
        n.add("dcat:accessURL", f"<{f.site}/request-access>")
    n.add("dct:rights", f"ac:{access}")
    n.fixed(DISTRIBUTION_FIXED)
    n.add("dct:license", rng.choice(("lic:CC_BY_4_0", "lic:CC0")) if public
          else rng.choice(("lic:CC_BYNC_4_0", f"<{f.site}/terms/data-use-agreement>")))
    n.add("dcatap:availability", f"avail:{rng.choice(('STABLE', 'AVAILABLE'))}")
    return n


# ----------------------------------------------------------------------------- writing

CHUNK = 500
"""Records a worker process writes per task."""


@dataclass(frozen=True)
class Summary:
    """What ``write`` wrote."""

    datasets: int
    agents: int
    triples: int
    bytes: int


def write_records(task: tuple[Path, int, int, int]) -> tuple[int, int, int]:
    """Write records start .. stop-1 under ``out``; return (records, triples, bytes)."""
    out, seed, start, stop = task
    triples = size = 0
    folder = None
    for index in range(start, stop):
        generated = record(index, seed)
        path = out / generated.path
        if path.parent != folder:
            folder = path.parent
            folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(generated.data)
        triples += generated.triples
        size += len(generated.data)
    return stop - start, triples, size


def write(
    out: Path,
    n: int,
    seed: int = 0,
    workers: int | None = None,
    progress: Callable[[int], object] | None = None,
) -> Summary:
    """Write the agents and n records under ``out`` with ``workers`` processes (all cores).

    Refuses a folder whose ``agents/`` or ``datasets/`` holds files: those of an earlier,
    larger run would mix with this one.
    """
    for part in ("agents", "datasets"):
        if (out / part).is_dir() and any((out / part).iterdir()):
            raise FileExistsError(f"{out / part} is not empty: write to a new folder")
    (out / "agents").mkdir(parents=True, exist_ok=True)
    written = list(agents())
    for agent in written:
        (out / agent.path).write_bytes(agent.data)
    tasks = [(out, seed, start, min(start + CHUNK, n)) for start in range(0, n, CHUNK)]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers = min(workers or cores or 1, len(tasks))
    vocabulary()  # read before forking: every worker inherits it
    if workers > 1 and "fork" in get_all_start_methods():
        # fork, not spawn: a spawned child would re-run ``python -m registry``'s main module.
        with get_context("fork").Pool(workers) as pool:
            results = [_report(r, progress) for r in pool.imap_unordered(write_records, tasks)]
    else:
        results = [_report(write_records(task), progress) for task in tasks]
    return Summary(
        n, len(written),
        sum(a.triples for a in written) + sum(r[1] for r in results),
        sum(len(a.data) for a in written) + sum(r[2] for r in results),
    )


def _report(
    result: tuple[int, int, int], progress: Callable[[int], object] | None
) -> tuple[int, int, int]:
    if progress is not None:
        progress(result[0])
    return result


@click.command()
@click.option("--records", "n", type=click.IntRange(min=0), required=True,
              help="Number of dataset descriptions to write.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="The same seed writes the same bytes.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for agents/ and datasets/ (new, or without those two).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes to write with [all cores].")
def generate(n: int, seed: int, out: Path, workers: int | None) -> None:
    """Write N synthetic, valid dataset descriptions and the agents they cite."""
    from tqdm import tqdm

    class Bar(tqdm):
        monitor_interval = 0  # no monitor thread: ``write`` forks its workers

    started = time.perf_counter()
    try:
        with Bar(total=n, unit="record", file=sys.stderr, disable=None) as bar:
            summary = write(out, n, seed, workers, bar.update)
    except OSError as error:  # FileExistsError included
        raise click.ClickException(str(error)) from None
    elapsed = time.perf_counter() - started
    click.echo(
        f"{summary.datasets} datasets and {summary.agents} agents ({summary.triples} triples, "
        f"{summary.bytes / 1e6:.1f} MB) written to {out} in {elapsed:.2f} s"
    )

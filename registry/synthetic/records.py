"""One generated dataset description: its facts written out as Turtle, with the nodes it
points to (contact, period, provenance, distributions, governance).

Each record depends only on the seed and its index (its own ``random.Random``), so a seed
gives byte-identical output whatever the number of processes, and the first k records of n
are the k records of k. Benchmarks that do not need files can take ``records`` directly.
The draws happen in a fixed order: moving one changes every record after it.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from registry.rdf.namespaces import EHDS_REGULATION
from registry.synthetic.facts import Facts, draw
from registry.synthetic.tables import (
    ACCESS_CONDITIONS,
    ACTIVITIES,
    ALGORITHMS,
    LATEST,
    LOCAL_DESCRIPTION,
    MANUFACTURERS,
    METHOD_WORDS,
    MODALITY_WORDS,
    MONTHS,
    RESOLUTION,
    TIERS,
    vocabulary,
)
from registry.synthetic.turtle import (
    DATASET_PREFIXES,
    GeneratedFile,
    Node,
    count,
    day,
    text,
    turtle_file,
)

EHDS = f"<{EHDS_REGULATION}>"
IANA = "https://www.iana.org/assignments/media-types/"


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
    d.add(
        "dct:identifier",
        text(
            f"{f.provider.kind.code}{f.provider.number:03d}-{f.condition.code}-{f.index:06d}", None
        ),
    )
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
    d.add(
        "eucaim:hasEquipmentManufacturer",
        *(text(m, None) for m in rng.sample(makers, min(len(makers), rng.randint(1, 3)))),
    )
    d.add("healthdcatap:numberOfUniqueIndividuals", count(f.individuals))
    d.add("healthdcatap:numberOfRecords", count(f.studies))
    d.add("healthdcatap:minTypicalAge", count(f.ages[0]))
    d.add("healthdcatap:maxTypicalAge", count(f.ages[1]))
    if f.segmentations:
        labels = f.condition.labels
        d.add("eucaim:nbrOfSegmentations", count(f.segmentations))
        d.add(
            "eucaim:hasAnnotationLabel",
            *(text(x) for x in rng.sample(labels, rng.randint(1, len(labels)))),
        )
        d.add("eucaim:hasAlgorithmType", f"alg:{ALGORITHMS.pick(rng)[0]}")
    keywords(rng, f, d)
    recommended(rng, f, d)
    return d


@functools.cache
def manufacturers(modalities: tuple[str, ...]) -> list[str]:
    return sorted({maker for m in modalities for maker in MANUFACTURERS[m]})


def listing(words: Sequence[str]) -> str:
    """Return "a", "a and b", "a, b and c"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def lower(label: str) -> str:
    """Lower-case a label's first letter inside a sentence (not a proper name's)."""
    return label if label.startswith("Wilms") else label[0].lower() + label[1:]


def titles(rng: random.Random, f: Facts, d: Node) -> None:
    """Title and description in English, and in the provider's language most of the time."""
    words = listing([MODALITY_WORDS[m] for m in f.modalities])
    capital = words[0].upper() + words[1:]
    city, years = f.provider.city, f"{f.start.year}-{f.end.year}"
    moment = rng.choice(("at diagnosis", "before treatment", "during follow-up", "at staging"))
    title_list = [
        text(
            rng.choice(
                (
                    f"{f.label} {words}, {city[0]} {years}",
                    f"{capital} of {lower(f.label)} {moment} ({city[0]})",
                    f"{f.label} imaging cohort, {f.provider.name}, {years}",
                )
            )
        )
    ]
    descriptions = [text(description(rng, f, capital))]
    tag = f.provider.country.tag
    local = vocabulary().labels[f.condition.slug].get(tag) if tag in LOCAL_DESCRIPTION else None
    if local and rng.random() < 0.8:
        mods = ", ".join(f.modalities)
        title_list.append(text(f"{local}: {mods} {f.start.year}–{f.end.year} ({city[1]})", tag))
        descriptions.append(
            text(
                LOCAL_DESCRIPTION[tag].format(
                    cond=local,
                    mods=mods,
                    people=f.individuals,
                    y1=f.start.year,
                    y2=f.end.year,
                    city=city[1],
                ),
                tag,
            )
        )
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
        parts.append(
            f"{f.segmentations} studies come with segmentations of the "
            + listing(f.condition.labels[:2])
            + "."
        )
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
        d.add(
            "dct:type",
            "dst:TEST_DATA" if f.segmentations and rng.random() < 0.2 else "dst:STATISTICAL",
        )
    codes = vocabulary().codes.get(f.condition.slug, [])
    if codes:
        d.add("healthdcatap:hasCodeValues", *(text(code, None) for _, code in codes))
    d.add(
        "healthdcatap:hasCodingSystem", *dict.fromkeys(f"cs:{s}" for s, _ in codes), "cs:DICOM-CT"
    )
    d.add("dct:language", *dict.fromkeys(("lang:ENG", f"lang:{f.provider.country.language}")))
    d.add(
        "healthdcatap:populationCoverage",
        text(
            f"{population(f).capitalize()} aged {f.ages[0]} to {f.ages[1]} with {lower(f.label)}"
            f" in {f.provider.country.name}, {f.start.year} to {f.end.year}."
        ),
    )
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
    provenance.add(
        "rdfs:label",
        text(
            f"Synthetic metadata written by registry generate (seed {f.seed}, record {f.index}) "
            "for tests and benchmarks, not a description of real holdings. Images "
            + " and ".join(METHOD_WORDS[m] for m in f.methods)
            + ", de-identified at source."
        ),
    )
    code, label = ACTIVITIES[f.methods[0]]
    activity = d.link("prov:wasGeneratedBy", Node(f"{page}-activity", "prov:Activity"))
    activity.add("rdfs:label", text(label))
    activity.add("dct:type", f"activity:{code}")
    distributions = [distribution(rng, f, a) for a in ACCESS_CONDITIONS[f.level].pick(rng)]
    d.add("dcat:distribution", *(n.subject for n in distributions))
    # A record with two access distributions leaves out the sample: records stay <= 150 triples.
    sample = 0.9 if len(distributions) == 1 else 0.0
    return [contact, period, provenance, activity, *distributions, *governance(rng, f, d, sample)]


def governance(rng: random.Random, f: Facts, d: Node, sample: float) -> list[Node]:
    """Purpose, legal basis, retention, quality certificate, sample and analytics."""
    page = f"ds:{f.slug}"
    purpose = d.link("dpv:hasPurpose", Node(f"{page}-purpose", "dpv:Purpose"))
    purpose.add(
        "dct:description",
        text(
            f"Research on {lower(f.label)} imaging and the development of AI tools for cancer care."
        ),
    )
    basis = d.link("dpv:hasLegalBasis", Node(f"{page}-legal-basis", "dpv:LegalBasis"))
    basis.add(
        "dct:description",
        text(
            "Secondary use of electronic health data under the EHDS regulation, with a data "
            "permit from the health data access body."
        ),
    )
    basis.add("dct:source", EHDS)
    retention = d.link(
        "healthdcatap:retentionPeriod", Node(f"{page}-retention", "dct:PeriodOfTime")
    )
    retention.add("dcat:startDate", day(f.end))
    retention.add("dcat:endDate", day(date(f.end.year + rng.choice((10, 15, 25)), 12, 31)))
    nodes = [purpose, basis, retention]
    if rng.random() < 0.6:
        quality = d.link(
            "dqv:hasQualityAnnotation", Node(f"{page}-quality", "dqv:QualityCertificate")
        )
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
        f"dct:title {text(title)}",
        f"dct:description {text(description)}",
        f"dcatap:applicableLegislation {EHDS}",
        "dct:rights ac:DOWNLOAD",
        f"dct:format ft:{file_type}",
        f"dcat:mediaType <{IANA}{media_type}>",
        "dct:license lic:CC_BY_4_0",
        "dcatap:availability avail:AVAILABLE",
    )


EXTRAS = {
    "sample": extra_distribution(
        "DICOM headers of ten example studies",
        "The de-identified DICOM headers (pixel data "
        "removed) of ten studies, in the DICOM JSON model, to check acquisition parameters "
        "before requesting access.",
        "JSON",
        "application/dicom+json",
    ),
    "analytics": extra_distribution(
        "Summary statistics",
        "Counts of individuals, studies and series by modality, body "
        "part, birth sex and age group.",
        "CSV",
        "text/csv",
    ),
}
DATASET_FIXED = (
    f"dcatap:applicableLegislation {EHDS}",
    "dcat:theme theme:HEAL",
    "healthdcatap:healthCategory hc:EHRS",
    "healthdcatap:hasStructuredData false",
    "healthdcatap:healthTheme ht:CANCER_DISEASE",
    "dct:conformsTo std:DICOM",
)
DISTRIBUTION_FIXED = (
    f"dcatap:applicableLegislation {EHDS}",
    f"dcat:mediaType <{IANA}application/dicom>",
    "dct:conformsTo std:DICOM",
)


def distribution(rng: random.Random, f: Facts, access: str) -> Node:
    """A distribution with its access condition: DOWNLOAD, IN_SITU_ or REMOTE_PROCESSING."""
    public = f.level == "PUBLIC"
    name = {"DOWNLOAD": "download", "IN_SITU_PROCESSING": "in-situ"}.get(access, "remote")
    n = Node(f"ds:{f.slug}-{name}", "dcat:Distribution")
    if access == "DOWNLOAD":
        n.add("dct:title", text("DICOM download" if public else "Download after approval"))
        n.add(
            "dct:description",
            text(
                "De-identified DICOM studies in ZIP archives"
                + ("." if public else ", sent after approval of an access request.")
            ),
        )
        n.add("dcat:accessURL", f"<{f.site}/access/{f.slug}>")
        if public:
            n.add("dcat:downloadURL", f"<{f.site}/files/{f.slug}.zip>")
        n.add("dct:format", "ft:ZIP")
        n.add("dcat:packageFormat", f"<{IANA}application/zip>")
        n.add("dcat:byteSize", count(f.studies * rng.randrange(20, 300) * 1_000_000))
    else:
        where = (
            "in the provider's secure processing environment"
            if name == "in-situ"
            else "on the federation's remote processing platform"
        )
        n.add("dct:title", text("In-situ processing" if name == "in-situ" else "Remote processing"))
        n.add(
            "dct:description",
            text(f"Analysis of the DICOM studies {where}; the images do not leave the provider."),
        )
        n.add("dcat:accessURL", f"<{f.site}/request-access>")
    n.add("dct:rights", f"ac:{access}")
    n.fixed(DISTRIBUTION_FIXED)
    n.add(
        "dct:license",
        rng.choice(("lic:CC_BY_4_0", "lic:CC0"))
        if public
        else rng.choice(("lic:CC_BYNC_4_0", f"<{f.site}/terms/data-use-agreement>")),
    )
    n.add("dcatap:availability", f"avail:{rng.choice(('STABLE', 'AVAILABLE'))}")
    return n

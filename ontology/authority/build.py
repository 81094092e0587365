"""Extract the authority tables the registry ships from the reference vocabularies.

The vocabulary shapes of DCAT-AP 3.0.1 and HealthDCAT-AP Release 8 check ``skos:inScheme
<scheme>`` on every code a description cites. Providers cite the IRIs without the vocabulary
triples, so the registry carries the tables itself: one gzipped N-Triples file per concept
scheme, ``ontology/authority/<table>.nt.gz``, written next to this script.

Run it by hand from the repository root, naming the reference ``vocabularies/`` folder
(``reference/README.md``, section 5)::

    .venv/bin/python ontology/authority/build.py /path/to/reference/vocabularies

Per concept (a subject with ``skos:inScheme <scheme>``) only these statements are kept:
``rdf:type``, ``skos:inScheme`` and ``skos:topConceptOf`` (to this table's scheme),
``skos:broader``, ``skos:notation`` (literals only), ``dc:identifier``, ``dct:identifier``,
``skos:prefLabel`` and ``skos:exactMatch``. Per scheme: ``rdf:type``, ``skos:prefLabel``,
``dct:title``, ``rdfs:label`` and ``owl:versionInfo``. Everything else (definitions, notes,
alternative labels, Publications Office bookkeeping such as op-code, start.use, deprecated,
mapped legacy codes) is dropped. IRIs, literals and language tags are copied as the sources
give them; nothing is added.

The language table keeps labels only in the 24 official EU languages plus the language tags
that the other tables' labels use (most of its concepts are labelled only in their own tag).

When a table has several sources (a labelled 2022 release and a membership-only 2026 release)
their kept statements are merged, so the table holds every code of either release.

The output is deterministic: N-Triples lines sorted and de-duplicated, gzip header without a
file name or time stamp. Rebuilding from the same sources gives identical bytes.
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DC = "http://purl.org/dc/elements/1.1/"
DCT = "http://purl.org/dc/terms/"

RDF_TYPE = ox.NamedNode(RDF + "type")
IN_SCHEME = ox.NamedNode(SKOS + "inScheme")
TOP_CONCEPT_OF = ox.NamedNode(SKOS + "topConceptOf")
NOTATION = ox.NamedNode(SKOS + "notation")
PREF_LABEL = ox.NamedNode(SKOS + "prefLabel")
CONCEPT_SCHEME = ox.NamedNode(SKOS + "ConceptScheme")

CONCEPT_PREDICATES = frozenset(
    ox.NamedNode(iri)
    for iri in (
        RDF + "type",
        SKOS + "inScheme",
        SKOS + "topConceptOf",
        SKOS + "broader",
        SKOS + "notation",
        DC + "identifier",
        DCT + "identifier",
        SKOS + "prefLabel",
        SKOS + "exactMatch",
    )
)
SCHEME_PREDICATES = frozenset(
    ox.NamedNode(iri)
    for iri in (
        RDF + "type",
        SKOS + "prefLabel",
        DCT + "title",
        RDFS + "label",
        OWL + "versionInfo",
    )
)

EU_LANGUAGES = frozenset(
    "bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv".split()
)

EU = "http://publications.europa.eu/resource/authority/"
HEALTH = "https://hdeu-dcat.data.health.europa.eu/resource/authority/"
ADMS = "http://purl.org/adms/"

DIGG = "diggsweden-DCAT-AP-SE-Processor/"
IOGG = "ioggstream-dati-eu-authority-tables/"
PIVEAU = "piveau-data-piveau-shacl-validator/"
SDC = "SemanticDataCharter-sdc_healthdcat_ap/"
ADMS_SKOS = "SEMICeu-ADMS-AP/ADMS_SKOS_v1.00.rdf"


@dataclass(frozen=True)
class Table:
    """One output file: the concepts of one scheme, gathered from one or more sources."""

    name: str
    scheme: str
    sources: tuple[str, ...]  # paths relative to the vocabularies folder
    all_label_languages: bool = True

    @property
    def filename(self) -> str:
        return f"{self.name}.nt.gz"


TABLES: tuple[Table, ...] = (
    # EU authority tables (Publications Office)
    Table("access-right", EU + "access-right", (DIGG + "access-right-skos.rdf",)),
    Table("continent", EU + "continent", (IOGG + "continents.rdf",)),
    Table("corporate-body", EU + "corporate-body", (IOGG + "corporatebodies.ttl",)),
    Table("country", EU + "country", (IOGG + "countries.rdf",)),
    Table("data-theme", EU + "data-theme", (DIGG + "data-theme-skos.rdf",)),
    Table("dataset-type", EU + "dataset-type", (IOGG + "dataset-types.rdf",)),
    Table(
        "distribution-status", EU + "distribution-status", (DIGG + "distribution-status-skos.rdf",)
    ),
    Table("file-type", EU + "file-type", (IOGG + "filetypes.rdf", DIGG + "file-type.rdf")),
    Table("frequency", EU + "frequency", (IOGG + "frequencies.rdf", DIGG + "frequency.rdf")),
    Table(
        "language",
        EU + "language",
        (IOGG + "languages.ttl", DIGG + "language.rdf"),
        all_label_languages=False,
    ),
    Table("licence", EU + "licence", (IOGG + "licences.rdf",)),
    Table("place", EU + "place", (PIVEAU + "places-skos.rdf",)),
    Table(
        "planned-availability", EU + "planned-availability", (IOGG + "planned-availability.rdf",)
    ),
    # HealthDCAT-AP Release 8 tables
    Table("coding-system", HEALTH + "coding-system", (SDC + "coding-system.rdf",)),
    Table("health-activity", HEALTH + "health-activity", (SDC + "health-activity.rdf",)),
    Table("health-theme", HEALTH + "health-theme", (SDC + "health-theme.rdf",)),
    Table("healthcategories", HEALTH + "healthcategories", (SDC + "healthcategories.rdf",)),
    Table("publisher-type", HEALTH + "publisher-type", (SDC + "publisher-type.rdf",)),
    Table("standard", HEALTH + "standard", (SDC + "standard.rdf",)),
    # ADMS 1.0 schemes the shapes name (all three live in one source file)
    Table("adms-licencetype", ADMS + "licencetype/1.0", (ADMS_SKOS,)),
    Table("adms-publishertype", ADMS + "publishertype/1.0", (ADMS_SKOS,)),
    Table("adms-status", ADMS + "status/1.0", (ADMS_SKOS,)),
)


def read_triples(path: Path) -> set[ox.Triple]:
    """Parse one source file (RDF/XML or Turtle) into a set of triples."""
    formats = {".rdf": ox.RdfFormat.RDF_XML, ".ttl": ox.RdfFormat.TURTLE}
    quads = ox.parse(path=str(path), format=formats[path.suffix])
    return {quad.triple for quad in quads}


def select(
    triples: Collection[ox.Triple], scheme: ox.NamedNode, label_languages: frozenset[str] | None
) -> Iterator[ox.Triple]:
    """Yield the statements kept for ``scheme`` and its concepts (see the module docstring).

    ``label_languages`` limits the concepts' ``skos:prefLabel`` tags; ``None`` keeps them all.
    """
    concepts = {t.subject for t in triples if t.predicate == IN_SCHEME and t.object == scheme}
    for t in triples:
        if t.subject == scheme:
            keep = t.predicate in SCHEME_PREDICATES
        elif t.subject in concepts:
            keep = t.predicate in CONCEPT_PREDICATES
            if t.predicate in (IN_SCHEME, TOP_CONCEPT_OF):
                keep = t.object == scheme
            elif t.predicate == NOTATION:
                keep = isinstance(t.object, ox.Literal)  # euvoc notations are resources
            elif t.predicate == PREF_LABEL and label_languages is not None:
                keep = isinstance(t.object, ox.Literal) and t.object.language in label_languages
        else:
            keep = False
        if keep:
            if isinstance(t.object, ox.BlankNode):
                raise ValueError(f"blank node object kept: {t}")
            yield t


def label_languages_of(triples: Iterable[ox.Triple]) -> set[str]:
    """Return the language tags of the ``skos:prefLabel`` literals among ``triples``."""
    return {
        t.object.language
        for t in triples
        if t.predicate == PREF_LABEL and isinstance(t.object, ox.Literal) and t.object.language
    }


def ntriples_gzip(triples: Iterable[ox.Triple]) -> bytes:
    """Sorted, de-duplicated N-Triples, gzipped without file name or time stamp."""
    text = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
    assert text is not None
    lines = sorted(set(text.splitlines(keepends=True)))
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(b"".join(lines))
    return buffer.getvalue()


def check(table: Table, kept: set[ox.Triple]) -> list[str]:
    """Return notes on what the kept statements do not say (printed, never fatal)."""
    scheme = ox.NamedNode(table.scheme)
    notes = []
    if ox.Triple(scheme, RDF_TYPE, CONCEPT_SCHEME) not in kept:
        notes.append("scheme is not typed skos:ConceptScheme")
    concepts = {t.subject for t in kept if t.predicate == IN_SCHEME}
    concept_type = ox.NamedNode(SKOS + "Concept")
    untyped = sorted(str(c) for c in concepts if ox.Triple(c, RDF_TYPE, concept_type) not in kept)
    if untyped:
        notes.append(f"{len(untyped)} concept(s) not typed skos:Concept, e.g. {untyped[:3]}")
    unlabelled = concepts - {t.subject for t in kept if t.predicate == PREF_LABEL}
    if unlabelled:
        notes.append(f"{len(unlabelled)} concept(s) without skos:prefLabel")
    broader = ox.NamedNode(SKOS + "broader")
    outside = {t.object for t in kept if t.predicate == broader} - concepts
    if outside:
        notes.append(f"{len(outside)} skos:broader target(s) outside the table")
    return notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vocabularies", type=Path, help="the reference vocabularies/ folder")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent, help="output folder"
    )
    args = parser.parse_args(argv)

    sources: dict[str, set[ox.Triple]] = {}
    for table in TABLES:
        for source in table.sources:
            if source not in sources:
                sources[source] = read_triples(args.vocabularies / source)

    def kept(table: Table, languages: frozenset[str] | None) -> set[ox.Triple]:
        scheme = ox.NamedNode(table.scheme)
        return {t for s in table.sources for t in select(sources[s], scheme, languages)}

    results = {t.name: kept(t, None) for t in TABLES if t.all_label_languages}
    shared = frozenset(EU_LANGUAGES | set().union(*map(label_languages_of, results.values())))
    for table in TABLES:
        if not table.all_label_languages:
            results[table.name] = kept(table, shared)
            print(f"{table.name}: prefLabel languages kept: {' '.join(sorted(shared))}")

    total = 0
    for table in TABLES:
        triples = results[table.name]
        data = ntriples_gzip(triples)
        (args.out / table.filename).write_bytes(data)
        total += len(data)
        concepts = len({t.subject for t in triples if t.predicate == IN_SCHEME})
        langs = sorted(
            label_languages_of(t for t in triples if t.subject != ox.NamedNode(table.scheme))
        )
        print(
            f"{table.filename:28} {concepts:6} concepts {len(triples):7} triples "
            f"{len(data):9,} bytes  {len(langs)} label languages"
        )
        for note in check(table, triples):
            print(f"    note: {note}")
    print(f"total {total:,} bytes in {len(TABLES)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())

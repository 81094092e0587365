#!/usr/bin/env python3
"""Check the registry's own ontology and SKOS schemes.

    python ontology/tools/check_vocabularies.py ONTOLOGY_FOLDER

Parses ONTOLOGY_FOLDER/*.ttl and ONTOLOGY_FOLDER/vocab/*.ttl with pyoxigraph and rdflib
(the validator's parser) and checks, for every skos:Concept of the registry's schemes:
exactly one skos:inScheme, a registry scheme; an English skos:prefLabel; at most one
skos:prefLabel per language; skos:topConceptOf its scheme or a skos:broader concept of the
same scheme; skos:hasTopConcept and skos:topConceptOf agree; skos:broader and skos:narrower
agree; no prefLabel equal to an altLabel or hiddenLabel of the same concept and language;
every scheme has English prefLabel and definition. It also checks that the concept IRIs the
0.1.0 seed and the sample data use still exist. Prints concept counts and languages per
scheme; exits 1 on the first kind of problem found (all problems are listed).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

VOCAB = "https://w3id.org/cancer-image-registry/vocab/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

# Concept IRIs of the 0.1.0 seed (ontology/vocabularies-0.1.0.ttl) and the sample data.
MUST_EXIST = [
    "condition/breast-cancer", "condition/colon-cancer", "condition/rectal-cancer",
    "condition/lung-cancer", "condition/prostate-cancer", "condition/liver-cancer",
    "condition/neuroblastoma", "condition/dipg", "condition/glioblastoma",
    "modality/CT", "modality/MR", "modality/PT", "modality/MG", "modality/SEG",
    "body-part/PROSTATE", "body-part/CHEST", "body-part/ABDOMEN", "body-part/BREAST",
    "body-part/BRAIN", "body-part/WHOLEBODY",
    "birth-sex/female", "birth-sex/male", "collection-method/retrospective",
    "collection-method/routine-care", "interoperability-tier/tier-1",
    "interoperability-tier/tier-2", "interoperability-tier/tier-3",
    "algorithm-type/manual", "algorithm-type/semi-automatic",
    "access-condition/DOWNLOAD", "access-condition/IN_SITU_PROCESSING",
    "access-condition/REMOTE_PROCESSING",
]


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("ontology")
    files = sorted(folder.glob("*.ttl")) + sorted((folder / "vocab").glob("*.ttl"))
    problems: list[str] = []
    triples: list[ox.Triple] = []
    for path in files:
        try:
            triples.extend(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
            Graph().parse(path, format="turtle")
        except (SyntaxError, ValueError) as error:
            problems.append(f"{path}: does not parse: {error}")
    out: dict[tuple[str, str], list[Term]] = defaultdict(list)
    for t in triples:
        if isinstance(t.subject, ox.NamedNode):
            out[(t.subject.value, t.predicate.value)].append(t.object)

    def values(subject: str, predicate: str) -> list[Term]:
        return out.get((subject, predicate), [])

    def iris(subject: str, predicate: str) -> set[str]:
        return {o.value for o in values(subject, predicate) if isinstance(o, ox.NamedNode)}

    subjects = {s for s, _ in out}
    schemes = sorted(
        s for s in subjects
        if f"{SKOS}ConceptScheme" in iris(s, RDF_TYPE) and s.startswith(VOCAB)
    )
    concepts = sorted(s for s in subjects if f"{SKOS}Concept" in iris(s, RDF_TYPE))
    members: dict[str, list[str]] = defaultdict(list)
    languages: dict[str, set[str]] = defaultdict(set)

    for scheme in schemes:
        labels = {
            o.language for o in values(scheme, f"{SKOS}prefLabel") if isinstance(o, ox.Literal)
        }
        definitions = {
            o.language for o in values(scheme, f"{SKOS}definition") if isinstance(o, ox.Literal)
        }
        if "en" not in labels or "en" not in definitions:
            problems.append(f"{scheme}: scheme without English prefLabel and definition")
        for top in iris(scheme, f"{SKOS}hasTopConcept"):
            if scheme not in iris(top, f"{SKOS}topConceptOf"):
                problems.append(f"{scheme}: hasTopConcept {top} without topConceptOf")

    for concept in concepts:
        in_scheme = iris(concept, f"{SKOS}inScheme")
        if len(in_scheme) != 1 or not in_scheme <= set(schemes):
            problems.append(f"{concept}: skos:inScheme {sorted(in_scheme)}")
            continue
        scheme = next(iter(in_scheme))
        members[scheme].append(concept)
        pref = [o for o in values(concept, f"{SKOS}prefLabel") if isinstance(o, ox.Literal)]
        langs = [o.language or "" for o in pref]
        languages[scheme].update(langs)
        if "en" not in langs:
            problems.append(f"{concept}: no English prefLabel")
        duplicates = {lang for lang in langs if langs.count(lang) > 1}
        if duplicates:
            problems.append(f"{concept}: several prefLabels in {sorted(duplicates)}")
        others = {
            (o.value, o.language)
            for p in ("altLabel", "hiddenLabel")
            for o in values(concept, f"{SKOS}{p}")
            if isinstance(o, ox.Literal)
        }
        clash = {(o.value, o.language) for o in pref} & others
        if clash:
            problems.append(f"{concept}: prefLabel also alt/hidden label: {sorted(clash)}")
        tops = iris(concept, f"{SKOS}topConceptOf")
        broader = iris(concept, f"{SKOS}broader")
        if tops and tops != {scheme}:
            problems.append(f"{concept}: topConceptOf {sorted(tops)}")
        if tops and concept not in iris(scheme, f"{SKOS}hasTopConcept"):
            problems.append(f"{concept}: top concept not listed in hasTopConcept of {scheme}")
        if tops and broader:
            problems.append(f"{concept}: top concept with a broader concept")
        if not tops and not broader:
            problems.append(f"{concept}: neither topConceptOf nor broader")
        for parent in broader:
            if iris(parent, f"{SKOS}inScheme") != {scheme}:
                problems.append(f"{concept}: broader {parent} outside its scheme")
            if concept not in iris(parent, f"{SKOS}narrower"):
                problems.append(f"{concept}: broader {parent} without the inverse narrower")
        for child in iris(concept, f"{SKOS}narrower"):
            if concept not in iris(child, f"{SKOS}broader"):
                problems.append(f"{concept}: narrower {child} without the inverse broader")

    for local in MUST_EXIST:
        iri = VOCAB + local
        if iri not in concepts:
            problems.append(f"{iri}: missing")

    for scheme in schemes:
        name = scheme[len(VOCAB):].rstrip("/")
        print(f"{name}: {len(members[scheme])} concepts; prefLabel languages "
              f"{' '.join(sorted(languages[scheme]))}")
    for problem in problems:
        print("PROBLEM", problem)
    print(f"{len(files)} files, {len(triples)} triples, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())

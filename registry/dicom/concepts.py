"""Header values onto the registry's DICOM schemes: "Tórax", "PET" -> a concept IRI.

Headers write codes loosely (free text, accents, plurals, "PET" for PT); the registry's
schemes (``ontology/vocab/<name>-*.ttl``) give each concept a notation and labels. A value
matches a notation first, then an English label, an alternative label, another language's
label, a hidden label, then the known variants below; what matches nothing is reported.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
from rdflib.namespace import SKOS

from registry.rdf import formats
from registry.resources import resource_dir

# Common free-text Body Part Examined values that are neither a DICOM defined term nor a
# label of one, keyed as ``concept_key`` writes them -> the defined term.
BODY_PART_VARIANTS = {
    "WB": "WHOLEBODY",
    "CAP": "CHESTABDPELVIS",
    "CHESTABDOMENPELVIS": "CHESTABDPELVIS",
    "THORAXABDOMENPELVIS": "CHESTABDPELVIS",
    "THORAXABDOMEN": "CHESTABDOMEN",
    "ABDPELVIS": "ABDOMENPELVIS",
    "ABD": "ABDOMEN",
    "MAMMA": "BREAST",
    "HEADANDNECK": "HEADNECK",
}
MODALITY_VARIANTS = {"PET": "PT", "MRI": "MR", "MAMMOGRAPHY": "MG", "MAMMO": "MG"}


def concept_key(text: str) -> str:
    """Return the form labels and header values are matched in: letters and digits only,
    upper case, accents removed ("Tórax" -> "TORAX", "PELVIS " -> "PELVIS")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed.upper() if c.isascii() and c.isalnum())


@dataclass(frozen=True)
class Scheme:
    """One of the registry's DICOM schemes: header value -> concept IRI."""

    concepts: dict[str, str]

    def concept(self, value: str) -> str | None:
        """Return the concept a header value stands for, or None if none is known."""
        key = concept_key(value)
        found = self.concepts.get(key)
        if found is None and key.endswith("S"):  # "LUNGS", "BREASTS"
            found = self.concepts.get(key[:-1])
        return found


@cache
def load_scheme(name: str) -> Scheme:
    """Read ``ontology/vocab/<name>-*.ttl``: notations first, then labels, then variants."""
    (path,) = sorted((resource_dir("ontology") / "vocab").glob(f"{name}-*.ttl"))[-1:]
    triples = formats.parse(path.read_bytes(), formats.SYNTAXES[0])
    ranked: list[tuple[int, str, str]] = []
    rank = {str(SKOS.notation): 0, str(SKOS.altLabel): 2, str(SKOS.hiddenLabel): 4}
    for t in triples:
        if not (isinstance(t.object, ox.Literal) and isinstance(t.subject, ox.NamedNode)):
            continue
        predicate = t.predicate.value
        if predicate == str(SKOS.prefLabel):
            order = 1 if t.object.language == "en" else 3
        elif predicate in rank:
            order = rank[predicate]
        else:
            continue
        ranked.append((order, concept_key(t.object.value), t.subject.value))
    concepts: dict[str, str] = {}
    for _, key, concept in sorted(ranked):
        if key:
            concepts.setdefault(key, concept)
    variants = {"body-part": BODY_PART_VARIANTS, "modality": MODALITY_VARIANTS}.get(name, {})
    for variant, notation in variants.items():
        concepts.setdefault(variant, concepts[notation])
    return Scheme(concepts)


@dataclass(frozen=True)
class Mapped:
    """Header values mapped to concepts, and the values no concept matched, with counts."""

    concepts: tuple[str, ...]
    unmapped: Counter[str]


def map_values(values: Counter[str], scheme: Scheme) -> Mapped:
    concepts, unmapped = set(), Counter[str]()
    for value, count in values.items():
        concept = scheme.concept(value)
        if concept is None:
            unmapped[value] += count
        else:
            concepts.add(concept)
    return Mapped(tuple(sorted(concepts)), unmapped)

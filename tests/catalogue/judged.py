"""A judged query set over the sample catalogue: what people type, and what they must find.

Each query names what makes a sample dataset relevant: the concepts it cites (a cancer
type, with its narrower types; a modality; a country) and, for words no vocabulary holds,
a pattern its own titles, descriptions or keywords must contain. The relevant datasets are
computed from the sample files themselves (``relevant``), never from the search index, so
the set judges the search rather than repeating it.

``evaluate`` runs every query through ``SearchIndex.search`` and measures recall on the
first page and precision of the first results (the first five, or as many as are
relevant). It uses only ``Query(text=..., sort="relevance")`` and the cards' ``topic``, so
it also runs against the index before this set existed (the README's before/after figures).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from registry.rdf import formats

VOCAB = "https://w3id.org/cancer-image-registry/vocab/"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
EUCAIM = "https://cancerimage.eu/ontology/EUCAIM#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
PROPERTIES = {
    "condition": EUCAIM + "hasCondition",
    "modality": EUCAIM + "hasImageModality",
    "country": DCT + "spatial",
}
TEXTS = (DCT + "title", DCT + "description", DCAT + "keyword")
NARROWER = {
    "colorectal-cancer": ("colon-cancer", "rectal-cancer"),
    "brain-cancer": ("glioblastoma", "dipg"),
}
"""The sample catalogue's broader conditions (as the condition vocabulary says)."""
PAGE = 50
FIRST = 5


@dataclass(frozen=True)
class Judged:
    """A typed query and what a relevant dataset has: every one of these facets (one of
    the values of each) and, if given, text matching ``mentions``."""

    text: str
    kind: str
    """english, german, french, ..., typo, code, abbreviation, multi-word, facet word."""
    condition: tuple[str, ...] = ()
    modality: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    mentions: str = ""


def q(text: str, kind: str, mentions: str = "", **wanted: str) -> Judged:
    """A judged query wanting one value of each facet named."""
    return Judged(text, kind, mentions=mentions, **{k: (v,) for k, v in wanted.items()})


JUDGED = [
    q("lung cancer", "english", condition="lung-cancer"),
    q("breast cancer", "english", condition="breast-cancer"),
    q("prostate cancer", "english", condition="prostate-cancer"),
    q("glioblastoma", "english", condition="glioblastoma"),
    q("neuroblastoma", "english", condition="neuroblastoma"),
    q("liver cancer", "english", condition="liver-cancer"),
    q("colorectal cancer", "english", condition="colorectal-cancer"),
    q("brain cancer", "english", condition="brain-cancer"),
    q("Lungenkrebs", "german", condition="lung-cancer"),
    q("Brustkrebs", "german", condition="breast-cancer"),
    q("Mammographie", "german", modality="MG"),
    q("Prostatakrebs", "german", condition="prostate-cancer"),
    q("Kolorektales Karzinom", "german", condition="colorectal-cancer"),
    q("Deutschland", "german", country="DEU"),
    q("MRT Prostata", "german", condition="prostate-cancer", modality="MR"),
    q("Mammographien", "german", modality="MG"),
    q("cancer du poumon", "french", condition="lung-cancer"),
    q("cancer du sein", "french", condition="breast-cancer"),
    q("IRM prostate", "french", condition="prostate-cancer", modality="MR"),
    q(
        "imagerie par résonance magnétique prostate",
        "french",
        condition="prostate-cancer",
        modality="MR",
    ),
    q("cancer du cerveau", "french", condition="brain-cancer"),
    q("cáncer de pulmón", "spanish", condition="lung-cancer"),
    q("cancer de mama", "spanish", condition="breast-cancer"),
    q("cáncer de próstata", "spanish", condition="prostate-cancer"),
    q("resonancia magnética próstata", "spanish", condition="prostate-cancer", modality="MR"),
    q("tumore del polmone", "italian", condition="lung-cancer"),
    q("tumore della mammella", "italian", condition="breast-cancer"),
    q("TAC polmone", "italian", condition="lung-cancer", modality="CT"),
    q("prostaatkanker", "dutch", condition="prostate-cancer"),
    q("longkanker", "dutch", condition="lung-cancer"),
    q("rak płuca", "polish", condition="lung-cancer"),
    q("rak piersi", "polish", condition="breast-cancer"),
    q("cancro da mama", "portuguese", condition="breast-cancer"),
    q("καρκίνος του πνεύμονα", "greek", condition="lung-cancer"),
    q("prostrate", "typo", condition="prostate-cancer"),
    q("glioblastma", "typo", condition="glioblastoma"),
    q("neuroblastma", "typo", condition="neuroblastoma"),
    q("brest cancer", "typo", condition="breast-cancer"),
    q("mamography", "typo", modality="MG"),
    q("lung cancr", "typo", condition="lung-cancer"),
    q("Lungenkrbs", "typo", condition="lung-cancer"),
    q("C34", "code", condition="lung-cancer"),
    q("C61", "code", condition="prostate-cancer"),
    q("C50", "code", condition="breast-cancer"),
    q("C18", "code", condition="colon-cancer"),
    q("C71", "code", condition="brain-cancer"),
    q("9500/3", "code", condition="neuroblastoma"),
    q("NSCLC", "abbreviation", mentions=r"non-small[- ]cell|NSCLC"),
    q("HCC", "abbreviation", mentions=r"hepatocellular|\bHCC\b"),
    q("DIPG", "abbreviation", condition="dipg"),
    q("GBM", "abbreviation", condition="glioblastoma"),
    q("PET", "abbreviation", modality="PT"),
    q("lung CT screening", "multi-word", condition="lung-cancer", modality="CT"),
    q("breast mammography", "multi-word", condition="breast-cancer", modality="MG"),
    q("liver CT", "multi-word", condition="liver-cancer", modality="CT"),
    q("rectal cancer MRI", "multi-word", condition="rectal-cancer", modality="MR"),
    q("breast ultrasound", "multi-word", condition="breast-cancer", modality="US"),
    q('"lung cancer" -PET', "multi-word", condition="lung-cancer", mentions=r"^(?!.*\bPET\b)"),
    q("Germany", "facet word", country="DEU"),
    q("Spain MRI", "facet word", country="ESP", modality="MR"),
    q("Greece", "facet word", country="GRC"),
    q("Magnetic resonance", "facet word", modality="MR"),
]


@dataclass
class Sample:
    """One sample dataset: the values it cites per facet, and all its text."""

    topic: str
    cited: dict[str, set[str]] = field(default_factory=dict)
    text: str = ""


def samples(paths: list[Path]) -> dict[str, Sample]:
    """Dataset IRI -> what the sample file says of it."""
    found: dict[str, Sample] = {}
    for path in paths:
        syntax = formats.syntax_for_path(path)
        assert syntax is not None
        triples = [
            (_value(t.subject), _value(t.predicate), _value(t.object))
            for t in formats.parse(path.read_bytes(), syntax)
        ]
        datasets = {s for s, p, o in triples if p.endswith("#type") and o == DCAT + "Dataset"}
        for topic in datasets:
            own = [(p, o) for s, p, o in triples if s == topic]
            sample = found.setdefault(topic, Sample(topic))
            for facet, predicate in PROPERTIES.items():
                sample.cited[facet] = {o for p, o in own if p == predicate}
            sample.text = "\n".join(o for p, o in own if p in TEXTS)
    return found


def _value(term: object) -> str:
    """The IRI or lexical value of a term ("" for a blank node or a quoted triple)."""
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else ""


def _iris(facet: str, values: tuple[str, ...]) -> set[str]:
    if facet == "country":
        return {COUNTRY + v for v in values}
    expanded = [n for v in values for n in (v, *NARROWER.get(v, ()))]
    return {f"{VOCAB}{facet}/{v}" for v in expanded}


def relevant(judged: Judged, catalogue: dict[str, Sample]) -> set[str]:
    """The sample datasets relevant to a judged query."""
    wanted = {
        facet: _iris(facet, values)
        for facet, values in (
            ("condition", judged.condition),
            ("modality", judged.modality),
            ("country", judged.country),
        )
        if values
    }
    pattern = re.compile(judged.mentions, re.IGNORECASE | re.DOTALL) if judged.mentions else None
    return {
        topic
        for topic, sample in catalogue.items()
        if all(sample.cited[facet] & values for facet, values in wanted.items())
        and (pattern is None or pattern.search(sample.text))
    }


@dataclass(frozen=True)
class Measured:
    judged: Judged
    relevant: int
    recall: float
    """Relevant datasets on the first page / relevant datasets."""
    precision: float
    """Relevant among the first min(5, relevant) results."""

    @property
    def passed(self) -> bool:
        return self.recall == 1.0 and self.precision == 1.0


def measure(judged: Judged, wanted: set[str], found: list[str]) -> Measured:
    first = min(FIRST, len(wanted))
    recall = len(wanted & set(found[:PAGE])) / len(wanted)
    precision = sum(1 for topic in found[:first] if topic in wanted) / first
    return Measured(judged, len(wanted), recall, precision)


def evaluate(search: Any, catalogue: dict[str, Sample]) -> list[Measured]:
    """Run every judged query through a ``SearchIndex`` (old or new) and measure it."""
    from registry.catalogue.index.query import Query

    measured = []
    for judged in JUDGED:
        wanted = relevant(judged, catalogue)
        assert wanted, f"no sample dataset is relevant to {judged.text!r}: fix the judgement"
        hits = search.search(Query(text=judged.text, sort="relevance"), PAGE)
        measured.append(measure(judged, wanted, [card["topic"] for card in hits.cards]))
    return measured


def summary(measured: list[Measured]) -> str:
    """Mean recall and precision, over all queries and per kind, and the failures."""
    lines = []
    kinds = sorted({m.judged.kind for m in measured}, key=[m.judged.kind for m in measured].index)
    for kind in ("all", *kinds):
        rows = [m for m in measured if kind in ("all", m.judged.kind)]
        recall = sum(m.recall for m in rows) / len(rows)
        precision = sum(m.precision for m in rows) / len(rows)
        passed = sum(m.passed for m in rows)
        lines.append(
            f"{kind:<14}{len(rows):>4} queries  recall@page1 {recall:5.2f}  "
            f"precision@first {precision:5.2f}  passed {passed}/{len(rows)}"
        )
    for m in measured:
        if not m.passed:
            lines.append(
                f"  not passed: {m.judged.text!r} recall {m.recall:.2f} "
                f"precision {m.precision:.2f} ({m.relevant} relevant)"
            )
    return "\n".join(lines)

"""What the top of a dataset page says: the facts at a glance, distributions, contacts, and
the schema.org ``Dataset`` that dataset search engines read (no Flask here).

The full field tree (``catalogue.dataset_view``) shows everything a provider wrote; this
module picks what a visitor looks for first, in their language.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import DCAT, DCTERMS

from registry.catalogue.facade import Catalogue
from registry.catalogue.index.entry import FACET_NAMES
from registry.catalogue.labels import Label, pick_label, shown_iri
from registry.catalogue.search import concept, value_label
from registry.rdf.namespaces import CV, VCARD
from registry.records.layout import record_id_for

Triples = dict[Any, list[ox.Triple]]
ACCESS_PUBLIC = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"


def _objects(by_subject: Triples, node: Any, predicate: object) -> list[Any]:
    return [t.object for t in by_subject.get(node, []) if t.predicate.value == str(predicate)]


def _texts(by_subject: Triples, node: Any, predicate: object) -> dict[str, str]:
    return {
        o.language or "": o.value
        for o in _objects(by_subject, node, predicate)
        if isinstance(o, ox.Literal)
    }


def _iris(by_subject: Triples, node: Any, predicate: object) -> list[str]:
    return sorted(
        o.value for o in _objects(by_subject, node, predicate) if isinstance(o, ox.NamedNode)
    )


def at_a_glance(catalogue: Catalogue, record_id: str, preferred: Sequence[str]) -> dict[str, Any]:
    """The indexed facts of a dataset (facets labelled, counts, ages, period)."""
    card = catalogue.search.card(record_id) or {"facets": {}, "numbers": {}, "period": ["", ""]}
    facets = {
        facet: [
            {
                "value": value,
                "label": value_label(catalogue, facet, value, preferred),
                "provider_id": record_id_for(value) if facet == "provider" else None,
                "term": value in catalogue.labels,
            }
            for value in card["facets"].get(facet, [])
        ]
        for facet in FACET_NAMES
    }
    return {"facets": facets, "numbers": card["numbers"], "period": card["period"]}


def named(catalogue: Catalogue, iri: str, preferred: Sequence[str]) -> Label:
    """A concept's label, or for an IRI the registry knows nothing about, the IRI itself."""
    return concept(catalogue, iri, preferred) if iri in catalogue.labels else Label(shown_iri(iri))


def distributions(
    catalogue: Catalogue, by_subject: Triples, dataset: Any, preferred: Sequence[str]
) -> list[dict[str, Any]]:
    """Each distribution: title, how it is accessed (access conditions), links, licence."""
    found = []
    for node in _objects(by_subject, dataset, DCAT.distribution):
        rights = _iris(by_subject, node, DCTERMS.rights)
        found.append(
            {
                "title": pick_label(_texts(by_subject, node, DCTERMS.title), preferred),
                "description": pick_label(_texts(by_subject, node, DCTERMS.description), preferred),
                "conditions": [
                    {"iri": r, "label": value_label(catalogue, "access_condition", r, preferred)}
                    for r in rights
                ],
                "access_urls": _iris(by_subject, node, DCAT.accessURL),
                "download_urls": _iris(by_subject, node, DCAT.downloadURL),
                "licences": [
                    {"iri": i, "label": named(catalogue, i, preferred)}
                    for i in _iris(by_subject, node, DCTERMS.license)
                ],
                "media_types": _iris(by_subject, node, DCAT.mediaType),
            }
        )
    return sorted(found, key=lambda d: d["title"].text)


def contacts(by_subject: Triples, dataset: Any) -> list[dict[str, Any]]:
    """The dataset's contact points: a name and e-mail or web addresses."""
    found = []
    for node in _objects(by_subject, dataset, DCAT.contactPoint):
        name = pick_label(_texts(by_subject, node, VCARD.fn), ())
        links = _iris(by_subject, node, VCARD.hasEmail) + _iris(by_subject, node, VCARD.hasURL)
        emails = [
            o.value for o in _objects(by_subject, node, CV.email) if isinstance(o, ox.Literal)
        ]
        found.append({"name": name.text, "links": links + [f"mailto:{e}" for e in emails]})
    return found


def schema_org(view: dict[str, Any], by_subject: Triples, dataset: Any) -> dict[str, Any]:
    """The schema.org ``Dataset`` of a page (https://schema.org/Dataset), for search engines;
    the view adds the page's own ``url`` and its catalogue."""
    glance = view["glance"]
    keywords = sorted({o.value for o in _objects(by_subject, dataset, DCAT.keyword)})
    description = pick_label(_texts(by_subject, dataset, DCTERMS.description), ["en"]).text
    period = "/".join(p for p in glance["period"] if p)
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": view["dataset"],
        "name": view["title"].text,
        "description": description,
        "identifier": [
            view["dataset"],
            *sorted(_texts(by_subject, dataset, DCTERMS.identifier).values()),
        ],
        "keywords": keywords,
        "isAccessibleForFree": any(a["value"] == ACCESS_PUBLIC for a in glance["facets"]["access"]),
        "publisher": [
            {"@type": "Organization", "@id": p["value"], "name": p["label"].text}
            for p in glance["facets"]["provider"]
        ],
        "spatialCoverage": [c["label"].text for c in glance["facets"]["country"]],
        "distribution": [
            {
                "@type": "DataDownload",
                "contentUrl": link,
                "name": d["title"].text,
                **({"encodingFormat": media_type(d["media_types"][0])} if d["media_types"] else {}),
                **({"license": [i["iri"] for i in d["licences"]]} if d["licences"] else {}),
            }
            for d in view["distributions"]
            for link in d["download_urls"]
        ],
    }
    # The dataset's own release date (dct:issued), not the day the registry first stored it.
    issued = sorted(
        o.value for o in _objects(by_subject, dataset, DCTERMS.issued) if isinstance(o, ox.Literal)
    )
    if issued:
        document["datePublished"] = issued[0]
    # The dataset's own last change (dct:modified: the provider's, else the record's that
    # the registry publishes with it), not necessarily the record's.
    modified = sorted(
        o.value
        for o in _objects(by_subject, dataset, DCTERMS.modified)
        if isinstance(o, ox.Literal)
    )
    document["dateModified"] = modified[-1] if modified else view["modified"]
    licences = sorted(
        {*_iris(by_subject, dataset, DCTERMS.license)}
        | {i["iri"] for d in view["distributions"] for i in d["licences"]}
    )
    if licences:
        document["license"] = licences
    if period:
        document["temporalCoverage"] = period
    return document


def media_type(iri: str) -> str:
    """``application/dicom`` from its IANA IRI (schema.org's encodingFormat is a media type)."""
    return iri.split("/media-types/", 1)[-1]

"""The agents the generated datasets cite: four providers in each country of the tables and
that country's health data access body (HDAB), one ``foaf:Agent`` a file.

Providers are fixed, seed or not: a dataset cites its publisher and HDAB by IRI only, so the
agents written beside any number of records are the ones every record can cite.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from registry.synthetic.tables import (
    CONDITIONS,
    COUNTRIES,
    KINDS,
    Condition,
    Country,
    Kind,
    Weighted,
)
from registry.synthetic.turtle import AGENT_PREFIXES, GeneratedFile, Node, text, turtle_file


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
            pool.append(
                Provider(
                    number, name, kind, land, land.cities[k], weight, Weighted(CONDITIONS, weights)
                )
            )
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
            f"agents/hdab-{code}.ttl",
            f"<https://hdab-{code}.example/agent>",
            f"Health data access body, {land.name}",
            "national-authority",
            f"hdab-{code}.example",
            "data-requests",
        )
    for p in PROVIDERS:
        yield agent_file(
            f"agents/provider-{p.number:03d}.ttl",
            p.iri,
            p.name,
            p.kind.publisher_type,
            p.domain,
            "imaging-data",
        )

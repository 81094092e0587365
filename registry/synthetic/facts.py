"""Drawing the facts of one generated dataset, before any text is written.

A record draws a provider, one of the conditions that provider publishes, and then values
that fit the condition: modalities, body parts, sexes, ages, counts and the acquisition
period.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import date, timedelta

from registry.synthetic.agents import PROVIDER_SHARES, Provider
from registry.synthetic.tables import LATEST, LEVELS, METHODS, Condition, vocabulary


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
        index,
        seed,
        provider,
        cond,
        LEVELS.pick(rng)[0],
        cond.modalities.pick(rng),
        cond.body_parts.pick(rng),
        cond.sexes.pick(rng),
        methods,
        individuals,
        studies,
        max(1, int(studies * rng.uniform(0.05, 0.9))) if rng.random() < 0.7 else 0,
        start,
        start + timedelta(days=rng.randrange(60, min(3650, (LATEST - start).days))),
        (rng.randint(*cond.ages[:2]), rng.randint(*cond.ages[2:])),
    )

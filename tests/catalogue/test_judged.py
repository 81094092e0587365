"""The judged query set (``judged.py``) against the sample catalogue: every query passes.

Run with ``-s`` to see the figures per kind of query (recall on the first page, precision
of the first results); the README quotes them, before and after the ranked search.
"""

from __future__ import annotations

import pytest
from flask import Flask

from registry.catalogue.index.query import Query
from tests.conftest import SAMPLES

from .judged import JUDGED, PAGE, Judged, evaluate, measure, relevant, samples, summary

CATALOGUE = samples(SAMPLES)


def test_the_judged_set_is_large_and_varied() -> None:
    kinds = {j.kind for j in JUDGED}
    languages = kinds - {"english", "typo", "code", "abbreviation", "multi-word", "facet word"}
    assert len(JUDGED) >= 40 and len(languages) >= 5
    assert {"typo", "code", "abbreviation", "multi-word", "facet word"} <= kinds
    assert all(relevant(j, CATALOGUE) for j in JUDGED)


@pytest.mark.parametrize("judged", JUDGED, ids=[j.text for j in JUDGED])
def test_judged_query(sample_app: Flask, judged: Judged) -> None:
    hits = sample_app.extensions["registry"].search.search(
        Query(text=judged.text, sort="relevance"), PAGE
    )
    wanted = relevant(judged, CATALOGUE)
    measured = measure(judged, wanted, [card["topic"] for card in hits.cards])
    assert measured.recall == 1.0, f"missing: {sorted(wanted - {c['topic'] for c in hits.cards})}"
    assert measured.precision == 1.0, [c["titles"].get("en") for c in hits.cards[:5]]


def test_judged_figures(sample_app: Flask, capsys: pytest.CaptureFixture[str]) -> None:
    measured = evaluate(sample_app.extensions["registry"].search, CATALOGUE)
    with capsys.disabled():
        print("\n" + summary(measured))
    passed = [m for m in measured if m.passed]
    assert len(passed) == len(measured)

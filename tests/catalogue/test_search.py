"""The search index and the pages over it: in step with the store, facets, ranges, sorting."""

from __future__ import annotations

import gc
import sqlite3
from pathlib import Path

from flask.testing import FlaskClient

from registry.catalogue.index.query import SORTS, Query, parse
from registry.config import load_settings
from registry.records.loading import load_files
from registry.records.submission import submit
from registry.runtime import Registry, search_index_path
from registry.web.app import create_app
from tests.conftest import AGENTS, BASE_IRI, SAMPLES, TURTLE, load_all, load_samples

LUNG = "https://w3id.org/cancer-image-registry/vocab/condition/lung-cancer"
CT = "https://w3id.org/cancer-image-registry/vocab/modality/CT"
PROSTATE_FILE = "procancer-i-open-challenge-prostate.ttl"


def test_a_submission_is_searchable_as_soon_as_submit_returns(
    client: FlaskClient, registry: Registry
) -> None:
    path = next(p for p in SAMPLES if p.name == PROSTATE_FILE)
    assert "Open Challenge" not in client.get("/search?q=challenge").get_data(as_text=True)
    submit(registry.records, path.read_bytes(), TURTLE)
    page = client.get("/search?q=challenge").get_data(as_text=True)
    assert "Open Challenge Prostate Cancer V1" in page and "1 dataset" in page
    changed = path.read_bytes().replace(b"Open Challenge Prostate", b"Renamed Challenge Prostate")
    submit(registry.records, changed, TURTLE)
    page = client.get("/search?q=renamed").get_data(as_text=True)
    assert "Renamed Challenge Prostate Cancer V1" in page
    assert registry.search.summary()["datasets"] == 1  # replaced, not added


def test_index_is_rebuilt_when_missing_and_repaired_when_stale(tmp_path: Path) -> None:
    settings = {"store": str(tmp_path / "store"), "base_iri": BASE_IRI}
    app = create_app(settings)
    registry = app.extensions["registry"]
    assert not load_files(registry.records, AGENTS + SAMPLES[:3]).rejected
    ids = list(registry.search.record_ids("dataset", 0, 10))
    registry.close()
    del registry, app
    gc.collect()
    index = search_index_path(load_settings(settings))
    # A crash between the store's write and the index's: one stamp stale, one entry lost,
    # and an entry for a record the store does not hold.
    with sqlite3.connect(index) as connection:
        connection.execute("UPDATE entry SET stamp = 'old' WHERE record_id = ?", (ids[0],))
        connection.execute("DELETE FROM entry WHERE record_id = ?", (ids[1],))
        connection.execute(
            "INSERT INTO entry(record_id, kind, stamp, modified, title_key, card) "
            "VALUES ('ghost', 'dataset', 'x', '', '', '{}')"
        )
    connection.close()
    app = create_app(settings)
    registry = app.extensions["registry"]
    assert sorted(registry.search.record_ids("dataset", 0, 10)) == sorted(ids)
    assert registry.index.reconcile() == 0  # in step now
    registry.close()
    del registry, app
    gc.collect()
    index.unlink()
    registry = create_app(settings).extensions["registry"]
    assert registry.search.summary()["datasets"] == 3
    registry.close()


def test_facets_count_within_the_results_and_combine(
    client: FlaskClient, registry: Registry
) -> None:
    load_samples(registry)
    hits = registry.search.search(Query(selected=(("condition", (LUNG,)),)), 50)
    assert hits.total == hits.counts["condition"][LUNG] > 0
    both = registry.search.search(Query(selected=(("condition", (LUNG,)), ("modality", (CT,)))), 50)
    assert 0 < both.total <= hits.total
    assert all(LUNG in c["facets"]["condition"] for c in both.cards)
    page = client.get(f"/search?condition={LUNG}").get_data(as_text=True)
    assert f"{hits.total} datasets" in page and 'aria-current="true"' in page


def test_ranges_sorting_and_paging_come_from_the_url(
    client: FlaskClient, registry: Registry
) -> None:
    load_samples(registry)
    largest = registry.search.search(Query(sort="largest"), 50).cards
    people = [c["numbers"]["individuals"] for c in largest]
    assert people == sorted(people, reverse=True)
    titles = [
        c["titles"]["en"].casefold() for c in registry.search.search(Query(sort="title"), 50).cards
    ]
    assert titles == sorted(titles)
    ranged = registry.search.search(Query(individuals=(1000, None)), 50)
    assert ranged.total and all(c["numbers"]["individuals"] >= 1000 for c in ranged.cards)
    children = registry.search.search(Query(ages=(0, 5)), 50)
    assert children.total and all(c["numbers"]["min_age"] <= 5 for c in children.cards)
    page = client.get("/search?individuals_min=1000&sort=largest").get_data(as_text=True)
    assert f"{ranged.total} datasets" in page
    assert 'value="largest" selected' in page and 'value="1000"' in page


def test_no_result_page_helps(client: FlaskClient, registry: Registry) -> None:
    load_samples(registry)
    page = client.get(f"/search?q=xylophone&condition={LUNG}").get_data(as_text=True)
    assert "No dataset matches this search." in page
    assert "Search without the words" in page and "Clear all filters" in page


def test_search_text_is_never_query_syntax(client: FlaskClient, registry: Registry) -> None:
    load_samples(registry)
    assert [c.text for c in parse('lung" OR NEAR(x')] == ["lung OR NEAR(x"]
    for text in ('"', "*", "lung AND", "NOT", "(", "col:umn", "ñandú"):
        assert client.get("/search", query_string={"q": text}).status_code == 200, text
    assert '"cancer"' in parse("cáncer")[0].expression  # diacritics are folded
    hits = registry.search.search(Query(text="cancer pulmon"), 50)
    assert hits.total > 0  # "pulmón" in Spanish titles, without the accent


def test_home_shows_totals_charts_and_newest(client: FlaskClient, registry: Registry) -> None:
    load_samples(registry)
    page = client.get("/").get_data(as_text=True)
    assert page.count("<svg") == 4 and 'role="img"' in page and "<title" in page
    assert f">{len(SAMPLES)}<" in page  # the datasets total
    assert "Newest datasets" in page and "Lung cancer" in page


def test_deep_pages_slice_the_same_order_as_shallow_ones(registry: Registry) -> None:
    """Pages past DEEP_OFFSET come from a cached listing; it must order like the index."""
    load_samples(registry)
    for sort, order in SORTS.items():
        shallow = [c["id"] for c in registry.search.search(Query(sort=sort), 50).cards]
        listing = registry.search._listing(order)
        cards = registry.search._cards(listing)
        assert [c["id"] for c in cards] == shallow, sort


def test_paging_order_is_the_same_across_pages(tmp_path: Path) -> None:
    app = create_app({"store": str(tmp_path / "s"), "page_size": 1})
    registry = app.extensions["registry"]
    load_all(registry)
    client = app.test_client()
    ids = []
    for page in range(1, len(SAMPLES) + 1):
        html = client.get(f"/search?page={page}").get_data(as_text=True)
        ids.append(html.split('href="/datasets/')[1].split('"')[0])
    listing = client.get("/search?page=1").get_data(as_text=True)  # one record per page
    assert len(set(ids)) == len(SAMPLES), f"pages repeated or skipped a record: {ids}"
    assert f"Page 1 of {len(SAMPLES)}" in listing
    registry.close()

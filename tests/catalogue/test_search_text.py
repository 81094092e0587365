"""Typed search on the sample catalogue, through the pages and the JSON answer: ranking with
scores, corrected typos, other languages, offers of facets, help when nothing matches."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from flask import Flask

from registry.catalogue.index.query import Query
from registry.catalogue.index.sync import VOCABULARIES
from registry.runtime import Registry

JSON = {"Accept": "application/json"}
LUNG = "https://w3id.org/cancer-image-registry/vocab/condition/lung-cancer"


def test_search_answers_json_with_the_page_ranking_and_scores(sample_app: Flask) -> None:
    client = sample_app.test_client()
    answer = client.get("/search?q=lung cancer CT screening", headers=JSON)
    # Its labels are in the visitor's languages, so it varies with Accept-Language too.
    assert answer.mimetype == "application/json"
    assert answer.headers["Vary"] == "Accept, Accept-Language"
    data = answer.get_json()
    scores = [r["score"] for r in data["results"]]
    assert data["total"] == 4 and scores == sorted(scores, reverse=True)  # was 0: all words
    page = client.get("/search?q=lung cancer CT screening").get_data(as_text=True)
    positions = [page.index(r["title"]) for r in data["results"]]
    assert positions == sorted(positions)  # the page shows the same order
    assert client.get("/search?q=lung").mimetype == "text/html"  # no Accept: the page
    newest = client.get("/search?q=lung&sort=newest", headers=JSON).get_json()
    assert newest["total"] == 4 and all(r["score"] is None for r in newest["results"])


def test_a_typo_is_corrected_and_the_page_says_so(sample_app: Flask) -> None:
    client = sample_app.test_client()
    page = client.get("/search?q=prostrate").get_data(as_text=True)
    assert "Showing results for" in page and "<em>prostate</em>" in page
    assert "(searched: prostrate)" in page and "4 datasets" in page
    data = client.get("/search?q=prostrate", headers=JSON).get_json()
    assert data["corrected"]["words"] == {"prostrate": "prostate"}
    exact = client.get("/search", query_string={"q": data["corrected"]["exact"]})
    assert "No dataset matches" in exact.get_data(as_text=True)  # quoted: never corrected


def test_a_german_query_finds_through_the_vocabulary_and_offers_the_facet(
    sample_app: Flask,
) -> None:
    client = sample_app.test_client()
    page = client.get("/search?q=Lungenkrebs&lang=de").get_data(as_text=True)
    assert "4 Datensätze" in page and "Filtern nach" in page
    data = client.get("/search?q=Lungenkrebs&lang=de", headers=JSON).get_json()
    (offer,) = data["offers"]
    assert offer == {"facet": "condition", "value": LUNG, "label": "Lungenkrebs", "text": ""}
    assert 'class="selected"' not in page  # offered, never applied
    link = page[page.index('class="offer"') :].split('href="', 1)[1].split('"', 1)[0]
    args = parse_qs(urlparse(link.replace("&amp;", "&")).query)
    assert args["condition"] == [LUNG] and "q" not in args
    filtered = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "4 Datensätze" in filtered and 'class="selected"' in filtered


def test_no_result_suggests_the_word_to_drop(sample_app: Flask) -> None:
    client = sample_app.test_client()
    data = client.get("/search?q=neuroblastoma mammography", headers=JSON).get_json()
    assert data["total"] == 0
    assert data["no_result"]["drop"] in (
        {"word": "mammography", "text": "neuroblastoma", "total": 4},
        {"word": "neuroblastoma", "text": "mammography", "total": 3},
    )
    page = client.get("/search?q=neuroblastoma mammography").get_data(as_text=True)
    assert "Search without “" in page and "datasets</a>" in page
    far = client.get("/search?q=glioblstmaa", headers=JSON).get_json()  # three edits away
    assert far["total"] == 0 and far["no_result"]["closest"] == [
        {"typed": "glioblstmaa", "known": "glioblastoma"}
    ]


def test_words_no_dataset_has_are_left_out_and_named(sample_app: Flask) -> None:
    client = sample_app.test_client()
    data = client.get("/search?q=prostate xqzzyv", headers=JSON).get_json()
    assert data["total"] == 4 and data["unmatched"] == ["xqzzyv"]
    assert "<s>xqzzyv</s>" in client.get("/search?q=prostate xqzzyv").get_data(as_text=True)


def test_quotes_exclusions_and_or_keep_working(sample_app: Flask) -> None:
    search = sample_app.extensions["registry"].search
    lung = search.search(Query(text="lung", sort="relevance"), 50).total
    without_pet = search.search(Query(text="lung -PET", sort="relevance"), 50)
    assert 0 < without_pet.total < lung
    assert all("PET" not in c["titles"].get("en", "") for c in without_pet.cards)
    either = search.search(Query(text="glioblastoma OR neuroblastoma", sort="relevance"), 50)
    assert either.total == 8
    cut_short = search.search(Query(text="prost", sort="relevance"), 50)
    assert cut_short.total == 4 and not cut_short.corrected  # a last word as a prefix
    assert search.search(Query(text="prost* cancer", sort="relevance"), 50).total == 4
    phrase = search.search(Query(text='"cancer lung"', sort="relevance"), 50)
    assert phrase.total == 0  # a phrase keeps its order
    titles = search.search(Query(text="lung", sort="title"), 50).cards
    assert [c["titles"]["en"].casefold() for c in titles] == sorted(
        c["titles"]["en"].casefold() for c in titles
    )


def test_entries_are_rebuilt_when_the_vocabularies_change(registry: Registry) -> None:
    agents = len(registry.search.stamps())
    assert registry.index.reconcile() == 0
    registry.search.set_meta(VOCABULARIES, "an older digest")
    assert registry.index.reconcile() == agents  # every record again
    assert registry.search.meta(VOCABULARIES) == registry.index.thesaurus.digest() != ""

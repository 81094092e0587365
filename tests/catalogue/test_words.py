"""The pieces of text search that need no store: words, clauses, minimum-should-match,
spelling, tiers."""

from __future__ import annotations

from registry.catalogue.index.bitmaps import bitmap, positions
from registry.catalogue.index.matching import TextMatch, exactly
from registry.catalogue.index.query import MUST, NOT, SHOULD, parse, required
from registry.catalogue.index.spelling import Speller, allowed_distance, distance
from registry.catalogue.index.words import fold, forms, normal, terms


def test_words_are_folded_and_stemmed_in_their_own_language() -> None:
    assert fold("Pulmón") == "pulmon" and fold("Straße") == "strasse"
    assert normal("Mammographie", "de") == normal("mammography", "en")
    assert normal("cancers", "en") == normal("cancer", "en")
    assert normal("πνεύμονα", "el") in forms("Πνεύμονα")  # Greek: accents and case
    assert terms("ICD-10 C22.0 and 8170/3", "en") == ["icd", "10", "c220", "and", "81703"]
    assert normal("płuca", "pl") in forms("płuca")  # a typed word matches its Polish stem


def test_typed_text_becomes_clauses_never_query_syntax() -> None:
    clauses = parse('"lung cancer" -PET CT OR MR pro* PET-CT')
    assert [(c.text, c.kind) for c in clauses] == [
        ("lung cancer", MUST),
        ("PET", NOT),
        ("CT OR MR", SHOULD),
        ("pro*", SHOULD),
        ("PET-CT", SHOULD),
    ]
    assert clauses[3].expression == '"pro"*'
    assert '"pet ct"' in clauses[4].expression  # a hyphenated word is a phrase
    for text in ("NEAR(x", "col:umn", 'a"b', "AND", "^", "{title}: x"):
        assert all(c.expression.count('"') % 2 == 0 for c in parse(text)), text
    assert parse('"') == [] and parse("-") == []


def test_long_queries_need_most_of_their_words() -> None:
    assert [required(n) for n in range(1, 9)] == [1, 2, 2, 3, 4, 5, 5, 6]


def test_tiers_count_the_words_each_dataset_matches() -> None:
    a, b, c = bitmap([1, 2, 3]), bitmap([2, 3]), bitmap([3, 4])
    tiers = exactly([a, b, c], bitmap(range(6)))
    assert [positions(t) for t in tiers] == [[0, 5], [1, 4], [2], [3]]


def test_common_and_unknown_words_do_not_count_towards_the_minimum() -> None:
    everything = bitmap(range(10))
    cancer, poumon, du = everything, bitmap([1, 2]), bitmap(range(8))
    text = TextMatch(tuple(parse("cancer du poumon")), (cancer, du, poumon), 10)
    assert positions(text.hits(everything)) == [1, 2]  # not every "cancer du ..."
    unknown = TextMatch(tuple(parse("IRMX prostate")), (0, bitmap([4])), 10)
    assert positions(unknown.hits(everything)) == [4] and unknown.unmatched == ["IRMX"]
    excluded = TextMatch(tuple(parse("lung -PET")), (bitmap([1, 2, 3]), bitmap([2])), 10)
    assert positions(excluded.hits(everything)) == [1, 3]


def test_spelling_corrects_to_the_closest_word_some_dataset_has() -> None:
    assert distance("cancre", "cancer", 2) == 1  # a swap is one edit
    assert distance("prostrate", "prostate", 2) == 1
    assert distance("abc", "xyz", 1) == 2  # above the limit: limit + 1
    assert [allowed_distance(w) for w in ("ct", "lung", "cancr", "prostrate")] == [0, 1, 1, 2]
    speller = Speller({"prostate": "prost", "prostitute": "prostitut", "lung": "lung"})
    counts = {"prost": 4, "lung": 3}
    assert speller.correct("prostrate", lambda term: counts.get(term, 0)) == "prostate"
    assert speller.correct("lnug", lambda term: counts.get(term, 0)) == "lung"
    assert speller.correct("ct", lambda term: 1) is None  # too short to correct
    assert speller.correct("xylophone", lambda term: 1) is None

"""The generator: deterministic for a seed, valid against the profile, varied like the sample
catalogue, and the ``generate`` command writes the documented layout."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from registry.cli.generate import generate
from registry.profile.validation import load_profile
from registry.profile.vocabularies import Membership
from registry.rdf import formats
from registry.rdf.namespaces import CIR_VOCAB
from registry.synthetic import writer
from registry.synthetic.agents import PROVIDERS, agents
from registry.synthetic.records import record, records
from registry.synthetic.tables import COUNTRIES
from registry.synthetic.turtle import TABLE_PREFIXES, TURTLE, GeneratedFile, text

N = 40
SEED = 7
EUCAIM = "https://cancerimage.eu/ontology/EUCAIM#"
HEALTH = "http://healthdataportal.eu/ns/health#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
FOAF_AGENT = "http://xmlns.com/foaf/0.1/Agent"
CV = "http://data.europa.eu/m8g/"
MAIN_TYPES = {
    "breast-cancer", "colon-cancer", "lung-cancer", "prostate-cancer", "rectal-cancer",
    "liver-cancer", "dipg", "neuroblastoma", "glioblastoma",
}


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def parse(generated: GeneratedFile) -> list[ox.Triple]:
    return formats.parse(generated.data, generated.syntax)


def value_of(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """The IRI, blank node id or literal text of a term (the generator writes no RDF-star)."""
    assert not isinstance(term, ox.Triple), term
    return term.value


def membership() -> dict[str, Membership]:
    """Every concept of the registry's vocabularies, with the schemes it is in."""
    vocabularies = load_profile().vocabularies
    assert vocabularies is not None  # the shipped profile has its vocabularies
    return vocabularies.membership


def values(triples: list[ox.Triple], predicate: str) -> list[str]:
    return [value_of(t.object) for t in triples if t.predicate.value == predicate]


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def agent_triples() -> dict[str, list[ox.Triple]]:
    """Each agent's triples by the agent's IRI."""
    found = {}
    for agent in agents():
        triples = parse(agent)
        (iri,) = {value_of(t.subject) for t in triples if value_of(t.object) == FOAF_AGENT}
        found[iri] = triples
    return found


@pytest.fixture(scope="module")
def catalogue() -> list[list[ox.Triple]]:
    """200 parsed records: enough to see the spread of the fields."""
    return [parse(r) for r in records(200, seed=0)]


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    writer.write(tmp_path / "first", N, seed=3, workers=1)
    writer.write(tmp_path / "second", N, seed=3, workers=1)
    first, second = files_under(tmp_path / "first"), files_under(tmp_path / "second")
    assert len(first) == N + len(PROVIDERS) + len(COUNTRIES)
    assert first == second


def test_worker_processes_do_not_change_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "CHUNK", 7)  # several tasks for two processes
    one = writer.write(tmp_path / "one", N, seed=5, workers=1)
    two = writer.write(tmp_path / "two", N, seed=5, workers=2)
    assert one == two
    assert files_under(tmp_path / "one") == files_under(tmp_path / "two")


def test_different_seeds_write_different_records() -> None:
    first = [r.data for r in records(N, seed=1)]
    second = [r.data for r in records(N, seed=2)]
    assert not set(first) & set(second)


def test_the_first_records_do_not_depend_on_how_many_are_written() -> None:
    assert list(records(5, SEED)) == list(records(N, SEED))[:5]


def test_datasets_are_sharded_by_the_thousand() -> None:
    assert record(999).path == "datasets/000/000999.ttl"
    assert record(1234).path == "datasets/001/001234.ttl"


@pytest.mark.parametrize("index", range(N))
def test_every_record_conforms_with_its_agents(
    index: int, agent_triples: dict[str, list[ox.Triple]]
) -> None:
    generated = record(index, SEED)
    triples = parse(generated)
    assert len(triples) == generated.triples
    cited = sorted({value_of(t.object) for t in triples} & agent_triples.keys())
    assert len(cited) == 2, "a publisher and an HDAB"
    merged = triples + [t for iri in cited for t in agent_triples[iri]]
    report = load_profile().validate(formats.to_rdflib(merged))
    assert report.conforms, report.text()


def test_agents_conform_and_have_one_email_contact(
    agent_triples: dict[str, list[ox.Triple]]
) -> None:
    publisher_types = TABLE_PREFIXES["pt"]
    concepts = membership()
    for iri, triples in agent_triples.items():
        about = [t for t in triples if value_of(t.subject) == iri]
        assert values(about, "http://xmlns.com/foaf/0.1/name"), iri
        (kind,) = values(about, DCT + "type")
        assert kind.startswith(publisher_types) and kind in concepts
        (contact,) = values(about, CV + "contactPoint")
        contact_facts = [t for t in triples if value_of(t.subject) == contact]
        assert values(contact_facts, RDF_TYPE) == [CV + "ContactPoint"]
        assert len(values(contact_facts, CV + "email")) == 1
    merged = [t for triples in agent_triples.values() for t in triples]
    report = load_profile().validate(formats.to_rdflib(merged))
    assert report.conforms, report.text()


def test_datasets_cite_agents_without_describing_them(
    agent_triples: dict[str, list[ox.Triple]], catalogue: list[list[ox.Triple]]
) -> None:
    for triples in catalogue:
        assert not {value_of(t.subject) for t in triples} & agent_triples.keys()
        for predicate in (DCT + "publisher", HEALTH + "hdab"):
            (agent,) = values(triples, predicate)
            assert agent in agent_triples


def test_every_cited_code_is_in_the_registry_vocabularies(
    catalogue: list[list[ox.Triple]]
) -> None:
    concepts = membership()
    tables = (
        str(CIR_VOCAB), "http://publications.europa.eu/resource/authority/",
        "https://hdeu-dcat.data.health.europa.eu/resource/authority/",
    )
    unknown = {
        t.object.value
        for triples in catalogue
        for t in triples
        if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(tables)
        and t.object.value not in concepts
    }
    assert not unknown


def test_fields_are_spread_like_a_federation(catalogue: list[list[ox.Triple]]) -> None:
    conditions = Counter(local(c) for r in catalogue for c in values(r, EUCAIM + "hasCondition"))
    levels = {local(v) for r in catalogue for v in values(r, DCT + "accessRights")}
    countries = {v for r in catalogue for v in values(r, DCT + "spatial")}
    modalities = {local(v) for r in catalogue for v in values(r, EUCAIM + "hasImageModality")}
    assert MAIN_TYPES <= conditions.keys()
    assert sum(conditions[c] for c in MAIN_TYPES) > 0.8 * len(catalogue)
    assert set(conditions) - MAIN_TYPES, "now and then another condition"
    assert levels == {"PUBLIC", "NON_PUBLIC", "RESTRICTED"}
    assert len(countries) >= 8
    assert {"CT", "MR", "PT", "MG", "US", "SEG"} <= modalities
    segmented = sum(1 for r in catalogue if values(r, EUCAIM + "nbrOfSegmentations"))
    assert 0.3 * len(catalogue) < segmented < len(catalogue)


def test_fields_fit_together(catalogue: list[list[ox.Triple]]) -> None:
    for r in catalogue:
        condition = local(values(r, EUCAIM + "hasCondition")[0])
        modalities = {local(v) for v in values(r, EUCAIM + "hasImageModality")}
        sexes = {local(v) for v in values(r, EUCAIM + "hasBirthSex")}
        counts = {p: int(values(r, HEALTH + p)[0]) for p in (
            "numberOfUniqueIndividuals", "numberOfRecords", "minTypicalAge", "maxTypicalAge")}
        start, end = values(r, DCAT + "startDate")[0], values(r, DCAT + "endDate")[0]
        assert counts["numberOfUniqueIndividuals"] <= counts["numberOfRecords"]
        assert counts["minTypicalAge"] <= counts["maxTypicalAge"] <= 95
        assert start <= end
        for segmentations in values(r, EUCAIM + "nbrOfSegmentations"):
            assert int(segmentations) <= counts["numberOfRecords"] and "SEG" in modalities
        if condition in ("neuroblastoma", "dipg"):
            assert counts["maxTypicalAge"] <= 18
        if condition == "prostate-cancer":
            assert sexes == {"male"} and modalities <= {"MR", "PT", "CT", "US", "SEG"}
        if condition in ("glioblastoma", "dipg"):
            assert "MR" in modalities
        if condition == "breast-cancer":
            assert "female" in sexes and modalities & {"MG", "MR", "US"}
        level = local(values(r, DCT + "accessRights")[0])
        if level == "NON_PUBLIC":
            for field in ("contactPoint", "keyword"):
                assert values(r, DCAT + field)
            assert values(r, DCT + "type") and values(r, DCT + "provenance")


def test_records_have_50_to_150_triples(catalogue: list[list[ox.Triple]]) -> None:
    sizes = [len(r) for r in catalogue]
    assert 50 <= min(sizes) and max(sizes) <= 150


def test_literals_are_escaped() -> None:
    tricky = 'a "quoted" \\ back-slash\nand a new line\r'
    turtle = f"<http://x.example/s> <http://x.example/p> {text(tricky)} ."
    (triple,) = formats.parse(turtle.encode(), TURTLE)
    assert triple.object == ox.Literal(tricky, language="en")


def test_the_command_writes_agents_and_sharded_datasets(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    runner = CliRunner()
    result = runner.invoke(generate, ["--records", "30", "--seed", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "30 datasets and 75 agents" in result.output
    assert len(list((out / "agents").glob("*.ttl"))) == 75
    assert sorted(p.name for p in (out / "datasets" / "000").iterdir())[:2] == [
        "000000.ttl", "000001.ttl"
    ]
    assert (out / "datasets" / "000" / "000007.ttl").read_bytes() == record(7, 2).data
    again = runner.invoke(generate, ["--records", "3", "--out", str(out)])
    assert again.exit_code == 1 and "not empty" in again.output


def test_the_command_needs_a_count_and_a_folder() -> None:
    result = CliRunner().invoke(generate, ["--seed", "1"])
    assert result.exit_code == 2 and "--records" in result.output

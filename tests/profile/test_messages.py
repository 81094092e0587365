"""Validation messages as a provider reads them, through ``POST /api/validate``: each problem
once, unknown codes with the closest codes and their code list, datatypes with the fix, no
advice that repeats or contradicts a Violation; and the verdict always pySHACL's."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from rdflib import Graph
from rdflib.namespace import RDF, SH

from tests.conftest import DATA, SAMPLES

PROSTATE = DATA / "sample" / "datasets" / "chaimeleon-prostate-mr.ttl"
DATASET = "https://repository.chaimeleon.example/dataset/prostate-mr"
VOCAB = "https://w3id.org/cancer-image-registry/vocab/"


def validate(client: FlaskClient, *changes: tuple[str, str], body: str | None = None) -> Any:
    """The JSON report of the prostate sample with each (old, new) replaced."""
    text = body if body is not None else PROSTATE.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    response = client.post("/api/validate", data=text, content_type="text/turtle")
    assert response.status_code == 200, response.json
    return response.get_json()["report"]


def about(report: Any, path: str, severity: str = "Violation") -> list[dict[str, Any]]:
    return [
        r for r in report["results"] if r["path"] and r["path"].endswith(path)
        and r["severity"] == severity
    ]


def test_unknown_modality_suggests_the_closest_code_and_its_code_list(client: FlaskClient) -> None:
    report = validate(client, ("mod:MR, mod:SEG", "mod:MRI, mod:SEG"))
    [result] = about(report, "hasImageModality")
    assert f"Did you mean <{VOCAB}modality/MR> (Magnetic resonance)?" in result["message"]
    assert "/vocab/modality" in result["message"]
    assert "see /profile" not in result["message"]


def test_code_in_the_wrong_case_suggests_the_code(client: FlaskClient) -> None:
    report = validate(client, ("body:PROSTATE", "body:prostate"))
    [result] = about(report, "hasImageBodyPart")
    assert f"Did you mean <{VOCAB}body-part/PROSTATE> (Prostate)?" in result["message"]


def test_code_from_another_list_names_that_list(client: FlaskClient) -> None:
    report = validate(client, ("mod:MR, mod:SEG", "body:PROSTATE, mod:SEG"))
    [result] = about(report, "hasImageModality")
    assert "is a code of the registry DICOM body parts examined" in result["message"]
    assert "Did you mean" not in result["message"]


def test_plain_number_count_names_the_datatype_and_the_fix(client: FlaskClient) -> None:
    report = validate(client, ('"874"^^xsd:nonNegativeInteger', "874"))
    [result] = about(report, "numberOfRecords")
    assert result["message"] == (
        "healthdcatap:numberOfRecords needs the datatype xsd:nonNegativeInteger; 874 is an "
        "xsd:integer (what a plain number is in Turtle). Write healthdcatap:numberOfRecords "
        '"874"^^xsd:nonNegativeInteger .'
    )


def test_text_where_a_count_belongs_keeps_the_example(client: FlaskClient) -> None:
    report = validate(client, ('"874"^^xsd:nonNegativeInteger', '"many"'))
    [result] = about(report, "numberOfRecords")
    assert result["message"].startswith('"many" is not a valid xsd:nonNegativeInteger')
    assert '"8789"^^xsd:nonNegativeInteger' in result["message"]


def test_unregistered_agent_is_one_readable_result(client: FlaskClient) -> None:
    agent = "https://repository.chaimeleon.example/id/repository"
    report = validate(client, (f"<{agent}>", "<https://unregistered.example/org>"))
    [result] = about(report, "publisher")
    assert result["message"].startswith(
        "<https://unregistered.example/org> is described neither in this description nor by "
        "a registered agent: register the agent first"
    )


def test_a_wrong_health_theme_is_reported_once(client: FlaskClient) -> None:
    """Release 8's shape (sh:class skos:Concept), the vocabulary shape and the imaging
    shape's recommendation of CANCER_DISEASE all fired on one value."""
    report = validate(client, ("htheme:CANCER_DISEASE", "htheme:CANCER"))
    results = [r for r in report["results"] if r["path"].endswith("healthTheme")]
    assert [r["severity"] for r in results] == ["Violation"]
    assert "Did you mean <https://hdeu-dcat.data.health.europa.eu/resource/authority/health-theme/CANCER_DISEASE>" in results[0]["message"]


def test_a_media_type_answers_the_format_recommendation(client: FlaskClient) -> None:
    report = validate(client)
    distribution = DATASET + "-remote"  # DICOM: dcat:mediaType, no dct:format
    assert not [r for r in report["results"] if r["focusNode"] == distribution]
    without = validate(
        client,
        ("    dcat:mediaType <https://www.iana.org/assignments/media-types/application/dicom> ;\n", ""),
    )
    [warning] = [r for r in without["results"] if r["focusNode"] == distribution]
    assert warning["severity"] == "Warning" and "dcat:mediaType" in warning["message"]


def test_no_hint_about_eu_bodies_on_every_dataset(client: FlaskClient) -> None:
    report = validate(client)
    assert not [r for r in report["results"] if "corporate-body" in r["message"]]


@pytest.mark.parametrize(
    "changes",
    [
        (("mod:MR, mod:SEG", "mod:MRI, mod:SEG"), ('"874"^^xsd:nonNegativeInteger', "874")),
        (("htheme:CANCER_DISEASE", "htheme:CANCER"), ("body:PROSTATE", "body:prostate")),
        (("<https://hdab.es.example/id/hdab>", "<https://unknown.example/hdab>"),),
        (('"83"^^xsd:nonNegativeInteger', "300"),),
    ],
    ids=["modality-and-count", "theme-and-body-part", "hdab", "age"],
)
def test_each_problem_once_and_the_verdict_unchanged(
    client: FlaskClient, changes: tuple[tuple[str, str], ...]
) -> None:
    """The results name each (severity, node, property, value) once, and their Violations
    cover exactly the (node, property) pairs of pySHACL's own report."""
    text = PROSTATE.read_text(encoding="utf-8")
    for old, new in changes:
        text = text.replace(old, new)
    report = validate(client, body=text)
    keys = [(r["severity"], r["focusNode"], r["path"], r["value"], r["message"]) for r in report["results"]]
    assert len(keys) == len(set(keys))
    assert len({k[:4] for k in keys}) == len(keys)
    turtle = client.post(
        "/api/validate", data=text, content_type="text/turtle", headers={"Accept": "text/turtle"}
    )
    graph = Graph().parse(data=turtle.data, format="turtle")
    raw = {
        (str(graph.value(r, SH.focusNode)), str(graph.value(r, SH.resultPath)))
        for r in graph.subjects(RDF.type, SH.ValidationResult)
        if graph.value(r, SH.resultSeverity) == SH.Violation
        and (None, SH.detail, r) not in graph
    }
    worded = {(r["focusNode"], r["path"]) for r in report["results"] if r["severity"] == "Violation"}
    assert worded == raw and report["conforms"] is (not raw)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_samples_still_conform(client: FlaskClient, path) -> None:
    body = path.read_bytes()
    content_type = "application/ld+json" if path.suffix == ".jsonld" else "text/turtle"
    response = client.post("/api/validate", data=body, content_type=content_type)
    assert response.get_json()["conforms"], response.json

"""OAI-PMH over the dataset records: the six verbs, resumption tokens over a fixed walk,
from/until, persistent deleted records, every error code, and well-formed XML always."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime, timedelta

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from registry.federation.listing import SETTLE
from registry.rdf import formats
from registry.records.write import withdraw_record
from registry.runtime import Registry
from tests.conftest import BASE_IRI
from tests.federation.harvest.harvesting import (
    START,
    assert_each_dataset_conforms,
    revised,
    sample_description,
    submitted,
)

NS = {"o": "http://www.openarchives.org/OAI/2.0/"}
RDF_XML = next(s for s in formats.DOCUMENT_SYNTAXES if s.suffix == "rdf")
RDF_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"


def oai(client: FlaskClient, **arguments: str) -> ElementTree.Element:
    """One OAI-PMH request; its answer, parsed (so well-formed)."""
    response = client.get("/oai", query_string=arguments)
    assert response.status_code == 200 and response.mimetype == "text/xml"
    return ElementTree.fromstring(response.data)


def error(answer: ElementTree.Element) -> str | None:
    found = answer.find("o:error", NS)
    return None if found is None else found.get("code")


def harvest(client: FlaskClient, verb: str, **arguments: str) -> list[ElementTree.Element]:
    """Every answer of a list, following resumption tokens."""
    answers = [oai(client, verb=verb, **arguments)]
    while True:
        token = answers[-1].find(f"o:{verb}/o:resumptionToken", NS)
        if token is None or not token.text:
            return answers
        answers.append(oai(client, verb=verb, resumptionToken=token.text))


def metadata_of(record: ElementTree.Element | None) -> ElementTree.Element:
    """The one element inside a record's <metadata>."""
    assert record is not None
    metadata = record.find("o:metadata", NS)
    assert metadata is not None
    (inside,) = list(metadata)
    return inside


def identifiers(answers: list[ElementTree.Element]) -> list[str]:
    return [h.text or "" for a in answers for h in a.iter(f"{{{NS['o']}}}identifier")]


def test_identify(harvest_client: FlaskClient, sample_ids: dict[str, str]) -> None:
    identify = oai(harvest_client, verb="Identify").find("o:Identify", NS)
    assert identify is not None
    read = {child.tag.split("}")[1]: child.text for child in identify}
    assert read == {
        "repositoryName": "Cancer Image Registry",
        "baseURL": BASE_IRI + "oai",
        "protocolVersion": "2.0",
        "adminEmail": "catalogue@cancer-imaging-federation.example",
        "earliestDatestamp": "2025-01-01T00:00:01Z",
        "deletedRecord": "persistent",
        "granularity": "YYYY-MM-DDThh:mm:ssZ",
    }


def test_list_metadata_formats(harvest_client: FlaskClient, sample_ids: dict[str, str]) -> None:
    answer = oai(harvest_client, verb="ListMetadataFormats")
    assert [p.text for p in answer.iter(f"{{{NS['o']}}}metadataPrefix")] == ["dcat_ap"]
    record = BASE_IRI + "record/" + next(iter(sample_ids.values()))
    assert error(oai(harvest_client, verb="ListMetadataFormats", identifier=record)) is None
    unknown = oai(harvest_client, verb="ListMetadataFormats", identifier=record + "0")
    assert error(unknown) == "idDoesNotExist"


def test_list_records_pages_through_every_dataset_and_each_conforms(
    harvest_client: FlaskClient, harvest_registry: Registry, sample_ids: dict[str, str]
) -> None:
    answers = harvest(harvest_client, "ListRecords", metadataPrefix="dcat_ap")
    tokens = [a.find("o:ListRecords/o:resumptionToken", NS) for a in answers]
    assert [t.get("cursor") for t in tokens if t is not None] == ["0", "10", "20", "30"]
    assert {t.get("completeListSize") for t in tokens if t is not None} == {"36"}
    found = identifiers(answers)
    assert len(found) == len(set(found)) == len(sample_ids)
    assert set(found) == {BASE_IRI + "record/" + i for i in sample_ids.values()}
    validated = 0
    for record in (r for a in answers for r in a.iter(f"{{{NS['o']}}}record")):
        rdf = metadata_of(record)
        assert rdf.tag == RDF_RDF  # piveau reads the first child of <metadata>
        triples = formats.parse(ElementTree.tostring(rdf), RDF_XML)
        validated += assert_each_dataset_conforms(harvest_registry, triples, "ListRecords")
    assert validated == len(sample_ids)


def test_list_identifiers_and_get_record(
    harvest_client: FlaskClient, sample_ids: dict[str, str]
) -> None:
    answers = harvest(harvest_client, "ListIdentifiers", metadataPrefix="dcat_ap")
    found = identifiers(answers)
    assert len(found) == len(sample_ids)
    assert not [m for a in answers for m in a.iter(f"{{{NS['o']}}}metadata")]
    got = oai(harvest_client, verb="GetRecord", identifier=found[0], metadataPrefix="dcat_ap")
    assert got.find("o:GetRecord/o:record/o:header/o:datestamp", NS).text == "2025-01-01T00:00:01Z"  # type: ignore[union-attr]
    rdf = metadata_of(got.find("o:GetRecord/o:record", NS))
    described = {t.subject.value for t in formats.parse(ElementTree.tostring(rdf), RDF_XML)}
    assert found[0] in described


def test_a_withdrawn_record_keeps_a_deleted_header(
    harvest_client: FlaskClient, harvest_registry: Registry, sample_ids: dict[str, str]
) -> None:
    record_id = sorted(sample_ids.values())[0]
    identifier = BASE_IRI + "record/" + record_id
    withdraw_record(harvest_registry.records, record_id, now=START + timedelta(days=1))
    got = oai(harvest_client, verb="GetRecord", identifier=identifier, metadataPrefix="dcat_ap")
    header = got.find("o:GetRecord/o:record/o:header", NS)
    assert header is not None and header.get("status") == "deleted"
    assert header.find("o:datestamp", NS).text == "2025-01-02T00:00:00Z"  # type: ignore[union-attr]
    assert got.find("o:GetRecord/o:record/o:metadata", NS) is None
    listed = harvest(harvest_client, "ListIdentifiers", metadataPrefix="dcat_ap")
    deleted = [
        h.find("o:identifier", NS).text  # type: ignore[union-attr]
        for a in listed
        for h in a.iter(f"{{{NS['o']}}}header")
        if h.get("status") == "deleted"
    ]
    assert deleted == [identifier] and len(identifiers(listed)) == len(sample_ids)
    since = oai(
        harvest_client, verb="ListIdentifiers", metadataPrefix="dcat_ap", **{"from": "2025-01-02"}
    )
    assert identifiers([since]) == [identifier]


@pytest.mark.parametrize(
    ("window", "count"),
    [
        ({"from": "2025-01-01T00:00:30Z"}, 7),
        ({"until": "2025-01-01T00:00:05Z"}, 5),
        ({"from": "2025-01-01T00:00:02Z", "until": "2025-01-01T00:00:03Z"}, 2),
        ({"from": "2025-01-01"}, 36),
        ({"from": "2025-01-01", "until": "2025-01-01"}, 36),
    ],
)
def test_from_and_until_select_by_datestamp(
    harvest_client: FlaskClient, sample_ids: dict[str, str], window: dict[str, str], count: int
) -> None:
    answers = harvest(harvest_client, "ListIdentifiers", metadataPrefix="dcat_ap", **window)
    assert len(identifiers(answers)) == count


def test_lists_do_not_shift_while_records_change(
    harvest_client: FlaskClient, harvest_registry: Registry, sample_ids: dict[str, str]
) -> None:
    reference = identifiers(harvest(harvest_client, "ListIdentifiers", metadataPrefix="dcat_ap"))
    first = oai(harvest_client, verb="ListIdentifiers", metadataPrefix="dcat_ap")
    token = first.find("o:ListIdentifiers/o:resumptionToken", NS)
    assert token is not None and token.text
    by_id = {v: k for k, v in sample_ids.items()}
    withdraw_record(harvest_registry.records, reference[3].rsplit("/", 1)[1])
    withdraw_record(harvest_registry.records, reference[14].rsplit("/", 1)[1])
    changed = sample_description(by_id[reference[25].rsplit("/", 1)[1]])
    submitted(harvest_registry, revised(changed))
    answers = [first]
    while token is not None and token.text:
        answers.append(oai(harvest_client, verb="ListIdentifiers", resumptionToken=token.text))
        token = answers[-1].find("o:ListIdentifiers/o:resumptionToken", NS)
    assert identifiers(answers) == reference
    assert {
        t.get("completeListSize") for a in answers for t in a.iter(f"{{{NS['o']}}}resumptionToken")
    } == {"36"}


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Dance"}, "badVerb"),
        ({"verb": "Identify", "metadataPrefix": "dcat_ap"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "dcat_ap", "colour": "red"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "dcat_ap", "from": "yesterday"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "dcat_ap", "from": "2025-02-30"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "dcat_ap", "from": "2025-01-01T00:00:00"},
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "dcat_ap",
                "from": "2025-01-01",
                "until": "2025-01-02T00:00:00Z",
            },
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "dcat_ap",
                "from": "2025-02-01",
                "until": "2025-01-01",
            },
            "badArgument",
        ),
        ({"verb": "ListRecords", "resumptionToken": "x", "from": "2025-01-01"}, "badArgument"),
        (
            {"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "resumptionToken": "zzz"}, "badResumptionToken"),
        (
            {"verb": "ListRecords", "resumptionToken": "v1.29991231000000.-.-.10"},
            "badResumptionToken",
        ),
        (
            {"verb": "ListRecords", "resumptionToken": "v1.20250102000000.-.-.0"},
            "badResumptionToken",
        ),
        (
            {"verb": "ListRecords", "resumptionToken": "v1.20250102000000.-.-.36"},
            "badResumptionToken",
        ),
        (
            {"verb": "ListRecords", "resumptionToken": "v1.20251302000000.-.-.10"},
            "badResumptionToken",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc"}, "cannotDisseminateFormat"),
        ({"verb": "GetRecord", "metadataPrefix": "dcat_ap", "identifier": "x"}, "idDoesNotExist"),
        (
            {
                "verb": "GetRecord",
                "metadataPrefix": "dcat_ap",
                "identifier": BASE_IRI + "record/\x01",
            },
            "idDoesNotExist",
        ),
        ({"verb": "GetRecord", "identifier": "x"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "dcat_ap", "from": "2030-01-01"},
            "noRecordsMatch",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "dcat_ap", "set": "lungs"}, "noSetHierarchy"),
        ({"verb": "ListSets"}, "noSetHierarchy"),
    ],
)
def test_error_codes(
    harvest_client: FlaskClient, sample_ids: dict[str, str], arguments: dict[str, str], code: str
) -> None:
    answer = oai(harvest_client, **arguments)
    assert error(answer) == code
    request = answer.find("o:request", NS)
    assert request is not None and request.text == BASE_IRI + "oai"
    if code in ("badVerb", "badArgument"):
        assert not request.attrib  # section 3.6: not echoed


def test_a_repeated_argument_is_refused(harvest_client: FlaskClient) -> None:
    answer = harvest_client.get("/oai?verb=Identify&verb=Identify")
    assert error(ElementTree.fromstring(answer.data)) == "badVerb"
    answer = harvest_client.get("/oai?verb=ListRecords&metadataPrefix=dcat_ap&metadataPrefix=x")
    assert error(ElementTree.fromstring(answer.data)) == "badArgument"


def test_post_is_answered_as_get(harvest_client: FlaskClient, sample_ids: dict[str, str]) -> None:
    posted = harvest_client.post(
        "/oai", data={"verb": "ListIdentifiers", "metadataPrefix": "dcat_ap"}
    )
    assert posted.status_code == 200
    assert identifiers([ElementTree.fromstring(posted.data)]) == identifiers(
        [oai(harvest_client, verb="ListIdentifiers", metadataPrefix="dcat_ap")]
    )


def test_piveau_sends_the_prefix_beside_the_token(
    harvest_client: FlaskClient, sample_ids: dict[str, str]
) -> None:
    first = oai(harvest_client, verb="ListRecords", metadataPrefix="dcat_ap")
    token = first.find("o:ListRecords/o:resumptionToken", NS)
    assert token is not None and token.text
    second = oai(
        harvest_client, verb="ListRecords", metadataPrefix="dcat_ap", resumptionToken=token.text
    )
    assert error(second) is None and len(identifiers([second])) == 10


def test_a_control_character_in_a_literal_leaves_the_xml_well_formed(
    harvest_client: FlaskClient, harvest_registry: Registry, sample_ids: dict[str, str]
) -> None:
    dataset = sorted(sample_ids)[0]
    title = ox.NamedNode("http://purl.org/dc/terms/title")
    triples = [
        ox.Triple(
            t.subject,
            t.predicate,
            ox.Literal("bell\x07" + t.object.value, language=t.object.language),
        )
        if t.predicate == title and isinstance(t.object, ox.Literal) and t.subject.value == dataset
        else t
        for t in sample_description(dataset)
    ]
    record_id = submitted(harvest_registry, triples)
    identifier = BASE_IRI + "record/" + record_id
    got = oai(harvest_client, verb="GetRecord", identifier=identifier, metadataPrefix="dcat_ap")
    assert "bell\ufffd" in ElementTree.tostring(got, encoding="unicode")
    for number in range(1, 5):  # the catalogue pages in RDF/XML parse too
        ElementTree.fromstring(harvest_client.get(f"/catalog.rdf?page={number}").data)


def test_a_list_is_dated_as_of_the_moment_it_shows(
    harvest_client: FlaskClient, harvest_registry: Registry, sample_ids: dict[str, str]
) -> None:
    """A harvester asks next ``from`` the last responseDate: a list dated when it was served
    would hide the records changed in the settling moment before it, for good."""
    first = oai(harvest_client, verb="ListIdentifiers", metadataPrefix="dcat_ap")
    date = first.find("o:responseDate", NS).text  # type: ignore[union-attr]
    token = first.find("o:ListIdentifiers/o:resumptionToken", NS).text  # type: ignore[union-attr]
    assert date and token
    as_of = datetime.strptime(token.split(".")[1], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    assert date == as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert as_of <= datetime.now(UTC) - SETTLE
    record_id = next(iter(sample_ids.values()))
    changed = submitted(harvest_registry, revised(sample_description(next(iter(sample_ids)))))
    assert changed == record_id
    got = oai(
        harvest_client,
        verb="GetRecord",
        identifier=BASE_IRI + "record/" + record_id,
        metadataPrefix="dcat_ap",
    )
    stamp = got.find("o:GetRecord/o:record/o:header/o:datestamp", NS).text  # type: ignore[union-attr]
    assert stamp and stamp >= date  # so `from=<date>` will list it
    identify = oai(harvest_client, verb="Identify").find("o:responseDate", NS).text  # type: ignore[union-attr]
    assert identify and identify > date  # other answers are dated when served

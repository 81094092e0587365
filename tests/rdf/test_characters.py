"""Characters XML 1.0 cannot carry are refused at parse, with line and column
(``rdf.characters``): a regression of the hostile-client review (issue "Hardening": a NUL in a
literal was accepted, then ``/datasets/<id>.rdf`` and SPARQL XML answers were not
well-formed)."""

from __future__ import annotations

import re
from xml.dom.minidom import parseString

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from registry.errors import RdfSyntaxError
from registry.rdf import formats
from registry.records.submission import submit
from registry.runtime import Registry
from tests.conftest import PROSTATE, TURTLE

DATASET = "https://datasets.procancer-i.example/open-challenge-prostate-v1"
RDF_XML_HEAD = (
    '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
    '<rdf:Description rdf:about="http://e.org/s">'
)

UNWRITABLE = [
    ("text/turtle", '<http://e.org/s> <http://e.org/p>\n  "a\\u0000b" .', (2, 5), "U+0000"),
    ("text/turtle", '<http://e.org/s> <http://e.org/p>\n  "ab\x00c" .', (2, 6), "U+0000"),
    ("text/turtle", '<http://e.org/s> <http://e.org/p> "\\uFFFE" .', (1, 36), "U+FFFE"),
    ("application/n-triples", '<http://e.org/s> <http://e.org/p> "\\U0000001B" .', (1, 36), "U+001B"),
    ("application/ld+json", '{"@id": "http://e.org/s",\n "http://e.org/p": "x\\u0001y"}', (2, 22), "U+0001"),
    ("application/rdf+xml", RDF_XML_HEAD + "<rdf:value>a&#x1;b</rdf:value></rdf:Description></rdf:RDF>", (3, 57), "U+0001"),
]


@pytest.mark.parametrize("media_type, body, where, code", UNWRITABLE, ids=lambda v: str(v)[:24])
def test_invalid_xml_output_characters_are_refused_at_parse(
    media_type: str, body: str, where: tuple[int, int], code: str
) -> None:
    syntax = formats.syntax_for_media_type(media_type)
    with pytest.raises(RdfSyntaxError, match=re.escape(code)) as caught:
        formats.parse(body.encode("utf-8"), syntax)
    assert (caught.value.details["line"], caught.value.details["column"]) == where
    assert "XML 1.0" in caught.value.message


def test_tabs_newlines_and_escaped_letters_stay_accepted() -> None:
    body = '<http://e.org/s> <http://e.org/p> "tab\\t new\\n line\\r caf\\u00e9 \\U0001F600" .'
    (triple,) = formats.parse(body.encode(), TURTLE)
    assert isinstance(triple.object, ox.Literal)
    assert triple.object.value == "tab\t new\n line\r café \U0001f600"


def test_invalid_xml_output_a_nul_in_a_submission_is_refused(client: FlaskClient) -> None:
    body = PROSTATE.read_bytes() + f'<{DATASET}> <http://purl.org/dc/terms/alternative> "x\\u0000" .\n'.encode()
    response = client.post("/api/validate", data=body, headers={"Content-Type": "text/turtle"})
    assert response.status_code == 400
    assert "U+0000" in response.get_json()["message"]


def test_a_record_with_a_tab_in_a_literal_is_well_formed_rdf_xml(
    registry: Registry, client: FlaskClient
) -> None:
    body = PROSTATE.read_bytes() + f'<{DATASET}> <http://purl.org/dc/terms/alternative> "a\\tb\\u0085c" .\n'.encode()
    accepted = submit(registry.records, body, TURTLE)
    answer = client.get(f"/datasets/{accepted.record_id}.rdf")
    assert answer.status_code == 200
    parseString(answer.data)  # raises if not well-formed

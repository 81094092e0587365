"""RDF/XML DTD entities are bounded before Oxigraph expands them: a finding of the
hostile-client review (issue "Hardening"), kept fixed (the request limits it found are in
``tests/web/test_request_limits.py``)."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from registry.errors import RdfSyntaxError
from registry.rdf import formats

RDF_XML = formats.syntax_for_media_type("application/rdf+xml")

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about="http://ex.org/s"><rdf:value>&f;</rdf:value></rdf:Description>
</rdf:RDF>
"""

ABBREVIATIONS = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY ex "http://ex.org/">
 <!ENTITY xsd "http://www.w3.org/2001/XMLSchema#">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about="&ex;s"><rdf:value rdf:datatype="&xsd;string">v</rdf:value>
 </rdf:Description>
</rdf:RDF>
"""


def test_entity_expansion_is_refused_before_it_is_expanded(client: FlaskClient) -> None:
    started = time.monotonic()
    response = client.post(
        "/api/validate", data=LAUGHS, headers={"Content-Type": "application/rdf+xml"}
    )
    assert response.status_code == 400
    assert "refers to other entities" in response.get_json()["message"]
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "declaration",
    [
        b'<!ENTITY e SYSTEM "file:///etc/passwd">',
        b'<!ENTITY % p "x">',
        b'<!ENTITY e "&#38;x;">',  # a character reference that becomes a reference
        b'<!ENTITY e "<rdf:value>x</rdf:value>">',
    ],
)
def test_external_parameter_and_disguised_entities_are_refused(declaration: bytes) -> None:
    body = ABBREVIATIONS.replace(b' <!ENTITY ex "http://ex.org/">', declaration)
    with pytest.raises(RdfSyntaxError, match="entit"):
        formats.parse(body, RDF_XML)


def test_entity_expansion_is_capped_even_without_nesting() -> None:
    value = b"x" * 2_000
    body = ABBREVIATIONS.replace(b'"http://ex.org/"', b'"' + value + b'"').replace(
        b">v<", b">" + b"&ex;" * 2_500 + b"<"
    )
    with pytest.raises(RdfSyntaxError, match="would add 5,00[0-9,]+ characters"):
        formats.parse(body, RDF_XML)


def test_plain_entities_abbreviating_namespaces_still_parse() -> None:
    triples = formats.parse(ABBREVIATIONS, RDF_XML)
    assert [t.subject for t in triples] == [ox.NamedNode("http://ex.org/s")]

"""Characters XML 1.0 cannot carry are refused in a description, so that everything the
registry stores can be written as RDF/XML, SPARQL XML results and HTML.

RDF allows any Unicode string in a literal, and Turtle, N-Triples and JSON-LD can escape NUL
(``\\u0000``); but XML 1.0 allows only ``#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
[#x10000-#x10FFFF]`` (https://www.w3.org/TR/xml/#charsets): a stored NUL made
``/datasets/<id>.rdf`` and catalogue-wide SPARQL XML answers not well-formed.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from registry.errors import RdfSyntaxError
from registry.rdf.namespaces import named

UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""A character outside XML 1.0's ``Char`` production."""
_SUSPECT = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]|\\[uU]|&#")
"""What in a document can give such a character: the character itself or an escape
(a string escape, an XML character reference). Documents without any are not checked
further, so the large files the registry ships cost one scan."""
_ESCAPE = re.compile(rb"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})|&#x([0-9A-Fa-f]+);|&#([0-9]+);")


def refuse_unwritable(data: bytes, triples: list[ox.Triple], syntax_name: str) -> None:
    """Raise RdfSyntaxError, with line and column where the document shows it, if a term of
    ``triples`` holds a character XML 1.0 cannot carry."""
    if not _SUSPECT.search(data):
        return
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if not isinstance(term, ox.NamedNode | ox.Literal):
                continue
            found = UNWRITABLE.search(term.value)
            if found:
                code = ord(found.group())
                what = "an IRI" if isinstance(term, ox.NamedNode) else "the value"
                raise RdfSyntaxError(
                    f"{syntax_name}: {what} of {named(triple.predicate)} on "
                    f"{named(triple.subject)} "
                    f"holds the character U+{code:04X}, which XML 1.0 cannot carry (the "
                    "record could not be published as RDF/XML); remove it",
                    *position(data, code),
                )


def position(data: bytes, code: int) -> tuple[int | None, int | None]:
    """Return the line and column (1-based, in characters) of the first place ``data``
    writes the character ``code``, raw or escaped; (None, None) if it is not found."""
    places = [data.find(chr(code).encode("utf-8", "surrogatepass"))]
    for match in _ESCAPE.finditer(data):
        digits = next(group for group in match.groups() if group is not None)
        base = 10 if match.group(4) is not None else 16
        if int(digits[:8], base) == code:
            places.append(match.start())
            break
    found = [place for place in places if place >= 0]
    if not found:
        return None, None
    start = min(found)
    line_start = data.rfind(b"\n", 0, start) + 1
    column = len(data[line_start:start].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, start) + 1, column

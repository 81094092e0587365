"""Bound what DTD entities can do in an RDF/XML body before any parser expands them.

RDF/XML may declare internal entities in its DOCTYPE (ontologies use them to abbreviate
namespaces: ``<!ENTITY xsd "http://www.w3.org/2001/XMLSchema#">``), and Oxigraph's parser
expands them, nested ones included, without a limit: 737 bytes of nested entities ("billion
laughs", https://en.wikipedia.org/wiki/Billion_laughs_attack) made it allocate 8 GB. The
prolog is read here with expat, which stops at the first element, so nothing is expanded:
an entity may be declared only with a plain value (no reference to another entity, no
markup, no external or parameter entity), and the text its references add to the document
is counted and capped.
"""

from __future__ import annotations

import re
from xml.parsers import expat

from registry.errors import RdfSyntaxError

MAX_ENTITIES = 100
MAX_ENTITY_VALUE = 2_000
MAX_EXPANSION = 4_000_000
"""Characters that entity references may add to one document, beyond its own size."""

_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


class _PrologRead(Exception):
    """Raised at the first element: the DTD's internal subset has been read."""


def check_entities(data: bytes) -> None:
    """Refuse an RDF/XML body whose DTD entities are nested, external, or expand too far."""
    if not _DECLARATION.search(data):
        return
    declared: dict[str, str] = {}

    def declaration(name: str, is_parameter: bool, value: str | None, *_: object) -> None:
        if is_parameter or value is None:
            raise RdfSyntaxError(
                f"RDF/XML: the DTD declares the {'parameter' if is_parameter else 'external'} "
                f"entity {name!r}; only internal entities with plain text values are read."
            )
        if "&" in value or "<" in value or len(value) > MAX_ENTITY_VALUE:
            raise RdfSyntaxError(
                f"RDF/XML: the entity {name!r} refers to other entities, holds markup or is "
                f"longer than {MAX_ENTITY_VALUE} characters; declare each entity as plain text."
            )
        declared[name] = value
        if len(declared) > MAX_ENTITIES:
            raise RdfSyntaxError(f"RDF/XML: more than {MAX_ENTITIES} entities are declared.")

    def first_element(*_: object) -> None:
        raise _PrologRead

    parser = expat.ParserCreate("utf-8")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = declaration
    parser.StartElementHandler = first_element
    try:
        parser.Parse(data, True)
    except _PrologRead:
        pass
    except expat.ExpatError as error:
        raise RdfSyntaxError(
            f"RDF/XML: {expat.ErrorString(error.code)}", error.lineno, error.offset
        ) from None
    added = sum(
        data.count(b"&" + name.encode() + b";") * len(value) for name, value in declared.items()
    )
    if added > MAX_EXPANSION:
        raise RdfSyntaxError(
            f"RDF/XML: the entity references would add {added:,} characters to the document "
            f"(at most {MAX_EXPANSION:,}); write the values out instead."
        )

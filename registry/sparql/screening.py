"""What a query may do, decided on its parse tree before Oxigraph evaluates it.

A lexical check beside a real parser drifts from it: one read the ``#`` of an escaped local
name (``ex:a\\#``) as a comment, missed the ``SERVICE`` after it, and Oxigraph then called
the host. pyoxigraph does not expose its parse, so each query is parsed a second time, with
rdflib's SPARQL 1.1 grammar, and the decisions are taken on that tree: the hosts ``SERVICE``
calls, and whether the query names its own dataset (``FROM``, ``FROM NAMED``). A query rdflib
cannot read is refused, never let through: both parsers must read a query before it runs.

This runs in the query workers (``workers``), under their timeout and memory cap: pyparsing
takes tens of milliseconds for an ordinary query and seconds for a large one.
Federated query: https://www.w3.org/TR/sparql11-federated-query/
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.parser import Query as QUERY_GRAMMAR
from rdflib.plugins.sparql.parser import UpdateUnit as UPDATE_GRAMMAR
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

from registry.rdf.namespaces import PREFIXES

CACHED_LENGTH = 10_000
"""Queries up to this many characters keep their verdict (examples and clients repeat them)."""

_CODEPOINT = re.compile(r"\\\\|\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
"""A codepoint escape, or an escaped backslash (whose ``u`` after it starts no escape)."""
_LOCAL_ESCAPE = re.compile(r"\\(.)")


class Refusal(Exception):
    """The query is not evaluated. ``kind``: update, service or syntax."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Screened:
    """What the parse tree says about a query that may run."""

    services: tuple[str, ...]
    """The IRIs its ``SERVICE`` clauses call (each on the allow-list)."""
    has_dataset: bool
    """Whether it names its dataset (``FROM``, ``FROM NAMED``)."""


def screen(query: str, base_iri: str, allowed_hosts: frozenset[str]) -> Screened:
    """Parse ``query`` and refuse it unless each ``SERVICE`` names an allowed host.

    Raises ``Refusal``: an update (read-only endpoint), a ``SERVICE`` named by a variable or
    calling a host off the allow-list, or a text rdflib cannot read.
    """
    if len(query) <= CACHED_LENGTH:
        return _screen_cached(query, base_iri, allowed_hosts)
    return _screen(query, base_iri, allowed_hosts)


@lru_cache(maxsize=256)
def _screen_cached(query: str, base_iri: str, allowed_hosts: frozenset[str]) -> Screened:
    return _screen(query, base_iri, allowed_hosts)


def _screen(query: str, base_iri: str, allowed_hosts: frozenset[str]) -> Screened:
    tree = parse(query)
    base, prefixes = prologue(tree[0], base_iri)
    services, has_dataset = [], False
    for node in nodes(tree):
        if node.name == "DatasetClause":
            has_dataset = True
        elif node.name == "ServiceGraphPattern":
            services.append(service_target(node["term"], base, prefixes, allowed_hosts))
    return Screened(tuple(services), has_dataset)


def lexed_as_oxigraph(query: str) -> str:
    """Return the text rdflib's grammar must read to split it into the tokens Oxigraph does.

    Oxigraph ends a comment at a carriage return as at a line feed (the grammar's end of
    line); rdflib's comment runs to the line feed, so it would hide a ``SERVICE`` that follows
    a lone CR. Oxigraph reads ``\\u`` and ``\\U`` escapes inside strings and IRIs; rdflib
    expands them everywhere before parsing, which would let an escaped quote close a string
    that Oxigraph keeps open. So only escapes of letters, digits and non-ASCII characters are
    expanded here: inside strings, IRIs and comments they change no token boundary, and
    anywhere else Oxigraph refuses them. Any other escape stays, and rdflib refuses it.
    """

    def expand(match: re.Match[str]) -> str:
        digits = match.group(1) or match.group(2)
        if digits is None:  # an escaped backslash stays, and so does the "u" after it
            return match.group()
        code = int(digits, 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:  # no character: Oxigraph refuses it
            return match.group()
        character = chr(code)
        harmless = character.isalnum() if character.isascii() else True
        return character if harmless else match.group()

    return _CODEPOINT.sub(expand, query.replace("\r\n", "\n").replace("\r", "\n"))


def parse(query: str) -> ParseResults:
    """Parse a query with rdflib's grammar; raise ``Refusal`` for an update or unread text."""
    text = lexed_as_oxigraph(query)
    try:
        return QUERY_GRAMMAR.parse_string(text, parse_all=True)
    except ParseBaseException as error:
        if _is_update(text):
            raise Refusal("update", "SPARQL Update is not accepted.") from None
        raise Refusal(
            "syntax",
            f"SPARQL syntax error at {error.lineno}:{error.col}: {error.msg}, found "
            f"{error.found}. Each query is read by rdflib's SPARQL 1.1 parser before it runs, "
            "to see which hosts SERVICE calls, and refused if that parser cannot read it "
            "(it does not read SPARQL 1.2, nor \\u escapes of punctuation).",
        ) from None
    except RecursionError:
        raise Refusal(
            "syntax", "The query is nested too deeply for this endpoint to read it."
        ) from None


def _is_update(text: str) -> bool:
    try:
        UPDATE_GRAMMAR.parse_string(text, parse_all=True)
    except (ParseBaseException, RecursionError):
        return False
    return True


def nodes(tree: Any) -> Iterator[CompValue]:
    """Every node of a parse tree: patterns, expressions (``EXISTS``), subqueries."""
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(item)


def resolve(iri: str, base: str) -> str:
    """Resolve a relative IRI against ``base`` (RFC 3986, as Oxigraph does)."""
    return iri if urlsplit(iri).scheme else urljoin(base, iri)


def prologue(declarations: ParseResults, base_iri: str) -> tuple[str, dict[str, str]]:
    """Return the base IRI and the prefixes in force after the query's BASE and PREFIX lines.

    They start from what Oxigraph is given (the endpoint's IRI, ``PREFIXES``); each
    declaration is resolved against the base before it, and a later one wins.
    """
    base, prefixes = base_iri, dict(PREFIXES)
    for declaration in declarations:
        if declaration.name == "Base":
            base = resolve(str(declaration["iri"]), base)
        elif declaration.name == "PrefixDecl":
            name = declaration["prefix"] if "prefix" in declaration else ""
            prefixes[name] = resolve(str(declaration["iri"]), base)
    return base, prefixes


def service_target(
    term: Any, base: str, prefixes: dict[str, str], allowed_hosts: frozenset[str]
) -> str:
    """Return the IRI a ``SERVICE`` clause calls, or raise ``Refusal`` if it may not."""
    allowed = ", ".join(sorted(allowed_hosts)) or "none"
    refusal = (
        "is not allowed: this endpoint calls only the hosts on its allow-list "
        f"({allowed}), named by an IRI."
    )
    if isinstance(term, Variable):
        raise Refusal("service", f"SERVICE ?{term} {refusal}")
    if isinstance(term, CompValue) and term.name == "pname":
        prefix = term["prefix"] if "prefix" in term else ""
        local = term["localname"] if "localname" in term else ""
        if prefix not in prefixes:
            raise Refusal("service", f"SERVICE {prefix}:{local} {refusal}")
        iri = prefixes[prefix] + _LOCAL_ESCAPE.sub(r"\1", local)
    else:
        iri = str(term)
    try:
        iri = resolve(iri, base)
        parts = urlsplit(iri)
        allowed_host = parts.scheme in ("http", "https") and parts.hostname in allowed_hosts
    except ValueError:  # not an IRI urllib can split (a bad IPv6 literal)
        allowed_host = False
    if not allowed_host:
        raise Refusal("service", f"SERVICE <{iri}> {refusal}")
    return iri

"""IRIs in their normal form, so that the spellings of one IRI name one record.

A provider could register ``https://Example.org:443/%64ataset`` beside
``https://example.org/dataset``: the same resource (RFC 3986, section 6), two records. Each IRI
of a submitted description is normalised the ways that keep its meaning:

- case (section 6.2.2.1): scheme and host in lower case, percent-encodings in upper case;
- percent-encoding (6.2.2.2): an encoded unreserved character (``%64``, ``%7E``) decoded;
- path segments (6.2.2.3): ``.`` and ``..`` removed (section 5.2.4);
- scheme-based (6.2.3): the default port of http (80) and https (443) dropped, an empty
  port too, and an empty http(s) path written ``/``.

Nothing else changes (no query reordering, no trailing-slash guesses), so IRIs that only
look alike stay apart.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyoxigraph as ox

_PARTS = re.compile(r"^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", re.S)
"""RFC 3986, appendix B: scheme, authority, path, query, fragment."""
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
DEFAULT_PORTS = {"http": "80", "https": "443"}
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _escapes(text: str) -> str:
    def normal(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    return _ESCAPE.sub(normal, text)


def _without_dots(path: str) -> str:
    """RFC 3986, section 5.2.4 (remove_dot_segments)."""
    if "." not in path:
        return path
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1 or (output and output[0] != ""):
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    result = "/".join(output)
    return "/" + result if path.startswith("/") and not result.startswith("/") else result


def _authority(authority: str, scheme: str) -> str:
    userinfo, at, hostport = authority.rpartition("@")
    host, port = hostport, ""
    match = re.match(r"^(\[[^\]]*\]|[^:]*)(?::(\d*))?$", hostport)
    if match:
        host, port = match.group(1), match.group(2) or ""
    if port == DEFAULT_PORTS.get(scheme):
        port = ""
    host = _escapes(host).translate(_ASCII_LOWER)
    return f"{_escapes(userinfo)}{at}{host}{':' + port if port else ''}"


@lru_cache(maxsize=65_536)
def normal_iri(iri: str) -> str:
    """Return ``iri`` in its normal form (see the module's docstring)."""
    match = _PARTS.match(iri)
    if match is None or match.group(1) is None:
        return iri
    scheme, authority, path, query, fragment = match.groups()
    scheme = scheme.translate(_ASCII_LOWER)
    text = scheme + ":"
    if authority is not None:
        text += "//" + _authority(authority, scheme)
        if not path and scheme in DEFAULT_PORTS:
            path = "/"
    text += _without_dots(_escapes(path))
    if query is not None:
        text += "?" + _escapes(query)
    if fragment is not None:
        text += "#" + _escapes(fragment)
    return text


def normalised(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Return the triples with every IRI in its normal form."""

    def normal(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> object:
        if isinstance(term, ox.NamedNode):
            value = normal_iri(term.value)
            return term if value == term.value else ox.NamedNode(value)
        return term

    return [
        ox.Triple(normal(t.subject), normal(t.predicate), normal(t.object))  # type: ignore[arg-type]
        for t in triples
    ]

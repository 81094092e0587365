"""Hostile requests for every route, as hypothesis strategies: what the fuzz suites send
(``tests/web/test_fuzz.py`` through Flask's client, ``tests/e2e/test_fuzz.py`` to a live
server). A request is a method, a raw URL (already percent-encoded, so invalid UTF-8 and
control characters reach the server as a client would send them), headers and a body.

Hostile values: markup and template syntax, control characters and NUL, SPARQL and SQL
fragments, path traversal, numbers of 5,000 digits, strings of 100,000 characters, invalid
UTF-8, repeated parameters (up to past the 100-argument cap), and the registry's own
inputs (sample descriptions, record ids, vocabulary IRIs) mutated.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote_from_bytes

from hypothesis import strategies as st

from tests.conftest import PROSTATE

HOSTILE_TEXT = [
    "",
    " ",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}}",
    "{% raw %}",
    "${jndi:ldap://127.0.0.1/x}",
    "%s%s%s%n",
    "../../../../etc/passwd",
    "..%2f..%2f",
    "\x00",
    "a\x00b",
    "\r\nSet-Cookie: x=1",
    "\u202e\u200b\ufeff",
    "\ud83d\ude00",
    "'; DROP TABLE entry; --",
    '" OR 1=1 --',
    "SELECT * WHERE { ?s ?p ?o }",
    "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
    "ASK {}",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "INSERT DATA { <a:b> <a:b> <a:b> }",
    'PREFIX ex: <http://e/> SELECT * { ex:a\\#b ?p ?o }',
    "http://",
    "http://127.0.0.1:8080/",
    "https://w3id.org/cancer-image-registry/vocab/modality/CT",
    "https://datasets.procancer-i.example/open-challenge-prostate-v1",
    "not an iri",
    "0",
    "-1",
    "1e309",
    "NaN",
    "Infinity",
    "9" * 20,
    "9" * 5_000,
    "²",
    "١٢٣",
    "yes",
    "no",
    "x" * 10_000,
    "é" * 100_000,
]
HOSTILE_BYTES = [
    b"\xff\xfe\xfd",
    b"\xc3\x28",
    b"\xed\xa0\x80",  # a UTF-8-encoded surrogate
    b"\x80" * 50,
    b"%",
    b"%%%",
    b"\x00" * 10,
]
ACCEPT = [
    "text/html",
    "application/json",
    "text/turtle",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-triples",
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "*/*",
    "image/png",
    "text/html;q=0, */*;q=0",
    "\x00",
    ",,,;;;q=abc",
    "x" * 5_000,
]
CONTENT_TYPES = [
    "text/turtle",
    "application/ld+json",
    "application/json",
    "application/rdf+xml",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/sparql-query",
    "application/sparql-update",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "text/turtle; charset=latin-1",
    "image/png",
    "",
]
SAMPLE = PROSTATE.read_bytes()


@dataclass(frozen=True)
class Route:
    """One route: its method, its path with ``{name}`` holes, and the arguments it reads."""

    method: str
    path: str
    arguments: tuple[str, ...] = ()
    body: bool = False


SEARCH_ARGUMENTS = (
    "q", "sort", "page", "provider", "condition", "modality", "body_part", "country", "access",
    "access_condition", "segmented", "individuals_min", "individuals_max", "age_min", "age_max",
    "lang",
)
SPARQL_ARGUMENTS = ("query", "default-graph-uri", "named-graph-uri", "format", "update", "lang")
CATALOG_ARGUMENTS = ("page", "modified_since", "as_of")
OAI_ARGUMENTS = ("verb", "metadataPrefix", "identifier", "from", "until", "set", "resumptionToken")
ROUTES = [
    Route("GET", "/", ("lang",)),
    Route("GET", "/search", SEARCH_ARGUMENTS),
    Route("GET", "/datasets/{id}", ("lang",)),
    Route("GET", "/datasets/{id}.{suffix}"),
    Route("GET", "/providers/{id}", ("lang",)),
    Route("GET", "/providers/{id}.{suffix}"),
    Route("GET", "/term", ("iri", "lang")),
    Route("GET", "/term.{suffix}", ("iri",)),
    Route("GET", "/datasets"),
    Route("GET", "/datasets/"),
    Route("GET", "/providers"),
    Route("GET", "/providers/"),
    Route("GET", "/vocab", ("lang",)),
    Route("GET", "/vocab/{scheme}", ("page", "lang")),
    Route("GET", "/vocab/{scheme}.{suffix}", ("page",)),
    Route("GET", "/vocab/{scheme}/{code}", ("lang",)),
    Route("GET", "/vocab/{scheme}/{code}.{suffix}"),
    Route("GET", "/profile", ("lang",)),
    Route("GET", "/profile/shapes.ttl"),
    Route("GET", "/sparql", SPARQL_ARGUMENTS),
    Route("POST", "/sparql", SPARQL_ARGUMENTS, body=True),
    Route("GET", "/record/{id}"),
    Route("GET", "/record/{id}.{suffix}"),
    Route("GET", "/resolve", ("iri",)),
    Route("GET", "/catalog", CATALOG_ARGUMENTS),
    Route("GET", "/catalog.{suffix}", CATALOG_ARGUMENTS),
    Route("GET", "/oai", OAI_ARGUMENTS),
    Route("POST", "/oai", OAI_ARGUMENTS, body=True),
    Route("GET", "/feed"),
    Route("GET", "/feed/{fragment}"),
    Route("GET", "/feed/change/{sequence}"),
    Route("GET", "/dump.nq.gz"),
    Route("GET", "/.well-known/void"),
    Route("GET", "/agent/{name}"),
    Route("GET", "/context/{name}"),
    Route("GET", "/harvest", ("lang",)),
    Route("GET", "/harvest/runs/{number}", ("lang",)),
    Route("GET", "/harvest/runs/{number}.json"),
    Route("GET", "/health"),
    Route("GET", "/metrics"),
    Route("GET", "/sitemap.xml"),
    Route("GET", "/sitemap/{number}.xml"),
    Route("POST", "/api/records", body=True),
    Route("PUT", "/api/records/{id}", body=True),
    Route("DELETE", "/api/records/{id}"),
    Route("POST", "/api/validate", body=True),
    Route("GET", "/api/records/{id}"),
    Route("GET", "/api/records/{id}/versions"),
    Route("GET", "/api/records/{id}/versions/{number}"),
    Route("GET", "/api/records", ("provider", "modified_since")),
    Route("GET", "/api/openapi.json"),
    Route("GET", "/submit"),
    Route("POST", "/submit", ("token", "text", "syntax", "action"), body=True),
    Route("GET", "/records/{id}/versions", ("from", "to")),
    Route("GET", "/static/{path}"),
    Route("PATCH", "/api/records/{id}", body=True),  # no such method: 405 with Allow
]


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    """Path and query string, percent-encoded."""
    headers: dict[str, str]
    body: bytes | None


def _encoded(value: str | bytes) -> str:
    raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    return quote_from_bytes(raw, safe="")


def hostile_values(known: list[str]) -> st.SearchStrategy[str | bytes]:
    """Strings a hostile client sends: listed ones, the registry's own (``known``), any
    Unicode text (control characters included) and bytes that are not UTF-8."""
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from(known),
        st.text(max_size=40),
        st.sampled_from(HOSTILE_BYTES),
        st.binary(max_size=20),
    )


def hostile_bodies() -> st.SearchStrategy[bytes]:
    """Bodies: a sample description cut or spliced with hostile text, random bytes, deep or
    wide JSON, long documents."""
    spliced = st.tuples(
        st.integers(0, len(SAMPLE)), st.sampled_from(HOSTILE_TEXT + ["\\u0000", "[", "]", "{"])
    ).map(lambda cut: SAMPLE[: cut[0]] + cut[1].encode("utf-8", "surrogatepass") + SAMPLE[cut[0] :])
    return st.one_of(
        st.just(SAMPLE),
        st.integers(0, len(SAMPLE)).map(lambda n: SAMPLE[:n]),
        spliced,
        st.binary(max_size=300),
        st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.integers(1, 3_000).map(lambda n: b"[" * n + b"]" * n),
        st.integers(1, 3_000).map(lambda n: b'{"@context": {}, "a": ' * n + b"1" + b"}" * n),
        st.just(b'{"@id": "http://e/s", "http://e/n": ' + b"9" * 5_000 + b"}"),
        st.just(b"<http://e/s> <http://e/p> \"\\u0000\" ."),
        st.just(b"query=" + b"SELECT * { ?s ?p ?o }" + b"&query=ASK{}"),
    )


@st.composite
def requests_for(draw: st.DrawFn, known: list[str], tokens: list[str]) -> Request:
    """One hostile request to one of ``ROUTES``."""
    route = draw(st.sampled_from(ROUTES))
    values = hostile_values(known)
    holes = {
        "suffix": st.one_of(st.sampled_from(["ttl", "jsonld", "rdf", "nt", "nq", "xml", "html"]), values),
        "number": st.one_of(st.sampled_from(["1", "0", "-1", "9" * 30, "9" * 5_000]), values),
    }
    holes["fragment"] = holes["sequence"] = holes["number"]
    path = route.path
    holed = ("id", "suffix", "scheme", "code", "name", "number", "path", "fragment", "sequence")
    for hole in holed:
        if "{" + hole + "}" in path:
            path = path.replace("{" + hole + "}", _encoded(draw(holes.get(hole, values))))
    names = st.one_of(st.sampled_from(route.arguments or ("x",)), st.text(max_size=10))
    arguments = draw(st.lists(st.tuples(names, values), max_size=6))
    if draw(st.integers(0, 20)) == 0:  # a parameter repeated, past the 100-argument cap
        # A short value: 150 copies of a 600 KB one would be a 90 MB request line, whose
        # upload alone outlasts the hang limit (test_slow_clients sends one on purpose).
        name = draw(names)
        arguments += [(name, draw(st.text(max_size=20)))] * draw(st.integers(2, 150))
    query = "&".join(f"{_encoded(k)}={_encoded(v)}" for k, v in arguments)
    headers = {"Accept": draw(st.sampled_from(ACCEPT))}
    authorization = draw(st.sampled_from(["none", "token", "garbage"]))
    if authorization == "token" and tokens:
        headers["Authorization"] = f"Bearer {draw(st.sampled_from(tokens))}"
    elif authorization == "garbage":
        headers["Authorization"] = draw(st.sampled_from(["Bearer cir_0_x", "Basic AAAA", "Bearer"]))
    body = None
    if route.body:
        headers["Content-Type"] = draw(st.sampled_from(CONTENT_TYPES))
        body = draw(hostile_bodies())
    return Request(route.method, path + (f"?{query}" if query else ""), headers, body)


@dataclass
class Tally:
    """What the fuzz saw: answers by status, server errors, slow answers."""

    limit: float = 5.0
    """Seconds past which an answer counts as a hang."""
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    slowest: float = 0.0

    def record(self, what: str, status: int, seconds: float, body: bytes) -> None:
        self.statuses[status] += 1
        self.slowest = max(self.slowest, seconds)
        if status >= 500:
            self.failures.append(f"{status} {what}: {body[:300]!r}")
        elif seconds > self.limit:
            self.failures.append(f"hang {seconds:.1f} s {what}")
        elif b"Traceback (most recent call last)" in body:
            self.failures.append(f"traceback shown {what}")

    def timed(self, what: str, send: Callable[[], tuple[int, bytes]]) -> None:
        start = time.perf_counter()
        status, body = send()
        self.record(what, status, time.perf_counter() - start, body)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def summary(self) -> str:
        classes = Counter(f"{status // 100}xx" for status in self.statuses.elements())
        return (
            f"{self.requests} requests, {dict(sorted(classes.items()))}, "
            f"slowest {self.slowest:.2f} s, {len(self.failures)} failures"
        )

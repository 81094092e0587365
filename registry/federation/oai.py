"""OAI-PMH 2.0 over the dataset records: the interface data.europa.eu's piveau harvests by
preference (https://www.openarchives.org/OAI/openarchivesprotocol.html).

Items are the dataset records, identified by their record IRIs; their one metadata format,
``dcat_ap``, is the record as published (``documents``: the description as accepted, its
``dcat:CatalogRecord`` and the agents it cites) in RDF/XML, so it conforms to the profile
the record cites. A withdrawn record keeps a header with ``status="deleted"`` for good
(``deletedRecord`` is ``persistent``). Lists page with resumption tokens over the walks of
``listing``: a token carries its walk's ``as_of``, its window and its cursor, so a list
never shifts or repeats while records change (section 3.5) and a token does not expire.

Errors are answered as the protocol says, with HTTP 200 and an ``<error code=...>``
(section 3.6); piveau's importer treats any other status as a failure. It also sends
``metadataPrefix`` beside every ``resumptionToken``, which the protocol calls a
``badArgument``: the prefix the token stands for is tolerated there, nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from rdflib.namespace import DCTERMS

from registry.federation.documents import (
    WITHDRAWN,
    catalog_description,
    cited_agents,
    xml_safe,
)
from registry.federation.listing import Listing, Slot, Window, literal_time, settled, stamp
from registry.rdf import formats
from registry.rdf.namespaces import CV, VCARD
from registry.records.history import published
from registry.records.layout import is_record_id, record_facts

OAI = "http://www.openarchives.org/OAI/2.0/"
PREFIX = "dcat_ap"
FORMAT = (
    f"<metadataFormat><metadataPrefix>{PREFIX}</metadataPrefix>"
    "<schema>https://www.w3.org/TR/rdf-syntax-grammar/</schema>"
    "<metadataNamespace>http://www.w3.org/1999/02/22-rdf-syntax-ns#</metadataNamespace>"
    "</metadataFormat>"
)
"""The record as RDF/XML: the root element is ``rdf:RDF`` (piveau reads the first child of
``<metadata>`` as RDF/XML)."""
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
TOKEN = re.compile(r"v1\.(\d{14})\.(\d{14}|-)\.(\d{14}|-)\.(\d{1,9})")
TOKEN_TIME = "%Y%m%d%H%M%S"
XML_DECLARATION = re.compile(rb"^<\?xml[^>]*\?>\s*")


class OaiError(Exception):
    """An OAI-PMH error condition (section 3.6): a code and a message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Repository:
    """What an answer needs: the listing, where it is served, who runs it."""

    listing: Listing
    base_url: str
    name: str
    admin_email: str
    page_size: int


def _text(value: str) -> str:
    return escape(xml_safe(value.encode("utf-8")).decode("utf-8"))


def _attribute(value: str) -> str:
    return quoteattr(xml_safe(value.encode("utf-8")).decode("utf-8"))


def respond(repository: Repository, arguments: Iterable[tuple[str, str]], now: datetime) -> bytes:
    """The answer to one request's arguments: always a well-formed OAI-PMH document."""
    given: dict[str, str] = {}
    echoed: dict[str, str] = {}
    try:
        for name, value in arguments:
            if name in given:
                code = "badVerb" if name == "verb" else "badArgument"
                raise OaiError(code, f"The argument {name} is given more than once.")
            given[name] = value
        verb = given.pop("verb", None)
        answer = VERBS.get(verb or "")
        if answer is None:
            raise OaiError("badVerb", f"{verb!r} is not an OAI-PMH verb." if verb else "No verb.")
        echoed = {"verb": verb or "", **given}
        body, dated = answer(repository, given, now)
    except OaiError as error:
        if error.code in ("badVerb", "badArgument"):
            echoed = {}  # section 3.6: the request is not echoed
        body, dated = f"<error code={_attribute(error.code)}>{_text(error.message)}</error>", now
    return envelope(repository.base_url, echoed, body, dated)


def envelope(base_url: str, echoed: dict[str, str], body: str, now: datetime) -> bytes:
    attributes = "".join(f" {name}={_attribute(value)}" for name, value in echoed.items())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<OAI-PMH xmlns="{OAI}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">'
        f"<responseDate>{stamp(now)}</responseDate>"
        f"<request{attributes}>{_text(base_url)}</request>{body}</OAI-PMH>\n"
    ).encode()


def _only(given: dict[str, str], allowed: Collection[str], required: Collection[str] = ()) -> None:
    """Refuse arguments the verb does not take, and missing required ones."""
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise OaiError("badArgument", f"This verb takes no argument {', '.join(unknown)}.")
    missing = sorted(set(required) - set(given))
    if missing:
        raise OaiError("badArgument", f"This verb needs the argument {', '.join(missing)}.")


def identify(repository: Repository, given: dict[str, str], now: datetime) -> Reply:
    _only(given, set())
    earliest = repository.listing.earliest_issue or settled(now)
    return (
        f"<Identify><repositoryName>{_text(repository.name)}</repositoryName>"
        f"<baseURL>{_text(repository.base_url)}</baseURL>"
        "<protocolVersion>2.0</protocolVersion>"
        f"<adminEmail>{_text(repository.admin_email)}</adminEmail>"
        f"<earliestDatestamp>{stamp(earliest)}</earliestDatestamp>"
        "<deletedRecord>persistent</deletedRecord>"
        f"<granularity>{GRANULARITY}</granularity></Identify>",
        now,
    )


def list_metadata_formats(repository: Repository, given: dict[str, str], now: datetime) -> Reply:
    _only(given, {"identifier"})
    if "identifier" in given:
        _slot(repository, given["identifier"])
    return f"<ListMetadataFormats>{FORMAT}</ListMetadataFormats>", now


def list_sets(repository: Repository, given: dict[str, str], now: datetime) -> Reply:
    _only(given, {"resumptionToken"})
    if "resumptionToken" in given:
        raise OaiError("badResumptionToken", "This repository issues no set tokens.")
    raise OaiError("noSetHierarchy", "This repository does not organise its items in sets.")


def get_record(repository: Repository, given: dict[str, str], now: datetime) -> Reply:
    _only(given, {"identifier", "metadataPrefix"}, {"identifier", "metadataPrefix"})
    slot = _slot(repository, given["identifier"])
    _format(given["metadataPrefix"])
    return f"<GetRecord>{_record(repository.listing, slot, True)}</GetRecord>", now


def list_identifiers(repository: Repository, given: dict[str, str], now: datetime) -> Reply:
    return _list(repository, given, now, "ListIdentifiers", False)


def list_records(repository: Repository, given: dict[str, str], now: datetime) -> Reply:
    return _list(repository, given, now, "ListRecords", True)


def _list(
    repository: Repository, given: dict[str, str], now: datetime, verb: str, full: bool
) -> Reply:
    """One response of a list: its part of the walk and the token of the next one, dated
    as of the walk's start (``as_of``).

    A list shows the records as they were a settling moment before it started
    (``listing``), so its responseDate is that moment, not the present: a harvester that
    asks next ``from`` the last responseDate (section 3.5, as the protocol advises) then
    misses no record changed in between.
    """
    listing = repository.listing
    if "resumptionToken" in given:
        _only(given, {"resumptionToken", "metadataPrefix"})
        if given.get("metadataPrefix", PREFIX) != PREFIX:
            raise OaiError("badArgument", "resumptionToken is an exclusive argument.")
        window, cursor = _read_token(given["resumptionToken"], now)
    else:
        _only(given, {"metadataPrefix", "from", "until", "set"}, {"metadataPrefix"})
        _format(given["metadataPrefix"])
        if "set" in given:
            raise OaiError("noSetHierarchy", "This repository does not organise its items in sets.")
        since, until = _period(given.get("from"), given.get("until"))
        window, cursor = listing.window(None, since, until, now), 0
    slots, length = listing.members(window, cursor, cursor + repository.page_size)
    if cursor and cursor >= length:
        raise OaiError("badResumptionToken", "This resumptionToken is past the end of its list.")
    if not slots:
        raise OaiError("noRecordsMatch", "No record matches these arguments.")
    items = "".join(
        _record(listing, slot, True) if full else _header(listing, slot)[0] for slot in slots
    )
    following = cursor + len(slots)
    token = _token(window, following) if following < length else ""
    if cursor or token:
        items += (
            f'<resumptionToken completeListSize="{length}" cursor="{cursor}">'
            f"{token}</resumptionToken>"
        )
    return f"<{verb}>{items}</{verb}>", window.as_of


def _format(prefix: str) -> None:
    if prefix != PREFIX:
        raise OaiError("cannotDisseminateFormat", f"The one metadata format is {PREFIX}.")


def _slot(repository: Repository, identifier: str) -> Slot:
    """The dataset record an identifier (its record IRI) names, or idDoesNotExist."""
    prefix = repository.listing.layout.record_prefix
    record_id = identifier[len(prefix) :] if identifier.startswith(prefix) else ""
    slot = repository.listing.slot(record_id) if is_record_id(record_id) else None
    if slot is None:
        raise OaiError("idDoesNotExist", f"No dataset record is identified as {identifier!r}.")
    return slot


def _moment(text: str, name: str) -> tuple[datetime, bool]:
    """A datestamp argument and whether it names a day (section 3.3: UTC, one of the two
    granularities)."""
    day = DAY.fullmatch(text) is not None
    if not day and SECOND.fullmatch(text) is None:
        raise OaiError("badArgument", f"{name}={text!r} is not YYYY-MM-DD or {GRANULARITY}.")
    try:
        value = datetime.strptime(text, "%Y-%m-%d" if day else "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise OaiError("badArgument", f"{name}={text!r} is not a date.") from None
    return value.replace(tzinfo=UTC), day


def _period(since: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    """``from`` and ``until`` as moments, both inclusive (a day until its last second)."""
    start = _moment(since, "from") if since is not None else None
    end = _moment(until, "until") if until is not None else None
    if start and end and start[1] != end[1]:
        raise OaiError("badArgument", "from and until have different granularities.")
    last = end[0] + timedelta(days=1, seconds=-1) if end and end[1] else end and end[0]
    if start and last and start[0] > last:
        raise OaiError("badArgument", "from is later than until.")
    return (start[0] if start else None), last


def _token(window: Window, cursor: int) -> str:
    moments = [window.as_of, window.since, window.until]
    parts = [m.strftime(TOKEN_TIME) if m else "-" for m in moments]
    return ".".join(["v1", *parts, str(cursor)])


def _read_token(token: str, now: datetime) -> tuple[Window, int]:
    match = TOKEN.fullmatch(token)
    try:
        if match is None:
            raise ValueError(token)
        as_of, since, until = (
            datetime.strptime(part, TOKEN_TIME).replace(tzinfo=UTC) if part != "-" else None
            for part in match.groups()[:3]
        )
    except ValueError:
        raise OaiError("badResumptionToken", "This resumptionToken was not issued here.") from None
    cursor = int(match.group(4))
    if as_of is None or as_of > settled(now) or cursor < 1:
        raise OaiError("badResumptionToken", "This resumptionToken was not issued here.")
    return Window(as_of, since, until), cursor


def _header(listing: Listing, slot: Slot) -> tuple[str, list[ox.Triple] | None]:
    """A record's header, and its published triples unless it is withdrawn."""
    stored = listing.store.graph_triples(slot.record)
    facts = record_facts(stored, slot.record)
    when = literal_time(facts.get(str(DCTERMS.modified))) or slot.modified
    identifier = (
        f"<identifier>{_text(slot.record)}</identifier><datestamp>{stamp(when)}</datestamp>"
    )
    if not stored or any(t.predicate == WITHDRAWN for t in stored):
        return f'<header status="deleted">{identifier}</header>', None
    triples = published(listing.store, listing.layout, slot.record, stored)
    return f"<header>{identifier}</header>", triples


def _record(listing: Listing, slot: Slot, full: bool) -> str:
    header, triples = _header(listing, slot)
    if triples is None or not full:
        return f"<record>{header}</record>"
    document = triples + listing.cited_agents(triples)
    rdf = XML_DECLARATION.sub(b"", xml_safe(formats.serialize(document, RDF_XML)))
    return f"<record>{header}<metadata>{rdf.decode('utf-8')}</metadata></record>"


RDF_XML = next(s for s in formats.DOCUMENT_SYNTAXES if s.oxigraph == ox.RdfFormat.RDF_XML)
Reply = tuple[str, datetime]
"""An answer's body and its responseDate."""
Answer = Callable[[Repository, dict[str, str], datetime], Reply]
VERBS: dict[str, Answer] = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}


def admin_email(listing: Listing, configured: str) -> str:
    """The operator's address: the setting, else the catalogue publisher's contact e-mail,
    else postmaster at the base IRI's host (RFC 5321 requires that mailbox)."""
    if configured:
        return configured
    store, layout = listing.store, listing.layout
    described = catalog_description(store, layout)
    catalog = ox.NamedNode(layout.catalog_iri)
    publishers = {
        t.object for t in described if t.subject == catalog and t.predicate == DCT_PUBLISHER
    }
    known = described + cited_agents(store, layout, described)
    contacts = {t.object for t in known if t.subject in publishers and t.predicate == CV_CONTACT}
    for triple in known:
        value = triple.object
        if (
            triple.subject in contacts
            and triple.predicate in EMAILS
            and not isinstance(value, ox.Triple)
        ):
            address = value.value.removeprefix("mailto:")
            if "@" in address:
                return address
    host = layout.base_iri.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"postmaster@{host}"


DCT_PUBLISHER = ox.NamedNode(str(DCTERMS.publisher))
CV_CONTACT = ox.NamedNode(str(CV.contactPoint))
EMAILS = {ox.NamedNode(str(CV.email)), ox.NamedNode(str(VCARD.hasEmail))}

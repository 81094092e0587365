"""Reader of an OAI-PMH 2.0 repository's ``dcat_ap`` records
(https://www.openarchives.org/OAI/openarchivesprotocol.html): ``ListRecords`` followed by
``resumptionToken`` (section 3.5), from the last complete run on (``from``, section 2.7.1,
less an overlap); a header with ``status="deleted"`` withdraws the record harvested from
that identifier.

An answer that is not OAI-PMH XML, or an ``<error>`` other than ``noRecordsMatch``, stops
the run (section 3.6: errors come with HTTP 200).
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from datetime import datetime, timedelta
from urllib.parse import urlencode

from registry.errors import RegistryError
from registry.federation.harvest.documents import Deleted, Position, Reader, triples
from registry.federation.harvest.fetch import Fetched, Fetcher, HarvestStopped
from registry.federation.harvest.split import split
from registry.rdf.xml_entities import check_entities

OAI = "{http://www.openarchives.org/OAI/2.0/}"
XML_ACCEPT = "text/xml, application/xml"
PREFIX = "dcat_ap"
OVERLAP = timedelta(minutes=5)


def read_oai(fetcher: Fetcher, url: str, position: str | None) -> Reader:
    """Every record changed since ``position`` (a UTC datestamp), or every record."""
    base = url.split("?", 1)[0]
    arguments = {"verb": "ListRecords", "metadataPrefix": PREFIX}
    if position:
        arguments["from"] = position
    answer = fetcher.page(f"{base}?{urlencode(arguments)}", XML_ACCEPT)
    started = answer_date(answer)
    while True:
        root = parse_answer(answer)
        listing = root.find(f"{OAI}ListRecords")
        if listing is None:
            break  # noRecordsMatch
        for record in listing.findall(f"{OAI}record"):
            yield from _record(record, answer)
        token = listing.find(f"{OAI}resumptionToken")
        if token is None or not (token.text or "").strip():
            break
        query = urlencode({"verb": "ListRecords", "resumptionToken": (token.text or "").strip()})
        answer = fetcher.page(f"{base}?{query}", XML_ACCEPT)
    if started:
        yield Position(overlapped(started))


def overlapped(date: str) -> str:
    """The next run's ``from``: the first answer's date less ``OVERLAP``, in its granularity.

    A repository lists what it had settled when it answered; a record committed just before
    the answer can carry a datestamp before ``responseDate`` yet be missing from it (our own
    lists are as of two seconds earlier). Reading a few records twice writes nothing.
    """
    try:
        moment = datetime.fromisoformat(date.replace("Z", "+00:00")) - OVERLAP
    except ValueError:
        return date
    return moment.strftime("%Y-%m-%d" if len(date) == 10 else "%Y-%m-%dT%H:%M:%SZ")


def parse_answer(answer: Fetched) -> ElementTree.Element:
    """The OAI-PMH root of an answer; an error other than "no records" stops the run."""
    try:
        check_entities(answer.body)
        root = ElementTree.fromstring(answer.body)
    except (ElementTree.ParseError, RegistryError) as error:
        raise HarvestStopped(f"<{answer.url}> is not well-formed XML: {error}") from None
    if root.tag != f"{OAI}OAI-PMH":
        raise HarvestStopped(f"<{answer.url}> is not an OAI-PMH answer.")
    refusal = root.find(f"{OAI}error")
    if refusal is not None and refusal.get("code") != "noRecordsMatch":
        raise HarvestStopped(
            f"<{answer.url}> answered the OAI-PMH error {refusal.get('code')}: {refusal.text}"
        )
    return root


def answer_date(answer: Fetched) -> str | None:
    """The repository's time of the answer (``responseDate``): the next run's ``from``, in
    the repository's clock, not ours."""
    found = parse_answer(answer).find(f"{OAI}responseDate")
    return (found.text or "").strip() or None if found is not None else None


def _record(record: ElementTree.Element, answer: Fetched) -> Reader:
    header = record.find(f"{OAI}header")
    identifier = header.findtext(f"{OAI}identifier", "").strip() if header is not None else ""
    if header is not None and header.get("status") == "deleted":
        yield Deleted(original=identifier or None)
        return
    metadata = record.find(f"{OAI}metadata")
    if metadata is None or len(metadata) != 1:
        return
    body = ElementTree.tostring(metadata[0], encoding="utf-8")
    document = Fetched(answer.url, "application/rdf+xml", body)
    yield from split(triples(document), identifier or answer.url)

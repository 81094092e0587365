"""The registry's exceptions: each carries an HTTP status, a message for people and a spec link.

Third-party errors (parsers, the store) are wrapped into these once, at the boundary, keeping
what helps the user (line and column of a syntax error).
"""

from __future__ import annotations

from typing import Any


class RegistryError(Exception):
    """Base class: something the client can act on."""

    status = 400
    title = "Bad request"

    def __init__(self, message: str, link: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.link = link
        self.details = details
        self.audited = False
        """True once the audit log has a line for the refused write this error ends."""

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON body the API answers with."""
        body: dict[str, Any] = {"error": self.title, "status": self.status, "message": self.message}
        if self.link:
            body["link"] = self.link
        body.update({k: v for k, v in self.details.items() if v is not None})
        return body


class RdfSyntaxError(RegistryError):
    """The body is not well-formed in the format it claims to be."""

    title = "RDF syntax error"

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        if line is not None and f"line {line}" not in message:
            message = f"{message} (line {line}, column {column})"
        super().__init__(message, line=line, column=column)


class RemoteContextRefused(RegistryError):
    """A JSON-LD document names a context the registry does not bundle; it is never fetched."""

    title = "Remote JSON-LD context refused"


class UnsupportedMediaType(RegistryError):
    status = 415
    title = "Unsupported media type"


class NotAcceptable(RegistryError):
    status = 406
    title = "Not acceptable"


class EmptyBody(RegistryError):
    title = "Empty body"


class DatasetNotFound(RegistryError):
    """A description must hold exactly one dcat:Dataset with an IRI."""

    status = 422
    title = "No single dataset"


class ForeignDataset(RegistryError):
    """A description states facts about a dataset that another record holds."""

    status = 409
    title = "Dataset belongs to another record"


class StoreMismatch(RegistryError):
    """The store was written under another base IRI; its records would be invisible."""

    status = 500
    title = "Store written under another base IRI"


class InvalidDescription(RegistryError):
    """SHACL validation found at least one Violation; the report says what to fix."""

    status = 422
    title = "Description does not conform"

    def __init__(self, report: Any) -> None:
        super().__init__(
            f"The description has {len(report.violations)} violation(s) of the profile; "
            "nothing was stored.",
            link="https://www.w3.org/TR/shacl/#validation-report",
            report=report.to_dict(),
        )
        self.report = report


class ProfileError(RegistryError):
    """The shapes or vocabularies the registry ships cannot be used (an operator's problem)."""

    status = 500
    title = "Profile cannot be loaded"


class QueryError(RegistryError):
    """A SPARQL request the endpoint will not or cannot evaluate."""

    title = "Malformed query"


class TooManyArguments(RegistryError):
    """A request names more parameters or values than any page needs: refused before any
    work, so that its cost stays bounded by settings, not by the URL's length."""

    title = "Too many arguments"


class NotFound(RegistryError):
    status = 404
    title = "Not found"


class ReadOnlyEndpoint(RegistryError):
    """SPARQL Update sent to the public query endpoint (providers write through the API)."""

    status = 403
    title = "Read-only endpoint"


class ResultTooLarge(RegistryError):
    """A SPARQL answer above the configured row or byte cap."""

    title = "Result too large"


class QueryUnavailable(RegistryError):
    """A query stopped at the timeout, or not started because every worker stayed busy."""

    status = 503
    title = "Query stopped"


class TooManyQueries(RegistryError):
    """One client has as many queries running as it may: the others' share of the workers."""

    status = 429
    title = "Too many queries"


class StorageUnavailable(RegistryError):
    """The disk under the store or its files refused a write (full, failing): nothing was
    stored; the same request may succeed once the operator has made room."""

    status = 503
    title = "Storage unavailable"


class QueryFailed(RegistryError):
    """The store failed while evaluating a query that parsed."""

    status = 500
    title = "Query failed"


class AccountError(RegistryError):
    """A provider account or token cannot be created or changed as asked."""

    title = "Account error"


class Unauthorized(RegistryError):
    """No token, or a token that is unknown, revoked or expired."""

    status = 401
    title = "Unauthorized"


class Forbidden(RegistryError):
    """The token's provider may not change this record (it publishes another agent's data)."""

    status = 403
    title = "Forbidden"


class Conflict(RegistryError):
    """The dataset is already registered (by another provider, or needs PUT, not POST)."""

    status = 409
    title = "Conflict"


class NotReady(RegistryError):
    """A file the registry writes in the background (the dump) has not been written yet."""

    status = 503
    title = "Not ready"


class DatabaseUnavailable(RegistryError):
    """The operational database (accounts, audit) cannot be reached."""

    status = 503
    title = "Database unavailable"


class Gone(RegistryError):
    """The record was withdrawn; its history stays readable."""

    status = 410
    title = "Gone"


class PreconditionFailed(RegistryError):
    """``If-Match`` names a version that is no longer the current one."""

    status = 412
    title = "Precondition failed"


class TangledBlankNodes(RegistryError):
    """A description's blank nodes are shared or cyclic beyond what its canonical form
    (digest, differences between versions) may cost."""

    status = 422
    title = "Blank nodes cannot be told apart"


class DescriptionTooLarge(RegistryError):
    """A description above a limit of ``rdf.limits`` (bytes, triples, a literal's length,
    blank-node depth, JSON-LD contexts or nesting); the message names the setting."""

    status = 413
    title = "Description too large"


class ForeignSubject(RegistryError):
    """A description makes statements about a node its record does not own: the catalogue,
    a vocabulary concept, or a node its topic does not link to."""

    status = 422
    title = "Statements about a node the record does not own"


class StoreUnavailable(RegistryError):
    """The triple store did not answer (down, unreachable, too slow) or answered in part.

    The request changed nothing it did not report; it may be sent again once the store is
    back (``/health`` says when), without restarting the registry.
    """

    status = 503
    title = "Store unavailable"

    def __init__(self, message: str) -> None:
        super().__init__(message, retry_after=5)


class WriteRaced(RegistryError):
    """Another writer changed the store between this write's read and its update, so the
    update (conditional on what was read) changed nothing; ``records`` reads again and
    retries, so a client sees this only when the store keeps changing under it."""

    status = 503
    title = "Write raced"

"""A provider writing its own record: the checks the API and the web form share.

Authorisation follows the description: the dataset's ``dct:publisher`` (or the agent an
agent description is about) must be the token's agent, and the record must not belong to
another provider.
"""

from __future__ import annotations

from registry.errors import Conflict, Forbidden
from registry.profile.validation import Report
from registry.rdf.formats import RdfSyntax
from registry.records.accounts import Provider
from registry.records.submission import change_for, check_for
from registry.records.write import (
    Author,
    Precondition,
    RecordState,
    Written,
    may_change,
    may_create,
    write_record,
)
from registry.runtime import Registry, record_id_for


def may_publish(provider: str) -> Precondition:
    """The web form's "publish": create, or replace the provider's own record."""

    def check(state: RecordState) -> None:
        if state.exists and state.owner and state.owner != provider:
            raise Conflict(f"This dataset is registered by another provider (<{state.owner}>).")

    return check


def publish(
    registry: Registry,
    provider: Provider,
    data: bytes,
    syntax: RdfSyntax,
    mode: str,
    record_id: str | None = None,
    if_match: str | None = None,
) -> tuple[Written, Report]:
    """Check a description and store it as ``provider``'s record.

    ``mode`` is ``create`` (POST), ``replace`` (PUT of ``record_id``, guarded by
    ``if_match``) or ``publish`` (the web form: either).
    """
    checked = check_for(registry, data, syntax)
    if checked.topic.kind == "catalog":
        raise Forbidden("The catalogue's description is the operator's; describe a dataset.")
    change = change_for(registry, checked)
    if change.owner != provider.agent:
        raise Forbidden(
            f"Your token publishes as <{provider.agent}>, but this description's publisher is "
            f"<{change.owner}>: a provider may only submit its own datasets."
        )
    if record_id is not None and record_id_for(str(change.topic)) != record_id:
        raise Conflict(
            f"This description is about <{change.topic}>, whose record is "
            f"{record_id_for(str(change.topic))}, not {record_id}."
        )
    if mode == "create":
        precondition = may_create(provider.agent)
    elif mode == "replace":
        precondition = may_change(provider.agent, if_match)
    else:
        precondition = may_publish(provider.agent)
    author = Author(provider.name, provider.agent)
    return write_record(registry, change, author, precondition), checked.report

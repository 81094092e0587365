"""One harvest run: read the source, validate each description with the profile, store the
valid ones through ``records`` with their provenance, then, only if the source was read to
the end, withdraw what it no longer lists or says is deleted.

Descriptions are validated in batches (one call to the validator processes, every core, as
``registry load`` does); agents go first, one at a time, since the datasets are validated
with the agents they cite as registered. One bad description never stops the run: it is
refused and named in the report. A run stopped early (a limit, a cycle, an unreadable page,
a network error) keeps what it wrote whole and withdraws nothing; so does a run whose process
was killed (``fail_abandoned`` marks it failed before the source runs again). A complete run
that would withdraw more than ``withdraw_share`` of the source's records (and more than
``withdraw_minimum``), or that would withdraw them all although the source listed nothing,
withdraws nothing either: a source that suddenly lists half its datasets, or none, is more
likely broken than emptied. An operator who checked confirms with ``allow_withdraw``
(``registry harvest run NAME --allow-withdraw``); a small source's few withdrawals need no
confirmation.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from registry.errors import Conflict, RegistryError
from registry.federation.harvest.documents import Deleted, Item, Position
from registry.federation.harvest.fetch import Fetcher, HarvestStopped, Limits
from registry.federation.harvest.readers import READERS, reads_all
from registry.federation.harvest.sources import Run, Source, Sources
from registry.federation.harvest.split import Description
from registry.rdf.formats import DOCUMENT_SYNTAXES, serialize
from registry.records.audit import Author
from registry.records.facade import Records
from registry.records.foreign import Describers
from registry.records.harvested import (
    Provenance,
    harvested_records,
    store_harvested,
    withdraw_harvested,
)
from registry.records.loading import BATCH, reason
from registry.records.submission import Checked, check_many

NTRIPLES = next(s for s in DOCUMENT_SYNTAXES if s.suffix == "nt")


@dataclass
class Report:
    """What a run did, kept as JSON with the run and shown on /harvest."""

    source: str
    kind: str
    url: str
    status: str = "running"
    stopped: str | None = None
    """Why the run ended before reading the source to the end."""
    created: int = 0
    """Dataset records created (``updated``, ``unchanged``: datasets too)."""
    updated: int = 0
    unchanged: int = 0
    refused: list[dict[str, str]] = field(default_factory=list)
    """Each dataset or agent the profile (or ownership) refused, and why."""
    withdrawn: list[str] = field(default_factory=list)
    withdrawals_held: str | None = None
    """Why nothing was withdrawn although the source no longer lists some records."""
    withdrawals_confirmed: str | None = None
    """Set when an operator allowed this run to withdraw past the guard."""
    agents_written: int = 0
    """Agents the source describes, stored (new or changed) before the datasets citing them."""
    agents_kept: int = 0
    """Agents the source describes that are registered here already (kept as they are)."""
    documents: int = 0
    bytes: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Harvest:
    """What a run needs: the write side, the sources file, and the limits."""

    records: Records
    sources: Sources
    limits: Limits = field(default_factory=Limits)
    withdraw_share: float = 0.5
    withdraw_minimum: int = 5
    owner_of: Callable[[str], str | None] = lambda provider: None
    """Returns the agent IRI of a provider account name (the source's records' owner)."""

    def source_iri(self, name: str) -> str:
        return self.records.layout.iri("harvest") + "#" + name

    def run_iri(self, run_id: int) -> str:
        return self.records.layout.iri(f"harvest/runs/{run_id}")


@dataclass
class _Pass:
    """The state of one run while it reads."""

    source: Source
    run_id: int
    report: Report
    author: Author
    owner: str | None
    listed: set[str] = field(default_factory=set)
    agents_done: set[str] = field(default_factory=set)
    deleted: dict[str, Deleted] = field(default_factory=dict)
    pending: list[Description] = field(default_factory=list)
    position: str | None = None
    allow_withdraw: bool = False


def fail_abandoned(sources: Sources, limits: Limits, name: str | None = None) -> list[int]:
    """Mark failed the runs left ``running`` by a process that ended mid-run (killed, out of
    memory, the machine restarted), or that started longer ago than a run may take; they
    withdrew nothing, and a run stuck in ``running`` would hide the source's state forever.

    With ``name`` (before a new run of that source, under the harvester's lock) a run of this
    process is abandoned too: no other run of the source can be going on in it.
    """
    failed = []
    for run in sources.running(name):
        why = _abandoned(run, limits, own=name is not None)
        if why is None:
            continue
        source = sources.get(run.source)
        report = Report(run.source, source.kind, source.url, status="failed")
        report.stopped = f"{why}; nothing was withdrawn."
        sources.finish_run(run.id, "failed", report.as_dict())
        failed.append(run.id)
    return failed


def _abandoned(run: Run, limits: Limits, own: bool) -> str | None:
    """Why a run marked ``running`` is not running any more, or None if it may be."""
    started = datetime.fromisoformat(run.started)
    if (datetime.now(UTC) - started).total_seconds() > limits.run_seconds + limits.timeout:
        return (
            f"The run was still marked running {limits.run_seconds:g} s after it started "
            "(REGISTRY_HARVEST_RUN_SECONDS): its process hung or ended mid-run"
        )
    if run.host not in (None, socket.gethostname()):
        return None  # another machine's process: only the time limit tells
    if run.pid is None or (run.pid == os.getpid() and own) or not _alive(run.pid):
        return f"The process running it (pid {run.pid}) ended before the run finished"
    return None


def _alive(pid: int) -> bool:
    """Whether a process ``pid`` exists on this machine (signal 0 checks, sends nothing)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    return True


def run_source(harvest: Harvest, name: str, allow_withdraw: bool = False) -> Report:
    """Harvest one source now; the run and its report are kept in ``harvest.sources``.
    ``allow_withdraw``: the operator confirmed withdrawals past the guard."""
    source = harvest.sources.get(name)
    fail_abandoned(harvest.sources, harvest.limits, name)
    run_id = harvest.sources.start_run(name)
    owner = harvest.owner_of(source.provider) if source.provider else None
    state = _Pass(
        source,
        run_id,
        Report(name, source.kind, source.url),
        Author(f"harvest:{name}", owner),
        owner,
        allow_withdraw=allow_withdraw,
    )
    fetcher = Fetcher(source.url, harvest.limits)
    try:
        for item in READERS[source.kind](fetcher, source.url, source.position):
            _take(harvest, state, item)
        _store_pending(harvest, state)
        state.report.status = "complete"
    except (HarvestStopped, RegistryError) as error:
        _store_pending(harvest, state)
        state.report.stopped = error.message
        state.report.status = "partial" if fetcher.documents > 1 else "failed"
    except Exception as error:  # a bug or the store: the run is failed, the server lives on
        state.report.stopped = f"{type(error).__name__}: {error}"
        state.report.status = "failed"
    state.report.documents, state.report.bytes = fetcher.documents, fetcher.bytes_read
    if state.report.status == "complete":
        _withdraw(harvest, state)
        harvest.sources.keep_position(name, state.position)
    harvest.sources.finish_run(run_id, state.report.status, state.report.as_dict())
    return state.report


def _take(harvest: Harvest, state: _Pass, item: Item) -> None:
    """Handle one item a reader yields: store agents at once, batch datasets."""
    if isinstance(item, Position):
        state.position = item.value
    elif isinstance(item, Deleted):
        state.deleted[item.topic or item.original or ""] = item
    elif item.kind == "agent":
        if item.topic not in state.agents_done:
            state.agents_done.add(item.topic)
            _store(harvest, state, [item])
    else:
        state.listed.add(item.topic)
        state.deleted.pop(item.topic, None)
        if item.original:
            state.deleted.pop(item.original, None)
        state.pending.append(item)
        if len(state.pending) >= BATCH:
            _store_pending(harvest, state)


def _store_pending(harvest: Harvest, state: _Pass) -> None:
    batch, state.pending = state.pending, []
    if batch:
        _store(harvest, state, batch)


def _store(harvest: Harvest, state: _Pass, batch: list[Description]) -> None:
    """Validate a batch in one call to the validators, then write each valid description."""
    documents = [(serialize(d.triples, NTRIPLES), NTRIPLES) for d in batch]
    outcomes = check_many(harvest.records, documents, state.author)
    fetched = datetime.now(UTC)
    checked = [(c.triples, str(c.topic.iri)) for c in outcomes if isinstance(c, Checked)]
    describers = Describers.ask(harvest.records, checked)
    with harvest.records.announcing_together():  # one search-index transaction for the batch
        for description, outcome in zip(batch, outcomes, strict=True):
            _store_one(harvest, state, description, outcome, fetched, describers)


def _store_one(
    harvest: Harvest,
    state: _Pass,
    description: Description,
    outcome: Checked | RegistryError,
    fetched: datetime,
    describers: Describers,
) -> None:
    """Write one checked description of a batch, or report why it was refused."""
    try:
        if isinstance(outcome, RegistryError):
            raise outcome
        _write(harvest, state, description, outcome, fetched, describers)
    except Conflict:
        if description.kind != "agent":
            raise_conflict(state, description)
        # An agent registered here already (a provider's own, say) is cited as it is.
        state.report.agents_kept += 1
    except RegistryError as error:
        state.report.refused.append({"topic": description.topic, "reason": reason(error)})


def raise_conflict(state: _Pass, description: Description) -> None:
    """Name a dataset whose record is a local provider's or another source's."""
    state.report.refused.append(
        {
            "topic": description.topic,
            "reason": "Conflict: the registry holds this dataset as a local provider's or "
            "another source's record; the harvest leaves it.",
        }
    )


def _write(
    harvest: Harvest,
    state: _Pass,
    description: Description,
    checked: Checked,
    when: datetime,
    describers: Describers,
) -> None:
    provenance = Provenance(
        harvest.source_iri(state.source.name),
        harvest.run_iri(state.run_id),
        description.document,
        when,
        description.original,
    )
    owner = state.owner if description.kind == "dataset" else None
    written = store_harvested(
        harvest.records, checked, provenance, state.author, owner, describers
    )
    report = state.report
    if description.kind == "agent":
        report.agents_written += written.changed
    elif not written.changed:
        report.unchanged += 1
    elif written.created:
        report.created += 1
    else:
        report.updated += 1


def _held(harvest: Harvest, state: _Pass, gone: int, current: int) -> str | None:
    """Why withdrawing ``gone`` of the source's ``current`` records looks like a broken
    source rather than deletions, or None: more than the share (past the minimum), or
    everything when the source listed nothing."""
    if not state.listed and not state.deleted and gone == current:
        return f"The source listed no dataset, and {current} records came from it"
    if gone > harvest.withdraw_minimum and gone > harvest.withdraw_share * current:
        return (
            f"The source no longer lists {gone} of its {current} records, more than "
            f"{harvest.withdraw_share:.0%} (REGISTRY_HARVEST_WITHDRAW_SHARE) and more than "
            f"{harvest.withdraw_minimum} (REGISTRY_HARVEST_WITHDRAW_MINIMUM)"
        )
    return None


def _withdraw(harvest: Harvest, state: _Pass) -> None:
    """After a complete run: withdraw what the source deleted, and (for a source read whole)
    what it no longer lists, unless that is more than the allowed share."""
    current = harvested_records(harvest.records, harvest.source_iri(state.source.name))
    by_key = {r.topic: r for r in current} | {r.original: r for r in current if r.original}
    gone = {by_key[key].record_id: by_key[key].topic for key in state.deleted if key in by_key}
    if reads_all(state.source):
        gone |= {r.record_id: r.topic for r in current if r.topic not in state.listed}
    if not gone:
        return
    held = _held(harvest, state, len(gone), len(current))
    if held and not state.allow_withdraw:
        state.report.withdrawals_held = (
            f"{held}: nothing was withdrawn. Check the source; if it really dropped them, "
            f"run `registry harvest run {state.source.name} --allow-withdraw`."
        )
        return
    if held:
        state.report.withdrawals_confirmed = (
            f"{held}; an operator allowed the withdrawals (--allow-withdraw)."
        )
    for record_id, topic in sorted(gone.items()):
        try:
            source = harvest.source_iri(state.source.name)
            withdraw_harvested(harvest.records, record_id, source, state.author)
            state.report.withdrawn.append(topic)
        except RegistryError as error:
            state.report.refused.append({"topic": topic, "reason": error.message})

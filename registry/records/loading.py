"""Loading many description files: find them, submit each, keep a summary of the outcome.

Agents and the catalogue go first, one by one, since datasets are validated with the agents
they cite as registered. Datasets follow in batches of ``BATCH``: each batch is validated in
one call to the validator processes (every core) while the previous batch is written, each
description in its own transaction, as ``submit`` writes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import DCAT, RDF

from registry.errors import InvalidDescription, RegistryError
from registry.rdf.formats import (
    RdfSyntax,
    oxigraph_iri,
    parse,
    syntax_for_path,
    syntax_for_suffix,
    to_rdflib,
)
from registry.rdf.jsonld import inline_contexts
from registry.rdf.namespaces import compact
from registry.records.audit import OPERATOR
from registry.records.facade import Records
from registry.records.foreign import Describers
from registry.records.submission import (
    Accepted,
    Checked,
    check_many,
    refusals_audited,
    store,
)
from registry.records.write import Precondition, RecordKept

RDF_TYPE, DCAT_DATASET = oxigraph_iri(RDF.type), oxigraph_iri(DCAT.Dataset)
BATCH = 64
"""Dataset descriptions validated in one call to the validator processes."""


@dataclass
class LoadSummary:
    loaded: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    rejected: list[tuple[Path, str]] = field(default_factory=list)
    kept: list[tuple[Path, RecordKept]] = field(default_factory=list)
    """Files not loaded because their record exists (``write.never_replace``)."""


Outcome = Accepted | RecordKept | str
"""A file stored, kept (its record exists: ``write.never_replace``), or the reason refused."""


def description_files(paths: Iterable[Path]) -> list[Path]:
    """Return the RDF files named, and those found (recursively) in the folders named."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and syntax_for_suffix(p.suffix))
            )
        else:
            files.append(path)
    return files


def reason(error: RegistryError) -> str:
    """Return a one-paragraph reason for a rejection, listing each violation."""
    if isinstance(error, InvalidDescription):
        lines = [error.message] + [
            f"  - {r.focus if r.focus.startswith('_:') else f'<{r.focus}>'} "
            f"{compact(r.path or '')}: {r.message}"
            for r in error.report.violations
        ]
        return "\n".join(lines)
    return error.message


def describes_dataset(path: Path) -> bool:
    """Whether a file holds a ``dcat:Dataset`` (unreadable files count as datasets: they are
    reported when submitted).

    Reads the file only up to its first ``a dcat:Dataset``, which opens a dataset file, so
    datasets are parsed in full once, when submitted.
    """
    try:
        syntax = syntax_for_path(path)
        data = path.read_bytes()
        if syntax.oxigraph == ox.RdfFormat.JSON_LD:
            data = inline_contexts(data)
        quads = ox.parse(data, format=syntax.oxigraph, without_named_graphs=True)
        return any(q.predicate == RDF_TYPE and q.object == DCAT_DATASET for q in quads)
    except (RegistryError, OSError, SyntaxError, ValueError):
        return True


def described_agents(paths: list[Path]) -> Graph:
    """The descriptions of agents among ``paths`` (files with no dataset), merged."""
    agents = Graph()
    for path in paths:
        if not describes_dataset(path):
            agents += to_rdflib(parse(path.read_bytes(), syntax_for_path(path)))
    return agents


def load_files(
    records: Records,
    files: list[Path],
    advance: Callable[[], object] = lambda: None,
    precondition: Precondition = lambda state: None,
) -> LoadSummary:
    """Submit every file, agents and the catalogue before the datasets that cite them;
    one bad file never stops the others. ``precondition`` may refuse a write on the
    record's state (``write.never_replace``: those files are ``kept``)."""
    summary = LoadSummary()
    first = [path for path in files if not describes_dataset(path)]
    early = set(first)
    datasets = [path for path in files if path not in early]
    for path in first:
        note(summary, path, *submit_files(records, [path], precondition))
        advance()
    batches = [datasets[i : i + BATCH] for i in range(0, len(datasets), BATCH)]
    # Batch k is validated (in the validator processes) while batch k-1 is written here.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="load") as ahead:
        checking = ahead.submit(read_and_check, records, batches[0]) if batches else None
        for index, batch in enumerate(batches):
            assert checking is not None
            checked = checking.result()
            if index + 1 < len(batches):
                checking = ahead.submit(read_and_check, records, batches[index + 1])
            stored = store_checked(records, checked, precondition)
            for path, outcome in zip(batch, stored, strict=True):
                note(summary, path, outcome)
                advance()
    return summary


def note(summary: LoadSummary, path: Path, outcome: Outcome) -> None:
    """Add one file's outcome (stored, kept, or the reason it was refused) to the summary."""
    if isinstance(outcome, str):
        summary.rejected.append((path, outcome))
    elif isinstance(outcome, RecordKept):
        summary.kept.append((path, outcome))
    else:
        (summary.loaded if outcome.changed else summary.unchanged).append(path)


def submit_files(
    records: Records, paths: list[Path], precondition: Precondition = lambda state: None
) -> list[Outcome]:
    """Submit files as ``submit_many`` does; each outcome, or the reason as text."""
    return store_checked(records, read_and_check(records, paths), precondition)


def read_and_check(records: Records, paths: list[Path]) -> list[Checked | str]:
    """Read, parse and validate files (one call to the validators); nothing is written."""
    documents: list[tuple[bytes, RdfSyntax] | str] = []
    for path in paths:
        try:
            documents.append((path.read_bytes(), syntax_for_path(path)))
        except OSError as error:
            documents.append(f"cannot read the file: {error.strerror}")
        except RegistryError as error:
            documents.append(reason(error))
    readable = [d for d in documents if not isinstance(d, str)]
    outcomes = iter(check_many(records, readable))
    return [d if isinstance(d, str) else as_text(next(outcomes)) for d in documents]


def as_text(outcome: Checked | RegistryError) -> Checked | str:
    return reason(outcome) if isinstance(outcome, RegistryError) else outcome


def store_checked(
    records: Records,
    checked: list[Checked | str],
    precondition: Precondition = lambda state: None,
) -> list[Outcome]:
    """Write each checked description in its own transaction, in order (refusals audited;
    a record ``precondition`` keeps is its ``RecordKept``). Who else describes their
    subjects is asked once for them all (``foreign.Describers``), and the listeners hear of
    them together at the end."""
    describers = Describers.ask(
        records, [(c.triples, str(c.topic.iri)) for c in checked if not isinstance(c, str)]
    )
    outcomes: list[Outcome] = []
    with records.announcing_together():  # one search-index transaction for the batch
        for item in checked:
            outcomes.append(store_one(records, item, precondition, describers))
    return outcomes


def store_one(
    records: Records, item: Checked | str, precondition: Precondition, describers: Describers
) -> Outcome:
    """Write one checked description (refusal audited): its outcome, or the reason refused."""
    if isinstance(item, str):
        return item
    try:
        with refusals_audited(records, OPERATOR, "submit"):
            return store(records, item, precondition=precondition, describers=describers)
    except RecordKept as kept:
        return kept
    except RegistryError as error:
        return reason(error)

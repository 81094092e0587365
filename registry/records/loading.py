"""Loading many description files: find them, submit each, keep a summary of the outcome."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import DCAT, RDF

from registry.errors import InvalidDescription, RegistryError
from registry.rdf.formats import oxigraph_iri, parse, syntax_for_path, syntax_for_suffix, to_rdflib
from registry.rdf.namespaces import compact
from registry.records.facade import Records
from registry.records.submission import submit
from registry.records.write import Precondition, RecordKept

RDF_TYPE, DCAT_DATASET = oxigraph_iri(RDF.type), oxigraph_iri(DCAT.Dataset)


@dataclass
class LoadSummary:
    loaded: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    rejected: list[tuple[Path, str]] = field(default_factory=list)
    kept: list[tuple[Path, RecordKept]] = field(default_factory=list)
    """Files not loaded because their record exists (``write.never_replace``)."""


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
    reported when submitted)."""
    try:
        triples = parse(path.read_bytes(), syntax_for_path(path))
    except (RegistryError, OSError):
        return True
    return any(t.predicate == RDF_TYPE and t.object == DCAT_DATASET for t in triples)


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
    for path in sorted(files, key=describes_dataset):
        try:
            data = path.read_bytes()
            accepted = submit(records, data, syntax_for_path(path), precondition=precondition)
        except RecordKept as kept:
            summary.kept.append((path, kept))
        except RegistryError as error:
            summary.rejected.append((path, reason(error)))
        except OSError as error:
            summary.rejected.append((path, f"cannot read the file: {error.strerror}"))
        else:
            (summary.loaded if accepted.changed else summary.unchanged).append(path)
        advance()
    return summary

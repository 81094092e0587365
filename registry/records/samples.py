"""Sample records are created, never replaced: ``registry serve --sample`` at every start.

``./start`` loads ``data/sample`` each time the registry starts. A provider may have edited
a sample dataset since (or withdrawn it); loading the sample file again would silently
replace that version with the file, "by operator". So samples are written with the
precondition ``write.never_replace``: a record that exists is kept as it is, and the loader
says which ones differ from their sample. The one exception is the catalogue's own
description while it is still the one a new store starts with (version 1, written from the
settings): the sample catalogue replaces that default once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from registry.errors import RegistryError
from registry.rdf import formats
from registry.records.facade import Records
from registry.records.loading import LoadSummary, load_files
from registry.records.submission import digest
from registry.records.write import RecordState, never_replace


def same_as_file(records: Records, path: Path, state: RecordState) -> bool:
    """Whether the record's current version is this file's description (its digest), as it
    is after the sample was loaded once: parsing suffices, no validation."""
    base = records.catalog_iri.rsplit("/", 1)[0] + "/"
    try:
        triples = formats.parse(path.read_bytes(), formats.syntax_for_path(path), base_iri=base)
    except (RegistryError, OSError):
        return False
    return digest(triples) == state.digest


def load_samples(
    records: Records, files: list[Path], advance: Callable[[], object] = lambda: None
) -> LoadSummary:
    """Load sample files into records that do not exist yet. A record that exists and still
    is its sample counts as unchanged; one that differs (edited, withdrawn) is ``kept``."""
    summary = load_files(records, files, advance, never_replace)
    kept = [(path, error) for path, error in summary.kept]
    summary.kept = []
    for path, error in kept:
        same = not error.state.withdrawn and same_as_file(records, path, error.state)
        if same:
            summary.unchanged.append(path)
        else:
            summary.kept.append((path, error))
    return summary

"""Loading description files from a command, with a progress bar and a summary."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from registry.runtime import Registry


def load_with_progress(registry: Registry, paths: list[Path], samples: bool = False) -> int:
    """Load files with a progress bar and print a summary; return the number rejected.

    ``samples``: create records only, never replace one (``records.samples``), and say which
    records were kept because they differ from their sample (a provider edited them).
    """
    from tqdm import tqdm

    from registry.records.loading import description_files, load_files
    from registry.records.samples import load_samples

    files = description_files(paths)
    started = time.perf_counter()
    with tqdm(total=len(files), unit="file", file=sys.stderr, disable=None) as bar:
        load = load_samples if samples else load_files
        summary = load(registry.records, files, lambda: bar.update(1))
    elapsed = time.perf_counter() - started
    for path, why in summary.rejected:
        click.echo(f"REJECTED {path}\n{why}", err=True)
    for path, record in summary.kept:
        click.echo(f"KEPT {path}: {record.message}", err=True)
    kept = f"{len(summary.kept)} kept (changed in the store since), " if samples else ""
    click.echo(
        f"{len(summary.loaded)} loaded, {len(summary.unchanged)} unchanged, {kept}"
        f"{len(summary.rejected)} rejected, in {elapsed:.2f} s"
    )
    return len(summary.rejected)

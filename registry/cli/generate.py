"""``registry generate``: the command line of the writer, with a progress bar."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click


@click.command()
@click.option(
    "--records",
    "n",
    type=click.IntRange(min=0),
    required=True,
    help="Number of dataset descriptions to write.",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="The same seed writes the same bytes."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for agents/ and datasets/ (new, or without those two).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes to write with [all cores].",
)
def generate(n: int, seed: int, out: Path, workers: int | None) -> None:
    """Write N synthetic, valid dataset descriptions and the agents they cite."""
    from tqdm import tqdm

    from registry.synthetic.writer import write

    class Bar(tqdm):
        monitor_interval = 0  # no monitor thread: ``write`` forks its workers

    started = time.perf_counter()
    try:
        with Bar(total=n, unit="record", file=sys.stderr, disable=None) as bar:
            summary = write(out, n, seed, workers, bar.update)
    except OSError as error:  # FileExistsError included
        raise click.ClickException(str(error)) from None
    elapsed = time.perf_counter() - started
    click.echo(
        f"{summary.datasets} datasets and {summary.agents} agents ({summary.triples} triples, "
        f"{summary.bytes / 1e6:.1f} MB) written to {out} in {elapsed:.2f} s"
    )

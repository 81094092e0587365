"""``registry validate`` and ``registry profile``: the profile without a store."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from registry.config import load_settings
from registry.errors import InvalidDescription, RegistryError

if TYPE_CHECKING:
    from registry.profile.validation import Shapes


def _profile() -> Shapes:
    """Load the shipped profile, turning a broken shapes file into a one-line message."""
    from registry.profile.validation import load_profile

    try:
        return load_profile()
    except RegistryError as error:
        raise click.ClickException(error.message) from None


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check descriptions against the profile without storing them; exit 1 if any fails.

    Agents described in the files given are known while checking the others, as if
    registered, so ``registry validate data/sample`` checks datasets that cite them.
    """
    from registry.rdf import formats
    from registry.records.layout import Layout
    from registry.records.loading import described_agents, description_files, reason
    from registry.records.submission import check

    shapes = _profile()
    paths = description_files(list(files))
    agents = described_agents(paths)
    failed = 0
    for path in paths:
        try:
            checked = check(
                shapes,
                path.read_bytes(),
                formats.syntax_for_path(path),
                Layout(load_settings().base_iri).catalog_iri,
                known=lambda triples: agents,
            )
        except InvalidDescription as error:
            click.echo(f"{path}: {error.report.text()}")
            failed += 1
        except RegistryError as error:
            click.echo(f"{path}: {reason(error)}")
            failed += 1
        else:
            click.echo(f"{path}: {checked.report.text()}")
    sys.exit(1 if failed else 0)


@click.command()
@click.option(
    "--format",
    "form",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="Aligned columns for a terminal, or Markdown pipe tables.",
)
def profile(form: str) -> None:
    """Print the profile's rules, one table per class, read from the shapes."""
    from registry.profile.tables import build_profile
    from registry.profile.text import render_markdown, render_text

    tables = build_profile(_profile())
    if form == "markdown":
        click.echo(render_markdown(tables), nl=False)
    else:
        width = min(shutil.get_terminal_size((100, 24)).columns, 120)
        click.echo(render_text(tables, width), nl=False)

"""``registry dicom scan``: scan a folder, report on standard error, write the draft.

Files that look identified stop the command from writing a draft unless
``--allow-identified`` is given.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    import pyoxigraph as ox


def _read_template(path: Path) -> list[ox.Triple]:
    from registry.dicom.template import dataset_node
    from registry.errors import RegistryError
    from registry.rdf import formats

    try:
        triples = formats.parse(path.read_bytes(), formats.syntax_for_path(path))
        dataset_node(triples)
    except RegistryError as error:
        raise click.ClickException(f"{path}: {error.message}") from None
    return triples


@click.group()
def dicom() -> None:
    """Derive dataset descriptions from folders of DICOM files."""


@dicom.command("scan")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the draft to this file [standard output].",
)
@click.option(
    "--format",
    "form",
    type=click.Choice(["ttl", "jsonld"]),
    default=None,
    help="Turtle or JSON-LD [from the --out suffix, else ttl].",
)
@click.option(
    "--template",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="RDF file with your fields for the dataset (title, publisher, ...).",
)
@click.option(
    "--allow-identified", is_flag=True, help="Write the draft even if some files look identified."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes to read with [all cores].",
)
def scan_command(
    folder: Path,
    out: Path | None,
    form: str | None,
    template: Path | None,
    allow_identified: bool,
    workers: int | None,
) -> None:
    """Scan DICOM headers under FOLDER and write a draft dataset description.

    Fields a scan cannot know are left out (a Turtle draft lists them as TODO comments) or
    taken from --template. Exits 1 without writing a draft if files look identified.
    """
    from tqdm import tqdm

    from registry.dicom.draft import build_draft, render
    from registry.dicom.folder import files_under, scan_files
    from registry.dicom.report import report
    from registry.rdf import formats

    template_triples = _read_template(template) if template else None
    suffix = form or (out.suffix if out else "")
    jsonld = suffix in ("jsonld", ".jsonld", ".json")
    syntax = formats.syntax_for_suffix("jsonld" if jsonld else "ttl") or formats.SYNTAXES[0]
    started, paths = time.perf_counter(), files_under(folder)
    with tqdm(total=len(paths), unit="file", file=sys.stderr, disable=None) as bar:
        tally = scan_files(paths, folder, workers, bar.update)
    draft = build_draft(tally)
    for line in report(tally, draft):
        click.echo(line, err=True)
    click.echo(f"Scanned in {time.perf_counter() - started:.1f} s.", err=True)
    if tally.identified and not allow_identified:
        click.echo(
            "No draft written: de-identify the files listed above, or pass --allow-identified "
            "if they are de-identified in a way this check does not see.",
            err=True,
        )
        sys.exit(1)
    if not tally.instances:
        raise click.ClickException(f"No DICOM instances under {folder}: nothing to describe.")
    body, missing = render(draft, template_triples, syntax)
    try:
        if out:
            out.write_bytes(body)
        else:
            click.echo(body, nl=False)  # bytes go to the binary stdout
    except OSError as error:
        raise click.ClickException(f"Cannot write {out}: {error.strerror}") from None
    todo = ", ".join(field.label for field in missing) or "nothing"
    click.echo(f"Draft written to {out or 'standard output'}. Still to fill in: {todo}.", err=True)

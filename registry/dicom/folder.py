"""``registry dicom scan``: a draft dataset description from a folder of DICOM files.

The scan reads headers only, on every core (``dicom_scan``), and writes a draft in the
profile (``dicom_draft``, ``dicom_template``). The report on standard error names skipped,
incomplete and identified files by their path, with any identifier in the path hidden,
never by a value read from them. Files that look identified stop the scan from writing a
draft unless ``--allow-identified`` is given.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.context import BaseContext
from pathlib import Path

import click
import pyoxigraph as ox
from tqdm import tqdm

from registry.dicom.draft import Draft, build_draft
from registry.dicom.scan import read_chunk
from registry.dicom.tally import Tally
from registry.dicom.template import (
    ProviderField,
    dataset_node,
    merge_template,
    missing_fields,
    turtle_header,
)
from registry.errors import RegistryError
from registry.rdf import formats

# Starting the worker pool costs about 0.7 s (the forkserver imports pydicom and the main
# module once); one process reads about 3,000 files a second. Below this many files, one
# process is done before two would be.
POOL_THRESHOLD = 4000


def files_under(folder: Path) -> list[str]:
    """Every regular file under ``folder`` and its sub-folders, sorted.

    Links to folders are not followed (no loops); pipes and devices are left out (opening
    one would block); a folder that cannot be listed is passed over, like ``os.walk``.
    """
    found, folders = [], [str(folder)]
    while folders:
        try:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                    elif entry.is_file():
                        found.append(entry.path)
        except OSError:
            continue
    return sorted(found)


def chunks(paths: list[str], workers: int) -> Iterator[list[str]]:
    """Split the files so each worker gets several chunks (even load, a moving progress bar)."""
    size = max(16, min(512, -(-len(paths) // (workers * 8))))
    return (paths[i : i + size] for i in range(0, len(paths), size))


def _context() -> BaseContext:
    """Start workers from a server that has the reader (and pydicom) imported already.

    forkserver rather than fork: a worker is not a copy of a parent that may run threads
    (the progress bar's monitor). The main module is preloaded too, or each worker would
    import it again. Where there is no forkserver (Windows), spawn.
    """
    if "forkserver" not in get_all_start_methods():
        return get_context("spawn")
    context = get_context("forkserver")
    context.set_forkserver_preload(["__main__", "registry.dicom.scan"])
    return context


def cores() -> int:
    """The number of cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


def scan_files(
    paths: list[str], root: Path, workers: int | None = None,
    advance: Callable[[int], object] = lambda n: None,
) -> Tally:
    """Read the files' headers, on ``workers`` processes (all cores for a large folder)."""
    key = os.urandom(16)  # a fresh key per scan: digests mean nothing outside it
    if workers is None:
        workers = cores() if len(paths) >= POOL_THRESHOLD else 1
    tally = Tally(key)
    if workers == 1:
        for chunk in chunks(paths, 1):
            tally.merge(read_chunk(chunk, key, str(root)))
            advance(len(chunk))
        return tally
    with ProcessPoolExecutor(workers, mp_context=_context()) as pool:
        futures = {
            pool.submit(read_chunk, chunk, key, str(root)): len(chunk)
            for chunk in chunks(paths, workers)
        }
        for future in as_completed(futures):
            tally.merge(future.result())
            advance(futures[future])
    return tally


def scan(folder: Path, workers: int | None = None) -> Tally:
    """Read every file under ``folder`` (the use case without a progress bar)."""
    return scan_files(files_under(folder), folder, workers)


def report(tally: Tally, draft: Draft) -> list[str]:
    """Return the scan's report: counts, then every file skipped, incomplete or identified.

    Files are named by their path under the folder, with identifiers in it hidden.
    """
    sexes = _counts({"F": "female", "M": "male", "O": "other", "": "unknown"}, draft.sexes)
    lines = [
        f"Read {tally.files} files: {len(tally.instances)} DICOM instances in "
        f"{len(tally.series)} series, {len(tally.studies)} studies, "
        f"{len(tally.sex_of_patient)} individuals{f' ({sexes})' if sexes else ''}; "
        f"studies with a segmentation: {len(tally.segmented_studies)}."
    ]
    skipped = sorted(tally.skipped)
    lines += _listed(
        f"Skipped {len(skipped)} file(s):",
        list(zip(tally.mask(p for p, _ in skipped), (why for _, why in skipped), strict=True)),
    )
    for keyword, paths in sorted(tally.missing.items()):
        lines += _listed(f"No {keyword} in {len(paths)} file(s):", _plain(tally, paths))
    lines += _listed(
        f"{len(tally.warned)} file(s) read with pydicom warnings (odd values, not shown):",
        _plain(tally, tally.warned),
    )
    for name, unmapped in (
        ("Modality", draft.unmapped_modalities),
        ("Body Part Examined", draft.unmapped_body_parts),
    ):
        if unmapped:
            values = ", ".join(f"{v!r} ({n} files)" for v, n in unmapped.most_common())
            lines.append(f"{name} values with no concept in the registry's scheme: {values}")
    lines += _listed(
        f"{len(tally.identified)} file(s) look identified "
        "(PatientIdentityRemoved is not YES, or a patient name is present):",
        _plain(tally, tally.identified),
    )
    return lines


def _plain(tally: Tally, paths: list[str]) -> list[tuple[str, str]]:
    return [(path, "") for path in tally.mask(sorted(paths))]


def _counts(names: dict[str, str], counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[code]} {name}" for code, name in names.items() if counts.get(code))


def _listed(title: str, items: list[tuple[str, str]]) -> list[str]:
    if not items:
        return []
    return [title] + [f"  {path}: {why}" if why else f"  {path}" for path, why in items]


def _read_template(path: Path) -> list[ox.Triple]:
    try:
        triples = formats.parse(path.read_bytes(), formats.syntax_for_path(path))
        dataset_node(triples)
    except RegistryError as error:
        raise click.ClickException(f"{path}: {error.message}") from None
    return triples


def render(
    draft: Draft, template: list[ox.Triple] | None, syntax: formats.RdfSyntax
) -> tuple[bytes, list[ProviderField]]:
    """Return the draft (merged with the template) as a document, and the fields still due.

    A Turtle document opens with a TODO comment per field still due; JSON-LD has no comments.
    """
    triples = merge_template(draft.triples, template) if template else draft.triples
    body = formats.serialize(triples, syntax)
    if syntax.name == "Turtle":
        body = turtle_header(triples).encode() + b"\n" + body
    return body, missing_fields(triples)


@click.group()
def dicom() -> None:
    """Derive dataset descriptions from folders of DICOM files."""


@dicom.command("scan")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the draft to this file [standard output].")
@click.option("--format", "form", type=click.Choice(["ttl", "jsonld"]), default=None,
              help="Turtle or JSON-LD [from the --out suffix, else ttl].")
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="RDF file with your fields for the dataset (title, publisher, ...).")
@click.option("--allow-identified", is_flag=True,
              help="Write the draft even if some files look identified.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes to read with [all cores].")
def scan_command(
    folder: Path, out: Path | None, form: str | None, template: Path | None,
    allow_identified: bool, workers: int | None,
) -> None:
    """Scan DICOM headers under FOLDER and write a draft dataset description.

    Fields a scan cannot know are left out (a Turtle draft lists them as TODO comments) or
    taken from --template. Exits 1 without writing a draft if files look identified.
    """
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
            "if they are de-identified in a way this check does not see.", err=True,
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

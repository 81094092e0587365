"""The ``registry`` command: serve, load, validate, profile, generate, dicom scan, provider,
db upgrade, backup, restore, dump.

Click only: each command imports what it runs when it runs, so ``registry provider list``
does not load the profile, the store or the web app.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from registry.cli.database import database
from registry.cli.dicom import dicom
from registry.cli.generate import generate
from registry.cli.harvest import harvest
from registry.cli.loading import load_with_progress as _load
from registry.cli.opening import open_for_command as _open
from registry.cli.profile import profile, validate
from registry.cli.provider import provider
from registry.config import load_settings
from registry.errors import RegistryError

if TYPE_CHECKING:
    from registry.runtime import Registry


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Cancer Image Registry: HealthDCAT-AP metadata of cancer-imaging datasets.

    Settings come from REGISTRY_* environment variables (see README.md).
    """


@main.command()
@click.option("--host", default=None, help="Interface to listen on [REGISTRY_HOST, 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port [REGISTRY_PORT, 8080].")
@click.option(
    "--sample",
    is_flag=True,
    help="Load the sample catalogue from data/ first, into records that do not exist yet "
    "(a sample never replaces a record: one a provider changed is kept).",
)
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    default=None,
    help="Web processes (gunicorn workers; above 1 needs a remote store) [REGISTRY_PROCESSES, 1].",
)
def serve(host: str | None, port: int | None, sample: bool, processes: int | None) -> None:
    """Serve the catalogue pages and /sparql with a production WSGI server (waitress; with
    --processes N above 1, N gunicorn workers over a remote store)."""
    import waitress

    from registry.federation.fdp import ping_urls, start_pinging
    from registry.resources import resource_dir
    from registry.web.app import create_app
    from registry.web.observability import configure_logging

    given = {"host": host, "port": port, "processes": processes}
    overrides = {k: v for k, v in given.items() if v is not None}
    try:
        settings = load_settings(overrides)
    except ValueError as error:
        raise click.ClickException(f"Cannot start: {error}") from None
    if settings.processes > 1:
        from registry.cli.processes import refuse_embedded, serve_processes

        refuse_embedded(settings, settings.processes)
        serve_processes(settings, overrides, sample)
        return
    try:
        app = create_app(overrides)
    except RegistryError as error:
        raise click.ClickException(error.message) from None
    except (ValueError, OSError) as error:
        raise click.ClickException(f"Cannot start: {error}") from None
    registry: Registry = app.extensions["registry"]
    settings = registry.settings
    configure_logging(settings.log_format)
    warning = settings.address_warning()
    if warning:
        click.echo(f"Warning: {warning}", err=True)
    if sample:
        _load(registry, [resource_dir("data") / "sample"], samples=True)
    registry.schedule_dumps()
    registry.schedule_harvests()
    # Off unless REGISTRY_FDP_PING_URLS names indexes: then now, and weekly.
    start_pinging(ping_urls(settings.fdp_ping_urls), settings.base_iri)
    threading.Thread(target=registry.listing.warm, name="listing", daemon=True).start()
    registry.follow_changes()  # writes through other processes sharing a remote store
    click.echo(f"Serving {settings.catalog_title} on http://{settings.host}:{settings.port}/")
    waitress.serve(
        app,
        host=settings.host,
        port=settings.port,
        threads=settings.threads,
        # No "Server: waitress" banner telling attackers what to try.
        ident="",
        connection_limit=settings.connection_limit,
        channel_timeout=settings.channel_timeout,
        # Idle connections are looked for this often: waitress's 30 s would keep a stalled
        # one open up to 30 s past the channel timeout.
        cleanup_interval=max(1, settings.channel_timeout // 2),
        # ProxyFix (create_app) trusts the last `trusted_proxies` hops' X-Forwarded-For;
        # waitress would strip those headers before it sees them.
        clear_untrusted_proxy_headers=not settings.trusted_proxies,
    )


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def load(paths: tuple[Path, ...]) -> None:
    """Validate and store description files and folders; exit 1 if any is rejected."""
    registry = _open()
    try:
        rejected = _load(registry, list(paths))
    finally:
        registry.close()
    sys.exit(1 if rejected else 0)


main.add_command(validate)
main.add_command(profile)
main.add_command(generate)
main.add_command(dicom)
main.add_command(provider)
main.add_command(database)
main.add_command(harvest)


@contextmanager
def _stopped_store() -> Iterator[None]:
    """Turn the errors of a command that needs the store to itself into one-line messages."""
    try:
        yield
    except RegistryError as error:
        raise click.ClickException(error.message) from None
    except OSError as error:
        raise click.ClickException(f"Cannot open the store: {error}. Is it serving?") from None


@main.command("backup")
@click.argument("folder", type=click.Path(path_type=Path))
def backup_command(folder: Path) -> None:
    """Copy the store (all graphs, as N-Quads) and the database (accounts, audit log) into
    FOLDER (new or empty).

    Stop ``registry serve`` first: only one process may open the store.
    """
    from registry.backup import backup

    started = time.perf_counter()
    with _stopped_store():
        backup(load_settings(), folder)
    click.echo(f"Backed up into {folder} in {time.perf_counter() - started:.1f} s")


@main.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(folder: Path) -> None:
    """Load a backup FOLDER into a new store (REGISTRY_STORE must not exist yet) and a
    database without accounts or audit log."""
    from registry.backup import restore

    started = time.perf_counter()
    with _stopped_store():
        restore(load_settings(), folder)
    click.echo(f"Restored {folder} in {time.perf_counter() - started:.1f} s")


@main.command("dump")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def dump_command(path: Path | None) -> None:
    """Write the gzipped N-Quads dump of every current record (one graph each) now.

    Without PATH it replaces the one /dump.nq.gz serves (REGISTRY_STORE-dump.nq.gz), which
    `registry serve` also regenerates every REGISTRY_DUMP_INTERVAL seconds. Stop the server
    first: only one process may open the store.
    """
    from registry.federation.dump import Dump

    registry = _open()
    started = time.perf_counter()
    try:
        dump = registry.dump
        if path is not None:
            dump = Dump(registry.store, registry.layout, path, dump.scratch)
        info = dump.write()
    except OSError as error:
        raise click.ClickException(f"Cannot write the dump: {error}") from None
    finally:
        registry.close()
    click.echo(
        f"Dumped {info.records} records ({info.datasets} datasets, {info.agents} agents; "
        f"{info.triples} triples, {info.bytes / 1e6:.1f} MB) into {dump.path} "
        f"in {time.perf_counter() - started:.1f} s"
    )

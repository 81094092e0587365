"""``registry harvest``: add, list, show, remove and run the catalogues the registry harvests.

``add``, ``list`` and ``show`` touch only the operational database. ``run`` and ``remove
--withdraw-records`` write records, so they open the store, as ``registry load`` does; if a
running server holds it, ``run`` leaves a request in the database instead, and the server's
schedule runs it within ``REGISTRY_HARVEST_CHECK_INTERVAL`` seconds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from registry.config import load_settings
from registry.errors import RegistryError

if TYPE_CHECKING:
    from registry.federation.harvest.sources import Sources


@contextmanager
def harvest_sources() -> Iterator[Sources]:
    """The configured database's harvest sources; their errors (an unknown source, a name in
    use, no database) as one line."""
    from registry.database import open_database
    from registry.federation.harvest.sources import Sources

    try:
        database = open_database(load_settings())
        try:
            yield Sources(database)
        finally:
            database.close()
    except RegistryError as error:
        raise click.ClickException(error.message) from None


@click.group()
def harvest() -> None:
    """Catalogues the registry harvests (DCAT-AP pages, feeds, FDP, OAI-PMH, SPARQL, dumps)."""


@harvest.command("add")
@click.argument("name")
@click.argument("url")
@click.option("--kind", type=click.Choice(["dcat", "feed", "fdp", "oai", "sparql", "dump"]))
@click.option("--every", default="24h", show_default=True, help="Run interval (30m, 24h, 0).")
@click.option("--provider", help="The provider account the harvested records belong to.")
def add(name: str, url: str, kind: str | None, every: str, provider: str | None) -> None:
    """Add a source; without --kind, find it from what URL answers."""
    from registry.cli.provider import provider_accounts
    from registry.federation.harvest.fetch import Fetcher, Limits
    from registry.federation.harvest.readers import detect
    from registry.federation.harvest.sources import Source, parse_every

    settings = load_settings()
    try:
        if provider:
            with provider_accounts() as accounts:
                known = accounts.agent_of(provider) is not None
            if not known:
                raise click.ClickException(f"There is no provider account named {provider!r}.")
        kind = kind or detect(Fetcher(url, Limits.from_settings(settings)), url)
        source = Source(name, url, kind, parse_every(every), provider)
    except RegistryError as error:
        raise click.ClickException(error.message) from None
    with harvest_sources() as sources:
        sources.add(source)
    click.echo(f"Added {name}: {kind} source <{url}>, every {every}.")


@harvest.command("list")
def list_sources() -> None:
    """List the sources with their last run."""
    with harvest_sources() as sources:
        for source in sources.all():
            runs = sources.runs(source.name, limit=1)
            last = f"{runs[0].started} {runs[0].status}" if runs else "never run"
            click.echo(f"{source.name}\t{source.kind}\t{source.url}\t{last}")


@harvest.command("show")
@click.argument("name")
@click.option("--runs", "count", default=5, show_default=True, help="How many runs to show.")
def show(name: str, count: int) -> None:
    """Show a source and its last runs with their reports (JSON)."""
    with harvest_sources() as sources:
        click.echo(json.dumps(sources.get(name).__dict__, indent=2))
        for run in sources.runs(name, limit=count):
            click.echo(json.dumps(run.__dict__, indent=2))


@harvest.command("remove")
@click.argument("name")
@click.option("--keep-records", "keep", flag_value=True, default=None, help="Keep its records.")
@click.option("--withdraw-records", "keep", flag_value=False, help="Withdraw its records.")
def remove(name: str, keep: bool | None) -> None:
    """Forget a source; say what becomes of its records (--keep-records or --withdraw-records)."""
    if keep is None:
        raise click.UsageError(
            "Say what becomes of its records: --keep-records or --withdraw-records."
        )
    with harvest_sources() as sources:
        sources.get(name)
    if not keep:
        click.echo(f"Withdrew {len(_withdraw_all(name))} records of {name}.")
    with harvest_sources() as sources:
        sources.remove(name)
    click.echo(f"Removed the source {name}.")


def _withdraw_all(name: str) -> list[str]:
    """Withdraw the source's records (the store to ourselves, as ``registry load``)."""
    from registry.cli.opening import open_for_command

    registry = open_for_command()
    try:
        return registry.harvester.withdraw_all(name)
    finally:
        registry.close()


@harvest.command("run")
@click.argument("names", nargs=-1)
@click.option(
    "--allow-withdraw",
    is_flag=True,
    help="Withdraw what the sources no longer list even past the guard against mass deletion "
    "(REGISTRY_HARVEST_WITHDRAW_SHARE): you checked that they really dropped it.",
)
def run(names: tuple[str, ...], allow_withdraw: bool) -> None:
    """Harvest the named sources (all without a name) now; exit 1 if a run did not complete."""
    with harvest_sources() as sources:
        wanted = list(names) or [source.name for source in sources.all()]
        for name in wanted:
            sources.get(name)
    reports = _run_here(wanted, allow_withdraw)
    if reports is None:
        with harvest_sources() as sources:
            for name in wanted:
                sources.request_run(name, allow_withdraw)
        click.echo(
            f"The store is in use (a running server): asked it to harvest {', '.join(wanted)} "
            "at its next look, every REGISTRY_HARVEST_CHECK_INTERVAL seconds (see /harvest or "
            "`registry harvest show`)."
        )
        return
    for report in reports:
        click.echo(summary(report))
    raise SystemExit(0 if all(r["status"] == "complete" for r in reports) else 1)


def _run_here(names: list[str], allow_withdraw: bool) -> list[dict[str, Any]] | None:
    """Run the sources in this process; None if a running server holds the store."""
    from registry.cli.opening import held_by_server

    registry = held_by_server()
    if registry is None:
        return None
    try:
        return [registry.harvester.run(name, allow_withdraw).as_dict() for name in names]
    finally:
        registry.close()


def summary(report: dict[str, Any]) -> str:
    """One paragraph of a run's report for the terminal."""
    refused = report["refused"]
    lines = [
        f"{report['source']}: {report['status']}; {report['created']} created, "
        f"{report['updated']} updated, {report['unchanged']} unchanged, {len(refused)} refused, "
        f"{len(report['withdrawn'])} withdrawn ({report['documents']} documents)"
    ]
    if report["stopped"]:
        lines.append(f"  stopped: {report['stopped']}")
    for said in ("withdrawals_held", "withdrawals_confirmed"):
        if report.get(said):
            lines.append(f"  {report[said]}")
    lines += [f"  refused <{r['topic']}>: {r['reason']}" for r in refused]
    return "\n".join(lines)

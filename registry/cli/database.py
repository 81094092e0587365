"""``registry db``: the operational database (accounts, token digests, audit log).

It never opens the store, so it works while ``registry serve`` runs.
"""

from __future__ import annotations

import click

from registry.config import load_settings
from registry.database import Database
from registry.errors import RegistryError


@click.group("db")
def database() -> None:
    """The database of accounts, tokens and the audit log (REGISTRY_DATABASE)."""


@database.command("upgrade")
def upgrade() -> None:
    """Bring the database's schema to this version (every start does it too), and import
    the accounts, audit and harvest files an earlier version kept beside the store, once."""
    settings = load_settings()
    try:
        db = Database(settings.database_url)
        try:
            before = db.version()
            after = db.upgrade(settings.legacy_files)
        finally:
            db.close()
    except (RegistryError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    change = f"upgraded from version {before}" if before != after else "already up to date"
    click.echo(f"Database {db.name}: schema version {after}, {change}.")

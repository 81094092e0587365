"""``registry provider``: accounts and API tokens, kept in the database (REGISTRY_DATABASE).

These commands never open the store, so they work while ``registry serve`` runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import click

from registry.config import load_settings
from registry.database import open_database
from registry.errors import RegistryError
from registry.records.accounts import Accounts


@contextmanager
def provider_accounts() -> Iterator[Accounts]:
    """The configured accounts; their errors (a name in use, no database) as one line."""
    try:
        database = open_database(load_settings())
        try:
            yield Accounts(database)
        finally:
            database.close()
    except RegistryError as error:
        raise click.ClickException(error.message) from None


@click.group()
def provider() -> None:
    """Provider accounts: an agent IRI and its API tokens."""


@provider.command("add")
@click.argument("name")
@click.option("--agent", required=True, help="IRI of the foaf:Agent the provider publishes as.")
def add(name: str, agent: str) -> None:
    """Create the account NAME for the agent IRI its datasets name as dct:publisher."""
    with provider_accounts() as accounts:
        accounts.add_provider(name, agent)
    click.echo(
        f"Provider {name} publishes as <{agent}>. Give it a token: registry provider token {name}"
    )


@provider.command("token")
@click.argument("name")
@click.option(
    "--expires-in", type=int, default=None, metavar="DAYS", help="Expire after DAYS days."
)
def token(name: str, expires_in: int | None) -> None:
    """Print a new API token for provider NAME (it is shown this once, and kept hashed)."""
    expires = datetime.now(UTC) + timedelta(days=expires_in) if expires_in else None
    with provider_accounts() as accounts:
        secret = accounts.new_token(name, expires)
    click.echo(secret)


@provider.command("list")
def list_providers() -> None:
    """List the accounts, their agents and their tokens (ids and dates, never secrets)."""
    with provider_accounts() as accounts:
        listed = accounts.providers()
    for account, tokens in listed:
        click.echo(f"{account.name}\t<{account.agent}>")
        for t in tokens:
            state = f"revoked {t.revoked}" if t.revoked else f"expires {t.expires or 'never'}"
            click.echo(f"  token {t.id}\tcreated {t.created}\t{state}")


@provider.command("revoke")
@click.argument("token_id")
def revoke(token_id: str) -> None:
    """Revoke the token TOKEN_ID (the id ``registry provider list`` shows)."""
    with provider_accounts() as accounts:
        accounts.revoke(token_id)
    click.echo(f"Token {token_id} revoked.")

"""``registry provider``: accounts and API tokens, kept in the SQLite file beside the store.

They work while ``registry serve`` runs: only ``provider add`` reads the store, to warn
when the agent is not registered, and when a server holds the store it says so instead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import click

from registry.config import load_settings
from registry.errors import AccountError
from registry.records.accounts import Accounts


def _accounts() -> Accounts:
    return Accounts(load_settings().accounts_path)


@click.group()
def provider() -> None:
    """Provider accounts: an agent IRI and its API tokens."""


@provider.command("add")
@click.argument("name")
@click.option("--agent", required=True, help="IRI of the foaf:Agent the provider publishes as.")
def add(name: str, agent: str) -> None:
    """Create the account NAME for the agent IRI its datasets name as dct:publisher."""
    try:
        _accounts().add_provider(name, agent)
    except AccountError as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"Provider {name} publishes as <{agent}>. Give it a token: registry provider token {name}"
    )
    unregistered = registration_warning(agent)
    if unregistered:
        click.echo(unregistered, err=True)


def registration_warning(agent: str) -> str | None:
    """What to do when ``agent`` is not registered yet (None when it is): its datasets are
    refused until its description is a record. Read from the store when no server holds it."""
    from registry.records.agents import is_registered
    from registry.records.layout import Layout
    from registry.store.oxigraph import OxigraphStore

    settings = load_settings()
    register = (
        "Register the agent's own description first (one foaf:Agent with foaf:name, dct:type "
        "and cv:contactPoint): registry load FILE, or the provider POSTs it to /api/records "
        "with its token."
    )
    if not Path(settings.store).exists():  # never create a store here
        return f"Warning: <{agent}> is not registered (the store is empty). {register}"
    try:
        store = OxigraphStore(Path(settings.store))
    except OSError:  # a running registry serve holds the store
        resolve = settings.base_iri + "resolve?" + urlencode({"iri": agent})
        return (
            f"Note: the store is in use, so whether <{agent}> is registered was not checked; "
            f"GET {resolve} answers 303 if it is. {register}"
        )
    try:
        if is_registered(store, Layout(settings.base_iri), agent):
            return None
    finally:
        store.close()
    return (
        f"Warning: <{agent}> is not registered, so the provider's datasets, which cite it as "
        f"dct:publisher, are refused until it is. {register}"
    )


@provider.command("token")
@click.argument("name")
@click.option(
    "--expires-in", type=int, default=None, metavar="DAYS", help="Expire after DAYS days."
)
def token(name: str, expires_in: int | None) -> None:
    """Print a new API token for provider NAME (it is shown this once, and kept hashed)."""
    expires = datetime.now(UTC) + timedelta(days=expires_in) if expires_in else None
    try:
        secret = _accounts().new_token(name, expires)
    except AccountError as error:
        raise click.ClickException(error.message) from None
    click.echo(secret)


@provider.command("list")
def list_providers() -> None:
    """List the accounts, their agents and their tokens (ids and dates, never secrets)."""
    for account, tokens in _accounts().providers():
        click.echo(f"{account.name}\t<{account.agent}>")
        for t in tokens:
            state = f"revoked {t.revoked}" if t.revoked else f"expires {t.expires or 'never'}"
            click.echo(f"  token {t.id}\tcreated {t.created}\t{state}")


@provider.command("revoke")
@click.argument("token_id")
def revoke(token_id: str) -> None:
    """Revoke the token TOKEN_ID (the id ``registry provider list`` shows)."""
    try:
        _accounts().revoke(token_id)
    except AccountError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Token {token_id} revoked.")

"""``registry provider``: accounts and API tokens, kept in the database (REGISTRY_DATABASE).

They work while ``registry serve`` runs: only ``provider add`` reads the store, to warn
when the agent is not registered, and when a server holds the store it says so instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

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


NAMESPACE_HELP = (
    "IRI prefix the provider's dataset IRIs must start with (repeat for several; end it with "
    "/ or #). Without any, the provider may register any dataset IRI."
)


@provider.command("add")
@click.argument("name")
@click.option("--agent", required=True, help="IRI of the foaf:Agent the provider publishes as.")
@click.option("--namespace", "namespaces", multiple=True, metavar="PREFIX", help=NAMESPACE_HELP)
def add(name: str, agent: str, namespaces: tuple[str, ...]) -> None:
    """Create the account NAME for the agent IRI its datasets name as dct:publisher."""
    with provider_accounts() as accounts:
        account = accounts.add_provider(name, agent, namespaces)
    click.echo(
        f"Provider {name} publishes as <{account.agent}>"
        + "".join(f", datasets under <{n}>" for n in account.namespaces)
        + f". Give it a token: registry provider token {name}"
    )
    unregistered = registration_warning(agent)
    if unregistered:
        click.echo(unregistered, err=True)


def registration_warning(agent: str) -> str | None:
    """What to do when ``agent`` is not registered yet (None when it is): its datasets are
    refused until its description is a record. Read from the store when no server holds it."""
    from registry.errors import StoreUnavailable
    from registry.records.agents import is_registered
    from registry.records.layout import Layout
    from registry.store.backends import open_store

    settings = load_settings()
    register = (
        "Register the agent's own description first (one foaf:Agent with foaf:name, dct:type "
        "and cv:contactPoint): registry load FILE, or the provider POSTs it to /api/records "
        "with its token."
    )
    if not settings.remote_store and not settings.store_path.exists():  # never create one
        return f"Warning: <{agent}> is not registered (the store is empty). {register}"
    try:
        store = open_store(settings)
    except (OSError, StoreUnavailable):  # a running registry serve holds the store
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


@provider.command("namespaces")
@click.argument("name")
@click.option("--namespace", "namespaces", multiple=True, metavar="PREFIX", help=NAMESPACE_HELP)
def set_namespaces(name: str, namespaces: tuple[str, ...]) -> None:
    """Replace the namespaces of account NAME (none given: any dataset IRI again)."""
    with provider_accounts() as accounts:
        accounts.set_namespaces(name, namespaces)
    click.echo(f"Provider {name} registers datasets under: {', '.join(namespaces) or 'any IRI'}.")


@provider.command("token")
@click.argument("name")
@click.option(
    "--expires-in",
    type=click.IntRange(min=1, max=36_500),
    default=None,
    metavar="DAYS",
    help="Expire after DAYS days (1 or more; without it the token never expires).",
)
def token(name: str, expires_in: int | None) -> None:
    """Print a new API token for provider NAME (it is shown this once, and kept hashed)."""
    # 0 made a token that never expired (a falsy "if expires_in") and -3 one already expired.
    expires = datetime.now(UTC) + timedelta(days=expires_in) if expires_in is not None else None
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
        for namespace in account.namespaces:
            click.echo(f"  datasets under <{namespace}>")
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

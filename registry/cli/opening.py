"""Opening the registry from a command: setup problems become one-line messages, and a
store held by a running server is told apart (only one process may open the embedded store).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from registry.config import load_settings
from registry.errors import RegistryError

if TYPE_CHECKING:
    from registry.runtime import Registry


def open_for_command() -> Registry:
    """Open the configured registry, turning setup problems into one-line messages."""
    from registry.runtime import open_registry

    try:
        return open_registry(load_settings())
    except RegistryError as error:
        raise click.ClickException(error.message) from None
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(
            f"Cannot open the store: {error}. Is another registry process using it, "
            "or is REGISTRY_STORE not a folder?"
        ) from None


def held_by_server() -> Registry | None:
    """Open the configured registry, or return None when another process (a running
    ``registry serve``) holds the embedded store: only one process may open it."""
    from registry.runtime import open_registry

    try:
        return open_registry(load_settings())
    except OSError as error:
        if "lock" in str(error).lower():
            return None
        raise click.ClickException(f"Cannot open the store: {error}") from None
    except (RegistryError, ValueError):
        return open_for_command()  # the same error, as a one-line message

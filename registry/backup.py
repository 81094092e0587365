"""Backup and restore: the whole store as N-Quads (records, versions, history, vocabularies)
plus the accounts file, in one folder; restore loads them into a new, empty store.

N-Quads rather than a copy of the database files: it is portable across Oxigraph versions
and a restored store can be compared with the original by isomorphism.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from registry.config import Settings
from registry.errors import RegistryError
from registry.records.accounts import Accounts
from registry.store.backends import open_store

QUADS, ACCOUNTS, AUDIT = "store.nq", "accounts.sqlite", "audit.jsonl"


def backup(settings: Settings, folder: Path) -> None:
    """Write the store's quads, the accounts and the audit log into ``folder`` (new or empty)."""
    if folder.exists() and any(folder.iterdir()):
        raise RegistryError(f"{folder} is not empty; back up into a new folder.")
    folder.mkdir(parents=True, exist_ok=True)
    store = open_store(settings)
    try:
        store.dump(folder / QUADS)
    finally:
        store.close()
    Accounts(settings.accounts_path).backup(folder / ACCOUNTS)
    if settings.audit_path.exists():
        shutil.copyfile(settings.audit_path, folder / AUDIT)


def restore(settings: Settings, folder: Path) -> None:
    """Load a backup folder into the configured store, which must not exist yet (a remote
    one: must be empty)."""
    if not (folder / QUADS).is_file():
        raise RegistryError(f"{folder} holds no {QUADS}: not a registry backup.")
    exists = not settings.remote_store and settings.store_path.exists()
    if exists or settings.accounts_path.exists():
        raise RegistryError(
            f"{settings.store_path} (or its accounts) exists; restore into a new REGISTRY_STORE."
        )
    store = open_store(settings)
    try:
        if store.quad_count():
            raise RegistryError(
                f"The store {settings.store} is not empty; restore into an empty one."
            )
        store.restore(folder / QUADS)
    finally:
        store.close()
    if (folder / ACCOUNTS).is_file():
        Accounts(folder / ACCOUNTS).backup(settings.accounts_path)
    if (folder / AUDIT).is_file():
        shutil.copyfile(folder / AUDIT, settings.audit_path)

"""Backup and restore: the whole store as N-Quads (records, versions, history, vocabularies)
plus the operational database (accounts, token digests, audit log, harvest sources and runs)
as JSON lines, in one folder; restore loads them into a new, empty store and a database
without accounts.

N-Quads rather than a copy of the database files: it is portable across Oxigraph versions
and a restored store can be compared with the original by isomorphism. The database is
written row by row for the same reasons (``Database.dump`` says more): a backup of the
SQLite default restores into PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

from registry.config import Settings
from registry.database import open_database
from registry.errors import RegistryError
from registry.store.backends import open_store

QUADS, DATABASE = "store.nq", "database.jsonl"
LEGACY = {"accounts": "accounts.sqlite", "audit": "audit.jsonl", "harvest": "harvest.sqlite"}
"""What backups of earlier versions hold instead of (or, the harvest file, beside)
``DATABASE``: restore imports them."""


def backup(settings: Settings, folder: Path) -> None:
    """Write the store's quads and the database's rows into ``folder`` (new or empty)."""
    if folder.exists() and any(folder.iterdir()):
        raise RegistryError(f"{folder} is not empty; back up into a new folder.")
    folder.mkdir(parents=True, exist_ok=True)
    store = open_store(settings)
    try:
        store.dump(folder / QUADS)
    finally:
        store.close()
    database = open_database(settings)
    try:
        database.dump(folder / DATABASE)
    finally:
        database.close()


def restore(settings: Settings, folder: Path) -> None:
    """Load a backup folder into the configured store, which must not exist yet (a remote
    one: must be empty), and the configured database, which must hold no accounts or audit
    log yet."""
    if not (folder / QUADS).is_file():
        raise RegistryError(f"{folder} holds no {QUADS}: not a registry backup.")
    if not settings.remote_store and settings.store_path.exists():
        raise RegistryError(f"{settings.store_path} exists; restore into a new REGISTRY_STORE.")
    database = open_database(settings)
    try:
        database.refuse_data()
        store = open_store(settings)
        try:
            if store.quad_count():
                raise RegistryError(
                    f"The store {settings.store} is not empty; restore into an empty one."
                )
            store.restore(folder / QUADS)
        finally:
            store.close()
        if (folder / DATABASE).is_file():
            database.load(folder / DATABASE)
        database.upgrade({kind: folder / name for kind, name in LEGACY.items()})
    finally:
        database.close()

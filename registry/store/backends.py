"""Open the store the settings name: a folder is the embedded store, a URL a remote one."""

from __future__ import annotations

from registry.config import Settings
from registry.store import http
from registry.store.interface import Store
from registry.store.oxigraph import EmbeddedStore
from registry.store.remote import Endpoints, RemoteStore, WriterLock


def open_store(settings: Settings) -> Store:
    """Open the embedded store in ``REGISTRY_STORE``'s folder, or connect to the server at its
    URL (nothing is sent until the first read: a server that is down is reported then)."""
    if not settings.remote_store:
        return EmbeddedStore(settings.store_path)
    endpoints = Endpoints.of(
        settings.store,
        settings.store_query_url,
        settings.store_update_url,
        settings.store_graph_url,
    )
    client = http.Client(settings.store_connect_timeout, settings.store_timeout)
    lock = WriterLock(settings.store_lock_path, settings.store_timeout)
    return RemoteStore(endpoints, client, lock)

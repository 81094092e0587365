"""The running app's resources, reached through accessors (Flask tutorial's ``get_db``).

``create_app`` opens the registry once and keeps it in ``app.extensions``; views and
blueprints ask for the one facade they use here, so no blueprint imports the app module.
"""

from __future__ import annotations

from flask import current_app

from registry.catalogue.facade import Catalogue
from registry.config import Settings
from registry.federation.dump import Dump
from registry.federation.feed import Feed
from registry.federation.listing import Listing
from registry.profile.validation import Shapes
from registry.records.accounts import Accounts
from registry.records.facade import Records
from registry.runtime import Registry
from registry.sparql.service import Endpoint


def get_registry() -> Registry:
    """The opened registry of the running app (what ``runtime`` built)."""
    registry: Registry = current_app.extensions["registry"]
    return registry


def get_records() -> Records:
    """The write side: submissions, versions, history."""
    return get_registry().records


def get_catalogue() -> Catalogue:
    """The read side for pages: records, search, labels."""
    return get_registry().catalogue


def get_listing() -> Listing:
    """The dataset records in the order harvesters page through (catalogue pages, OAI-PMH)."""
    return get_registry().listing


def get_query_service() -> Endpoint:
    """The public SPARQL query service (started on first use)."""
    return get_registry().endpoint()


def get_feed() -> Feed:
    """The change feed (DCAT-AP Feeds) over the change log."""
    return get_registry().feed


def get_dump() -> Dump:
    """The gzipped N-Quads dump of every current record."""
    return get_registry().dump


def get_shapes() -> Shapes:
    return get_registry().shapes


def get_settings() -> Settings:
    return get_registry().settings


def get_accounts() -> Accounts:
    """The provider accounts and their tokens."""
    accounts: Accounts = current_app.extensions["accounts"]
    return accounts

"""The composition root: builds every facade from settings and wires the listeners.

This is the only module that knows every package. The web app keeps one ``Registry`` in
``app.extensions``; the CLI opens its own. Opening also (re)writes the graphs the registry
owns (the change log of a store written without one, the catalogue description of a new
store, the vocabularies) and reconciles the search index with the store.
"""

from __future__ import annotations

import itertools
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from registry.catalogue.facade import Catalogue
from registry.catalogue.index.copies import own_copy, remove_copy
from registry.catalogue.index.sqlite import SearchIndex
from registry.catalogue.index.sync import IndexSync
from registry.config import Settings
from registry.database import Database, WritersLock, open_database
from registry.errors import StoreMismatch
from registry.federation.dump import Dump, DumpSchedule
from registry.federation.feed import Feed
from registry.federation.harvest.harvester import Harvester, Schedule
from registry.federation.listing import Listing
from registry.profile.pool import shared_pool
from registry.profile.validation import Shapes, load_profile
from registry.queries import query
from registry.rdf.formats import oxigraph_iri
from registry.rdf.limits import DescriptionLimits
from registry.rdf.namespaces import CIR, DCATAP, EHDS_REGULATION
from registry.records.accounts import Accounts
from registry.records.audit import AuditLog
from registry.records.changes import backfill
from registry.records.facade import Records
from registry.records.follow import ChangeFollower
from registry.records.layout import Layout
from registry.records.submission import catalog_change
from registry.records.write import write_record
from registry.sparql.service import Endpoint
from registry.store.backends import open_store
from registry.store.changelog import ChangeLog
from registry.store.interface import Store


@dataclass
class Registry:
    """The opened registry: settings, the store, and the facades built over them."""

    settings: Settings
    store: Store
    database: Database
    """Operational data: accounts, token digests, the audit log."""
    shapes: Shapes
    search: SearchIndex
    records: Records
    catalogue: Catalogue
    index: IndexSync
    feed: Feed
    dump: Dump
    listing: Listing
    """The dataset records in the stable order harvesters page through."""
    harvester: Harvester
    """The harvest sources, their runs, and the schedule ``registry serve`` starts."""
    follower: ChangeFollower
    """Brings other processes' writes to the search index and listing (``follow_changes``)."""
    _endpoint: Endpoint | None = field(default=None, repr=False)
    _dumps: DumpSchedule | None = field(default=None, repr=False)
    _harvests: Schedule | None = field(default=None, repr=False)
    _starting: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def endpoint(self) -> Endpoint:
        """Return the SPARQL query service, starting it on first use.

        Starting spawns its worker processes (about a second), so processes that never
        answer a query (the CLI, most tests) never pay for it.
        """
        with self._starting:
            if self._endpoint is None:
                self._endpoint = Endpoint(self.store, self.settings)
            return self._endpoint

    @property
    def layout(self) -> Layout:
        return self.records.layout

    def schedule_dumps(self) -> None:
        """Regenerate the dump every ``dump_interval`` seconds while serving (0: never)."""
        if self.settings.dump_interval > 0 and self._dumps is None:
            self._dumps = DumpSchedule(self.dump, self.settings.dump_interval)
            self._dumps.start()

    def schedule_harvests(self) -> None:
        """Harvest sources on their schedule, and when asked, while serving (0: never)."""
        interval = self.settings.harvest_check_interval
        if interval > 0 and self._harvests is None:
            self._harvests = Schedule(self.harvester, interval)
            self._harvests.start()

    def follow_changes(self) -> None:
        """Follow the change log while serving: writes through other processes sharing the
        store reach this process's search index within ``change_follow_interval`` s."""
        if not self.follower.is_alive():
            self.follower.start()

    def close(self) -> None:
        self.follower.stop()
        if self._harvests is not None:
            self._harvests.stop()
        if self._dumps is not None:
            self._dumps.stop()
        with self._starting:
            if self._endpoint is not None:
                self._endpoint.close()
                self._endpoint = None
        self.search.close()
        if self.search.path != search_index_path(self.settings):  # this process's own copy
            remove_copy(self.search.path)
        self.store.close()
        self.database.close()


def _literal(text: str, language: str | None = "en") -> ox.Literal:
    return ox.Literal(text, language=language)


def catalog_triples(settings: Settings, layout: Layout) -> list[ox.Triple]:
    """Describe the registry's own ``dcat:Catalog`` (its records link to it)."""
    catalog = ox.NamedNode(layout.catalog_iri)
    operator = ox.NamedNode(layout.operator_iri)
    iri = oxigraph_iri
    return [
        ox.Triple(catalog, iri(RDF.type), iri(DCAT.Catalog)),
        ox.Triple(catalog, iri(DCTERMS.title), _literal(settings.catalog_title)),
        ox.Triple(catalog, iri(DCTERMS.description), _literal(settings.catalog_description)),
        ox.Triple(catalog, iri(DCTERMS.publisher), operator),
        ox.Triple(catalog, iri(DCATAP.applicableLegislation), ox.NamedNode(EHDS_REGULATION)),
        ox.Triple(operator, iri(RDF.type), iri(FOAF.Agent)),
        ox.Triple(operator, iri(FOAF.name), _literal(settings.catalog_publisher)),
    ]


def load_vocabularies(store: Store, shapes: Shapes, layout: Layout) -> None:
    """Write the shipped vocabularies into their graph unless the store already has this version.

    The authority tables are ~140,000 triples: loading them takes a couple of seconds, so it
    happens on the first start and whenever ``ontology/`` changes (its digest is the marker,
    written last, so an interrupted load is redone on the next start).
    """
    vocabularies = shapes.vocabularies
    assert vocabularies is not None
    graph = layout.vocabularies_graph
    marker = ox.Triple(
        ox.NamedNode(graph), oxigraph_iri(CIR.digest), ox.Literal(vocabularies.digest)
    )
    if not store.contains(marker, graph):
        store.load_graph(graph, itertools.chain(vocabularies.triples(), [marker]))


def refuse_other_base(store: Store, settings: Settings, layout: Layout) -> None:
    """Stop if the store holds records of another base IRI: they would silently vanish."""
    rows = store.query(query("other_catalogs"), {"catalog": ox.NamedNode(layout.catalog_iri)})
    for row in rows:  # type: ignore[union-attr]
        raise StoreMismatch(
            f"The store {settings.store} holds records of the catalogue "
            f"{row['found'].value}, but REGISTRY_BASE_IRI is {settings.base_iri}. "
            "Use the base IRI the store was loaded with, or load the records into a new store."
        )


def open_registry(settings: Settings) -> Registry:
    """Open the store, parse shapes and vocabularies, build the facades, write the registry's
    own graphs and bring the search index in step.

    One of several web processes (``processes`` above 1) gets its share of the validators
    and SPARQL workers, and a search index of its own seeded from the shared one.
    """
    if settings.processes > 1:
        settings = settings.one_process()
    layout = Layout(settings.base_iri)
    store = open_store(settings)
    try:
        refuse_other_base(store, settings, layout)
        database = open_database(settings)
    except BaseException:
        store.close()
        raise
    # Validation runs in the process's validator pool; its workers start loading the
    # profile now, while the store opens and the index reconciles.
    validators = shared_pool(settings.validators, settings.validation_wait).start()
    shapes = load_profile().in_processes(validators)
    assert shapes.vocabularies is not None
    seed = search_index_path(settings)
    search = SearchIndex(own_copy(seed) if settings.processes > 1 else seed)
    limits = DescriptionLimits.from_settings(settings)
    changes = ChangeLog(store, layout.changes_graph)
    records = Records(
        store,
        shapes,
        layout,
        AuditLog(database),
        changes,
        limits,
        writing=writers(settings, store, database),
    )
    vocabularies = shapes.vocabularies
    catalogue = Catalogue(
        store, search, vocabularies.labels, layout, settings.page_size, vocabularies.property_labels
    )
    index = IndexSync(search, store, layout)
    records.subscribe(index.records_written)
    backfill(records)  # a store written before the change log: once, before any write
    listing = Listing(store, layout)
    records.subscribe(listing.records_written)
    if not store.has_graph(layout.catalog_iri):
        # The settings describe a new store's catalogue, as its first version; a loaded
        # description (data/sample/catalog.ttl, say) replaces it and is kept across restarts.
        triples = catalog_triples(settings, layout)
        catalog = URIRef(layout.catalog_iri)
        write_record(records, catalog_change(triples, catalog))
    load_vocabularies(store, shapes, layout)
    # The head before reconciling: what is written meanwhile is followed (twice is harmless).
    follower = ChangeFollower(records, changes.latest(), settings.change_follow_interval)
    index.reconcile()
    title = f"{settings.catalog_title}: changes"
    feed = Feed(changes, store, layout, settings.feed_page_size, title)
    scratch = settings.store_path.with_name(settings.store_path.name + ".dump-views")
    dump = Dump(store, layout, settings.dump_path, scratch)
    harvester = Harvester(records, database, settings, Accounts(database).agent_of)
    return Registry(
        settings,
        store,
        database,
        shapes,
        search,
        records,
        catalogue,
        index,
        feed,
        dump,
        listing,
        harvester,
        follower,
    )


def writers(settings: Settings, store: Store, database: Database) -> AbstractContextManager[object]:
    """The lock record writers take in turn: PostgreSQL's advisory lock when a remote store
    and the database are shared by processes that may run on several machines; else the
    store's own (a thread lock, or the file lock of this machine's processes)."""
    if settings.remote_store and not database.sqlite:
        return WritersLock(database, settings.store_timeout)
    return store.writing


def search_index_path(settings: Settings) -> Path:
    """The search index's file, beside the store's folder (``var/store.search.sqlite``)."""
    return settings.store_path.with_name(settings.store_path.name + ".search.sqlite")

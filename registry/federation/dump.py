"""The dump: every current record as gzipped N-Quads, one named graph per record.

Each record's graph is its current graph's IRI (``record/ID``, the catalogue's own IRI for
the catalogue) and holds what the registry publishes for it, as ``records.history.published``
does: the description as accepted (its N-Triples lines copied as the version keeps them, see
``federation.graphs``) and the record's ``dcat:CatalogRecord`` with the catalogue's links to
it. Withdrawn records are left out.

The dump reads a checkpoint of the store (``Store.consistent``), so it is one
consistent moment while writes go on, and streams: a batch of records at a time is
compressed and written to a temporary file beside the dump, which then replaces it in one
rename, so a reader never sees half a dump. A small JSON file beside it (``DumpInfo``)
keeps the counts VoID publishes.

While the registry serves, ``DumpSchedule`` regenerates it every ``dump_interval`` seconds;
``registry dump`` writes it at once.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCAT, FOAF, RDF

from registry.errors import NotReady
from registry.federation.graphs import in_graph, scoped
from registry.queries import query
from registry.rdf.namespaces import CIR
from registry.records.layout import Layout
from registry.records.write import (
    MODIFIED,
    description_text,
    is_record_statement,
    with_modified,
)
from registry.store.changelog import ChangeLog, timestamp
from registry.store.interface import Store

BATCH = 500
"""Records serialised and compressed together."""
COMPRESSION = 6
"""gzip level: zlib's default; level 9 is about twice as slow for a few percent smaller."""
KINDS = {str(DCAT.Dataset): "datasets", str(FOAF.Agent): "agents"}
CURRENT_VERSION = ox.NamedNode(str(CIR.currentVersion))
TYPE = f"<{RDF.type}>"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DumpInfo:
    """What one dump holds, for VoID."""

    generated: str
    """When the checkpoint it was read from was taken (``xsd:dateTime``)."""
    latest_change: int
    """The change log's latest entry in that checkpoint: the dump holds every change up to
    it, so a harvester follows ``/feed`` from the next one."""
    records: int
    datasets: int
    agents: int
    triples: int
    bytes: int


@dataclass(frozen=True)
class Counts:
    records: int = 0
    datasets: int = 0
    agents: int = 0
    triples: int = 0


class Dump:
    """The dump of one store at ``path`` (its ``DumpInfo`` beside it)."""

    def __init__(self, store: Store, layout: Layout, path: Path, scratch: Path) -> None:
        self._store = store
        self._layout = layout
        self.path = path
        self.info_path = path.with_name(path.name + ".json")
        self.scratch = scratch
        self._writing = threading.Lock()

    def info(self) -> DumpInfo | None:
        """What the current dump holds; None until a dump was written."""
        try:
            return DumpInfo(**json.loads(self.info_path.read_text(encoding="utf-8")))
        except (FileNotFoundError, json.JSONDecodeError, TypeError):
            return None

    def current(self) -> Path:
        """The dump's file, or NotReady before the first one is written."""
        if not self.path.is_file():
            raise NotReady(
                "The dump has not been written yet: it is written in the background when "
                "the registry starts serving (or by `registry dump`); try again in a minute."
            )
        return self.path

    def age(self) -> float | None:
        """Seconds since the dump was written; None when there is none."""
        try:
            return datetime.now(UTC).timestamp() - self.path.stat().st_mtime
        except FileNotFoundError:
            return None

    def write(self) -> DumpInfo:
        """Write the dump now (one at a time) from a checkpoint of the store."""
        with self._writing:
            self._clear_leftovers()
            return self._write()

    def _clear_leftovers(self) -> None:
        """Delete what a process killed while dumping left: its temporary file and its
        checkpoint (hard links that would keep the store's old files on disk)."""
        for name in (self.path.name, self.info_path.name):
            for stale in self.path.parent.glob(f".{name}-*"):
                stale.unlink(missing_ok=True)
        shutil.rmtree(self.scratch, ignore_errors=True)

    def _write(self) -> DumpInfo:
        with self._store.consistent(self.scratch) as snapshot:
            generated = timestamp(datetime.now(UTC))
            latest = ChangeLog(snapshot, self._layout.changes_graph).latest()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{self.path.name}-", dir=self.path.parent)
            try:
                with os.fdopen(handle, "wb") as raw:
                    with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=COMPRESSION) as out:
                        counts = self._write_records(snapshot, out)
                    size = raw.tell()
                os.replace(name, self.path)
            except BaseException:
                Path(name).unlink(missing_ok=True)
                raise
        info = DumpInfo(generated, latest, **asdict(counts), bytes=size)
        self._write_info(info)
        return info

    def _write_info(self, info: DumpInfo) -> None:
        handle, name = tempfile.mkstemp(prefix=f".{self.info_path.name}-", dir=self.path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(asdict(info), out)
        os.replace(name, self.info_path)

    def _write_records(self, snapshot: Store, out: gzip.GzipFile) -> Counts:
        counts, batch = Counts(), []
        for number, (lines, triples, kind) in enumerate(self._records(snapshot), start=1):
            batch.append(lines)
            counts = Counts(
                counts.records + 1,
                counts.datasets + (kind == "datasets"),
                counts.agents + (kind == "agents"),
                counts.triples + triples,
            )
            if number % BATCH == 0:
                out.write("".join(batch).encode("utf-8"))
                batch = []
        out.write("".join(batch).encode("utf-8"))
        return counts

    def _records(self, snapshot: Store) -> Iterator[tuple[str, int, str]]:
        """Each current record as published, as N-Quads lines of its graph: its triple count
        and its kind beside."""
        catalog = self._layout.catalog_iri
        rows = snapshot.query(query("current_records"))
        for number, row in enumerate(rows, start=1):  # type: ignore[arg-type]
            graph, record, topic = (row[name].value for name in ("graph", "record", "topic"))
            own = snapshot.subject_triples(record, graph) + [
                t
                for t in snapshot.subject_triples(catalog, graph)
                if is_record_statement(t, record, catalog, topic)
            ]
            # "r<n>x": no other record's prefix starts so (numbers hold no "x").
            described = self._description(snapshot, graph, own)
            modified = next((t.object for t in own if t.predicate == MODIFIED), None)
            described = with_modified(topic, described, modified)
            text = scoped(described, f"r{number}x")
            lines = ox.serialize(own, format=ox.RdfFormat.N_TRIPLES) or b""
            quads = in_graph(lines.decode("utf-8") + text, graph)
            typed = (k for iri, k in KINDS.items() if f"<{topic}> {TYPE} <{iri}> ." in text)
            kind = next(typed, "")
            yield quads, quads.count("\n"), kind

    def _description(self, snapshot: Store, graph: str, own: list[ox.Triple]) -> str:
        """The record's description as accepted (N-Triples); from its current graph, as the
        store keeps it, if its version has none (a store older than versions)."""
        [version] = [t.object for t in own if t.predicate == CURRENT_VERSION]
        assert isinstance(version, ox.NamedNode)
        text = description_text(snapshot, version.value)
        if text is None:
            kept = set(own)
            rest = [t for t in snapshot.graph_triples(graph) if t not in kept]
            text = (ox.serialize(rest, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        return text


class DumpSchedule:
    """Regenerates the dump every ``interval`` seconds in a background thread while the
    registry serves (the first time at once if there is no dump, or it is older)."""

    def __init__(self, dump: Dump, interval: float) -> None:
        self._dump = dump
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dump-schedule", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _due_in(self) -> float:
        age = self._dump.age()
        return 0.0 if age is None else max(0.0, self._interval - age)

    def _run(self) -> None:
        while not self._stop.wait(self._due_in()):
            try:
                info = self._dump.write()
                log.info("dump written: %s records, %s triples", info.records, info.triples)
            except Exception:  # the next round tries again; serving goes on
                log.exception("the dump could not be written")
                self._stop.wait(min(self._interval, 60.0))

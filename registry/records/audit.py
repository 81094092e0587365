"""The audit log: one row for every write (who, what, when, result), in the registry's
database (``registry.database``).

Accepted writes are also kept in the record's history graph, in the same transaction as
the write; the log adds the refused attempts, which change nothing in the store. Each entry
is its own database transaction, written when the write's outcome is known: after the
store's commit for an accepted write, when the refusal is raised for a refused one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

from registry.database import Database, audit
from registry.errors import DatabaseUnavailable
from registry.metrics import RECORD_EVENTS

log = logging.getLogger(__name__)
AUDIT_INSERT = insert(audit)


@dataclass(frozen=True)
class Author:
    """Who writes: a provider account (name and agent), or the operator's command line."""

    name: str
    agent: str | None = None


OPERATOR = Author("operator")


@dataclass
class AuditLog:
    """The append-only audit log."""

    database: Database

    def log(
        self,
        author: Author,
        action: str,
        record_id: str | None,
        topic: str | None,
        version: int | None,
        result: str,
        status: int | None = None,
    ) -> None:
        """Add one entry: who did what to which record, and how it ended (and count it for
        ``/metrics``). A database that cannot take it (a full disk) does not fail the answer:
        the entry goes to the process's log instead."""
        RECORD_EVENTS.labels(action, result).inc()
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "who": author.name,
            "agent": author.agent,
            "action": action,
            "record": record_id,
            "topic": topic,
            "version": version,
            "result": result,
            "status": status,
        }
        try:
            with self.database.writing() as db:
                db.execute(AUDIT_INSERT, entry)  # parameters, not .values(): compiled once
        except (DatabaseUnavailable, OSError) as error:
            log.error("audit entry not written (%s): %s", error, entry)

    def entries(self) -> list[dict[str, Any]]:
        """Every entry, oldest first, with the keys that have a value (as the JSON lines of
        earlier versions had them)."""
        columns = [c for c in audit.columns if c.name != "id"]
        with self.database.reading() as db:
            rows = db.execute(select(*columns).order_by(audit.c.id)).mappings().all()
        return [{k: v for k, v in row.items() if v is not None} for row in rows]

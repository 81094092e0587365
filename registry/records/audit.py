"""The audit log: one JSON object per line for every write (who, what, when, result).

Accepted writes are also kept in the record's history graph, in the same transaction as
the write; this file adds the refused attempts, which change nothing in the store.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from registry.metrics import RECORD_EVENTS


@dataclass(frozen=True)
class Author:
    """Who writes: a provider account (name and agent), or the operator's command line."""

    name: str
    agent: str | None = None


OPERATOR = Author("operator")


@dataclass
class AuditLog:
    """The append-only audit file beside the store."""

    path: Path
    _appending: threading.Lock = field(default_factory=threading.Lock, repr=False)

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
        """Append one line: who did what to which record, and how it ended (and count it
        for ``/metrics``)."""
        RECORD_EVENTS.labels(action, result).inc()
        line = {
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
        text = json.dumps({k: v for k, v in line.items() if v is not None}) + "\n"
        with self._appending, self.path.open("a", encoding="utf-8") as out:
            out.write(text)

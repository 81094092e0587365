"""The audit log: one JSON object per line for every write (who, what, when, result).

Accepted writes are also kept in the record's history graph, in the same transaction as
the write; this file adds the refused attempts, which change nothing in the store.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from registry.records.write import Author
    from registry.runtime import Registry

_appending = threading.Lock()


def log(
    registry: Registry,
    author: Author,
    action: str,
    record_id: str | None,
    topic: str | None,
    version: int | None,
    result: str,
    status: int | None = None,
) -> None:
    """Append one line to the audit log beside the store."""
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
    with _appending, registry.settings.audit_path.open("a", encoding="utf-8") as out:
        out.write(text)

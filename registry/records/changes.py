"""The change log of a store written before the log existed, rebuilt from record history.

Every accepted write left one ``prov:Activity`` in its record's history graph (``write``):
create, replace or withdraw, its time to the microsecond and the version it wrote. Read in
time order, they are the log the store would have had, so ``backfill`` writes it once, when
the registry opens a store without one; from then on ``write.commit`` logs every write.
"""

from __future__ import annotations

from datetime import datetime

from registry.queries import query
from registry.records.facade import Records
from registry.records.layout import HISTORY_PART, VERSION_PART
from registry.store.changelog import Change

KIND_OF_ACTION = {"create": "create", "replace": "update", "withdraw": "delete"}


def backfill(records: Records) -> int:
    """Write the change log from the records' history if the store has no log; return how
    many entries were written (0 when the log exists)."""
    with records.writing:
        if records.changes.exists():
            return 0
        return records.changes.rebuild(history_changes(records))


def history_changes(records: Records) -> list[Change]:
    """Every write the records' history holds, oldest first, numbered 1, 2, ..."""
    topics = {
        row["record"].value: row["topic"].value
        for row in records.store.query(query("record_topics"))  # type: ignore[union-attr]
    }
    events = []
    for row in records.store.query(query("history_events")):  # type: ignore[union-attr]
        record = row["history"].value.removesuffix(HISTORY_PART)
        record_id = records.layout.record_id_of(record) or record.rsplit("/", 1)[-1]
        kind = KIND_OF_ACTION[row["action"].value]
        version = int(row["version"].value.rsplit(VERSION_PART, 1)[1])
        time = datetime.fromisoformat(row["time"].value)
        # A withdrawal names the version it withdrew: after that version's own write.
        events.append((time, record_id, version, kind == "delete", kind, topics.get(record)))
    events.sort()
    return [
        Change(sequence, kind, topic or records.record_iri(record_id), record_id, version, time)
        for sequence, (time, record_id, version, _, kind, topic) in enumerate(events, start=1)
    ]

"""A registry process over a remote store, for the tests that need a second process.

    python -m tests.store.writer STORE LOCAL_FOLDER read RECORD_ID
    python -m tests.store.writer STORE LOCAL_FOLDER put FILE IF_MATCH GATE
    python -m tests.store.writer STORE LOCAL_FOLDER burst FILE COUNT TAG GATE

``read`` prints the record's current version; ``put`` writes FILE as the new version of its
record under ``If-Match: IF_MATCH`` and prints the status the API would answer (200, 412,
...); ``burst`` writes COUNT versions of FILE's record, each with a title tagged TAG-i, and
prints how many it wrote. Both prepare their writes, create ``GATE/ready-PID`` and write
once ``GATE/go`` exists, so that the test opens the gate when every process is ready.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from registry.config import load_settings
from registry.errors import RegistryError
from registry.rdf import formats
from registry.records.submission import change_for, check_for
from registry.records.write import may_change, read_state, write_record
from registry.runtime import Registry, open_registry

BASE_IRI = "http://registry.test/"
TITLE = b'dct:title "Open Challenge Prostate Cancer V1"@en'


def wait_at(gate: Path) -> None:
    (gate / f"ready-{os.getpid()}").touch()
    while not (gate / "go").exists():
        time.sleep(0.001)


def put(registry: Registry, path: Path, if_match: str, gate: Path) -> str:
    records = registry.records
    change = change_for(records, check_for(records, path.read_bytes(), formats.syntax_for_path(path)))
    wait_at(gate)
    try:
        written = write_record(records, change, precondition=may_change(None, if_match))
        return f"200 {written.version}"
    except RegistryError as refused:
        return str(refused.status)


def burst(registry: Registry, path: Path, count: int, tag: str, gate: Path) -> str:
    records, syntax = registry.records, formats.syntax_for_path(path)
    changes = []
    for i in range(count):
        data = path.read_bytes().replace(TITLE, TITLE.replace(b'V1"', f'V1 {tag}-{i}"'.encode()))
        changes.append(change_for(records, check_for(records, data, syntax)))
    wait_at(gate)
    written = [write_record(records, change) for change in changes]
    return str(sum(w.changed for w in written))


def main(argv: list[str]) -> None:
    store, local, command, *args = argv
    # Its one validator loads the profile slowly on a busy machine: the writes wait for it.
    settings = {"store": store, "local_folder": local, "base_iri": BASE_IRI, "validators": 1,
                "validation_wait": 120}
    registry = open_registry(load_settings(settings))
    try:
        if command == "read":
            state = read_state(registry.records, registry.records.record_iri(args[0]))
            print(state.version)
        elif command == "put":
            print(put(registry, Path(args[0]), args[1], Path(args[2])))
        else:
            print(burst(registry, Path(args[0]), int(args[1]), args[2], Path(args[3])))
    finally:
        registry.close()


if __name__ == "__main__":
    main(sys.argv[1:])

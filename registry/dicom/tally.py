"""What a DICOM scan found, summed over files: the value workers send back and merge.

A ``Tally`` holds counts, codes as the headers write them, and keyed digests in place of
every identifying value, so it can cross process boundaries and be kept in memory without
holding a patient's ID, name, birth date, accession number or any UID.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

SUFFIXES = (".dcm", ".dicom", ".ima", ".img")  # file suffixes a masked stem drops


def digest(key: bytes, value: bytes) -> int:
    """Return a keyed 64-bit digest: the scan counts and compares identifiers only this way."""
    return int.from_bytes(hashlib.blake2b(value, digest_size=8, key=key).digest())


@dataclass
class Tally:
    """What a scan found, summed over files.

    It holds no value read from a header that could identify anyone: identifiers are
    digests under the scan's key. The paths it lists are the provider's own; ``mask``
    hides the parts of them that are a patient's ID, name or birth date, or a UID.
    """

    key: bytes = b""
    files: int = 0
    instances: set[int] = field(default_factory=set)
    studies: set[int] = field(default_factory=set)
    series: set[int] = field(default_factory=set)
    sex_of_patient: dict[int, str] = field(default_factory=dict)
    age_of_study: dict[int, int] = field(default_factory=dict)
    first_date: str | None = None
    last_date: str | None = None
    modalities: Counter[str] = field(default_factory=Counter)
    body_parts: Counter[str] = field(default_factory=Counter)
    manufacturers: Counter[str] = field(default_factory=Counter)
    transfer_syntaxes: Counter[str] = field(default_factory=Counter)
    segmented_studies: set[int] = field(default_factory=set)
    segment_labels: Counter[str] = field(default_factory=Counter)
    segment_algorithms: Counter[str] = field(default_factory=Counter)
    resolution_mm: Decimal | None = None
    skipped: list[tuple[str, str]] = field(default_factory=list)
    identified: dict[str, list[str]] = field(default_factory=dict)
    """The files that look identified, by reason (``deidentification``)."""
    missing: dict[str, list[str]] = field(default_factory=dict)
    warned: list[str] = field(default_factory=list)
    identifiers: set[int] = field(default_factory=set)
    """Digests of names, name parts, birth dates and accession numbers (upper case)."""

    def merge(self, other: Tally) -> None:
        """Add another tally (a worker's chunk, read under the same key) to this one."""
        self.files += other.files
        for mine, theirs in (
            (self.instances, other.instances),
            (self.studies, other.studies),
            (self.series, other.series),
            (self.segmented_studies, other.segmented_studies),
            (self.identifiers, other.identifiers),
        ):
            mine |= theirs
        self.sex_of_patient.update(other.sex_of_patient)
        self.age_of_study.update(other.age_of_study)
        self.widen_period(other.first_date, other.last_date)
        self.modalities += other.modalities
        self.body_parts += other.body_parts
        self.manufacturers += other.manufacturers
        self.transfer_syntaxes += other.transfer_syntaxes
        self.segment_labels += other.segment_labels
        self.segment_algorithms += other.segment_algorithms
        self.refine_resolution(other.resolution_mm)
        self.skipped += other.skipped
        by_reason: tuple[tuple[dict[str, list[str]], dict[str, list[str]]], ...] = (
            (self.identified, other.identified),
            (self.missing, other.missing),
        )
        for mine_by_reason, theirs_by_reason in by_reason:
            for reason, paths in theirs_by_reason.items():
                mine_by_reason.setdefault(reason, []).extend(paths)
        self.warned += other.warned

    def identified_files(self) -> set[str]:
        """The paths of the files that look identified, for whatever reason."""
        return {path for paths in self.identified.values() for path in paths}

    def mask(self, paths: Iterable[str]) -> list[str]:
        """Return the paths with each folder or file name that holds an identifier hidden.

        Exports often name folders by patient ID, name or UID ("77654033/CT2/..."). A name
        and its stem are looked up among the digests, and so are its parts between "_",
        "^" or spaces when they are four characters or more (shorter parts, such as "MR1"
        or an initial, are too common in folder names to hide).
        """
        known = self.instances | self.studies | self.series | self.identifiers
        known |= self.sex_of_patient.keys()

        def hidden(name: str) -> bool:
            stem = name.rsplit(".", 1)[0] if name.lower().endswith(SUFFIXES) else name
            parts = {p for p in re.split(r"[_^\s]+", stem) if len(p) >= 4}
            tokens = {name, stem, *parts}
            tokens |= {t.upper() for t in tokens}
            return any(digest(self.key, t.encode()) in known for t in tokens)

        return [
            "/".join("[identifier]" if hidden(part) else part for part in path.split("/"))
            for path in paths
        ]

    def widen_period(self, first: str | None, last: str | None) -> None:
        if first and (self.first_date is None or first < self.first_date):
            self.first_date = first
        if last and (self.last_date is None or last > self.last_date):
            self.last_date = last

    def refine_resolution(self, value: Decimal | None) -> None:
        if value is not None and (self.resolution_mm is None or value < self.resolution_mm):
            self.resolution_mm = value

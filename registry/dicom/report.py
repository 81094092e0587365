"""The scan's report on standard error: what was read, and every file skipped, incomplete or
identified.

Files are named by their path under the scanned folder with identifiers in it hidden
(``Tally.mask``), never by a value read from them; odd values pydicom warned about are
counted, not shown.
"""

from __future__ import annotations

from registry.dicom.draft import Draft
from registry.dicom.tally import Tally


def report(tally: Tally, draft: Draft) -> list[str]:
    """Return the scan's report: counts, then every file skipped, incomplete or identified.

    Files are named by their path under the folder, with identifiers in it hidden.
    """
    sexes = _counts({"F": "female", "M": "male", "O": "other", "": "unknown"}, draft.sexes)
    lines = [
        f"Read {tally.files} files: {len(tally.instances)} DICOM instances in "
        f"{len(tally.series)} series, {len(tally.studies)} studies, "
        f"{len(tally.sex_of_patient)} individuals{f' ({sexes})' if sexes else ''}; "
        f"studies with a segmentation: {len(tally.segmented_studies)}."
    ]
    skipped = sorted(tally.skipped)
    lines += _listed(
        f"Skipped {len(skipped)} file(s):",
        list(zip(tally.mask(p for p, _ in skipped), (why for _, why in skipped), strict=True)),
    )
    for keyword, paths in sorted(tally.missing.items()):
        lines += _listed(f"No {keyword} in {len(paths)} file(s):", _plain(tally, paths))
    lines += _listed(
        f"{len(tally.warned)} file(s) read with pydicom warnings (odd values, not shown):",
        _plain(tally, tally.warned),
    )
    for name, unmapped in (
        ("Modality", draft.unmapped_modalities),
        ("Body Part Examined", draft.unmapped_body_parts),
    ):
        if unmapped:
            values = ", ".join(f"{v!r} ({n} files)" for v, n in unmapped.most_common())
            lines.append(f"{name} values with no concept in the registry's scheme: {values}")
    lines += _listed(
        f"{len(tally.identified)} file(s) look identified "
        "(PatientIdentityRemoved is not YES, or a patient name is present):",
        _plain(tally, tally.identified),
    )
    return lines


def _plain(tally: Tally, paths: list[str]) -> list[tuple[str, str]]:
    return [(path, "") for path in tally.mask(sorted(paths))]


def _counts(names: dict[str, str], counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[code]} {name}" for code, name in names.items() if counts.get(code))


def _listed(title: str, items: list[tuple[str, str]]) -> list[str]:
    if not items:
        return []
    return [title] + [f"  {path}: {why}" if why else f"  {path}" for path, why in items]

"""The scan's report on standard error: what was read, and the files skipped, incomplete or
identified, summed up by reason.

Files are named by their path under the scanned folder with identifiers in it hidden
(``Tally.mask``), never by a value read from them; odd values pydicom warned about are
counted, not shown. A folder of 10,000 files with one problem gives one line, not 10,000.
"""

from __future__ import annotations

from registry.dicom.draft import Draft
from registry.dicom.tally import Tally

EXAMPLES = 3  # files named per reason; the rest are counted
HIDDEN = "[identifier]"


def report(tally: Tally, draft: Draft) -> list[str]:
    """Return the scan's report: counts, then the files skipped, incomplete or identified.

    Files are grouped by reason, one line per reason with a count and a few examples, named
    by their path under the folder with identifiers in it hidden.
    """
    sexes = _counts({"F": "female", "M": "male", "O": "other", "": "unknown"}, draft.sexes)
    lines = [
        f"Read {tally.files} files: {len(tally.instances)} DICOM instances in "
        f"{len(tally.series)} series, {len(tally.studies)} studies, "
        f"{len(tally.sex_of_patient)} individuals{f' ({sexes})' if sexes else ''}; "
        f"studies with a segmentation: {len(tally.segmented_studies)}."
    ]
    skipped: dict[str, list[str]] = {}
    for path, why in tally.skipped:
        skipped.setdefault(why, []).append(path)
    lines += _grouped(tally, f"Skipped {len(tally.skipped)} file(s):", skipped)
    lines += _grouped(
        tally,
        f"{sum(len(p) for p in tally.missing.values())} missing header element(s):",
        {f"no {keyword}": paths for keyword, paths in tally.missing.items()},
    )
    lines += _grouped(
        tally,
        f"{len(tally.warned)} file(s) read with pydicom warnings:",
        {"odd values (not shown)": tally.warned} if tally.warned else {},
    )
    for name, unmapped in (
        ("Modality", draft.unmapped_modalities),
        ("Body Part Examined", draft.unmapped_body_parts),
    ):
        if unmapped:
            values = ", ".join(f"{v!r} ({n} files)" for v, n in unmapped.most_common())
            lines.append(f"{name} values with no concept in the registry's scheme: {values}")
    lines += _grouped(
        tally,
        f"{len(tally.identified_files())} file(s) look identified (DICOM PS3.15 Annex E):",
        tally.identified,
    )
    if any(HIDDEN in line for line in lines):
        lines.append(
            f"{HIDDEN} stands for a folder or file name that is a patient's ID, name or "
            "birth date, or a UID: hidden here, it is still in your folder names."
        )
    return lines


def _grouped(tally: Tally, title: str, by_reason: dict[str, list[str]]) -> list[str]:
    """Return the title and one line per reason: its count and a few example files."""
    if not by_reason:
        return []
    lines = [title]
    for reason, paths in sorted(by_reason.items(), key=lambda item: (-len(item[1]), item[0])):
        examples = ", ".join(tally.mask(_examples(paths)))
        more = f" and {len(paths) - EXAMPLES} more" if len(paths) > EXAMPLES else ""
        lines.append(f"  {reason}: {len(paths)} file(s), e.g. {examples}{more}")
    return lines


def _examples(paths: list[str]) -> list[str]:
    """Return a few of the paths, from different folders where there are several."""
    ordered, folders, chosen = sorted(paths), set(), []
    for path in ordered:
        folder = path.rpartition("/")[0]
        if folder not in folders:
            folders.add(folder)
            chosen.append(path)
            if len(chosen) == EXAMPLES:
                break
    chosen += [path for path in ordered[: EXAMPLES * 2] if path not in chosen]
    return sorted(chosen[:EXAMPLES])


def _counts(names: dict[str, str], counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[code]} {name}" for code, name in names.items() if counts.get(code))

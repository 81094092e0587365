"""Where the top-level data folders are: inside an installed wheel, or in the clone.

The design keeps ``ontology/``, ``shapes/``, ``templates/`` and ``data/`` at the top of the
repository. A wheel carries them as ``registry/_resources/<name>`` (see pyproject.toml);
a clone or an editable install reads them from the repository root.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
FOLDERS = ("ontology", "shapes", "templates", "data")


def resource_dir(name: str) -> Path:
    """Return the folder ``name`` (one of FOLDERS), from the wheel or the clone."""
    if name not in FOLDERS:
        raise ValueError(f"unknown resource folder {name!r}")
    for candidate in (_PACKAGE / "_resources" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"resource folder {name!r} is missing from this installation")

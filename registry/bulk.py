"""Loading many description files: find them, submit each, keep a summary of the outcome."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InvalidDescription, RegistryError
from .fields import compact
from .formats import syntax_for_path, syntax_for_suffix
from .services import Registry
from .submission import submit


@dataclass
class LoadSummary:
    loaded: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    rejected: list[tuple[Path, str]] = field(default_factory=list)


def description_files(paths: Iterable[Path]) -> list[Path]:
    """Return the RDF files named, and those found (recursively) in the folders named."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and syntax_for_suffix(p.suffix))
            )
        else:
            files.append(path)
    return files


def reason(error: RegistryError) -> str:
    """Return a one-paragraph reason for a rejection, listing each violation."""
    if isinstance(error, InvalidDescription):
        lines = [error.message] + [
            f"  - <{r.focus}> {compact(r.path or '')}: {r.message}"
            for r in error.report.violations
        ]
        return "\n".join(lines)
    return error.message


def load_files(
    registry: Registry, files: list[Path], advance: Callable[[], object] = lambda: None
) -> LoadSummary:
    """Submit every file; one bad file never stops the others."""
    summary = LoadSummary()
    for path in files:
        try:
            accepted = submit(registry, path.read_bytes(), syntax_for_path(path))
        except RegistryError as error:
            summary.rejected.append((path, reason(error)))
        except OSError as error:
            summary.rejected.append((path, f"cannot read the file: {error.strerror}"))
        else:
            (summary.loaded if accepted.changed else summary.unchanged).append(path)
        advance()
    return summary

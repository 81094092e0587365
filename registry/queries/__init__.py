"""Named SPARQL queries (``*.rq`` beside this file), read once and bound by substitution."""

from functools import cache
from pathlib import Path

_FOLDER = Path(__file__).parent


@cache
def query(name: str) -> str:
    """Return the text of ``<name>.rq``; terms are bound later with ``substitutions``."""
    return (_FOLDER / f"{name}.rq").read_text(encoding="utf-8")

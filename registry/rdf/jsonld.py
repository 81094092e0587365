"""JSON-LD ``@context`` resolution from bundled files: nothing is ever fetched.

Before a JSON-LD body reaches the parser, every context reference is replaced by the bundled
copy it names; any other remote (or relative) context, and ``@import``, is refused with a
message naming it. See https://www.w3.org/TR/json-ld11/#the-context.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from registry.errors import RdfSyntaxError, RemoteContextRefused
from registry.resources import resource_dir

BUNDLED_CONTEXTS: dict[str, str] = {
    "https://semiceu.github.io/DCAT-AP/releases/3.0.1/context/dcat-ap.jsonld": (
        "dcat-ap-3.0.1.jsonld"
    ),
    "https://w3id.org/cancer-image-registry/context/healthdcat-ap-imaging-1.jsonld": (
        "healthdcat-ap-imaging-1.jsonld"
    ),
}


@cache
def bundled_context(iri: str) -> Any:
    """Return the ``@context`` value of the bundled file for ``iri``."""
    path = resource_dir("ontology") / "context" / BUNDLED_CONTEXTS[iri]
    return json.loads(path.read_text(encoding="utf-8"))["@context"]


def _resolve(context: Any) -> Any:
    if isinstance(context, list):
        return [_resolve(item) for item in context]
    if isinstance(context, str):
        if context in BUNDLED_CONTEXTS:
            return bundled_context(context)
        raise RemoteContextRefused(
            f"The JSON-LD context {context!r} is not one the registry bundles, and remote "
            "contexts are never fetched. Use one of: "
            + ", ".join(sorted(BUNDLED_CONTEXTS))
            + ", or put the context inline.",
            link="https://www.w3.org/TR/json-ld11/#the-context",
        )
    if isinstance(context, dict):
        if "@import" in context:
            raise RemoteContextRefused(
                f"'@import' of {context['@import']!r} would need a fetch; inline the context.",
            )
        return {key: _inline(value) for key, value in context.items()}
    return context


def _inline(node: Any) -> Any:
    """Walk a JSON-LD value, replacing every ``@context`` (scoped ones too)."""
    if isinstance(node, list):
        return [_inline(item) for item in node]
    if isinstance(node, dict):
        return {
            key: _resolve(value) if key == "@context" else _inline(value)
            for key, value in node.items()
        }
    return node


def inline_contexts(data: bytes) -> bytes:
    """Return the JSON-LD document with bundled contexts inlined, or raise a clear error."""
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise RdfSyntaxError(f"JSON-LD must be UTF-8: byte {error.start} is not") from None
    except json.JSONDecodeError as error:
        raise RdfSyntaxError(f"Invalid JSON: {error.msg}", error.lineno, error.colno) from None
    return json.dumps(_inline(document)).encode("utf-8")

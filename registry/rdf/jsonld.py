"""JSON-LD ``@context`` resolution from bundled files: nothing is ever fetched.

Before a JSON-LD body reaches the parser, every context reference is replaced by the bundled
copy it names; any other remote (or relative) context, and ``@import``, is refused with a
message naming it. See https://www.w3.org/TR/json-ld11/#the-context.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

from registry.errors import RdfSyntaxError, RemoteContextRefused
from registry.rdf.limits import DescriptionLimits
from registry.resources import resource_dir

BUNDLED_CONTEXTS: dict[str, str] = {
    "https://semiceu.github.io/DCAT-AP/releases/3.0.1/context/dcat-ap.jsonld": (
        "dcat-ap-3.0.1.jsonld"
    ),
    "https://w3id.org/cancer-image-registry/context/healthdcat-ap-imaging-1.jsonld": (
        "healthdcat-ap-imaging-1.jsonld"
    ),
}


def context_file(name: str) -> Path | None:
    """The bundled context file called ``name`` (for the registry to serve), or None."""
    if name not in BUNDLED_CONTEXTS.values():
        return None
    return resource_dir("ontology") / "context" / name


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


def _integer(text: str) -> int:
    """Read a JSON integer; Python refuses to read more than 4,300 digits (``sys.int_info``),
    which was a 500."""
    most = sys.get_int_max_str_digits() or sys.int_info.default_max_str_digits
    if len(text.lstrip("-")) > most:
        raise RdfSyntaxError(
            f"Invalid JSON-LD: a number has {len(text.lstrip('-')):,} digits; at most "
            f"{most:,} are read (write it as a string literal)."
        )
    return int(text)


def shape(document: Any) -> tuple[int, int]:
    """Return how many ``@context`` entries a JSON document has and how deep its objects and
    arrays nest, walking it without recursion."""
    contexts, deepest = 0, 0
    stack = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            contexts += "@context" in node
            children = list(node.values())
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return contexts, deepest


def inline_contexts(data: bytes, limits: DescriptionLimits | None = None) -> bytes:
    """Return the JSON-LD document with bundled contexts inlined, or raise a clear error.

    Within ``limits`` (or, without, the defaults), so that no document makes the JSON-LD
    processor quadratic (4,000 scoped contexts took seconds, 20,000 minutes) or the walk
    below recurse too deep (500 levels gave a 500).
    """
    try:
        document = json.loads(data.decode("utf-8"), parse_int=_integer)
    except UnicodeDecodeError as error:
        raise RdfSyntaxError(f"JSON-LD must be UTF-8: byte {error.start} is not") from None
    except json.JSONDecodeError as error:
        raise RdfSyntaxError(f"Invalid JSON: {error.msg}", error.lineno, error.colno) from None
    except RecursionError:
        raise RdfSyntaxError("Invalid JSON-LD: objects and arrays nest too deep") from None
    (limits or DescriptionLimits()).check_json(*shape(document))
    return json.dumps(_inline(document)).encode("utf-8")

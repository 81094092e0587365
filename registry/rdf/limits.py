"""What one description may weigh: bytes, triples, characters per literal, blank-node depth,
and, in JSON-LD, ``@context`` entries and nesting. Checked while parsing, before validation,
so that a description's cost (validation, digest, the pages that show it) is bounded by
settings, not by what a client sends; each refusal names the limit and its setting.

A 5 MB ``dct:title`` was accepted and then sent to every visitor of ``/`` and ``/search``; a
record with 100,000 extra triples was accepted after 67 s; a 10,000-deep chain of blank
nodes broke the dataset page, which shows nested nodes nested.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox

from registry.config import ENV_PREFIX, Settings
from registry.errors import DescriptionTooLarge
from registry.rdf.namespaces import named

T = TypeVar("T")


def _setting(name: str) -> str:
    return f"setting {ENV_PREFIX}{name.upper()}"


@dataclass(frozen=True)
class DescriptionLimits:
    """The bounds on one submitted description (``Settings`` holds the configured ones)."""

    max_bytes: int = Settings.max_record_bytes
    max_triples: int = Settings.max_record_triples
    max_literal: int = Settings.max_literal_length
    max_depth: int = Settings.max_blank_node_depth
    max_contexts: int = Settings.max_jsonld_contexts
    max_nesting: int = Settings.max_jsonld_depth

    @classmethod
    def from_settings(cls, settings: Settings) -> DescriptionLimits:
        return cls(
            settings.max_record_bytes,
            settings.max_record_triples,
            settings.max_literal_length,
            settings.max_blank_node_depth,
            settings.max_jsonld_contexts,
            settings.max_jsonld_depth,
        )

    def check_size(self, data: bytes) -> None:
        """Refuse a body above ``max_bytes``, before it is parsed."""
        if len(data) > self.max_bytes:
            raise DescriptionTooLarge(
                f"The description has {len(data):,} bytes; a record may have at most "
                f"{self.max_bytes:,} ({_setting('max_record_bytes')})."
            )

    def counted(self, triples: Iterable[T]) -> Iterator[T]:
        """Yield the parser's triples (or quads), stopping it past ``max_triples``."""
        for count, triple in enumerate(triples, 1):
            if count > self.max_triples:
                raise DescriptionTooLarge(
                    f"The description has more than {self.max_triples:,} triples, the most "
                    f"a record may have ({_setting('max_record_triples')})."
                )
            yield triple

    def check_triples(self, triples: list[ox.Triple]) -> None:
        """Refuse a literal longer than ``max_literal`` or blank nodes nested deeper than
        ``max_depth``."""
        for triple in triples:
            value = triple.object
            if isinstance(value, ox.Literal) and len(value.value) > self.max_literal:
                raise DescriptionTooLarge(
                    f"The value of {named(triple.predicate)} on {named(triple.subject)} "
                    f"has {len(value.value):,} characters; a literal may have at most "
                    f"{self.max_literal:,} ({_setting('max_literal_length')})."
                )
        depth = blank_node_depth(triples)
        if depth > self.max_depth:
            raise DescriptionTooLarge(
                f"The description nests blank nodes {depth:,} deep; at most {self.max_depth} "
                f"levels are accepted ({_setting('max_blank_node_depth')})."
            )

    def check_json(self, contexts: int, nesting: int) -> None:
        """Refuse a JSON-LD document with more ``@context`` entries or deeper nesting than
        allowed (JSON-LD processing of scoped contexts is quadratic in their number)."""
        if contexts > self.max_contexts:
            raise DescriptionTooLarge(
                f"The JSON-LD document has {contexts:,} @context entries; at most "
                f"{self.max_contexts} are accepted ({_setting('max_jsonld_contexts')})."
            )
        if nesting > self.max_nesting:
            raise DescriptionTooLarge(
                f"The JSON-LD document nests objects and arrays more than {self.max_nesting} "
                f"deep ({_setting('max_jsonld_depth')})."
            )


def blank_node_depth(triples: list[ox.Triple]) -> int:
    """Return the longest chain of blank nodes, each the object of a statement about the
    one before; blank nodes in cycles each count as one more level (an upper bound)."""
    children: dict[ox.BlankNode, list[ox.BlankNode]] = defaultdict(list)
    parents: dict[ox.BlankNode, list[ox.BlankNode]] = defaultdict(list)
    nodes: set[ox.BlankNode] = set()
    for triple in triples:
        subject, value = triple.subject, triple.object
        if isinstance(subject, ox.BlankNode):
            nodes.add(subject)
        if isinstance(value, ox.BlankNode):
            nodes.add(value)
            if isinstance(subject, ox.BlankNode):
                children[subject].append(value)
                parents[value].append(subject)
    waiting = {node: len(children[node]) for node in nodes}
    ready = [node for node, count in waiting.items() if count == 0]
    height: dict[ox.BlankNode, int] = {}
    while ready:  # leaves first (Kahn's order): a node's height is its tallest child's + 1
        node = ready.pop()
        height[node] = 1 + max((height[child] for child in children[node]), default=0)
        for parent in parents[node]:
            waiting[parent] -= 1
            if waiting[parent] == 0:
                ready.append(parent)
    return max(height.values(), default=0) + len(nodes) - len(height)

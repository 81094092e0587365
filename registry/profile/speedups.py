"""Four speed-ups of pySHACL and rdflib internals, applied by the code that validates.

All four give the same answers, faster (the test suite and the agreement suite
run with them). They change third-party modules for the whole process, so nothing applies
them on import: ``Shapes`` calls ``apply()`` when it is built, the way pySHACL keeps its own
patches in ``pyshacl.monkey.apply_patches()`` and calls it from its entry points. A process
that never builds ``Shapes`` (the plain-pySHACL baseline of ``bench.validate``) runs the
libraries as published.

* **Constraint parameters as a set.** pySHACL tests each predicate of a shape against its
  list of constraint parameters, for every shape on every run: a list scan of rdflib terms
  is a third of a validation. The same parameters as a frozenset (pySHACL keeps them in the
  module attribute ``pyshacl.shape.CONSTRAINT_PARAMS``) give the same answer by hashing.
  pySHACL copies and appends to that list only with SHACL-AF (``advanced=True``) or
  SHACL-JS enabled, which the registry never turns on.
* **SPARQL parsed once.** pySHACL evaluates a SHACL-SPARQL constraint (the plausibility
  rules) by passing its text to rdflib's ``SPARQLProcessor.query`` for every focus node, and
  parsing it costs ~30 ms each time; the parsed query is the same every time (the focus
  node comes in as a binding), so it is kept.
* **Constraint components built once per shape.** pySHACL builds each constraint component
  of a shape (reading its parameters from the shapes graph) again every time the shape is
  evaluated: for a shape reached through ``sh:node`` or ``sh:property``, once per value node
  of every record. A component holds only what its constructor read from its shape, and
  the shapes graphs the registry validates with do not change once compiled, so the
  instance is kept per (component, shape) and handed out again. The table is emptied when
  it grows past ``BUILT_ONCE_LIMIT`` (a process validating with many throw-away shapes
  graphs, such as the tests, does not keep them all).
* **Shapes proven quiet are skipped.** A shapes graph the registry compiled carries a
  ``QuietShapes`` (``registry.profile.quiet``) as ``quiet``: before pySHACL evaluates a shape
  on its focus nodes, the check answers from direct graph lookups whether the shape would
  report nothing on them: pySHACL runs the shape on the other focus nodes only, and when
  there are none its ``(True, [])`` is returned without running it.
  Any other shapes graph (no ``quiet``, or ``None``) is validated by pySHACL alone.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping
from typing import Any

import pyshacl.shape
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from pyshacl.shape import Shape
from rdflib import Literal
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import IdentifiedNode

_lock = threading.Lock()
BUILT_ONCE_LIMIT = 50_000
"""Components kept; the registry's four compiled shape sets need about 10,000."""


class BuiltOnce:
    """Stands for a constraint component class in pySHACL's parameter map: calling it
    with a shape returns the component built for that shape the first time."""

    def __init__(self, component: type) -> None:
        self.component = component
        self._built: dict[int, tuple[Any, Any]] = {}

    def __call__(self, shape: Any) -> Any:
        found = self._built.get(id(shape))
        if found is not None and found[0] is shape:
            return found[1]
        built = self.component(shape)  # a load error or warning is raised every time
        if len(self._built) > BUILT_ONCE_LIMIT:
            self._built.clear()
        # The shape is kept with its component, so its id is not reused while cached.
        self._built[id(shape)] = (shape, built)
        return built

    def __repr__(self) -> str:
        return f"BuiltOnce({self.component.__name__})"


@functools.lru_cache(maxsize=256)
def _prepared(query: str, base: str | None, namespaces: frozenset[tuple[str, Any]]) -> Query:
    return translateQuery(parseQuery(query), base, dict(namespaces))


def _query_parsed_once(
    self: SPARQLProcessor,
    strOrQuery: str | Query,  # noqa: N803 - rdflib's parameter name
    initBindings: Mapping[str, Any] | None = None,  # noqa: N803
    initNs: Mapping[str, Any] | None = None,  # noqa: N803
    base: str | None = None,
    DEBUG: bool = False,  # noqa: N803
) -> Any:
    """rdflib's ``SPARQLProcessor.query``, with each query text parsed once."""
    if isinstance(strOrQuery, str):
        strOrQuery = _prepared(strOrQuery, base, frozenset((initNs or {}).items()))
    return evalQuery(self.graph, strOrQuery, initBindings or {}, base)


_validate_in_full = Shape.validate


def _validate_unless_quiet(
    self: Shape,
    executor: Any,
    target_graph: Any,
    focus: Any = None,
    _evaluation_path: list[Any] | None = None,
) -> Any:
    """pySHACL's ``Shape.validate``, skipped when the shapes graph's ``quiet`` check proves
    that the shape reports nothing on its focus nodes."""
    quiet = getattr(self.sg, "quiet", None)
    if (
        quiet is not None
        and not self.deactivated
        and not executor.focus_nodes
        and not executor.sparql_mode
        and not self._advanced
    ):
        if focus is not None and isinstance(focus, (IdentifiedNode, Literal)):
            focus = [focus]
        depth = len(_evaluation_path) // 2 if _evaluation_path else 0
        focus = quiet.loud(self, target_graph, focus, depth)
        if not focus:
            return True, []
    return _validate_in_full(self, executor, target_graph, focus, _evaluation_path)


def applied() -> bool:
    """Whether all the speed-ups are in place, read from the patched modules themselves."""
    parameters, components = getattr(pyshacl.shape, "CONSTRAINT_PARAMS", (None, None))
    return (
        isinstance(parameters, frozenset)
        and all(isinstance(c, BuiltOnce) for c in (components or {None: None}).values())
        and SPARQLProcessor.query is _query_parsed_once
        and Shape.validate is _validate_unless_quiet
    )


def apply() -> None:
    """Put the speed-ups in place; calling it again changes nothing."""
    with _lock:
        if applied():
            return
        pyshacl.shape.CONSTRAINT_PARAMS = (  # type: ignore[attr-defined]
            frozenset(ALL_CONSTRAINT_PARAMETERS),
            {p: BuiltOnce(c) for p, c in CONSTRAINT_PARAMETERS_MAP.items()},
        )
        SPARQLProcessor.query = _query_parsed_once  # type: ignore[method-assign]
        Shape.validate = _validate_unless_quiet  # type: ignore[method-assign]

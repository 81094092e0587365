"""A validation report arranged for people: grouped by node, each result with the property's
label, the offending value and what to do (the shapes' messages say how to fix)."""

from __future__ import annotations

from typing import Any

from registry.profile.fields import label_for
from registry.profile.validation import Report
from registry.rdf.namespaces import compact


def report_groups(report: Report) -> list[dict[str, Any]]:
    """Return one group per focus node, Violations first, in the report's order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for result in report.results:
        groups.setdefault(result.focus, []).append(
            {
                "severity": result.severity,
                "property": label_for(result.path) if result.path else "(the node itself)",
                "path": compact(result.path) if result.path else "",
                "value": result.value,
                "message": result.message,
            }
        )
    return [{"node": node, "results": results} for node, results in groups.items()]

"""The harvest pages: ``/harvest`` lists the sources the registry harvests (kind, last run,
counts, errors), as data.europa.eu shows its harvesting sources; each run's report has a
page and a JSON form (``/harvest/runs/<id>`` and ``.json``)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template

from registry.web.context import get_registry

harvest_pages = Blueprint("harvest_pages", __name__)


@harvest_pages.get("/harvest")
def sources_page() -> str:
    """Every source with its latest run."""
    return render_template("harvest.html", sources=get_registry().harvester.overview())


@harvest_pages.get("/harvest/runs/<int(max=9223372036854775807):run_id>")
def run_page(run_id: int) -> str:
    """One run's report, readable."""
    return render_template("harvest_run.html", run=get_registry().harvester.sources.run(run_id))


@harvest_pages.get("/harvest/runs/<int(max=9223372036854775807):run_id>.json")
def run_json(run_id: int) -> Response:
    """One run's report as JSON, for monitoring."""
    run = get_registry().harvester.sources.run(run_id)
    return jsonify({**run.report, "id": run.id, "started": run.started, "finished": run.finished})

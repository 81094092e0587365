"""Every request gets an id, a timing, a count and one structured log line; ``/metrics``.

The request id is the client's ``X-Request-ID`` when it is a short token (a proxy's id, so
its log and ours meet), else a new one; it comes back in the answer's ``X-Request-ID`` and
in every log line of the request. ``/metrics`` answers in the Prometheus text format to the
networks ``metrics_networks`` names (loopback by default: the counts tell an attacker what
is slow), with the counters of ``registry.metrics`` and what is read at scrape time.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import sys
import time
import uuid

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, generate_latest

from registry import metrics
from registry.errors import Forbidden
from registry.web.context import get_registry, get_settings

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
"""What a client-given request id may look like (anything else is replaced)."""

log = logging.getLogger("registry.requests")
observability = Blueprint("observability", __name__)


def observe(app: Flask) -> None:
    """Give every request of ``app`` an id, a timing, a count and a log line."""
    app.before_request(start_request)
    app.after_request(finish_request)


class JsonLines(logging.Formatter):
    """One JSON object a line: time, level, logger, message and the record's extras (the
    request id, route, status, duration), for log collectors to index without parsing."""

    STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
    converter = staticmethod(time.gmtime)  # type: ignore[assignment]  # UTC ("Z")

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({k: v for k, v in record.__dict__.items() if k not in self.STANDARD})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_logging(log_format: str) -> None:
    """Send the registry's log lines (and the WSGI server's) to stderr, as JSON lines or text."""
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def start_request() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    g.started = time.perf_counter()


def finish_request(response: Response) -> Response:
    """Count, time and log the answer; runs for error answers too (the one handler)."""
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    route = request.endpoint or "unmatched"
    metrics.REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    metrics.REQUEST_SECONDS.labels(route).observe(seconds)
    log.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "request_id": request_id,
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 2),
            "route": route,
            "client": request.remote_addr,
            "bytes": response.calculate_content_length(),
        },
    )
    return response


@observability.get("/metrics")
def metrics_page() -> Response:
    """The counters and histograms in the Prometheus text format, for allowed networks."""
    if not client_may_read_metrics(request.remote_addr, get_settings().metrics_networks):
        raise Forbidden("/metrics answers only the networks REGISTRY_METRICS_NETWORKS names.")
    body = generate_latest() + generate_latest(scrape_time_gauges())
    return Response(body, content_type=CONTENT_TYPE_LATEST)


def client_may_read_metrics(address: str | None, networks: str) -> bool:
    try:
        client = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    allowed = [n.strip() for n in networks.split(",") if n.strip()]
    return any(client in ipaddress.ip_network(n, strict=False) for n in allowed)


def scrape_time_gauges() -> CollectorRegistry:
    """What is read from the registry when scraped: the change log's position (the last
    sequence number written; a harvester's lag is its distance from it), the validators,
    and how far this process's search index follows the log."""
    registry = get_registry()
    gauges = CollectorRegistry()
    position = Gauge(
        "registry_changelog_position",
        "Sequence number of the last change in the ordered change log.",
        registry=gauges,
    )
    position.set(registry.records.changes.latest())
    workers = Gauge(
        "registry_validators", "Validator processes the profile's validation uses.", registry=gauges
    )
    workers.set(registry.settings.validators)
    applied = Gauge(
        "registry_index_position",
        "Sequence number of the last change this process's search index has applied.",
        registry=gauges,
    )
    applied.set(registry.follower.position)
    lag = Gauge(
        "registry_index_lag_seconds",
        "Seconds since this process's search index was last seen in step with the change "
        "log (below REGISTRY_CHANGE_FOLLOW_INTERVAL while following; growing while not).",
        registry=gauges,
    )
    lag.set(registry.follower.lag() or 0.0)
    return gauges
